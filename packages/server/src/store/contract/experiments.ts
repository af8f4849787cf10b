import { describe, expect, it } from 'vitest';
import { PROMPT_METADATA } from '../../domain/prompt-identity.ts';
import { EVALUATION_FEATURE } from '../../domain/quality.ts';
import { makeScore } from '../../testing/fixtures.ts';
import { projectId, type ExperimentQuery, type Store } from '../store.ts';
import { call, sharedStore, type Call, type OpenStore } from './fixtures.ts';

// The groups an experiments comparison reads (store/experiments.ts), the same from every backend:
// per group of the `by` dimension, the calls, errors, moments of cost and tokens per call, the
// latencies (whole, or a bounded sample), the scores of the groups' traces, and the newest traces.
// Every number below is worked out by hand from the calls seeded.

const P = projectId('experiments');
const OTHER = projectId('experiments-other');
// 200 calls of version 9, of two prompts (p and q), 1 to 200 ms: large enough for the latency
// sample to be cut by a hash threshold before it is cut to the cap.
const BULK = projectId('experiments-bulk');
const T = Date.UTC(2026, 5, 2, 10);
const RANGE = { fromMs: Date.UTC(2026, 5, 2), toMs: Date.UTC(2026, 5, 3) };
const trace = (n: number) => n.toString(16).padStart(32, '0');
const v = (version: string) => ({ [PROMPT_METADATA.version]: version });

const CALLS: Call[] = [
  // Version 1: $1 + $3 + unknown; prompt tokens 100, 300, 200; output 10, 30, 20; 100-300 ms.
  { project: P, traceId: trace(1), atMs: T, durationMs: 100, costNano: 1_000_000_000, feature: 'chat', metadata: v('1'), usage: { input: 60, cacheRead: 40, output: 10 } },
  { project: P, traceId: trace(2), atMs: T + 1000, durationMs: 300, costNano: 3_000_000_000, feature: 'chat', metadata: v('1'), status: 'error', usage: { input: 300, output: 20, reasoning: 10 } },
  { project: P, traceId: trace(3), atMs: T + 2000, durationMs: 200, costNano: null, feature: 'chat', metadata: v('1'), usage: { input: 150, cacheWrite: 50, output: 20 } },
  // Version 2: one call.
  { project: P, traceId: trace(4), atMs: T + 3000, durationMs: 50, costNano: 500_000_000, feature: 'chat', metadata: v('2'), usage: { input: 50, output: 5 } },
  // Left out: another feature, no version, not a model call, the judge's call, another project,
  // before the range.
  { project: P, traceId: trace(5), atMs: T, durationMs: 999, costNano: 9, feature: 'other', metadata: v('1') },
  { project: P, traceId: trace(6), atMs: T, durationMs: 999, costNano: 9, feature: 'chat' },
  { project: P, traceId: trace(7), atMs: T, durationMs: 999, costNano: 9, feature: 'chat', kind: 'agent', metadata: v('1') },
  { project: P, traceId: trace(8), atMs: T, durationMs: 999, costNano: 9, feature: EVALUATION_FEATURE, metadata: v('1') },
  { project: OTHER, traceId: trace(9), atMs: T, durationMs: 999, costNano: 9, feature: 'chat', metadata: v('1') },
  { project: P, traceId: trace(10), atMs: RANGE.fromMs - 1, durationMs: 999, costNano: 9, feature: 'chat', metadata: v('1') },
];

const BULK_CALLS: Call[] = Array.from({ length: 200 }, (_, i) => ({
  project: BULK,
  traceId: trace(1000 + i),
  atMs: T + i,
  durationMs: i + 1,
  costNano: 1,
  feature: 'bulk',
  metadata: { ...v('9'), [PROMPT_METADATA.name]: i % 2 === 0 ? 'p' : 'q' },
}));

async function seed(store: Store): Promise<void> {
  await store.write({
    spans: [...CALLS, ...BULK_CALLS].map(call),
    scores: [
      makeScore({ projectId: P, traceId: trace(1), name: 'quality', numericValue: 1 }),
      makeScore({ projectId: P, traceId: trace(2), name: 'quality', numericValue: 0 }),
      makeScore({ projectId: P, traceId: trace(1), name: 'helpful', numericValue: 1 }),
      makeScore({ projectId: P, traceId: trace(4), name: 'quality', numericValue: 0.25 }),
      // Not numeric, another project's, on a trace in no group: left out.
      makeScore({ projectId: P, traceId: trace(1), name: 'quality', numericValue: null, stringValue: 'ok', dataType: 'categorical' }),
      makeScore({ projectId: OTHER, traceId: trace(1), name: 'quality', numericValue: 0 }),
      makeScore({ projectId: P, traceId: trace(6), name: 'quality', numericValue: 0 }),
    ],
    logs: [],
  });
}

const query = (over: Partial<ExperimentQuery> = {}): ExperimentQuery => ({
  ...RANGE,
  by: 'prompt_version',
  filters: [{ dimension: 'feature', values: ['chat'] }],
  values: null,
  limit: 10,
  sampleCap: 20_000,
  ...over,
});

