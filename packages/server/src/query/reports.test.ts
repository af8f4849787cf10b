import { describe, expect, it } from 'vitest';
import type { AnalyticsResult } from './contract.ts';
import { dailyTrendRows, modelEfficiencyQuery, modelEfficiencyRows, topSpenderRows, topSpendersQuery } from './reports.ts';

const RANGE = { fromMs: Date.UTC(2026, 10, 1), toMs: Date.UTC(2026, 10, 8) };
const result = (rows: AnalyticsResult['rows']): AnalyticsResult => ({ ...RANGE, bucket: null, columns: [], rows, truncated: false });

describe('reports', () => {
  it('daily trend: one row per day with its UTC date and dollars', () => {
    expect(dailyTrendRows([{ dayMs: Date.UTC(2026, 10, 2), costNano: 1_500_000_001n, requests: 3, totalTokens: 40, unknownCostRequests: 1 }])).toEqual([
      { date: '2026-11-02', costUsd: 1.500000001, requests: 3, totalTokens: 40, unknownCostRequests: 1 },
    ]);
  });

  it('top spenders: the most expensive groups first, shares of the whole range to 0.01 %', () => {
    const params = { ...RANGE, dimension: 'team' as const, limit: 2 };
    expect(topSpendersQuery(params)).toMatchObject({ groupBy: ['team'], orderBy: { measure: 'cost', dir: 'desc' }, limit: 2, ...RANGE });
    const rows = topSpenderRows(
      result([
        { team: 'core', cost: 2, requests: 4, total_tokens: 100, cost_per_request: 0.5, unknown_cost_requests: 1 },
        { team: null, cost: 1, requests: 1, total_tokens: 10, cost_per_request: 1, unknown_cost_requests: 0 },
      ]),
      params,
      // $6 in the range: the listed groups are only the top two.
      6_000_000_000n,
    );
    expect(rows).toEqual([
      { key: 'core', requests: 4, costUsd: 2, costPerRequestUsd: 0.5, totalTokens: 100, unknownCostRequests: 1, sharePct: 33.33 },
      { key: null, requests: 1, costUsd: 1, costPerRequestUsd: 1, totalTokens: 10, unknownCostRequests: 0, sharePct: 16.67 },
    ]);
    expect(topSpenderRows(result([{ team: 'core', cost: 0, requests: 1 }]), params, 0n)[0].sharePct).toBe(0);
  });

  it('model efficiency: cheapest per token first, with the price per thousand tokens to nine decimals', () => {
    expect(modelEfficiencyQuery(RANGE)).toMatchObject({ groupBy: ['model', 'provider'], orderBy: { measure: 'usd_per_mtok', dir: 'asc' }, ...RANGE });
    const [priced, unpriced] = modelEfficiencyRows(
      result([
        { model: 'm', provider: 'p', usd_per_mtok: 1.234567891, requests: 2, cost: 0.01, input_tokens: 3000, output_tokens: 1000, total_tokens: 4000, tokens_per_request: 2000, cost_per_request: 0.005, tokens_per_dollar: 400000, latency_avg: 120, unknown_cost_requests: 0 },
        { model: 'x', provider: null, usd_per_mtok: null, requests: 1, cost: 0, input_tokens: 1, output_tokens: 1, total_tokens: 2, tokens_per_request: 2, cost_per_request: null, tokens_per_dollar: null, latency_avg: 5, unknown_cost_requests: 1 },
      ]),
    );
    expect(priced).toEqual({
      model: 'm',
      provider: 'p',
      requests: 2,
      costUsd: 0.01,
      inputTokens: 3000,
      outputTokens: 1000,
      totalTokens: 4000,
      tokensPerRequest: 2000,
      costPerRequestUsd: 0.005,
      usdPerMtok: 1.234567891,
      // Money keeps nine decimals.
      usdPer1kTokens: 0.001234568,
      tokensPerDollar: 400000,
      latencyAvgMs: 120,
      unknownCostRequests: 0,
    });
    expect(unpriced).toMatchObject({ model: 'x', provider: null, usdPerMtok: null, usdPer1kTokens: null, unknownCostRequests: 1 });
  });
});
