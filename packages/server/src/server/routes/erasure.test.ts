import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import { ErasureJobs, MAX_RUNNING_JOBS_PER_PROJECT, type ErasuresDocument } from '../../lifecycle/erasure.ts';
import { LifecycleLock } from '../../lifecycle/lock.ts';
import type { StateDocument } from '../../state/document.ts';
import { projectId, type Store } from '../../store/store.ts';
import { generation, makeTestApp, type TestApp } from '../../testing/app.ts';
import { hex } from '../../testing/fixtures.ts';
import { hashPassword } from '../../people/passwords.ts';
import { COUNTER_INDEX } from '../../rollups/rollups.ts';

// Erasure through the API on the real (in-memory DuckDB) store: what is erased is gone from the
// reads and from every in-memory figure, what is not stays to the nano-dollar, and the audit log
// keeps no identifier in clear.

const ALICE = 'alice-erasure-subject';
let t: TestApp;

beforeEach(async () => {
  t = await makeTestApp();
});
afterEach(async () => {
  await t.close();
});

async function ingest(batch: Record<string, unknown>[]): Promise<void> {
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: { batch } });
  expect(res.statusCode, res.body).toBe(200);
}

async function erase(body: Record<string, unknown>, headers: Record<string, string> = {}) {
  return t.app.inject({ method: 'POST', url: '/api/v1/erasure', payload: body, headers });
}

async function eraseAndWait(body: Record<string, unknown>) {
  const res = await erase(body);
  expect(res.statusCode, res.body).toBe(202);
  const { id, status } = res.json();
  expect(status).toBe('running');
  await t.ctx.erasures.waitFor(id);
  const done = await t.app.inject(`/api/v1/erasure/${id}`);
  expect(done.statusCode).toBe(200);
  return done.json();
}

function rollupCost(): number {
  const groups = t.ctx.alerting.rollups.calls('default', { fromMs: Date.now() - 3_600_000, toMs: Date.now() + 60_000 });
  // Nano-dollars.
  return groups.reduce((n, g) => n + g.cell.counters[COUNTER_INDEX.cost], 0);
}

describe('who asked for an erasure', () => {
  it('is the signed-in person by id and email, not "operator"', async () => {
    await t.close();
    t = await makeTestApp({ requireApiKeys: 'always' });
    await t.ctx.store.createApiKey(projectId('acme'), 'ingest', null);
    const password = 'correct horse battery';
    const ann = await t.ctx.store.people.createUser({ email: 'ann@example.com', name: null, source: 'local', passwordHash: await hashPassword(password), memberships: [{ projectId: projectId('acme'), role: 'admin' }] });
    const login = await t.app.inject({ method: 'POST', url: '/auth/login', payload: { email: 'ann@example.com', password } });
    expect(login.statusCode, login.body).toBe(200);
    const cookie = String([login.headers['set-cookie']].flat().filter((l) => String(l).startsWith('lookout_session=')).at(-1)).split(';')[0];
    const csrf = (await t.app.inject({ url: '/api/v1/me', headers: { cookie } })).json().csrfToken as string;
    const res = await erase({ userId: ALICE }, { cookie, 'x-csrf-token': csrf });
    expect(res.statusCode, res.body).toBe(202);
    await t.ctx.erasures.waitFor(res.json().id);
    expect((await t.ctx.erasures.get('acme', res.json().id))?.requestedBy).toBe(`user:${ann.id} (ann@example.com)`);
  });
});

