import { nanoToUsd } from '../../domain/money.ts';
import type { ScoreRecord } from '../../domain/score.ts';
import { effectiveModel, totalTokens, type SpanRecord, type UsageBucket } from '../../domain/span.ts';
import { LANGFUSE_METADATA as KEYS } from '../../ingest/langfuse/map.ts';
import type { LangfuseObservation, LangfuseScore, LangfuseTrace } from '../schemas/langfuse.ts';

// Stored spans and scores in the Langfuse public API's shapes. A span written from a Langfuse SDK
// carries its original ids and fields in `langfuse.*` metadata (ingest/langfuse/); any other
// span is shown as it is: its trace id is the Lookout hex id, its id the span id, a generation is
// a GENERATION and everything else a SPAN.

// The observation type of a trace's own span (the one a trace-create became).
export const TRACE_ROOT_TYPE = 'trace';
const DEFAULT_ENVIRONMENT = 'default';
// The trace name the OpenTelemetry-based SDKs stamp on their spans.
const TRACE_NAME_KEY = 'langfuse.trace.name';
const LEVELS = new Set(['DEBUG', 'DEFAULT', 'WARNING', 'ERROR']);

// Langfuse's usage and cost keys for Lookout's non-overlapping buckets; like Lookout's, Langfuse's
// details add up to their total.
const DETAIL_KEYS: Record<UsageBucket, string> = {
  input: 'input',
  output: 'output',
  cacheRead: 'input_cached_tokens',
  cacheWrite: 'input_cache_creation_tokens',
  reasoning: 'output_reasoning_tokens',
  audio: 'audio_tokens',
};
const INPUT_SIDE: UsageBucket[] = ['input', 'cacheRead', 'cacheWrite'];
const OUTPUT_SIDE: UsageBucket[] = ['output', 'reasoning'];

const MICROS_PER_MS = 1_000;
const MICROS_PER_S = 1_000_000;

export function isoOfMicros(us: number): string {
  return new Date(Math.floor(us / MICROS_PER_MS)).toISOString();
}

export function isLangfuseRoot(span: SpanRecord): boolean {
  return span.metadata[KEYS.observationType] === TRACE_ROOT_TYPE;
}

// The span that stands for the trace: the Langfuse trace's own span, else the earliest span
// without a parent, else the earliest span.
export function rootOf(spans: SpanRecord[]): SpanRecord | undefined {
  const byStart = [...spans].sort((a, b) => a.startUs - b.startUs);
  return byStart.find(isLangfuseRoot) ?? byStart.find((s) => s.parentSpanId === null) ?? byStart[0];
}

export function langfuseTraceIdOf(span: SpanRecord): string {
  return span.metadata[KEYS.traceId] ?? span.traceId;
}

export function observationIdOf(span: SpanRecord): string {
  return span.metadata[KEYS.observationId] ?? span.spanId;
}

// Text a Langfuse SDK sent as JSON comes back as that JSON; any other text as it is.
function contentValue(text: string | null | undefined, fromLangfuse: boolean): unknown {
  if (text === null || text === undefined) return null;
  if (!fromLangfuse) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

// Entries stored under `<prefix>.<key>` as one object (a value that was not an object is stored
// under the prefix itself); null when there are none.
function prefixed(metadata: Record<string, string>, prefix: string): unknown {
  if (metadata[prefix] !== undefined) return contentValue(metadata[prefix], true);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(metadata)) if (key.startsWith(`${prefix}.`)) out[key.slice(prefix.length + 1)] = contentValue(value, true);
  return Object.keys(out).length ? out : null;
}

// The caller's metadata: a Langfuse SDK's under its prefix, other keys as they are; what Lookout
// keeps for itself (`langfuse.*`, `lookout.*`) is left out.
const OWN_PREFIXES = ['langfuse.', 'lookout.'];
function userMetadata(metadata: Record<string, string>): unknown {
  const given = prefixed(metadata, KEYS.metadataPrefix);
  if (given !== null && (typeof given !== 'object' || Array.isArray(given))) return given;
  const out: Record<string, unknown> = { ...(given as Record<string, unknown> | null) };
  for (const [key, value] of Object.entries(metadata)) if (!OWN_PREFIXES.some((p) => key.startsWith(p))) out[key] = value;
  return Object.keys(out).length ? out : null;
}

