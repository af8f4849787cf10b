import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { emptyAttribution, type SpanRecord } from '../domain/span.ts';
import { QUALITY_METADATA } from '../domain/quality.ts';
import { HOUR_MS, MINUTE_MS } from '../domain/time.ts';
import { DuckDbStore } from '../store/duckdb/store.ts';
import { makeSpan } from '../testing/fixtures.ts';
import { Rollups, WorkBudget, RollupRangeError } from './rollups.ts';
import { DRIFT_HOUR_RETENTION_MS, MAX_FEATURES_PER_BUCKET, OVERFLOW_FEATURE } from './retrieval.ts';

const NOW = Date.UTC(2026, 10, 20, 12, 30, 15);

function retrieval(atMs: number, feature: string | null, top: number | null, docs: number | null): SpanRecord {
  const metadata: Record<string, string> = {};
  if (top !== null) metadata[QUALITY_METADATA.retrievalTopScore] = String(top);
  if (docs !== null) metadata[QUALITY_METADATA.retrievalDocuments] = String(docs);
  return makeSpan({ kind: 'retrieval', startUs: atMs * 1000, endUs: atMs * 1000 + 50_000, provider: null, requestModel: null, attribution: { ...emptyAttribution(), feature }, metadata });
}

function embedding(atMs: number, feature: string, truncated: boolean | null): SpanRecord {
  return makeSpan({
    kind: 'embedding',
    startUs: atMs * 1000,
    endUs: atMs * 1000 + 20_000,
    requestModel: 'text-embedding-3-small',
    attribution: { ...emptyAttribution(), feature },
    metadata: truncated === null ? {} : { [QUALITY_METADATA.embeddingTruncated]: String(truncated) },
  });
}

// 30 hours of two features: doc-search scores 0.8..0.99 until 3 hours ago, then 0.2..0.49
// with truncated embeddings; faq steady.
function traffic(): SpanRecord[] {
  const spans: SpanRecord[] = [];
  let i = 0;
  for (let t = NOW - 30 * HOUR_MS; t < NOW; t += 60_000, i++) {
    const dropped = t >= NOW - 3 * HOUR_MS;
    spans.push(retrieval(t, 'doc-search', dropped ? 0.2 + (i % 30) / 100 : 0.8 + (i % 20) / 100, 3 + (i % 5)));
    spans.push(embedding(t + 1, 'doc-search', dropped ? i % 4 !== 0 : i % 50 === 0));
    if (i % 2 === 0) spans.push(retrieval(t + 2, 'faq', 0.6 + (i % 10) / 100, i % 3 === 0 ? null : 2));
  }
  spans.push(embedding(NOW - MINUTE_MS, 'faq', null)); // truncation unknown: not counted
  spans.push(makeSpan({ startUs: (NOW - MINUTE_MS) * 1000, metadata: { [QUALITY_METADATA.retrievalTopScore]: '0.1' } })); // not a retrieval
  return spans;
}

// The same sums straight from the spans.
function exact(spans: SpanRecord[], fromMs: number, toMs: number, feature: string) {
  const inside = spans.filter((s) => s.startUs / 1000 >= fromMs && s.startUs / 1000 < toMs && s.attribution.feature === feature);
  const r = inside.filter((s) => s.kind === 'retrieval');
  const bins = new Array<number>(10).fill(0);
  for (const s of r) {
    const v = s.metadata[QUALITY_METADATA.retrievalTopScore];
    if (v !== undefined) bins[Math.min(9, Math.floor(Number(v) * 10))]++;
  }
  const withDocs = r.filter((s) => s.metadata[QUALITY_METADATA.retrievalDocuments] !== undefined);
  const e = inside.filter((s) => s.kind === 'embedding' && s.metadata[QUALITY_METADATA.embeddingTruncated] !== undefined);
  return {
    retrievals: r.length,
    scoreBins: bins,
    withDocuments: withDocs.length,
    documents: withDocs.reduce((a, s) => a + Number(s.metadata[QUALITY_METADATA.retrievalDocuments]), 0),
    embeddings: e.length,
    truncated: e.filter((s) => s.metadata[QUALITY_METADATA.embeddingTruncated] === 'true').length,
  };
}

