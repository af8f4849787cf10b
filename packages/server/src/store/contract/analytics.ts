import { describe, expect, it } from 'vitest';
import { makeScore } from '../../testing/fixtures.ts';
import { BASE_DIMENSIONS, MEASURE_NAMES, MEASURES, type AnalyticsQuery, type AnalyticsRow, type BaseDimension } from '../../query/contract.ts';
import { AnalyticsInputError } from '../../query/validate.ts';
import { DAY_MS } from '../../domain/time.ts';
import { APP_CACHE_MEASURES, isAppCacheMeasure } from '../../domain/measures.ts';
import { projectId, type Store } from '../store.ts';
import { ANALYTICS_CALLS, DAY_RANGE, SCORED_TRACE, T0, call, sharedStore, type ContractOptions, type OpenStore } from './fixtures.ts';

// Every measure of the calls, asked for together.
const CALL_MEASURES = MEASURE_NAMES.filter((m) => !isAppCacheMeasure(m));

// Analytics queries (store.analytics.query): every measure, every dimension as a group, every
// filter kind, buckets, ordering and limits, over hand-made calls whose answers are worked out
// below. The fixed reports built on the same rows are in analytics-reports.ts.

const P = projectId('default');
const M = projectId('measures'); // one call per measure's edge case
const BK = projectId('buckets'); // calls on bucket edges
const T_M1 = 'b'.repeat(32);
const T_M2 = 'c'.repeat(32);

async function seed(store: Store): Promise<void> {
  const measures = [
    call({ project: M, traceId: T_M1, atMs: T0, durationMs: 10, ttftMs: 1, costNano: 1, usage: { input: 100, output: 50, cacheRead: 30, cacheWrite: 20, reasoning: 10, audio: 5 } }),
    call({ project: M, traceId: T_M2, atMs: T0, durationMs: 20, ttftMs: 4, costNano: 999_999_999, status: 'error', usage: { input: 200, output: 100 } }),
    call({ project: M, atMs: T0, durationMs: 70, costNano: null, model: 'mystery-2', usage: { input: 1000, output: 0 } }),
    call({ project: M, atMs: T0, durationMs: 100, costNano: 333_333_333, kind: 'embedding', usage: { input: 500, output: 0 } }),
  ];
  const buckets = [
    call({ project: BK, atMs: Date.UTC(2026, 10, 9, 23, 59, 30), durationMs: 1, costNano: 1 }),
    call({ project: BK, atMs: Date.UTC(2026, 10, 10, 0, 0, 0), durationMs: 1, costNano: 2, team: 'x' }),
    call({ project: BK, atMs: Date.UTC(2026, 10, 10, 0, 1, 59, 999), durationMs: 1, costNano: 3, team: 'y' }),
    call({ project: BK, atMs: Date.UTC(2026, 11, 1), durationMs: 1, costNano: 4 }),
  ];
  await store.write({
    spans: [...ANALYTICS_CALLS.map(call), ...measures, ...buckets],
    scores: [
      makeScore({ traceId: SCORED_TRACE, numericValue: 0.5, name: 'helpfulness' }),
      makeScore({ traceId: SCORED_TRACE, numericValue: 1, name: 'correctness' }),
      makeScore({ projectId: M, traceId: T_M1, numericValue: 0.25, name: 'quality' }),
      makeScore({ projectId: M, traceId: T_M2, numericValue: 0.5, name: 'quality' }),
      makeScore({ projectId: M, traceId: T_M1, numericValue: 1, name: 'other' }),
      makeScore({ projectId: M, traceId: T_M1, numericValue: null, stringValue: 'fine', dataType: 'categorical', name: 'quality' }),
    ],
    logs: [],
  });
}

function q(over: Partial<AnalyticsQuery>): AnalyticsQuery {
  return { measures: ['cost'], groupBy: [], filters: [], ...DAY_RANGE, ...over };
}