describe('erasure', () => {
  it("erases a user's traces from the store and every in-memory figure, and keeps the rest to the nano-dollar", async () => {
    const aliceTrace = hex(16);
    const bobTrace = hex(16);
    await ingest([
      // The child carries no user: the trace is alice's through its root.
      generation({ traceId: aliceTrace, spanId: hex(8), userId: ALICE, sessionId: 's-a', input: 'marker one', costUsd: 0.25 }),
      generation({ traceId: aliceTrace, spanId: hex(8), input: 'marker two', costUsd: 0.125 }),
      generation({ traceId: bobTrace, spanId: hex(8), userId: 'bob', costUsd: 0.000000001 }),
    ]);
    const budget = await t.app.inject({ method: 'POST', url: '/api/v1/budgets', payload: { scope: 'project', period: 'monthly', limitUsd: 100 } });
    expect(budget.statusCode, budget.body).toBe(201);
    const spent = async () => (await t.app.inject('/api/v1/budgets')).json().budgets[0].statuses[0].spentUsd as number;
    expect(await spent()).toBeCloseTo(0.375000001, 9);
    expect(rollupCost()).toBe(375_000_001);

    const job = await eraseAndWait({ userId: ALICE });
    expect(job).toMatchObject({ status: 'done', project: 'default', requestedBy: 'operator', target: { kind: 'user' }, error: null });
    expect(job.counts.spans).toBe(2);
    expect(job.target.idHash).toMatch(/^[0-9a-f]+$/);

    const spans = (await t.app.inject('/api/v1/spans?limit=100')).json();
    expect(spans.spans.map((s: { traceId: string }) => s.traceId)).toEqual([bobTrace]);
    expect((await t.app.inject(`/api/v1/traces/${aliceTrace}`)).statusCode).toBe(404);
    // Every in-memory figure agrees with the store: only bob's nano-dollar is left.
    expect(await spent()).toBe(0.000000001);
    expect(rollupCost()).toBe(1);

    // The audit log: the erasure, without the id anywhere.
    const log = await t.app.inject('/api/v1/erasure');
    expect(log.json().erasures).toHaveLength(1);
    expect(log.body).not.toContain(ALICE);
  });

  it('counts calls that arrive while the figures are rebuilt exactly once', async () => {
    await ingest([generation({ traceId: hex(16), spanId: hex(8), userId: ALICE, costUsd: 1 })]);
    const budget = await t.app.inject({ method: 'POST', url: '/api/v1/budgets', payload: { scope: 'project', period: 'monthly', limitUsd: 100 } });
    expect(budget.statusCode).toBe(201);
    // A call is acknowledged (not loaded: loads wait) in the middle of each figure's read of the
    // store: the rollups' and the budgets'.
    const store = t.ctx.store as unknown as Record<'eachCallAggregate' | 'spendByAttribution', (...args: unknown[]) => Promise<unknown>>;
    for (const [method, costUsd] of [['eachCallAggregate', 0.000002], ['spendByAttribution', 0.000003]] as const) {
      const read = store[method].bind(store);
      let once = true;
      store[method] = async (...args) => {
        if (once) {
          once = false;
          await ingest([generation({ traceId: hex(16), spanId: hex(8), userId: method, costUsd })]);
        }
        return read(...args);
      };
    }
    const { id } = (await erase({ userId: ALICE })).json();
    expect(await t.ctx.erasures.waitFor(id)).toMatchObject({ status: 'done' });
    await t.ctx.pipeline.caughtUp();
    // 2 + 3 micro-dollars, each call once.
    expect(rollupCost()).toBe(5_000);
    const statuses = (await t.app.inject('/api/v1/budgets')).json().budgets[0].statuses;
    expect(Math.round(statuses[0].spentUsd * 1e9)).toBe(5_000);
  });

  it('erases one trace, and a session', async () => {
    const one = hex(16);
    const other = hex(16);
    const third = hex(16);
    await ingest([
      generation({ traceId: one, spanId: hex(8), userId: 'u' }),
      generation({ traceId: other, spanId: hex(8), userId: 'u', sessionId: 'chat-1' }),
      generation({ traceId: third, spanId: hex(8), userId: 'u', sessionId: 'chat-2' }),
    ]);
    expect((await eraseAndWait({ traceId: one })).counts.spans).toBe(1);
    expect((await eraseAndWait({ sessionId: 'chat-1' })).counts.spans).toBe(1);
    const left = (await t.app.inject('/api/v1/spans?limit=100')).json().spans.map((s: { traceId: string }) => s.traceId);
    expect(left).toEqual([third]);
  });

  it('refuses what is not one bounded id, another project’s job and a key without admin', async () => {
    for (const body of [{}, { userId: 'a', sessionId: 'b' }, { userId: '' }, { userId: 'x'.repeat(501) }, { traceId: 'nothex' }, { user: 'a' }]) {
      const res = await erase(body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().error.code).toBe('invalid_request');
    }
    expect((await t.app.inject('/api/v1/erasure/nope')).statusCode).toBe(404);
    const { id } = (await erase({ userId: 'someone' })).json();
    await t.ctx.erasures.waitFor(id);
    const otherAdmin = (await t.ctx.store.createApiKey(projectId('other'), 'admin', null)).key;
    const foreign = await t.app.inject({ url: `/api/v1/erasure/${id}`, headers: { authorization: `Bearer ${otherAdmin}` } });
    expect(foreign.statusCode).toBe(404);
    expect((await t.app.inject({ url: '/api/v1/erasure', headers: { authorization: `Bearer ${otherAdmin}` } })).json().erasures).toEqual([]);
    const reader = (await t.ctx.store.createApiKey(projectId('default'), 'read', null)).key;
    expect((await erase({ userId: 'someone' }, { authorization: `Bearer ${reader}` })).statusCode).toBe(403);
    const cross = await t.app.inject({ method: 'POST', url: '/api/v1/erasure?project=default', payload: { userId: 'x' }, headers: { authorization: `Bearer ${otherAdmin}` } });
    expect(cross.statusCode).toBe(403);
  });
});

