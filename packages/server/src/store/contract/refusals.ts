import { describe, expect, it } from 'vitest';
import { QUALITY_METADATA } from '../../domain/quality.ts';
import type { AnalyticsQuery } from '../../query/contract.ts';
import { projectId, type Store } from '../store.ts';
import { DAY_RANGE, T0, call, sharedStore, type ContractOptions, type OpenStore } from './fixtures.ts';

// C5: refusals and refusal_rate (analytics) and the rollups' refusal counter, over generations the
// chain marked (QUALITY_METADATA.refusal). The rate is over generations: an embedding cannot
// refuse, so it counts in requests but not in the rate's denominator.

const R = projectId('refusals');
const HOUR_MS = 3_600_000;
const refused = { [QUALITY_METADATA.refusal]: 'true' };

async function seed(store: Store): Promise<void> {
  await store.write({
    spans: [
      call({ project: R, atMs: T0, durationMs: 10, costNano: 1, feature: 'chat', metadata: refused }),
      call({ project: R, atMs: T0 + 1, durationMs: 10, costNano: 1, feature: 'chat' }),
      call({ project: R, atMs: T0 + 2, durationMs: 10, costNano: 1, feature: 'search', finishReason: 'content_filter', metadata: refused }),
      call({ project: R, atMs: T0 + 3, durationMs: 10, costNano: 1, feature: 'chat', kind: 'embedding' }),
      // Only the chain's 'true' counts; a span that is not a model call is out of the measures' scope.
      call({ project: R, atMs: T0 + 4, durationMs: 10, costNano: 1, feature: 'search', metadata: { [QUALITY_METADATA.refusal]: 'false' } }),
      call({ project: R, atMs: T0 + 5, durationMs: 10, costNano: 1, feature: 'chat', kind: 'tool', metadata: refused }),
    ],
    scores: [],
    logs: [],
  });
}

const q = (over: Partial<AnalyticsQuery>): AnalyticsQuery => ({ measures: ['refusals', 'refusal_rate', 'requests'], groupBy: [], filters: [], ...DAY_RANGE, ...over });

export function refusalsContract(name: string, open: OpenStore, options: ContractOptions = {}): void {
  describe(`store contract (refusals): ${name}`, () => {
    const store = sharedStore(open, seed, options);

    it('counts refused generations and their share of generations', async () => {
      expect((await store().analytics.query(R, q({}))).rows).toEqual([{ refusals: 2, refusal_rate: 0.5, requests: 5 }]);
    });

    it('groups and buckets them like any measure, null where a group has no generation', async () => {
      const byFeature = await store().analytics.query(R, q({ groupBy: ['feature'], orderBy: { measure: 'requests', dir: 'desc' } }));
      expect(byFeature.rows).toEqual([
        { feature: 'chat', refusals: 1, refusal_rate: 0.5, requests: 3 },
        { feature: 'search', refusals: 1, refusal_rate: 0.5, requests: 2 },
      ]);
      const embeddings = await store().analytics.query(R, q({ filters: [{ dimension: 'kind', values: ['embedding'] }] }));
      expect(embeddings.rows).toEqual([{ refusals: 0, refusal_rate: null, requests: 1 }]);
      const byHour = await store().analytics.query(R, q({ bucket: 'hour', fromMs: T0 - HOUR_MS, toMs: T0 + HOUR_MS }));
      expect(byHour.rows.map((r) => [r.refusals, r.refusal_rate])).toEqual([[0, null], [2, 0.5]]);
    });

    it('gives the rollups the refused model calls per group', async () => {
      const rows = (await store().aggregateCalls({ fromMs: T0 - HOUR_MS, bucketMs: HOUR_MS, detail: 'all' })).filter((r) => r.projectId === R);
      const byFeature = Object.fromEntries(rows.map((r) => [String(r.feature), r.refusals]));
      expect(byFeature).toEqual({ chat: 1, search: 1 });
    });
  });
}
