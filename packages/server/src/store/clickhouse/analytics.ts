import {
  LATENCY_BANDS_MS,
  QUERY_LIMITS,
  type AnalyticsBackend,
  type AnalyticsQuery,
  type AnalyticsReport,
  type AnalyticsResult,
  type ChargebackParams,
  type ChargebackReport,
  type CostForecast,
  type DailyTrendRow,
  type Dimension,
  type Filter,
  type ForecastParams,
  type LatencyBand,
  type Measure,
  type ModelEfficiencyRow,
  type TimeRange,
  type TopSpenderRow,
  type TopSpendersParams,
} from '../../query/contract.ts';
import { validateChargeback, validateForecast, validateQuery, validateRange } from '../../query/validate.ts';
import { APP_CACHE_SCOPE, asksForAppCache, type SpanScope } from '../app-cache-scope.ts';
import { chargebackToCsv } from '../../query/formats.ts';
import { nanoToUsd } from '../../domain/money.ts';
import { isScoreAnalyticsMeasure } from '../../domain/measures.ts';
import { fillsGaps, finishMeasure, num, numOrNull, shapeResult, str } from '../../query/shape.ts';
import { chargebackReport } from '../../query/chargeback.ts';
import { retentionNote } from '../../query/retention.ts';
import { computeForecast, forecastRanges } from '../../query/forecast.ts';
import { dailyTrendRows, dayTotalsFrom, modelEfficiencyQuery, modelEfficiencyRows, topSpenderRows, topSpendersQuery, type DayTotals } from '../../query/reports.ts';
import type { ProjectId } from '../store.ts';
import type { Ch } from './client.ts';
import {
  AGGREGATES,
  Binder,
  HOUR_AGGREGATES,
  MEASURE_SQL,
  aggregatesFor,
  bucketSql,
  columnOf,
  dimensionSql,
  fromSql,
  hourSumsFrom,
  summable,
  whereSql,
} from './analytics-sql.ts';
import type { ChHourTotals } from './hour-totals.ts';
import { asksForContextWindows, catalogContextWindow, MAX_MODEL_PAIRS_READ, contextWindowSql, pairWindows, withContextWindows, type ContextWindowOf, type ModelPair } from '../context-windows.ts';

// Analytics over the spans: one aggregate pass per statement over one project's time range, the
// figures computed as the DuckDB backend computes them (analytics-sql.ts). Money comes back as
// the exact Int64 sum of nano-dollars (a string) and is never accumulated in a JS float.

type Row = Record<string, unknown>;

// Dimensions the hourly totals keep.
const HOUR_DIMENSIONS = new Set<Dimension>(['model', 'provider', 'kind', 'status']);

// A nano-dollar sum as ClickHouse returns it (Int64 text; NULL over no known cost), exactly.
function sumNano(value: unknown): bigint {
  return value === null || value === undefined ? 0n : BigInt(String(value));
}




function measureValue(m: Measure, v: unknown): number | null {
  // The cost sum is integer nano-dollars; its double is the nearest to the exact decimal, as
  // DuckDB's decimal text read by Number() is.
  return finishMeasure(m, m === 'cost' && v !== null && v !== undefined ? nanoToUsd(sumNano(v)) : numOrNull(v));
}

export class ChAnalytics implements AnalyticsBackend {
  readonly ch: Ch;
  private readonly hours: ChHourTotals | null;
  private readonly windowOf: ContextWindowOf;
  // `hours`: the hourly totals long ranges are read from (none: every query reads the spans).
  // `windowOf`: each model's context window (C4), the catalog's unless the config names one.
  constructor(ch: Ch, hours: ChHourTotals | null = null, windowOf: ContextWindowOf = catalogContextWindow) {
    this.ch = ch;
    this.hours = hours;
    this.windowOf = windowOf;
  }

  private get db(): string {
    return this.ch.database;
  }

  async ping(project: ProjectId): Promise<void> {
    await this.ch.query(`SELECT count() FROM ${this.db}.spans WHERE project_id = {project:String} AND 0`, { project });
  }

