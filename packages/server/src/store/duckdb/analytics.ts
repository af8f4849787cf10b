import {
  LATENCY_BANDS_MS,
  MODEL_CALL_KINDS,
  QUERY_LIMITS,
  metadataKeyOf,
  type AnalyticsBackend,
  type AnalyticsQuery,
  type AnalyticsReport,
  type AnalyticsResult,
  type ColumnDimension,
  type ChargebackParams,
  type ChargebackReport,
  type CostForecast,
  type DailyTrendRow,
  type Dimension,
  type Filter,
  type ForecastParams,
  type Measure,
  type LatencyBand,
  type ModelEfficiencyRow,
  type TimeBucket,
  type TimeRange,
  type TopSpenderRow,
  type TopSpendersParams,
} from '../../query/contract.ts';
import { AnalyticsInputError, validateChargeback, validateForecast, validateQuery, validateRange } from '../../query/validate.ts';
import { chargebackToCsv } from '../../query/formats.ts';
import { decimalToNano } from '../../domain/money.ts';
import { QUALITY_METADATA } from '../../domain/quality.ts';
import { isScoreAnalyticsMeasure, type ScoreAnalyticsMeasure } from '../../domain/measures.ts';
import { fillsGaps, finishMeasure, num, numOrNull, shapeResult, str } from '../../query/shape.ts';
import { chargebackReport } from '../../query/chargeback.ts';
import { computeForecast, forecastRanges } from '../../query/forecast.ts';
import { dailyTrendRows, dayTotalsFrom, modelEfficiencyQuery, modelEfficiencyRows, topSpenderRows, topSpendersQuery, type DayTotals } from '../../query/reports.ts';
import type { ProjectId } from '../store.ts';
import type { DuckDb, Row } from './db.ts';
import { hourSumsSql, type HourRollups } from './hour-rollups.ts';
import { APPLICATION_SPANS_SQL, analyticsAsksForEvaluation } from '../evaluation-scope.ts';
import { retentionNote } from '../../query/retention.ts';
import { APP_CACHE_HITS_SQL, APP_CACHE_LOOKUPS_SQL, APP_CACHE_MISSES_SQL, APP_CACHE_SCOPE, asksForAppCache, scopeSql, type SpanScope } from '../app-cache-scope.ts';
import { CONTEXT_USE_SQL, HAS_PROMPT_SQL, NEAR_LIMIT_SQL, asksForContextWindows, catalogContextWindow, MAX_MODEL_PAIRS_READ, contextWindowSql, pairWindows, withContextWindows, type ContextWindowOf, type ModelPair } from '../context-windows.ts';

// Analytics over the `spans` table. Every statement is one aggregate pass over the rows of one
// project in one time range: the WHERE clause starts with project_id and start_time so the zone
// maps skip other projects' row groups and other days, and only the columns a measure needs are
// read. Money is summed as DECIMAL(18, 9) in DuckDB (exact) and crosses into JavaScript as the
// decimal text of the sum; no cost is ever accumulated in a JS float.

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