export function experimentsContract(name: string, open: OpenStore): void {
  describe(`${name}: experiment groups`, () => {
    const store = sharedStore(open, seed);

    it("reads each group's calls, errors, moments per call, latencies, scores and newest traces", async () => {
      const groups = await store().experimentGroups(P, query());
      expect(groups.map((g) => g.value)).toEqual(['1', '2']);
      const [one, two] = groups;
      expect(one).toMatchObject({ calls: 3, errors: 1, firstMs: T, lastMs: T + 2000, latencySample: [100, 200, 300], latencyComplete: true });
      expect(one.sampleTraceIds).toEqual([trace(3), trace(2), trace(1)]);
      // Cost over the two calls with a known cost: mean 2, variance ((1 − 2)² + (3 − 2)²) / 1.
      expect(one.costUsd.n).toBe(2);
      expect(one.costUsd.mean).toBeCloseTo(2, 12);
      expect(one.costUsd.variance).toBeCloseTo(2, 12);
      // Prompt tokens 100 (60 + 40 read), 300, 200 (150 + 50 written): mean 200, variance 10,000.
      expect(one.inputTokens).toEqual({ n: 3, mean: 200, variance: 10_000 });
      // Output 10, 30 (20 + 10 reasoning), 20: mean 20, variance 100.
      expect(one.outputTokens).toEqual({ n: 3, mean: 20, variance: 100 });
      expect(one.scores).toEqual([
        { name: 'helpful', n: 1, mean: 1, variance: null },
        { name: 'quality', n: 2, mean: 0.5, variance: 0.5 },
      ]);
      expect(two).toMatchObject({ calls: 1, errors: 0, latencySample: [50], latencyComplete: true, sampleTraceIds: [trace(4)] });
      expect(two.costUsd).toEqual({ n: 1, mean: 0.5, variance: null });
      expect(two.scores).toEqual([{ name: 'quality', n: 1, mean: 0.25, variance: null }]);
      // By prompt version, the prompts each group's calls name: none here.
      expect(one.promptNames).toEqual({ count: 0, examples: [] });
      expect((await store().experimentGroups(P, query({ by: 'model' })))[0].promptNames).toBeNull();
    });

    it('counts the prompts a version group holds, and names two of them', async () => {
      const [bulk] = await store().experimentGroups(BULK, query({ filters: [] }));
      expect(bulk).toMatchObject({ value: '9', calls: 200, promptNames: { count: 2, examples: ['p', 'q'] } });
      const [onlyP] = await store().experimentGroups(BULK, query({ filters: [{ dimension: 'prompt', values: ['p'] }] }));
      expect(onlyP).toMatchObject({ calls: 100, promptNames: { count: 1, examples: ['p'] } });
    });

    it("cuts a large group's latencies to exactly the cap calls of smallest hash", async () => {
      const read = async (sampleCap: number) => (await store().experimentGroups(BULK, query({ filters: [], sampleCap })))[0];
      const all = await read(20_000);
      expect(all.latencyComplete).toBe(true);
      expect(all.latencySample).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
      const ten = await read(10);
      const fifty = await read(50);
      expect(ten.latencySample).toHaveLength(10);
      expect(fifty.latencySample).toHaveLength(50);
      expect(ten.latencyComplete).toBe(false);
      // The 10 calls of smallest hash are among the 50 of smallest hash.
      for (const ms of ten.latencySample) expect(fifty.latencySample).toContain(ms);
      expect((await read(10)).latencySample).toEqual(ten.latencySample);
      expect([...ten.latencySample].sort((a, b) => a - b)).toEqual(ten.latencySample);
    });

    it('reads the named groups in their order, and the groups with the most calls up to the limit', async () => {
      expect((await store().experimentGroups(P, query({ values: ['2', '1', 'none'] }))).map((g) => g.value)).toEqual(['2', '1']);
      expect((await store().experimentGroups(P, query({ limit: 1 }))).map((g) => g.value)).toEqual(['1']);
      // A group to include comes first, whatever its calls.
      expect((await store().experimentGroups(P, query({ limit: 1, include: '2' }))).map((g) => g.value)).toEqual(['2']);
      expect((await store().experimentGroups(P, query({ include: '2' }))).map((g) => g.value)).toEqual(['2', '1']);
      // Without the feature filter the other feature's call joins version 1; the judge's never does.
      const all = await store().experimentGroups(P, query({ filters: [] }));
      expect(all.map((g) => [g.value, g.calls])).toEqual([['1', 4], ['2', 1]]);
      // By model: the ungrouped call (no version) counts there.
      expect((await store().experimentGroups(P, query({ by: 'model' })))[0]).toMatchObject({ value: 'gpt-4o', calls: 5 });
      expect(await store().experimentGroups(P, query({ values: ['none'] }))).toEqual([]);
    });

    it('keeps a bounded sample of latencies, the same calls on every read', async () => {
      const [first] = await store().experimentGroups(P, query({ values: ['1'], sampleCap: 2 }));
      expect(first.latencySample).toHaveLength(2);
      expect(first.latencyComplete).toBe(false);
      expect([...first.latencySample].sort((a, b) => a - b)).toEqual(first.latencySample);
      for (const ms of first.latencySample) expect([100, 200, 300]).toContain(ms);
      const [again] = await store().experimentGroups(P, query({ values: ['1'], sampleCap: 2 }));
      expect(again.latencySample).toEqual(first.latencySample);
      // The other figures still count every call.
      expect(first.calls).toBe(3);
    });
  });
}
