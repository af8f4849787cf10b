import { createHash } from 'node:crypto';
import { EVALUATION_FEATURE, JUDGE_SUBJECT_METADATA_KEY, SCORE_METADATA, type Evaluator } from '../../domain/quality.ts';
import type { LogRecord, ScoreRecord } from '../../domain/score.ts';
import { emptyAttribution, effectiveModel, unpricedCost, type SpanRecord } from '../../domain/span.ts';
import { normalizeUsage } from '../../domain/usage.ts';
import type { JudgeAnswer, JudgeCallError } from './client.ts';
import type { Judgement } from './templates.ts';

// The records a judgement leaves: the judge's own call as a span (priced by the chain like any
// call, kept apart by its feature), the score, or a failed evaluation as a log record.

export const EVALUATION_EVENT_NAME = 'lookout.evaluation';
export const JUDGE_APPLICATION = 'lookout';
// Metadata of a judge span: which evaluator and which trace it judged.
export const JUDGE_SPAN_METADATA = { evaluatorId: SCORE_METADATA.evaluatorId, subjectTraceId: JUDGE_SUBJECT_METADATA_KEY, criterion: SCORE_METADATA.criterion } as const;
// On a judge span and its score: 'true' when the built-in demo judge answered (no model was called).
export const DEMO_JUDGE_METADATA_KEY = 'lookout.judge.demo';

function hex(parts: string[], chars: number): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, chars);
}

// Same evaluator, trace and prompt version: same score id, so the store keeps one.
export function judgeScoreId(evaluatorId: string, traceId: string, templateVersion: string): string {
  return `judge-${hex([evaluatorId, traceId, templateVersion], 32)}`;
}

export interface JudgeCall {
  startedMs: number;
  endedMs: number;
  answer: JudgeAnswer | null;
  error: JudgeCallError | null;
  prompt: string;
}

export function judgeSpan(
  projectId: string,
  evaluator: Evaluator,
  subjectTraceId: string,
  templateVersion: string,
  call: JudgeCall,
  endpoint: { provider: string; model: string },
  attempt: number,
): SpanRecord {
  const traceId = hex(['judge-trace', evaluator.id, subjectTraceId, templateVersion, String(attempt)], 32);
  const u = call.answer?.usage;
  const usage = u
    ? normalizeUsage({ input: u.promptTokens, output: u.completionTokens, cacheRead: u.cachedTokens, reasoning: u.reasoningTokens }, endpoint.provider)
    : normalizeUsage({}, endpoint.provider);
  const err = call.error;
  return {
    projectId,
    traceId,
    spanId: traceId.slice(0, 16),
    parentSpanId: null,
    name: call.answer?.demo ? `judge ${evaluator.criterion} (demo)` : `judge ${evaluator.criterion}`,
    kind: 'generation',
    startUs: call.startedMs * 1000,
    endUs: Math.max(call.endedMs, call.startedMs) * 1000,
    provider: endpoint.provider,
    requestModel: endpoint.model,
    responseModel: call.answer?.responseModel ?? null,
    usage,
    cost: unpricedCost(),
    status: err ? 'error' : 'ok',
    errorClass: err ? (err.kind === 'rate_limited' ? 'rate_limit' : err.kind === 'timeout' ? 'timeout' : err.kind === 'server' ? 'server' : 'other') : null,
    errorMessage: err ? err.message.slice(0, 1000) : null,
    finishReason: call.answer?.finishReason ?? null,
    ttftMs: null,
    attribution: { ...emptyAttribution(), feature: EVALUATION_FEATURE, application: JUDGE_APPLICATION },
    tags: [],
    metadata: {
      [JUDGE_SPAN_METADATA.evaluatorId]: evaluator.id,
      [JUDGE_SPAN_METADATA.subjectTraceId]: subjectTraceId,
        [JUDGE_SPAN_METADATA.criterion]: evaluator.criterion,
      ...(call.answer?.demo ? { [DEMO_JUDGE_METADATA_KEY]: 'true' } : {}),
    },
    content: { input: call.prompt, output: call.answer?.content ?? null },
    promptHash: null,
    responseHash: null,
    requestId: call.answer?.requestId ?? null,
  };
}

// USD of priced judge spans (null when none could be priced).
export function costUsdOf(spans: readonly SpanRecord[]): number | null {
  let nano = 0;
  let known = false;
  for (const s of spans) {
    if (s.cost.totalNanoUsd === null) continue;
    nano += s.cost.totalNanoUsd;
    known = true;
  }
  return known ? nano / 1e9 : null;
}

// When the judged trace ended: its latest span end among its own spans (the judge's aside), so
// that hourly quality trends place a score with its trace, not at the moment of judging.
export function traceEndMs(spans: readonly SpanRecord[]): number | null {
  let endUs: number | null = null;
  for (const s of spans) if (s.attribution.feature !== EVALUATION_FEATURE && (endUs === null || s.endUs > endUs)) endUs = s.endUs;
  return endUs === null ? null : Math.floor(endUs / 1000);
}

// `subject.endMs`: the judged trace's end (traceEndMs); the score is stamped then, else `nowMs`.
export function judgeScore(
  projectId: string,
  evaluator: Evaluator,
  subject: { traceId: string; span: SpanRecord | null; endMs: number | null },
  templateVersion: string,
  judgement: Judgement,
  judge: { traceId: string; costUsd: number | null; model: string; demo?: boolean },
  nowMs: number,
): ScoreRecord {
  const s = subject.span;
  return {
    projectId,
    id: judgeScoreId(evaluator.id, subject.traceId, templateVersion),
    traceId: subject.traceId,
    spanId: s?.spanId ?? null,
    name: evaluator.name,
    dataType: 'numeric',
    numericValue: judgement.score,
    stringValue: null,
    comment: judgement.reasoning,
    source: 'llm_judge',
    timestampUs: (subject.endMs ?? nowMs) * 1000,
    userId: s?.attribution.userId ?? null,
    feature: s?.attribution.feature ?? null,
    model: s ? effectiveModel(s) : null,
    application: s?.attribution.application ?? null,
    metadata: {
      [SCORE_METADATA.evaluatorId]: evaluator.id,
      [SCORE_METADATA.criterion]: evaluator.criterion,
      [SCORE_METADATA.templateVersion]: templateVersion,
      [SCORE_METADATA.judgeTraceId]: judge.traceId,
      [SCORE_METADATA.judgeCostUsd]: judge.costUsd === null ? 'unknown' : judge.costUsd.toFixed(9).replace(/\.?0+$/, ''),
      [SCORE_METADATA.judgeModel]: judge.model,
      ...(judge.demo ? { [DEMO_JUDGE_METADATA_KEY]: 'true' } : {}),
    },
  };
}

export type EvaluationEventType = 'failed' | 'budget_reached';

// A failed evaluation or a spent judge budget: never a score, always this log record.
export function evaluationEvent(
  projectId: string,
  type: EvaluationEventType,
  fields: { evaluatorId?: string; traceId?: string | null; reason: string; key: string },
  nowMs: number,
): LogRecord {
  const attributes: Record<string, string> = { 'event.name': EVALUATION_EVENT_NAME, 'lookout.evaluation.type': type };
  if (fields.evaluatorId) attributes[SCORE_METADATA.evaluatorId] = fields.evaluatorId;
  return {
    projectId,
    id: `evaluation-${hex([type, fields.key], 32)}`,
    traceId: fields.traceId ?? null,
    spanId: null,
    timestampUs: nowMs * 1000,
    severity: 'warn',
    body: fields.reason.slice(0, 2000),
    attributes,
  };
}
