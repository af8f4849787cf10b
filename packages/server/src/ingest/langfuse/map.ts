import { emptyAttribution, unpricedCost, type SpanKind, type SpanRecord } from '../../domain/span.ts';
import type { ScoreDataType, ScoreRecord } from '../../domain/score.ts';
import { writePromptIdentity } from '../../domain/prompt-identity.ts';
import { providerReportedCost } from '../../enrich/pricing/index.ts';
import { contentHash } from '../content-hash.ts';
import { isRecord, isTextFree, safeJson, truncate } from '../otlp/conventions/attributes.ts';
import type { AttrValue } from '../otlp/types.ts';
import {
  MAX_ATTRIBUTION_CHARS,
  MAX_METADATA_KEY_CHARS,
  MAX_METADATA_KEYS,
  MAX_METADATA_VALUE_CHARS,
  MAX_NAME_CHARS,
  MAX_TAG_CHARS,
  MAX_TAGS,
} from '../otlp/conventions/index.ts';
import { resolveUsage } from '../otlp/conventions/buckets.ts';
import { langfuseUsage, OBSERVATION_KINDS } from '../otlp/conventions/langfuse.ts';
import { lookoutSpanId, lookoutTraceId, traceRootSpanId } from './ids.ts';
import type { ObservationBody, ScoreBody, TraceBody } from './schema.ts';

// A Langfuse trace or observation, once its events are merged, to the one record type; a
// score-create to a score. Stored shape: docs/migrate-from-langfuse.md and LANGFUSE_METADATA below.

// Metadata keys every span from a Langfuse path carries; the read endpoints rebuild Langfuse
// objects from them.
export const LANGFUSE_METADATA = {
  traceId: 'langfuse.trace_id',
  observationId: 'langfuse.observation_id',
  observationType: 'langfuse.observation_type',
  level: 'langfuse.level',
  statusMessage: 'langfuse.status_message',
  release: 'langfuse.release',
  version: 'langfuse.version',
  promptName: 'langfuse.prompt_name',
  promptVersion: 'langfuse.prompt_version',
  usageUnit: 'langfuse.usage.unit',
  public: 'langfuse.public',
  // On scores.
  environment: 'langfuse.environment',
  configId: 'langfuse.config_id',
  // Followed by `.<key>`: the user's metadata and the generation's model parameters, stringified.
  metadataPrefix: 'langfuse.metadata',
  modelParametersPrefix: 'langfuse.model_parameters',
} as const;


// What a trace-create (or an observation naming a trace) leaves for the trace's root span.
export interface TraceState {
  projectId: string;
  langfuseTraceId: string;
  body: TraceBody;
  // The span covers its observations: the earliest start and latest end seen.
  startUs: number | null;
  endUs: number | null;
}

export interface ObservationState {
  projectId: string;
  observationId: string;
  type: string; // lowercase Langfuse observation type
  created: boolean;
  body: ObservationBody; // the create's fields, overwritten by each update's
  firstEventMs: number; // the first event's timestamp: the start when the body gives none
}

export function toMicros(iso: string | null | undefined): number | null {
  if (iso === null || iso === undefined) return null;
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return null;
  // Date.parse keeps milliseconds; the Python SDK sends microseconds.
  const micros = /\.\d{3}(\d{1,3})/.exec(iso);
  return ms * 1000 + (micros ? Number(micros[1].padEnd(3, '0')) : 0);
}

// Later values win field by field; metadata objects merge key by key, as Langfuse merges them.
export function mergeInto<T extends Record<string, unknown>>(target: T, update: Record<string, unknown>): T {
  const out = target as Record<string, unknown>;
  for (const [k, v] of Object.entries(update)) {
    if (v === undefined || v === null) continue;
    if (k === 'metadata' && isRecord(v) && isRecord(out[k])) out[k] = { ...(out[k] as Record<string, unknown>), ...v };
    else out[k] = v;
  }
  return target;
}

