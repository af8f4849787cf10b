import { EVALUATION_FEATURE } from '../../domain/quality.ts';
import type { SpanRecord } from '../../domain/span.ts';
import type { JudgeMaterial } from './templates.ts';

// What the judge reads of a trace. The question is the trace's input as the application received
// it (the root span's, else the first call's); the answer is the root's output, else the last
// call's; the documents are what its retrieval spans returned; the reference answer is the root
// span's metadata `reference` (docs/quality.md#reference-answers). Each part is bounded so one
// huge trace cannot make a prompt the judge refuses or that costs a fortune.

export const REFERENCE_METADATA_KEY = 'reference';
const MAX_FIELD_CHARS = 12_000;
const MAX_DOCUMENTS_CHARS = 24_000;
const MAX_DOCUMENTS = 20;

export interface TraceMaterial {
  material: JudgeMaterial;
  // The call whose answer is judged: the score is attached to it.
  span: SpanRecord | null;
}

function bounded(text: string | null | undefined, max: number): string | null {
  if (text === null || text === undefined || text.trim() === '') return null;
  return text.length > max ? `${text.slice(0, max)}\n[… ${text.length - max} characters left out]` : text;
}

export function materialOf(spans: readonly SpanRecord[]): TraceMaterial {
  const own = spans.filter((s) => s.attribution.feature !== EVALUATION_FEATURE);
  const ids = new Set(own.map((s) => s.spanId));
  const root = own.find((s) => s.parentSpanId === null || !ids.has(s.parentSpanId)) ?? null;
  const calls = own.filter((s) => s.kind === 'generation').sort((a, b) => a.endUs - b.endUs || a.startUs - b.startUs);
  const answered = calls.filter((s) => s.content?.output);
  const last = answered.at(-1) ?? calls.at(-1) ?? null;
  const first = calls.find((s) => s.content?.input) ?? null;
  const retrievals = own
    .filter((s) => s.kind === 'retrieval' && s.content?.output)
    .sort((a, b) => a.startUs - b.startUs)
    .slice(0, MAX_DOCUMENTS);
  const documents = retrievals.length ? retrievals.map((s, i) => `[${i + 1}] ${s.content!.output}`).join('\n\n') : null;
  return {
    span: last,
    material: {
      input: bounded(root?.content?.input ?? first?.content?.input, MAX_FIELD_CHARS),
      output: bounded(root?.content?.output ?? last?.content?.output, MAX_FIELD_CHARS),
      documents: bounded(documents, MAX_DOCUMENTS_CHARS),
      reference: bounded(root?.metadata[REFERENCE_METADATA_KEY], MAX_FIELD_CHARS),
    },
  };
}
