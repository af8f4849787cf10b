import { describe, expect, it } from 'vitest';
import { usdToNano } from '../../domain/money.ts';
import { DAY_MS, MINUTE_MS } from '../../domain/time.ts';
import type { PromptRepeatRow } from '../../store/prompt-repeats.ts';
import { estimatePromptCaching, promptCaching } from './prompt-caching.ts';
import { generation, PROJECT, traffic } from './traffic.testing.ts';

// A 3,000-token system prompt resent all day: the saving is worked out by hand from the catalog's
// prices (checked here against the catalog, so a new catalog that changes them fails loudly).

const T0 = Date.UTC(2026, 10, 10);
const RANGE = { fromUs: T0 * 1000, toUs: (T0 + DAY_MS) * 1000 };
const PROMPT_TOKENS = 3000;

describe('prompt caching', () => {
  const t = traffic();

  it('uses the catalog prices the hand-worked figures assume', () => {
    const gpt4o = t.pricer.priceRowById('catalog:openai/gpt-4o')!;
    expect([gpt4o.rates.input?.usdPerMtok, gpt4o.rates.cacheRead?.usdPerMtok, gpt4o.rates.cacheWrite?.usdPerMtok]).toEqual([2.5, 1.25, 2.5]);
    const sonnet = t.pricer.priceRowById('catalog:anthropic/claude-sonnet-4-0')!;
    expect([sonnet.rates.input?.usdPerMtok, sonnet.rates.cacheRead?.usdPerMtok, sonnet.rates.cacheWrite?.usdPerMtok]).toEqual([3, 0.3, 3.75]);
  });

  it('prices the warm calls of a repeated 3,000-token prompt at the cache-read discount', async () => {
    // 200 calls a minute apart: each one after the first finds the prompt still cached.
    const calls = 200;
    await t.write(Array.from({ length: calls }, (_, i) => generation(t.pricer, { atMs: T0 + i * MINUTE_MS, usage: { input: PROMPT_TOKENS, output: 100 }, traceN: i + 1 })));
    const [rec, ...rest] = await promptCaching(t.deps(T0 + DAY_MS), PROJECT, RANGE);
    expect(rest).toEqual([]);
    // 199 warm calls × 3,000 tokens × ($2.50 − $1.25)/M = $0.74625 in one day; × 30 days.
    const perDayUsd = (199 * 3000 * (2.5 - 1.25)) / 1e6;
    expect(perDayUsd).toBeCloseTo(0.74625, 12);
    expect(rec).toMatchObject({
      id: 'prompt_caching:prompt=system-prompt:openai/gpt-4o',
      kind: 'prompt_caching',
      feature: 'support',
      model: 'gpt-4o',
      monthlySavingsNano: usdToNano(perDayUsd * 30),
      confidence: 'high',
      evidence: { calls: 200, figures: { warmCalls: 199, warmInputTokens: 597_000, coldCalls: 1, inputUsdPerMtok: 2.5, cacheReadUsdPerMtok: 1.25 } },
    });
    expect(rec.monthlySavingsNano).toBe(22_387_500_000);
    expect(rec.formula).toContain('597,000 warm tokens × ($2.50/M − $1.25/M)');
    expect(rec.detail).toContain('hashes whole prompts, not prefixes');
    expect(rec.evidence.sampleTraceIds).toHaveLength(10);
    expect(rec.evidence.sampleTraceIds[0]).toBe((200).toString(16).padStart(32, '0'));
  });

  it('gives 9,999 × 3,000 × $1.25/M for the prompt sent 10,000 times', () => {
    const row = (n: number): PromptRepeatRow => ({
      promptHash: 'p', provider: 'openai', model: 'gpt-4o', priceRowId: 'catalog:openai/gpt-4o', feature: 'support',
      calls: n, promptTokens: n * PROMPT_TOKENS, cacheReadCalls: 0, warmCalls: n - 1, warmInputTokens: (n - 1) * PROMPT_TOKENS,
      repeatCalls: n - 1, repeatCostNano: 0, firstUs: 0, lastUs: 0, sampleTraceIds: [],
    });
    const estimate = estimatePromptCaching(t.pricer.priceRowById('catalog:openai/gpt-4o')!, row(10_000));
    expect(estimate?.savedNano).toBe(usdToNano((9_999 * 3000 * 1.25) / 1e6)); // $37.49625
  });

  it('takes the cache-write premium off the saving where the provider charges one', async () => {
    // 20 calls two minutes apart on Claude Sonnet 4: 19 read the cache, the first writes it.
    await t.write(Array.from({ length: 20 }, (_, i) => generation(t.pricer, { atMs: T0 + i * 2 * MINUTE_MS, provider: 'anthropic', model: 'claude-sonnet-4-0', usage: { input: 4000, output: 50 }, traceN: i + 1 })));
    const [rec] = await promptCaching(t.deps(T0 + DAY_MS), PROJECT, RANGE);
    // 19 × 4,000 × ($3 − $0.30)/M − 1 × 4,000 × ($3.75 − $3)/M = $0.2052 − $0.003 = $0.2022 a day.
    expect(rec.monthlySavingsNano).toBe(usdToNano(0.2022 * 30));
    expect(rec.confidence).toBe('medium');
    expect(rec.formula).toContain('− 4,000 cold tokens × ($3.75/M − $3/M)');
  });

  it('counts nothing the cache would not hold, or already holds, or cannot discount', async () => {
    await t.write([
      // Ten minutes apart: the cache has let the prompt go each time.
      ...Array.from({ length: 20 }, (_, i) => generation(t.pricer, { atMs: T0 + i * 10 * MINUTE_MS, usage: { input: PROMPT_TOKENS }, promptHash: 'slow', traceN: 100 + i })),
      // Below the 1,024 tokens a provider caches.
      ...Array.from({ length: 20 }, (_, i) => generation(t.pricer, { atMs: T0 + i * MINUTE_MS, usage: { input: 1000 }, promptHash: 'short', traceN: 200 + i })),
      // Already read from the cache.
      ...Array.from({ length: 20 }, (_, i) => generation(t.pricer, { atMs: T0 + i * MINUTE_MS, usage: { input: 100, cacheRead: 2900 }, promptHash: 'cached', traceN: 300 + i })),
      // gpt-4 has no cache-read price in the catalog.
      ...Array.from({ length: 20 }, (_, i) => generation(t.pricer, { atMs: T0 + i * MINUTE_MS, model: 'gpt-4', usage: { input: PROMPT_TOKENS }, promptHash: 'old-model', traceN: 400 + i })),
    ]);
    expect(await promptCaching(t.deps(T0 + DAY_MS), PROJECT, RANGE)).toEqual([]);
  });
});
