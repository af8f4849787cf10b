import { describe, expect, it } from 'vitest';
import { emptyUsage, type SpanRecord } from '../../domain/span.ts';
import { makeScore, makeSpan } from '../../testing/fixtures.ts';
import { projectId, type SpanFilter, type Store, type TraceSummary } from '../store.ts';
import { pricedCost, sharedStore, unknownCost, type OpenStore } from './fixtures.ts';

// Trace and span listings: every order, paging that is stable across pages, filters on any span of
// a trace, ranges over a trace's totals, free-text search, and getTrace's limit.

const P = projectId('traces');
const BASE_MS = Date.UTC(2026, 0, 10);
const MIN_MS = 60_000;
const N = 12;
// Trace i: its id is the byte i repeated, so id order is index order.
const traceId = (i: number) => i.toString(16).padStart(2, '0').repeat(16);
const startMs = (i: number) => BASE_MS + (i === 5 ? 4 : i) * 10 * MIN_MS; // traces 4 and 5 start together
// Durations (the root's) 1..12 s in a shuffled order; the call's cost 1..11 millionths of a dollar,
// unknown for every fourth trace.
const durationMs = (i: number) => (((i * 7) % N) + 1) * 1000;
const costNano = (i: number) => (i % 4 === 3 ? null : (((i * 5) % N) + 1) * 1_000_000);
const NONE = { status: 'not_applicable' as const, totalNanoUsd: null, byBucketNanoUsd: {}, priceRowId: null, catalogVersion: null };

const spans: SpanRecord[] = [];
for (let i = 0; i < N; i++) {
  const s = startMs(i) * 1000;
  const root = makeSpan({
    projectId: P, traceId: traceId(i), name: `t${i}`, kind: 'agent', startUs: s, endUs: s + durationMs(i) * 1000,
    requestModel: null, provider: null, usage: emptyUsage(), cost: NONE, finishReason: null,
    attribution: { ...makeSpan().attribution, environment: i < 6 ? 'prod' : 'dev' },
  });
  const c = costNano(i);
  const llm = makeSpan({
    projectId: P, traceId: traceId(i), parentSpanId: root.spanId, startUs: s + 100_000, endUs: s + 200_000,
    requestModel: i < 6 ? 'gpt-4o' : 'claude', cost: c === null ? unknownCost() : pricedCost(c), requestId: `req-${i}`,
    status: i === 9 ? 'error' : 'ok', errorClass: i === 9 ? 'timeout' : null, tags: i % 2 === 0 ? ['even'] : [],
    attribution: { ...makeSpan().attribution, userId: `user${i % 3}` },
  });
  spans.push(root, llm);
}
const tool = makeSpan({ projectId: P, traceId: traceId(0), kind: 'tool', name: 'search', startUs: BASE_MS * 1000 + 500_000, endUs: BASE_MS * 1000 + 600_000, requestModel: null, usage: emptyUsage(), cost: NONE });
spans.push(tool);
const t0 = (n: number) => ({ timestampUs: BASE_MS * 1000 + n * 1000 });
const scores = [2, 0, 1].map((n) => makeScore({ projectId: P, traceId: traceId(0), id: `score-${n}`, ...t0(n) }));
const logs = [2, 0, 1].map((n) => ({ projectId: P, id: `log-${n}`, traceId: traceId(0), spanId: null, severity: 'info' as const, body: `b${n}`, attributes: {}, ...t0(n) }));

async function seed(store: Store): Promise<void> {
  await store.write({ spans, scores, logs });
  await store.write({ spans: [makeSpan({ projectId: projectId('elsewhere'), traceId: traceId(1) })], scores: [], logs: [] });
}

// Hand-worked orders of the trace indexes.
const BY_START = [11, 10, 9, 8, 7, 6, 4, 5, 3, 2, 1, 0]; // 4 and 5 tie: trace id breaks it
const BY_DURATION = [5, 10, 3, 8, 1, 6, 11, 4, 9, 2, 7, 0];
const BY_COST = [2, 9, 4, 6, 1, 8, 10, 5, 0, 3, 7, 11]; // unknown (null) cost last, by trace id

// The documented span orders, applied to the fixture in JavaScript.
const SPAN_SORT: Record<'start' | 'duration' | 'cost', (a: SpanRecord, b: SpanRecord) => number> = {
  start: (a, b) => b.startUs - a.startUs,
  duration: (a, b) => b.endUs - b.startUs - (a.endUs - a.startUs),
  cost: (a, b) => (b.cost.totalNanoUsd ?? -1) - (a.cost.totalNanoUsd ?? -1),
};

