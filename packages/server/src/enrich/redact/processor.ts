import type { LogRecord, ScoreRecord } from '../../domain/score.ts';
import { PROMPT_METADATA } from '../../domain/prompt-identity.ts';
import { formatFound, SECURITY_METADATA } from '../../domain/security.ts';
import type { SpanRecord } from '../../domain/span.ts';
import type { ChainBatch, Processor } from '../chain.ts';
import type { ChainNotes, RecordNotes } from '../notes.ts';
import type { Privacy } from './privacy.ts';
import type { Redactor } from './redactor.ts';
import type { Finding } from './types.ts';

// E1: redacts every text field of a record that can carry content before anything is journaled:
// span input and output, error message, name, metadata and tag values; log bodies and attribute
// values; score comments. Each value found is masked, hashed or kept as the project says, or its
// whole field dropped. A field that cannot be scanned (too large) is not stored at all, and the
// span says so (`lookout.content_redaction: failed`): privacy fails closed. Every metadata key is
// scanned, whatever its name (a client can name a key anything), except the prompt's identity:
// its name, version and variant are labels, bounded as the attribution fields are (which are not
// scanned either), and a version or variant masked because it looks like a date or a number
// would split a group of the experiments comparison. The prompt's variables are content, scanned.
const PROMPT_IDENTITY_KEYS = new Set<string>([PROMPT_METADATA.name, PROMPT_METADATA.version, PROMPT_METADATA.variant]);

export class RedactProcessor implements Processor {
  readonly name = 'redact';
  private readonly privacy: Privacy;
  private readonly notes: ChainNotes;

  constructor(privacy: Privacy, notes: ChainNotes) {
    this.privacy = privacy;
    this.notes = notes;
  }

  process(batch: ChainBatch): void {
    for (const s of batch.spans) this.span(s);
    for (const l of batch.logs) this.log(l);
    for (const s of batch.scores) this.score(s);
  }

  private span(s: SpanRecord): void {
    const r = this.privacy.redactorOf(s.projectId);
    let failed = false;
    const scan = (text: string, field: string): string | null => {
      const out = r.redact(text);
      if (out.failed) failed = true;
      if (out.findings.length) this.note(s, s.projectId, out.findings, field);
      return out.text;
    };
    if (s.content) {
      const input = s.content.input === null ? null : scan(s.content.input, 'input');
      const output = s.content.output === null ? null : scan(s.content.output, 'output');
      s.content = input === null && output === null ? null : { input, output };
    }
    if (s.errorMessage !== null) s.errorMessage = scan(s.errorMessage, 'error');
    s.name = scan(s.name, 'name') ?? '[REDACTED]';
    for (const key of Object.keys(s.metadata)) {
      if (PROMPT_IDENTITY_KEYS.has(key)) continue;
      const v = scan(s.metadata[key], `metadata:${key}`);
      if (v === null) delete s.metadata[key];
      else s.metadata[key] = v;
    }
    if (s.tags.length) {
      const tags: string[] = [];
      for (const t of s.tags) {
        const v = scan(t, 'tag');
        if (v !== null) tags.push(v);
      }
      s.tags = tags;
    }
    const notes = this.notes.of(s);
    if (notes?.found.size) s.metadata[SECURITY_METADATA.redaction] = formatFound(countByType(notes));
    if (failed) s.metadata[SECURITY_METADATA.contentRedaction] = 'failed';
  }

  private log(l: LogRecord): void {
    const r = this.privacy.redactorOf(l.projectId);
    if (l.body !== '') {
      const out = r.redact(l.body);
      if (out.findings.length) this.note(l, l.projectId, out.findings, 'log:body');
      l.body = out.text ?? '';
    }
    for (const key of Object.keys(l.attributes)) {
      const out = r.redact(l.attributes[key]);
      if (out.findings.length) this.note(l, l.projectId, out.findings, `log:${key}`);
      if (out.text === null) delete l.attributes[key];
      else l.attributes[key] = out.text;
    }
  }

  private score(s: ScoreRecord): void {
    if (s.comment === null) return;
    const r = this.privacy.redactorOf(s.projectId);
    const out = r.redact(s.comment);
    if (out.findings.length) this.note(s, s.projectId, out.findings, 'score:comment');
    s.comment = out.text;
  }

  private note(record: object, projectId: string, findings: readonly Finding[], field: string): void {
    const notes = this.notes.for(record);
    const modes = this.privacy.settingsOf(projectId).modes;
    for (const f of findings) {
      let found = notes.found.get(f.detector);
      if (found === undefined) {
        found = { type: f.type, detector: f.detector, mode: modes[f.type], count: 0, fields: new Set() };
        notes.found.set(f.detector, found);
      }
      found.count++;
      found.fields.add(field);
    }
  }
}

function countByType(notes: RecordNotes): Record<string, number> {
  const out: Record<string, number> = {};
  for (const f of notes.found.values()) out[f.type] = (out[f.type] ?? 0) + f.count;
  return out;
}

// OTLP metric points are written to the store directly, not through the chain: their attribute
// values are redacted here, in place (a key whose value a `drop` finding removes is dropped).
// Answers the values found per type, for /metrics.
export function redactAttributes(redactor: Redactor, attributes: Record<string, string>): Map<string, number> {
  const found = new Map<string, number>();
  for (const key of Object.keys(attributes)) {
    const out = redactor.redact(attributes[key]);
    for (const f of out.findings) found.set(f.type, (found.get(f.type) ?? 0) + 1);
    if (out.text === null) delete attributes[key];
    else attributes[key] = out.text;
  }
  return found;
}
