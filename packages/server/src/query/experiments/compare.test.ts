import { describe, expect, it } from 'vitest';
import type { ExperimentGroupStats, Moments } from '../../store/experiments.ts';
import { buildComparison, MIN_SAMPLE, type CompareParams, type Comparison } from './compare.ts';

// The comparison built from groups' statistics as a store reads them: which test each figure gets
// and what verdict its result earns.

const params = (over: Partial<CompareParams> = {}): CompareParams => ({
  fromMs: 0,
  toMs: 86_400_000,
  by: 'variant',
  feature: null,
  prompt: null,
  values: ['A', 'B'],
  baseline: null,
  limit: 5,
  lowerIsBetter: [],
  higherIsBetter: [],
  evaluatorScores: [],
  ...over,
});

const none: Moments = { n: 0, mean: null, variance: null };
function group(value: string, over: Partial<ExperimentGroupStats> = {}): ExperimentGroupStats {
  return {
    value,
    calls: 200,
    errors: 0,
    firstMs: 0,
    lastMs: 1,
    costUsd: none,
    inputTokens: none,
    outputTokens: none,
    latencySample: [],
    latencyComplete: true,
    scores: [],
    sampleTraceIds: [],
    promptNames: null,
    ...over,
  };
}

const cell = (c: Comparison, value: string, metric: string) => {
  const i = c.metrics.findIndex((m) => m.metric === metric);
  return c.groups.find((g) => g.value === value)!.metrics[i];
};

describe('buildComparison', () => {
  it('tests p50 with the median test: a faster median with a slow tail is better at p50, not worse', async () => {
    // B's median is 576 ms against A's 599.5, though B's calls are the slower in 61% of the pairs.
    const a = Array.from({ length: 200 }, (_, i) => 500 + i);
    const b = [...Array.from({ length: 120 }, (_, i) => 560 + (i % 20)), ...Array.from({ length: 80 }, (_, i) => 2000 + i)].sort((x, y) => x - y);
    const c = await buildComparison(params(), [group('A', { latencySample: a }), group('B', { latencySample: b })]);
    const p50 = cell(c, 'B', 'latency_p50');
    expect(p50.value).toBe(576);
    expect(p50.comparison).toMatchObject({ test: 'quantile_exceedance_z', significant: true, verdict: 'better' });
    expect(cell(c, 'B', 'latency_p95').comparison!.verdict).toBe('worse');
  });

  it('gives no verdict on two constant groups resting on too few values, and an exact one on enough', async () => {
    const constant = (n: number, mean: number): Moments => ({ n, mean, variance: 0 });
    const few = await buildComparison(params(), [group('A', { costUsd: constant(2, 0.001) }), group('B', { costUsd: constant(2, 0.002) })]);
    expect(cell(few, 'B', 'cost_per_call').comparison).toMatchObject({ verdict: 'insufficient_data', difference: 0.001 });
    const n = MIN_SAMPLE.mean;
    const enough = await buildComparison(params(), [group('A', { costUsd: constant(n, 0.001) }), group('B', { costUsd: constant(n, 0.002) })]);
    expect(cell(enough, 'B', 'cost_per_call').comparison).toMatchObject({ significant: true, verdict: 'worse' });
  });

  it("reads a score's difference as higher or lower when its direction is not known, better or worse when it is", async () => {
    const scored = (mean: number) => [{ name: 'toxicity', n: 100, mean, variance: 0.01 }];
    const groups = [group('A', { scores: scored(0.5) }), group('B', { scores: scored(0.3) })];
    const unknown = await buildComparison(params(), groups);
    expect(unknown.metrics.find((m) => m.metric === 'score:toxicity')).toMatchObject({ better: null, betterFrom: null });
    expect(cell(unknown, 'B', 'score:toxicity').comparison).toMatchObject({ significant: true, verdict: 'lower' });
    const lower = await buildComparison(params({ lowerIsBetter: ['toxicity'] }), groups);
    expect(cell(lower, 'B', 'score:toxicity').comparison!.verdict).toBe('better');
    const evaluator = await buildComparison(params({ evaluatorScores: ['toxicity'] }), groups);
    expect(evaluator.metrics.find((m) => m.metric === 'score:toxicity')).toMatchObject({ better: 'higher', betterFrom: 'evaluator' });
    expect(cell(evaluator, 'B', 'score:toxicity').comparison!.verdict).toBe('worse');
  });
});
