// ClickHouse answers the analytics exactly as DuckDB does: the same pseudo-random calls are
// written to an in-memory DuckDB store and to ClickHouse (one server, and two shards), and every
// measure by every dimension and bucket, and every report, must come back equal — costs to the
// nano-dollar, percentiles and ratios to the last bit of the double.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRequireE2e } from '../../../../test/e2e/require-e2e.ts';
import { clickHouseAvailable, clickHouseInstallHint, startClickHouse, type ClickHouseHarness } from '../testing/clickhouse.ts';
import { makeScore } from '../testing/fixtures.ts';
import { BASE_DIMENSIONS, MEASURE_NAMES, QUERY_LIMITS, TIME_BUCKETS, type AnalyticsQuery, type AnalyticsResult, type Dimension } from '../query/contract.ts';
import { AnalyticsInputError } from '../query/validate.ts';
import { DAY_MS } from '../domain/time.ts';
import { APP_CACHE_MEASURES, isAppCacheMeasure } from '../domain/measures.ts';
import { QUALITY_METADATA } from '../domain/quality.ts';
import type { ScoreRecord } from '../domain/score.ts';
import type { SpanRecord } from '../domain/span.ts';
import { call } from './contract/fixtures.ts';
import { projectId, type Store } from './store.ts';
import { DuckDbStore } from './duckdb/store.ts';
import { ClickHouseStore } from './clickhouse/store.ts';

const available = clickHouseAvailable();
if (!available && parseRequireE2e(process.env.REQUIRE_E2E)) throw new Error(`REQUIRE_E2E=1 but ${clickHouseInstallHint}`);

const P = projectId('default');
const FROM_MS = Date.UTC(2026, 9, 20);
const DAYS = 40;
const RANGE = { fromMs: FROM_MS, toMs: FROM_MS + DAYS * DAY_MS };
const CALLS = 1500;
const TRACES = 300;

// A deterministic generator, so that a failure can be replayed.
function generator(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function corpus(): { spans: SpanRecord[]; scores: ScoreRecord[] } {
  const rnd = generator(16);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(rnd() * values.length)];
  const maybe = <T>(values: readonly T[]): T | null => (rnd() < 0.2 ? null : pick(values));
  const traceIds = Array.from({ length: TRACES }, (_, i) => i.toString(16).padStart(32, '0'));
  // Every call has a parent, none is a trace's root: the root's attribution, which fills its
  // trace's calls, is the loader's concern, not the analytics'.
  const spans = Array.from({ length: CALLS }, (): SpanRecord => {
    const r = rnd();
    // Unknown, cheap, ordinary, and now and then past 2^52 nano-dollars.
    const costNano = r < 0.1 ? null : r < 0.5 ? Math.floor(rnd() * 1000) : r < 0.99 ? Math.floor(rnd() * 5e9) : 2 ** 52 + Math.floor(rnd() * 1e6);
    const error = rnd() < 0.1;
    const span = call({
      project: rnd() < 0.95 ? 'default' : 'other',
      traceId: pick(traceIds),
      atMs: FROM_MS + Math.floor(rnd() * DAYS * DAY_MS),
      // Whole microseconds that are rarely whole milliseconds.
      durationMs: Math.floor(rnd() * 40_000_000) / 1000,
      ttftMs: rnd() < 0.4 ? null : rnd() * 900,
      costNano,
      kind: pick(['generation', 'generation', 'generation', 'embedding', 'chain', 'agent'] as const),
      model: pick(['gpt-4o', 'gpt-4o-mini', 'claude', 'mystery']),
      provider: pick(['openai', 'anthropic', 'acme']),
      team: maybe(['core', 'search', 'ads', '']),
      department: maybe(['eng', 'sales']),
      application: maybe(['chat', 'batch']),
      user: maybe(['u1', 'u2', 'u3', 'u4', 'u5']),
      session: maybe(['s1', 's2']),
      feature: maybe(['chat', 'search']),
      environment: maybe(['prod', 'dev']),
      status: error ? 'error' : 'ok',
      errorClass: error ? pick(['rate_limit', 'timeout', 'server'] as const) : null,
      finishReason: maybe(['stop', 'length']),
      tags: Array.from({ length: Math.floor(rnd() * 4) }, () => pick(['a', 'b', 'c'])),
      metadata: rnd() < 0.5 ? { env: pick(['x', 'y', '']) } : {},
      usage: { input: Math.floor(rnd() * 5000), output: Math.floor(rnd() * 2000), cacheRead: Math.floor(rnd() * 100), cacheWrite: Math.floor(rnd() * 50), reasoning: Math.floor(rnd() * 300), audio: 0 },
    });
    // Some spans that are no model calls are application cache lookups (from the span's own
    // duration, so the generator's sequence is unchanged).
    const lookup = span.kind === 'chain' || span.kind === 'agent' ? [null, 'hit', 'miss'][(span.endUs - span.startUs) % 3] : null;
    if (lookup) span.metadata = { ...span.metadata, [QUALITY_METADATA.appCacheLookup]: lookup };
    return { ...span, parentSpanId: 'f'.repeat(16) };
  });
  const scores = Array.from({ length: 400 }, () =>
    makeScore({ traceId: pick(traceIds), name: pick(['quality', 'helpfulness']), numericValue: rnd() < 0.1 ? null : Math.round(rnd() * 1000) / 1000 }),
  );
  return { spans, scores };
}

