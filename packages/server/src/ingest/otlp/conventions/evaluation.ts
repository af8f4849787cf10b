import { createHash } from 'node:crypto';
import type { ScoreRecord } from '../../../domain/score.ts';
import type { Attributes, OtlpLogRecord, OtlpSpan } from '../types.ts';
import { isRecord, nanosToMicros } from './attributes.ts';

// D1: the GenAI `gen_ai.evaluation.result` event (semconv, development status) to a score.
//
//   gen_ai.evaluation.name          required      the score's name
//   gen_ai.evaluation.score.value   double        numeric score (the label, if any, is kept beside it)
//   gen_ai.evaluation.score.label   string        without a value: "true"/"false" (any case) make a
//                                                 boolean score, any other label (pass, fail,
//                                                 relevant, ...) a categorical one, verbatim
//   gen_ai.evaluation.explanation   string        the comment
//   error.type                      string        the evaluation itself failed: no score
//   trace and span id               the evaluated operation (the event's context)
//
// Labels other than true/false are not turned into booleans: the convention leaves their meaning
// to each evaluator ("a score value of 1 could mean relevant in one evaluation system and not
// relevant in another"), so "pass" is stored as the evaluator said it. An evaluator that wants an
// averageable score sends the value too.
//
// The score's id is a digest of trace, span, name and time: an export sent again yields the same
// ids and is stored once.

export const EVALUATION_EVENT = 'gen_ai.evaluation.result';
const NAME = 'gen_ai.evaluation.name';
const VALUE = 'gen_ai.evaluation.score.value';
const LABEL = 'gen_ai.evaluation.score.label';
const EXPLANATION = 'gen_ai.evaluation.explanation';
const ERROR_TYPE = 'error.type';

// As the native API bounds a score's name, category and comment.
const MAX_NAME_CHARS = 500;
const MAX_LABEL_CHARS = 500;
const MAX_COMMENT_CHARS = 10_000;

// An evaluation event as either carrier holds it: an OTLP log record or a span event.
export interface EvaluationEvent {
  attributes: Attributes;
  traceId: string | null;
  spanId: string | null;
  timeUnixNano: string; // '0' when unknown
}

export type EvaluationOutcome =
  | { kind: 'score'; score: ScoreRecord }
  // The event is malformed: it is refused, with the reason for the export's partial success.
  | { kind: 'rejected'; reason: string }
  // A well-formed report of an evaluation that failed (error.type): not a score.
  | { kind: 'failed' };

function nonEmpty(v: unknown): string | null {
  return typeof v === 'string' && v.trim() !== '' ? v : null;
}

function describe(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (v instanceof Uint8Array) return 'bytes';
  if (Array.isArray(v)) return 'an array';
  return v === null ? 'null' : typeof v === 'object' ? 'a map' : String(v);
}

export function evaluationId(traceId: string, spanId: string | null, name: string, timeUnixNano: string): string {
  return createHash('sha256')
    .update(['gen_ai.evaluation', traceId, spanId ?? '', name, timeUnixNano].join('\u0000'))
    .digest('hex')
    .slice(0, 32);
}

export function evaluationScore(event: EvaluationEvent, projectId: string, nowUs: number = Date.now() * 1000): EvaluationOutcome {
  const attrs = isRecord(event.attributes) ? event.attributes : {};
  const traceId = typeof event.traceId === 'string' && event.traceId !== '' ? event.traceId.toLowerCase() : null;
  if (traceId === null) return { kind: 'rejected', reason: `${EVALUATION_EVENT} has no trace id; a score needs the trace it judges (emit the event in the evaluated span's context)` };
  const rawName = attrs[NAME];
  const name = nonEmpty(rawName);
  if (name === null) return { kind: 'rejected', reason: `${EVALUATION_EVENT} has no ${NAME}${rawName === undefined ? '' : ` (got ${describe(rawName)})`}` };
  if (name.length > MAX_NAME_CHARS) return { kind: 'rejected', reason: `${NAME} is longer than ${MAX_NAME_CHARS} characters` };
  if (nonEmpty(attrs[ERROR_TYPE]) !== null) return { kind: 'failed' };

  const rawValue = attrs[VALUE];
  const rawLabel = attrs[LABEL];
  if (rawValue !== undefined && rawValue !== null && typeof rawValue !== 'number') {
    // Doubles that are NaN or infinite arrive as the strings proto3 JSON uses for them.
    return { kind: 'rejected', reason: `${VALUE} of "${name}" must be a finite number, got ${describe(rawValue)}` };
  }
  if (typeof rawValue === 'number' && !Number.isFinite(rawValue)) {
    return { kind: 'rejected', reason: `${VALUE} of "${name}" must be a finite number, got ${rawValue}` };
  }
  if (rawLabel !== undefined && rawLabel !== null && typeof rawLabel !== 'string') {
    return { kind: 'rejected', reason: `${LABEL} of "${name}" must be a string, got ${describe(rawLabel)}` };
  }
  const label = nonEmpty(rawLabel);
  if (label !== null && label.length > MAX_LABEL_CHARS) return { kind: 'rejected', reason: `${LABEL} of "${name}" is longer than ${MAX_LABEL_CHARS} characters` };
  const value = typeof rawValue === 'number' ? rawValue : null;
  if (value === null && label === null) return { kind: 'rejected', reason: `${EVALUATION_EVENT} "${name}" has neither ${VALUE} nor ${LABEL}` };

  const { dataType, numericValue, stringValue } = scoreValueOf(value, label);

  const explanation = attrs[EXPLANATION];
  const spanId = typeof event.spanId === 'string' && event.spanId !== '' ? event.spanId.toLowerCase() : null;
  return {
    kind: 'score',
    score: {
      projectId,
      id: evaluationId(traceId, spanId, name, event.timeUnixNano),
      traceId,
      spanId,
      name,
      dataType,
      numericValue,
      stringValue,
      comment: typeof explanation === 'string' && explanation !== '' ? explanation.slice(0, MAX_COMMENT_CHARS) : null,
      source: 'evaluator',
      timestampUs: nanosToMicros(event.timeUnixNano) || nowUs,
      userId: null,
      feature: null,
      model: null,
      application: null,
      metadata: {},
    },
  };
}