// One quantile aggregate per column: DuckDB binds identical aggregate expressions once, so
// p50, p95 and p99 of the same column cost one sort. quantile_cont is exact (it sorts the group's
// values and interpolates linearly between the two nearest ranks), not a sketch.
const LATENCY_QUANTILES = 'quantile_cont(duration_ms, [0.5, 0.95, 0.99])';
const TTFT_QUANTILES = 'quantile_cont(ttft_ms, [0.5, 0.95, 0.99])';
const PRICED_TOKENS = 'sum(total_tokens) FILTER (WHERE cost_usd IS NOT NULL)';
const ERRORS = "count(*) FILTER (WHERE status = 'error')";
const UNKNOWN_COST = "count(*) FILTER (WHERE cost_status = 'unknown_model')";
// C5: generations the chain marked as refusals (enrich/quality/refusal.ts), over generations.
const REFUSALS = `count(*) FILTER (WHERE metadata['${QUALITY_METADATA.refusal}'] = 'true')`;
const GENERATIONS = "count(*) FILTER (WHERE kind = 'generation')";
// C6: application cache lookups (app-cache-scope.ts), the only spans a query of them reads.
const APP_CACHE_LOOKUPS = `count(*) FILTER (WHERE ${APP_CACHE_LOOKUPS_SQL})`;
const APP_CACHE_HITS = `count(*) FILTER (WHERE ${APP_CACHE_HITS_SQL})`;
// C6: the share of the prompt read from the cache, and what those reads saved in whole
// nano-dollars per call: the cache reads at the call's own uncached input price (its stored input
// cost over its input tokens, so tiers and overrides are those it was charged at; rounded half up
// in integers, as ClickHouse computes it), less the stored cost of the reads.
const CACHE_HIT_RATE = 'sum(cache_read_tokens) / nullif(sum(input_tokens + cache_read_tokens + cache_write_tokens), 0)';
const CACHE_SAVINGS_NANO = `CASE WHEN cache_read_tokens > 0 AND input_tokens > 0 THEN
  (2 * cache_read_tokens * (cost_breakdown->>'input')::BIGINT + input_tokens) // (2 * input_tokens) - (cost_breakdown->>'cacheRead')::BIGINT END`;
// C3: streaming speed per streamed call, over the time after its first token; calls without a
// ttft, without output or that ended at their first token have none.
const STREAMED = 'ttft_ms IS NOT NULL AND duration_ms > ttft_ms AND output_tokens > 0';
const TPS_QUANTILES = `quantile_cont(CASE WHEN ${STREAMED} THEN output_tokens / ((duration_ms - ttft_ms) / 1000) END, [0.5, 0.95])`;
const TPOT_QUANTILES = `quantile_cont(CASE WHEN ${STREAMED} THEN (duration_ms - ttft_ms) / output_tokens END, [0.5, 0.95])`;
// C4: context-window use per call, the window written in per query (context-windows.ts).
const CONTEXT_QUANTILES = `quantile_cont(CASE WHEN ${HAS_PROMPT_SQL} THEN ${CONTEXT_USE_SQL} END, [0.5, 0.95])`;

const MEASURE_SQL: Record<Exclude<Measure, ScoreAnalyticsMeasure>, string> = {
  cost: 'sum(cost_usd)',
  unknown_cost_requests: UNKNOWN_COST,
  requests: 'count(*)',
  input_tokens: 'sum(input_tokens)',
  output_tokens: 'sum(output_tokens)',
  cache_read_tokens: 'sum(cache_read_tokens)',
  cache_write_tokens: 'sum(cache_write_tokens)',
  reasoning_tokens: 'sum(reasoning_tokens)',
  audio_tokens: 'sum(audio_tokens)',
  total_tokens: 'sum(total_tokens)',
  tokens_per_request: 'sum(total_tokens) / nullif(count(*), 0)',
  input_output_ratio: 'sum(input_tokens + cache_read_tokens + cache_write_tokens) / nullif(sum(output_tokens + reasoning_tokens), 0)',
  cache_hit_rate: CACHE_HIT_RATE,
  cache_savings: `sum(${CACHE_SAVINGS_NANO})::DOUBLE / 1e9`,
  context_window_use_p50: `${CONTEXT_QUANTILES}[1]`,
  context_window_use_p95: `${CONTEXT_QUANTILES}[2]`,
  near_context_limit: `count(*) FILTER (WHERE ${NEAR_LIMIT_SQL})`,
  latency_avg: 'avg(duration_ms)',
  latency_p50: `${LATENCY_QUANTILES}[1]`,
  latency_p95: `${LATENCY_QUANTILES}[2]`,
  latency_p99: `${LATENCY_QUANTILES}[3]`,
  ttft_p50: `${TTFT_QUANTILES}[1]`,
  ttft_p95: `${TTFT_QUANTILES}[2]`,
  ttft_p99: `${TTFT_QUANTILES}[3]`,
  tokens_per_second_p50: `${TPS_QUANTILES}[1]`,
  tokens_per_second_p95: `${TPS_QUANTILES}[2]`,
  time_per_output_token_p50: `${TPOT_QUANTILES}[1]`,
  time_per_output_token_p95: `${TPOT_QUANTILES}[2]`,
  errors: ERRORS,
  error_rate: `${ERRORS} / nullif(count(*), 0)`,
  cost_per_request: 'round(sum(cost_usd) / nullif(count(cost_usd), 0), 9)',
  tokens_per_dollar: `${PRICED_TOKENS} / nullif(sum(cost_usd), 0)`,
  usd_per_mtok: `round(sum(cost_usd)::DOUBLE * 1000000 / nullif(${PRICED_TOKENS}, 0), 9)`,
  refusals: REFUSALS,
  refusal_rate: `${REFUSALS} / nullif(${GENERATIONS}, 0)`,
  app_cache_lookups: APP_CACHE_LOOKUPS,
  app_cache_hits: APP_CACHE_HITS,
  app_cache_misses: `count(*) FILTER (WHERE ${APP_CACHE_MISSES_SQL})`,
  app_cache_hit_rate: `${APP_CACHE_HITS} / nullif(${APP_CACHE_LOOKUPS}, 0)`,
};

