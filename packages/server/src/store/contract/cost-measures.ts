import { describe, expect, it } from 'vitest';
import type { Cost, SpanRecord, UsageBucket } from '../../domain/span.ts';
import type { AnalyticsQuery } from '../../query/contract.ts';
import { projectId, type Store } from '../store.ts';
import { DAY_RANGE, T0, call, sharedStore, type Call, type ContractOptions, type OpenStore } from './fixtures.ts';

// The cache, context-window and streaming measures (cache_hit_rate, cache_savings,
// context_window_use_*, near_context_limit, tokens_per_second_*, time_per_output_token_*) over
// hand-made calls whose answers are worked out beside them.

const C = projectId('cost-measures');
const W = projectId('context-windows');

function priced(byBucketNanoUsd: Partial<Record<UsageBucket, number>>): Cost {
  const total = Object.values(byBucketNanoUsd).reduce((a, b) => a + b, 0);
  return { status: 'priced', totalNanoUsd: total, byBucketNanoUsd, priceRowId: 'catalog:test/model', catalogVersion: 'test' };
}

function withCost(c: Omit<Call, 'project' | 'costNano'>, cost: Cost): SpanRecord {
  return { ...call({ ...c, project: C, costNano: 0 }), cost };
}

async function seed(store: Store): Promise<void> {
  await store.write({
    spans: [
      // chat, gpt-4o: input at 2.5 nano a token, cache reads at 1.25.
      // A: saves 3000 × 2.5 - 3750 = 3750 nano; streams 100 tokens in 1000 ms after its first:
      //    100 tokens/s, 10 ms a token.
      withCost(
        { atMs: T0, feature: 'chat', model: 'gpt-4o', durationMs: 1100, ttftMs: 100, usage: { input: 1000, cacheRead: 3000, output: 100 } },
        priced({ input: 2500, cacheRead: 3750, output: 1000 }),
      ),
      // B: 7 input tokens charged 18 nano (17.5 rounded), so a token at 18/7; 10 reads at that
      //    price are 25.71 → 26 nano, less their 13: saves 13. 40 tokens in 500 ms: 80/s, 12.5 ms.
      withCost(
        { atMs: T0 + 1, feature: 'chat', model: 'gpt-4o', durationMs: 600, ttftMs: 100, usage: { input: 7, cacheRead: 10, output: 40 } },
        priced({ input: 18, cacheRead: 13, output: 400 }),
      ),
      // C: not streamed (no ttft), writes the cache and reads nothing from it.
      withCost(
        { atMs: T0 + 2, feature: 'chat', team: 'batch', model: 'gpt-4o', durationMs: 200, ttftMs: null, usage: { input: 500, cacheWrite: 500, output: 10 } },
        priced({ input: 1250, cacheWrite: 1563, output: 100 }),
      ),
      // search, claude: input at 3 nano a token, reads at 0.3. D: saves 900 × 3 - 270 = 2430;
      // 300 tokens in 2000 ms after the first: 150/s, 6.67 ms.
      withCost(
        { atMs: T0 + 3, feature: 'search', model: 'claude', provider: 'anthropic', durationMs: 3100, ttftMs: 1100, usage: { input: 100, cacheRead: 900, output: 300 } },
        priced({ input: 300, cacheRead: 270, output: 4500 }),
      ),
      // E: a provider-reported cost has no buckets, so no saving is claimed; it ended at its
      //    first token, so it has no speed either.
      withCost(
        { atMs: T0 + 4, feature: 'search', model: 'claude', provider: 'anthropic', durationMs: 50, ttftMs: 50, usage: { input: 500, cacheRead: 500, output: 20 } },
        { status: 'provider_reported', totalNanoUsd: 5000, byBucketNanoUsd: {}, priceRowId: null, catalogVersion: null },
      ),
      // F: streamed, but no output to measure a speed by.
      withCost(
        { atMs: T0 + 5, feature: 'search', model: 'claude', provider: 'anthropic', durationMs: 100, ttftMs: 10, usage: { input: 100, output: 0 } },
        priced({ input: 300 }),
      ),
      // Context windows from the catalog: gpt-4o 128,000 tokens, claude-3-5-sonnet 200,000.
      // gpt-4o: 64,000 / 128,000 = 0.5; 120,000 → 0.9375 (past 90%); 115,200 → exactly 0.9 (not past).
      call({ project: W, atMs: T0, feature: 'chat', team: 'rag', durationMs: 1, costNano: 1, usage: { input: 60_000, cacheRead: 3_000, cacheWrite: 1_000 } }),
      call({ project: W, atMs: T0, feature: 'chat', durationMs: 1, costNano: 1, usage: { input: 120_000 } }),
      call({ project: W, atMs: T0, feature: 'chat', durationMs: 1, costNano: 1, usage: { input: 115_200 } }),
      // No prompt reported (a failed call): no use, and not near the limit.
      call({ project: W, atMs: T0, feature: 'chat', durationMs: 1, costNano: null, status: 'error', usage: { input: 0, output: 0 } }),
      // claude: 190,000 / 200,000 = 0.95 (past 90%); 20,000 → 0.1.
      call({ project: W, atMs: T0, feature: 'search', provider: 'anthropic', model: 'claude-3-5-sonnet', durationMs: 1, costNano: 1, usage: { input: 190_000 } }),
      call({ project: W, atMs: T0, feature: 'search', provider: 'anthropic', model: 'claude-3-5-sonnet', durationMs: 1, costNano: 1, usage: { input: 20_000 } }),
      // A model the catalog does not list has no window: no use, however long its prompt.
      call({ project: W, atMs: T0, feature: 'search', provider: 'acme', model: 'mystery-9', durationMs: 1, costNano: null, usage: { input: 1_000_000 } }),
    ],
    scores: [],
    logs: [],
  });
}

