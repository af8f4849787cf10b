import { SECURITY_METADATA } from '../../domain/security.ts';
import type { SpanRecord } from '../../domain/span.ts';
import type { ChainBatch, Processor } from '../chain.ts';
import type { ChainNotes, InjectionFound } from '../notes.ts';
import { detectInjection, type InjectionResult } from './injection.ts';
import { promptText } from './prompt-text.ts';

// E2: looks for prompt injection and jailbreaks in what a call was given: a generation's input
// (the user's prompt), a tool's result and a retrieval's documents (indirect injection: text the
// application fetched, addressed to the model). It runs after redaction, on the text as stored.
// A finding marks the span (SECURITY_METADATA) and becomes a security event.

const GEN_AI_EVENT_ORIGIN: Record<string, 'prompt' | 'tool'> = {
  'gen_ai.user.message': 'prompt',
  'gen_ai.tool.message': 'tool',
};

export class DetectProcessor implements Processor {
  readonly name = 'detect';
  private readonly notes: ChainNotes;

  constructor(notes: ChainNotes) {
    this.notes = notes;
  }

  process(batch: ChainBatch): void {
    for (const s of batch.spans) {
      const found = this.inSpan(s);
      if (!found) continue;
      this.notes.for(s).injection = found;
      s.metadata[SECURITY_METADATA.injection] = `${found.kind}:${found.severity}`;
      s.metadata[SECURITY_METADATA.injectionRules] = found.rules.join(',');
      s.metadata[SECURITY_METADATA.injectionScore] = String(Math.round(found.score * 100) / 100);
    }
    for (const l of batch.logs) {
      const origin = GEN_AI_EVENT_ORIGIN[l.attributes['event.name'] ?? ''];
      if (origin === undefined || l.body === '') continue;
      const r = detectInjection(promptText(l.body), origin);
      if (r) this.notes.for(l).injection = { ...r, field: 'log:body' };
    }
  }

  private inSpan(s: SpanRecord): InjectionFound | null {
    if (!s.content) return null;
    let best: InjectionFound | null = null;
    const consider = (r: InjectionResult | null, field: string) => {
      if (r && (best === null || r.score > best.score)) best = { ...r, field };
    };
    if (s.kind === 'retrieval' || s.kind === 'tool') {
      if (s.content.output !== null) consider(detectInjection(promptText(s.content.output), s.kind === 'tool' ? 'tool' : 'retrieval'), 'output');
      if (s.kind === 'tool' && s.content.input !== null) consider(detectInjection(promptText(s.content.input), 'tool'), 'input');
    } else if (s.content.input !== null) {
      consider(detectInjection(promptText(s.content.input), 'prompt'), 'input');
    }
    return best;
  }
}