// The queries compared: every measure by every dimension, every bucket (filled and grouped),
// filters, orderings and limits.
function queries(): AnalyticsQuery[] {
  // The calls' measures together; the application cache lookups' in queries of their own.
  const q = (over: Partial<AnalyticsQuery>): AnalyticsQuery => ({ measures: MEASURE_NAMES.filter((m) => !isAppCacheMeasure(m)), groupBy: [], filters: [], ...RANGE, ...over });
  const dims: Dimension[] = [...BASE_DIMENSIONS, 'metadata.env'];
  const lookups = (over: Partial<AnalyticsQuery>): AnalyticsQuery => q({ measures: [...APP_CACHE_MEASURES], ...over });
  return [
    lookups({}),
    ...dims.map((d) => lookups({ groupBy: [d] })),
    lookups({ bucket: 'day', groupBy: ['feature'], orderBy: { measure: 'app_cache_hit_rate', dir: 'asc' } }),
    q({}),
    ...dims.map((d) => q({ groupBy: [d] })),
    q({ groupBy: ['team', 'tag'], orderBy: { measure: 'latency_p95', dir: 'asc' } }),
    q({ groupBy: ['model'], scoreName: 'quality', orderBy: { measure: 'score_avg', dir: 'desc' } }),
    q({ groupBy: ['user'], orderBy: { measure: 'cost_per_request', dir: 'asc' }, limit: 3 }),
    q({ groupBy: ['feature'], filters: [{ dimension: 'tag', values: ['a', 'c'] }, { dimension: 'metadata.env', values: ['x', 'y'] }] }),
    q({ filters: [{ dimension: 'kind', values: ['chain', 'embedding'] }, { dimension: 'team', values: ['core', 'ads'] }] }),
    ...TIME_BUCKETS.map((bucket) => (bucket === 'minute' ? q({ bucket, toMs: FROM_MS + 3 * DAY_MS }) : q({ bucket }))),
    ...TIME_BUCKETS.map((bucket) => q({ bucket, groupBy: ['provider'], fromMs: FROM_MS + DAY_MS, toMs: FROM_MS + 2 * DAY_MS })),
    // Range ends inside hours: summed from the spans, the whole hours between from the totals.
    q({ groupBy: ['model', 'status'], filters: [{ dimension: 'provider', values: ['openai', 'acme'] }], fromMs: FROM_MS + 1_234_567, toMs: FROM_MS + 9 * DAY_MS - 7_654_321 }),
    q({ measures: ['cost', 'requests', 'errors', 'usd_per_mtok'], bucket: 'day', groupBy: ['kind'], fromMs: FROM_MS + 1_234_567, toMs: FROM_MS + 9 * DAY_MS - 7_654_321 }),
  ];
}