// The same measures over call_hours-shaped rows (hour-rollups.ts): counts become sums of `n`.
// Only sums and ratios of sums can be read this way; percentiles and means need the rows.
const HOUR_ERRORS = "coalesce(sum(n) FILTER (WHERE status = 'error'), 0)";
const HOUR_MEASURE_SQL: Partial<Record<Measure, string>> = {
  cost: 'sum(cost_usd)',
  unknown_cost_requests: 'sum(unknown_n)',
  requests: 'sum(n)',
  input_tokens: 'sum(input_tokens)',
  output_tokens: 'sum(output_tokens)',
  cache_read_tokens: 'sum(cache_read_tokens)',
  cache_write_tokens: 'sum(cache_write_tokens)',
  reasoning_tokens: 'sum(reasoning_tokens)',
  audio_tokens: 'sum(audio_tokens)',
  total_tokens: 'sum(total_tokens)',
  tokens_per_request: 'sum(total_tokens) / nullif(sum(n), 0)',
  input_output_ratio: '(sum(input_tokens) + sum(cache_read_tokens) + sum(cache_write_tokens)) / nullif(sum(output_tokens) + sum(reasoning_tokens), 0)',
  cache_hit_rate: CACHE_HIT_RATE,
  errors: HOUR_ERRORS,
  error_rate: `${HOUR_ERRORS} / nullif(sum(n), 0)`,
  cost_per_request: 'round(sum(cost_usd) / nullif(sum(known_n), 0), 9)',
  tokens_per_dollar: 'sum(priced_tokens) / nullif(sum(cost_usd), 0)',
  usd_per_mtok: 'round(sum(cost_usd)::DOUBLE * 1000000 / nullif(sum(priced_tokens), 0), 9)',
};
const HOUR_DIMENSIONS = new Set<Dimension>(['model', 'provider', 'kind', 'status']);

// A money sum as DuckDB returns it (DECIMAL text; NULL over no rows) in exact nano-dollars.
function sumNano(value: unknown): bigint {
  return value === null || value === undefined ? 0n : decimalToNano(String(value));
}




// ---------------------------------------------------------------------------------------------
// SQL building. User-supplied strings (project, filter values, metadata keys, score names) only
// ever reach SQL as bound parameters; identifiers and keywords come from the whitelists above.

export class Params {
  readonly values: Record<string, string> = {};
  private next = 0;
  bind(value: string): string {
    const name = `p${this.next++}`;
    this.values[name] = value;
    return `$${name}`;
  }
}

function timestampLiteral(ms: number): string {
  const us = Math.trunc(ms) * 1000;
  if (!Number.isSafeInteger(us)) throw new AnalyticsInputError('from', 'is not a valid time');
  // A literal rather than a parameter, so that the planner can prune row groups by start_time.
  return `make_timestamp(${us})`;
}

export function dimensionSql(d: Dimension, p: Params): string {
  const key = metadataKeyOf(d);
  if (key !== null) return `metadata[${p.bind(key)}]`;
  if (d === 'tag') return 'tag_value';
  return COLUMN_OF[d as ColumnDimension];
}

