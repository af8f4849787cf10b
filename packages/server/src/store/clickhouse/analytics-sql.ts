import {
  MODEL_CALL_KINDS,
  metadataKeyOf,
  type ColumnDimension,
  type Dimension,
  type Filter,
  type Measure,
  type TimeBucket,
  type TimeRange,
} from '../../query/contract.ts';
import { QUALITY_METADATA } from '../../domain/quality.ts';
import { isScoreAnalyticsMeasure, type ScoreAnalyticsMeasure } from '../../domain/measures.ts';
import { AnalyticsInputError } from '../../query/validate.ts';
import type { ProjectId } from '../store.ts';
import type { Params } from './client.ts';
import { APPLICATION_SPANS_SQL, analyticsAsksForEvaluation } from '../evaluation-scope.ts';
import { hourSumsSql, TOTAL_COLUMNS } from './hour-totals.ts';
import { CONTEXT_USE_SQL, HAS_PROMPT_SQL, NEAR_LIMIT_SQL } from '../context-windows.ts';
import { APP_CACHE_HITS_SQL, APP_CACHE_LOOKUPS_SQL, APP_CACHE_MISSES_SQL, scopeSql, type SpanScope } from '../app-cache-scope.ts';

// The SQL of the analytics over the spans table (read with FINAL, so each span counts once
// whatever versions of it are stored). User-supplied strings (project, filter values, metadata
// keys, score names) only reach SQL as bound parameters; identifiers and keywords come from the
// whitelists below.
//
// Every figure is computed with the same arithmetic as the DuckDB backend, so both answer the
// same doubles: money is summed exactly as Int64 nano-dollars and converted to a double the way
// DuckDB casts its DECIMAL sum; ratios are divided in Float64 in the same order; rounding to 9
// decimals is DuckDB's (half away from zero) rather than ClickHouse's round (half to even);
// percentiles interpolate as DuckDB's quantile_cont does.

const COLUMN_OF: Record<ColumnDimension, string> = {
  model: 'model',
  provider: 'provider',
  user: 'user_id',
  session: 'session_id',
  feature: 'feature',
  team: 'team',
  department: 'department',
  application: 'application',
  environment: 'environment',
  kind: 'kind',
  status: 'status',
  error_class: 'error_class',
  finish_reason: 'finish_reason',
};

export function columnOf(d: ColumnDimension): string {
  return COLUMN_OF[d];
}

// Bound parameters travel in the request's URL, which ClickHouse caps (http_max_uri_size, 1 MiB,
// and about a thousand fields, by default). A filter's values are therefore one Array(String)
// parameter, and a query whose values would pass this bound is refused up front, naming the
// filters, rather than failing at the server.
const MAX_PARAMS_URL_BYTES = 768 * 1024;

