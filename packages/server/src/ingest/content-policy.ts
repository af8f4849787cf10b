import type { SpanRecord } from '../domain/span.ts';
import type { LogRecord } from '../domain/score.ts';
import type { ContentCapture, Store } from '../store/store.ts';

// E5: each project's content capture setting, kept in memory (read on every ingest) and applied
// in the pipeline, so every ingest path obeys it before anything reaches the journal.
//   full      prompts and responses are stored, with their hashes
//   metadata  only the hashes (duplicate prompts can still be found)
//   off       neither
// GenAI event logs carry the same text: below `full` their bodies and message attributes go too.

const GENAI_TEXT_ATTRIBUTES = ['gen_ai.input.messages', 'gen_ai.output.messages', 'gen_ai.system_instructions', 'gen_ai.prompt', 'gen_ai.completion'];

export class ContentPolicy {
  private readonly modes = new Map<string, ContentCapture>();

  static async load(store: Store): Promise<ContentPolicy> {
    const policy = new ContentPolicy();
    for (const p of await store.listProjects()) policy.modes.set(p.id, p.contentCapture);
    return policy;
  }

  modeOf(projectId: string): ContentCapture {
    return this.modes.get(projectId) ?? 'full';
  }

  set(projectId: string, mode: ContentCapture): void {
    this.modes.set(projectId, mode);
  }

  captures(projectId: string): boolean {
    return this.modeOf(projectId) === 'full';
  }

  applyToSpan(span: SpanRecord): void {
    const mode = this.modeOf(span.projectId);
    if (mode === 'full') return;
    span.content = null;
    if (mode === 'off') {
      span.promptHash = null;
      span.responseHash = null;
    }
  }

  applyToLog(log: LogRecord): void {
    if (this.modeOf(log.projectId) === 'full') return;
    if (!(log.attributes['event.name'] ?? '').startsWith('gen_ai.')) return;
    log.body = '';
    for (const key of GENAI_TEXT_ATTRIBUTES) delete log.attributes[key];
  }
}
