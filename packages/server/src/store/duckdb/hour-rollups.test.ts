import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AnalyticsQuery } from '../../query/contract.ts';
import { makeSpan } from '../../testing/fixtures.ts';
import type { SpanRecord } from '../../domain/span.ts';
import { projectId } from '../store.ts';
import { HourRollups } from './hour-rollups.ts';
import { DuckDbStore } from './store.ts';
import { HOUR_MS } from '../../domain/time.ts';

// Long-range queries read whole hours from call_hours and the ends from the spans; the answer
// must be the one the spans alone give, before and after hours are summed, with late spans and
// after re-pricing.

const P = projectId('default');
const END_MS = Date.UTC(2026, 0, 10, 12); // the data's last hour starts here
const NOW_MS = END_MS + 3 * HOUR_MS; // hours up to END_MS + 2 h are closed

// A fixed pseudo-random mix of models, kinds, statuses, costs (some unknown) and tokens.
function spans(count: number, seed: number): SpanRecord[] {
  let x = seed;
  const rnd = () => ((x = (x * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  const models: [string, string][] = [['openai', 'gpt-4o'], ['openai', 'gpt-4o-mini'], ['anthropic', 'claude-sonnet-4'], ['acme', 'acme-llm-1']];
  return Array.from({ length: count }, () => {
    const [provider, model] = models[Math.floor(rnd() * models.length)];
    const startUs = Math.floor((END_MS - 60 * HOUR_MS + rnd() * 61 * HOUR_MS) * 1000);
    const unknown = model === 'acme-llm-1';
    const input = Math.floor(rnd() * 5000);
    const output = Math.floor(rnd() * 800);
    return makeSpan({
      projectId: P,
      startUs,
      endUs: startUs + Math.floor(rnd() * 5_000_000),
      provider,
      requestModel: model,
      kind: rnd() < 0.15 ? 'embedding' : rnd() < 0.1 ? 'tool' : 'generation',
      status: rnd() < 0.08 ? 'error' : 'ok',
      usage: { input, output, cacheRead: Math.floor(rnd() * 300), cacheWrite: 0, reasoning: Math.floor(rnd() * 100), audio: 0 },
      cost: unknown
        ? { status: 'unknown_model', totalNanoUsd: null, byBucketNanoUsd: {}, priceRowId: null, catalogVersion: null }
        : { status: 'priced', totalNanoUsd: input * 2_500 + output * 10_000, byBucketNanoUsd: {}, priceRowId: 'p', catalogVersion: 'v' },
    });
  });
}

const range = { fromMs: END_MS - 50 * HOUR_MS + 17 * 60_000, toMs: END_MS + 35 * 60_000 };
const QUERIES: Omit<AnalyticsQuery, 'fromMs' | 'toMs'>[] = [
  { measures: ['cost', 'requests', 'cost_per_request', 'unknown_cost_requests'], groupBy: [], filters: [] },
  { measures: ['total_tokens', 'tokens_per_request', 'input_output_ratio', 'errors', 'error_rate'], groupBy: [], filters: [] },
  { measures: ['cost', 'requests', 'usd_per_mtok', 'tokens_per_dollar', 'input_tokens', 'cache_read_tokens', 'reasoning_tokens'], groupBy: ['model'], filters: [] },
  { measures: ['cost', 'requests', 'errors'], groupBy: ['provider', 'status'], filters: [] },
  { measures: ['requests', 'total_tokens'], groupBy: ['kind'], filters: [] },
  { measures: ['cost', 'requests', 'errors', 'error_rate'], groupBy: [], filters: [], bucket: 'hour' },
  { measures: ['cost', 'requests'], groupBy: [], filters: [], bucket: 'day' },
  { measures: ['cost'], groupBy: ['model'], filters: [{ dimension: 'provider', values: ['openai', 'acme'] }], bucket: 'day' },
  { measures: ['requests'], groupBy: [], filters: [{ dimension: 'kind', values: ['tool'] }] },
];

let store: DuckDbStore;
beforeEach(async () => {
  store = await DuckDbStore.open(null, { hourRollups: 'manual' });
});
afterEach(async () => {
  vi.restoreAllMocks();
  await store.close();
});

const answers = async () => ({
  queries: await Promise.all(QUERIES.map((q) => store.analytics.query(P, { ...q, ...range }))),
  daily: await store.analytics.dailyTrend(P, range),
  top: await store.analytics.topSpenders(P, { dimension: 'model', limit: 10, ...range }),
  forecast: await store.analytics.forecast(P, { nowMs: END_MS + 35 * 60_000, lookbackDays: 3 }),
});

describe('hourly call totals', () => {
  it('answer long-range sums as the spans do, at the ends of the range, with late spans and after re-pricing', async () => {
    await store.write({ spans: spans(3000, 7), scores: [], logs: [] });
    const fromSpans = await answers();
    expect(fromSpans.queries[0].rows[0].requests).toBeGreaterThan(1000);

    await store.refreshHourRollups(NOW_MS);
    const used = vi.spyOn(HourRollups.prototype, 'wholeHours');
    expect(await answers()).toEqual(fromSpans);
    // Every one of these was answered from the hours (49 of them for the queries), not from the spans.
    expect(used.mock.results.length).toBeGreaterThan(QUERIES.length);
    expect(used.mock.results.length).toBeGreaterThan(0);
    expect(used.mock.results.every((r) => r.value !== null)).toBe(true);
    expect(used.mock.results[0].value).toEqual({ fromUs: (END_MS - 49 * HOUR_MS) * 1000, toUs: END_MS * 1000 });

    // A late span for a summed hour: counted at once (that hour dirty: the spans answer), and
    // still after the hour is summed again.
    const late = spans(40, 99).map((s) => ({ ...s, startUs: (END_MS - 30 * HOUR_MS) * 1000 + (s.startUs % 1_000_000_000), endUs: (END_MS - 30 * HOUR_MS) * 1000 + (s.startUs % 1_000_000_000) + 1000 }));
    await store.write({ spans: late, scores: [], logs: [] });
    used.mockClear();
    const withLate = await answers();
    expect(used.mock.results.length).toBeGreaterThan(0);
    expect(used.mock.results.every((r) => r.value === null)).toBe(true);
    expect(withLate.queries[0].rows[0].requests).toBe((fromSpans.queries[0].rows[0].requests as number) + late.filter((s) => s.kind !== 'tool').length);
    await store.refreshHourRollups(NOW_MS);
    used.mockClear();
    expect(await answers()).toEqual(withLate);
    expect(used.mock.results.length).toBeGreaterThan(0);
    expect(used.mock.results.every((r) => r.value !== null)).toBe(true);

    // Re-pricing: the unknown model gets a price; the totals are summed again from the start.
    await store.reprice((s) => (s.requestModel === 'acme-llm-1' ? { status: 'priced', totalNanoUsd: 1_000, byBucketNanoUsd: {}, priceRowId: 'o', catalogVersion: 'v' } : s.cost), { onlyUnknown: true, models: null });
    used.mockClear();
    const repriced = await answers();
    expect(used.mock.results.length).toBeGreaterThan(0);
    expect(used.mock.results.every((r) => r.value === null)).toBe(true);
    expect(repriced.queries[0].rows[0].unknown_cost_requests).toBe(0);
    expect(repriced.queries[0].rows[0].cost).toBeGreaterThan(withLate.queries[0].rows[0].cost as number);
    await store.refreshHourRollups(NOW_MS);
    used.mockClear();
    expect(await answers()).toEqual(repriced);
    expect(used.mock.results.length).toBeGreaterThan(0);
    expect(used.mock.results.every((r) => r.value !== null)).toBe(true);
  });

  it('leave short ranges, percentiles and other dimensions to the spans', async () => {
    await store.write({ spans: spans(200, 3), scores: [], logs: [] });
    await store.refreshHourRollups(NOW_MS);
    const used = vi.spyOn(HourRollups.prototype, 'wholeHours');
    const base = { groupBy: [], filters: [], ...range };
    await store.analytics.query(P, { ...base, measures: ['latency_p95'] });
    await store.analytics.query(P, { ...base, measures: ['cost'], groupBy: ['feature'] });
    await store.analytics.query(P, { ...base, measures: ['cost'], bucket: 'minute', fromMs: END_MS - 2 * HOUR_MS });
    expect(used).not.toHaveBeenCalled();
    await store.analytics.query(P, { ...base, measures: ['cost'], fromMs: END_MS - 5 * HOUR_MS });
    expect(used.mock.results[0].value).toBeNull();
  });
});
