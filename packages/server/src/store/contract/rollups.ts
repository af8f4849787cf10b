import { describe, expect, it } from 'vitest';
import { SECURITY_METADATA } from '../../domain/security.ts';
import { emptyUsage, type Usage } from '../../domain/span.ts';
import { SKETCH_ZERO_INDEX, sketchIndex } from '../../rollups/sketch.ts';
import type { ScoreRecord } from '../../domain/score.ts';
import { makeScore } from '../../testing/fixtures.ts';
import { projectId, type CallAggregateRow, type ScoreAggregateRow, type Store } from '../store.ts';
import { call, sharedStore, type OpenStore } from './fixtures.ts';
import { contextWindowOf } from '../../enrich/pricing/context-windows.ts';

// Rollup sources: the per-bucket call and score aggregates the in-memory rollups are rebuilt from
// at start, and the budgets' spend by attribution in exact nano-dollars.

const A = projectId('roll-a');
const B = projectId('roll-b');
const S = projectId('spend');
const P = projectId('roll-security');
const T = Date.UTC(2026, 1, 1, 10); // an hour's start
const SEC = 1000;
const MINUTE = 60 * SEC;
const HOUR = 60 * MINUTE;
const BIG = 4_503_599_627_370_497; // 2^52 + 1 nano-dollars
const DAY1 = Date.UTC(2026, 2, 1);
const DAY2 = Date.UTC(2026, 2, 2);