// [requests, cost in USD] of each value of each base dimension in ANALYTICS_CALLS (model calls only).
const BY_DIMENSION: Record<BaseDimension, Record<string, [number, number]>> = {
  model: { 'gpt-4o': [6, 4.100000001], 'gpt-4o-mini': [1, 0.1], 'mystery-1': [1, 0] },
  provider: { openai: [7, 4.200000001], acme: [1, 0] },
  user: { u1: [2, 3.500000001], u2: [2, 0.35], u3: [3, 0.3], null: [1, 0.05] },
  session: { s1: [2, 3.500000001], s2: [1, 0.25], null: [5, 0.45] },
  feature: { chat: [2, 3.500000001], search: [5, 0.65], null: [1, 0.05] },
  team: { core: [4, 3.850000001], search: [3, 0.3], null: [1, 0.05] },
  department: { eng: [7, 4.150000001], null: [1, 0.05] },
  application: { chat: [2, 3.500000001], search: [5, 0.65], batch: [1, 0.05] },
  environment: { prod: [6, 4.050000001], staging: [1, 0.1], null: [1, 0.05] },
  kind: { generation: [8, 4.200000001], chain: [1, 1000] }, // grouping by kind widens the scope
  status: { ok: [7, 3.950000001], error: [1, 0.25] },
  error_class: { rate_limit: [1, 0.25], null: [7, 3.950000001] },
  finish_reason: { stop: [6, 3.850000001], length: [1, 0.1], null: [1, 0.25] },
  tag: { a: [2, 3.500000001], b: [2, 1.100000001], null: [5, 0.6] }, // one row per (call, tag)
  prompt: { answer: [3, 3.750000001], 'search-rank': [1, 0.1], null: [4, 0.35] },
  prompt_version: { '1': [2, 1.100000001], '2': [2, 2.75], null: [4, 0.35] },
  variant: { A: [1, 1.000000001], B: [2, 2.75], null: [5, 0.45] },
};

const keyed = (rows: AnalyticsRow[], d: string) => Object.fromEntries(rows.map((r) => [String(r[d]), [r.requests, r.cost]]));

