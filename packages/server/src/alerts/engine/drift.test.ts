import { beforeAll, describe, expect, it } from 'vitest';
import { QUALITY_METADATA } from '../../domain/quality.ts';
import { emptyAttribution, type SpanRecord } from '../../domain/span.ts';
import { HOUR_MS, MINUTE_MS } from '../../domain/time.ts';
import { Rollups } from '../../rollups/rollups.ts';
import { makeSpan } from '../../testing/fixtures.ts';
import { loadDefaultPack } from '../rules/default-pack.ts';
import { ruleIdOf, ruleSchema, type Rule } from '../rules/schema.ts';
import { evaluateRule } from './evaluate.ts';

const NOW = Date.UTC(2026, 10, 20, 12, 30, 15);

// A small deterministic generator: the same traffic on every run, with sampling noise.
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0;
    return s / 2 ** 32;
  };
}

function retrieval(atMs: number, feature: string, top: number): SpanRecord {
  return makeSpan({
    kind: 'retrieval',
    startUs: atMs * 1000,
    endUs: atMs * 1000 + 40_000,
    provider: null,
    requestModel: null,
    attribution: { ...emptyAttribution(), feature },
    metadata: { [QUALITY_METADATA.retrievalTopScore]: top.toFixed(3), [QUALITY_METADATA.retrievalDocuments]: '5' },
  });
}

function embedding(atMs: number, feature: string, truncated: boolean): SpanRecord {
  return makeSpan({ kind: 'embedding', startUs: atMs * 1000, endUs: atMs * 1000 + 20_000, attribution: { ...emptyAttribution(), feature }, metadata: { [QUALITY_METADATA.embeddingTruncated]: String(truncated) } });
}

// 24 hours of two features, two retrievals a minute each. Top scores are drawn from 0.7..1.0;
// with `shifted`, doc-search's last hour draws from 0.25..0.7 (the seed 004 story: after an
// index change the retriever returns worse matches), and its embeddings are truncated.
function traffic(shifted: boolean, seed: number): SpanRecord[] {
  const rnd = prng(seed);
  const spans: SpanRecord[] = [];
  for (let t = NOW - 24 * HOUR_MS; t < NOW; t += 30_000) {
    const late = shifted && t >= NOW - HOUR_MS;
    spans.push(retrieval(t, 'doc-search', late ? 0.25 + 0.45 * rnd() : 0.7 + 0.3 * rnd()));
    spans.push(retrieval(t + 1, 'faq', 0.7 + 0.3 * rnd()));
    spans.push(embedding(t + 2, 'doc-search', late ? rnd() < 0.6 : rnd() < 0.01));
  }
  return spans;
}

function rollupsOf(spans: SpanRecord[]): Rollups {
  const r = new Rollups({ now: () => NOW });
  r.onAccepted(spans, []);
  return r;
}

async function evaluate(rule: Rule, rollups: Rollups) {
  const out = await evaluateRule(rule, 'default', NOW, { rollups, drift: rollups.retrieval });
  return Object.fromEntries(out.groups.map((g) => [g.labels.feature, { value: g.value, active: g.active }]));
}

describe('drift alert rules (default pack)', () => {
  let drift: Rule;
  let truncation: Rule;
  beforeAll(async () => {
    const pack = await loadDefaultPack();
    expect(pack.errors).toEqual([]);
    drift = pack.rules.find((r) => r.name === 'RetrievalDrift')!;
    truncation = pack.rules.find((r) => r.name === 'EmbeddingTruncation')!;
    expect(drift).toMatchObject({ kind: 'threshold', query: { measure: 'retrieval_score_psi', groupBy: ['feature'] }, window: HOUR_MS, lookback: 23 * HOUR_MS, threshold: 0.25 });
  });

  it('RetrievalDrift fires for the feature whose top scores shifted, and not for the other', async () => {
    const groups = await evaluate(drift, rollupsOf(traffic(true, 7)));
    expect(groups['doc-search'].active).toBe(true);
    expect(groups['doc-search'].value!).toBeGreaterThan(1);
    expect(groups.faq.active).toBe(false);
    expect(groups.faq.value!).toBeLessThan(0.25);
  });

  it('RetrievalDrift stays quiet over an unchanged distribution, whatever the sampling noise', async () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const groups = await evaluate(drift, rollupsOf(traffic(false, seed)));
      expect(groups['doc-search'].active, `seed ${seed}`).toBe(false);
      expect(groups.faq.active, `seed ${seed}`).toBe(false);
      expect(groups['doc-search'].value!).toBeLessThan(0.15);
    }
  });

  it('has no value below minSamples, on the window or on the baseline side', async () => {
    const few = traffic(true, 7).filter((s) => s.startUs / 1000 < NOW - HOUR_MS || s.startUs / 1000 >= NOW - 20 * MINUTE_MS);
    expect((await evaluate(drift, rollupsOf(few)))['doc-search']).toEqual({ value: null, active: false });
    const noBaseline = traffic(true, 7).filter((s) => s.startUs / 1000 >= NOW - HOUR_MS - 10 * MINUTE_MS);
    expect((await evaluate(drift, rollupsOf(noBaseline)))['doc-search']).toEqual({ value: null, active: false });
  });

  it('EmbeddingTruncation fires when the truncated share passes 5%', async () => {
    expect((await evaluate(truncation, rollupsOf(traffic(true, 7))))['doc-search'].active).toBe(true);
    expect((await evaluate(truncation, rollupsOf(traffic(false, 7))))['doc-search'].active).toBe(false);
  });

  it('reports no data without the drift cells, and the schema keeps drift rules to what the cells hold', async () => {
    const rollups = rollupsOf(traffic(true, 7));
    expect(await evaluateRule(drift, 'default', NOW, { rollups })).toEqual({ groups: [], noData: true });
    const parse = (input: Record<string, unknown>) => ruleSchema.safeParse({ name: 'X', severity: 'warning', category: 'quality', kind: 'threshold', window: '1h', threshold: 0.2, ...input });
    expect(parse({ query: { measure: 'retrieval_score_psi' } }).error?.issues[0].message).toMatch(/lookback/);
    expect(parse({ query: { measure: 'retrieval_score_psi', groupBy: ['model'] }, lookback: '6h' }).error?.issues[0].message).toMatch(/feature only/);
    expect(parse({ kind: 'percentile', query: { measure: 'embedding_truncation_rate', percentile: 50 } }).success).toBe(false);
    const avg = parse({ query: { measure: 'retrieval_documents_avg', filter: { feature: 'doc-search' } }, op: '<', threshold: 3 });
    expect(avg.success).toBe(true);
    const docs = { ...avg.data!, id: ruleIdOf(avg.data!, false) };
    const out = await evaluateRule(docs, 'default', NOW, { rollups, drift: rollups.retrieval });
    expect(out.groups).toEqual([{ labels: {}, value: 5, active: false }]);
  });
});