function filterSql(f: Filter, p: Params): string {
  const key = metadataKeyOf(f.dimension);
  const placeholders = f.values.map((v) => p.bind(v));
  if (f.dimension === 'tag') return `(${placeholders.map((ph) => `list_contains(tags, ${ph})`).join(' OR ')})`;
  const column = key !== null ? `metadata[${p.bind(key)}]` : COLUMN_OF[f.dimension as ColumnDimension];
  return placeholders.length === 1 ? `${column} = ${placeholders[0]}` : `${column} IN (${placeholders.join(', ')})`;
}

const MODEL_CALLS_SQL = `kind IN (${MODEL_CALL_KINDS.map((k) => `'${k}'`).join(', ')})`;

// project first, then time, then the model-call scope unless the query is about kinds itself.
// The judge's calls are left out unless the query filters on their feature (evaluation-scope.ts).
export function whereSql(project: ProjectId, range: TimeRange, filters: Filter[], p: Params, scopeToModelCalls: SpanScope): string {
  const clauses = [`project_id = ${p.bind(project)}`, `start_time >= ${timestampLiteral(range.fromMs)}`, `start_time < ${timestampLiteral(range.toMs)}`];
  const scope = scopeSql(scopeToModelCalls, MODEL_CALLS_SQL);
  if (scope !== null) clauses.push(scope);
  if (!analyticsAsksForEvaluation(filters)) clauses.push(APPLICATION_SPANS_SQL);
  for (const f of filters) clauses.push(filterSql(f, p));
  return clauses.join(' AND ');
}

// Grouping by tag makes one row per (span, distinct tag); a span without tags (stored as NULL)
// keeps one row with a null tag. Only lists of two or more can hold a duplicate, and
// list_distinct is the expensive part, so it runs only on those.
function fromSql(where: string, unnestTags: boolean): string {
  if (!unnestTags) return `FROM spans WHERE ${where}`;
  return `FROM (SELECT *, unnest(CASE WHEN len(tags) > 1 THEN list_distinct(tags) WHEN len(tags) = 1 THEN tags ELSE [NULL::VARCHAR] END) AS tag_value
    FROM spans WHERE ${where}) AS tagged`;
}

function bucketSql(bucket: TimeBucket): string {
  return `epoch_ms(date_trunc('${bucket}', start_time))`;
}

function measureValue(m: Measure, v: unknown): number | null {
  return finishMeasure(m, numOrNull(v));
}

// FROM over [range) in call_hours' shape: the whole hours from the totals, the partial hours at
// each end summed from the spans; start_time is the hour. Scope and filters apply to the union.
// Hours below the project's retention mark add the spans still stored in them (hour-rollups.ts).
function hourSumsFrom(project: ProjectId, range: TimeRange, hours: { fromUs: number; toUs: number; retainedUntilUs: number }, filters: Filter[], p: Params, scopeToModelCalls: boolean): string {
  const projectSql = `project_id = ${p.bind(project)}`;
  const spanPart = (loMs: number, hiMs: number) => hourSumsSql(`${projectSql} AND start_time >= ${timestampLiteral(loMs)} AND start_time < ${timestampLiteral(hiMs)}`);
  const parts = [
    spanPart(range.fromMs, hours.fromUs / 1000),
    `SELECT project_id, hour, model, provider, kind, status, n, known_n, unknown_n, cost_usd, input_tokens, output_tokens, cache_read_tokens,
       cache_write_tokens, reasoning_tokens, audio_tokens, total_tokens, priced_tokens
     FROM call_hours WHERE ${projectSql} AND hour >= ${timestampLiteral(hours.fromUs / 1000)} AND hour < ${timestampLiteral(hours.toUs / 1000)}`,
    spanPart(hours.toUs / 1000, range.toMs),
  ];
  if (hours.retainedUntilUs > hours.fromUs) parts.push(spanPart(hours.fromUs / 1000, Math.min(hours.retainedUntilUs, hours.toUs) / 1000));
  const clauses = scopeToModelCalls ? [MODEL_CALLS_SQL] : [];
  for (const f of filters) clauses.push(filterSql(f, p));
  return `FROM (SELECT hour AS start_time, * EXCLUDE (hour) FROM (${parts.join(' UNION ALL BY NAME ')})) AS hour_sums${clauses.length ? ` WHERE ${clauses.join(' AND ')}` : ''}`;
}

