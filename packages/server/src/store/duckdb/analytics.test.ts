import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyAttribution, emptyUsage, type SpanRecord } from '../../domain/span.ts';
import { makeScore, makeSpan } from '../../testing/fixtures.ts';
import type { AnalyticsQuery } from '../../query/contract.ts';
import { parseAnalyticsQueryParams, parseChargebackParams } from '../../query/params.ts';
import { AnalyticsInputError } from '../../query/validate.ts';
import { projectId } from '../store.ts';
import { DuckDbStore } from './store.ts';
import { DAY_MS } from '../../domain/time.ts';
const P = projectId('default');
const OTHER = projectId('other');
// 2026-11-10T12:00:00Z, a Tuesday.
const T0 = Date.UTC(2026, 10, 10, 12);
const RANGE = { fromMs: Date.UTC(2026, 10, 10), toMs: Date.UTC(2026, 10, 11) };

interface Call {
  team?: string | null;
  department?: string | null;
  application?: string | null;
  user?: string;
  model?: string;
  provider?: string;
  costNano: number | null;
  durationMs: number;
  ttftMs?: number | null;
  atMs?: number;
  tags?: string[];
  metadata?: Record<string, string>;
  status?: 'ok' | 'error';
  kind?: SpanRecord['kind'];
  project?: string;
  traceId?: string;
  input?: number;
  output?: number;
}

function call(c: Call): SpanRecord {
  const startUs = (c.atMs ?? T0) * 1000;
  return makeSpan({
    projectId: c.project ?? 'default',
    ...(c.traceId ? { traceId: c.traceId } : {}),
    kind: c.kind ?? 'generation',
    startUs,
    endUs: startUs + c.durationMs * 1000,
    provider: c.provider ?? 'openai',
    requestModel: c.model ?? 'gpt-4o',
    usage: { ...emptyUsage(), input: c.input ?? 1000, output: c.output ?? 200 },
    cost:
      c.costNano === null
        ? { status: 'unknown_model', totalNanoUsd: null, byBucketNanoUsd: {}, priceRowId: null, catalogVersion: null }
        : { status: 'priced', totalNanoUsd: c.costNano, byBucketNanoUsd: {}, priceRowId: 'test', catalogVersion: 'test' },
    status: c.status ?? 'ok',
    errorClass: c.status === 'error' ? 'rate_limit' : null,
    ttftMs: c.ttftMs ?? null,
    attribution: {
      ...emptyAttribution(),
      team: c.team ?? null,
      department: c.department ?? null,
      application: c.application ?? null,
      userId: c.user ?? null,
    },
    tags: c.tags ?? [],
    metadata: c.metadata ?? {},
  });
}

const SCORED_TRACE = 'a'.repeat(32);

// Hand-made data for 2026-11-10. Costs in nano-dollars.
const CALLS: Call[] = [
  // core: 1.000000001 + 2.5 + 0.25 + 0.1 = 3.850000001; durations 100..400
  { team: 'core', department: 'eng', application: 'chat', user: 'u1', costNano: 1_000_000_001, durationMs: 100, ttftMs: 10, tags: ['a', 'b'], metadata: { env: 'prod' }, traceId: SCORED_TRACE },
  { team: 'core', department: 'eng', application: 'chat', user: 'u1', costNano: 2_500_000_000, durationMs: 200, ttftMs: 20, tags: ['a'], metadata: { env: 'prod' } },
  { team: 'core', department: 'eng', application: 'search', user: 'u2', costNano: 250_000_000, durationMs: 300, ttftMs: 30, status: 'error', metadata: { env: 'dev' } },
  { team: 'core', department: 'eng', application: 'search', user: 'u2', costNano: 100_000_000, durationMs: 400, model: 'gpt-4o-mini' },
  // search: 0.1 + 0.2 (= 0.3 exactly, not 0.30000000000000004) plus one call of a model without a price
  { team: 'search', department: 'eng', application: 'search', user: 'u3', costNano: 100_000_000, durationMs: 1000, tags: ['b'] },
  { team: 'search', department: 'eng', application: 'search', user: 'u3', costNano: 200_000_000, durationMs: 2000 },
  { team: 'search', department: 'eng', application: 'search', user: 'u3', costNano: null, durationMs: 3000, model: 'mystery-1', provider: 'acme' },
  // no team, no department
  { costNano: 50_000_000, durationMs: 50, application: 'batch' },
  // not a model call: excluded by default (its usage repeats the calls under it)
  { team: 'core', kind: 'chain', costNano: 1_000_000_000_000, durationMs: 9999 },
  // another project: never visible from `default`
  { project: 'other', team: 'core', costNano: 100_000_000_000, durationMs: 5 },
];

