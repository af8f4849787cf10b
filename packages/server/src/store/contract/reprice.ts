import { describe, expect, it } from 'vitest';
import type { SpanRecord } from '../../domain/span.ts';
import { projectId, type RepriceProgress, type Store } from '../store.ts';
import { call, freshStore, pricedCost, reportedCost, type ContractOptions, type OpenStore } from './fixtures.ts';

// Re-pricing stored spans (`lookout prices backfill`, a new price override): which spans are
// candidates, what is written back, and that every read sees the new costs, to the nano-dollar.

const A = projectId('rp-a');
const B = projectId('rp-b');
const AT = Date.UTC(2026, 3, 1, 10);
const DAY = { fromMs: Date.UTC(2026, 3, 1), toMs: Date.UTC(2026, 3, 2) };

const spans = {
  u1: call({ project: A, atMs: AT, durationMs: 1, model: 'mystery', costNano: null }),
  u2: call({ project: B, atMs: AT, durationMs: 1, model: 'mystery', costNano: null }),
  u3: call({ project: A, atMs: AT + 1000, durationMs: 1, model: 'other-unknown', costNano: null }),
  p1: call({ project: A, atMs: AT + 2000, durationMs: 1, model: 'gpt-4o', costNano: 4_500_000 }),
  p2: call({ project: A, atMs: AT + 3000, durationMs: 1, model: 'claude', costNano: 1_000 }),
  r1: { ...call({ project: A, atMs: AT + 4000, durationMs: 1, model: 'mystery', costNano: 0 }), cost: reportedCost(777) },
  r2: { ...call({ project: A, atMs: AT + 5000, durationMs: 1, model: 'gpt-4o', costNano: 0 }), cost: reportedCost(888) },
};
type Name = keyof typeof spans;

// The new prices: awkward amounts so that any float step shows; claude's price is unchanged.
const NEW_NANO: Record<string, number> = { mystery: 999_999_999, 'other-unknown': 1, 'gpt-4o': 123_456_789 };
function price(s: SpanRecord): SpanRecord['cost'] {
  const nano = NEW_NANO[s.requestModel ?? ''];
  return nano === undefined ? s.cost : pricedCost(nano, `override:${s.requestModel}`);
}