export class DuckDbAnalytics implements AnalyticsBackend {
  private readonly db: DuckDb;
  private readonly hours: HourRollups | null;
  private readonly windowOf: ContextWindowOf;
  // `hours`: the hourly totals long ranges are read from (none: every query reads the spans).
  // `windowOf`: each model's context window (C4), the catalog's unless the config names one.
  constructor(db: DuckDb, hours: HourRollups | null = null, windowOf: ContextWindowOf = catalogContextWindow) {
    this.db = db;
    this.hours = hours;
    this.windowOf = windowOf;
  }

  async ping(project: ProjectId): Promise<void> {
    await this.db.all('SELECT count(*) FROM spans WHERE project_id = $project AND false', { project });
  }

  // The rows a query over [range) aggregates, and the SQL of each measure over them: whole hours
  // from the hourly totals where they can answer (`hourly`: the query only sums, by their
  // dimensions), else the spans.
  private source(project: ProjectId, range: TimeRange, filters: Filter[], p: Params, scopeToModelCalls: SpanScope, options: { hourly: boolean; unnestTags?: boolean }) {
    const hours = options.hourly && this.hours ? this.hours.wholeHours(Math.trunc(range.fromMs) * 1000, Math.trunc(range.toMs) * 1000, project) : null;
    if (hours === null) return { from: fromSql(whereSql(project, range, filters, p, scopeToModelCalls), options.unnestTags ?? false), sql: MEASURE_SQL as Partial<Record<Measure, string>> };
    const retainedUntilUs = this.hours!.retainedUntilOf(project);
    // Only sums of the calls are hourly (never the cache lookups): the scope is the calls or every kind.
    return { from: hourSumsFrom(project, range, { ...hours, retainedUntilUs }, filters, p, scopeToModelCalls === true), sql: HOUR_MEASURE_SQL };
  }

  // The reports that only sum, by the totals' dimensions, answer past the spans' retention.
  answersFromRollups(report: AnalyticsReport, dimension?: Dimension): boolean {
    if (this.hours === null) return false;
    if (report === 'daily' || report === 'forecast') return true;
    return report === 'top-spenders' && dimension !== undefined && HOUR_DIMENSIONS.has(dimension);
  }

