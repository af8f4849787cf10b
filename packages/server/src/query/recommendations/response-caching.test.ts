import { describe, expect, it } from 'vitest';
import { usdToNano } from '../../domain/money.ts';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../../domain/time.ts';
import { responseCaching } from './response-caching.ts';
import { generation, PROJECT, traffic } from './traffic.testing.ts';

// Exact repeats of one prompt: every call after the first of its hour could have been answered
// from the response cache; the saving is what those calls cost, worked out from the catalog.

const T0 = Date.UTC(2026, 10, 10);
const RANGE = { fromUs: T0 * 1000, toUs: (T0 + DAY_MS) * 1000 };

describe('response caching', () => {
  const t = traffic();

  it('saves what the repeats within each window cost', async () => {
    const mini = t.pricer.priceRowById('catalog:openai/gpt-4o-mini')!;
    expect([mini.rates.input?.usdPerMtok, mini.rates.output?.usdPerMtok]).toEqual([0.15, 0.6]);
    let n = 0;
    const faq = (atMs: number, metadata: Record<string, string> = {}) =>
      generation(t.pricer, { atMs, model: 'gpt-4o-mini', usage: { input: 500, output: 200 }, promptHash: 'faq', feature: 'faq', traceN: ++n, metadata });
    await t.write([
      // 30 calls a minute apart in each of two hours: 29 repeats in each.
      ...Array.from({ length: 30 }, (_, i) => faq(T0 + i * MINUTE_MS)),
      ...Array.from({ length: 30 }, (_, i) => faq(T0 + HOUR_MS + i * MINUTE_MS)),
      // Answered by the gateway's cache already: free, not counted.
      ...Array.from({ length: 10 }, (_, i) => faq(T0 + i * MINUTE_MS + 1, { 'gateway.cache': 'hit' })),
      // Prompts sent once each.
      ...Array.from({ length: 20 }, (_, i) => generation(t.pricer, { atMs: T0 + i * MINUTE_MS, model: 'gpt-4o-mini', usage: { input: 500, output: 200 }, promptHash: `unique-${i}`, traceN: 1000 + i })),
    ]);
    const [rec, ...rest] = await responseCaching(t.deps(T0 + DAY_MS), PROJECT, RANGE);
    expect(rest).toEqual([]);
    // One call: 500 × $0.15/M + 200 × $0.60/M = $0.000195; 58 repeats a day, × 30 days.
    const perDayUsd = 58 * ((500 * 0.15 + 200 * 0.6) / 1e6);
    expect(rec).toMatchObject({
      id: 'response_caching:prompt=faq:openai/gpt-4o-mini',
      kind: 'response_caching',
      feature: 'faq',
      model: 'gpt-4o-mini',
      monthlySavingsNano: usdToNano(perDayUsd * 30),
      confidence: 'medium',
      evidence: { calls: 60, figures: { repeatCalls: 58, repeatCostNano: usdToNano(perDayUsd), windowMs: HOUR_MS } },
    });
    expect(rec.monthlySavingsNano).toBe(339_300_000);
    expect(rec.detail).toContain('responseCache');
  });

  it('does not count a call retried after a failure as a repeat of its failed try', async () => {
    const faq = (atMs: number, traceN: number, failed: boolean) =>
      generation(t.pricer, { atMs, model: 'gpt-4o-mini', usage: { input: 500, output: failed ? 0 : 200 }, promptHash: 'faq', traceN, failed });
    // Rate limited, then retried 2 s later with the same prompt: in every hour, once each.
    await t.write(Array.from({ length: 12 }, (_, i) => [faq(T0 + i * HOUR_MS, 2 * i + 1, true), faq(T0 + i * HOUR_MS + 2_000, 2 * i + 2, false)]).flat());
    expect(await responseCaching(t.deps(T0 + DAY_MS), PROJECT, RANGE)).toEqual([]);
  });

  it('keeps the same prompt to two models apart, and finds nothing without repeats', async () => {
    await t.write([
      generation(t.pricer, { atMs: T0, model: 'gpt-4o-mini', usage: { input: 500, output: 200 }, traceN: 1 }),
      generation(t.pricer, { atMs: T0 + MINUTE_MS, model: 'gpt-4o', usage: { input: 500, output: 200 }, traceN: 2 }),
      generation(t.pricer, { atMs: T0 + 2 * MINUTE_MS, model: 'gpt-4o-mini', usage: { input: 500, output: 200 }, traceN: 3, promptHash: 'other' }),
    ]);
    expect(await responseCaching(t.deps(T0 + DAY_MS), PROJECT, RANGE)).toEqual([]);
  });
});