  // The rows a query over [range) aggregates and the inner aggregates over them: whole hours from
  // the hourly totals where they can answer (`hourly`: the query only sums, by their
  // dimensions), else the spans.
  private async source(project: ProjectId, range: TimeRange, filters: Filter[], p: Binder, scopeToModelCalls: SpanScope, options: { hourly: boolean; unnestTags?: boolean }) {
    const hours = options.hourly && this.hours ? await this.hours.wholeHours(range.fromMs, range.toMs, project) : null;
    if (hours === null) return { from: fromSql(this.db, whereSql(project, range, filters, p, scopeToModelCalls), options.unnestTags ?? false), aggregates: AGGREGATES as Partial<Record<string, string>> };
    // Only sums of the calls are hourly (never the cache lookups): the scope is the calls or every kind.
    return { from: hourSumsFrom(this.db, project, range, hours, filters, p, scopeToModelCalls === true), aggregates: HOUR_AGGREGATES as Partial<Record<string, string>> };
  }

  // The reports that only sum, by the totals' dimensions, answer past the spans' retention.
  answersFromRollups(report: AnalyticsReport, dimension?: Dimension): boolean {
    if (this.hours === null) return false;
    if (report === 'daily' || report === 'forecast') return true;
    return report === 'top-spenders' && dimension !== undefined && HOUR_DIMENSIONS.has(dimension);
  }