function asText(v: unknown): string | null {
  if (v === undefined || v === null) return null;
  return typeof v === 'string' ? v : safeJson(v);
}

function putPrefixed(into: Record<string, string>, prefix: string, value: unknown): void {
  if (value === undefined || value === null) return;
  if (!isRecord(value)) {
    into[prefix] = asText(value) as string;
    return;
  }
  for (const [k, v] of Object.entries(value)) {
    const text = asText(v);
    if (text !== null) into[`${prefix}.${k}`] = text;
  }
}

function textFreeOnly(params: Record<string, unknown> | null | undefined): Record<string, unknown> | undefined {
  if (!params) return undefined;
  return Object.fromEntries(Object.entries(params).filter(([, v]) => isTextFree(v as AttrValue)));
}

// Bounded as the OTLP path bounds them: Lookout's own keys come first, so they are never the ones dropped.
function boundedMetadata(m: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  let n = 0;
  for (const [k, v] of Object.entries(m)) {
    if (n >= MAX_METADATA_KEYS) break;
    if (k.length > MAX_METADATA_KEY_CHARS) continue;
    out[k] = truncate(v, MAX_METADATA_VALUE_CHARS);
    n++;
  }
  return out;
}

const boundedName = (name: string) => truncate(name, MAX_NAME_CHARS);
const boundedTags = (tags: string[] | null | undefined) => (tags ?? []).slice(0, MAX_TAGS).map((t) => truncate(t, MAX_TAG_CHARS));
const boundedLabel = (v: string | null | undefined) => (v ? v.slice(0, MAX_ATTRIBUTION_CHARS) : null);

function put(into: Record<string, string>, key: string, value: string | number | boolean | null | undefined): void {
  if (value !== null && value !== undefined && value !== '') into[key] = String(value);
}

// The caller's cost, when it gave one: calculatedTotalCost, else costDetails (its total, else the
// sum of its parts), else the deprecated usage costs.
export function reportedCostUsd(body: ObservationBody): number | undefined {
  if (typeof body.calculatedTotalCost === 'number') return body.calculatedTotalCost;
  const details = body.costDetails;
  if (details && Object.keys(details).length) {
    if (typeof details.total === 'number') return Math.max(0, details.total);
    return Object.values(details).reduce((sum, v) => sum + Math.max(0, v), 0);
  }
  const u = body.usage;
  if (u) {
    if (typeof u.totalCost === 'number') return u.totalCost;
    if (typeof u.inputCost === 'number' || typeof u.outputCost === 'number') return (u.inputCost ?? 0) + (u.outputCost ?? 0);
  }
  return undefined;
}

// usageDetails when given (Langfuse's current field), else the deprecated `usage`, counted in tokens
// only: characters, images or seconds are kept in metadata rather than priced as tokens.
function usageDetailsOf(body: ObservationBody, metadata: Record<string, string>): unknown {
  if (body.usageDetails && Object.keys(body.usageDetails).length) return body.usageDetails;
  const u = body.usage;
  if (!u) return undefined;
  if (u.unit && u.unit.toUpperCase() !== 'TOKENS') {
    metadata[LANGFUSE_METADATA.usageUnit] = u.unit;
    for (const k of ['input', 'output', 'total'] as const) put(metadata, `langfuse.usage.${k}`, u[k]);
    return undefined;
  }
  const details: Record<string, number> = {};
  const pairs = [['input', u.input ?? u.promptTokens], ['output', u.output ?? u.completionTokens], ['total', u.total ?? u.totalTokens]] as const;
  for (const [k, v] of pairs) if (typeof v === 'number') details[k] = v;
  return Object.keys(details).length ? details : undefined;
}

function contentFields(input: unknown, output: unknown): Pick<SpanRecord, 'content' | 'promptHash' | 'responseHash'> {
  const i = asText(input);
  const o = asText(output);
  return { content: i === null && o === null ? null : { input: i, output: o }, promptHash: contentHash(i), responseHash: contentHash(o) };
}

