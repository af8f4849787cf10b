import {
  effectiveModel,
  totalTokens,
  type Cost,
  type CostStatus,
  type ErrorClass,
  type SpanKind,
  type SpanRecord,
  type SpanStatus,
  type UsageBucket,
} from '../../domain/span.ts';
import type { LogRecord, LogSeverity, ScoreDataType, ScoreRecord, ScoreSource } from '../../domain/score.ts';
import type { MetricPointRecord } from '../../domain/metric.ts';
import { decimalToNano, nanoToDecimal } from '../../domain/money.ts';
import type { Row } from './db.ts';

// Mapping between the record types and DuckDB rows. Column order of the append functions
// follows the CREATE TABLE statements in migrations.ts.

// Rows for the write path. A batch is written as newline-delimited JSON and read by DuckDB's
// read_json in one statement: parsing in C++ costs a few microseconds a row, where appending
// value by value through the bindings costs tens (lists and maps especially).
export interface JsonColumns {
  // column name -> DuckDB type as read_json should parse it
  types: Record<string, string>;
  // column name in the table -> SQL expression over the read_json columns
  select: Record<string, string>;
}

function readJsonColumns(types: Record<string, string>, overrides: Record<string, string> = {}): JsonColumns {
  const select: Record<string, string> = {};
  for (const name of Object.keys(types)) select[name] = name;
  return { types, select: { ...select, ...overrides } };
}

const V = 'VARCHAR';
const I = 'BIGINT';
const D = 'DOUBLE';

export const SPAN_JSON = readJsonColumns(
  {
    project_id: V, trace_id: V, span_id: V, parent_span_id: V, name: V, kind: V,
    start_us: I, end_us: I, provider: V, request_model: V, response_model: V, model: V,
    input_tokens: I, output_tokens: I, cache_read_tokens: I, cache_write_tokens: I, reasoning_tokens: I, audio_tokens: I, total_tokens: I,
    cost_status: V, cost_usd: 'DECIMAL(18, 9)', cost_breakdown: V, price_row_id: V, catalog_version: V,
    status: V, error_class: V, error_message: V, finish_reason: V, ttft_ms: D,
    user_id: V, session_id: V, feature: V, team: V, department: V, application: V, environment: V,
    tags: 'VARCHAR[]', metadata: 'MAP(VARCHAR, VARCHAR)', input_content: V, output_content: V,
    prompt_hash: V, response_hash: V, request_id: V, ingested_us: I,
  },
  {
    start_us: 'make_timestamp(start_us) AS start_time',
    end_us: 'make_timestamp(end_us) AS end_time, (end_us - start_us) / 1000.0 AS duration_ms',
    ingested_us: 'make_timestamp(ingested_us) AS ingested_at',
  },
);

export function spanRow(s: SpanRecord, ingestedAtUs: number): Record<string, unknown> {
  const a = s.attribution;
  return {
    project_id: s.projectId, trace_id: s.traceId, span_id: s.spanId, parent_span_id: s.parentSpanId, name: s.name, kind: s.kind,
    start_us: Math.trunc(s.startUs), end_us: Math.trunc(s.endUs),
    provider: s.provider, request_model: s.requestModel, response_model: s.responseModel, model: effectiveModel(s),
    input_tokens: s.usage.input, output_tokens: s.usage.output, cache_read_tokens: s.usage.cacheRead, cache_write_tokens: s.usage.cacheWrite,
    reasoning_tokens: s.usage.reasoning, audio_tokens: s.usage.audio, total_tokens: totalTokens(s.usage),
    cost_status: s.cost.status,
    cost_usd: s.cost.totalNanoUsd === null ? null : nanoToDecimal(s.cost.totalNanoUsd),
    cost_breakdown: Object.keys(s.cost.byBucketNanoUsd).length ? JSON.stringify(s.cost.byBucketNanoUsd) : null,
    price_row_id: s.cost.priceRowId, catalog_version: s.cost.catalogVersion,
    status: s.status, error_class: s.errorClass, error_message: s.errorMessage, finish_reason: s.finishReason, ttft_ms: s.ttftMs,
    user_id: a.userId, session_id: a.sessionId, feature: a.feature, team: a.team, department: a.department, application: a.application, environment: a.environment,
    tags: s.tags.length ? s.tags : null,
    metadata: Object.keys(s.metadata).length ? s.metadata : null,
    input_content: s.content?.input ?? null, output_content: s.content?.output ?? null,
    prompt_hash: s.promptHash, response_hash: s.responseHash, request_id: s.requestId,
    ingested_us: ingestedAtUs,
  };
}

