import { afterEach, describe, expect, it } from 'vitest';
import { LookoutError } from '../../errors.ts';
import { INGEST_READS, INTERNAL_READS, runAsReadTenant } from '../read-tenant.ts';
import { DuckDb, MAX_QUEUED_READS, MAX_QUEUED_READS_PER_TENANT, READ_CHUNK_ROWS, type ReadRefusal } from './db.ts';
import { DuckDbStore } from './store.ts';

// A cross join of 10^13 rows that no filter can shorten: it runs for hours unless stopped.
const ENDLESS = 'SELECT count(*) AS n FROM range(100000000) a, range(100000) b WHERE a.range + b.range = -1';

let db: DuckDb | null = null;
afterEach(() => {
  db?.close();
  db = null;
});

async function open(queryTimeoutMs: number, refused: ReadRefusal[] = []): Promise<DuckDb> {
  // Three readers, the default: one kept for the server's reads, and one for each of two projects.
  db = await DuckDb.open(null, { readers: 3, queryTimeoutMs, onReadRefused: (r) => refused.push(r) });
  // One core for all the endless queries together: the other test files keep the other.
  await db.run('SET threads = 1');
  return db;
}

function settle(p: Promise<unknown>, name: string, order: string[]): Promise<unknown> {
  return p.then(
    (v) => (order.push(name), v),
    (e: unknown) => (order.push(name), e),
  );
}

