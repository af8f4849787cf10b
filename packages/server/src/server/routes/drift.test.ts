import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOUR_MS } from '../../domain/time.ts';
import { makeTestApp, type TestApp } from '../../testing/app.ts';

// Retrieval drift over the API: retrieval and embedding spans sent through the native API get
// their facts from the chain, and the drift answer compares the range with the period before it.

let t: TestApp;
const NOW_MS = Date.now();
const HOUR_START = Math.floor(NOW_MS / HOUR_MS) * HOUR_MS;

function retrieval(atMs: number, feature: string | null, top: number, docs: number) {
  return { type: 'span', kind: 'retrieval', name: 'retrieval.search', startTime: atMs, durationMs: 40, ...(feature ? { feature } : {}), metadata: { 'retrieval.top_score': top, 'retrieval.num_results': docs } };
}

function embedding(atMs: number, feature: string, truncated: boolean) {
  return { type: 'span', kind: 'embedding', startTime: atMs, durationMs: 20, model: 'text-embedding-3-small', provider: 'openai', feature, metadata: { 'embedding.truncated': truncated, 'embedding.num_inputs': 1 } };
}

beforeAll(async () => {
  t = await makeTestApp();
  const batch: unknown[] = [];
  // The baseline, 2..1 hours before the current hour: doc-search scores 0.85..0.95.
  for (let i = 0; i < 20; i++) batch.push(retrieval(HOUR_START - 2 * HOUR_MS + i * 60_000, 'doc-search', 0.85 + (i % 2) * 0.1, 5), embedding(HOUR_START - 2 * HOUR_MS + i * 60_000 + 1, 'doc-search', false));
  // The range, the last hour before the current one: the scores dropped to 0.35..0.45, and half the embeddings were truncated.
  for (let i = 0; i < 20; i++) batch.push(retrieval(HOUR_START - HOUR_MS + i * 30_000, 'doc-search', 0.35 + (i % 2) * 0.1, 2), embedding(HOUR_START - HOUR_MS + i * 30_000 + 1, 'doc-search', i % 2 === 0));
  // Another feature, unchanged, and a retrieval without a feature.
  for (let i = 0; i < 10; i++) batch.push(retrieval(HOUR_START - 2 * HOUR_MS + i * 60_000, 'faq', 0.75, 3), retrieval(HOUR_START - HOUR_MS + i * 60_000, 'faq', 0.75, 3));
  batch.push(retrieval(HOUR_START - HOUR_MS + 30 * 60_000, null, 0.5, 1));
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: { batch } });
  expect(res.statusCode, res.body).toBe(200);
});

afterAll(async () => {
  await t?.close();
});

const range = () => `from=${new Date(HOUR_START - HOUR_MS).toISOString()}&to=${new Date(HOUR_START).toISOString()}`;

describe('GET /api/v1/quality/drift', () => {
  it("answers one feature's series and its PSI against the period before the range", async () => {
    const res = await t.app.inject({ url: `/api/v1/quality/drift?${range()}&feature=doc-search` });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ feature: 'doc-search', statistic: 'psi', bucketSeconds: 300 });
    expect(body.baseline).toMatchObject({ from: new Date(HOUR_START - 2 * HOUR_MS).toISOString(), retrievals: 20, embeddings: 20, truncated: 0, documentsAvg: 5 });
    expect(body.baseline.scoreBins).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 10, 10]);
    expect(body.total).toMatchObject({ retrievals: 20, documentsAvg: 2, embeddings: 20, truncated: 10, truncationRate: 0.5 });
    expect(body.total.scoreBins).toEqual([0, 0, 0, 10, 10, 0, 0, 0, 0, 0]);
    expect(body.total.topScore.mean).toBeCloseTo(0.4, 9);
    expect(body.total.topScore.p50).toBeCloseTo(0.4, 9);
    expect(body.psi).toBeGreaterThan(1);
    // Ten minutes of spans in two five-minute buckets, each with its own PSI against the baseline.
    expect(body.series).toHaveLength(2);
    expect(body.series.every((p: { psi: number }) => p.psi > 0.25)).toBe(true);
    expect(body.series.map((p: { retrievals: number }) => p.retrievals)).toEqual([10, 10]);
  });

  it('lists the features with their own PSI, and reads all features together or the spans without one', async () => {
    const all = (await t.app.inject({ url: `/api/v1/quality/drift?${range()}` })).json();
    expect(all.feature).toBeNull();
    expect(all.total.retrievals).toBe(31);
    const byName = Object.fromEntries(all.features.map((f: { feature: string | null; psi: number | null }) => [f.feature, f]));
    expect(byName['doc-search'].psi).toBeGreaterThan(1);
    expect(byName.faq.psi).toBe(0);
    expect(byName.null).toMatchObject({ retrievals: 1, psi: null });
    expect(all.features[0].feature).toBe('doc-search');
    // A bucket with a single retrieval has no PSI of its own: it would be noise.
    expect(all.series.find((p: { retrievals: number }) => p.retrievals === 1)).toMatchObject({ psi: null });
    const none = (await t.app.inject({ url: `/api/v1/quality/drift?${range()}&feature=(none)` })).json();
    expect(none.total.retrievals).toBe(1);
    expect(none.psi).toBeNull();
    // A longer baseline reaches further back: here, nothing more.
    const longer = (await t.app.inject({ url: `/api/v1/quality/drift?${range()}&feature=faq&baseline=6h` })).json();
    expect(longer.baseline).toMatchObject({ from: new Date(HOUR_START - 7 * HOUR_MS).toISOString(), retrievals: 10 });
  });

  it('refuses bad parameters with a 400 naming them', async () => {
    for (const [query, pattern] of [
      ['baseline=soon', /baseline/],
      ['baseline=100d', /baseline/],
      ['from=yesterday-ish', /from/],
      ['bucket=1h', /bucket/],
    ] as const) {
      const res = await t.app.inject({ url: `/api/v1/quality/drift?${query}` });
      expect(res.statusCode, query).toBe(400);
      expect(res.json().error.message, query).toMatch(pattern);
    }
  });
});
