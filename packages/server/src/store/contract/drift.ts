import { describe, expect, it } from 'vitest';
import { emptyDriftCounts, type DriftCounts } from '../../domain/drift.ts';
import { QUALITY_METADATA } from '../../domain/quality.ts';
import { projectId, type RetrievalAggregateRow, type Store } from '../store.ts';
import { call, sharedStore, type OpenStore } from './fixtures.ts';

// D5: retrieval and embedding facts summed per bucket and feature (store/drift.ts), the same from
// every backend: the bins of the top scores, documents returned, embedding truncation.

const A = projectId('drift-a');
const B = projectId('drift-b');
const T = Date.UTC(2026, 3, 1, 10); // an hour's start
const SEC = 1000;
const MINUTE = 60 * SEC;
const HOUR = 60 * MINUTE;

const retrieval = (project: string, atMs: number, feature: string | null, top: string | null, docs: string | null, raw: Record<string, string> = {}) =>
  call({
    project,
    kind: 'retrieval',
    atMs,
    durationMs: 10,
    costNano: null,
    ...(feature === null ? {} : { feature }),
    metadata: { ...raw, ...(top === null ? {} : { [QUALITY_METADATA.retrievalTopScore]: top }), ...(docs === null ? {} : { [QUALITY_METADATA.retrievalDocuments]: docs }) },
  });
const embedding = (project: string, atMs: number, feature: string, truncated: 'true' | 'false' | null) =>
  call({ project, kind: 'embedding', atMs, durationMs: 10, costNano: 1, feature, metadata: truncated === null ? {} : { [QUALITY_METADATA.embeddingTruncated]: truncated } });

async function seed(store: Store): Promise<void> {
  await store.write({
    spans: [
      retrieval(A, T + SEC, 'search', '0.95', '5'),
      retrieval(A, T + 2 * SEC, 'search', '0.3', '3'),
      retrieval(A, T + 3 * SEC, 'search', '1', null), // the last bin is closed at 1
      retrieval(A, T + 4 * SEC, 'search', '1.7', '2'), // clamped into the last bin
      retrieval(A, T + 5 * SEC, 'search', null, '0'), // nothing found: counted, no score
      retrieval(A, T + 6 * SEC, null, '0.05', '1'),
      // Only Lookout's keys count: a raw score the chain did not confirm is not read here.
      retrieval(A, T + 7 * SEC, 'search', null, null, { 'retrieval.top_score': '0.5' }),
      retrieval(A, T + MINUTE + SEC, 'search', '0.55', '4'),
      embedding(A, T + 8 * SEC, 'search', 'true'),
      embedding(A, T + 9 * SEC, 'search', 'false'),
      embedding(A, T + 10 * SEC, 'search', null), // unknown: not in the rate
      // Not counted: other kinds, other projects (when one is asked for), outside the range.
      call({ project: A, atMs: T + 11 * SEC, durationMs: 1, costNano: 1, feature: 'search', metadata: { [QUALITY_METADATA.retrievalTopScore]: '0.9' } }),
      retrieval(A, T - 1, 'search', '0.9', '9'),
      retrieval(A, T + HOUR, 'search', '0.9', '9'),
      retrieval(B, T + SEC, 'search', '0.15', '7'),
    ],
    scores: [],
    logs: [],
  });
}

function counts(over: Partial<DriftCounts> & { bins?: Record<number, number> }): DriftCounts {
  const c = emptyDriftCounts();
  const { bins, ...rest } = over;
  for (const [i, n] of Object.entries(bins ?? {})) c.scoreBins[Number(i)] = n;
  return { ...c, ...rest };
}

const sorted = (rows: RetrievalAggregateRow[]) =>
  rows
    .map((r) => ({ ...r, counts: { ...r.counts, scoreSum: Math.round(r.counts.scoreSum * 1e9) / 1e9 } }))
    .sort((x, y) => x.bucketStartMs - y.bucketStartMs || x.projectId.localeCompare(y.projectId) || String(x.feature).localeCompare(String(y.feature)));

export function driftContract(name: string, open: OpenStore): void {
  describe(`store contract (retrieval drift): ${name}`, () => {
    const store = sharedStore(open, seed);

    it("sums one project's facts per minute and feature within a range", async () => {
      const rows = sorted(await store().aggregateRetrieval({ project: A, fromMs: T, toMs: T + HOUR, bucketMs: MINUTE }));
      expect(rows).toEqual(
        sorted([
          { projectId: A, bucketStartMs: T, feature: null, counts: counts({ retrievals: 1, bins: { 0: 1 }, scoreSum: 0.05, withDocuments: 1, documents: 1 }) },
          {
            projectId: A,
            bucketStartMs: T,
            feature: 'search',
            counts: counts({ retrievals: 6, bins: { 9: 3, 3: 1 }, scoreSum: 3.25, withDocuments: 4, documents: 10, embeddings: 2, truncated: 1 }),
          },
          { projectId: A, bucketStartMs: T + MINUTE, feature: 'search', counts: counts({ retrievals: 1, bins: { 5: 1 }, scoreSum: 0.55, withDocuments: 1, documents: 4 }) },
        ]),
      );
    });

    it('narrows to a feature, and reads every project per hour for the rollups', async () => {
      const one = await store().aggregateRetrieval({ project: A, fromMs: T, toMs: T + HOUR, bucketMs: HOUR, feature: 'search' });
      expect(one.map((r) => [r.feature, r.counts.retrievals])).toEqual([['search', 7]]);
      const all = sorted((await store().aggregateRetrieval({ fromMs: T, bucketMs: HOUR })).filter((r) => r.projectId === A || r.projectId === B));
      expect(all.map((r) => [r.projectId, r.bucketStartMs - T, r.feature, r.counts.retrievals])).toEqual([
        [A, 0, null, 1],
        [A, 0, 'search', 7],
        [B, 0, 'search', 1],
        [A, HOUR, 'search', 1],
      ]);
      expect(all[2].counts.scoreBins[1]).toBe(1);
      const none = await store().aggregateRetrieval({ project: A, fromMs: T, toMs: T + HOUR, bucketMs: HOUR, feature: null });
      expect(none.map((r) => [r.feature, r.counts.retrievals])).toEqual([[null, 1]]);
      const summed = await store().aggregateRetrieval({ project: A, fromMs: T, toMs: T + HOUR, bucketMs: HOUR, sumFeatures: true });
      expect(summed.map((r) => [r.feature, r.counts.retrievals, r.counts.embeddings])).toEqual([[null, 8, 2]]);
    });
  });
}