describe('DuckDb reads', () => {
  it('hands a large result over one DuckDB chunk at a time, and stops it at the query timeout', async () => {
    const d = await open(500);
    const sizes: number[] = [];
    let sum = 0;
    const rows = await d.each('SELECT range AS n FROM range(5000)', undefined, (chunk) => {
      sizes.push(chunk.length);
      for (const r of chunk) sum += Number(r.n);
    });
    expect(rows).toBe(5000);
    expect(sum).toBe((4999 * 5000) / 2);
    expect(sizes.length).toBeGreaterThan(1);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(READ_CHUNK_ROWS);
    const err = await d.each(ENDLESS, undefined, () => undefined).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LookoutError);
    expect((err as LookoutError).code).toBe('query_timeout');
    // The reader is usable again.
    expect(await d.all('SELECT 1 AS x')).toEqual([{ x: 1 }]);
  });

  it('stops a read at the timeout with query_timeout, counts it, and the connections answer afterwards', async () => {
    const refused: ReadRefusal[] = [];
    const d = await open(500, refused);
    const started = Date.now();
    const errors = await Promise.all([d.all(ENDLESS).catch((e: unknown) => e), runAsReadTenant('project:a', () => d.all(ENDLESS).catch((e: unknown) => e))]);
    expect(Date.now() - started).toBeLessThan(20_000);
    for (const err of errors) {
      expect(err).toBeInstanceOf(LookoutError);
      expect((err as LookoutError).code).toBe('query_timeout');
      expect((err as LookoutError).status).toBe(503);
      expect((err as LookoutError).message).toMatch(/longer than 0\.5 s.*narrow the time range/);
    }
    expect(refused).toEqual(['timeout', 'timeout']);
    // Both readers were interrupted; each still serves reads.
    const answers = await Promise.all([d.all('SELECT 42 AS x'), d.all('SELECT 43 AS x'), d.all('SELECT 44 AS x')]);
    expect(answers).toEqual([[{ x: 42 }], [{ x: 43 }], [{ x: 44 }]]);
    expect(refused).toHaveLength(2);
  }, 60_000);

  it("runs another project's cheap read while one project's two heavy reads are in progress", async () => {
    const d = await open(2_000);
    const order: string[] = [];
    const heavy1 = settle(runAsReadTenant('project:a', () => d.all(ENDLESS)), 'a1', order);
    const heavy2 = settle(runAsReadTenant('project:a', () => d.all(ENDLESS)), 'a2', order);
    const cheap = settle(runAsReadTenant('project:b', () => d.all('SELECT 7 AS x')), 'b', order);
    expect(await cheap).toEqual([{ x: 7 }]);
    // Key a's reads are still running (the first) or waiting (the second) when b's is answered.
    expect(order).toEqual(['b']);
    const results = await Promise.all([heavy1, heavy2]);
    for (const r of results) expect((r as LookoutError).code).toBe('query_timeout');
    expect(order).toEqual(['b', 'a1', 'a2']);
  }, 60_000);

  it('answers control lookups while every reader is busy', async () => {
    const d = await open(2_000);
    const order: string[] = [];
    const heavies = [
      settle(runAsReadTenant('project:a', () => d.all(ENDLESS)), 'a', order),
      settle(runAsReadTenant('project:b', () => d.all(ENDLESS)), 'b', order),
      settle(d.all(ENDLESS), 'internal', order),
    ];
    // Give the heavy reads time to start on the three readers.
    await new Promise((r) => setTimeout(r, 200));
    expect(await d.control('SELECT 1 AS ok')).toEqual([{ ok: 1 }]);
    order.push('control');
    await Promise.all(heavies);
    expect(order[0]).toBe('control');
  }, 60_000);

  it("refuses a project's reads past its queue bound with too_many_queries and Retry-After", async () => {
    const refused: ReadRefusal[] = [];
    const d = await open(1_500, refused);
    const running = runAsReadTenant('project:a', () => d.all(ENDLESS).catch((e: unknown) => e));
    const queued = Array.from({ length: MAX_QUEUED_READS_PER_TENANT }, () => runAsReadTenant('project:a', () => d.all('SELECT 1 AS x')));
    const over = await runAsReadTenant('project:a', () => d.all('SELECT 1 AS x')).catch((e: unknown) => e);
    expect(over).toBeInstanceOf(LookoutError);
    expect((over as LookoutError).code).toBe('too_many_queries');
    expect((over as LookoutError).status).toBe(429);
    expect((over as LookoutError).message).toBe(`${MAX_QUEUED_READS_PER_TENANT} queries of this project are already waiting for the store (at most ${MAX_QUEUED_READS_PER_TENANT}); send fewer at once`);
    expect((over as LookoutError).retryAfterSeconds).toBeGreaterThan(0);
    // Another tenant is not affected by project a's queue.
    expect(await runAsReadTenant('project:b', () => d.all('SELECT 2 AS x'))).toEqual([{ x: 2 }]);
    expect(((await running) as LookoutError).code).toBe('query_timeout');
    expect(await Promise.all(queued)).toHaveLength(MAX_QUEUED_READS_PER_TENANT);
    expect(refused).toEqual(['busy', 'timeout']);
  }, 60_000);

  it("answers the server's reads at once while three projects' heavy reads want every reader", async () => {
    const d = await open(1_000);
    const order: string[] = [];
    // Each project asks for two readers: any three of these reads would take all the readers.
    const heavies = ['a1', 'a2', 'b1', 'b2', 'c1', 'c2'].map((n) => settle(runAsReadTenant(`project:${n[0]}`, () => d.all(ENDLESS)), n, order));
    await new Promise((r) => setTimeout(r, 200));
    // Ingest's duplicate check, then alert evaluation (a read made outside any request).
    expect(await settle(runAsReadTenant(INGEST_READS, () => d.all('SELECT 1 AS x')), 'ingest', order)).toEqual([{ x: 1 }]);
    expect(await settle(runAsReadTenant(INTERNAL_READS, () => d.all('SELECT 2 AS x')), 'internal', order)).toEqual([{ x: 2 }]);
    expect(await settle(d.all('SELECT 3 AS x'), 'untagged', order)).toEqual([{ x: 3 }]);
    expect(order).toEqual(['ingest', 'internal', 'untagged']);
    for (const r of await Promise.all(heavies)) expect((r as LookoutError).code).toBe('query_timeout');
  }, 60_000);

  it('starts a waiting project before the next reads of projects that have just run, however many they queued', async () => {
    const d = await open(1_000);
    const order: string[] = [];
    // Projects a and b each queue three heavy reads; c comes last with one cheap read.
    const heavies = ['a1', 'b1', 'a2', 'b2', 'a3', 'b3'].map((n) => settle(runAsReadTenant(`project:${n[0]}`, () => d.all(ENDLESS)), n, order));
    await new Promise((r) => setTimeout(r, 100));
    const started = Date.now();
    expect(await settle(runAsReadTenant('project:c', () => d.all('SELECT 9 AS x')), 'c', order)).toEqual([{ x: 9 }]);
    // c waited for one heavy read to end, not for the reads a and b queued before it.
    expect(Date.now() - started).toBeLessThan(1_900);
    // Answered after a first heavy read ended (freeing a reader) and before any queued one ended.
    const before = order.slice(0, order.indexOf('c'));
    expect(before.length).toBeGreaterThan(0);
    for (const n of before) expect(['a1', 'b1']).toContain(n);
    await Promise.all(heavies);
    expect(order).toHaveLength(7);
  }, 60_000);

  it('refuses reads past the queue bound of all projects together with too_many_queries, but never the server\'s', async () => {
    const refused: ReadRefusal[] = [];
    const d = await open(1_500, refused);
    const heavies = ['a', 'b'].map((p) => runAsReadTenant(`project:${p}`, () => d.all(ENDLESS).catch((e: unknown) => e)));
    // Many projects, each within its own bound, fill the queue of all.
    expect(MAX_QUEUED_READS).toBeGreaterThan(MAX_QUEUED_READS_PER_TENANT);
    const queued: Promise<unknown>[] = [];
    for (let p = 0; queued.length < MAX_QUEUED_READS; p++) {
      for (let i = 0; i < MAX_QUEUED_READS_PER_TENANT && queued.length < MAX_QUEUED_READS; i++) {
        queued.push(runAsReadTenant(`project:q${p}`, () => d.all('SELECT 1 AS x')));
      }
    }
    const over = await runAsReadTenant('project:late', () => d.all('SELECT 1 AS x')).catch((e: unknown) => e);
    expect(over).toBeInstanceOf(LookoutError);
    expect((over as LookoutError).code).toBe('too_many_queries');
    expect((over as LookoutError).status).toBe(429);
    expect((over as LookoutError).message).toBe(`${MAX_QUEUED_READS} queries are already waiting for the store (at most ${MAX_QUEUED_READS} in all); retry shortly`);
    expect((over as LookoutError).retryAfterSeconds).toBeGreaterThan(0);
    // The server's reads are neither refused nor queued behind the projects'.
    expect(await d.all('SELECT 5 AS x')).toEqual([{ x: 5 }]);
    expect(await runAsReadTenant(INGEST_READS, () => d.all('SELECT 6 AS x'))).toEqual([{ x: 6 }]);
    for (const r of await Promise.all(heavies)) expect((r as LookoutError).code).toBe('query_timeout');
    expect(await Promise.all(queued)).toHaveLength(MAX_QUEUED_READS);
    expect(refused).toEqual(['busy', 'timeout', 'timeout']);
  }, 60_000);
});

describe('background reads', () => {
  it("run as the server's even when scheduled while serving a project", async () => {
    // Opening the store schedules the refresh of the hourly totals (due at once on an empty
    // store), as a load does after an ingest request; here it happens as project a.
    const store = await runAsReadTenant('project:a', () => DuckDbStore.open(null, { readers: 3, queryTimeoutMs: 8_000 }));
    try {
      const d = (store as unknown as { db: DuckDb }).db;
      await d.run('SET threads = 1');
      const timer = () => (store as unknown as { hoursTimer: unknown }).hoursTimer;
      expect(timer()).not.toBeNull();
      // Project a holds its share of the readers until the statement timeout.
      const heavy = runAsReadTenant('project:a', () => d.all(ENDLESS).catch((e: unknown) => e));
      const started = Date.now();
      // The refresh starts two seconds after it was scheduled; its first step is a read.
      while (timer() !== null && Date.now() - started < 7_000) await new Promise((r) => setTimeout(r, 50));
      expect(timer()).toBeNull();
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(((await heavy) as LookoutError).code).toBe('query_timeout');
    } finally {
      await store.close();
    }
  }, 60_000);
});