function traceAttribution(trace: TraceState | undefined, environment: string | null | undefined): SpanRecord['attribution'] {
  const a = emptyAttribution();
  a.userId = boundedLabel(trace?.body.userId);
  a.sessionId = boundedLabel(trace?.body.sessionId);
  a.environment = boundedLabel(environment ?? trace?.body.environment);
  return a;
}

// `captureContent`: the project captures content in full. Below that, as on the OTLP path, a
// status message is kept only as a failed span's error message (the content policy reduces that
// to a type name) and only model parameters that cannot hold text are kept.
export function observationSpan(o: ObservationState, trace: TraceState | undefined, langfuseTraceId: string, captureContent: boolean): SpanRecord {
  const b = o.body;
  const kind: SpanKind = OBSERVATION_KINDS[o.type] ?? 'other';
  const startUs = toMicros(b.startTime) ?? o.firstEventMs * 1000;
  const endUs = Math.max(startUs, toMicros(b.endTime) ?? startUs);
  const metadata: Record<string, string> = {
    [LANGFUSE_METADATA.traceId]: langfuseTraceId,
    [LANGFUSE_METADATA.observationId]: o.observationId,
    [LANGFUSE_METADATA.observationType]: o.type,
  };
  put(metadata, LANGFUSE_METADATA.level, b.level);
  if (captureContent && b.level !== 'ERROR') put(metadata, LANGFUSE_METADATA.statusMessage, b.statusMessage);
  put(metadata, LANGFUSE_METADATA.version, b.version);
  put(metadata, LANGFUSE_METADATA.promptName, b.promptName);
  put(metadata, LANGFUSE_METADATA.promptVersion, b.promptVersion);
  putPrefixed(metadata, LANGFUSE_METADATA.modelParametersPrefix, captureContent ? b.modelParameters : textFreeOnly(b.modelParameters));
  putPrefixed(metadata, LANGFUSE_METADATA.metadataPrefix, b.metadata);

  const { report, unmapped } = langfuseUsage(usageDetailsOf(b, metadata));
  Object.assign(metadata, unmapped);
  const resolved = resolveUsage(report, kind, 0);
  Object.assign(metadata, resolved.metadata);
  const costUsd = reportedCostUsd(b);

  const completionUs = toMicros(b.completionStartTime);
  const failed = b.level === 'ERROR';
  return {
    projectId: o.projectId,
    traceId: lookoutTraceId(langfuseTraceId),
    spanId: lookoutSpanId(o.observationId),
    parentSpanId: b.parentObservationId ? lookoutSpanId(b.parentObservationId) : traceRootSpanId(langfuseTraceId),
    name: boundedName(b.name || (b.model ? `${o.type} ${b.model}` : o.type)),
    kind,
    startUs,
    endUs,
    provider: null,
    requestModel: b.model ?? null,
    responseModel: null,
    usage: resolved.usage,
    cost: costUsd !== undefined ? providerReportedCost(costUsd) : unpricedCost(),
    status: failed ? 'error' : 'ok',
    errorClass: failed ? 'other' : null,
    errorMessage: failed ? (b.statusMessage ?? null) : null,
    finishReason: null,
    ttftMs: completionUs !== null && completionUs >= startUs ? (completionUs - startUs) / 1000 : null,
    attribution: traceAttribution(trace, b.environment),
    tags: boundedTags(trace?.body.tags),
    metadata: withPrompt(boundedMetadata(metadata), b),
    ...contentFields(b.input, b.output),
    requestId: null,
  };
}

// The linked Langfuse prompt under the keys every path stores a prompt under (the Langfuse keys
// above stay, for the Langfuse read endpoints).
function withPrompt(metadata: Record<string, string>, b: ObservationBody): Record<string, string> {
  writePromptIdentity(metadata, { name: b.promptName, version: b.promptVersion }, false);
  return metadata;
}