const at = { provider: 'openai', model: 'gpt-4o', feature: 'f1', team: 't1', application: 'a1' };
async function seed(store: Store): Promise<void> {
  const calls = [
    call({ project: A, ...at, atMs: T + 10 * SEC, durationMs: 100, ttftMs: 20, costNano: 1, usage: { input: 10, output: 5, cacheRead: 1, cacheWrite: 2, reasoning: 3, audio: 4 } }),
    call({ project: A, ...at, feature: 'f2', atMs: T + 50 * SEC, durationMs: 250, costNano: 999_999_999, status: 'error', usage: { input: 20, output: 10 } }),
    call({ project: A, ...at, team: 't2', application: 'a2', atMs: T + 70 * SEC, durationMs: 1000, ttftMs: 300, costNano: null, status: 'error', errorClass: null, usage: { input: 100, output: 0 } }),
    call({ project: A, ...at, provider: 'anthropic', model: 'claude', kind: 'embedding', atMs: T + 30 * SEC, durationMs: 40, costNano: 7, status: 'error', errorClass: 'timeout', usage: { input: 7, output: 0 } }),
    call({ project: B, ...at, atMs: T + 20 * SEC, durationMs: 60, costNano: 500, usage: { input: 1, output: 0 } }),
    // Not counted: a chain span, and a call before the range.
    call({ project: A, ...at, kind: 'chain', atMs: T + 5 * SEC, durationMs: 5, costNano: 1_000_000 }),
    call({ project: A, ...at, atMs: T - 1, durationMs: 5, costNano: 1_000_000 }),
  ];
  const who = { user: 'u1', team: 't', department: 'd' };
  const spend = [
    call({ project: S, ...who, atMs: DAY1 + 10 * HOUR, durationMs: 1, costNano: BIG }),
    call({ project: S, ...who, atMs: DAY1 + 10 * HOUR + 30 * SEC, durationMs: 1, costNano: BIG }),
    call({ project: S, ...who, atMs: DAY1 + 10 * HOUR + MINUTE, durationMs: 1, costNano: 1 }),
    call({ project: S, user: 'u2', atMs: DAY1 + 11 * HOUR, durationMs: 1, costNano: null }),
    call({ project: S, team: 't', department: 'd', atMs: DAY1 + 12 * HOUR, durationMs: 1, costNano: 999_999_999 }),
    call({ project: S, ...who, atMs: DAY2, durationMs: 1, costNano: 1 }),
    call({ project: S, ...who, kind: 'chain', atMs: DAY1 + 10 * HOUR, durationMs: 1, costNano: 5 }),
    call({ project: S, ...who, atMs: DAY2 + 24 * HOUR, durationMs: 1, costNano: 3 }), // at the range's end: outside
    call({ project: A, ...who, atMs: DAY1 + 10 * HOUR, durationMs: 1, costNano: 11 }),
  ];
  // What the processor chain marks on spans: every kind counts for PII and injection, only LLM
  // calls for the rest.
  const found = (v: string) => ({ [SECURITY_METADATA.redaction]: v });
  const injection = (v: string) => ({ [SECURITY_METADATA.injection]: v, [SECURITY_METADATA.injectionScore]: '0.9' });
  const one = { input: 1, output: 0 };
  const security = [
    call({ project: P, ...at, atMs: T + 10 * SEC, durationMs: 100, costNano: 1, usage: one, metadata: found('email=2,secret=1') }),
    call({ project: P, ...at, kind: 'chain', atMs: T + 5 * SEC, durationMs: 500, costNano: 1_000_000, usage: one, metadata: { ...found('email=1'), ...injection('prompt_injection:high') } }),
    call({ project: P, ...at, kind: 'chain', atMs: T + 6 * SEC, durationMs: 500, costNano: 1_000_000, usage: one }),
    call({ project: P, ...at, atMs: T + 20 * SEC, durationMs: 100, costNano: 1, usage: one, metadata: found('email=0') }),
    call({ project: P, ...at, kind: 'embedding', atMs: T + 30 * SEC, durationMs: 100, costNano: 1, usage: one, metadata: injection('prompt_injection:low') }),
    call({ project: P, ...at, kind: 'tool', atMs: T + 70 * SEC, durationMs: 100, costNano: 1_000_000, usage: one, metadata: { ...found('phone=1'), ...injection('jailbreak:medium') } }),
  ];
  const score = (project: string, ms: number, name: string, numericValue: number | null, over: Partial<ScoreRecord> = {}) =>
    makeScore({ projectId: project, timestampUs: ms * 1000, name, numericValue, ...(numericValue === null ? { dataType: 'categorical', stringValue: 'x' } : {}), ...over });
  const scores = [
    score(A, T + SEC, 'q', 0.5),
    score(A, T + 2 * SEC, 'q', 0.25),
    score(A, T + 61 * SEC, 'q', 1),
    score(A, T + 3 * SEC, 'other', 0),
    score(A, T + 4 * SEC, 'q', null),
    score(A, T - 1, 'q', 0.9),
    score(B, T + 4 * SEC, 'q', 0.75),
    // What the scored trace ran as keys its own cells (D3).
    score(A, T + 5 * SEC, 'q', 0.125, { feature: 'chat', model: 'gpt-4o', application: 'app' }),
  ];
  await store.write({ spans: [...calls, ...spend, ...security], scores, logs: [] });
}

const usage = (u: Partial<Usage>): Usage => ({ ...emptyUsage(), ...u });
const sketch = (...values: number[]): [number, number][] => {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(sketchIndex(v), (counts.get(sketchIndex(v)) ?? 0) + 1);
  return [...counts].sort((x, y) => x[0] - y[0]);
};
// Rows and sketch buckets in a fixed order: the contract leaves both unordered.
const sortPairs = (v: [number, number][]) => [...v].sort((x, y) => x[0] - y[0]);
function normal<R extends CallAggregateRow | ScoreAggregateRow>(rows: R[], key: (r: R) => string): R[] {
  const fixed = rows.map((r) => ('latencyBuckets' in r ? { ...r, latencyBuckets: sortPairs(r.latencyBuckets), ttftBuckets: sortPairs(r.ttftBuckets) } : { ...r, buckets: sortPairs(r.buckets) }));
  return fixed.sort((x, y) => (key(x) < key(y) ? -1 : 1));
}
const callKey = (r: CallAggregateRow) => [r.projectId, r.bucketStartMs, r.provider, r.model, r.feature, r.team, r.application].join('|');
const scoreKey = (r: ScoreAggregateRow) => [r.projectId, r.bucketStartMs, r.name, r.feature, r.model, r.application].join('|');