let store: DuckDbStore;

beforeAll(async () => {
  store = await DuckDbStore.open(null);
  await store.write({
    spans: CALLS.map(call),
    scores: [makeScore({ traceId: SCORED_TRACE, numericValue: 0.5, name: 'helpfulness' }), makeScore({ traceId: SCORED_TRACE, numericValue: 1, name: 'correctness' })],
    logs: [],
  });
});

afterAll(async () => {
  await store?.close();
});

function q(over: Partial<AnalyticsQuery>): AnalyticsQuery {
  return { measures: ['cost'], groupBy: [], filters: [], ...RANGE, ...over };
}

describe('query: sums and attribution', () => {
  it('sums cost by team exactly, excluding unknown costs but counting them', async () => {
    const r = await store.analytics.query(P, q({ measures: ['cost', 'requests', 'unknown_cost_requests', 'total_tokens'], groupBy: ['team'] }));
    expect(r.rows).toEqual([
      { team: 'core', cost: 3.850000001, requests: 4, unknown_cost_requests: 0, total_tokens: 4800 },
      { team: 'search', cost: 0.3, requests: 3, unknown_cost_requests: 1, total_tokens: 3600 },
      { team: null, cost: 0.05, requests: 1, unknown_cost_requests: 0, total_tokens: 1200 },
    ]);
    expect(r.columns.map((c) => [c.name, c.kind])).toEqual([
      ['team', 'dimension'],
      ['cost', 'measure'],
      ['requests', 'measure'],
      ['unknown_cost_requests', 'measure'],
      ['total_tokens', 'measure'],
    ]);
    expect(r.truncated).toBe(false);
  });

  it('totals without grouping, and the model-call scope can be widened with a kind filter', async () => {
    const r = await store.analytics.query(P, q({ measures: ['cost', 'requests'] }));
    expect(r.rows).toEqual([{ cost: 4.200000001, requests: 8 }]);
    const all = await store.analytics.query(P, q({ measures: ['requests'], groupBy: ['kind'] }));
    expect(all.rows).toEqual([
      { kind: 'generation', requests: 8 },
      { kind: 'chain', requests: 1 },
    ]);
  });

  it('keeps projects apart', async () => {
    const r = await store.analytics.query(OTHER, q({ measures: ['cost', 'requests'], groupBy: ['team'] }));
    expect(r.rows).toEqual([{ team: 'core', cost: 100, requests: 1 }]);
    const none = await store.analytics.query(projectId('nobody'), q({ measures: ['cost', 'requests'] }));
    expect(none.rows).toEqual([{ cost: 0, requests: 0 }]);
  });

  it('computes exact percentiles (continuous, linear interpolation)', async () => {
    const r = await store.analytics.query(
      P,
      q({ measures: ['latency_avg', 'latency_p50', 'latency_p95', 'latency_p99', 'ttft_p50', 'ttft_p95'], groupBy: ['team'], filters: [{ dimension: 'team', values: ['core'] }] }),
    );
    // durations 100, 200, 300, 400: rank (n-1)q = 1.5 / 2.85 / 2.97
    // The values are the exact order statistics, interpolated in doubles (p99 is 396.99999999999994).
    const row = r.rows[0];
    expect(row).toMatchObject({ team: 'core', latency_avg: 250, latency_p50: 250, ttft_p50: 20 });
    expect(row.latency_p95).toBeCloseTo(385, 9);
    expect(row.latency_p99).toBeCloseTo(397, 9);
    expect(row.ttft_p95).toBeCloseTo(29, 9);
  });

  it('derives ratios: error rate, cost per request, $/Mtok, tokens per dollar', async () => {
    const r = await store.analytics.query(
      P,
      q({
        measures: ['errors', 'error_rate', 'cost_per_request', 'usd_per_mtok', 'tokens_per_dollar', 'tokens_per_request', 'input_output_ratio'],
        groupBy: ['team'],
        filters: [{ dimension: 'team', values: ['search'] }],
      }),
    );
    // search: 0.3 USD over 2 priced calls of 1,200 tokens; the unpriced call does not dilute.
    expect(r.rows[0]).toMatchObject({ team: 'search', errors: 0, error_rate: 0, cost_per_request: 0.15, usd_per_mtok: 125, tokens_per_request: 1200, input_output_ratio: 5 });
    expect(r.rows[0].tokens_per_dollar).toBeCloseTo(8000, 6);
    const core = await store.analytics.query(P, q({ measures: ['errors', 'error_rate'], filters: [{ dimension: 'team', values: ['core'] }] }));
    expect(core.rows).toEqual([{ errors: 1, error_rate: 0.25 }]);
  });

  it('groups by tag (one row per tag) and by metadata key', async () => {
    const tags = await store.analytics.query(P, q({ measures: ['requests', 'cost'], groupBy: ['tag'] }));
    expect(tags.rows).toEqual([
      { tag: null, requests: 5, cost: 0.6 },
      { tag: 'a', requests: 2, cost: 3.500000001 },
      { tag: 'b', requests: 2, cost: 1.100000001 },
    ]);
    const env = await store.analytics.query(P, q({ measures: ['requests'], groupBy: ['metadata.env'], orderBy: { measure: 'requests', dir: 'asc' } }));
    expect(env.rows).toEqual([
      { 'metadata.env': 'dev', requests: 1 },
      { 'metadata.env': 'prod', requests: 2 },
      { 'metadata.env': null, requests: 5 },
    ]);
  });

  it('filters: equality, in-list, tag contains, metadata equals, combined', async () => {
    const run = async (filters: AnalyticsQuery['filters']) => (await store.analytics.query(P, q({ measures: ['requests', 'cost'], filters }))).rows[0];
    expect(await run([{ dimension: 'model', values: ['gpt-4o-mini'] }])).toEqual({ requests: 1, cost: 0.1 });
    expect(await run([{ dimension: 'model', values: ['gpt-4o-mini', 'mystery-1'] }])).toEqual({ requests: 2, cost: 0.1 });
    expect(await run([{ dimension: 'tag', values: ['b'] }])).toEqual({ requests: 2, cost: 1.100000001 });
    expect(await run([{ dimension: 'metadata.env', values: ['prod'] }])).toEqual({ requests: 2, cost: 3.500000001 });
    expect(await run([{ dimension: 'team', values: ['core'] }, { dimension: 'user', values: ['u2'] }])).toEqual({ requests: 2, cost: 0.35 });
    expect(await run([{ dimension: 'status', values: ['error'] }])).toEqual({ requests: 1, cost: 0.25 });
    // A hostile value is only ever a bound parameter: it matches nothing and breaks nothing.
    expect(await run([{ dimension: 'team', values: ["core' OR '1'='1"] }])).toEqual({ requests: 0, cost: 0 });
    expect(await run([{ dimension: "metadata.env'--", values: ['x'] }]).catch((e) => e)).toBeInstanceOf(AnalyticsInputError);
  });

  it('orders, limits and reports truncation', async () => {
    const r = await store.analytics.query(P, q({ measures: ['cost'], groupBy: ['user'], orderBy: { measure: 'cost', dir: 'desc' }, limit: 2 }));
    expect(r.rows.map((x) => x.user)).toEqual(['u1', 'u2']);
    expect(r.truncated).toBe(true);
  });

  it('buckets in time and fills empty buckets of an ungrouped series', async () => {
    const r = await store.analytics.query(P, q({ measures: ['cost', 'requests', 'latency_p50'], bucket: 'hour', fromMs: T0 - 2 * 3_600_000, toMs: T0 + 3_600_000 }));
    expect(r.rows).toEqual([
      { bucket: '2026-11-10T10:00:00.000Z', cost: 0, requests: 0, latency_p50: null },
      { bucket: '2026-11-10T11:00:00.000Z', cost: 0, requests: 0, latency_p50: null },
      { bucket: '2026-11-10T12:00:00.000Z', cost: 4.200000001, requests: 8, latency_p50: 350 },
    ]);
    const grouped = await store.analytics.query(P, q({ measures: ['requests'], groupBy: ['team'], bucket: 'day' }));
    expect(grouped.rows[0]).toEqual({ bucket: '2026-11-10T00:00:00.000Z', team: 'core', requests: 4 });
  });

  it('averages scores over the traces of each group', async () => {
    const r = await store.analytics.query(P, q({ measures: ['score_avg', 'requests'], groupBy: ['team'] }));
    expect(r.rows.find((x) => x.team === 'core')).toEqual({ team: 'core', score_avg: 0.75, requests: 4 });
    expect(r.rows.find((x) => x.team === 'search')).toEqual({ team: 'search', score_avg: null, requests: 3 });
    const byTagAndDay = await store.analytics.query(P, q({ measures: ['requests', 'score_avg'], groupBy: ['tag'], bucket: 'day' }));
    expect(byTagAndDay.rows).toEqual([
      { bucket: '2026-11-10T00:00:00.000Z', tag: null, requests: 5, score_avg: null },
      { bucket: '2026-11-10T00:00:00.000Z', tag: 'a', requests: 2, score_avg: 0.75 },
      { bucket: '2026-11-10T00:00:00.000Z', tag: 'b', requests: 2, score_avg: 0.75 },
    ]);
    const one = await store.analytics.query(P, q({ measures: ['score_avg'], scoreName: 'correctness' }));
    expect(one.rows).toEqual([{ score_avg: 1 }]);
  });

  it('rejects unknown measures, dimensions and bad ranges with the parameter named', async () => {
    const bad = async (over: Partial<AnalyticsQuery>) => {
      const err = await store.analytics.query(P, q(over)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AnalyticsInputError);
      return (err as AnalyticsInputError).parameter;
    };
    expect(await bad({ measures: ['cost; DROP TABLE spans' as never] })).toBe('measures');
    expect(await bad({ groupBy: ['team; --' as never] })).toBe('groupBy');
    expect(await bad({ groupBy: ['metadata.a b' as never] })).toBe('groupBy');
    expect(await bad({ fromMs: RANGE.toMs, toMs: RANGE.fromMs })).toBe('from');
    expect(await bad({ bucket: 'minute', fromMs: RANGE.toMs - 400 * DAY_MS })).toBe('bucket');
    expect(await bad({ orderBy: { measure: 'requests', dir: 'desc' } })).toBe('orderBy');
  });
});

