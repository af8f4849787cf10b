import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { emptyAttribution, type SpanRecord } from '../domain/span.ts';
import { makeScore, makeSpan } from '../testing/fixtures.ts';
import { DuckDbStore } from '../store/duckdb/store.ts';
import { READ_CHUNK_ROWS } from '../store/duckdb/db.ts';
import { COUNTER_INDEX, HOUR_RETENTION_MS, RollupRangeError, Rollups } from './rollups.ts';
import { HOUR_MS, MINUTE_MS } from '../domain/time.ts';
import { SKETCH_RELATIVE_ACCURACY, Sketch } from './sketch.ts';
import { contextWindowOf } from '../enrich/pricing/context-windows.ts';

const NOW = Date.UTC(2026, 10, 20, 12, 30, 15);

function call(atMs: number, over: Partial<SpanRecord> = {}): SpanRecord {
  return makeSpan({ startUs: atMs * 1000, endUs: atMs * 1000 + 800_000, ...over });
}

// Deterministic traffic: 3 models, 2 teams, every 20 s over the last 30 hours, with some errors,
// unknown-cost calls and varied latencies.
function traffic(): SpanRecord[] {
  const spans: SpanRecord[] = [];
  let i = 0;
  for (let t = NOW - 30 * HOUR_MS; t < NOW; t += 20_000, i++) {
    const model = ['gpt-4o', 'gpt-4o-mini', 'claude-sonnet-4'][i % 3];
    const latencyMs = 100 + ((i * 37) % 5000);
    spans.push(
      call(t, {
        requestModel: model,
        provider: model.startsWith('claude') ? 'anthropic' : 'openai',
        endUs: t * 1000 + latencyMs * 1000,
        ttftMs: i % 2 ? latencyMs / 4 : null,
        status: i % 10 === 0 ? 'error' : 'ok',
        errorClass: i % 10 === 0 ? (i % 20 === 0 ? 'rate_limit' : 'timeout') : null,
        usage: { input: 100 + (i % 7), output: 50, cacheRead: i % 3 === 0 ? 40 : 0, cacheWrite: 0, reasoning: i % 5, audio: 0 },
        cost: i % 11 === 0
          ? { status: 'unknown_model', totalNanoUsd: null, byBucketNanoUsd: {}, priceRowId: null, catalogVersion: null }
          : { status: 'priced', totalNanoUsd: 1000 + i, byBucketNanoUsd: {}, priceRowId: 'x', catalogVersion: 'v' },
        attribution: { ...emptyAttribution(), team: i % 2 ? 'search' : 'support', feature: 'chat' },
      }),
    );
  }
  return spans;
}

function exact(spans: SpanRecord[], fromMs: number, toMs: number, pred: (s: SpanRecord) => boolean = () => true) {
  const inRange = spans.filter((s) => s.startUs / 1000 >= fromMs && s.startUs / 1000 < toMs && pred(s));
  return {
    requests: inRange.length,
    errors: inRange.filter((s) => s.status === 'error').length,
    rateLimit: inRange.filter((s) => s.errorClass === 'rate_limit').length,
    cost: inRange.reduce((a, s) => a + (s.cost.totalNanoUsd ?? 0), 0),
    unknown: inRange.filter((s) => s.cost.status === 'unknown_model').length,
    cacheRead: inRange.reduce((a, s) => a + s.usage.cacheRead, 0),
    latencies: inRange.map((s) => (s.endUs - s.startUs) / 1000).sort((a, b) => a - b),
  };
}

describe('Sketch', () => {
  it('answers quantiles within its relative accuracy and merges', () => {
    const a = new Sketch();
    const b = new Sketch();
    const values: number[] = [];
    for (let i = 1; i <= 5000; i++) {
      const v = (i * 7919) % 10007;
      values.push(v);
      (i % 2 ? a : b).add(v);
    }
    a.merge(b);
    values.sort((x, y) => x - y);
    for (const q of [0.5, 0.95, 0.99]) {
      const want = values[Math.floor(q * (values.length - 1))];
      expect(Math.abs(a.quantile(q)! - want) / want).toBeLessThanOrEqual(SKETCH_RELATIVE_ACCURACY + 1e-9);
    }
    expect(a.count).toBe(5000);
    expect(a.mean()).toBeCloseTo(values.reduce((x, y) => x + y, 0) / 5000, 6);
    expect(new Sketch().quantile(0.5)).toBeNull();
  });
});