// Spans stored through the OTLP endpoint before it named these keys as the ingestion endpoint
// does keep the attributes' own names.
const OTEL_OBSERVATION_TYPE = 'langfuse.observation.type';
const OTEL_LEVEL = 'langfuse.observation.level';
const typeGiven = (span: SpanRecord): string | undefined => span.metadata[KEYS.observationType] ?? span.metadata[OTEL_OBSERVATION_TYPE];

function observationType(span: SpanRecord): string {
  const given = typeGiven(span);
  if (given !== undefined && given !== TRACE_ROOT_TYPE) return given.toUpperCase();
  return span.kind === 'generation' ? 'GENERATION' : 'SPAN';
}

function levelOf(span: SpanRecord): LangfuseObservation['level'] {
  const given = (span.metadata[KEYS.level] ?? span.metadata[OTEL_LEVEL])?.toUpperCase();
  if (given !== undefined && LEVELS.has(given)) return given as LangfuseObservation['level'];
  return span.status === 'error' ? 'ERROR' : 'DEFAULT';
}

function objectOrNull(value: unknown): Record<string, unknown> | null {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

function promptVersionOf(text: string | undefined): number | null {
  const n = Number(text);
  return text !== undefined && Number.isInteger(n) ? n : null;
}

function usd(nano: number | undefined): number {
  return nano === undefined ? 0 : nanoToUsd(nano);
}

function sideCostUsd(span: SpanRecord, side: UsageBucket[]): number | null {
  if (span.cost.totalNanoUsd === null) return null;
  return usd(side.reduce((sum, b) => sum + (span.cost.byBucketNanoUsd[b] ?? 0), 0));
}

// `parentObservationId`: the original id of the parent, null under the trace's own span.
export function presentObservation(span: SpanRecord, parentObservationId: string | null): LangfuseObservation {
  const fromLangfuse = typeGiven(span) !== undefined;
  const usageDetails: Record<string, number> = {};
  const costDetails: Record<string, number> = {};
  for (const [bucket, key] of Object.entries(DETAIL_KEYS) as [UsageBucket, string][]) {
    if (span.usage[bucket]) usageDetails[key] = span.usage[bucket];
    const nano = span.cost.byBucketNanoUsd[bucket];
    if (nano !== undefined && span.cost.totalNanoUsd !== null) costDetails[key] = nanoToUsd(nano);
  }
  const total = totalTokens(span.usage);
  if (total) usageDetails.total = total;
  const totalCost = span.cost.totalNanoUsd === null ? null : nanoToUsd(span.cost.totalNanoUsd);
  if (totalCost !== null) costDetails.total = totalCost;
  const inputCost = sideCostUsd(span, INPUT_SIDE);
  const outputCost = sideCostUsd(span, OUTPUT_SIDE);
  return {
    id: observationIdOf(span),
    traceId: langfuseTraceIdOf(span),
    type: observationType(span),
    name: span.name,
    startTime: isoOfMicros(span.startUs),
    endTime: isoOfMicros(span.endUs),
    completionStartTime: span.ttftMs === null ? null : isoOfMicros(span.startUs + span.ttftMs * MICROS_PER_MS),
    model: effectiveModel(span),
    modelParameters: objectOrNull(prefixed(span.metadata, KEYS.modelParametersPrefix)),
    input: contentValue(span.content?.input, fromLangfuse),
    output: contentValue(span.content?.output, fromLangfuse),
    version: span.metadata[KEYS.version] ?? null,
    metadata: userMetadata(span.metadata),
    usage: {
      input: INPUT_SIDE.reduce((sum, b) => sum + span.usage[b], 0),
      output: OUTPUT_SIDE.reduce((sum, b) => sum + span.usage[b], 0),
      total,
      unit: 'TOKENS',
      inputCost,
      outputCost,
      totalCost,
    },
    usageDetails,
    costDetails,
    level: levelOf(span),
    statusMessage: span.metadata[KEYS.statusMessage] ?? span.errorMessage,
    parentObservationId,
    promptId: null,
    promptName: span.metadata[KEYS.promptName] ?? null,
    promptVersion: promptVersionOf(span.metadata[KEYS.promptVersion]),
    modelId: null,
    inputPrice: null,
    outputPrice: null,
    totalPrice: null,
    calculatedInputCost: inputCost,
    calculatedOutputCost: outputCost,
    calculatedTotalCost: totalCost,
    latency: (span.endUs - span.startUs) / MICROS_PER_S,
    timeToFirstToken: span.ttftMs === null ? null : span.ttftMs / MICROS_PER_MS,
    environment: span.attribution.environment ?? DEFAULT_ENVIRONMENT,
  };
}

// The trace-level fields, from the span that stands for the trace. `latencyS` and `totalCostUsd`
// are the whole trace's.
export function presentTrace(
  root: SpanRecord,
  whole: { latencyS: number; totalCostUsd: number; observationIds: string[]; scoreIds: string[] },
): LangfuseTrace {
  const fromLangfuse = root.metadata[KEYS.observationType] !== undefined;
  return {
    id: langfuseTraceIdOf(root),
    timestamp: isoOfMicros(root.startUs),
    name: root.metadata[TRACE_NAME_KEY] ?? root.name,
    input: contentValue(root.content?.input, fromLangfuse),
    output: contentValue(root.content?.output, fromLangfuse),
    sessionId: root.attribution.sessionId,
    release: root.metadata[KEYS.release] ?? null,
    version: root.metadata[KEYS.version] ?? null,
    userId: root.attribution.userId,
    metadata: userMetadata(root.metadata),
    tags: root.tags,
    public: root.metadata[KEYS.public] === 'true',
    environment: root.attribution.environment ?? DEFAULT_ENVIRONMENT,
    htmlPath: `/traces/${root.traceId}`,
    latency: whole.latencyS,
    totalCost: whole.totalCostUsd,
    observations: whole.observationIds,
    scores: whole.scoreIds,
  };
}

// A trace's first start to its last end, in seconds, and its known costs summed, in USD.
export function traceTotals(spans: SpanRecord[]): { latencyS: number; totalCostUsd: number } {
  if (!spans.length) return { latencyS: 0, totalCostUsd: 0 };
  let first = Infinity;
  let last = -Infinity;
  let nano = 0;
  for (const s of spans) {
    first = Math.min(first, s.startUs);
    last = Math.max(last, s.endUs);
    nano += s.cost.totalNanoUsd ?? 0;
  }
  return { latencyS: (last - first) / MICROS_PER_S, totalCostUsd: nanoToUsd(nano) };
}

// The observations of one trace: every span but the Langfuse trace's own, with parents by their
// original ids.
export function observationsOfTrace(spans: SpanRecord[]): SpanRecord[] {
  return spans.filter((s) => !isLangfuseRoot(s));
}

export function parentIdsWithin(spans: SpanRecord[]): (span: SpanRecord) => string | null {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  return (span) => {
    if (span.parentSpanId === null) return null;
    const parent = byId.get(span.parentSpanId);
    if (parent === undefined) return span.parentSpanId;
    return isLangfuseRoot(parent) ? null : observationIdOf(parent);
  };
}

const SOURCES: Record<ScoreRecord['source'], LangfuseScore['source']> = {
  api: 'API',
  sdk: 'API',
  user: 'API',
  annotation: 'ANNOTATION',
  evaluator: 'EVAL',
  heuristic: 'EVAL',
  llm_judge: 'EVAL',
};

// `traceIdOf`: the original id of the scored trace when known (a Langfuse trace's), else its hex id.
export function presentScore(score: ScoreRecord, traceIdOf: (hexTraceId: string) => string = (id) => id): LangfuseScore {
  const at = isoOfMicros(score.timestampUs);
  const base = {
    id: score.id,
    traceId: score.metadata[KEYS.traceId] ?? traceIdOf(score.traceId),
    observationId: score.metadata[KEYS.observationId] ?? score.spanId,
    name: score.name,
    source: SOURCES[score.source],
    timestamp: at,
    createdAt: at,
    updatedAt: at,
    authorUserId: score.userId,
    comment: score.comment,
    metadata: userMetadata(score.metadata),
    configId: null,
    queueId: null,
    environment: score.metadata['langfuse.environment'] ?? DEFAULT_ENVIRONMENT,
  };
  if (score.dataType === 'boolean') {
    return { ...base, dataType: 'BOOLEAN', value: score.numericValue, stringValue: score.numericValue === 1 ? 'True' : 'False' };
  }
  if (score.dataType === 'categorical') return { ...base, dataType: 'CATEGORICAL', value: null, stringValue: score.stringValue ?? '' };
  return { ...base, dataType: 'NUMERIC', value: score.numericValue };
}
