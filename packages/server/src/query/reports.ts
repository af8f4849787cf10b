import { nanoToUsd, roundUsd } from '../domain/money.ts';
import { bucketStarts, utcDate } from './buckets.ts';
import { num, type RawRow } from './shape.ts';
import {
  QUERY_LIMITS,
  type AnalyticsQuery,
  type AnalyticsResult,
  type DailyTrendRow,
  type ModelEfficiencyRow,
  type TimeRange,
  type TopSpenderRow,
  type TopSpendersParams,
} from './contract.ts';

// Reports that are analytics queries (or per-day totals) reshaped: which query each one asks and
// how its answer becomes the report's rows. A backend runs the query; the shape is decided here.

// One UTC day's totals over model calls, as a backend sums them.
export interface DayTotals {
  dayMs: number;
  costNano: bigint;
  requests: number;
  totalTokens: number;
  unknownCostRequests: number;
}

// Every UTC day of the range from the rows a backend summed per day (`day` ms, `cost`,
// `requests`, `tokens`, `unknown`); days without traffic as zeros. `nano` reads the backend's
// cost sum exactly.
export function dayTotalsFrom(rows: RawRow[], range: { fromMs: number; toMs: number }, nano: (v: unknown) => bigint): DayTotals[] {
  const byDay = new Map(rows.map((r) => [num(r.day), r]));
  return bucketStarts('day', range.fromMs, range.toMs).map((dayMs) => {
    const r = byDay.get(dayMs);
    return { dayMs, costNano: nano(r?.cost), requests: num(r?.requests), totalTokens: num(r?.tokens), unknownCostRequests: num(r?.unknown) };
  });
}

export function dailyTrendRows(days: DayTotals[]): DailyTrendRow[] {
  return days.map((d) => ({
    date: utcDate(d.dayMs),
    costUsd: nanoToUsd(d.costNano),
    requests: d.requests,
    totalTokens: d.totalTokens,
    unknownCostRequests: d.unknownCostRequests,
  }));
}

export function topSpendersQuery(params: TopSpendersParams): AnalyticsQuery {
  return {
    measures: ['cost', 'requests', 'total_tokens', 'cost_per_request', 'unknown_cost_requests'],
    groupBy: [params.dimension],
    filters: [],
    fromMs: params.fromMs,
    toMs: params.toMs,
    orderBy: { measure: 'cost', dir: 'desc' },
    limit: params.limit,
  };
}

// `totalNano`: the known cost of the whole range, which the shares are of (the listed groups
// may be only the top few).
export function topSpenderRows(result: AnalyticsResult, params: TopSpendersParams, totalNano: bigint): TopSpenderRow[] {
  const total = nanoToUsd(totalNano);
  return result.rows.map((r) => {
    const cost = r.cost as number;
    return {
      key: r[params.dimension] as string | null,
      requests: r.requests as number,
      costUsd: cost,
      costPerRequestUsd: r.cost_per_request as number | null,
      totalTokens: r.total_tokens as number,
      unknownCostRequests: r.unknown_cost_requests as number,
      sharePct: total > 0 ? Math.round((cost / total) * 10_000) / 100 : 0,
    };
  });
}

export function modelEfficiencyQuery(range: TimeRange): AnalyticsQuery {
  return {
    measures: [
      'usd_per_mtok',
      'requests',
      'cost',
      'input_tokens',
      'output_tokens',
      'total_tokens',
      'tokens_per_request',
      'cost_per_request',
      'tokens_per_dollar',
      'latency_avg',
      'unknown_cost_requests',
    ],
    groupBy: ['model', 'provider'],
    filters: [],
    fromMs: range.fromMs,
    toMs: range.toMs,
    orderBy: { measure: 'usd_per_mtok', dir: 'asc' },
    limit: QUERY_LIMITS.maxLimit,
  };
}

export function modelEfficiencyRows(result: AnalyticsResult): ModelEfficiencyRow[] {
  return result.rows.map((r) => {
    const usdPerMtok = r.usd_per_mtok as number | null;
    return {
      model: r.model as string | null,
      provider: r.provider as string | null,
      requests: r.requests as number,
      costUsd: r.cost as number,
      inputTokens: r.input_tokens as number,
      outputTokens: r.output_tokens as number,
      totalTokens: r.total_tokens as number,
      tokensPerRequest: r.tokens_per_request as number | null,
      costPerRequestUsd: r.cost_per_request as number | null,
      usdPerMtok,
      usdPer1kTokens: usdPerMtok === null ? null : roundUsd(usdPerMtok / 1000),
      tokensPerDollar: r.tokens_per_dollar as number | null,
      latencyAvgMs: r.latency_avg as number | null,
      unknownCostRequests: r.unknown_cost_requests as number,
    };
  });
}