function row(over: Partial<CallAggregateRow> & Pick<CallAggregateRow, 'projectId' | 'bucketStartMs'>): CallAggregateRow {
  return {
    provider: null, model: null, feature: null, team: null, application: null,
    requests: 1, errors: 0, errorsByClass: {}, costNanoUsd: 0, unknownCostRequests: 0, tokens: usage({}),
    latencyBuckets: [], latencySumMs: 0, ttftBuckets: [], ttftSumMs: 0, lastStartMs: 0, piiDetections: 0, injectionAttempts: 0, refusals: 0, nearContextLimit: 0,
    ...over,
  };
}

export function rollupsContract(name: string, open: OpenStore): void {
  describe(`store contract (rollup sources): ${name}`, () => {
    const store = sharedStore(open, seed);
    const calls = async (bucketMs: number, detail: 'model' | 'application' | 'all') =>
      normal((await store().aggregateCalls({ fromMs: T, bucketMs, detail })).filter((r) => r.projectId !== S && r.projectId !== P && r.bucketStartMs < DAY1), callKey);

    it('sums calls per minute and model, with errors by class, tokens and unknown costs', async () => {
      const m = { provider: 'openai', model: 'gpt-4o' };
      expect(await calls(MINUTE, 'model')).toEqual(normal([
        row({ projectId: A, bucketStartMs: T, ...m, requests: 2, errors: 1, errorsByClass: { rate_limit: 1 }, costNanoUsd: 1_000_000_000,
          tokens: usage({ input: 30, output: 15, cacheRead: 1, cacheWrite: 2, reasoning: 3, audio: 4 }),
          latencyBuckets: sketch(100, 250), latencySumMs: 350, ttftBuckets: sketch(20), ttftSumMs: 20, lastStartMs: T + 50 * SEC }),
        row({ projectId: A, bucketStartMs: T + MINUTE, ...m, errors: 1, errorsByClass: { other: 1 }, unknownCostRequests: 1, tokens: usage({ input: 100 }),
          latencyBuckets: sketch(1000), latencySumMs: 1000, ttftBuckets: sketch(300), ttftSumMs: 300, lastStartMs: T + 70 * SEC }),
        row({ projectId: A, bucketStartMs: T, provider: 'anthropic', model: 'claude', errors: 1, errorsByClass: { timeout: 1 }, costNanoUsd: 7, tokens: usage({ input: 7 }),
          latencyBuckets: sketch(40), latencySumMs: 40, lastStartMs: T + 30 * SEC }),
        row({ projectId: B, bucketStartMs: T, ...m, costNanoUsd: 500, tokens: usage({ input: 1 }), latencyBuckets: sketch(60), latencySumMs: 60, lastStartMs: T + 20 * SEC }),
      ], callKey));
    });

    it('keeps every attribution at detail "all"', async () => {
      const rows = await calls(MINUTE, 'all');
      expect(rows.map((r) => [r.projectId, r.bucketStartMs - T, r.provider, r.model, r.feature, r.team, r.application, r.requests, r.costNanoUsd])).toEqual([
        [A, 0, 'anthropic', 'claude', 'f1', 't1', 'a1', 1, 7],
        [A, 0, 'openai', 'gpt-4o', 'f1', 't1', 'a1', 1, 1],
        [A, 0, 'openai', 'gpt-4o', 'f2', 't1', 'a1', 1, 999_999_999],
        [A, MINUTE, 'openai', 'gpt-4o', 'f1', 't2', 'a2', 1, 0],
        [B, 0, 'openai', 'gpt-4o', 'f1', 't1', 'a1', 1, 500],
      ]);
    });

    it('sums per hour and application, summing over models', async () => {
      expect(await calls(HOUR, 'application')).toEqual(normal([
        row({ projectId: A, bucketStartMs: T, application: 'a1', requests: 3, errors: 2, errorsByClass: { rate_limit: 1, timeout: 1 }, costNanoUsd: 1_000_000_007,
          tokens: usage({ input: 37, output: 15, cacheRead: 1, cacheWrite: 2, reasoning: 3, audio: 4 }),
          latencyBuckets: sketch(100, 250, 40), latencySumMs: 390, ttftBuckets: sketch(20), ttftSumMs: 20, lastStartMs: T + 50 * SEC }),
        row({ projectId: A, bucketStartMs: T, application: 'a2', errors: 1, errorsByClass: { other: 1 }, unknownCostRequests: 1, tokens: usage({ input: 100 }),
          latencyBuckets: sketch(1000), latencySumMs: 1000, ttftBuckets: sketch(300), ttftSumMs: 300, lastStartMs: T + 70 * SEC }),
        row({ projectId: B, bucketStartMs: T, application: 'a1', costNanoUsd: 500, tokens: usage({ input: 1 }), latencyBuckets: sketch(60), latencySumMs: 60, lastStartMs: T + 20 * SEC }),
      ], callKey));
    });

    it('reads nothing before the range', async () => {
      const later = await store().aggregateCalls({ fromMs: T + MINUTE, bucketMs: MINUTE, detail: 'model' });
      expect(later.filter((r) => r.bucketStartMs < DAY1 && r.projectId !== P).map((r) => [r.projectId, r.bucketStartMs, r.requests])).toEqual([[A, T + MINUTE, 1]]);
    });

    it('counts spans marked with sensitive values or an injection, of any kind, apart from the calls', async () => {
      const marked = async (bucketMs: number, detail: 'model' | 'application' | 'all') =>
        normal((await store().aggregateCalls({ fromMs: T, bucketMs, detail })).filter((r) => r.projectId === P), callKey).map((r) => ({
          at: r.bucketStartMs - T,
          requests: r.requests,
          pii: r.piiDetections,
          injection: r.injectionAttempts,
          costNanoUsd: r.costNanoUsd,
          input: r.tokens.input,
          latencySumMs: r.latencySumMs,
          lastMs: r.lastStartMs === 0 ? 0 : r.lastStartMs - T,
        }));
      // Minute 0: three calls (pii on one, 'email=0' is nothing found, injection on the embedding)
      // and a root chain span with both; the unmarked chain span is not there at all. Minute 1:
      // a tool span, no call.
      const minute0 = { requests: 3, pii: 2, injection: 2, costNanoUsd: 3, input: 3, latencySumMs: 300, lastMs: 30 * SEC };
      const minute1 = { requests: 0, pii: 1, injection: 1, costNanoUsd: 0, input: 0, latencySumMs: 0, lastMs: 0 };
      expect(await marked(MINUTE, 'model')).toEqual([{ at: 0, ...minute0 }, { at: MINUTE, ...minute1 }]);
      expect(await marked(MINUTE, 'all')).toEqual([{ at: 0, ...minute0 }, { at: MINUTE, ...minute1 }]);
      expect(await marked(HOUR, 'application')).toEqual([{ at: 0, requests: 3, pii: 3, injection: 3, costNanoUsd: 3, input: 3, latencySumMs: 300, lastMs: 30 * SEC }]);
    });

    it('sums numeric scores per bucket, name, feature, model and application into sketch buckets', async () => {
      const rows = normal(await store().aggregateScores({ fromMs: T, bucketMs: MINUTE }), scoreKey);
      const none = { feature: null, model: null, application: null };
      const chat = { feature: 'chat', model: 'gpt-4o', application: 'app' };
      expect(rows).toEqual(normal([
        { projectId: A, bucketStartMs: T, name: 'q', ...none, sum: 0.75, buckets: sketch(0.5, 0.25) },
        { projectId: A, bucketStartMs: T, name: 'q', ...chat, sum: 0.125, buckets: sketch(0.125) },
        { projectId: A, bucketStartMs: T + MINUTE, name: 'q', ...none, sum: 1, buckets: sketch(1) },
        { projectId: A, bucketStartMs: T, name: 'other', ...none, sum: 0, buckets: [[SKETCH_ZERO_INDEX, 1]] },
        { projectId: B, bucketStartMs: T, name: 'q', ...none, sum: 0.75, buckets: sketch(0.75) },
      ], scoreKey));
      const hourly = await store().aggregateScores({ fromMs: T, bucketMs: HOUR });
      expect(normal(hourly.filter((r) => r.name === 'q' && r.projectId === A), scoreKey)).toEqual(normal([
        { projectId: A, bucketStartMs: T, name: 'q', ...none, sum: 1.75, buckets: sketch(0.25, 0.5, 1) },
        { projectId: A, bucketStartMs: T, name: 'q', ...chat, sum: 0.125, buckets: sketch(0.125) },
      ], scoreKey));
    });

    it('gives spend per day and attribution in exact nano-dollars, unknown costs as null', async () => {
      const r = await store().spendByAttribution(S, { fromMs: DAY1, toMs: DAY2 + 24 * HOUR, bucket: 'day', limit: 10 });
      expect(r).toEqual({
        truncated: false,
        rows: [
          { bucketStartMs: DAY1, user: 'u1', team: 't', department: 'd', costNanoUsd: 9_007_199_254_740_995n },
          { bucketStartMs: DAY1, user: null, team: 't', department: 'd', costNanoUsd: 999_999_999n },
          { bucketStartMs: DAY1, user: 'u2', team: null, department: null, costNanoUsd: null },
          { bucketStartMs: DAY2, user: 'u1', team: 't', department: 'd', costNanoUsd: 1n },
        ],
      });
      const cut = await store().spendByAttribution(S, { fromMs: DAY1, toMs: DAY2 + 24 * HOUR, bucket: 'day', limit: 2 });
      expect(cut.truncated).toBe(true);
      expect(cut.rows).toEqual(r.rows.slice(0, 2));
      expect((await store().spendByAttribution(S, { fromMs: DAY1, toMs: DAY2 + 24 * HOUR, bucket: 'day', limit: 4 })).truncated).toBe(false);
    });

    it('gives spend per minute within the range only', async () => {
      const r = await store().spendByAttribution(S, { fromMs: DAY1 + 10 * HOUR, toMs: DAY1 + 10 * HOUR + 2 * MINUTE, bucket: 'minute', limit: 10 });
      expect(r.rows).toEqual([
        { bucketStartMs: DAY1 + 10 * HOUR, user: 'u1', team: 't', department: 'd', costNanoUsd: 9_007_199_254_740_994n },
        { bucketStartMs: DAY1 + 10 * HOUR + MINUTE, user: 'u1', team: 't', department: 'd', costNanoUsd: 1n },
      ]);
      expect((await store().spendByAttribution(projectId('nobody'), { fromMs: DAY1, toMs: DAY2, bucket: 'day', limit: 10 })).rows).toEqual([]);
    });
  });

  // C4: calls past 90% of their model's context window (10 × prompt tokens > 9 × window), with
  // the windows the store was opened with: the config's by provider and model, then by model (the
  // model that answered, then the one asked for), then the catalog's (gpt-4o 128,000 tokens,
  // gpt-4o-mini 128,000).
  describe(`store contract (rollup sources, calls near the context window): ${name}`, () => {
    const N = projectId('roll-near');
    const windows = { 'house-model': 1_000, 'acme/special': 2_000, special: 100_000, 'OpenAI/GPT-4o-Mini': 1_000 };
    const store = sharedStore(() => open({ contextWindowOf: contextWindowOf(windows) }), async (s) => {
      const near = (model: string, provider: string, usage: Partial<Usage>, over: { kind?: 'generation' | 'embedding' | 'chain'; atMs?: number; feature?: string } = {}) =>
        call({ project: N, provider, model, feature: over.feature ?? 'f1', team: 't1', application: 'a1', atMs: over.atMs ?? T + 10 * SEC, durationMs: 10, costNano: 1, kind: over.kind, usage: { output: 10, ...usage } });
      await s.write({
        spans: [
          near('gpt-4o', 'openai', { input: 100_000, cacheRead: 15_000, cacheWrite: 201 }), // 115,201 of 128,000: past 90%
          near('gpt-4o', 'openai', { input: 115_200 }), // exactly 90%: not past
          near('gpt-4o', 'openai', { input: 120_000 }, { feature: 'f2' }),
          near('gpt-4o', 'openai', { input: 127_000 }, { kind: 'chain' }), // not a model call
          near('house-model', 'acme', { input: 901 }), // named by model only
          near('house-model', 'acme', { input: 900 }),
          near('special', 'acme', { input: 1_900 }), // acme/special: 2,000 wins over special: 100,000
          near('special', 'other', { input: 1_900 }), // special: 100,000
          near('gpt-4o-mini', 'openai', { input: 950 }, { kind: 'embedding' }), // the override, not the catalog's 128,000
          near('mystery-9', 'acme', { input: 10_000_000 }), // no window anywhere
          near('gpt-4o', 'openai', { input: 127_000 }, { atMs: T + 70 * SEC }),
          // Answered by a dated model: the override of the model asked for, not the catalog's 128,000.
          { ...near('gpt-4o-mini', 'openai', { input: 950 }), responseModel: 'gpt-4o-mini-2024-07-18' },
        ],
        scores: [],
        logs: [],
      });
    });
    const nearBy = async (bucketMs: number, detail: 'model' | 'application' | 'all') =>
      (await store().aggregateCalls({ fromMs: T, bucketMs, detail }))
        .filter((r) => r.projectId === N)
        .map((r) => [r.bucketStartMs - T, r.provider, r.model, r.feature, r.application, r.requests, r.nearContextLimit].join(' '))
        .sort();

    it('counts the calls near the limit per model, with the configured windows', async () => {
      expect(await nearBy(MINUTE, 'model')).toEqual([
        `0 acme house-model   2 1`,
        `0 acme mystery-9   1 0`,
        `0 acme special   1 1`,
        `0 openai gpt-4o   3 2`,
        `0 openai gpt-4o-mini   1 1`,
        `0 openai gpt-4o-mini-2024-07-18   1 1`,
        `0 other special   1 0`,
        `${MINUTE} openai gpt-4o   1 1`,
      ].sort());
    });

    it('counts them by every attribution, and summed over models per application', async () => {
      expect(await nearBy(MINUTE, 'all')).toEqual([
        `0 acme house-model f1 a1 2 1`,
        `0 acme mystery-9 f1 a1 1 0`,
        `0 acme special f1 a1 1 1`,
        `0 openai gpt-4o f1 a1 2 1`,
        `0 openai gpt-4o f2 a1 1 1`,
        `0 openai gpt-4o-mini f1 a1 1 1`,
        `0 openai gpt-4o-mini-2024-07-18 f1 a1 1 1`,
        `0 other special f1 a1 1 0`,
        `${MINUTE} openai gpt-4o f1 a1 1 1`,
      ].sort());
      expect(await nearBy(HOUR, 'application')).toEqual([`0    a1 11 7`]);
    });

    it('agrees with the analytics measure, which uses the same windows', async () => {
      const r = await store().analytics.query(N, { measures: ['near_context_limit', 'context_window_use_p50', 'requests'], groupBy: ['provider', 'model'], filters: [], fromMs: T, toMs: T + HOUR });
      expect(r.rows.map((row) => [row.provider, row.model, row.requests, row.near_context_limit, row.context_window_use_p50 === null ? null : Number(Number(row.context_window_use_p50).toFixed(9))]).sort()).toEqual([
        ['acme', 'house-model', 2, 1, 0.9005],
        ['acme', 'mystery-9', 1, 0, null],
        ['acme', 'special', 1, 1, 0.95],
        ['openai', 'gpt-4o', 4, 3, 0.918753906], // (115,201 + 120,000) / 2 / 128,000
        ['openai', 'gpt-4o-mini', 1, 1, 0.95],
        ['openai', 'gpt-4o-mini-2024-07-18', 1, 1, 0.95],
        ['other', 'special', 1, 0, 0.019],
      ]);
    });
  });
}