export const SCORE_JSON = readJsonColumns(
  {
    project_id: V, id: V, trace_id: V, span_id: V, name: V, data_type: V, numeric_value: D, string_value: V,
    comment: V, source: V, ts_us: I, user_id: V, feature: V, model: V, application: V, metadata: 'MAP(VARCHAR, VARCHAR)',
  },
  { ts_us: 'make_timestamp(ts_us) AS timestamp' },
);

export function scoreRow(s: ScoreRecord): Record<string, unknown> {
  return {
    project_id: s.projectId, id: s.id, trace_id: s.traceId, span_id: s.spanId, name: s.name, data_type: s.dataType,
    numeric_value: s.numericValue, string_value: s.stringValue, comment: s.comment, source: s.source,
    ts_us: Math.trunc(s.timestampUs), user_id: s.userId, feature: s.feature, model: s.model, application: s.application,
    metadata: Object.keys(s.metadata).length ? s.metadata : null,
  };
}

export const LOG_JSON = readJsonColumns(
  { project_id: V, id: V, trace_id: V, span_id: V, ts_us: I, severity: V, body: V, attributes: 'MAP(VARCHAR, VARCHAR)' },
  { ts_us: 'make_timestamp(ts_us) AS timestamp' },
);

export function logRow(l: LogRecord): Record<string, unknown> {
  return {
    project_id: l.projectId, id: l.id, trace_id: l.traceId, span_id: l.spanId, ts_us: Math.trunc(l.timestampUs),
    severity: l.severity, body: l.body, attributes: Object.keys(l.attributes).length ? l.attributes : null,
  };
}

export const METRIC_JSON = readJsonColumns(
  {
    project_id: V, id: V, name: V, unit: V, kind: V, temporality: V, attributes: 'MAP(VARCHAR, VARCHAR)', series: V, service: V,
    start_us: I, time_us: I, value: D, count: I, sum: D, min: D, max: D, bucket_counts: 'BIGINT[]', bounds: 'DOUBLE[]',
  },
  { start_us: 'make_timestamp(start_us) AS start_time', time_us: 'make_timestamp(time_us) AS time' },
);

export function metricSeriesKey(p: Pick<MetricPointRecord, 'name' | 'attributes' | 'service'>): string {
  const attrs = Object.keys(p.attributes).sort().map((k) => [k, p.attributes[k]]);
  return JSON.stringify([p.name, p.service, attrs]);
}

export function metricRow(p: MetricPointRecord): Record<string, unknown> {
  return {
    project_id: p.projectId, id: p.id, name: p.name, unit: p.unit, kind: p.kind, temporality: p.temporality,
    attributes: Object.keys(p.attributes).length ? p.attributes : null, series: metricSeriesKey(p), service: p.service,
    start_us: p.startUs, time_us: p.timeUs, value: p.value, count: p.count, sum: p.sum, min: p.min, max: p.max,
    bucket_counts: p.bucketCounts, bounds: p.bounds,
  };
}

export const METRIC_COLUMNS = `project_id, id, name, unit, kind, temporality, map_entries(attributes) AS attribute_entries, service,
  epoch_us(start_time) AS start_us, epoch_us(time) AS time_us, value, count, sum, min, max, bucket_counts, bounds`;

export function rowToMetricPoint(r: Row): MetricPointRecord {
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return {
    projectId: String(r.project_id),
    id: String(r.id),
    name: String(r.name),
    unit: String(r.unit),
    kind: r.kind as MetricPointRecord['kind'],
    temporality: r.temporality as MetricPointRecord['temporality'],
    attributes: entries(r.attribute_entries),
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

// A SQL list literal of file paths: ['a', 'b'].
export function sqlFileList(files: string | string[]): string {
  return `[${(Array.isArray(files) ? files : [files]).map((f) => `'${f.replace(/'/g, "''")}'`).join(', ')}]`;
}

