import {
  effectiveModel,
  totalTokens,
  type CostStatus,
  type ErrorClass,
  type SpanKind,
  type SpanRecord,
  type SpanStatus,
  type UsageBucket,
} from '../../domain/span.ts';
import type { LogRecord, LogSeverity, ScoreDataType, ScoreRecord, ScoreSource } from '../../domain/score.ts';
import type { MetricPointRecord } from '../../domain/metric.ts';

// Mapping between the record types and ClickHouse rows (schema.ts). Rows go in as JSONEachRow:
// timestamps as decimal seconds with six places, money as integer nano-dollars. They come back
// through the *_COLUMNS select lists, with timestamps as epoch microseconds; 64-bit integers
// arrive as strings and are read exactly.

export type ChRow = Record<string, unknown>;

// Decimal seconds with microseconds, as DateTime64 parses them exactly. The seconds have ten
// digits: ClickHouse reads a shorter number such as "0.001000" (1 ms after the epoch) as a date.
export function chTime(us: number): string {
  const whole = Math.trunc(us);
  const sec = Math.floor(whole / 1_000_000);
  const frac = whole - sec * 1_000_000;
  return `${String(sec).padStart(10, '0')}.${String(frac).padStart(6, '0')}`;
}

export function spanRow(s: SpanRecord, ingestedAtUs: number): ChRow {
  const a = s.attribution;
  return {
    project_id: s.projectId, trace_id: s.traceId, span_id: s.spanId, parent_span_id: s.parentSpanId, name: s.name, kind: s.kind,
    start_time: chTime(s.startUs), end_time: chTime(s.endUs), duration_ms: (Math.trunc(s.endUs) - Math.trunc(s.startUs)) / 1000,
    provider: s.provider, request_model: s.requestModel, response_model: s.responseModel, model: effectiveModel(s),
    input_tokens: s.usage.input, output_tokens: s.usage.output, cache_read_tokens: s.usage.cacheRead, cache_write_tokens: s.usage.cacheWrite,
    reasoning_tokens: s.usage.reasoning, audio_tokens: s.usage.audio, total_tokens: totalTokens(s.usage),
    cost_status: s.cost.status,
    cost_nano: s.cost.totalNanoUsd,
    cost_breakdown: Object.keys(s.cost.byBucketNanoUsd).length ? JSON.stringify(s.cost.byBucketNanoUsd) : null,
    price_row_id: s.cost.priceRowId, catalog_version: s.cost.catalogVersion,
    status: s.status, error_class: s.errorClass, error_message: s.errorMessage, finish_reason: s.finishReason, ttft_ms: s.ttftMs,
    user_id: a.userId, session_id: a.sessionId, feature: a.feature, team: a.team, department: a.department, application: a.application, environment: a.environment,
    tags: s.tags,
    metadata: s.metadata,
    input_content: s.content?.input ?? null, output_content: s.content?.output ?? null,
    prompt_hash: s.promptHash, response_hash: s.responseHash, request_id: s.requestId,
    ingested_at: chTime(ingestedAtUs),
    version: ingestedAtUs,
  };
}

export function scoreRow(s: ScoreRecord, version: number): ChRow {
  return {
    project_id: s.projectId, id: s.id, trace_id: s.traceId, span_id: s.spanId, name: s.name, data_type: s.dataType,
    numeric_value: s.numericValue, string_value: s.stringValue, comment: s.comment, source: s.source,
    timestamp: chTime(s.timestampUs), user_id: s.userId, feature: s.feature, model: s.model, application: s.application,
    metadata: s.metadata, version,
  };
}

export function logRow(l: LogRecord, version: number): ChRow {
  return {
    project_id: l.projectId, id: l.id, trace_id: l.traceId, span_id: l.spanId, timestamp: chTime(l.timestampUs),
    severity: l.severity, body: l.body, attributes: l.attributes, version,
  };
}

export function metricSeriesKey(p: Pick<MetricPointRecord, 'name' | 'attributes' | 'service'>): string {
  const attrs = Object.keys(p.attributes).sort().map((k) => [k, p.attributes[k]]);
  return JSON.stringify([p.name, p.service, attrs]);
}

export function metricRow(p: MetricPointRecord, version: number): ChRow {
  return {
    project_id: p.projectId, id: p.id, name: p.name, unit: p.unit, kind: p.kind, temporality: p.temporality,
    attributes: p.attributes, series: metricSeriesKey(p), service: p.service,
    start_time: p.startUs === null ? null : chTime(p.startUs), time: chTime(p.timeUs), value: p.value, count: p.count,
    sum: p.sum, min: p.min, max: p.max, bucket_counts: p.bucketCounts, bounds: p.bounds, version,
  };
}

// Reading back.
export const SPAN_COLUMNS = `project_id, trace_id, span_id, parent_span_id, name, kind,
  toUnixTimestamp64Micro(start_time) AS start_us, toUnixTimestamp64Micro(end_time) AS end_us, provider, request_model, response_model,
  input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, reasoning_tokens, audio_tokens,
  cost_status, cost_nano, cost_breakdown, price_row_id, catalog_version, status, error_class, error_message,
  finish_reason, ttft_ms, user_id, session_id, feature, team, department, application, environment,
  tags, metadata, input_content, output_content, prompt_hash, response_hash, request_id`;

