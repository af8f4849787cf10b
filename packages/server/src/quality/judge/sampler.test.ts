import { describe, expect, it } from 'vitest';
import { EVALUATION_FEATURE, type Evaluator } from '../../domain/quality.ts';
import { emptyAttribution } from '../../domain/span.ts';
import { makeSpan } from '../../testing/fixtures.ts';
import { JudgeQueue, type JudgeQueueDocument } from './queue.ts';
import { JudgeSampler } from './sampler.ts';

// Trace ids from a fixed-seed generator (mulberry32): the same 4,000 traces every run.
function traceIds(n: number, seed: number): string[] {
  let state = seed;
  const next = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (t ^ (t >>> 14)) >>> 0;
  };
  return Array.from({ length: n }, () => Array.from({ length: 4 }, () => next().toString(16).padStart(8, '0')).join(''));
}

const judgeEvaluator = (over: Partial<Evaluator>): Evaluator => ({
  id: 'ev',
  name: 'relevance',
  kind: 'llm_judge',
  criterion: 'relevance',
  sampleRate: 1,
  filter: {},
  enabled: true,
  params: {},
  judge: null,
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
  ...over,
});

async function setup(evaluators: Evaluator[], options: { maxJobs?: number; budgetReached?: boolean } = {}) {
  const written: JudgeQueueDocument[] = [];
  const queue = await JudgeQueue.open({ read: async (f) => f, write: async (d) => void written.push(d) }, { maxJobs: options.maxJobs ?? 100_000 });
  const outcomes: string[] = [];
  const skipped: string[] = [];
  const sampler = new JudgeSampler({
    evaluators: { evaluatorsOf: () => evaluators },
    queue,
    settleMs: 30_000,
    now: () => 1_000_000,
    hooks: { budgetReached: () => options.budgetReached ?? false, onBudgetSkip: (p) => void skipped.push(p), onOffer: (o) => void outcomes.push(o) },
  });
  return { queue, sampler, outcomes, skipped, written };
}

describe('the judge sampler', () => {
  const N = 4_000;
  const ids = traceIds(N, 7);

  it.each([0, 0.01, 0.25, 1])('queues a share of %s of 4,000 traces within binomial bounds, each once however often it is sent', async (rate) => {
    const { queue, sampler } = await setup([judgeEvaluator({ sampleRate: rate })]);
    // Two calls per trace, and every batch sent twice: still one job per trace.
    const spans = ids.flatMap((traceId) => [makeSpan({ traceId }), makeSpan({ traceId })]);
    sampler.onAccepted(spans, []);
    sampler.onAccepted(spans, []);
    const mean = N * rate;
    const bound = 4.5 * Math.sqrt(N * rate * (1 - rate));
    expect(Math.abs(queue.depth - mean), `${queue.depth} queued at rate ${rate}`).toBeLessThanOrEqual(bound);
    const jobs = queue.takeDue(Number.MAX_SAFE_INTEGER, N);
    expect(new Set(jobs.map((j) => j.traceId)).size).toBe(jobs.length);
    for (const j of jobs) expect(j.dueMs).toBe(1_000_000 + 30_000);
  });

  it('leaves out judge spans, other kinds, disabled or heuristic evaluators and calls the filter does not select', async () => {
    const { queue, sampler } = await setup([
      judgeEvaluator({ id: 'support', filter: { feature: 'support', model: 'gpt-4o' } }),
      judgeEvaluator({ id: 'off', enabled: false }),
      judgeEvaluator({ id: 'heur', kind: 'heuristic', criterion: 'empty_output' }),
    ]);
    const support = { ...emptyAttribution(), feature: 'support' };
    sampler.onAccepted(
      [
        makeSpan({ traceId: 'a'.repeat(32), attribution: { ...emptyAttribution(), feature: EVALUATION_FEATURE } }),
        makeSpan({ traceId: 'b'.repeat(32), attribution: support, kind: 'retrieval' }),
        makeSpan({ traceId: 'c'.repeat(32), attribution: { ...emptyAttribution(), feature: 'billing' } }),
        makeSpan({ traceId: 'd'.repeat(32), attribution: support, requestModel: 'gpt-4o-mini' }),
        makeSpan({ traceId: 'e'.repeat(32), attribution: support }),
      ],
      [],
    );
    expect(queue.takeDue(Number.MAX_SAFE_INTEGER, 10).map((j) => [j.evaluatorId, j.traceId])).toEqual([['support', 'e'.repeat(32)]]);
  });

  it('queues nothing once the budget is reached, and refuses past the queue bound', async () => {
    const spent = await setup([judgeEvaluator({})], { budgetReached: true });
    spent.sampler.onAccepted([makeSpan(), makeSpan()], []);
    expect(spent.queue.depth).toBe(0);
    expect(spent.skipped).toEqual(['default', 'default']);
    const full = await setup([judgeEvaluator({})], { maxJobs: 2 });
    full.sampler.onAccepted([makeSpan(), makeSpan(), makeSpan()], []);
    expect(full.outcomes).toEqual(['queued', 'queued', 'full']);
  });
});