  async query(project: ProjectId, q: AnalyticsQuery): Promise<AnalyticsResult> {
    validateQuery(q);
    const p = new Params();
    const aboutKinds = q.groupBy.includes('kind') || q.filters.some((f) => f.dimension === 'kind');
    const hourly =
      q.scoreName === undefined &&
      q.bucket !== 'minute' &&
      q.measures.every((m) => HOUR_MEASURE_SQL[m] !== undefined) &&
      q.groupBy.every((d) => HOUR_DIMENSIONS.has(d)) &&
      q.filters.every((f) => HOUR_DIMENSIONS.has(f.dimension));
    // Application cache measures read the cache lookups only (validateQuery keeps them alone).
    const scope: SpanScope = asksForAppCache(q.measures) ? APP_CACHE_SCOPE : !aboutKinds;
    const { from, sql: measureSql } = this.source(project, q, q.filters, p, scope, { hourly, unnestTags: q.groupBy.includes('tag') });

    const keys: string[] = [];
    const select: string[] = [];
    if (q.bucket) {
      select.push(`${bucketSql(q.bucket)} AS b`);
      keys.push('b');
    }
    q.groupBy.forEach((d, i) => {
      select.push(`${dimensionSql(d, p)} AS d${i}`);
      keys.push(`d${i}`);
    });
    const windows = asksForContextWindows(q.measures) ? contextWindowSql(pairWindows(await this.modelPairs(project, q, aboutKinds), this.windowOf), (v) => p.bind(v)) : null;
    const aggregates = q.measures.flatMap((m, i) => (isScoreAnalyticsMeasure(m) ? [] : [`${windows === null ? measureSql[m] : withContextWindows(measureSql[m]!, windows)} AS m${i}`]));
    aggregates.push(`${measureSql.requests} AS n_rows`);

    let sql: string;
    const scoreMeasures = q.measures.flatMap((m, i) => (isScoreAnalyticsMeasure(m) ? [`sc.${m} AS m${i}`] : []));
    if (!scoreMeasures.length) {
      sql = `SELECT ${[...select, ...aggregates].join(', ')} ${from} GROUP BY ALL`;
    } else {
      // Scores hang on traces: a group's score is the mean of the numeric scores on the traces
      // that have a call in the group. Joined on the grouping keys, null-safe.
      const scoreFilter = q.scoreName === undefined ? '' : ` AND s.name = ${p.bind(q.scoreName)}`;
      const groupKeys = keys.map((k) => `t.${k}`);
      const on = keys.length ? keys.map((k) => `agg.${k} IS NOT DISTINCT FROM sc.${k}`).join(' AND ') : 'true';
      sql = `WITH agg AS (SELECT ${[...select, ...aggregates].join(', ')} ${from} GROUP BY ALL),
        traces AS (SELECT DISTINCT ${[...select, 'trace_id'].join(', ')} ${from}),
        sc AS (SELECT ${[...groupKeys, 'avg(s.numeric_value) AS score_avg', 'count(*) AS score_count'].join(', ')}
          FROM traces t JOIN scores s ON s.trace_id = t.trace_id
          WHERE s.project_id = ${p.bind(project)} AND s.numeric_value IS NOT NULL${scoreFilter}
          GROUP BY ALL)
        SELECT agg.*, ${scoreMeasures.join(', ')} FROM agg LEFT JOIN sc ON ${on}`;
    }

    // Without groups, a bucketed query is a time series: every bucket of the range is returned,
    // the empty ones with zeros, so rows come back by bucket and are limited afterwards.
    const fillGaps = fillsGaps(q);
    const limit = q.limit ?? QUERY_LIMITS.defaultLimit;
    const order: string[] = [];
    if (q.bucket) order.push('b ASC');
    const orderMeasure = q.orderBy?.measure ?? q.measures.find((m) => !isScoreAnalyticsMeasure(m)) ?? q.measures[0];
    order.push(`m${q.measures.indexOf(orderMeasure)} ${q.orderBy?.dir === 'asc' ? 'ASC' : 'DESC'} NULLS LAST`);
    q.groupBy.forEach((_, i) => order.push(`d${i} ASC NULLS LAST`));
    sql += ` ORDER BY ${order.join(', ')}`;
    if (!fillGaps) sql += ` LIMIT ${limit + 1}`;

    const raw = await this.db.all(sql, p.values);

    const result = shapeResult(q, raw, limit, measureValue);
    // Before the spans' retention cutoff only the hourly totals remain (hour-rollups.ts): a query
    // they answer read them there, another only the spans that remain.
    const note = retentionNote(q, q.retention, hourly && this.hours !== null);
    return note ? { ...result, retention: note } : result;
  }

  // The (provider, requested model, model) of a query's calls, for their context windows: up to
  // MAX_MODEL_PAIRS_READ, of which pairWindows keeps those with a window.
  private async modelPairs(project: ProjectId, q: AnalyticsQuery, aboutKinds: boolean): Promise<ModelPair[]> {
    const p = new Params();
    const rows = await this.db.all(`SELECT DISTINCT provider, request_model, model ${fromSql(`${whereSql(project, q, q.filters, p, !aboutKinds)} AND model IS NOT NULL`, false)} LIMIT ${MAX_MODEL_PAIRS_READ}`, p.values);
    return rows.map((r) => ({ provider: str(r.provider), requestModel: str(r.request_model), model: str(r.model) }));
  }

  private async dailyTotals(project: ProjectId, range: TimeRange): Promise<DayTotals[]> {
    const p = new Params();
    const { from, sql } = this.source(project, range, [], p, true, { hourly: true });
    const rows = await this.db.all(
      `SELECT epoch_ms(date_trunc('day', start_time)) AS day, ${sql.cost} AS cost, ${sql.requests} AS requests,
         ${sql.total_tokens} AS tokens, ${sql.unknown_cost_requests} AS unknown
       ${from} GROUP BY ALL`,
      p.values,
    );
    return dayTotalsFrom(rows, range, sumNano);
  }