const MEASURES = ['cache_hit_rate', 'cache_savings', 'tokens_per_second_p50', 'tokens_per_second_p95', 'time_per_output_token_p50', 'time_per_output_token_p95'] as const;
const q = (over: Partial<AnalyticsQuery>): AnalyticsQuery => ({ measures: [...MEASURES], groupBy: [], filters: [], ...DAY_RANGE, ...over });

export function costMeasuresContract(name: string, open: OpenStore, options: ContractOptions = {}): void {
  describe(`store contract (cache and streaming measures): ${name}`, () => {
    const store = sharedStore(open, seed, options);

    it('measures the cache hit rate over every prompt token and the savings at each call\'s input price', async () => {
      const r = await store().analytics.query(C, q({ measures: ['cache_hit_rate', 'cache_savings', 'requests'], groupBy: ['feature'], orderBy: { measure: 'requests', dir: 'desc' } }));
      expect(r.rows).toEqual([
        // reads 3000 + 10 over prompts of 4000 + 17 + 1000 tokens; saves 3750 + 13 nano
        { feature: 'chat', cache_hit_rate: 3010 / 5017, cache_savings: 0.000003763, requests: 3 },
        // reads 900 + 500 over 1000 + 1000 + 100; only D's saving is known
        { feature: 'search', cache_hit_rate: 1400 / 2100, cache_savings: 0.00000243, requests: 3 },
      ]);
      // Alone, the rate is a ratio of sums, answered from the hourly totals where a backend keeps them.
      const byModel = await store().analytics.query(C, q({ measures: ['cache_hit_rate'], groupBy: ['model'] }));
      expect(byModel.rows).toEqual([{ model: 'claude', cache_hit_rate: 1400 / 2100 }, { model: 'gpt-4o', cache_hit_rate: 3010 / 5017 }]);
      const total = await store().analytics.query(C, q({ measures: ['cache_hit_rate', 'cache_savings'] }));
      expect(total.rows).toEqual([{ cache_hit_rate: 4410 / 7117, cache_savings: 0.000006193 }]);
      expect(total.columns.map((c) => c.unit)).toEqual(['fraction', 'usd']);
    });

    it('measures streaming speed over streamed calls with output after the first token, as percentiles by model', async () => {
      const byModel = await store().analytics.query(C, q({ groupBy: ['model'], orderBy: { measure: 'tokens_per_second_p50', dir: 'asc' } }));
      expect(byModel.rows.map((r) => r.model)).toEqual(['gpt-4o', 'claude']);
      const [gpt, claude] = byModel.rows;
      // gpt-4o: A (100/s, 10 ms) and B (80/s, 12.5 ms); ranks 0.5 and 0.95 between the two.
      const expected: [typeof gpt, string, number][] = [
        [gpt, 'tokens_per_second_p50', 90],
        [gpt, 'tokens_per_second_p95', 80 * 0.05 + 100 * 0.95],
        [gpt, 'time_per_output_token_p50', 11.25],
        [gpt, 'time_per_output_token_p95', 10 * 0.05 + 12.5 * 0.95],
        // claude: only D streams with output after its first token.
        [claude, 'tokens_per_second_p50', 150],
        [claude, 'tokens_per_second_p95', 150],
        [claude, 'time_per_output_token_p50', 2000 / 300],
        [claude, 'time_per_output_token_p95', 2000 / 300],
      ];
      for (const [row, m, v] of expected) expect(row[m], `${row.model} ${m}`).toBeCloseTo(v, 9);

      const all = (await store().analytics.query(C, q({}))).rows[0];
      // 80, 100, 150 tokens/s and 6.67, 10, 12.5 ms: rank 1 for p50, 1.9 for p95.
      expect(all.tokens_per_second_p50).toBeCloseTo(100, 9);
      expect(all.tokens_per_second_p95).toBeCloseTo(100 * 0.1 + 150 * 0.9, 9);
      expect(all.time_per_output_token_p50).toBeCloseTo(10, 9);
      expect(all.time_per_output_token_p95).toBeCloseTo(10 * 0.1 + 12.5 * 0.9, 9);
    });

    it("measures each call's prompt against its model's context window from the catalog, by model and feature", async () => {
      const measures = ['context_window_use_p50', 'context_window_use_p95', 'near_context_limit', 'requests'] as const;
      const byModel = await store().analytics.query(W, q({ measures: [...measures], groupBy: ['model'], orderBy: { measure: 'requests', dir: 'desc' } }));
      const rows = Object.fromEntries(byModel.rows.map((r) => [r.model, r]));
      expect(Object.keys(rows).sort()).toEqual(['claude-3-5-sonnet', 'gpt-4o', 'mystery-9']);
      // gpt-4o: 0.5, 0.9, 0.9375 (ranks 1 and 1.9); claude: 0.1, 0.95 (ranks 0.5 and 0.95).
      expect(rows['gpt-4o'].context_window_use_p50).toBeCloseTo(0.9, 12);
      expect(rows['gpt-4o'].context_window_use_p95).toBeCloseTo(0.9 * 0.1 + 0.9375 * 0.9, 12);
      expect(rows['claude-3-5-sonnet'].context_window_use_p50).toBeCloseTo(0.525, 12);
      expect(rows['claude-3-5-sonnet'].context_window_use_p95).toBeCloseTo(0.1 * 0.05 + 0.95 * 0.95, 12);
      expect(rows['mystery-9']).toMatchObject({ context_window_use_p50: null, context_window_use_p95: null, near_context_limit: 0, requests: 1 });
      expect([rows['gpt-4o'].near_context_limit, rows['claude-3-5-sonnet'].near_context_limit]).toEqual([1, 1]);

      const byFeature = await store().analytics.query(W, q({ measures: [...measures], groupBy: ['feature'], orderBy: { measure: 'requests', dir: 'desc' } }));
      expect(byFeature.rows.map((r) => [r.feature, r.near_context_limit, r.requests])).toEqual([
        ['chat', 1, 4],
        ['search', 1, 3],
      ]);
      // Cached prompt tokens fill the window too: (60,000 + 3,000 + 1,000) / 128,000.
      const cached = await store().analytics.query(W, q({ measures: ['context_window_use_p50'], filters: [{ dimension: 'team', values: ['rag'] }] }));
      expect(cached.rows).toEqual([{ context_window_use_p50: 0.5 }]);
      const all = (await store().analytics.query(W, q({ measures: [...measures] }))).rows[0];
      // 0.1, 0.5, 0.9, 0.9375, 0.95: ranks 2 and 3.8.
      expect(all.context_window_use_p50).toBeCloseTo(0.9, 12);
      expect(all.context_window_use_p95).toBeCloseTo(0.9375 * 0.2 + 0.95 * 0.8, 12);
      expect(all.near_context_limit).toBe(2);
      expect(byModel.columns.map((c) => c.unit)).toEqual([undefined, 'fraction', 'fraction', 'count', 'count']);
    });

    it('has no speed for a group without a streamed call, and a hit rate of 0 without reads', async () => {
      const batch = await store().analytics.query(C, q({ filters: [{ dimension: 'team', values: ['batch'] }] }));
      expect(batch.rows).toEqual([{ cache_hit_rate: 0, cache_savings: 0, tokens_per_second_p50: null, tokens_per_second_p95: null, time_per_output_token_p50: null, time_per_output_token_p95: null }]);
      const none = await store().analytics.query(projectId('nobody'), q({}));
      expect(none.rows).toEqual([{ cache_hit_rate: null, cache_savings: 0, tokens_per_second_p50: null, tokens_per_second_p95: null, time_per_output_token_p50: null, time_per_output_token_p95: null }]);
    });
  });
}
