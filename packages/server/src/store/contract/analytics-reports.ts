import { describe, expect, it } from 'vitest';
import { DAY_MS } from '../../domain/time.ts';
import { LATENCY_BANDS_MS } from '../../query/contract.ts';
import { projectId, type Store } from '../store.ts';
import { ANALYTICS_CALLS, DAY_RANGE, call, sharedStore, type ContractOptions, type OpenStore } from './fixtures.ts';

// The fixed reports of store.analytics (daily trend, top spenders, model efficiency, latency
// bands, forecast, chargeback and its CSV), with expected values worked out by hand.

const P = projectId('default');
const NANO = projectId('nano'); // costs that a float would get wrong
const CSV = projectId('csv'); // labels that need quoting
const FC = projectId('forecast');
const BIG = 4_503_599_627_370_497; // 2^52 + 1 nano-dollars: two of them pass 2^53

async function seed(store: Store): Promise<void> {
  const at = DAY_RANGE.fromMs + 3_600_000;
  const nano = [
    call({ project: NANO, atMs: at, durationMs: 1, costNano: 1, team: 't1', user: 'x' }),
    call({ project: NANO, atMs: at, durationMs: 1, costNano: 999_999_999, team: 't1', user: 'x' }),
    call({ project: NANO, atMs: at, durationMs: 1, costNano: BIG, team: 't2', user: 'y' }),
    call({ project: NANO, atMs: at, durationMs: 1, costNano: BIG, team: 't2', user: 'y' }),
    call({ project: NANO, atMs: at, durationMs: 1, costNano: 1, team: 't2', user: 'y' }),
    call({ project: NANO, atMs: at, durationMs: 1, costNano: null, team: 't2', user: 'y', model: 'mystery-9' }),
  ];
  const csv = [
    call({ project: CSV, atMs: at, team: 'R&D, "labs"', costNano: 1_000_000_000, durationMs: 1 }),
    call({ project: CSV, atMs: at, team: '=HYPERLINK("x")', costNano: 1_000_000_000, durationMs: 1 }),
    call({ project: CSV, atMs: at, team: 'a\nb', costNano: 1_000_000_000, durationMs: 1 }),
  ];
  // Day k of the window (2026-11-06 + k) costs k + 1 dollars; today so far 5; last month 999.
  const first = Date.UTC(2026, 10, 6);
  const forecast = Array.from({ length: 14 }, (_, k) => call({ project: FC, costNano: (k + 1) * 1_000_000_000, durationMs: 1, atMs: first + k * DAY_MS + 3_600_000 }));
  forecast.push(call({ project: FC, costNano: 5_000_000_000, durationMs: 1, atMs: Date.UTC(2026, 10, 20, 5) }));
  forecast.push(call({ project: FC, costNano: 999_000_000_000, durationMs: 1, atMs: Date.UTC(2026, 9, 20) }));
  await store.write({ spans: [...ANALYTICS_CALLS.map(call), ...nano, ...csv, ...forecast], scores: [], logs: [] });
}