describe('Rollups', () => {
  let store: DuckDbStore;
  beforeEach(async () => {
    store = await DuckDbStore.open(null);
  });
  afterEach(async () => {
    await store.close();
  });

  it('sums windows from live data exactly like the raw rows, and a rebuild from the store gives the same answers', async () => {
    const spans = traffic();
    const scores = [0.2, 0.9, 0.5, 0.7].map((v, i) =>
      makeScore({ name: 'helpfulness', numericValue: v, timestampUs: (NOW - (i + 1) * 10 * MINUTE_MS) * 1000, ...(i % 2 ? { feature: 'search', model: 'gpt-4o-mini' } : { feature: 'chat', model: 'gpt-4o' }) }),
    );
    const live = new Rollups({ now: () => NOW });
    live.onAccepted(spans, scores);
    await store.write({ spans, scores, logs: [] });
    const rebuilt = new Rollups({ now: () => NOW });
    await rebuilt.rebuild(store);

    for (const windowMs of [5 * MINUTE_MS, 60 * MINUTE_MS, 90 * MINUTE_MS, 24 * HOUR_MS]) {
      const from = NOW - windowMs;
      const want = exact(spans, from, NOW);
      for (const r of [live, rebuilt]) {
        const [g] = r.calls('default', { fromMs: from, toMs: NOW, distributions: true });
        const c = g.cell.counters;
        // Windows reaching past the minute cells are pro-rated at their far edge: within 1/24.
        const tol = windowMs > 2 * HOUR_MS ? 0.05 : 0;
        const near = (got: number, w: number) => expect(Math.abs(got - w)).toBeLessThanOrEqual(tol * w + 1e-6);
        near(c[COUNTER_INDEX.requests], want.requests);
        near(c[COUNTER_INDEX.errors], want.errors);
        near(c[COUNTER_INDEX['errors.rate_limit']], want.rateLimit);
        near(c[COUNTER_INDEX.cost], want.cost);
        near(c[COUNTER_INDEX.unknown_cost_requests], want.unknown);
        near(c[COUNTER_INDEX.cache_read_tokens], want.cacheRead);
        if (windowMs <= 2 * HOUR_MS) {
          const p95 = want.latencies[Math.floor(0.95 * (want.latencies.length - 1))];
          expect(Math.abs(g.cell.latency!.quantile(0.95)! - p95) / p95).toBeLessThanOrEqual(SKETCH_RELATIVE_ACCURACY + 1e-9);
        }
      }
    }

    // Whole-hour windows are exact at hour resolution too (no pro-rating).
    const from = Math.floor((NOW - 20 * HOUR_MS) / HOUR_MS) * HOUR_MS;
    const to = from + 10 * HOUR_MS;
    for (const r of [live, rebuilt]) {
      const [g] = r.calls('default', { fromMs: from, toMs: to });
      expect(g.cell.counters[COUNTER_INDEX.requests]).toBe(exact(spans, from, to).requests);
    }

    // Groups and filters.
    for (const r of [live, rebuilt]) {
      const byModel = r.calls('default', { fromMs: NOW - HOUR_MS, toMs: NOW, groupBy: ['model'], filter: { team: 'search' } });
      expect(byModel.map((g) => g.labels.model).sort()).toEqual(['claude-sonnet-4', 'gpt-4o', 'gpt-4o-mini']);
      for (const g of byModel) {
        const want = exact(spans, NOW - HOUR_MS, NOW, (s) => s.requestModel === g.labels.model && s.attribution.team === 'search');
        expect(g.cell.counters[COUNTER_INDEX.requests]).toBe(want.requests);
      }
      const [sc] = r.scores('default', { fromMs: NOW - HOUR_MS, toMs: NOW, groupBy: ['score_name'] });
      expect(sc.labels).toEqual({ score_name: 'helpfulness' });
      expect(sc.cell.values.count).toBe(4);
      expect(sc.cell.values.mean()).toBeCloseTo(0.575, 9);
      // By what the scored traces ran as, live and rebuilt from the store's columns alike.
      const byFeature = r.scores('default', { fromMs: NOW - HOUR_MS, toMs: NOW, groupBy: ['score_name', 'feature', 'model'] });
      const sorted = [...byFeature].sort((x, y) => x.labels.feature.localeCompare(y.labels.feature));
      expect(sorted.map((g) => [g.labels, g.cell.values.count, Number(g.cell.values.mean()!.toFixed(9))])).toEqual([
        [{ score_name: 'helpfulness', feature: 'chat', model: 'gpt-4o' }, 2, 0.35],
        [{ score_name: 'helpfulness', feature: 'search', model: 'gpt-4o-mini' }, 2, 0.8],
      ]);
      const [chat] = r.scores('default', { fromMs: NOW - HOUR_MS, toMs: NOW, filter: { feature: 'chat' } });
      expect(chat.labels).toEqual({});
      expect(chat.cell.values.count).toBe(2);
    }
  });

  it('refresh replaces the cells with what the store holds (other writers included), never adds to them', async () => {
    const mine = [call(NOW - 10 * MINUTE_MS), call(NOW - 5 * MINUTE_MS)];
    const theirs = [call(NOW - 8 * MINUTE_MS, { projectId: 'other' as SpanRecord['projectId'] }), call(NOW - 3 * MINUTE_MS)];
    const r = new Rollups({ now: () => NOW });
    await store.write({ spans: mine, scores: [], logs: [] });
    await r.rebuild(store);
    // Acknowledged here and not loaded yet: counted until the next refresh.
    r.onAccepted([call(NOW - MINUTE_MS)], []);
    await store.write({ spans: theirs, scores: [], logs: [] });
    const requests = (project: string) => r.calls(project, { fromMs: NOW - HOUR_MS, toMs: NOW })[0]?.cell.counters[COUNTER_INDEX.requests] ?? 0;
    expect(requests('default')).toBe(3);
    for (let i = 0; i < 2; i++) {
      await r.refresh(store);
      expect(requests('default')).toBe(3);
      expect(requests('other')).toBe(1);
      expect(r.projectIds().sort()).toEqual(['default', 'other']);
    }
  });

  it('rebuilds from one aggregate read at a time, each fed in before the next starts', async () => {
    await store.write({ spans: traffic(), scores: [], logs: [] });
    let inFlight = 0;
    let most = 0;
    let reads = 0;
    const counted = <T,>(read: () => Promise<T>) => async () => {
      reads++;
      most = Math.max(most, ++inFlight);
      try {
        return await read();
      } finally {
        inFlight--;
      }
    };
    // The store as the rollups see it, with its aggregate reads counted.
    const watched = new Proxy(store, {
      get(target, key) {
        const value = Reflect.get(target, key, target) as unknown;
        if (typeof value !== 'function') return value;
        const bound = (value as (...args: unknown[]) => unknown).bind(target);
        return key === 'eachCallAggregate' || key === 'eachScoreAggregate' ? (...args: unknown[]) => counted(() => bound(...args) as Promise<unknown>)() : bound;
      },
    });
    await new Rollups({ now: () => NOW }).rebuild(watched);
    expect(reads).toBe(6);
    expect(most).toBe(1);
  });

  it('looks the context windows up once per rebuild, over the widest range, and hands them to every call read', async () => {
    await store.write({ spans: traffic(), scores: [], logs: [] });
    const windowReads: number[] = [];
    const handed: unknown[] = [];
    const watched = new Proxy(store, {
      get(target, key) {
        const value = Reflect.get(target, key, target) as unknown;
        if (typeof value !== 'function') return value;
        const bound = (value as (...args: unknown[]) => unknown).bind(target);
        if (key === 'contextWindows') return (fromMs: number) => (windowReads.push(fromMs), bound(fromMs));
        if (key === 'eachCallAggregate') return (range: { windows?: unknown }, ...rest: unknown[]) => (handed.push(range.windows), bound(range, ...rest));
        return bound;
      },
    });
    await new Rollups({ now: () => NOW }).rebuild(watched);
    expect(windowReads).toEqual([Math.floor((NOW - HOUR_RETENTION_MS) / HOUR_MS) * HOUR_MS]);
    expect(handed).toHaveLength(4);
    expect(handed.every((w) => Array.isArray(w) && w === handed[0])).toBe(true);
    expect((handed[0] as { model: string }[]).map((w) => w.model)).toContain('gpt-4o');
  });

  it('rebuilds from batches of at most one DuckDB chunk, never from a whole result at once', async () => {
    // More groups in the last minutes than one chunk holds: one feature per call.
    const calls = 3 * READ_CHUNK_ROWS;
    const spans = Array.from({ length: calls }, (_, i) => call(NOW - 30 * MINUTE_MS + i * 100, { attribution: { ...emptyAttribution(), feature: `f${i}` } }));
    await store.write({ spans, scores: [], logs: [] });
    const batches: number[] = [];
    const watched = new Proxy(store, {
      get(target, key) {
        const value = Reflect.get(target, key, target) as unknown;
        if (typeof value !== 'function') return value;
        const bound = (value as (...args: unknown[]) => unknown).bind(target);
        if (key === 'aggregateCalls' || key === 'aggregateScores') return () => Promise.reject(new Error(`${key}: a whole result at once`));
        if (key !== 'eachCallAggregate' && key !== 'eachScoreAggregate') return bound;
        return (range: unknown, visit: (rows: unknown[]) => void) =>
          bound(range, (rows: unknown[]) => {
            batches.push(rows.length);
            visit(rows);
          });
      },
    });
    const r = new Rollups({ now: () => NOW });
    await r.rebuild(watched);
    expect(Math.max(...batches)).toBeLessThanOrEqual(READ_CHUNK_ROWS);
    expect(batches.filter((n) => n === READ_CHUNK_ROWS).length).toBeGreaterThanOrEqual(2);
    expect(r.calls('default', { fromMs: NOW - HOUR_MS, toMs: NOW + MINUTE_MS })[0].cell.counters[COUNTER_INDEX.requests]).toBe(calls);
    expect(r.calls('default', { fromMs: NOW - HOUR_MS, toMs: NOW + MINUTE_MS, groupBy: ['feature'] })).toHaveLength(calls);
  });

  it('refuses ranges older than the detail kept for feature, team and application', () => {
    const r = new Rollups({ now: () => NOW });
    r.onAccepted([call(NOW - 3 * 24 * HOUR_MS), call(NOW - MINUTE_MS)], []);
    expect(() => r.calls('default', { fromMs: NOW - 48 * HOUR_MS, toMs: NOW, groupBy: ['team'] })).toThrow(RollupRangeError);
    expect(r.calls('default', { fromMs: NOW - 24 * HOUR_MS, toMs: NOW, groupBy: ['team'] })[0].cell.counters[COUNTER_INDEX.requests]).toBe(1);
    expect(r.calls('default', { fromMs: NOW - 4 * 24 * HOUR_MS, toMs: NOW, groupBy: ['model'] })[0].cell.counters[COUNTER_INDEX.requests]).toBe(2);
    // Latency by team: minute cells only.
    expect(r.calls('default', { fromMs: NOW - HOUR_MS, toMs: NOW, groupBy: ['team'], distributions: true })[0].cell.latency!.count).toBe(1);
    expect(() => r.calls('default', { fromMs: NOW - 3 * HOUR_MS, toMs: NOW, groupBy: ['team'], distributions: true })).toThrow(/kept per minute for 2 hours only/);
  });

  it('counts calls past 90% of their model\'s context window, live and rebuilt, with the configured windows', async () => {
    const windowOf = contextWindowOf({ 'house-model': 10_000, 'azure/gpt-4o': 64_000 });
    const at = (minutesAgo: number, provider: string, model: string, input: number, feature = 'chat', over: Partial<SpanRecord> = {}) =>
      call(NOW - minutesAgo * MINUTE_MS, { provider, requestModel: model, usage: { input, output: 10, cacheRead: 0, cacheWrite: 0, reasoning: 0, audio: 0 }, attribution: { ...emptyAttribution(), feature }, ...over });
    const spans = [
      at(1, 'openai', 'gpt-4o', 115_201), // catalog: 128,000
      at(2, 'openai', 'gpt-4o', 115_200), // exactly 90%: not past
      at(3, 'openai', 'gpt-4o', 64_000, 'search'),
      at(4, 'azure', 'gpt-4o', 57_601, 'search'), // azure/gpt-4o: 64,000
      at(5, 'acme', 'house-model', 9_001), // named only in the config
      at(6, 'acme', 'house-model', 9_000),
      at(7, 'acme', 'mystery-9', 10_000_000), // no window
      at(8, 'openai', 'gpt-4o', 127_000, 'chat', { kind: 'tool' }), // not a model call
      at(9, 'azure', 'gpt-4o', 57_601, 'dated', { responseModel: 'gpt-4o-2024-08-06' }), // answered by a dated model: azure/gpt-4o's 64,000
      at(3 * 60, 'acme', 'house-model', 9_500), // in the hour cells only
    ];
    await store.close();
    store = await DuckDbStore.open(null, { contextWindowOf: windowOf });
    const live = new Rollups({ now: () => NOW, contextWindowOf: windowOf });
    live.onAccepted(spans, []);
    await store.write({ spans, scores: [], logs: [] });
    const rebuilt = new Rollups({ now: () => NOW, contextWindowOf: windowOf });
    await rebuilt.rebuild(store);
    const near = (r: Rollups, windowMs: number) =>
      r
        .calls('default', { fromMs: NOW - windowMs, toMs: NOW, groupBy: ['provider', 'model', 'feature'] })
        .map((g) => `${g.labels.provider}/${g.labels.model}/${g.labels.feature} ${g.cell.counters[COUNTER_INDEX.near_context_limit]}`)
        .sort();
    const want = ['acme/house-model/chat 1', 'acme/mystery-9/chat 0', 'azure/gpt-4o-2024-08-06/dated 1', 'azure/gpt-4o/search 1', 'openai/gpt-4o/chat 1', 'openai/gpt-4o/search 0'];
    expect(near(live, 15 * MINUTE_MS)).toEqual(want);
    expect(near(rebuilt, 15 * MINUTE_MS)).toEqual(want);
    const day = want.map((w) => (w === 'acme/house-model/chat 1' ? 'acme/house-model/chat 2' : w));
    expect(near(live, 24 * HOUR_MS)).toEqual(day);
    expect(near(rebuilt, 24 * HOUR_MS)).toEqual(day);
    // Without the configuration, house-model has no window and azure's gpt-4o the catalog's.
    const catalogOnly = new Rollups({ now: () => NOW });
    catalogOnly.onAccepted(spans, []);
    expect(near(catalogOnly, 15 * MINUTE_MS)).toEqual(['acme/house-model/chat 0', 'acme/mystery-9/chat 0', 'azure/gpt-4o-2024-08-06/dated 0', 'azure/gpt-4o/search 0', 'openai/gpt-4o/chat 1', 'openai/gpt-4o/search 0']);
  });

  it('keeps projects apart, ignores non-LLM spans and forgets cells past retention', () => {
    let now = NOW;
    const r = new Rollups({ now: () => now });
    r.onAccepted([call(NOW - MINUTE_MS), call(NOW - MINUTE_MS, { projectId: 'b' }), call(NOW - MINUTE_MS, { kind: 'tool' })], []);
    expect(r.calls('default', { fromMs: NOW - HOUR_MS, toMs: NOW })[0].cell.counters[COUNTER_INDEX.requests]).toBe(1);
    expect(r.calls('b', { fromMs: NOW - HOUR_MS, toMs: NOW })[0].cell.counters[COUNTER_INDEX.requests]).toBe(1);
    expect(r.calls('c', { fromMs: NOW - HOUR_MS, toMs: NOW })).toEqual([]);
    now = NOW + 10 * 24 * HOUR_MS;
    r.onAccepted([], []);
    expect(r.calls('default', { fromMs: NOW - HOUR_MS, toMs: NOW })).toEqual([]);
    expect(r.lastSeen('default', ['model'], 0)).toEqual([]);
  });
});