export function analyticsContract(name: string, open: OpenStore, options: ContractOptions = {}): void {
  describe(`store contract (analytics): ${name}`, () => {
    const store = sharedStore(open, seed, options);

    it('sums cost by team exactly, excluding unknown costs but counting them', async () => {
      const r = await store().analytics.query(P, q({ measures: ['cost', 'requests', 'unknown_cost_requests', 'total_tokens'], groupBy: ['team'] }));
      expect(r.rows).toEqual([
        { team: 'core', cost: 3.850000001, requests: 4, unknown_cost_requests: 0, total_tokens: 4800 },
        { team: 'search', cost: 0.3, requests: 3, unknown_cost_requests: 1, total_tokens: 3600 },
        { team: null, cost: 0.05, requests: 1, unknown_cost_requests: 0, total_tokens: 1200 },
      ]);
      expect(r.columns).toEqual([
        { name: 'team', kind: 'dimension' },
        { name: 'cost', kind: 'measure', unit: 'usd' },
        { name: 'requests', kind: 'measure', unit: 'count' },
        { name: 'unknown_cost_requests', kind: 'measure', unit: 'count' },
        { name: 'total_tokens', kind: 'measure', unit: 'tokens' },
      ]);
      expect(r).toMatchObject({ ...DAY_RANGE, bucket: null, truncated: false });
    });

    it('totals without grouping, and the model-call scope is widened by a kind filter or group', async () => {
      expect((await store().analytics.query(P, q({ measures: ['cost', 'requests'] }))).rows).toEqual([{ cost: 4.200000001, requests: 8 }]);
      expect((await store().analytics.query(P, q({ measures: ['requests'], groupBy: ['kind'] }))).rows).toEqual([
        { kind: 'generation', requests: 8 },
        { kind: 'chain', requests: 1 },
      ]);
      expect((await store().analytics.query(P, q({ measures: ['cost'], filters: [{ dimension: 'kind', values: ['chain'] }] }))).rows).toEqual([{ cost: 1000 }]);
    });

    it('keeps projects apart', async () => {
      expect((await store().analytics.query(projectId('other'), q({ measures: ['cost', 'requests'], groupBy: ['team'] }))).rows).toEqual([{ team: 'core', cost: 100, requests: 1 }]);
      expect((await store().analytics.query(projectId('nobody'), q({ measures: ['cost', 'requests'] }))).rows).toEqual([{ cost: 0, requests: 0 }]);
    });

    it.each(BASE_DIMENSIONS.map((d) => [d]))('groups by %s', async (d) => {
      const r = await store().analytics.query(P, q({ measures: ['requests', 'cost'], groupBy: [d] }));
      expect(keyed(r.rows, d)).toEqual(BY_DIMENSION[d]);
      expect(r.rows.map((row) => Object.keys(row))).toEqual(r.rows.map(() => [d, 'requests', 'cost']));
    });

    it('groups by a metadata key, and by two dimensions at once', async () => {
      const env = await store().analytics.query(P, q({ measures: ['requests', 'cost'], groupBy: ['metadata.env'] }));
      expect(keyed(env.rows, 'metadata.env')).toEqual({ prod: [2, 3.500000001], dev: [1, 0.25], null: [5, 0.45] });
      const two = await store().analytics.query(P, q({ measures: ['requests'], groupBy: ['team', 'user'] }));
      expect(two.rows).toEqual([
        { team: 'search', user: 'u3', requests: 3 },
        { team: 'core', user: 'u1', requests: 2 },
        { team: 'core', user: 'u2', requests: 2 },
        { team: null, user: null, requests: 1 },
      ]);
    });

    it('reads the prompt dimensions from the metadata keys every ingest path writes, and compares versions and variants of one prompt', async () => {
      const byPrompt = await store().analytics.query(
        P,
        q({ measures: ['requests', 'cost', 'errors'], groupBy: ['prompt_version', 'variant'], filters: [{ dimension: 'prompt', values: ['answer'] }], orderBy: { measure: 'cost', dir: 'asc' } }),
      );
      expect(byPrompt.rows).toEqual([
        { prompt_version: '1', variant: 'A', requests: 1, cost: 1.000000001, errors: 0 },
        { prompt_version: '2', variant: 'B', requests: 2, cost: 2.75, errors: 1 },
      ]);
      const asMetadata = await store().analytics.query(
        P,
        q({ measures: ['requests', 'cost', 'errors'], groupBy: ['metadata.lookout.prompt.version', 'metadata.lookout.prompt.variant'], filters: [{ dimension: 'metadata.lookout.prompt.name', values: ['answer'] }], orderBy: { measure: 'cost', dir: 'asc' } }),
      );
      expect(asMetadata.rows.map((r) => Object.values(r))).toEqual(byPrompt.rows.map((r) => Object.values(r)));
      const filtered = await store().analytics.query(P, q({ measures: ['requests'], filters: [{ dimension: 'variant', values: ['B'] }, { dimension: 'prompt_version', values: ['2'] }] }));
      expect(filtered.rows).toEqual([{ requests: 2 }]);
      // Another project's calls of the same prompt stay apart.
      expect((await store().analytics.query(projectId('other'), q({ measures: ['requests'], groupBy: ['prompt'] }))).rows).toEqual([{ prompt: 'answer', requests: 1 }]);
    });

    it.each(BASE_DIMENSIONS.filter((d) => d !== 'kind').map((d) => [d]))('filters on %s (equality and in-list)', async (d) => {
      const values = Object.entries(BY_DIMENSION[d]).filter(([v]) => v !== 'null');
      for (const [value, [requests, cost]] of values) {
        const r = await store().analytics.query(P, q({ measures: ['requests', 'cost'], filters: [{ dimension: d, values: [value] }] }));
        expect(r.rows, `${d} = ${value}`).toEqual([{ requests, cost }]);
      }
      if (d === 'tag' || values.length < 2) return; // tags: a call with both is counted once, below
      const [[v1, [n1]], [v2, [n2]]] = values;
      const both = await store().analytics.query(P, q({ measures: ['requests'], filters: [{ dimension: d, values: [v1, v2] }] }));
      expect(both.rows).toEqual([{ requests: n1 + n2 }]);
    });

    it('filters: tag in-list, metadata, combined, and hostile values', async () => {
      const run = async (filters: AnalyticsQuery['filters']) => (await store().analytics.query(P, q({ measures: ['requests', 'cost'], filters }))).rows[0];
      expect(await run([{ dimension: 'tag', values: ['a', 'b'] }])).toEqual({ requests: 3, cost: 3.600000001 });
      expect(await run([{ dimension: 'metadata.env', values: ['prod'] }])).toEqual({ requests: 2, cost: 3.500000001 });
      expect(await run([{ dimension: 'metadata.env', values: ['prod', 'dev'] }])).toEqual({ requests: 3, cost: 3.750000001 });
      expect(await run([{ dimension: 'team', values: ['core'] }, { dimension: 'user', values: ['u2'] }])).toEqual({ requests: 2, cost: 0.35 });
      expect(await run([{ dimension: 'model', values: ['gpt-4o-mini', 'mystery-1'] }])).toEqual({ requests: 2, cost: 0.1 });
      // A hostile value only ever matches as a value: nothing, and nothing breaks.
      expect(await run([{ dimension: 'team', values: ["core' OR '1'='1"] }])).toEqual({ requests: 0, cost: 0 });
      expect(await run([{ dimension: "metadata.env'--", values: ['x'] }]).catch((e) => e)).toBeInstanceOf(AnalyticsInputError);
    });

    it('computes every measure exactly', async () => {
      const r = await store().analytics.query(M, q({ measures: CALL_MEASURES }));
      const row = r.rows[0];
      // Calls: 1 nano (10 ms, ttft 1), 999,999,999 nano (20 ms, ttft 4, error), unknown (70 ms),
      // an embedding of 333,333,333 nano (100 ms). Tokens: 215, 300, 1000 (unpriced), 500.
      expect(row).toMatchObject({
        cost: 1.333333333,
        unknown_cost_requests: 1,
        requests: 4,
        input_tokens: 1800,
        output_tokens: 150,
        cache_read_tokens: 30,
        cache_write_tokens: 20,
        reasoning_tokens: 10,
        audio_tokens: 5,
        total_tokens: 2015,
        tokens_per_request: 503.75,
        input_output_ratio: 11.5625, // (1800 + 30 + 20) / (150 + 10)
        latency_avg: 50,
        errors: 1,
        error_rate: 0.25,
        cost_per_request: 0.444444444, // over the 3 priced calls
      });
      // Continuous quantiles: ranks 1.5, 2.85, 2.97 over 10, 20, 70, 100; 0.5, 0.95, 0.99 over 1, 4.
      const close: [string, number][] = [
        ['latency_p50', 45],
        ['latency_p95', 95.5],
        ['latency_p99', 99.1],
        ['ttft_p50', 2.5],
        ['ttft_p95', 3.85],
        ['ttft_p99', 3.97],
        ['tokens_per_dollar', 1015 / 1.333333333],
        ['usd_per_mtok', 1_333_333.333 / 1015],
        ['score_avg', (0.25 + 0.5 + 1) / 3], // numeric scores only
      ];
      for (const [m, v] of close) expect(row[m], m).toBeCloseTo(v, 6);
      expect(row.score_count).toBe(3); // the numeric scores score_avg averages, the categorical one left out
      expect(Object.keys(row)).toEqual(CALL_MEASURES);
      expect(r.columns.map((c) => c.unit)).toEqual(CALL_MEASURES.map((m) => MEASURES[m].unit));
      expect((await store().analytics.query(M, q({ measures: ['score_avg'], scoreName: 'quality' }))).rows[0].score_avg).toBeCloseTo(0.375, 12);
    });

    it('gives additive measures 0 and the others null over no rows', async () => {
      // The application cache lookups' measures are asked for apart from the calls' (app-cache.ts).
      for (const measures of [CALL_MEASURES, [...APP_CACHE_MEASURES]]) {
        const r = await store().analytics.query(projectId('nobody'), q({ measures }));
        expect(r.rows).toEqual([Object.fromEntries(measures.map((m) => [m, MEASURES[m].additive ? 0 : null]))]);
      }
    });

    it('computes exact percentiles (continuous, linear interpolation)', async () => {
      const core = await store().analytics.query(
        P,
        q({ measures: ['latency_avg', 'latency_p50', 'latency_p95', 'latency_p99', 'ttft_p50', 'ttft_p95'], groupBy: ['team'], filters: [{ dimension: 'team', values: ['core'] }] }),
      );
      // durations 100, 200, 300, 400: ranks (n-1)q = 1.5 / 2.85 / 2.97
      expect(core.rows[0]).toMatchObject({ team: 'core', latency_avg: 250, latency_p50: 250, ttft_p50: 20 });
      expect(core.rows[0].latency_p95).toBeCloseTo(385, 9);
      expect(core.rows[0].latency_p99).toBeCloseTo(397, 9);
      expect(core.rows[0].ttft_p95).toBeCloseTo(29, 9);
      // all 8 calls: 50, 100, 200, 300, 400, 1000, 2000, 3000 (ranks 3.5, 6.65, 6.93); ttft 10, 20, 30.
      const all = (await store().analytics.query(P, q({ measures: ['latency_p50', 'latency_p95', 'latency_p99', 'ttft_p50', 'ttft_p99'] }))).rows[0];
      expect(all.latency_p50).toBeCloseTo(350, 9);
      expect(all.latency_p95).toBeCloseTo(2650, 9);
      expect(all.latency_p99).toBeCloseTo(2930, 9);
      expect(all.ttft_p50).toBeCloseTo(20, 9);
      expect(all.ttft_p99).toBeCloseTo(29.8, 9);
    });

    it('derives ratios: error rate, cost per request, $/Mtok, tokens per dollar', async () => {
      const r = await store().analytics.query(
        P,
        q({ measures: ['errors', 'error_rate', 'cost_per_request', 'usd_per_mtok', 'tokens_per_dollar', 'tokens_per_request', 'input_output_ratio'], groupBy: ['team'], filters: [{ dimension: 'team', values: ['search'] }] }),
      );
      // search: 0.3 USD over 2 priced calls of 1,200 tokens; the unpriced call does not dilute.
      expect(r.rows[0]).toMatchObject({ team: 'search', errors: 0, error_rate: 0, cost_per_request: 0.15, usd_per_mtok: 125, tokens_per_request: 1200, input_output_ratio: 5 });
      expect(r.rows[0].tokens_per_dollar).toBeCloseTo(8000, 6);
      expect((await store().analytics.query(P, q({ measures: ['errors', 'error_rate'], filters: [{ dimension: 'team', values: ['core'] }] }))).rows).toEqual([{ errors: 1, error_rate: 0.25 }]);
    });

    it('orders by any measure either way, ties by the groups, then limits and reports truncation', async () => {
      const users = async (over: Partial<AnalyticsQuery>) => (await store().analytics.query(P, q({ groupBy: ['user'], ...over }))).rows.map((r) => r.user);
      expect(await users({ measures: ['requests'] })).toEqual(['u3', 'u1', 'u2', null]);
      expect(await users({ measures: ['requests', 'cost'], orderBy: { measure: 'cost', dir: 'asc' } })).toEqual([null, 'u3', 'u2', 'u1']);
      const cut = await store().analytics.query(P, q({ measures: ['cost'], groupBy: ['user'], orderBy: { measure: 'cost', dir: 'desc' }, limit: 2 }));
      expect(cut.rows.map((x) => x.user)).toEqual(['u1', 'u2']);
      expect(cut.truncated).toBe(true);
      const exact = await store().analytics.query(P, q({ measures: ['cost'], groupBy: ['user'], limit: 4 }));
      expect(exact.rows).toHaveLength(4);
      expect(exact.truncated).toBe(false);
    });

    it('buckets by minute, hour, day, week and month, filling the empty buckets of a series', async () => {
      const series = async (bucket: AnalyticsQuery['bucket'], fromMs: number, toMs: number) =>
        (await store().analytics.query(BK, q({ measures: ['requests', 'cost', 'latency_avg'], bucket, fromMs, toMs }))).rows.map((r) => [r.bucket, r.requests, r.cost, r.latency_avg]);
      const e = (iso: string) => [iso, 0, 0, null];
      expect(await series('minute', Date.UTC(2026, 10, 10), Date.UTC(2026, 10, 10, 0, 3))).toEqual([
        ['2026-11-10T00:00:00.000Z', 1, 0.000000002, 1],
        ['2026-11-10T00:01:00.000Z', 1, 0.000000003, 1],
        e('2026-11-10T00:02:00.000Z'),
      ]);
      expect(await series('hour', Date.UTC(2026, 10, 9, 22), Date.UTC(2026, 10, 10, 2))).toEqual([
        e('2026-11-09T22:00:00.000Z'),
        ['2026-11-09T23:00:00.000Z', 1, 0.000000001, 1],
        ['2026-11-10T00:00:00.000Z', 2, 0.000000005, 1],
        e('2026-11-10T01:00:00.000Z'),
      ]);
      expect(await series('day', Date.UTC(2026, 10, 8), Date.UTC(2026, 10, 11))).toEqual([
        e('2026-11-08T00:00:00.000Z'),
        ['2026-11-09T00:00:00.000Z', 1, 0.000000001, 1],
        ['2026-11-10T00:00:00.000Z', 2, 0.000000005, 1],
      ]);
      // Weeks start on Monday (2026-11-09 is one), months on the 1st, whatever the range's start.
      expect(await series('week', Date.UTC(2026, 10, 4), Date.UTC(2026, 10, 20))).toEqual([
        e('2026-11-02T00:00:00.000Z'),
        ['2026-11-09T00:00:00.000Z', 3, 0.000000006, 1],
        e('2026-11-16T00:00:00.000Z'),
      ]);
      expect(await series('month', Date.UTC(2026, 9, 15), Date.UTC(2027, 0, 1))).toEqual([
        e('2026-10-01T00:00:00.000Z'),
        ['2026-11-01T00:00:00.000Z', 3, 0.000000006, 1],
        ['2026-12-01T00:00:00.000Z', 1, 0.000000004, 1],
      ]);
    });

    it('does not fill the buckets of a grouped series, and limits a filled one', async () => {
      const grouped = await store().analytics.query(BK, q({ measures: ['requests'], groupBy: ['team'], bucket: 'day', fromMs: Date.UTC(2026, 10, 8), toMs: Date.UTC(2026, 10, 11) }));
      expect(grouped.rows).toEqual([
        { bucket: '2026-11-09T00:00:00.000Z', team: null, requests: 1 },
        { bucket: '2026-11-10T00:00:00.000Z', team: 'x', requests: 1 },
        { bucket: '2026-11-10T00:00:00.000Z', team: 'y', requests: 1 },
      ]);
      expect(grouped.columns[0]).toEqual({ name: 'bucket', kind: 'bucket' });
      const cut = await store().analytics.query(BK, q({ measures: ['requests'], bucket: 'hour', fromMs: Date.UTC(2026, 10, 9, 22), toMs: Date.UTC(2026, 10, 10, 2), limit: 2 }));
      expect(cut.rows).toEqual([
        { bucket: '2026-11-09T22:00:00.000Z', requests: 0 },
        { bucket: '2026-11-09T23:00:00.000Z', requests: 1 },
      ]);
      expect(cut.truncated).toBe(true);
      expect(cut.bucket).toBe('hour');
      const hourly = await store().analytics.query(P, q({ measures: ['cost', 'requests', 'latency_p50'], bucket: 'hour', fromMs: T0 - 2 * 3_600_000, toMs: T0 + 3_600_000 }));
      expect(hourly.rows).toEqual([
        { bucket: '2026-11-10T10:00:00.000Z', cost: 0, requests: 0, latency_p50: null },
        { bucket: '2026-11-10T11:00:00.000Z', cost: 0, requests: 0, latency_p50: null },
        { bucket: '2026-11-10T12:00:00.000Z', cost: 4.200000001, requests: 8, latency_p50: 350 },
      ]);
    });

    it('averages scores over the traces of each group', async () => {
      const r = await store().analytics.query(P, q({ measures: ['score_avg', 'requests'], groupBy: ['team'] }));
      expect(r.rows.find((x) => x.team === 'core')).toEqual({ team: 'core', score_avg: 0.75, requests: 4 });
      expect(r.rows.find((x) => x.team === 'search')).toEqual({ team: 'search', score_avg: null, requests: 3 });
      const byTagAndDay = await store().analytics.query(P, q({ measures: ['requests', 'score_avg'], groupBy: ['tag'], bucket: 'day' }));
      expect(byTagAndDay.rows).toEqual([
        { bucket: '2026-11-10T00:00:00.000Z', tag: null, requests: 5, score_avg: null },
        { bucket: '2026-11-10T00:00:00.000Z', tag: 'a', requests: 2, score_avg: 0.75 },
        { bucket: '2026-11-10T00:00:00.000Z', tag: 'b', requests: 2, score_avg: 0.75 },
      ]);
      expect((await store().analytics.query(P, q({ measures: ['score_avg'], scoreName: 'correctness' }))).rows).toEqual([{ score_avg: 1 }]);
    });

    it('counts the numeric scores on the traces of each group (score_count), 0 where none', async () => {
      const r = await store().analytics.query(P, q({ measures: ['requests', 'score_count', 'score_avg'], groupBy: ['team'] }));
      expect(r.rows.find((x) => x.team === 'core')).toEqual({ team: 'core', requests: 4, score_count: 2, score_avg: 0.75 });
      expect(r.rows.find((x) => x.team === 'search')).toEqual({ team: 'search', requests: 3, score_count: 0, score_avg: null });
      expect(r.columns.find((c) => c.name === 'score_count')).toEqual({ name: 'score_count', kind: 'measure', unit: 'count' });
      expect((await store().analytics.query(P, q({ measures: ['score_count'], scoreName: 'correctness' }))).rows).toEqual([{ score_count: 1 }]);
      const byDay = await store().analytics.query(M, q({ measures: ['score_count'], bucket: 'day', fromMs: Date.UTC(2026, 10, 9), toMs: Date.UTC(2026, 10, 11) }));
      expect(byDay.rows.map((x) => x.score_count)).toEqual([0, 3]);
    });

    it('rejects unknown measures, dimensions and bad ranges with the parameter named', async () => {
      const bad = async (over: Partial<AnalyticsQuery>) => {
        const err = await store().analytics.query(P, q(over)).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(AnalyticsInputError);
        return (err as AnalyticsInputError).parameter;
      };
      expect(await bad({ measures: ['cost; DROP TABLE spans' as never] })).toBe('measures');
      expect(await bad({ groupBy: ['team; --' as never] })).toBe('groupBy');
      expect(await bad({ groupBy: ['metadata.a b' as never] })).toBe('groupBy');
      expect(await bad({ fromMs: DAY_RANGE.toMs, toMs: DAY_RANGE.fromMs })).toBe('from');
      expect(await bad({ bucket: 'minute', fromMs: DAY_RANGE.toMs - 400 * DAY_MS })).toBe('bucket');
      expect(await bad({ orderBy: { measure: 'requests', dir: 'desc' } })).toBe('orderBy');
    });
  });
}
