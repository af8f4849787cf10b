import { createHash } from 'node:crypto';
import type { ScoreRecord } from '../../../domain/score.ts';
import type { AttrValue, OtlpSpan } from '../types.ts';
import { nanosToMicros } from './attributes.ts';
import { scoreValueOf } from './evaluation.ts';

// D1: OpenInference feedback span attributes to scores (Arize-ai/openinference spec/annotations.md,
// "Annotations and Evaluations"; written by getAnnotationAttributes / getEvaluationAttributes of
// @arizeai/openinference-core ≥ 2.5 and openinference-instrumentation for Python).
//
//   annotations.N.annotation.<field>          evaluations.N.evaluation.<field>          the span
//   trace.annotations.N.annotation.<field>    trace.evaluations.N.evaluation.<field>    the trace
//   session.annotations.N.annotation.<field>  session.evaluations.N.evaluation.<field>  a session
//
//   fields: name (required), score (number), label (string), explanation (string),
//           annotator_kind (HUMAN | LLM | CODE | custom), identifier (string), metadata (JSON)
//
// Both forms mean the same. Inline feedback describes the span that carries it (or its trace);
// post-hoc feedback rides on a new carrier span with exactly one link, to the target span (or a
// span of the target trace), so a span with one link scores what it links to. Session feedback
// has no Lookout equivalent (a score belongs to a trace) and is skipped with a warning, never
// spread over the session's traces, which the spec forbids.
//
// The value follows gen_ai.evaluation.result (the spec's own translation): a score is numeric with
// its label kept beside it; a label alone is boolean for true/false, else categorical verbatim. A
// result with only an explanation has no value to store and is skipped with a warning.
// `metadata` is free text the redactor does not scan in score metadata, so it is not copied.

// Score metadata written from the feedback's own fields.
export const FEEDBACK_METADATA = {
  annotatorKind: 'openinference.annotator_kind',
  identifier: 'openinference.identifier',
  scope: 'openinference.scope', // span | trace
} as const;

// As the native API and gen_ai.evaluation.result bound a score's fields.
const MAX_NAME_CHARS = 500;
const MAX_LABEL_CHARS = 500;
const MAX_COMMENT_CHARS = 10_000;
const MAX_METADATA_VALUE_CHARS = 200;
// Results read from one span; attribute limits already bound a span, this bounds the scores.
export const MAX_FEEDBACK_PER_SPAN = 32;
const MAX_WARNINGS = 10;

const KEY = /^(?:(trace|session)\.)?(annotations|evaluations)\.(\d{1,6})\.(annotation|evaluation)\.(name|score|label|explanation|annotator_kind|identifier)$/;

type Scope = 'span' | 'trace' | 'session';

interface Feedback {
  scope: Scope;
  form: string; // annotation | evaluation
  index: number;
  fields: Partial<Record<string, AttrValue>>;
}

function mayBeFeedback(key: string): boolean {
  const c = key.charCodeAt(0);
  // a(nnotations), e(valuations), t(race.), s(ession.): skips almost every other key at once.
  return (c === 97 || c === 101 || c === 116 || c === 115) && key.includes('ations.');
}

// The span's feedback, per scope and form, in index order.
function feedbackOf(attributes: Record<string, AttrValue>): Feedback[] {
  const groups = new Map<string, Feedback>();
  for (const [key, value] of Object.entries(attributes)) {
    if (!mayBeFeedback(key)) continue;
    const m = KEY.exec(key);
    if (m === null) continue;
    const [, scopeText, collection, indexText, item, field] = m;
    if (collection.slice(0, -1) !== item) continue; // annotations.N.evaluation.* is neither form
    const scope: Scope = scopeText === 'trace' ? 'trace' : scopeText === 'session' ? 'session' : 'span';
    const group = `${scope}\u0000${item}\u0000${indexText}`;
    let fb = groups.get(group);
    if (fb === undefined) {
      fb = { scope, form: item, index: Number(indexText), fields: {} };
      groups.set(group, fb);
    }
    fb.fields[field] = value;
  }
  return [...groups.values()].sort((a, b) => a.index - b.index);
}

function text(v: AttrValue | undefined): string | null {
  return typeof v === 'string' && v.trim() !== '' ? v : null;
}

export function feedbackId(parts: string[]): string {
  return createHash('sha256').update(['openinference.feedback', ...parts].join('\u0000')).digest('hex').slice(0, 32);
}

export type FeedbackOutcome = { kind: 'score'; score: ScoreRecord } | { kind: 'skipped'; reason: string };