export function repriceContract(name: string, open: OpenStore, options: ContractOptions = {}): void {
  describe(`store contract (re-pricing): ${name}`, () => {
    const store = freshStore(open);

    async function run(filter: { onlyUnknown: boolean; models: string[] | null }) {
      await store().write({ spans: Object.values(spans), scores: [], logs: [] });
      // Sums kept ahead of reads must follow the new costs at once, without settling again.
      await options.settle?.(store());
      expect(await sums(A)).toEqual({ cost: 0.004502665, unknown_cost_requests: 2, cost_per_request: 0.001125666 });
      const seen: string[] = [];
      const progress: RepriceProgress[] = [];
      const result = await store().reprice(
        (s) => {
          seen.push(s.spanId);
          return price(s);
        },
        { ...filter, onProgress: (p) => progress.push(p) },
      );
      const idsOf = (names: Name[]) => names.map((n) => spans[n].spanId).sort();
      return { result, seen: seen.sort(), progress, idsOf };
    }

    const costOf = async (n: Name) => (await store().getSpan(spans[n].projectId === A ? A : B, spans[n].spanId))?.cost;
    const sums = async (p: typeof A) => (await store().analytics.query(p, { measures: ['cost', 'unknown_cost_requests', 'cost_per_request'], groupBy: [], filters: [], ...DAY })).rows[0];

    it('re-prices only unknown costs, in every project, never a provider-reported one', async () => {
      const { result, seen, progress, idsOf } = await run({ onlyUnknown: true, models: null });
      expect(result).toEqual({ updated: 3 });
      expect(seen).toEqual(idsOf(['u1', 'u2', 'u3']));
      expect(progress.at(-1)).toEqual({ done: 3, total: 3 });
      expect(await costOf('u1')).toEqual(pricedCost(999_999_999, 'override:mystery'));
      expect(await costOf('u2')).toEqual(pricedCost(999_999_999, 'override:mystery'));
      expect(await costOf('u3')).toEqual(pricedCost(1, 'override:other-unknown'));
      expect(await costOf('p1')).toEqual(spans.p1.cost);
      expect(await costOf('r1')).toEqual(reportedCost(777));
      // rp-a: 999,999,999 + 1 + 4,500,000 + 1,000 + 777 + 888 nano-dollars over 6 priced calls.
      expect(await sums(A)).toEqual({ cost: 1.004502665, unknown_cost_requests: 0, cost_per_request: 0.167417111 });
      expect(await sums(B)).toEqual({ cost: 0.999999999, unknown_cost_requests: 0, cost_per_request: 0.999999999 });
      expect(await store().listUnknownModels(A)).toEqual([]);
      const chargeback = await store().analytics.chargeback(A, { month: '2026-04', by: ['team'] });
      expect(chargeback.totals).toMatchObject({ costUsdDecimal: '1.004502665', unknownCostRequests: 0 });
    });

    it('re-prices the unknown costs of the given models only', async () => {
      const { result, seen, progress, idsOf } = await run({ onlyUnknown: true, models: ['mystery'] });
      expect(result).toEqual({ updated: 2 });
      expect(seen).toEqual(idsOf(['u1', 'u2']));
      expect(progress.at(-1)).toEqual({ done: 2, total: 2 });
      expect(await costOf('u3')).toEqual(spans.u3.cost);
      expect(await costOf('r1')).toEqual(reportedCost(777));
      expect(await sums(A)).toMatchObject({ cost: 1.004502664, unknown_cost_requests: 1 });
      expect((await store().listUnknownModels(A)).map((m) => m.model)).toEqual(['other-unknown']);
    });

    it('re-prices every span of the given models, counting only the costs that changed', async () => {
      const { result, seen, progress, idsOf } = await run({ onlyUnknown: false, models: ['gpt-4o', 'claude'] });
      expect(result).toEqual({ updated: 1 }); // claude's price is the same; r2 is provider-reported
      expect(seen).toEqual(idsOf(['p1', 'p2']));
      expect(progress.at(-1)).toEqual({ done: 2, total: 2 });
      expect(await costOf('p1')).toEqual(pricedCost(123_456_789, 'override:gpt-4o'));
      expect(await costOf('p2')).toEqual(spans.p2.cost);
      expect(await costOf('r2')).toEqual(reportedCost(888));
      expect(await costOf('u1')).toEqual(spans.u1.cost);
      // 123,456,789 + 1,000 + 777 + 888
      expect(await sums(A)).toMatchObject({ cost: 0.123459454, unknown_cost_requests: 2 });
    });

    it('re-prices every span but the provider-reported ones', async () => {
      const { result, seen, progress, idsOf } = await run({ onlyUnknown: false, models: null });
      expect(result).toEqual({ updated: 4 });
      expect(seen).toEqual(idsOf(['u1', 'u2', 'u3', 'p1', 'p2']));
      expect(progress.at(-1)).toEqual({ done: 5, total: 5 });
      for (let i = 1; i < progress.length; i++) expect(progress[i].done).toBeGreaterThan(progress[i - 1].done);
      expect(progress.every((p) => p.total === 5)).toBe(true);
      // 999,999,999 + 1 + 123,456,789 + 1,000 + 777 + 888
      expect(await sums(A)).toMatchObject({ cost: 1.123459454, unknown_cost_requests: 0 });
      expect((await store().spendByAttribution(A, { ...DAY, bucket: 'day', limit: 10 })).rows.map((r) => r.costNanoUsd)).toEqual([1_123_459_454n]);
    });

    it('reports nothing to do on an empty store', async () => {
      const progress: RepriceProgress[] = [];
      expect(await store().reprice(price, { onlyUnknown: false, models: null, onProgress: (p) => progress.push(p) })).toEqual({ updated: 0 });
      expect(progress.every((p) => p.done === 0)).toBe(true);
    });
  });
}
