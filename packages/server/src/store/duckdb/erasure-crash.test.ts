import { describe, expect, it } from 'vitest';
import { EVALUATION_FEATURE, JUDGE_SUBJECT_METADATA_KEY, SCORE_METADATA } from '../../domain/quality.ts';
import type { LogRecord } from '../../domain/score.ts';
import type { SpanRecord } from '../../domain/span.ts';
import { makeScore } from '../../testing/fixtures.ts';
import { call } from '../contract/fixtures.ts';
import { projectId } from '../store.ts';
import { DuckDbStore } from './store.ts';

// An erasure stopped at any point finishes when it is run again: every row still to go can still
// be found. A write transaction is all or nothing, so stopping before the n-th one stands for a
// crash anywhere in it; every n an uninterrupted run reaches is tried.

const P = projectId('default');
const D = Date.UTC(2026, 4, 4);
const HOUR = 3_600_000;
const RANGE = { fromMs: D, toMs: D + 48 * HOUR };
const [A, B, J, JB, K] = ['1', '2', '3', '4', '5'].map((c) => c.repeat(32));
const ERASED = 'erased-judged-6b1d';

// u1's trace A is judged: the id is on its child only (the judged root and so its score carry
// none), the score names the judge's call J, and JB is an earlier call about A that no score
// names. J has a score and a log of its own. u2's trace B is judged by K.
const judgeCall = (traceId: string, atMs: number, costNano: number, subject: string | null, text: string): SpanRecord => ({
  ...call({ traceId, atMs, durationMs: 1, costNano, feature: EVALUATION_FEATURE, application: 'lookout', metadata: subject === null ? {} : { [JUDGE_SUBJECT_METADATA_KEY]: subject } }),
  content: { input: text, output: null },
});
const root = call({ traceId: A, atMs: D + 10 * HOUR, durationMs: 1, costNano: 1 });
const spans: SpanRecord[] = [
  root,
  { ...call({ traceId: A, atMs: D + 10 * HOUR + 1, durationMs: 1, costNano: 2, user: 'u1' }), parentSpanId: root.spanId, content: { input: ERASED, output: null } },
  call({ traceId: B, atMs: D + 11 * HOUR, durationMs: 1, costNano: 4, user: 'u2' }),
  judgeCall(J, D + 12 * HOUR, 8, null, ERASED),
  judgeCall(JB, D + 12 * HOUR, 16, A, ERASED),
  judgeCall(K, D + 13 * HOUR, 32, B, 'kept'),
];
const score = (id: string, traceId: string, userId: string | null, judgeTrace?: string) =>
  makeScore({ projectId: P, id, traceId, userId, timestampUs: D * 1000, metadata: judgeTrace ? { [SCORE_METADATA.judgeTraceId]: judgeTrace } : {} });
const scores = [score('sa', A, null, J), score('sa-human', A, null), score('sj', J, null), score('sb', B, 'u2', K)];
const log = (id: string, traceId: string): LogRecord => ({ projectId: P, id, traceId, spanId: null, timestampUs: D * 1000, severity: 'info', body: ERASED, attributes: {} });
const logs = [log('la', A), log('lj', J)];

async function seeded(): Promise<DuckDbStore> {
  const store = await DuckDbStore.open(null, { hourRollups: 'manual' });
  await store.write({ spans, scores, logs });
  await store.refreshHourRollups(RANGE.toMs);
  return store;
}

// Counts the store's write transactions; from the `stopAt`-th on, each fails as in a stopped process.
function interrupt(store: DuckDbStore, stopAt: number): { count: () => number; resume: () => void } {
  const db = store['db'];
  const transaction = db.transaction.bind(db);
  let n = 0;
  db.transaction = <T>(fn: () => Promise<T>): Promise<T> => (++n >= stopAt ? Promise.reject(new Error('stopped')) : transaction(fn));
  return { count: () => n, resume: () => (db.transaction = transaction) };
}

const erase = (store: DuckDbStore) => store.erasure.eraseRecords(P, { kind: 'user', id: 'u1' }, { chunkRows: 1 });

describe('erasure stopped part way', () => {
  it("finishes when run again, wherever it stopped, the judge's calls included", async () => {
    const whole = await seeded();
    const counter = interrupt(whole, Infinity);
    const expected = (await erase(whole)).counts;
    const transactions = counter.count();
    await whole.close();
    expect(expected).toEqual({ spans: 4, scores: 3, logs: 2, metricPoints: 0, rollupHours: 1 });

    for (let stopAt = 1; stopAt <= transactions; stopAt++) {
      const store = await seeded();
      const stop = interrupt(store, stopAt);
      await expect(erase(store), `stopped at ${stopAt}`).rejects.toThrow('stopped');
      stop.resume();
      await erase(store);
      const left = { spans: await store.exportSpans(null, 100), scores: await store.exportScores(null, 100), logs: await store.exportLogs(null, 100) };
      expect(left.spans.map((s) => s.traceId).sort(), `stopped at ${stopAt}`).toEqual([B, K]);
      expect(left.scores.map((s) => s.id), `stopped at ${stopAt}`).toEqual(['sb']);
      expect(left.logs, `stopped at ${stopAt}`).toEqual([]);
      expect(JSON.stringify(left)).not.toContain(ERASED);
      // The hourly totals agree with what is left: B alone.
      const totals = await store.analytics.query(P, { measures: ['cost', 'requests'], groupBy: [], filters: [], ...RANGE });
      expect(totals.rows, `stopped at ${stopAt}`).toEqual([{ cost: 0.000000004, requests: 1 }]);
      await store.close();
    }
  }, 120_000);
});
