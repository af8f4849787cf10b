import { describe, expect, it } from 'vitest';
import { EVALUATION_FEATURE } from '../../domain/quality.ts';
import { HOUR_MS } from '../../domain/time.ts';
import { projectId, type Store } from '../store.ts';
import { call, sharedStore, type ContractOptions, type OpenStore } from './fixtures.ts';

// The judge's own calls (feature EVALUATION_FEATURE) are stored and priced like any call but are
// not the application's spend: the analytics, the hourly totals, the reports, the rollups' and
// budgets' sources and the trace list leave them out, and a read filtering on their feature sees
// them and nothing else.

const E = projectId('evaluation-spend');
const DAY0 = Date.UTC(2026, 10, 3); // a Tuesday
const RANGE = { fromMs: DAY0, toMs: DAY0 + 3 * 24 * HOUR_MS }; // long enough for the hourly totals
const APP_TRACE = 'e1'.repeat(16);
const JUDGE_TRACE_1 = 'f1'.repeat(16);
const JUDGE_TRACE_2 = 'f2'.repeat(16);
const who = { team: 't', department: 'd', user: 'u1' };
// What a judge span looks like (quality/judge): a generation of its own trace, feature and
// application set by Lookout. The user, team and department are set only to show that even then
// they are not counted for anyone.
const judge = { project: E, model: 'judge-model', feature: EVALUATION_FEATURE, application: 'lookout', ...who };

async function seed(store: Store): Promise<void> {
  await store.write({
    spans: [
      // The application: 1.000000001 + 0.000000002 = 1.000000003 USD in 2 calls.
      call({ project: E, traceId: APP_TRACE, atMs: DAY0 + 1 * HOUR_MS, durationMs: 100, costNano: 1_000_000_001, feature: 'chat', application: 'app', ...who }),
      call({ project: E, atMs: DAY0 + 30 * HOUR_MS, durationMs: 100, costNano: 2, application: 'app', ...who }),
      // The judge: 0.5 + 0.25 = 0.75 USD in 2 calls, one in the same hour as an application call.
      call({ ...judge, traceId: JUDGE_TRACE_1, atMs: DAY0 + 1 * HOUR_MS + 1000, durationMs: 500, costNano: 500_000_000 }),
      call({ ...judge, traceId: JUDGE_TRACE_2, atMs: DAY0 + 30 * HOUR_MS + 1000, durationMs: 500, costNano: 250_000_000, status: 'error' }),
    ],
    scores: [],
    logs: [],
  });
}

const ONLY_JUDGE = [{ dimension: 'feature' as const, values: [EVALUATION_FEATURE] }];

