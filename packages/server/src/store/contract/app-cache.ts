import { describe, expect, it } from 'vitest';
import { EVALUATION_FEATURE, QUALITY_METADATA } from '../../domain/quality.ts';
import { emptyUsage, unpricedCost, type SpanRecord } from '../../domain/span.ts';
import type { AnalyticsQuery } from '../../query/contract.ts';
import { projectId, type Store } from '../store.ts';
import { DAY_RANGE, T0, call, sharedStore, type ContractOptions, type OpenStore } from './fixtures.ts';

// C6: application cache lookups (app_cache_lookups, app_cache_hits, app_cache_misses,
// app_cache_hit_rate) over the spans the chain marked hit or miss (QUALITY_METADATA.appCacheLookup):
// an application's own cache spans and the gateway's response-cache lookups. A query of them
// reads the lookups only; the calls' measures never count a cache span.

const P = projectId('app-cache');
const HOUR_MS = 3_600_000;
const mark = (result: string) => ({ [QUALITY_METADATA.appCacheLookup]: result });

// A cache span of the application: no model, no usage, no cost.
function lookup(atMs: number, feature: string, result: string | null, extra: Record<string, string> = {}): SpanRecord {
  const base = call({ project: P, atMs, durationMs: 2, costNano: 0, feature, kind: 'other', metadata: { ...(result === null ? {} : mark(result)), ...extra } });
  return { ...base, name: 'cache.get', provider: null, requestModel: null, responseModel: null, usage: emptyUsage(), cost: unpricedCost(), finishReason: null };
}

async function seed(store: Store): Promise<void> {
  await store.write({
    spans: [
      // LLM calls: two that went to the model, one the gateway's response cache answered.
      call({ project: P, atMs: T0, durationMs: 100, costNano: 1000, feature: 'chat', model: 'gpt-4o' }),
      call({ project: P, atMs: T0 + 1, durationMs: 100, costNano: 1000, feature: 'search', model: 'gpt-4o' }),
      call({ project: P, atMs: T0 + 2, durationMs: 1, costNano: 0, feature: 'chat', model: 'gpt-4o-mini', metadata: { 'gateway.cache': 'hit', ...mark('hit') } }),
      // The application's cache lookups.
      lookup(T0 + 3, 'chat', 'hit'),
      lookup(T0 + 4, 'chat', 'hit'),
      lookup(T0 + 5, 'chat', 'miss'),
      lookup(T0 + 6, 'search', 'miss'),
      // Not counted: a client's own spelling the chain did not mark (the store reads the mark
      // only), a span with no cache at all, and the judge's spans.
      lookup(T0 + 7, 'search', null, { 'cache.hit': 'true' }),
      lookup(T0 + 8, 'search', null),
      lookup(T0 + 9, EVALUATION_FEATURE, 'hit'),
    ],
    scores: [],
    logs: [],
  });
}

const q = (over: Partial<AnalyticsQuery>): AnalyticsQuery => ({
  measures: ['app_cache_lookups', 'app_cache_hits', 'app_cache_misses', 'app_cache_hit_rate'],
  groupBy: [],
  filters: [],
  ...DAY_RANGE,
  ...over,
});

export function appCacheContract(name: string, open: OpenStore, options: ContractOptions = {}): void {
  describe(`store contract (application cache): ${name}`, () => {
    const store = sharedStore(open, seed, options);

    it('counts the marked lookups as hits and misses, and the hit rate as hits over lookups', async () => {
      expect((await store().analytics.query(P, q({}))).rows).toEqual([{ app_cache_lookups: 5, app_cache_hits: 3, app_cache_misses: 2, app_cache_hit_rate: 0.6 }]);
    });

    it('groups them by feature and model like any measure', async () => {
      const byFeature = await store().analytics.query(P, q({ groupBy: ['feature'], orderBy: { measure: 'app_cache_lookups', dir: 'desc' } }));
      expect(byFeature.rows).toEqual([
        { feature: 'chat', app_cache_lookups: 4, app_cache_hits: 3, app_cache_misses: 1, app_cache_hit_rate: 0.75 },
        { feature: 'search', app_cache_lookups: 1, app_cache_hits: 0, app_cache_misses: 1, app_cache_hit_rate: 0 },
      ]);
      const byModel = await store().analytics.query(P, q({ measures: ['app_cache_hit_rate', 'app_cache_lookups'], groupBy: ['model'], orderBy: { measure: 'app_cache_lookups', dir: 'desc' } }));
      expect(byModel.rows).toEqual([
        { model: null, app_cache_hit_rate: 0.5, app_cache_lookups: 4 },
        { model: 'gpt-4o-mini', app_cache_hit_rate: 1, app_cache_lookups: 1 },
      ]);
      const chat = await store().analytics.query(P, q({ measures: ['app_cache_hits'], filters: [{ dimension: 'feature', values: ['chat'] }] }));
      expect(chat.rows).toEqual([{ app_cache_hits: 3 }]);
    });

    it('fills a time series with zero lookups and a null rate where there were none', async () => {
      const byHour = await store().analytics.query(P, q({ measures: ['app_cache_lookups', 'app_cache_hit_rate'], bucket: 'hour', fromMs: T0 - HOUR_MS, toMs: T0 + HOUR_MS }));
      expect(byHour.rows.map((r) => [r.app_cache_lookups, r.app_cache_hit_rate])).toEqual([
        [0, null],
        [5, 0.6],
      ]);
    });

    it('leaves the calls measures to the LLM calls: a cache span is no request and no cost', async () => {
      const calls = await store().analytics.query(P, { measures: ['requests', 'cost', 'total_tokens'], groupBy: [], filters: [], ...DAY_RANGE });
      expect(calls.rows).toEqual([{ requests: 3, cost: 0.000002, total_tokens: 3600 }]);
    });

    it('refuses a query mixing lookups with the calls measures, naming both', async () => {
      await expect(store().analytics.query(P, q({ measures: ['app_cache_hit_rate', 'requests'] }))).rejects.toThrow(/app_cache_hit_rate count application cache lookups.*requests/);
    });
  });
}