// The evaluation event a log record carries, if it is one (by event_name, or the `event.name`
// attribute older SDKs set).
export function evaluationOfLog(log: OtlpLogRecord): EvaluationEvent | null {
  const name = log.eventName !== '' ? log.eventName : log.attributes['event.name'];
  if (name !== EVALUATION_EVENT) return null;
  return { attributes: log.attributes, traceId: log.traceId, spanId: log.spanId, timeUnixNano: log.timeUnixNano !== '0' ? log.timeUnixNano : log.observedTimeUnixNano };
}

// Reasons listed in one export's partial success, as many as the decoder lists.
const MAX_REASONS = 10;

export interface LogsWithScores {
  logs: OtlpLogRecord[]; // everything that is not a score, failed evaluations included
  scores: ScoreRecord[];
  rejected: { count: number; messages: string[] };
}

// A log record that is an evaluation becomes a score instead of a log: the score holds all of it
// (name, value, label, explanation, trace, span, time), and storing both would show the same
// judgement twice and keep its explanation in two places. A failed evaluation stays a log record.
export function splitEvaluations(records: OtlpLogRecord[], projectId: string): LogsWithScores {
  const out: LogsWithScores = { logs: [], scores: [], rejected: { count: 0, messages: [] } };
  for (const log of records) {
    const event = evaluationOfLog(log);
    const outcome = event === null ? null : evaluationScore(event, projectId);
    if (outcome === null || outcome.kind === 'failed') out.logs.push(log);
    else if (outcome.kind === 'score') out.scores.push(outcome.score);
    else {
      out.rejected.count++;
      if (out.rejected.messages.length < MAX_REASONS) out.rejected.messages.push(outcome.reason);
    }
  }
  const { count, messages } = out.rejected;
  if (count > messages.length) messages.push(`(${count - messages.length} more not described)`);
  return out;
}

// Some SDKs record the evaluation as an event of the evaluated span. The span is stored whatever
// its events hold, so a malformed evaluation is skipped with a warning, not counted as rejected.
export function spanEvaluations(spans: OtlpSpan[], projectId: string): { scores: ScoreRecord[]; warnings: string[] } {
  const scores: ScoreRecord[] = [];
  const warnings: string[] = [];
  let skipped = 0;
  for (const span of spans) {
    if (!Array.isArray(span.events)) continue;
    for (const e of span.events) {
      if (!isRecord(e) || e.name !== EVALUATION_EVENT) continue;
      const outcome = evaluationScore({ attributes: e.attributes, traceId: span.traceId, spanId: span.spanId, timeUnixNano: e.timeUnixNano }, projectId);
      if (outcome.kind === 'score') scores.push(outcome.score);
      else if (outcome.kind === 'rejected') {
        skipped++;
        if (warnings.length < MAX_REASONS) warnings.push(`span ${span.spanId}: ${outcome.reason}; the event was skipped, the span stored`);
      }
    }
  }
  if (skipped > warnings.length) warnings.push(`(${skipped - warnings.length} more not described)`);
  return { scores, warnings };
}

// An evaluation result's value as a score: a number is numeric (its label kept beside it), a
// label of true/false alone is boolean, any other label categorical.
export function scoreValueOf(value: number | null, label: string | null): Pick<ScoreRecord, 'dataType' | 'numericValue' | 'stringValue'> {
  if (value !== null) return { dataType: 'numeric', numericValue: value, stringValue: label };
  const asBoolean = label?.trim().toLowerCase();
  if (asBoolean === 'true' || asBoolean === 'false') return { dataType: 'boolean', numericValue: asBoolean === 'true' ? 1 : 0, stringValue: asBoolean };
  return { dataType: 'categorical', numericValue: null, stringValue: label };
}