export function evaluationSpendContract(name: string, open: OpenStore, options: ContractOptions = {}): void {
  describe(`store contract (judge spend kept apart): ${name}`, () => {
    const store = sharedStore(open, seed, options);

    it('leaves the judge out of the analytics totals, by any dimension', async () => {
      const total = await store().analytics.query(E, { measures: ['cost', 'requests', 'errors'], groupBy: [], filters: [], ...RANGE });
      expect(total.rows).toEqual([{ cost: 1.000000003, requests: 2, errors: 0 }]);
      const byFeature = await store().analytics.query(E, { measures: ['cost', 'requests'], groupBy: ['feature'], filters: [], ...RANGE });
      expect(byFeature.rows).toEqual([
        { feature: 'chat', cost: 1.000000001, requests: 1 },
        { feature: null, cost: 0.000000002, requests: 1 },
      ]);
      const byKind = await store().analytics.query(E, { measures: ['cost', 'requests'], groupBy: ['kind'], filters: [], ...RANGE });
      expect(byKind.rows).toEqual([{ kind: 'generation', cost: 1.000000003, requests: 2 }]);
    });

    it('leaves the judge out of the hourly totals (sums by model over days)', async () => {
      // Summable measures by model and day: read from the hourly totals where the backend has them.
      const r = await store().analytics.query(E, { measures: ['cost', 'requests', 'errors'], groupBy: ['model'], filters: [], bucket: 'day', ...RANGE });
      expect(r.rows).toEqual([
        { bucket: '2026-11-03T00:00:00.000Z', model: 'gpt-4o', cost: 1.000000001, requests: 1, errors: 0 },
        { bucket: '2026-11-04T00:00:00.000Z', model: 'gpt-4o', cost: 0.000000002, requests: 1, errors: 0 },
      ]);
      const series = await store().analytics.query(E, { measures: ['cost', 'requests'], groupBy: [], filters: [], bucket: 'day', ...RANGE });
      expect(series.rows.map((row) => [row.cost, row.requests])).toEqual([
        [1.000000001, 1],
        [0.000000002, 1],
        [0, 0],
      ]);
    });

    it('shows the judge, and only the judge, to a query filtering on its feature', async () => {
      const total = await store().analytics.query(E, { measures: ['cost', 'requests', 'errors'], groupBy: [], filters: ONLY_JUDGE, ...RANGE });
      expect(total.rows).toEqual([{ cost: 0.75, requests: 2, errors: 1 }]);
      const byModel = await store().analytics.query(E, { measures: ['cost'], groupBy: ['model', 'feature'], filters: ONLY_JUDGE, bucket: 'day', ...RANGE });
      expect(byModel.rows).toEqual([
        { bucket: '2026-11-03T00:00:00.000Z', model: 'judge-model', feature: EVALUATION_FEATURE, cost: 0.5 },
        { bucket: '2026-11-04T00:00:00.000Z', model: 'judge-model', feature: EVALUATION_FEATURE, cost: 0.25 },
      ]);
    });

    it('leaves the judge out of the reports', async () => {
      const a = store().analytics;
      const trend = await a.dailyTrend(E, RANGE);
      expect(trend.map((d) => [d.date, d.costUsd, d.requests])).toEqual([
        ['2026-11-03', 1.000000001, 1],
        ['2026-11-04', 0.000000002, 1],
        ['2026-11-05', 0, 0],
      ]);
      const spenders = await a.topSpenders(E, { ...RANGE, dimension: 'user', limit: 10 });
      expect(spenders.map((s) => [s.key, s.costUsd, s.requests, s.sharePct])).toEqual([['u1', 1.000000003, 2, 100]]);
      const efficiency = await a.modelEfficiency(E, RANGE);
      expect(efficiency.map((m) => m.model)).toEqual(['gpt-4o']);
      const bands = await a.latencyDistribution(E, RANGE);
      expect(bands.reduce((n, b) => n + b.requests, 0)).toBe(2);
      const chargeback = await a.chargeback(E, { month: '2026-11', by: ['application'] });
      expect(chargeback.rows.map((r) => [r.application, r.costUsd, r.requests])).toEqual([['app', 1.000000003, 2]]);
      expect(chargeback.totals.costUsdDecimal).toBe('1.000000003');
      const forecast = await a.forecast(E, { nowMs: DAY0 + 3 * 24 * HOUR_MS + 12 * HOUR_MS, lookbackDays: 7 });
      expect(forecast.monthToDateUsd).toBe(1.000000003);
      expect(forecast.series.reduce((n, d) => n + d.costUsd, 0)).toBeCloseTo(1.000000003, 9);
    });

    it('leaves the judge out of the rollups and budgets sources', async () => {
      const mine = <R extends { projectId: string }>(rows: R[]) => rows.filter((r) => r.projectId === E);
      for (const detail of ['model', 'application', 'all'] as const) {
        const rows = mine(await store().aggregateCalls({ fromMs: DAY0, bucketMs: HOUR_MS, detail }));
        expect(rows.reduce((n, r) => n + r.requests, 0), detail).toBe(2);
        expect(rows.reduce((n, r) => n + r.costNanoUsd, 0), detail).toBe(1_000_000_003);
        expect(rows.some((r) => r.feature === EVALUATION_FEATURE || r.model === 'judge-model' || r.application === 'lookout'), detail).toBe(false);
      }
      const spend = await store().spendByAttribution(E, { ...RANGE, bucket: 'day', limit: 100 });
      expect(spend.rows.map((r) => [r.bucketStartMs, r.user, r.costNanoUsd])).toEqual([
        [DAY0, 'u1', 1_000_000_001n],
        [DAY0 + 24 * HOUR_MS, 'u1', 2n],
      ]);
    });

    it('lists the judge traces and spans only when asked for', async () => {
      const page = { limit: 50, offset: 0 };
      const ids = async (filter: Parameters<Store['listTraces']>[1]) => (await store().listTraces(E, filter, page)).traces.map((t) => t.traceId).sort();
      const plain = await store().listTraces(E, RANGE, page);
      expect(plain.total).toBe(2);
      expect(plain.traces.map((t) => t.traceId)).not.toContain(JUDGE_TRACE_1);
      expect(await ids({ ...RANGE, feature: EVALUATION_FEATURE })).toEqual([JUDGE_TRACE_1, JUDGE_TRACE_2]);
      expect(await ids({ ...RANGE, traceId: JUDGE_TRACE_1 })).toEqual([JUDGE_TRACE_1]);
      expect(await ids({ ...RANGE, application: 'lookout' })).toEqual([]);
      const spans = await store().listSpans(E, RANGE, page);
      expect(spans.total).toBe(2);
      expect(spans.spans.every((s) => s.attribution.feature !== EVALUATION_FEATURE)).toBe(true);
      const judgeSpans = await store().listSpans(E, { ...RANGE, feature: EVALUATION_FEATURE }, page);
      expect(judgeSpans.spans.map((s) => s.requestModel)).toEqual(['judge-model', 'judge-model']);
    });
  });
}