  async query(project: ProjectId, q: AnalyticsQuery): Promise<AnalyticsResult> {
    validateQuery(q);
    const p = new Binder();
    const aboutKinds = q.groupBy.includes('kind') || q.filters.some((f) => f.dimension === 'kind');
    const hourly =
      q.scoreName === undefined &&
      q.bucket !== 'minute' &&
      summable(q.measures) &&
      q.groupBy.every((d) => HOUR_DIMENSIONS.has(d)) &&
      q.filters.every((f) => HOUR_DIMENSIONS.has(f.dimension));
    // Application cache measures read the cache lookups only (validateQuery keeps them alone).
    const scope: SpanScope = asksForAppCache(q.measures) ? APP_CACHE_SCOPE : !aboutKinds;
    const { from, aggregates } = await this.source(project, q, q.filters, p, scope, { hourly, unnestTags: q.groupBy.includes('tag') });

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
    const groupBy = keys.length ? ` GROUP BY ${keys.join(', ')}` : '';
    const windows = asksForContextWindows(q.measures) ? contextWindowSql(pairWindows(await this.modelPairs(project, q, aboutKinds), this.windowOf), (v) => p.bind(v)) : null;
    const inner = `SELECT ${[...select, ...aggregatesFor(q.measures, aggregates).map((a) => (windows === null ? a : withContextWindows(a, windows)))].join(', ')} ${from}${groupBy}`;
    const outer = [...keys, ...q.measures.map((m, i) => `${isScoreAnalyticsMeasure(m) ? `sc.${m}` : MEASURE_SQL[m]} AS m${i}`)];

    let sql: string;
    if (!q.measures.some(isScoreAnalyticsMeasure)) {
      sql = `SELECT ${outer.join(', ')} FROM (${inner}) AS agg`;
    } else {
      // Scores hang on traces: a group's score is the mean of the numeric scores on the traces
      // that have a call in the group, joined to the group on its keys, null-safe. Each side
      // reads its Distributed table on its own; the join runs on the node that was asked.
      const scoreFilter = q.scoreName === undefined ? '' : ` AND name = ${p.bind(q.scoreName)}`;
      const on = keys.length ? keys.map((k) => `agg.${k} <=> sc.s_${k}`).join(' AND ') : '1';
      sql = `SELECT ${outer.join(', ')} FROM (${inner}) AS agg
        LEFT JOIN (
          SELECT ${[...keys.map((k) => `t.${k} AS s_${k}`), 'toNullable(avg(s.numeric_value)) AS score_avg', 'count() AS score_count'].join(', ')}
          FROM (SELECT DISTINCT ${[...select, 'trace_id'].join(', ')} ${from}) AS t
          INNER JOIN (SELECT trace_id, numeric_value FROM ${this.db}.scores FINAL
            WHERE project_id = ${p.bind(project)} AND numeric_value IS NOT NULL${scoreFilter}) AS s ON s.trace_id = t.trace_id
          ${keys.length ? `GROUP BY ${keys.map((k) => `t.${k}`).join(', ')}` : ''}
        ) AS sc ON ${on}`;
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
    if (!fillGaps) sql += ` LIMIT ${Math.trunc(limit) + 1}`;

    const raw = await this.ch.query<Row>(sql, p.values);

    const result = shapeResult(q, raw, limit, measureValue);
    // Before the spans' retention cutoff only the hourly totals remain (hour-totals.ts): a query
    // they answer read them there, another only the spans that remain.
    const note = retentionNote(q, q.retention, hourly && this.hours !== null);
    return note ? { ...result, retention: note } : result;
  }

  // The (provider, requested model, model) of a query's calls, for their context windows: up to
  // MAX_MODEL_PAIRS_READ, of which pairWindows keeps those with a window.
  private async modelPairs(project: ProjectId, q: AnalyticsQuery, aboutKinds: boolean): Promise<ModelPair[]> {
    const p = new Binder();
    const rows = await this.ch.query<Row>(`SELECT DISTINCT provider, request_model, model ${fromSql(this.db, `${whereSql(project, q, q.filters, p, !aboutKinds)} AND model IS NOT NULL`, false)} LIMIT ${MAX_MODEL_PAIRS_READ}`, p.values);
    return rows.map((r) => ({ provider: str(r.provider), requestModel: str(r.request_model), model: str(r.model) }));
  }

  private async dailyTotals(project: ProjectId, range: TimeRange): Promise<DayTotals[]> {
    const p = new Binder();
    const { from, aggregates: a } = await this.source(project, range, [], p, true, { hourly: true });
    const rows = await this.ch.query<Row>(
      `SELECT ${bucketSql('day')} AS day, ${a.a_cost} AS cost, ${a.a_n} AS requests,
         ${a.a_total} AS tokens, ${a.a_unknown} AS unknown
       ${from} GROUP BY day`,
      p.values,
    );
    return dayTotalsFrom(rows, range, sumNano);
  }

  async dailyTrend(project: ProjectId, range: TimeRange): Promise<DailyTrendRow[]> {
    validateRange(range);
    return dailyTrendRows(await this.dailyTotals(project, range));
  }

  private async knownCostNano(project: ProjectId, range: TimeRange): Promise<bigint> {
    const p = new Binder();
    const { from, aggregates: a } = await this.source(project, range, [], p, true, { hourly: true });
    const rows = await this.ch.query<Row>(`SELECT ${a.a_cost} AS cost ${from}`, p.values);
    return sumNano(rows[0]?.cost);
  }

  async topSpenders(project: ProjectId, params: TopSpendersParams): Promise<TopSpenderRow[]> {
    const [result, totalNano] = await Promise.all([this.query(project, topSpendersQuery(params)), this.knownCostNano(project, { fromMs: params.fromMs, toMs: params.toMs })]);
    return topSpenderRows(result, params, totalNano);
  }

  async latencyDistribution(project: ProjectId, range: TimeRange): Promise<LatencyBand[]> {
    validateRange(range);
    const p = new Binder();
    const bands = LATENCY_BANDS_MS.map((lo, i) => ({ fromMs: lo, toMs: LATENCY_BANDS_MS[i + 1] ?? null }));
    const counts = bands.map((b, i) => `countIf(duration_ms >= ${b.fromMs}${b.toMs === null ? '' : ` AND duration_ms < ${b.toMs}`}) AS b${i}`);
    const rows = await this.ch.query<Row>(`SELECT ${counts.join(', ')} ${fromSql(this.db, whereSql(project, range, [], p, true), false)}`, p.values);
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
    const p = new Binder();
    // '' counts as unattributed, like a missing value: neither names someone to bill.
    const dims = params.by.map((d, i) => `nullIf(${columnOf(d)}, '') AS d${i}`);
    const raw = await this.ch.query<Row>(
      `SELECT ${dims.join(', ')}, count() AS n,
         sum(input_tokens + cache_read_tokens + cache_write_tokens) AS in_tokens,
         sum(output_tokens + reasoning_tokens) AS out_tokens, sum(total_tokens) AS all_tokens,
         ${AGGREGATES.a_cost} AS cost, ${AGGREGATES.a_unknown} AS unknown
       ${fromSql(this.db, whereSql(project, range, [], p, true), false)}
       GROUP BY ${params.by.map((_, i) => `d${i}`).join(', ')}`,
      p.values,
    );
    const groups = raw.map((r) => ({
      keys: params.by.map((_, j) => str(r[`d${j}`])),
      requests: num(r.n),
      inputTokens: num(r.in_tokens),
      outputTokens: num(r.out_tokens),
      totalTokens: num(r.all_tokens),
      costNano: sumNano(r.cost),
      unknownCostRequests: num(r.unknown),
    }));
    return chargebackReport(params, range, groups);
  }

  async chargebackCsv(project: ProjectId, params: ChargebackParams): Promise<string> {
    return chargebackToCsv(await this.chargeback(project, params));
  }
}