// A mean's sum of doubles depends on the order rows are added in, which no two engines share
// (nor one engine across shards): means are compared to 12 significant digits.
const MEANS = new Set(['latency_avg', 'score_avg']);
function comparable(r: AnalyticsResult): AnalyticsResult {
  return { ...r, rows: r.rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, MEANS.has(k) && typeof v === 'number' ? Number(v.toPrecision(12)) : v]))) };
}

if (available) {
  const { spans, scores } = corpus();
  let duck: DuckDbStore;
  beforeAll(async () => {
    duck = await DuckDbStore.open(null, { hourRollups: 'manual' });
    await duck.write({ spans, scores, logs: [] });
  });
  afterAll(async () => {
    await duck?.close();
  });

  for (const shards of [1, 2]) {
    describe(`analytics on clickhouse (${shards} shard${shards > 1 ? 's' : ''}), against duckdb`, () => {
      let harness: ClickHouseHarness | undefined;
      let store: ClickHouseStore | undefined;
      beforeAll(async () => {
        harness = await startClickHouse({ shards });
        const database = `lk_${randomBytes(6).toString('hex')}`;
        store = await ClickHouseStore.open(
          { url: harness.urls, cluster: shards > 1 ? harness.cluster : null, database, user: 'default', password: '', caFile: null, onCluster: false },
          { queryTimeoutMs: 30_000, hourTotals: 'manual' },
        );
        await store.write({ spans, scores, logs: [] });
      }, 120_000);
      afterAll(async () => {
        await store?.close();
        await harness?.stop();
      });

      const answersQueries = async () => {
        for (const query of queries()) {
          const [expected, actual] = await Promise.all([duck.analytics.query(P, query), store!.analytics.query(P, query)]);
          expect(comparable(actual), JSON.stringify({ ...query, measures: undefined })).toEqual(comparable(expected));
        }
      };
      it('answers every query as DuckDB does', answersQueries);

      it('refuses filter values too long to send, naming the filter, and sends the longest that fit', async () => {
        const dims = [...BASE_DIMENSIONS.filter((d) => d !== 'kind'), ...['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((k) => `metadata.${k}` as const)].slice(0, QUERY_LIMITS.maxFilters);
        const filters = (chars: number) => dims.map((dimension, j) => ({ dimension, values: Array.from({ length: QUERY_LIMITS.maxFilterValues }, (_, i) => `${j}-${i}'`.padEnd(chars, 'x')) }));
        const query = (chars: number) => store!.analytics.query(P, { measures: ['requests'], groupBy: [], filters: filters(chars), ...RANGE });
        const err = await query(QUERY_LIMITS.maxValueChars).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(AnalyticsInputError);
        expect((err as AnalyticsInputError).parameter).toBe('filter');
        expect((await query(300)).rows).toEqual([{ requests: 0 }]);
      });

      const answersReports = async () => {
        const both = async <T>(f: (s: Store) => Promise<T>) => {
          const [expected, actual] = await Promise.all([f(duck), f(store!)]);
          expect(actual).toEqual(expected);
        };
        await both((s) => s.analytics.dailyTrend(P, RANGE));
        await both((s) => s.analytics.topSpenders(P, { ...RANGE, dimension: 'tag', limit: 10 }));
        await both((s) => s.analytics.latencyDistribution(P, RANGE));
        await both((s) => s.analytics.chargeback(P, { month: '2026-11', by: ['department', 'team', 'application'] }));
        await both((s) => s.analytics.chargebackCsv(P, { month: '2026-10', by: ['team'] }));
        await both((s) => s.analytics.forecast(P, { nowMs: FROM_MS + 30.5 * DAY_MS, lookbackDays: 28 }));
        const [expected, actual] = await Promise.all([duck.analytics.modelEfficiency(P, RANGE), store!.analytics.modelEfficiency(P, RANGE)]);
        const round = (rows: typeof actual) => rows.map((r) => ({ ...r, latencyAvgMs: r.latencyAvgMs === null ? null : Number(r.latencyAvgMs.toPrecision(12)) }));
        expect(round(actual)).toEqual(round(expected));
      };
      it('answers every report as DuckDB does', answersReports);

      it('answers every query and report as DuckDB does with the hours summed ahead', async () => {
        expect(await store!.refreshHourTotals()).toBe(true);
        await answersQueries();
        await answersReports();
      });
    });
  }
}