// The same without the content columns' text: for reads that need only the rest.
export const SPAN_COLUMNS_WITHOUT_CONTENT = SPAN_COLUMNS.replace('input_content, output_content', 'NULL AS input_content, NULL AS output_content');

const n = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const s = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

function map(v: unknown): Record<string, string> {
  return v && typeof v === 'object' && !Array.isArray(v) ? { ...(v as Record<string, string>) } : {};
}

export function rowToSpan(r: ChRow): SpanRecord {
  const breakdown = s(r.cost_breakdown);
  const input = s(r.input_content);
  const output = s(r.output_content);
  return {
    projectId: String(r.project_id),
    traceId: String(r.trace_id),
    spanId: String(r.span_id),
    parentSpanId: s(r.parent_span_id),
    name: String(r.name),
    kind: r.kind as SpanKind,
    startUs: n(r.start_us),
    endUs: n(r.end_us),
    provider: s(r.provider),
    requestModel: s(r.request_model),
    responseModel: s(r.response_model),
    usage: {
      input: n(r.input_tokens),
      output: n(r.output_tokens),
      cacheRead: n(r.cache_read_tokens),
      cacheWrite: n(r.cache_write_tokens),
      reasoning: n(r.reasoning_tokens),
      audio: n(r.audio_tokens),
    },
    cost: {
      status: r.cost_status as CostStatus,
      totalNanoUsd: num(r.cost_nano),
      byBucketNanoUsd: breakdown ? (JSON.parse(breakdown) as Partial<Record<UsageBucket, number>>) : {},
      priceRowId: s(r.price_row_id),
      catalogVersion: s(r.catalog_version),
    },
    status: r.status as SpanStatus,
    errorClass: s(r.error_class) as ErrorClass | null,
    errorMessage: s(r.error_message),
    finishReason: s(r.finish_reason),
    ttftMs: num(r.ttft_ms),
    attribution: {
      userId: s(r.user_id),
      sessionId: s(r.session_id),
      feature: s(r.feature),
      team: s(r.team),
      department: s(r.department),
      application: s(r.application),
      environment: s(r.environment),
    },
    tags: Array.isArray(r.tags) ? (r.tags as string[]) : [],
    metadata: map(r.metadata),
    content: input === null && output === null ? null : { input, output },
    promptHash: s(r.prompt_hash),
    responseHash: s(r.response_hash),
    requestId: s(r.request_id),
  };
}

export const SCORE_COLUMNS = `project_id, id, trace_id, span_id, name, data_type, numeric_value, string_value, comment, source,
  toUnixTimestamp64Micro(timestamp) AS ts_us, user_id, feature, model, application, metadata`;

export function rowToScore(r: ChRow): ScoreRecord {
  return {
    projectId: String(r.project_id),
    id: String(r.id),
    traceId: String(r.trace_id),
    spanId: s(r.span_id),
    name: String(r.name),
    dataType: r.data_type as ScoreDataType,
    numericValue: num(r.numeric_value),
    stringValue: s(r.string_value),
    comment: s(r.comment),
    source: r.source as ScoreSource,
    timestampUs: n(r.ts_us),
    userId: s(r.user_id),
    feature: s(r.feature),
    model: s(r.model),
    application: s(r.application),
    metadata: map(r.metadata),
  };
}

export const LOG_COLUMNS = `project_id, id, trace_id, span_id, toUnixTimestamp64Micro(timestamp) AS ts_us, severity, body, attributes`;

export function rowToLog(r: ChRow): LogRecord {
  return {
    projectId: String(r.project_id),
    id: String(r.id),
    traceId: s(r.trace_id),
    spanId: s(r.span_id),
    timestampUs: n(r.ts_us),
    severity: r.severity as LogSeverity,
    body: String(r.body),
    attributes: map(r.attributes),
  };
}

export const METRIC_COLUMNS = `project_id, id, name, unit, kind, temporality, attributes, service,
  toUnixTimestamp64Micro(start_time) AS start_us, toUnixTimestamp64Micro(time) AS time_us, value, count, sum, min, max, bucket_counts, bounds`;

export function rowToMetricPoint(r: ChRow): MetricPointRecord {
  return {
    projectId: String(r.project_id),
    id: String(r.id),
    name: String(r.name),
    unit: String(r.unit),
    kind: r.kind as MetricPointRecord['kind'],
    temporality: r.temporality as MetricPointRecord['temporality'],
    attributes: map(r.attributes),
    service: s(r.service),
    startUs: num(r.start_us),
    timeUs: n(r.time_us),
    value: num(r.value),
    count: num(r.count),
    sum: num(r.sum),
    min: num(r.min),
    max: num(r.max),
    bucketCounts: Array.isArray(r.bucket_counts) ? (r.bucket_counts as unknown[]).map(Number) : [],
    bounds: Array.isArray(r.bounds) ? (r.bounds as unknown[]).map(Number) : [],
  };
}
