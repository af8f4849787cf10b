import { describe, expect, it } from 'vitest';
import { EVALUATION_FEATURE, JUDGE_SUBJECT_METADATA_KEY, SCORE_METADATA } from '../../domain/quality.ts';
import type { LogRecord } from '../../domain/score.ts';
import type { SpanRecord } from '../../domain/span.ts';
import type { MetricPointRecord } from '../../domain/metric.ts';
import { makeScore } from '../../testing/fixtures.ts';
import { projectId, type DataErasure, type ErasureTarget } from '../store.ts';
import { call, freshStore, type ContractOptions, type OpenStore } from './fixtures.ts';

// Erasure (store.erasure): a user's, a session's, a trace's or a whole project's records deleted,
// and every read agreeing at once, to the nano-dollar, with nothing of the others touched.

const E = projectId('erase-a');
const F = projectId('erase-b');
const D = Date.UTC(2026, 4, 4);
const HOUR = 3_600_000;
const RANGE = { fromMs: D, toMs: D + 48 * HOUR };
const PAGE = { limit: 100, offset: 0 };
const trace = (c: string) => c.repeat(32);
const [T1, T2, T3, T4, T5, T6] = ['1', '2', '3', '4', '5', '6'].map(trace);
const MARKER = 'erase-marker-7f3a';

// T1: the user's id is on the child only, so the root carries none; T3 has no span of the user,
// only a score; T6 is the same user id in another project.
const r1 = call({ project: E, traceId: T1, atMs: D + 10 * HOUR, durationMs: 1, costNano: 1_000_000_001 });
const spans: Record<string, SpanRecord> = {
  r1,
  c1: { ...call({ project: E, traceId: T1, atMs: D + 10 * HOUR + 1000, durationMs: 1, costNano: 2, user: 'u1', session: 's1' }), parentSpanId: r1.spanId, content: { input: MARKER, output: MARKER } },
  t2: call({ project: E, traceId: T2, atMs: D + 30 * HOUR, durationMs: 1, costNano: 3, user: 'u1', session: 's2' }),
  t3: call({ project: E, traceId: T3, atMs: D + 10 * HOUR + 1_800_000, durationMs: 1, costNano: 5 }),
  t4: call({ project: E, traceId: T4, atMs: D + 10 * HOUR, durationMs: 1, costNano: 7, user: 'u2', session: 's3' }),
  t5: call({ project: E, traceId: T5, atMs: D + 30 * HOUR, durationMs: 1, costNano: 999_999_999, user: 'u2', session: 's3' }),
  f1: call({ project: F, traceId: T6, atMs: D + 10 * HOUR, durationMs: 1, costNano: 11, user: 'u1' }),
};
const scores = {
  sc1: makeScore({ projectId: E, id: 'sc1', traceId: T1, timestampUs: (D + 10 * HOUR) * 1000 }),
  sc3: makeScore({ projectId: E, id: 'sc3', traceId: T3, userId: 'u1', timestampUs: (D + 11 * HOUR) * 1000 }),
  sc4: makeScore({ projectId: E, id: 'sc4', traceId: T4, userId: 'u2', timestampUs: (D + 10 * HOUR) * 1000 }),
  sf: makeScore({ projectId: F, id: 'sf', traceId: T6, userId: 'u1', timestampUs: (D + 10 * HOUR) * 1000 }),
};
const log = (id: string, project: string, traceId: string | null, body: string): LogRecord => ({
  projectId: project, id, traceId, spanId: null, timestampUs: (D + 10 * HOUR) * 1000, severity: 'info', body, attributes: {},
});
const logs = { l1: log('l1', E, T1, MARKER), l4: log('l4', E, T4, 'kept'), lx: log('lx', E, null, 'no trace'), lf: log('lf', F, T6, 'other') };
const point = (id: string, project: string): MetricPointRecord => ({
  projectId: project, id, name: 'gen_ai.client.token.usage', unit: '{token}', kind: 'sum', temporality: 'delta', attributes: {}, service: 'svc',
  startUs: null, timeUs: (D + 10 * HOUR) * 1000, value: 1, count: null, sum: null, min: null, max: null, bucketCounts: [], bounds: [],
});

