import { describe, expect, it } from 'vitest';
import type { Judge } from '../quality/judge/judge.ts';
import { JudgeQueue, type JudgeQueueDocument } from '../quality/judge/queue.ts';
import type { Store } from '../store/store.ts';
import { judgeQueueView, responseCacheView } from './erasure-views.ts';

// The judge's queue holds trace ids only: after a user's or a session's erasure, the traces the
// store no longer holds leave it, once what was acknowledged is loaded; the others stay.

function fakeJudge(queued: string[]) {
  const dropped: string[][] = [];
  const judge = {
    queuedTraces: () => queued,
    dropQueuedTraces: async (_p: string, ids: ReadonlySet<string>) => {
      dropped.push([...ids].sort());
      return ids.size;
    },
  } as unknown as Judge;
  return { judge, dropped };
}

describe('erasure views', () => {
  it("drops from the judge's queue the traces the store no longer holds", async () => {
    const { judge, dropped } = fakeJudge(['gone1', 'kept', 'gone2', 'loading']);
    const inStore = new Set(['kept']);
    let caughtUp = false;
    const store = {
      async getTrace(_p: string, id: string) {
        // 'loading' is acknowledged, and in the store once the load has caught up.
        if (caughtUp) inStore.add('loading');
        return { spans: inStore.has(id) ? [{}] : [], scores: [], logs: [] };
      },
    } as unknown as Store;
    const view = judgeQueueView(judge, store, { caughtUp: async () => void (caughtUp = true) });
    await view.afterErasure('p', { kind: 'user', id: 'u' });
    expect(dropped).toEqual([['gone1', 'gone2']]);
  });

  it('drops a trace by its id, and every queued trace for a project', async () => {
    const a = fakeJudge(['t1', 't2']);
    const noStore = {} as Store;
    await judgeQueueView(a.judge, noStore, { caughtUp: async () => undefined }).afterErasure('p', { kind: 'trace', id: 't2' });
    expect(a.dropped).toEqual([['t2']]);
    const b = fakeJudge(['t1', 't2']);
    await judgeQueueView(b.judge, noStore, { caughtUp: async () => undefined }).afterErasure('p', { kind: 'project' });
    expect(b.dropped).toEqual([['t1', 't2']]);
  });

  it("empties the gateway's response cache", async () => {
    let cleared = 0;
    await responseCacheView({ clear: () => void cleared++ }).afterErasure('p', { kind: 'user', id: 'u' });
    expect(cleared).toBe(1);
  });
});

describe("the judge's queue", () => {
  it('forgets the erased traces, in memory and in its file, and does not queue them again', async () => {
    let written: JudgeQueueDocument = { version: 1, jobs: [] };
    const queue = await JudgeQueue.open({ read: async (f) => f, write: async (d) => void (written = structuredClone(d)) }, { maxJobs: 10 });
    const job = (projectId: string, traceId: string) => ({ projectId, evaluatorId: 'e', traceId, dueMs: 0, attempts: 0, sampledMs: 0 });
    for (const [p, t] of [['p', 'a'], ['p', 'b'], ['other', 'a']]) queue.offer(job(p, t));
    expect(queue.tracesOf('p').sort()).toEqual(['a', 'b']);
    expect(queue.removeTraces('p', new Set(['a']))).toBe(1);
    await queue.flush();
    expect(written.jobs.map((j) => `${j.projectId}/${j.traceId}`).sort()).toEqual(['other/a', 'p/b']);
    expect(queue.offer(job('p', 'a'))).toBe('duplicate');
  });
});