// One span's feedback as scores. `nowUs` stands in for a span without an end time.
export function spanFeedbackScores(span: OtlpSpan, projectId: string, nowUs: number = Date.now() * 1000): FeedbackOutcome[] {
  const all = feedbackOf(span.attributes);
  if (all.length === 0) return [];
  const out: FeedbackOutcome[] = [];
  const carrierTrace = span.traceId.toLowerCase();
  const carrierSpan = span.spanId.toLowerCase();
  const link = Array.isArray(span.links) && span.links.length === 1 ? span.links[0] : null;
  const target = link !== null && link.traceId !== '' ? { traceId: link.traceId.toLowerCase(), spanId: link.spanId !== '' ? link.spanId.toLowerCase() : null } : { traceId: carrierTrace, spanId: carrierSpan };
  const timestampUs = nanosToMicros(span.endTimeUnixNano) || nanosToMicros(span.startTimeUnixNano) || nowUs;
  // Without an identifier, the k-th result of a name in one scope is the same result in either
  // form (the spec: both forms of one result MUST match), so it gets the same id.
  const occurrences = new Map<string, number>();
  const emitted = new Set<string>();
  for (const fb of all.slice(0, MAX_FEEDBACK_PER_SPAN)) {
    const where = `${fb.scope === 'span' ? '' : `${fb.scope}.`}feedback ${fb.index}`;
    const name = text(fb.fields.name);
    if (name === null) {
      out.push({ kind: 'skipped', reason: `${where} has no name` });
      continue;
    }
    if (fb.scope === 'session') {
      out.push({ kind: 'skipped', reason: `${where} "${name.slice(0, 40)}" is session feedback; Lookout scores a trace or a span` });
      continue;
    }
    if (name.length > MAX_NAME_CHARS) {
      out.push({ kind: 'skipped', reason: `${where} has a name longer than ${MAX_NAME_CHARS} characters` });
      continue;
    }
    const rawScore = fb.fields.score;
    if (rawScore !== undefined && rawScore !== null && (typeof rawScore !== 'number' || !Number.isFinite(rawScore))) {
      out.push({ kind: 'skipped', reason: `${where} "${name}" has a score that is not a finite number` });
      continue;
    }
    const label = text(fb.fields.label);
    if (label !== null && label.length > MAX_LABEL_CHARS) {
      out.push({ kind: 'skipped', reason: `${where} "${name}" has a label longer than ${MAX_LABEL_CHARS} characters` });
      continue;
    }
    const value = typeof rawScore === 'number' ? rawScore : null;
    if (value === null && label === null) {
      out.push({ kind: 'skipped', reason: `${where} "${name}" has neither a score nor a label` });
      continue;
    }

    const { dataType, numericValue, stringValue } = scoreValueOf(value, label);

    const traceId = target.traceId;
    const spanId = fb.scope === 'trace' ? null : target.spanId;
    const identifier = text(fb.fields.identifier);
    const occurrence = `${fb.scope}\u0000${fb.form}\u0000${name}`;
    const k = occurrences.get(occurrence) ?? 0;
    occurrences.set(occurrence, k + 1);
    // With an identifier the spec lets a consumer identify a result by scope, target, name and
    // identifier, whichever span carried it.
    const id = identifier !== null ? feedbackId([fb.scope, traceId, spanId ?? '', name, identifier]) : feedbackId([fb.scope, carrierTrace, carrierSpan, name, String(k)]);
    if (emitted.has(id)) continue;
    emitted.add(id);

    const metadata: Record<string, string> = { [FEEDBACK_METADATA.scope]: fb.scope };
    const kind = text(fb.fields.annotator_kind);
    if (kind !== null) metadata[FEEDBACK_METADATA.annotatorKind] = kind.slice(0, MAX_METADATA_VALUE_CHARS);
    if (identifier !== null) metadata[FEEDBACK_METADATA.identifier] = identifier.slice(0, MAX_METADATA_VALUE_CHARS);
    const explanation = text(fb.fields.explanation);
    out.push({
      kind: 'score',
      score: {
        projectId,
        id,
        traceId,
        spanId,
        name,
        dataType,
        numericValue,
        stringValue,
        comment: explanation === null ? null : explanation.slice(0, MAX_COMMENT_CHARS),
        source: 'evaluator',
        timestampUs,
        userId: null,
        feature: null,
        model: null,
        application: null,
        metadata,
      },
    });
  }
  if (all.length > MAX_FEEDBACK_PER_SPAN) out.push({ kind: 'skipped', reason: `${all.length - MAX_FEEDBACK_PER_SPAN} feedback results past the first ${MAX_FEEDBACK_PER_SPAN}` });
  return out;
}

// Feedback never stops a span from being stored: what cannot become a score is a warning.
export function openInferenceFeedbackScores(spans: OtlpSpan[], projectId: string): { scores: ScoreRecord[]; warnings: string[] } {
  const scores: ScoreRecord[] = [];
  const warnings: string[] = [];
  let skipped = 0;
  for (const span of spans) {
    if (span.attributes === null || typeof span.attributes !== 'object') continue;
    for (const outcome of spanFeedbackScores(span, projectId)) {
      if (outcome.kind === 'score') scores.push(outcome.score);
      else {
        skipped++;
        if (warnings.length < MAX_WARNINGS) warnings.push(`span ${span.spanId}: OpenInference ${outcome.reason}; not stored as a score, the span stored`);
      }
    }
  }
  if (skipped > warnings.length) warnings.push(`(${skipped - warnings.length} more not described)`);
  return { scores, warnings };
}