// The judge's calls (quality/judge), each a trace of its own whose prompt holds the judged trace's
// content. A1 is u1's trace, A2 u2's, both judged. The score on A1 names J1, the call it came
// from; J1b is an earlier call about A1 whose answer could not be read: no score names it, its
// span names its subject. Either link alone must be enough, so J1 names no subject. Someone scored
// J1, and J1b has a log. J2 is the call about A2, named both ways.
const [A1, A2, J1, J1B, J2] = ['7', '8', '9', 'a', 'b'].map(trace);
const JUDGED = 'judged-marker-51c0';
const JUDGED_KEPT = 'judged-kept-93e2';
const ONLY_JUDGE = [{ dimension: 'feature' as const, values: [EVALUATION_FEATURE] }];
const judgeCall = (traceId: string, atMs: number, costNano: number, subject: string | null, text: string): SpanRecord => ({
  ...call({
    project: E, traceId, atMs, durationMs: 1, costNano, model: 'judge-model', feature: EVALUATION_FEATURE, application: 'lookout',
    metadata: subject === null ? {} : { [JUDGE_SUBJECT_METADATA_KEY]: subject },
  }),
  content: { input: `Judge this answer: ${text}`, output: '{"score": 1, "reasoning": "fine"}' },
});
const judged = {
  spans: {
    a1: { ...call({ project: E, traceId: A1, atMs: D + 10 * HOUR, durationMs: 1, costNano: 1_000, user: 'u1' }), content: { input: JUDGED, output: JUDGED } },
    a2: { ...call({ project: E, traceId: A2, atMs: D + 10 * HOUR + 1000, durationMs: 1, costNano: 2_000, user: 'u2' }), content: { input: JUDGED_KEPT, output: null } },
    // In hours of their own: they are not in the hourly totals, so those hours are not summed again.
    j1: judgeCall(J1, D + 12 * HOUR, 500_000_000, null, JUDGED),
    j1b: judgeCall(J1B, D + 12 * HOUR - 1000, 250_000_000, A1, JUDGED),
    j2: judgeCall(J2, D + 13 * HOUR, 125_000_000, A2, JUDGED_KEPT),
  },
  scores: [
    makeScore({ projectId: E, id: 'sa1', traceId: A1, userId: 'u1', source: 'llm_judge', timestampUs: (D + 10 * HOUR) * 1000, metadata: { [SCORE_METADATA.judgeTraceId]: J1 } }),
    makeScore({ projectId: E, id: 'sa2', traceId: A2, userId: 'u2', source: 'llm_judge', timestampUs: (D + 10 * HOUR) * 1000, metadata: { [SCORE_METADATA.judgeTraceId]: J2 } }),
    makeScore({ projectId: E, id: 'sj1', traceId: J1, timestampUs: (D + 12 * HOUR) * 1000 }),
  ],
  logs: [{ ...log('lj1b', E, J1B, 'judge call'), timestampUs: (D + 12 * HOUR) * 1000 }],
};

// Spans by span id, scores and logs by id.
const idsOf = (records: ({ id: string } | { spanId: string })[]) => records.map((r) => ('id' in r ? r.id : r.spanId)).sort();
const spanIds = (...names: string[]) => names.map((n) => spans[n].spanId).sort();