describe('reports', () => {
  it('daily trend has every UTC day, empty ones as zeros', async () => {
    const days = await store.analytics.dailyTrend(P, { fromMs: Date.UTC(2026, 10, 8), toMs: Date.UTC(2026, 10, 12) });
    expect(days).toEqual([
      { date: '2026-11-08', costUsd: 0, requests: 0, totalTokens: 0, unknownCostRequests: 0 },
      { date: '2026-11-09', costUsd: 0, requests: 0, totalTokens: 0, unknownCostRequests: 0 },
      { date: '2026-11-10', costUsd: 4.200000001, requests: 8, totalTokens: 9600, unknownCostRequests: 1 },
      { date: '2026-11-11', costUsd: 0, requests: 0, totalTokens: 0, unknownCostRequests: 0 },
    ]);
  });

  it('top spenders by user with their share of the total', async () => {
    const rows = await store.analytics.topSpenders(P, { dimension: 'user', limit: 2, ...RANGE });
    expect(rows).toEqual([
      { key: 'u1', requests: 2, costUsd: 3.500000001, costPerRequestUsd: 1.750000001, totalTokens: 2400, unknownCostRequests: 0, sharePct: 83.33 },
      { key: 'u2', requests: 2, costUsd: 0.35, costPerRequestUsd: 0.175, totalTokens: 2400, unknownCostRequests: 0, sharePct: 8.33 },
    ]);
  });

  it('model efficiency: $ per 1M tokens, tokens per dollar, cost per request, latency', async () => {
    const rows = await store.analytics.modelEfficiency(P, RANGE);
    const mini = rows.find((r) => r.model === 'gpt-4o-mini')!;
    expect(mini).toMatchObject({ provider: 'openai', requests: 1, costUsd: 0.1, totalTokens: 1200, costPerRequestUsd: 0.1, latencyAvgMs: 400 });
    expect(mini.usdPerMtok).toBeCloseTo(83.333333333, 9);
    expect(mini.usdPer1kTokens).toBeCloseTo(0.083333333, 9);
    expect(mini.tokensPerDollar).toBeCloseTo(12000, 6);
    const mystery = rows.find((r) => r.model === 'mystery-1')!;
    expect(mystery).toMatchObject({ costUsd: 0, usdPerMtok: null, tokensPerDollar: null, costPerRequestUsd: null, unknownCostRequests: 1 });
    expect(rows[rows.length - 1].model).toBe('mystery-1'); // unknown $/Mtok sorts last
  });

  it('chargeback: shares sum to 100, unattributed labelled, JSON and CSV agree', async () => {
    const report = await store.analytics.chargeback(P, { month: '2026-11', by: ['department', 'team'] });
    expect(report.rows.map((r) => [r.department, r.team, r.costUsdDecimal, r.sharePct, r.requests])).toEqual([
      ['eng', 'core', '3.850000001', 91.67, 4],
      ['eng', 'search', '0.300000000', 7.14, 3],
      ['(unattributed)', '(unattributed)', '0.050000000', 1.19, 1],
    ]);
    expect(report.rows.reduce((s, r) => s + Math.round(r.sharePct * 100), 0)).toBe(10_000);
    expect(report.totals).toMatchObject({ requests: 8, costUsd: 4.200000001, costUsdDecimal: '4.200000001', unknownCostRequests: 1 });
    expect(report.rows[1]).toMatchObject({ inputTokens: 3000, outputTokens: 600, totalTokens: 3600, unknownCostRequests: 1 });

    const csv = await store.analytics.chargebackCsv(P, { month: '2026-11', by: ['department', 'team'] });
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe('month,department,team,requests,input_tokens,output_tokens,total_tokens,cost_usd,share_pct,unknown_cost_requests');
    expect(lines[1]).toBe('2026-11,eng,core,4,4000,800,4800,3.850000001,91.67,0');
    expect(lines[3]).toBe('2026-11,(unattributed),(unattributed),1,1000,200,1200,0.050000000,1.19,0');
    expect(lines[4]).toBe('');
    expect(lines.length).toBe(5);
    const empty = await store.analytics.chargeback(P, { month: '2026-10', by: ['team'] });
    expect(empty.rows).toEqual([]);
    expect(empty.totals.costUsd).toBe(0);
  });

  it('chargeback CSV quotes per RFC 4180 and defuses formulas', async () => {
    const s = await DuckDbStore.open(null);
    try {
      await s.write({
        spans: [
          call({ team: 'R&D, "labs"', costNano: 1_000_000_000, durationMs: 1 }),
          call({ team: '=HYPERLINK("x")', costNano: 1_000_000_000, durationMs: 1 }),
          call({ team: 'a\nb', costNano: 1_000_000_000, durationMs: 1 }),
        ],
        scores: [],
        logs: [],
      });
      const csv = await s.analytics.chargebackCsv(P, { month: '2026-11', by: ['team'] });
      expect(csv).toContain('\r\n2026-11,"R&D, ""labs""",1,');
      expect(csv).toContain(`\r\n2026-11,"'=HYPERLINK(""x"")",1,`);
      expect(csv).toContain('\r\n2026-11,"a\nb",1,');
      const report = await s.analytics.chargeback(P, { month: '2026-11', by: ['team'] });
      expect(report.rows.map((r) => r.sharePct).sort()).toEqual([33.33, 33.33, 33.34]);
    } finally {
      await s.close();
    }
  });

  it('forecast on a constructed series: cost of day k is k+1 dollars', async () => {
    const s = await DuckDbStore.open(null);
    try {
      // Now: 2026-11-20T06:00Z. Window: the 14 complete days 2026-11-06 .. 2026-11-19.
      const nowMs = Date.UTC(2026, 10, 20, 6);
      const first = Date.UTC(2026, 10, 6);
      const spans = [];
      for (let k = 0; k < 14; k++) spans.push(call({ costNano: (k + 1) * 1_000_000_000, durationMs: 1, atMs: first + k * DAY_MS + 3_600_000 }));
      // today, so far: 5 dollars; and last month, outside both the window and month to date.
      spans.push(call({ costNano: 5_000_000_000, durationMs: 1, atMs: nowMs - 3_600_000 }));
      spans.push(call({ costNano: 999_000_000_000, durationMs: 1, atMs: Date.UTC(2026, 9, 20) }));
      await s.write({ spans, scores: [], logs: [] });

      const f = await s.analytics.forecast(P, { nowMs, lookbackDays: 14 });
      expect(f.series).toHaveLength(14);
      expect(f.series[0]).toEqual({ date: '2026-11-06', costUsd: 1, movingAverage7dUsd: 1, trendUsd: 1 });
      expect(f.daysWithData).toBe(14);
      expect(f.movingAverage7dUsd).toBe(11); // (8 + … + 14) / 7
      expect(f.trend.slopeUsdPerDay).toBeCloseTo(1, 9);
      expect(f.trend.interceptUsd).toBeCloseTo(1, 9);
      expect(f.trend.r2).toBeCloseTo(1, 9);
      expect(f.trend.todayUsd).toBeCloseTo(15, 9);
      // month to date: Nov 6..19 = 1+…+14 = 105, plus 5 today
      expect(f.monthToDateUsd).toBe(110);
      // rest of today 0.75 day, then Nov 21..30 = 10 whole days
      expect(f.remainingDaysInMonth).toBe(10.75);
      expect(f.projectedMonthEndUsd.movingAverage).toBeCloseTo(110 + 11 * 10.75, 6);
      // trend: 0.75 × 15 + (16 + … + 25) = 11.25 + 205
      expect(f.projectedMonthEndUsd.trend).toBeCloseTo(110 + 11.25 + 205, 6);
      expect(f.projectedNext7DaysUsd.movingAverage).toBeCloseTo(77, 9);
      expect(f.projectedNext7DaysUsd.trend).toBeCloseTo(15 + 16 + 17 + 18 + 19 + 20 + 21, 6);
      expect(f.projectedAnnualUsd.movingAverage).toBeCloseTo(11 * 365, 6);
      // Σ_{k=14}^{378} (k+1) = Σ_{j=15}^{379} j
      expect(f.projectedAnnualUsd.trend).toBeCloseTo(((15 + 379) * 365) / 2, 4);
      expect(f.confidence).toBe('medium');
    } finally {
      await s.close();
    }
  });
});

