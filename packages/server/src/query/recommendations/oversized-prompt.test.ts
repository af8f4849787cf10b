import { describe, expect, it } from 'vitest';
import { DAY_MS, HOUR_MS } from '../../domain/time.ts';
import type { SpanRecord } from '../../domain/span.ts';
import { oversizedPrompt } from './oversized-prompt.ts';
import { generation, PROJECT, traffic } from './traffic.testing.ts';

// Four weeks of gpt-4o calls ($2.50 per million input tokens in the catalog): a feature whose
// prompts doubled in the last week, one that grew a little, and one that sends ten times what
// its peers send for the same output. Savings worked out by hand.

const END = Date.UTC(2026, 10, 29);
const RANGE = { fromUs: (END - 28 * DAY_MS) * 1000, toUs: END * 1000 };
const HALF_DAY = 12 * HOUR_MS;

describe('oversized prompts', () => {
  const t = traffic();
  let n = 0;
  const calls = (feature: string, count: number, fromMs: number, stepMs: number, input: number, output: number): SpanRecord[] =>
    Array.from({ length: count }, (_, i) => generation(t.pricer, { atMs: fromMs + i * stepMs, usage: { input, output }, feature, promptHash: null, traceN: ++n }));

  // 42 calls over the 3 weeks before the last one, 14 in the last week.
  const history = (feature: string, before: number, now: number, output: number) => [
    ...calls(feature, 42, END - 28 * DAY_MS, HALF_DAY, before, output),
    ...calls(feature, 14, END - 7 * DAY_MS, HALF_DAY, now, output),
  ];

  it('finds the feature whose prompts doubled, and the one far above its peers', async () => {
    expect(t.pricer.priceRowById('catalog:openai/gpt-4o')!.rates.input?.usdPerMtok).toBe(2.5);
    await t.write([
      ...history('rag', 2000, 4000, 200), // ×2: grew
      ...history('steady', 2000, 2800, 400), // ×1.4: not enough
      ...calls('chat', 20, END - 20 * DAY_MS, HOUR_MS, 1000, 500),
      ...calls('extract', 20, END - 20 * DAY_MS, HOUR_MS, 1000, 500),
      ...calls('bloated', 20, END - 20 * DAY_MS, HOUR_MS, 12_000, 400),
    ]);
    const recs = await oversizedPrompt(t.deps(END), PROJECT, RANGE);
    expect(recs.map((r) => r.id).sort()).toEqual(['oversized_prompt:feature=bloated:ratio', 'oversized_prompt:feature=rag:growth']);

    // rag: (4,000 − 2,000) tokens × 14 calls × $2.50/M = $0.07 in 7 days; × 30/7 = $0.30 a month.
    const rag = recs.find((r) => r.feature === 'rag')!;
    expect(rag).toMatchObject({ model: 'gpt-4o', monthlySavingsNano: 300_000_000, evidence: { calls: 14, figures: { promptTokensPerCallRecent: 4000, promptTokensPerCallBefore: 2000, growth: 2 } } });
    expect(rag.evidence.sampleTraceIds).toHaveLength(10);

    // Prompt:output ratios: chat 2, extract 2, steady (42 × 2,000 + 14 × 2,800) / (56 × 400) = 5.5,
    // rag (42 × 2,000 + 14 × 4,000) / (56 × 200) = 12.5, bloated 30; median 5.5, and 30 > 3 × 5.5.
    // bloated: (12,000 − 400 × 5.5) tokens × 20 calls × $2.50/M = $0.49 in 28 days; × 30/28 = $0.525.
    const bloated = recs.find((r) => r.feature === 'bloated')!;
    expect(bloated).toMatchObject({ confidence: 'low', monthlySavingsNano: 525_000_000, evidence: { calls: 20, figures: { ratio: 30, medianFeatureRatio: 5.5, excessTokensPerCall: 9800 } } });
  });

  it("shows each model's calls and price in the formula of a feature that ran on several", async () => {
    const on = (model: string, count: number, fromMs: number) =>
      Array.from({ length: count }, (_, i) => generation(t.pricer, { atMs: fromMs + i * HOUR_MS, model, usage: { input: 12_000, output: 400 }, feature: 'mixed', promptHash: null, traceN: ++n }));
    await t.write([
      ...calls('chat', 20, END - 20 * DAY_MS, HOUR_MS, 1000, 500),
      ...calls('extract', 20, END - 20 * DAY_MS, HOUR_MS, 1000, 500),
      ...on('gpt-4o', 12, END - 20 * DAY_MS),
      ...on('gpt-4o-mini', 8, END - 10 * DAY_MS),
    ]);
    const [mixed] = await oversizedPrompt(t.deps(END), PROJECT, RANGE);
    // Ratios 2, 2 and 30: median 2. (12,000 − 400 × 2) tokens × (12 × $2.50/M + 8 × $0.15/M)
    // = 11,200 × 31,200 nano = $0.34944 in 28 days.
    expect(mixed.evidence.figures).toMatchObject({ excessTokensPerCall: 11_200, savedNanoInRange: 349_440_000 });
    expect(mixed.formula).toBe('(12,000 − 400 output × 2.0 median ratio) tokens × (12 calls on gpt-4o × $2.5/M + 8 calls on gpt-4o-mini × $0.15/M) = $0.34944 in 28.0 d × 30/28.0 = $0.3744/month');
  });

  it('finds nothing in steady traffic', async () => {
    await t.write([...history('a', 2000, 2000, 500), ...history('b', 1000, 1000, 500), ...history('c', 3000, 3000, 500)]);
    expect(await oversizedPrompt(t.deps(END), PROJECT, RANGE)).toEqual([]);
  });
});