// The bytes a string takes in the URL: escaped as the client writes a parameter, then
// percent-encoded.
const ESCAPES: Record<string, string> = { '\\': '\\\\', "'": "\\'", '\t': '\\t', '\n': '\\n', '\r': '\\r' };
function urlBytes(text: string): number {
  return new URLSearchParams({ v: text.replace(/[\\'\t\n\r]/g, (c) => ESCAPES[c]) }).toString().length - 2;
}

// Bound parameters of one statement: {p0:String}, {p1:Array(String)}, ...
export class Binder {
  readonly values: Params = {};
  private next = 0;
  private usedBytes = 0;

  bind(value: string): string {
    return this.add(value, 'String', urlBytes(value));
  }

  // Written ['a','b']: brackets, quotes and commas percent-encoded.
  bindList(values: string[]): string {
    return this.add(values, 'Array(String)', values.reduce((n, v) => n + urlBytes(v) + 9, 6));
  }

  private add(value: unknown, type: string, encodedBytes: number): string {
    const name = `p${this.next++}`;
    this.usedBytes += name.length + encodedBytes + 8; // &param_<name>=
    if (this.usedBytes > MAX_PARAMS_URL_BYTES) {
      throw new AnalyticsInputError('filter', `the filter values come to more than ${MAX_PARAMS_URL_BYTES / 1024} KiB together; filter on fewer or shorter values`);
    }
    this.values[name] = value;
    return `{${name}:${type}}`;
  }
}

// ClickHouse refuses to pass an array of more values than this between servers (the default
// of aggregate_function_group_array_max_element_size), so on a cluster a group of more calls
// than this on one shard could not be collected whole. Arrays are capped here instead, and a
// group whose array came back short takes its percentiles from quantilesExactInclusive.
const MAX_ARRAY_ELEMENTS = 16_777_215;
// The percentiles measured (p50, p95, p99).
const QUANTILE_LEVELS = [0.5, 0.95, 0.99];
// A streamed call with output after its first token: the calls streaming speed is measured over.
const STREAMED = 'ttft_ms IS NOT NULL AND duration_ms > ttft_ms AND output_tokens > 0';

// A statement is two levels: the inner one aggregates the rows of each group into the columns
// below, the outer one computes each measure from them. Keeping the arithmetic (percentile
// interpolation, rounding) out of the aggregation keeps the statement small: ClickHouse plans
// an expression tree that repeats an aggregate dozens of times far more slowly than it runs it.
export const AGGREGATES = {
  a_cost: 'sum(cost_nano)',
  a_n: 'count()',
  a_known: 'count(cost_nano)',
  a_unknown: "countIf(cost_status = 'unknown_model')",
  a_errors: "countIf(status = 'error')",
  // C5: generations the chain marked as refusals (enrich/quality/refusal.ts), and generations.
  a_refusals: `countIf(metadata['${QUALITY_METADATA.refusal}'] = 'true')`,
  a_generations: "countIf(kind = 'generation')",
  // C6: application cache lookups (app-cache-scope.ts), the only spans a query of them reads.
  a_app_cache_lookups: `countIf(${APP_CACHE_LOOKUPS_SQL})`,
  a_app_cache_hits: `countIf(${APP_CACHE_HITS_SQL})`,
  a_app_cache_misses: `countIf(${APP_CACHE_MISSES_SQL})`,
  a_input: 'sum(input_tokens)',
  a_output: 'sum(output_tokens)',
  a_cache_read: 'sum(cache_read_tokens)',
  a_cache_write: 'sum(cache_write_tokens)',
  a_reasoning: 'sum(reasoning_tokens)',
  a_audio: 'sum(audio_tokens)',
  a_total: 'sum(total_tokens)',
  a_priced_tokens: 'sumIf(total_tokens, cost_nano IS NOT NULL)',
  // Durations are summed as whole microseconds: exact, in any order and across shards. The mean
  // is that sum in ms over the count, which is what DuckDB's sum of the ms doubles gives
  // whenever that sum is exact. duration_ms holds a whole number of µs / 1000, so rounding
  // recovers it.
  a_duration_us: 'sum(toInt64(round(duration_ms * 1000)))',
  // Percentiles: every value of the group, sorted (NULL ttfts are left out), and the same
  // percentiles from quantilesExactInclusive for groups too large for an array (below).
  a_latencies: `arraySort(groupArray(${MAX_ARRAY_ELEMENTS})(duration_ms))`,
  a_latency_quantiles: `quantilesExactInclusive(${QUANTILE_LEVELS.join(', ')})(duration_ms)`,
  a_ttfts: `arraySort(groupArray(${MAX_ARRAY_ELEMENTS})(ttft_ms))`,
  a_ttft_n: 'count(ttft_ms)',
  a_ttft_quantiles: `quantilesExactInclusive(${QUANTILE_LEVELS.join(', ')})(ttft_ms)`,
  // C6: what the cache reads saved, in whole nano-dollars per call (duckdb/analytics.ts explains it).
  a_cache_savings: `sum(if(cache_read_tokens > 0 AND input_tokens > 0,
    intDiv(2 * cache_read_tokens * JSONExtract(ifNull(cost_breakdown, ''), 'input', 'Nullable(Int64)') + input_tokens, 2 * input_tokens)
      - JSONExtract(ifNull(cost_breakdown, ''), 'cacheRead', 'Nullable(Int64)'), NULL))`,
  // C4: context-window use per call, the window written in per query (context-windows.ts).
  a_context_use: `arraySort(groupArray(${MAX_ARRAY_ELEMENTS})(if(${HAS_PROMPT_SQL}, ${CONTEXT_USE_SQL}, NULL)))`,
  a_context_n: `count(if(${HAS_PROMPT_SQL}, ${CONTEXT_USE_SQL}, NULL))`,
  a_context_quantiles: `quantilesExactInclusive(${QUANTILE_LEVELS.join(', ')})(if(${HAS_PROMPT_SQL}, ${CONTEXT_USE_SQL}, NULL))`,
  a_near_limit: `countIf(${NEAR_LIMIT_SQL})`,
  // C3: streaming speed per streamed call, over the time after its first token.
  a_tps: `arraySort(groupArray(${MAX_ARRAY_ELEMENTS})(if(${STREAMED}, output_tokens / ((duration_ms - ttft_ms) / 1000), NULL)))`,
  a_tpot: `arraySort(groupArray(${MAX_ARRAY_ELEMENTS})(if(${STREAMED}, (duration_ms - ttft_ms) / output_tokens, NULL)))`,
  a_streamed_n: `countIf(${STREAMED})`,
  a_tps_quantiles: `quantilesExactInclusive(${QUANTILE_LEVELS.join(', ')})(if(${STREAMED}, output_tokens / ((duration_ms - ttft_ms) / 1000), NULL))`,
  a_tpot_quantiles: `quantilesExactInclusive(${QUANTILE_LEVELS.join(', ')})(if(${STREAMED}, (duration_ms - ttft_ms) / output_tokens, NULL))`,
} as const;

// The same aggregates over call_hours-shaped rows (hour-totals.ts), for the measures that are sums
// or ratios of sums: counts become sums of the counted. A measure needing any other aggregate
// (percentiles, means) is read from the spans.
export const HOUR_AGGREGATES: Partial<Record<keyof typeof AGGREGATES, string>> = {
  a_cost: 'sum(cost_nano)',
  a_n: 'sum(n)',
  a_known: 'sum(known_n)',
  a_unknown: 'sum(unknown_n)',
  a_errors: "sumIf(n, status = 'error')",
  a_input: 'sum(input_tokens)',
  a_output: 'sum(output_tokens)',
  a_cache_read: 'sum(cache_read_tokens)',
  a_cache_write: 'sum(cache_write_tokens)',
  a_reasoning: 'sum(reasoning_tokens)',
  a_audio: 'sum(audio_tokens)',
  a_total: 'sum(total_tokens)',
  a_priced_tokens: 'sum(priced_tokens)',
};

// The known cost as DuckDB casts its DECIMAL(38, 9) sum to DOUBLE: the integer as a double over
// 1e9 while the integer is exact as a double (up to 2^53), past that the whole dollars and the
// fraction converted apart (both truncated towards zero), then added.
const COST_USD_DOUBLE =
  '(if(abs(a_cost) <= 9007199254740992, toFloat64(a_cost) / 1e9, toFloat64(intDiv(a_cost, 1000000000)) + toFloat64(a_cost % 1000000000) / 1e9))';

// round(x, 9) as DuckDB does it: std::round(x × 1e9) / 1e9 (halves away from zero); x itself
// if the result is not finite.
function duckRound9(x: string): string {
  const y = `((${x}) * 1e9)`;
  const rounded = `(sign(${y}) * (floor(abs(${y})) + (abs(${y}) - floor(abs(${y})) >= 0.5)) / 1e9)`;
  return `if(isFinite(${rounded}), ${rounded}, ${x})`;
}

// DuckDB's quantile_cont over a sorted array: the value at rank (n - 1) × q, interpolated as
// lo × (1 - d) + hi × d. ClickHouse's quantileExactInclusive ranks the same values but
// interpolates as lo + (hi - lo) × d, which differs in the last bit for about one group in ten,
// so the formula is written out; quantileExactInclusive (`fallback`, the same q) answers only
// for a group whose array was capped (`count` values, fewer in the array).
function quantileCont(sorted: string, count: string, fallback: string, q: number): string {
  const rank = `((length(${sorted}) - 1) * ${q})`;
  const d = `(${rank} - floor(${rank}))`;
  const lo = `${sorted}[toUInt64(floor(${rank})) + 1]`;
  const hi = `${sorted}[toUInt64(ceil(${rank})) + 1]`;
  const exact = `if(empty(${sorted}), NULL, if(${d} = 0, ${lo}, ${lo} * (1 - ${d}) + ${hi} * ${d}))`;
  return `if(length(${sorted}) = ${count}, ${exact}, ${fallback}[${QUANTILE_LEVELS.indexOf(q) + 1}])`;
}
const latency = (q: number) => quantileCont('a_latencies', 'a_n', 'a_latency_quantiles', q);
const ttft = (q: number) => quantileCont('a_ttfts', 'a_ttft_n', 'a_ttft_quantiles', q);
const contextUse = (q: number) => quantileCont('a_context_use', 'a_context_n', 'a_context_quantiles', q);
const tps = (q: number) => quantileCont('a_tps', 'a_streamed_n', 'a_tps_quantiles', q);
const tpot = (q: number) => quantileCont('a_tpot', 'a_streamed_n', 'a_tpot_quantiles', q);

// Each measure over the AGGREGATES of its group.
export const MEASURE_SQL: Record<Exclude<Measure, ScoreAnalyticsMeasure>, string> = {
  cost: 'a_cost',
  unknown_cost_requests: 'a_unknown',
  requests: 'a_n',
  input_tokens: 'a_input',
  output_tokens: 'a_output',
  cache_read_tokens: 'a_cache_read',
  cache_write_tokens: 'a_cache_write',
  reasoning_tokens: 'a_reasoning',
  audio_tokens: 'a_audio',
  total_tokens: 'a_total',
  tokens_per_request: 'a_total / nullIf(a_n, 0)',
  input_output_ratio: '(a_input + a_cache_read + a_cache_write) / nullIf(a_output + a_reasoning, 0)',
  cache_hit_rate: 'a_cache_read / nullIf(a_input + a_cache_read + a_cache_write, 0)',
  cache_savings: 'toFloat64(a_cache_savings) / 1e9',
  context_window_use_p50: contextUse(0.5),
  context_window_use_p95: contextUse(0.95),
  near_context_limit: 'a_near_limit',
  latency_avg: 'toFloat64(a_duration_us) / 1000 / nullIf(a_n, 0)',
  latency_p50: latency(0.5),
  latency_p95: latency(0.95),
  latency_p99: latency(0.99),
  ttft_p50: ttft(0.5),
  ttft_p95: ttft(0.95),
  ttft_p99: ttft(0.99),
  tokens_per_second_p50: tps(0.5),
  tokens_per_second_p95: tps(0.95),
  time_per_output_token_p50: tpot(0.5),
  time_per_output_token_p95: tpot(0.95),
  errors: 'a_errors',
  error_rate: 'a_errors / nullIf(a_n, 0)',
  cost_per_request: duckRound9(`${COST_USD_DOUBLE} / nullIf(a_known, 0)`),
  tokens_per_dollar: `toFloat64(a_priced_tokens) / nullIf(${COST_USD_DOUBLE}, 0)`,
  usd_per_mtok: duckRound9(`${COST_USD_DOUBLE} * 1000000 / nullIf(a_priced_tokens, 0)`),
  refusals: 'a_refusals',
  refusal_rate: 'a_refusals / nullIf(a_generations, 0)',
  app_cache_lookups: 'a_app_cache_lookups',
  app_cache_hits: 'a_app_cache_hits',
  app_cache_misses: 'a_app_cache_misses',
  app_cache_hit_rate: 'a_app_cache_hits / nullIf(a_app_cache_lookups, 0)',
};

function aggregateNames(measures: readonly Measure[]): Set<string> {
  const names = new Set<string>(['a_n']);
  for (const m of measures) if (!isScoreAnalyticsMeasure(m)) for (const name of MEASURE_SQL[m].match(/\ba_\w+/g) ?? []) names.add(name);
  return names;
}

// The inner aggregates the given measures need, as `expression AS name`, from the spans or from
// call_hours-shaped rows.
export function aggregatesFor(measures: readonly Measure[], from: Partial<Record<string, string>> = AGGREGATES): string[] {
  const names = aggregateNames(measures);
  return Object.entries(from).flatMap(([name, sql]) => (names.has(name) ? [`${sql} AS ${name}`] : []));
}

// Whether every measure can be computed from the hourly totals.
export function summable(measures: readonly Measure[]): boolean {
  return !measures.some(isScoreAnalyticsMeasure) && [...aggregateNames(measures)].every((name) => name in HOUR_AGGREGATES);
}

// A metadata key's value, null where the span does not carry the key (a Map reads '' there).
function metadataSql(key: string, p: Binder): string {
  const k = p.bind(key);
  return `if(mapContains(metadata, ${k}), metadata[${k}], NULL)`;
}

export function dimensionSql(d: Dimension, p: Binder): string {
  const key = metadataKeyOf(d);
  if (key !== null) return metadataSql(key, p);
  if (d === 'tag') return 'tag_value';
  return COLUMN_OF[d as ColumnDimension];
}

export function filterSql(f: Filter, p: Binder): string {
  const key = metadataKeyOf(f.dimension);
  if (f.dimension === 'tag') return f.values.length === 1 ? `has(tags, ${p.bind(f.values[0])})` : `hasAny(tags, ${p.bindList(f.values)})`;
  const column = key !== null ? metadataSql(key, p) : COLUMN_OF[f.dimension as ColumnDimension];
  return f.values.length === 1 ? `${column} = ${p.bind(f.values[0])}` : `${column} IN ${p.bindList(f.values)}`;
}

// A range end as a constant of start_time's type, so the primary key and the partitions prune.
export function instantSql(ms: number): string {
  const us = Math.trunc(ms) * 1000;
  if (!Number.isSafeInteger(us)) throw new AnalyticsInputError('from', 'is not a valid time');
  return `fromUnixTimestamp64Micro(toInt64(${us}), 'UTC')`;
}

export const MODEL_CALLS_SQL = `kind IN (${MODEL_CALL_KINDS.map((k) => `'${k}'`).join(', ')})`;

// project first, then time, then the model-call scope unless the query is about kinds itself.
// The judge's calls are left out unless the query filters on their feature (evaluation-scope.ts).
export function whereSql(project: ProjectId, range: TimeRange, filters: Filter[], p: Binder, scopeToModelCalls: SpanScope): string {
  const clauses = [`project_id = ${p.bind(project)}`, `start_time >= ${instantSql(range.fromMs)}`, `start_time < ${instantSql(range.toMs)}`];
  const scope = scopeSql(scopeToModelCalls, MODEL_CALLS_SQL);
  if (scope !== null) clauses.push(scope);
  if (!analyticsAsksForEvaluation(filters)) clauses.push(APPLICATION_SPANS_SQL);
  for (const f of filters) clauses.push(filterSql(f, p));
  return clauses.join(' AND ');
}

// Grouping by tag makes one row per (span, distinct tag); a span without tags keeps one row with
// a null tag.
export function fromSql(database: string, where: string, unnestTags: boolean): string {
  const arrayJoin = unnestTags ? " ARRAY JOIN if(empty(tags), [NULL], CAST(arrayDistinct(tags), 'Array(Nullable(String))')) AS tag_value" : '';
  return `FROM ${database}.spans FINAL${arrayJoin} WHERE ${where}`;
}

// FROM over [range) in call_hours' shape, start_time being the hour: the whole hours `hours` from
// the totals, the partial hours at each end summed from the spans. On a cluster the totals are
// the copy on the node running the statement, which is whole. Scope and filters apply to the union.
export function hourSumsFrom(
  database: string,
  project: ProjectId,
  range: TimeRange,
  hours: TimeRange,
  filters: Filter[],
  p: Binder,
  scopeToModelCalls: boolean,
): string {
  const projectSql = `project_id = ${p.bind(project)}`;
  const spanPart = (loMs: number, hiMs: number) =>
    `SELECT project_id, hour_start AS start_time, model, provider, kind, status, ${TOTAL_COLUMNS}
     FROM (${hourSumsSql(database, `${projectSql} AND start_time >= ${instantSql(loMs)} AND start_time < ${instantSql(hiMs)}`)})`;
  const parts = [
    `SELECT project_id, hour AS start_time, model, provider, kind, status, ${TOTAL_COLUMNS}
     FROM ${database}.call_hours FINAL
     WHERE ${projectSql} AND hour >= toDateTime(${Math.trunc(hours.fromMs / 1000)}, 'UTC') AND hour < toDateTime(${Math.trunc(hours.toMs / 1000)}, 'UTC')`,
  ];
  if (range.fromMs < hours.fromMs) parts.push(spanPart(range.fromMs, hours.fromMs));
  if (hours.toMs < range.toMs) parts.push(spanPart(hours.toMs, range.toMs));
  const clauses = scopeToModelCalls ? [MODEL_CALLS_SQL] : [];
  for (const f of filters) clauses.push(filterSql(f, p));
  return `FROM (${parts.join(' UNION ALL ')}) AS hour_sums${clauses.length ? ` WHERE ${clauses.join(' AND ')}` : ''}`;
}

// The bucket's start in epoch ms. Weeks start on Monday, months on the 1st, in UTC.
const BUCKET_START: Record<TimeBucket, string> = {
  minute: 'toStartOfMinute(start_time)',
  hour: 'toStartOfHour(start_time)',
  day: 'toStartOfDay(start_time)',
  week: 'toMonday(start_time)',
  month: 'toStartOfMonth(start_time)',
};

export function bucketSql(bucket: TimeBucket): string {
  return `toInt64(toUnixTimestamp(toDateTime(${BUCKET_START[bucket]}, 'UTC'))) * 1000`;
}