export function traceRootSpan(t: TraceState, nowMs: number): SpanRecord {
  const b = t.body;
  const startUs = toMicros(b.timestamp) ?? t.startUs ?? nowMs * 1000;
  const first = Math.min(startUs, t.startUs ?? startUs);
  const metadata: Record<string, string> = {
    [LANGFUSE_METADATA.traceId]: t.langfuseTraceId,
    [LANGFUSE_METADATA.observationType]: 'trace',
  };
  put(metadata, LANGFUSE_METADATA.release, b.release);
  put(metadata, LANGFUSE_METADATA.version, b.version);
  put(metadata, LANGFUSE_METADATA.public, b.public);
  putPrefixed(metadata, LANGFUSE_METADATA.metadataPrefix, b.metadata);
  return {
    projectId: t.projectId,
    traceId: lookoutTraceId(t.langfuseTraceId),
    spanId: traceRootSpanId(t.langfuseTraceId),
    parentSpanId: null,
    name: boundedName(b.name || 'trace'),
    kind: 'chain',
    startUs: first,
    endUs: Math.max(startUs, t.endUs ?? startUs),
    provider: null,
    requestModel: null,
    responseModel: null,
    usage: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, reasoning: 0, audio: 0 },
    cost: unpricedCost(),
    status: 'ok',
    errorClass: null,
    errorMessage: null,
    finishReason: null,
    ttftMs: null,
    attribution: traceAttribution(t, null),
    tags: boundedTags(b.tags),
    metadata: boundedMetadata(metadata),
    ...contentFields(b.input, b.output),
    requestId: null,
  };
}

const DATA_TYPES: Record<string, ScoreDataType> = { NUMERIC: 'numeric', CATEGORICAL: 'categorical', BOOLEAN: 'boolean' };

// A score as Langfuse accepts it, or the reason it is refused. Lookout's scores belong to a trace.
export function scoreRecord(b: ScoreBody, eventId: string, timestampUs: number, projectId: string): ScoreRecord | string {
  if (!b.traceId) return 'traceId: required; Lookout stores scores on a trace (session and dataset-run scores are not supported)';
  const value = b.value;
  const dataType = b.dataType ? DATA_TYPES[b.dataType] : typeof value === 'string' ? 'categorical' : typeof value === 'boolean' ? 'boolean' : 'numeric';
  let numericValue: number | null = null;
  let stringValue: string | null = null;
  if (dataType === 'categorical') {
    if (typeof value !== 'string') return 'value: a CATEGORICAL score takes a string value';
    stringValue = value;
  } else if (dataType === 'boolean') {
    const truth = value === true || value === 1 ? true : value === false || value === 0 ? false : null;
    if (truth === null) return 'value: a BOOLEAN score takes 1 or 0 (or true or false)';
    numericValue = truth ? 1 : 0;
    stringValue = String(truth);
  } else {
    if (typeof value !== 'number') return 'value: a NUMERIC score takes a number';
    numericValue = value;
  }
  const metadata: Record<string, string> = { [LANGFUSE_METADATA.traceId]: b.traceId };
  put(metadata, LANGFUSE_METADATA.observationId, b.observationId);
  put(metadata, LANGFUSE_METADATA.configId, b.configId);
  put(metadata, LANGFUSE_METADATA.environment, b.environment);
  putPrefixed(metadata, LANGFUSE_METADATA.metadataPrefix, b.metadata);
  return {
    projectId,
    id: b.id ?? eventId,
    traceId: lookoutTraceId(b.traceId),
    spanId: b.observationId ? lookoutSpanId(b.observationId) : null,
    name: b.name,
    dataType,
    numericValue,
    stringValue,
    comment: b.comment ?? null,
    source: 'api',
    timestampUs,
    userId: null,
    feature: null,
    model: null,
    application: null,
    metadata: boundedMetadata(metadata),
  };
}