  async dailyTrend(project: ProjectId, range: TimeRange): Promise<DailyTrendRow[]> {
    validateRange(range);
    return dailyTrendRows(await this.dailyTotals(project, range));
  }

  private async knownCostNano(project: ProjectId, range: TimeRange): Promise<bigint> {
    const p = new Params();
    const { from, sql } = this.source(project, range, [], p, true, { hourly: true });
    const rows = await this.db.all(`SELECT ${sql.cost} AS cost ${from}`, p.values);
    return sumNano(rows[0]?.cost);
  }

  async topSpenders(project: ProjectId, params: TopSpendersParams): Promise<TopSpenderRow[]> {
    const [result, totalNano] = await Promise.all([this.query(project, topSpendersQuery(params)), this.knownCostNano(project, { fromMs: params.fromMs, toMs: params.toMs })]);
    return topSpenderRows(result, params, totalNano);
  }

  async latencyDistribution(project: ProjectId, range: TimeRange): Promise<LatencyBand[]> {
    validateRange(range);
    const p = new Params();
    const bands = LATENCY_BANDS_MS.map((lo, i) => ({ fromMs: lo, toMs: LATENCY_BANDS_MS[i + 1] ?? null }));
    const counts = bands.map((b, i) => `count(*) FILTER (WHERE duration_ms >= ${b.fromMs}${b.toMs === null ? '' : ` AND duration_ms < ${b.toMs}`}) AS b${i}`);
    const rows = await this.db.all(`SELECT ${counts.join(', ')} FROM spans WHERE ${whereSql(project, range, [], p, true)}`, p.values);
    return bands.map((b, i) => ({ ...b, requests: num(rows[0]?.[`b${i}`]) }));
  }

  async modelEfficiency(project: ProjectId, range: TimeRange): Promise<ModelEfficiencyRow[]> {
    return modelEfficiencyRows(await this.query(project, modelEfficiencyQuery(range)));
  }

  async forecast(project: ProjectId, params: ForecastParams): Promise<CostForecast> {
    validateForecast(params);
    const ranges = forecastRanges(params);
    const [days, mtd] = await Promise.all([
      this.dailyTotals(project, ranges.days),
      ranges.monthToDate ? this.knownCostNano(project, ranges.monthToDate) : Promise.resolve(0n),
    ]);
    return computeForecast({ nowMs: params.nowMs, lookbackDays: params.lookbackDays, days, monthToDateNano: mtd });
  }

  async chargeback(project: ProjectId, params: ChargebackParams): Promise<ChargebackReport> {
    const range = validateChargeback(params);
    const p = new Params();
    // '' counts as unattributed, like a missing value: neither names someone to bill.
    const dims = params.by.map((d, i) => `nullif(${COLUMN_OF[d]}, '') AS d${i}`);
    const raw = await this.db.all(
      `SELECT ${dims.join(', ')}, count(*) AS requests,
         sum(input_tokens + cache_read_tokens + cache_write_tokens) AS input_tokens,
         sum(output_tokens + reasoning_tokens) AS output_tokens, sum(total_tokens) AS total_tokens,
         sum(cost_usd) AS cost, ${UNKNOWN_COST} AS unknown
       FROM spans WHERE ${whereSql(project, range, [], p, true)}
       GROUP BY ALL`,
      p.values,
    );
    const groups = raw.map((r) => ({
      keys: params.by.map((_, j) => str(r[`d${j}`])),
      requests: num(r.requests),
      inputTokens: num(r.input_tokens),
      outputTokens: num(r.output_tokens),
      totalTokens: num(r.total_tokens),
      costNano: sumNano(r.cost),
      unknownCostRequests: num(r.unknown),
    }));
    return chargebackReport(params, range, groups);
  }

  async chargebackCsv(project: ProjectId, params: ChargebackParams): Promise<string> {
    return chargebackToCsv(await this.chargeback(project, params));
  }
}