describe('pure helpers', () => {
  it('parses HTTP parameters into a query and names the bad parameter', () => {
    const now = T0;
    const parsed = parseAnalyticsQueryParams(
      { measures: 'cost,requests', groupBy: 'team', from: '2026-11-01', to: 'now', bucket: 'day', filter: ['team:core', 'model:ft:gpt-4o:acme,gpt-4o'], orderBy: 'requests:asc', limit: '5' },
      now,
    );
    expect(parsed).toEqual({
      measures: ['cost', 'requests'],
      groupBy: ['team'],
      filters: [
        { dimension: 'team', values: ['core'] },
        { dimension: 'model', values: ['ft:gpt-4o:acme', 'gpt-4o'] },
      ],
      fromMs: Date.UTC(2026, 10, 1),
      toMs: now,
      bucket: 'day',
      orderBy: { measure: 'requests', dir: 'asc' },
      limit: 5,
    });
    expect(parseAnalyticsQueryParams({ measures: 'cost' }, now)).toMatchObject({ fromMs: now - 7 * DAY_MS, toMs: now });
    expect(parseAnalyticsQueryParams({ measures: 'cost', from: '24h' }, now)).toMatchObject({ fromMs: now - DAY_MS, toMs: now });
    expect(parseAnalyticsQueryParams({ measures: 'cost', from: '2026-11-01T10:00:00Z' }, now)).toMatchObject({ fromMs: Date.UTC(2026, 10, 1, 10) });
    const param = (raw: unknown) => {
      try {
        parseAnalyticsQueryParams(raw, now);
      } catch (e) {
        return (e as AnalyticsInputError).message;
      }
      return 'ok';
    };
    expect(param({ measures: 'cost', from: '2026-02-30' })).toMatch(/^from: /);
    expect(param({ measures: 'cost', from: 'yesterday' })).toMatch(/^from: /);
    // A date-time without an offset was read as UTC here and as local time elsewhere: it is refused.
    expect(param({ measures: 'cost', from: '2026-11-01T10:00:00' })).toMatch(/^from: '2026-11-01T10:00:00' has no offset: add Z/);
    // Epoch seconds were refused here and read as milliseconds on /spans.
    expect(parseAnalyticsQueryParams({ measures: 'cost', from: '1793491200' }, now)).toMatchObject({ fromMs: Date.UTC(2026, 10, 1) });
    expect(param({ measures: 'nope' })).toMatch(/^measures: 'nope' is not a measure/);
    expect(param({})).toMatch(/^measures: /);
    expect(param({ measures: 'cost', groupBy: 'teams' })).toMatch(/^groupBy: /);
    expect(param({ measures: 'cost', filter: 'team' })).toMatch(/^filter: /);
    expect(param({ measures: 'cost', bucket: 'year' })).toMatch(/^bucket: /);
    expect(param({ measures: 'cost', limit: '-1' })).toMatch(/^limit: /);
    expect(param({ measures: 'cost', group_by: 'team' })).toBe('group_by: unknown parameter');
    expect(parseChargebackParams({ month: '2026-11', by: 'department,team', format: 'csv' }, now)).toEqual({ month: '2026-11', by: ['department', 'team'], format: 'csv' });
    expect(() => parseChargebackParams({ month: '2026-13' }, now)).toThrow(AnalyticsInputError);
    expect(() => parseChargebackParams({ by: 'user' }, now)).toThrow(/is not one of department, team, application/);
  });
});