// `SELECT <columns> FROM read_json(['<file>', ...], ...)`.
export function readJsonSelect(cols: JsonColumns, files: string | string[]): string {
  const columns = Object.entries(cols.types)
    .map(([k, t]) => `${k}: '${t}'`)
    .join(', ');
  return `SELECT ${Object.values(cols.select).join(', ')}
    FROM read_json(${sqlFileList(files)}, format = 'newline_delimited', columns = {${columns}})`;
}

// Reading back. Timestamps are selected as epoch microseconds (see SPAN_COLUMNS).
export const SPAN_COLUMNS = `project_id, trace_id, span_id, parent_span_id, name, kind,
  epoch_us(start_time) AS start_us, epoch_us(end_time) AS end_us, provider, request_model, response_model,
  input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, reasoning_tokens, audio_tokens,
  cost_status, cost_usd, cost_breakdown, price_row_id, catalog_version, status, error_class, error_message,
  finish_reason, ttft_ms, user_id, session_id, feature, team, department, application, environment,
  tags, map_entries(metadata) AS metadata_entries, input_content, output_content, prompt_hash, response_hash, request_id`;

// The same without the content columns' text: for reads that need only the rest.
export const SPAN_COLUMNS_WITHOUT_CONTENT = SPAN_COLUMNS.replace('input_content, output_content', 'NULL AS input_content, NULL AS output_content');

const n = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const s = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

function entries(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (Array.isArray(v)) for (const e of v as { key: string; value: string }[]) out[e.key] = e.value;
  return out;
}

export function rowToSpan(r: Row): SpanRecord {
  const costText = s(r.cost_usd);
  const costNano = costText === null ? null : Number(decimalToNano(costText));
  const breakdown = s(r.cost_breakdown);
  const cost: Cost = {
    status: r.cost_status as CostStatus,
    totalNanoUsd: costNano,
    byBucketNanoUsd: breakdown ? (JSON.parse(breakdown) as Partial<Record<UsageBucket, number>>) : {},
    priceRowId: s(r.price_row_id),
    catalogVersion: s(r.catalog_version),
  };
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
    cost,
    status: r.status as SpanStatus,
    errorClass: s(r.error_class) as ErrorClass | null,
    errorMessage: s(r.error_message),
    finishReason: s(r.finish_reason),
    ttftMs: r.ttft_ms === null || r.ttft_ms === undefined ? null : Number(r.ttft_ms),
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
    metadata: entries(r.metadata_entries),
    content: input === null && output === null ? null : { input, output },
    promptHash: s(r.prompt_hash),
    responseHash: s(r.response_hash),
    requestId: s(r.request_id),
  };
}

export const SCORE_COLUMNS = `project_id, id, trace_id, span_id, name, data_type, numeric_value, string_value, comment, source, epoch_us(timestamp) AS ts_us, user_id,
  feature, model, application, map_entries(metadata) AS metadata_entries`;

export function rowToScore(r: Row): ScoreRecord {
  return {
    projectId: String(r.project_id),
    id: String(r.id),
    traceId: String(r.trace_id),
    spanId: s(r.span_id),
    name: String(r.name),
    dataType: r.data_type as ScoreDataType,
    numericValue: r.numeric_value === null ? null : Number(r.numeric_value),
    stringValue: s(r.string_value),
    comment: s(r.comment),
    source: r.source as ScoreSource,
    timestampUs: n(r.ts_us),
    userId: s(r.user_id),
    feature: s(r.feature),
    model: s(r.model),
    application: s(r.application),
    metadata: entries(r.metadata_entries),
  };
}

export const LOG_COLUMNS = `project_id, id, trace_id, span_id, epoch_us(timestamp) AS ts_us, severity, body, map_entries(attributes) AS attribute_entries`;

export function rowToLog(r: Row): LogRecord {
  return {
    projectId: String(r.project_id),
    id: String(r.id),
    traceId: s(r.trace_id),
    spanId: s(r.span_id),
    timestampUs: n(r.ts_us),
    severity: r.severity as LogSeverity,
    body: String(r.body),
    attributes: entries(r.attribute_entries),
  };
}