export function analyticsReportsContract(name: string, open: OpenStore, options: ContractOptions = {}): void {
  describe(`store contract (analytics reports): ${name}`, () => {
    const store = sharedStore(open, seed, options);

    it('daily trend has every UTC day, empty ones as zeros', async () => {
      const days = await store().analytics.dailyTrend(P, { fromMs: Date.UTC(2026, 10, 8), toMs: Date.UTC(2026, 10, 12) });
      expect(days).toEqual([
        { date: '2026-11-08', costUsd: 0, requests: 0, totalTokens: 0, unknownCostRequests: 0 },
        { date: '2026-11-09', costUsd: 0, requests: 0, totalTokens: 0, unknownCostRequests: 0 },
        { date: '2026-11-10', costUsd: 4.200000001, requests: 8, totalTokens: 9600, unknownCostRequests: 1 },
        { date: '2026-11-11', costUsd: 0, requests: 0, totalTokens: 0, unknownCostRequests: 0 },
      ]);
      const nano = await store().analytics.dailyTrend(NANO, DAY_RANGE);
      expect(nano).toEqual([{ date: '2026-11-10', costUsd: 9007200.254740995, requests: 6, totalTokens: 7200, unknownCostRequests: 1 }]);
    });

    it('top spenders by user with their share of the total', async () => {
      const rows = await store().analytics.topSpenders(P, { dimension: 'user', limit: 2, ...DAY_RANGE });
      expect(rows).toEqual([
        { key: 'u1', requests: 2, costUsd: 3.500000001, costPerRequestUsd: 1.750000001, totalTokens: 2400, unknownCostRequests: 0, sharePct: 83.33 },
        { key: 'u2', requests: 2, costUsd: 0.35, costPerRequestUsd: 0.175, totalTokens: 2400, unknownCostRequests: 0, sharePct: 8.33 },
      ]);
      const byTag = await store().analytics.topSpenders(P, { dimension: 'tag', limit: 10, ...DAY_RANGE });
      // A call with two tags counts for both, so the shares sum past 100.
      expect(byTag.map((r) => [r.key, r.costUsd, r.sharePct])).toEqual([
        ['a', 3.500000001, 83.33],
        ['b', 1.100000001, 26.19],
        [null, 0.6, 14.29],
      ]);
    });

    it('model efficiency: $ per 1M tokens, tokens per dollar, cost per request, latency', async () => {
      const rows = await store().analytics.modelEfficiency(P, DAY_RANGE);
      expect(rows.map((r) => r.model)).toEqual(['gpt-4o-mini', 'gpt-4o', 'mystery-1']); // unknown $/Mtok sorts last
      const mini = rows[0];
      expect(mini).toMatchObject({ provider: 'openai', requests: 1, costUsd: 0.1, inputTokens: 1000, outputTokens: 200, totalTokens: 1200, tokensPerRequest: 1200, costPerRequestUsd: 0.1, latencyAvgMs: 400, unknownCostRequests: 0 });
      expect(mini.usdPerMtok).toBeCloseTo(83.333333333, 9);
      expect(mini.usdPer1kTokens).toBeCloseTo(0.083333333, 9);
      expect(mini.tokensPerDollar).toBeCloseTo(12000, 6);
      // gpt-4o: 6 calls, 4.100000001 USD over 7,200 tokens, durations 100, 200, 300, 1000, 2000, 50.
      expect(rows[1]).toMatchObject({ requests: 6, costUsd: 4.100000001, totalTokens: 7200 });
      expect(rows[1].costPerRequestUsd).toBeCloseTo(4.100000001 / 6, 8);
      expect(rows[1].latencyAvgMs).toBeCloseTo(3650 / 6, 9);
      expect(rows[1].usdPerMtok).toBeCloseTo(4_100_000.001 / 7200, 6);
      expect(rows[2]).toMatchObject({ provider: 'acme', costUsd: 0, usdPerMtok: null, tokensPerDollar: null, costPerRequestUsd: null, unknownCostRequests: 1, latencyAvgMs: 3000 });
    });

    it('latency distribution counts model calls per duration band', async () => {
      const bands = await store().analytics.latencyDistribution(P, DAY_RANGE);
      // 50 | 100, 200 | 300, 400 | – | 1000, 2000 | 3000; the 9,999 ms chain span is not a call.
      const counts = [1, 2, 2, 0, 2, 1, 0, 0, 0, 0, 0];
      expect(bands).toEqual(LATENCY_BANDS_MS.map((fromMs, i) => ({ fromMs, toMs: LATENCY_BANDS_MS[i + 1] ?? null, requests: counts[i] })));
      expect((await store().analytics.latencyDistribution(projectId('nobody'), DAY_RANGE)).every((b) => b.requests === 0)).toBe(true);
    });

    it('chargeback: shares sum to 100, unattributed labelled, JSON and CSV agree', async () => {
      const report = await store().analytics.chargeback(P, { month: '2026-11', by: ['department', 'team'] });
      expect(report).toMatchObject({ month: '2026-11', by: ['department', 'team'], fromMs: Date.UTC(2026, 10, 1), toMs: Date.UTC(2026, 11, 1), currency: 'USD' });
      expect(report.rows.map((r) => [r.department, r.team, r.costUsdDecimal, r.sharePct, r.requests])).toEqual([
        ['eng', 'core', '3.850000001', 91.67, 4],
        ['eng', 'search', '0.300000000', 7.14, 3],
        ['(unattributed)', '(unattributed)', '0.050000000', 1.19, 1],
      ]);
      expect(report.totals).toEqual({ requests: 8, inputTokens: 8000, outputTokens: 1600, totalTokens: 9600, costUsd: 4.200000001, costUsdDecimal: '4.200000001', unknownCostRequests: 1, markupUsd: 0, markupUsdDecimal: '0.000000000', otherCostUsd: 0, otherCostUsdDecimal: '0.000000000', billedUsd: 4.200000001, billedUsdDecimal: '4.200000001' });
      expect(report.rows[1]).toMatchObject({ inputTokens: 3000, outputTokens: 600, totalTokens: 3600, unknownCostRequests: 1 });

      const csv = await store().analytics.chargebackCsv(P, { month: '2026-11', by: ['department', 'team'] });
      expect(csv.split('\r\n')).toEqual([
        'month,department,team,requests,input_tokens,output_tokens,total_tokens,cost_usd,share_pct,unknown_cost_requests',
        '2026-11,eng,core,4,4000,800,4800,3.850000001,91.67,0',
        '2026-11,eng,search,3,3000,600,3600,0.300000000,7.14,1',
        '2026-11,(unattributed),(unattributed),1,1000,200,1200,0.050000000,1.19,0',
        '',
      ]);
      const empty = await store().analytics.chargeback(P, { month: '2026-10', by: ['team'] });
      expect(empty.rows).toEqual([]);
      expect(empty.totals.costUsd).toBe(0);
    });

    it('chargeback sums nano-dollars exactly past 2^53', async () => {
      const report = await store().analytics.chargeback(NANO, { month: '2026-11', by: ['team'] });
      expect(report.rows.map((r) => [r.team, r.costUsdDecimal, r.requests, r.unknownCostRequests, r.sharePct])).toEqual([
        ['t2', '9007199.254740995', 4, 1, 100],
        ['t1', '1.000000000', 2, 0, 0],
      ]);
      expect(report.totals.costUsdDecimal).toBe('9007200.254740995');
      const byApp = await store().analytics.chargeback(NANO, { month: '2026-11', by: ['application'] });
      expect(byApp.rows.map((r) => [r.application, r.costUsdDecimal])).toEqual([['(unattributed)', '9007200.254740995']]);
    });

    it('chargeback CSV quotes per RFC 4180 and defuses formulas', async () => {
      const csv = await store().analytics.chargebackCsv(CSV, { month: '2026-11', by: ['team'] });
      expect(csv).toContain('\r\n2026-11,"R&D, ""labs""",1,');
      expect(csv).toContain(`\r\n2026-11,"'=HYPERLINK(""x"")",1,`);
      expect(csv).toContain('\r\n2026-11,"a\nb",1,');
      const report = await store().analytics.chargeback(CSV, { month: '2026-11', by: ['team'] });
      expect(report.rows.map((r) => r.sharePct).sort()).toEqual([33.33, 33.33, 33.34]);
    });

    it('forecast on a constructed series: cost of day k is k+1 dollars', async () => {
      // Now: 2026-11-20T06:00Z. Window: the 14 complete days 2026-11-06 .. 2026-11-19.
      const f = await store().analytics.forecast(FC, { nowMs: Date.UTC(2026, 10, 20, 6), lookbackDays: 14 });
      expect(f.asOf).toBe('2026-11-20T06:00:00.000Z');
      expect(f.series).toHaveLength(14);
      expect(f.series[0]).toEqual({ date: '2026-11-06', costUsd: 1, movingAverage7dUsd: 1, trendUsd: 1 });
      expect(f.series[13].costUsd).toBe(14);
      expect(f.daysWithData).toBe(14);
      expect(f.movingAverage7dUsd).toBe(11); // (8 + … + 14) / 7
      expect(f.trend.slopeUsdPerDay).toBeCloseTo(1, 9);
      expect(f.trend.interceptUsd).toBeCloseTo(1, 9);
      expect(f.trend.r2).toBeCloseTo(1, 9);
      expect(f.trend.todayUsd).toBeCloseTo(15, 9);
      expect(f.monthToDateUsd).toBe(110); // Nov 6..19 = 1+…+14 = 105, plus 5 today
      expect(f.remainingDaysInMonth).toBe(10.75); // rest of today 0.75 day, then Nov 21..30
      expect(f.projectedMonthEndUsd.movingAverage).toBeCloseTo(110 + 11 * 10.75, 6);
      expect(f.projectedMonthEndUsd.trend).toBeCloseTo(110 + 11.25 + 205, 6); // 0.75 × 15 + (16 + … + 25)
      expect(f.projectedNext7DaysUsd.movingAverage).toBeCloseTo(77, 9);
      expect(f.projectedNext7DaysUsd.trend).toBeCloseTo(15 + 16 + 17 + 18 + 19 + 20 + 21, 6);
      expect(f.projectedAnnualUsd.movingAverage).toBeCloseTo(11 * 365, 6);
      expect(f.projectedAnnualUsd.trend).toBeCloseTo(((15 + 379) * 365) / 2, 4); // Σ_{j=15}^{379} j
      expect(f.confidence).toBe('medium');
    });
  });
}