// The service on its own: the job record holds the id only while it runs, and a job a killed
// server left running is run again at the next start.
describe('erasure jobs', () => {
  function memoryDocument(initial: ErasuresDocument = { version: 1, jobs: [] }): StateDocument<ErasuresDocument> & { doc: ErasuresDocument } {
    return {
      doc: structuredClone(initial),
      async read() {
        return structuredClone(this.doc);
      },
      async write(d) {
        this.doc = structuredClone(d);
      },
    };
  }
  const erased: unknown[] = [];
  const store = {
    backend: 'duckdb',
    erasure: {
      async eraseRecords(project: string, target: unknown) {
        erased.push([project, target]);
        return { counts: { spans: 3, scores: 0, logs: 0, metricPoints: 0, rollupHours: 1 }, compactsOnStop: true };
      },
    },
  } as unknown as Store;
  const deps = (document: StateDocument<ErasuresDocument>, over: Partial<ConstructorParameters<typeof ErasureJobs>[0]> = {}) => ({
    store,
    document,
    lock: new LifecycleLock(),
    settled: async () => undefined,
    hash: (p: string, text: string) => `h(${p}:${text.length})`,
    views: [],
    logger: pino({ level: 'silent' }),
    ...over,
  });

  it('keeps the id while running, only its hash once done', async () => {
    const document = memoryDocument();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const jobs = new ErasureJobs(deps(document, { settled: () => gate }));
    const job = await jobs.start('p1', { kind: 'user', id: 'u-123' }, 'key1', '10.0.0.1');
    expect(JSON.stringify(document.doc)).toContain('u-123');
    release();
    const done = await jobs.waitFor(job.id)!;
    expect(done).toMatchObject({ status: 'done', requestedBy: 'key1', requestedFrom: '10.0.0.1', counts: { spans: 3 }, compactsOnStop: true });
    expect(JSON.stringify(document.doc)).not.toContain('u-123');
  });

  it('runs again at start a job the last run left running', async () => {
    erased.length = 0;
    const left: ErasuresDocument = {
      version: 1,
      jobs: [
        {
          id: 'j1',
          project: 'p1',
          target: { kind: 'session', idHash: 'h' },
          requestedBy: 'operator',
          requestedFrom: null,
          requestedAt: new Date().toISOString(),
          status: 'running',
          counts: null,
          finishedAt: null,
          error: null,
          compactsOnStop: false,
          targetId: 'sess-9',
        } as ErasuresDocument['jobs'][number],
      ],
    };
    const document = memoryDocument(left);
    const jobs = new ErasureJobs(deps(document));
    expect(await jobs.resumePending()).toBe(1);
    expect(await jobs.waitFor('j1')).toMatchObject({ status: 'done', counts: { spans: 3 } });
    expect(erased).toEqual([['p1', { kind: 'session', id: 'sess-9' }]]);
    expect(JSON.stringify(document.doc)).not.toContain('sess-9');
  });

  it('answers 409 where the store cannot erase, and records a failed step', async () => {
    const none = new ErasureJobs(deps(memoryDocument(), { store: { backend: 'memory' } as unknown as Store }));
    await expect(none.start('p', { kind: 'user', id: 'u' }, 'operator')).rejects.toMatchObject({ status: 409 });
    const failing = new ErasureJobs(deps(memoryDocument(), { views: [{ name: 'a view', afterErasure: async () => Promise.reject(new Error('boom')) }] }));
    const job = await failing.start('p', { kind: 'user', id: 'u' }, 'operator');
    expect(await failing.waitFor(job.id)).toMatchObject({ status: 'failed', error: expect.stringContaining('a view could not forget them: boom') });
  });

  it('answers the running job when the same id is asked again, and refuses past the bound of waiting erasures', async () => {
    // The lock held: every erasure asked for now waits.
    let release!: () => void;
    const held = t.ctx.lifecycleLock.run(() => new Promise<void>((r) => (release = r)));
    const first = await erase({ userId: 'same-user' });
    expect(first.statusCode, first.body).toBe(202);
    const again = await erase({ userId: 'same-user' });
    expect(again.json().id).toBe(first.json().id);
    // A session of the same id is another target.
    expect((await erase({ sessionId: 'same-user' })).json().id).not.toBe(first.json().id);
    for (let i = 2; i < MAX_RUNNING_JOBS_PER_PROJECT; i++) expect((await erase({ userId: `user-${i}` })).statusCode).toBe(202);
    const over = await erase({ userId: 'one-too-many' });
    expect(over.statusCode, over.body).toBe(409);
    expect(over.json().error.message).toContain(`${MAX_RUNNING_JOBS_PER_PROJECT} erasures of this project are already waiting or running`);
    release();
    await held;
    await t.ctx.erasures.waitFor(first.json().id);
    const listed = (await t.app.inject('/api/v1/erasure')).json().erasures as { status: string }[];
    expect(listed).toHaveLength(MAX_RUNNING_JOBS_PER_PROJECT);
  });
});