export function erasureContract(name: string, open: OpenStore, options: ContractOptions = {}): void {
  describe(`store contract (erasure): ${name}`, () => {
    const store = freshStore(open);
    const erasure = (): DataErasure => {
      if (!store().erasure) throw new Error(`the ${store().backend} store has no erasure`);
      return store().erasure!;
    };
    const erase = (project: typeof E, target: ErasureTarget) => erasure().eraseRecords(project, target, { chunkRows: 2 });

    async function seed(): Promise<void> {
      await store().write({ spans: Object.values(spans), scores: Object.values(scores), logs: Object.values(logs) });
      await store().writeMetricPoints([point('m1', E), point('mf', F)]);
      await options.settle?.(store());
    }
    // Long-range sums (read from the hourly totals where a backend keeps them).
    const totals = async (p: typeof E) =>
      (await store().analytics.query(p, { measures: ['cost', 'requests'], groupBy: [], filters: [], ...RANGE })).rows[0];
    const byUser = async (p: typeof E) =>
      (await store().analytics.query(p, { measures: ['cost', 'requests'], groupBy: ['user'], filters: [], ...RANGE })).rows;
    const aggregated = async (p: typeof E) => {
      const rows = (await store().aggregateCalls({ fromMs: D, bucketMs: HOUR, detail: 'all' })).filter((r) => r.projectId === p);
      return { requests: rows.reduce((a, r) => a + r.requests, 0), costNanoUsd: rows.reduce((a, r) => a + r.costNanoUsd, 0) };
    };
    const exported = async () => ({
      spans: idsOf(await store().exportSpans(null, 1000)),
      scores: idsOf(await store().exportScores(null, 1000)),
      logs: idsOf(await store().exportLogs(null, 1000)),
    });

    it("erases a user's traces whole, and no read returns them; the other user's records and sums are intact", async () => {
      await seed();
      // 1,000,000,001 + 2 + 3 + 5 + 7 + 999,999,999
      expect(await totals(E)).toEqual({ cost: 2.000000017, requests: 6 });

      const result = await erase(E, { kind: 'user', id: 'u1' });
      expect(result.counts).toEqual({ spans: 4, scores: 2, logs: 1, metricPoints: 0, rollupHours: options.settle ? 2 : 0 });
      expect(typeof result.compactsOnStop).toBe('boolean');

      for (const t of [T1, T2, T3]) expect(await store().getTrace(E, t)).toEqual({ spans: [], scores: [], logs: [] });
      expect(await store().getSpan(E, spans.c1.spanId)).toBeNull();
      expect(idsOf((await store().listSpans(E, RANGE, PAGE)).spans)).toEqual(spanIds('t4', 't5'));
      expect((await store().listSpans(E, { ...RANGE, userId: 'u1' }, PAGE)).spans).toEqual([]);
      expect((await store().listTraces(E, RANGE, PAGE)).traces.map((t) => t.traceId).sort()).toEqual([T4, T5]);
      expect(idsOf(await store().listScores(E, {}, PAGE))).toEqual(['sc4']);
      expect(idsOf(await store().listLogs(E, {}, PAGE))).toEqual(['l4', 'lx']);
      // 7 + 999,999,999 nano-dollars: the other user's spend, to the nano-dollar.
      expect(await totals(E)).toEqual({ cost: 1.000000006, requests: 2 });
      expect(await byUser(E)).toEqual([{ user: 'u2', cost: 1.000000006, requests: 2 }]);
      const spend = await store().spendByAttribution(E, { ...RANGE, bucket: 'day', limit: 100 });
      expect(spend.rows.map((r) => [r.bucketStartMs, r.user, r.costNanoUsd]).sort()).toEqual([[D, 'u2', 7n], [D + 24 * HOUR, 'u2', 999_999_999n]]);
      expect(await aggregated(E)).toEqual({ requests: 2, costNanoUsd: 1_000_000_006 });
      const daily = await store().analytics.dailyTrend(E, RANGE);
      expect(daily.map((d) => d.costUsd)).toEqual([0.000000007, 0.999999999]);
      expect(await exported()).toEqual({
        spans: spanIds('t4', 't5', 'f1'),
        scores: ['sc4', 'sf'],
        logs: ['l4', 'lf', 'lx'],
      });
      // The same user id in another project is another person's.
      expect(await totals(F)).toEqual({ cost: 0.000000011, requests: 1 });
      expect(await store().listMetricNames(E, RANGE)).toHaveLength(1);

      // Run again (as after a crash): nothing left to delete, nothing changes.
      expect((await erase(E, { kind: 'user', id: 'u1' })).counts).toEqual({ spans: 0, scores: 0, logs: 0, metricPoints: 0, rollupHours: 0 });
      expect(await totals(E)).toEqual({ cost: 1.000000006, requests: 2 });
    });

    it("erases a session's traces, and one trace", async () => {
      await seed();
      expect((await erase(E, { kind: 'session', id: 's3' })).counts).toEqual({ spans: 2, scores: 1, logs: 1, metricPoints: 0, rollupHours: options.settle ? 2 : 0 });
      expect(idsOf((await store().listSpans(E, RANGE, PAGE)).spans)).toEqual(spanIds('r1', 'c1', 't2', 't3'));
      // 1,000,000,001 + 2 + 3 + 5
      expect(await totals(E)).toEqual({ cost: 1.000000011, requests: 4 });

      // The session is on the child only: the root goes with its trace.
      expect((await erase(E, { kind: 'session', id: 's1' })).counts).toMatchObject({ spans: 2, scores: 1, logs: 1 });
      expect(idsOf((await store().listSpans(E, RANGE, PAGE)).spans)).toEqual(spanIds('t2', 't3'));

      expect((await erase(E, { kind: 'trace', id: T3 })).counts).toEqual({ spans: 1, scores: 1, logs: 0, metricPoints: 0, rollupHours: options.settle ? 1 : 0 });
      expect(idsOf((await store().listSpans(E, RANGE, PAGE)).spans)).toEqual(spanIds('t2'));
      expect(await totals(E)).toEqual({ cost: 0.000000003, requests: 1 });
      expect((await erase(E, { kind: 'trace', id: T3 })).counts).toEqual({ spans: 0, scores: 0, logs: 0, metricPoints: 0, rollupHours: 0 });
      expect(await totals(F)).toEqual({ cost: 0.000000011, requests: 1 });
    });

    it("erases the judge's calls about a user's traces, and not those about another's", async () => {
      await store().write({ spans: Object.values(judged.spans), scores: judged.scores, logs: judged.logs });
      await options.settle?.(store());
      const judgeSpend = async () =>
        (await store().analytics.query(E, { measures: ['cost', 'requests'], groupBy: [], filters: ONLY_JUDGE, ...RANGE })).rows[0];
      // 0.5 + 0.25 + 0.125
      expect(await judgeSpend()).toEqual({ cost: 0.875, requests: 3 });
      expect(await totals(E)).toEqual({ cost: 0.000003, requests: 2 });

      // A1, J1, J1b; sa1 and sj1; J1b's log. Only A1's hour is summed again.
      const result = await erase(E, { kind: 'user', id: 'u1' });
      expect(result.counts).toEqual({ spans: 3, scores: 2, logs: 1, metricPoints: 0, rollupHours: options.settle ? 1 : 0 });
      for (const t of [A1, J1, J1B]) expect(await store().getTrace(E, t)).toEqual({ spans: [], scores: [], logs: [] });
      const everything = { spans: await store().exportSpans(null, 1000), scores: await store().exportScores(null, 1000), logs: await store().exportLogs(null, 1000) };
      expect({ spans: idsOf(everything.spans), scores: idsOf(everything.scores), logs: idsOf(everything.logs) }).toEqual({
        spans: [judged.spans.a2.spanId, judged.spans.j2.spanId].sort(),
        scores: ['sa2'],
        logs: [],
      });
      expect(JSON.stringify(everything)).not.toContain(JUDGED);
      expect((await store().getTrace(E, J2)).spans.map((s) => s.content?.input)).toEqual([`Judge this answer: ${JUDGED_KEPT}`]);
      expect(await judgeSpend()).toEqual({ cost: 0.125, requests: 1 });
      expect(await totals(E)).toEqual({ cost: 0.000002, requests: 1 });
      expect((await erase(E, { kind: 'user', id: 'u1' })).counts).toEqual({ spans: 0, scores: 0, logs: 0, metricPoints: 0, rollupHours: 0 });

      // One judged trace: its judge call goes with it.
      expect((await erase(E, { kind: 'trace', id: A2 })).counts).toEqual({ spans: 2, scores: 1, logs: 0, metricPoints: 0, rollupHours: options.settle ? 1 : 0 });
      expect(await store().exportSpans(null, 1000)).toEqual([]);
      expect(await judgeSpend()).toEqual({ cost: 0, requests: 0 });
    });

    it('erases a whole project and nothing of another', async () => {
      await seed();
      expect((await erase(E, { kind: 'project' })).counts).toEqual({ spans: 6, scores: 3, logs: 3, metricPoints: 1, rollupHours: options.settle ? 2 : 0 });
      expect(await totals(E)).toEqual({ cost: 0, requests: 0 });
      expect((await store().listSpans(E, {}, PAGE)).spans).toEqual([]);
      expect(await store().listScores(E, {}, PAGE)).toEqual([]);
      expect(await store().listLogs(E, {}, PAGE)).toEqual([]);
      expect(await store().listMetricNames(E, RANGE)).toEqual([]);
      expect(await aggregated(E)).toEqual({ requests: 0, costNanoUsd: 0 });
      expect(await exported()).toEqual({ spans: spanIds('f1'), scores: ['sf'], logs: ['lf'] });
      expect(await totals(F)).toEqual({ cost: 0.000000011, requests: 1 });
      expect(await store().listMetricNames(F, RANGE)).toHaveLength(1);
      expect((await erase(E, { kind: 'project' })).counts).toEqual({ spans: 0, scores: 0, logs: 0, metricPoints: 0, rollupHours: 0 });
    });
  });
}