export function tracesContract(name: string, open: OpenStore): void {
  describe(`store contract (traces): ${name}`, () => {
    const store = sharedStore(open, seed);
    const all = { limit: 100, offset: 0 };
    const indexes = (traces: TraceSummary[]) => traces.map((t) => parseInt(t.traceId.slice(0, 2), 16));
    const list = async (filter: SpanFilter) => indexes((await store().listTraces(P, filter, all)).traces);

    it('summarises a trace over all its spans', async () => {
      const { traces } = await store().listTraces(P, { q: traceId(3) }, all);
      expect(traces).toEqual([
        { traceId: traceId(3), name: 't3', startUs: startMs(3) * 1000, durationMs: 10_000, spans: 2, calls: 1, costUsd: null, unknownCostCalls: 1, tokens: 1200, hasError: false, userId: 'user0', sessionId: null, models: ['gpt-4o'] },
      ]);
      const [t9] = (await store().listTraces(P, { q: traceId(9) }, all)).traces;
      expect(t9).toMatchObject({ costUsd: 0.01, unknownCostCalls: 0, hasError: true, models: ['claude'], durationMs: 4000 });
      const [first] = (await store().listTraces(P, { q: traceId(0) }, all)).traces;
      expect(first).toMatchObject({ name: 't0', spans: 3, calls: 1, costUsd: 0.001, durationMs: 1000 });
    });

    it.each([
      ['start', BY_START],
      ['duration', BY_DURATION],
      ['cost', BY_COST],
    ] as const)('orders traces by %s and pages them without a gap or a repeat', async (orderBy, expected) => {
      const full = await store().listTraces(P, { orderBy }, all);
      expect(full.total).toBe(N);
      expect(indexes(full.traces)).toEqual(expected);
      for (const limit of [1, 5, 7]) {
        const pages: TraceSummary[] = [];
        for (let offset = 0; offset < N; offset += limit) {
          const page = await store().listTraces(P, { orderBy }, { limit, offset }, { total: offset === 0 });
          expect(page.total).toBe(offset === 0 ? N : null);
          pages.push(...page.traces);
        }
        expect(pages).toEqual(full.traces);
      }
      expect((await store().listTraces(P, { orderBy }, { limit: 5, offset: N })).traces).toEqual([]);
    });

    it('selects traces by a filter on any of their spans', async () => {
      expect(await list({ userId: 'user0' })).toEqual([9, 6, 3, 0]); // set on the call only
      expect(await list({ environment: 'dev' })).toEqual([11, 10, 9, 8, 7, 6]); // set on the root only
      expect(await list({ tag: 'even' })).toEqual([10, 8, 6, 4, 2, 0]);
      expect(await list({ model: 'claude' })).toEqual([11, 10, 9, 8, 7, 6]);
      expect(await list({ status: 'error' })).toEqual([9]);
      expect(await list({ kind: 'tool' })).toEqual([0]);
      // Each filter may be met by a different span of the trace.
      expect(await list({ kind: 'agent', model: 'claude' })).toEqual([11, 10, 9, 8, 7, 6]);
      expect(await list({ provider: 'openai', userId: 'user1', model: 'gpt-4o' })).toEqual([4, 1]);
      expect(await list({ fromMs: startMs(2), toMs: startMs(4) })).toEqual([3, 2]);
      expect((await store().listTraces(P, { userId: 'user0' }, { limit: 2, offset: 1 })).traces.map((t) => t.name)).toEqual(['t6', 't3']);
      expect((await store().listTraces(P, { userId: 'user0' }, all)).total).toBe(4);
    });

    it("filters on a trace's total cost and duration, unknown costs never in a cost range", async () => {
      expect(await list({ minCostUsd: 0.005, maxCostUsd: 0.009 })).toEqual([8, 6, 4, 1]);
      expect(await list({ maxCostUsd: 0.002 })).toEqual([5, 0]);
      expect(await list({ minDurationMs: 4000, maxDurationMs: 6000 })).toEqual([11, 9, 4]);
      expect(await list({ minDurationMs: 11_000 })).toEqual([10, 5]);
      expect(await list({ model: 'gpt-4o', orderBy: 'cost' })).toEqual([2, 4, 1, 5, 0, 3]);
      const page = await store().listTraces(P, { minCostUsd: 0.005, orderBy: 'duration' }, { limit: 2, offset: 2 });
      expect(indexes(page.traces)).toEqual([6, 4]); // 8 (9 s), 1 (8 s), 6 (7 s), 4 (5 s), 9 (4 s), 2 (3 s)
      expect(page.total).toBe(6);
    });

    it('searches traces by id prefix, request id and user', async () => {
      expect(await list({ q: traceId(7).slice(0, 10) })).toEqual([7]);
      expect(await list({ q: traceId(10).toUpperCase() })).toEqual([10]);
      expect(await list({ q: 'req-5' })).toEqual([5]);
      expect(await list({ q: 'user2' })).toEqual([11, 8, 5, 2]);
      expect(await list({ q: 'nothing-like-this' })).toEqual([]);
    });

    it('keeps the traces of other projects out', async () => {
      const other = await store().listTraces(projectId('elsewhere'), {}, all);
      expect(other.traces.map((t) => [t.traceId, t.spans])).toEqual([[traceId(1), 1]]);
      expect(other.total).toBe(1);
    });

    it('reads a trace in time order, at most `limit` spans, scores and logs each', async () => {
      const full = await store().getTrace(P, traceId(0));
      expect(full.spans.map((s) => s.spanId)).toEqual([spans[0].spanId, spans[1].spanId, tool.spanId]);
      expect(full.scores.map((s) => s.id)).toEqual(['score-0', 'score-1', 'score-2']);
      expect(full.logs.map((l) => l.id)).toEqual(['log-0', 'log-1', 'log-2']);
      const cut = await store().getTrace(P, traceId(0), 2);
      expect(cut.spans.map((s) => s.spanId)).toEqual([spans[0].spanId, spans[1].spanId]);
      expect(cut.scores.map((s) => s.id)).toEqual(['score-0', 'score-1']);
      expect(cut.logs.map((l) => l.id)).toEqual(['log-0', 'log-1']);
      expect(await store().getTrace(P, 'f'.repeat(32))).toEqual({ spans: [], scores: [], logs: [] });
    });

    it('reads a trace without its content when asked to, everything else the same', async () => {
      const q = projectId('trace-content');
      const span = makeSpan({ projectId: q, content: { input: 'the prompt', output: 'the answer' }, metadata: { k: 'v' } });
      await store().write({ spans: [span], scores: [], logs: [] });
      const full = await store().getTrace(q, span.traceId);
      expect(full.spans[0].content).toEqual({ input: 'the prompt', output: 'the answer' });
      const bare = await store().getTrace(q, span.traceId, 10, { content: false });
      expect(bare.spans).toEqual([{ ...full.spans[0], content: null }]);
    });

    it.each(['start', 'duration', 'cost'] as const)('orders spans by %s and pages them stably', async (orderBy) => {
      // Ties (4 and 5 start together; every call lasts 100 ms; roots have no cost) go by span id.
      const expected = [...spans].sort((a, b) => SPAN_SORT[orderBy](a, b) || (a.spanId < b.spanId ? -1 : 1)).map((s) => s.spanId);
      const full = await store().listSpans(P, { orderBy }, all);
      expect(full.total).toBe(spans.length);
      expect(full.spans.map((s) => s.spanId)).toEqual(expected);
      const paged: string[] = [];
      for (let offset = 0; offset < spans.length; offset += 4) {
        const page = await store().listSpans(P, { orderBy }, { limit: 4, offset }, { total: false });
        expect(page.total).toBeNull();
        paged.push(...page.spans.map((s) => s.spanId));
      }
      expect(paged).toEqual(expected);
    });

    it('filters spans by attribute, kind, status and time', async () => {
      const count = async (filter: SpanFilter) => (await store().listSpans(P, filter, { limit: 1, offset: 0 })).total;
      expect(await count({ kind: 'agent' })).toBe(N);
      expect(await count({ model: 'claude' })).toBe(6);
      expect(await count({ status: 'error' })).toBe(1);
      expect(await count({ environment: 'prod' })).toBe(13); // roots 0-5, their calls, and the tool span of trace 0
      expect(await count({ traceId: traceId(0) })).toBe(3);
      expect(await count({ fromMs: startMs(2), toMs: startMs(4) })).toBe(4);
      expect(await count({ minCostUsd: 0.01 })).toBe(2); // 0.011 and 0.01
      expect(await count({ maxDurationMs: 100 })).toBe(N + 1); // every call and the tool span
    });
  });
}