describe('retrieval drift rollups', () => {
  let store: DuckDbStore;
  beforeEach(async () => {
    store = await DuckDbStore.open(null);
  });
  afterEach(async () => {
    await store.close();
  });

  it('sums windows by feature from live data exactly like the raw rows, and a rebuild from the store gives the same', async () => {
    const spans = traffic();
    const live = new Rollups({ now: () => NOW });
    live.onAccepted(spans, []);
    await store.write({ spans, scores: [], logs: [] });
    const rebuilt = new Rollups({ now: () => NOW });
    await rebuilt.rebuild(store);

    // Windows in minute cells only, across whole hours, and reaching before the minute cells
    // (there, only whole hours: a partial edge hour is pro-rated).
    for (const [fromMs, toMs] of [
      [NOW - 5 * MINUTE_MS, NOW],
      [NOW - 90 * MINUTE_MS, NOW],
      [Math.floor((NOW - 24 * HOUR_MS) / HOUR_MS) * HOUR_MS, NOW],
      [Math.floor((NOW - 24 * HOUR_MS) / HOUR_MS) * HOUR_MS, Math.floor((NOW - 3 * HOUR_MS) / HOUR_MS) * HOUR_MS],
    ]) {
      for (const feature of ['doc-search', 'faq']) {
        const want = exact(spans, fromMs, toMs, feature);
        for (const r of [live, rebuilt]) {
          const groups = r.retrieval.window('default', { fromMs, toMs, groupByFeature: true });
          const got = groups.find((g) => g.labels.feature === feature)!.counts;
          expect({ ...got, scoreSum: undefined }).toEqual({ ...want, scoreSum: undefined });
        }
      }
    }
    // In total and narrowed to a feature.
    const total = live.retrieval.window('default', { fromMs: NOW - HOUR_MS, toMs: NOW });
    expect(total).toHaveLength(1);
    expect(total[0].labels).toEqual({});
    expect(total[0].counts.retrievals).toBe(exact(spans, NOW - HOUR_MS, NOW, 'doc-search').retrievals + exact(spans, NOW - HOUR_MS, NOW, 'faq').retrievals);
    expect(live.retrieval.window('default', { fromMs: NOW - HOUR_MS, toMs: NOW, feature: 'faq' })[0].counts.embeddings).toBe(0);
    expect(live.retrieval.window('nobody', { fromMs: NOW - HOUR_MS, toMs: NOW })).toEqual([]);
  });

  it('forgets what is older than its retention, and bounds the features of a bucket', () => {
    const r = new Rollups({ now: () => NOW });
    r.onAccepted([retrieval(NOW - DRIFT_HOUR_RETENTION_MS - HOUR_MS, 'old', 0.5, 1)], []);
    expect(r.retrieval.window('default', { fromMs: NOW - DRIFT_HOUR_RETENTION_MS - 2 * HOUR_MS, toMs: NOW })).toEqual([]);
    const many = Array.from({ length: MAX_FEATURES_PER_BUCKET + 5 }, (_, i) => retrieval(NOW - 10_000, `f${i}`, 0.5, 1));
    r.onAccepted(many, []);
    const groups = r.retrieval.window('default', { fromMs: NOW - MINUTE_MS, toMs: NOW, groupByFeature: true });
    expect(groups).toHaveLength(MAX_FEATURES_PER_BUCKET + 1);
    expect(groups.find((g) => g.labels.feature === OVERFLOW_FEATURE)!.counts.retrievals).toBe(5);
  });

  it("spends the evaluation's cell budget", () => {
    const r = new Rollups({ now: () => NOW });
    r.onAccepted(traffic(), []);
    expect(() => r.retrieval.window('default', { fromMs: NOW - 24 * HOUR_MS, toMs: NOW, budget: new WorkBudget(10) })).toThrow(RollupRangeError);
  });
});
