import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../server/errors.ts';
import { runAsReadTenant } from '../read-tenant.ts';
import { DuckDb, MAX_QUEUED_READS_PER_TENANT, type ReadRefusal } from './db.ts';

// A cross join of 10^13 rows that no filter can shorten: it runs for hours unless stopped.
const ENDLESS = 'SELECT count(*) AS n FROM range(100000000) a, range(100000) b WHERE a.range + b.range = -1';

let db: DuckDb | null = null;
afterEach(() => {
  db?.close();
  db = null;
});

async function open(queryTimeoutMs: number, refused: ReadRefusal[] = []): Promise<DuckDb> {
  // Two readers: one tenant gets one of them, so the tests can fill it.
  db = await DuckDb.open(null, { readers: 2, queryTimeoutMs, onReadRefused: (r) => refused.push(r) });
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
  it('stops a read at the timeout with query_timeout, counts it, and the connections answer afterwards', async () => {
    const refused: ReadRefusal[] = [];
    const d = await open(500, refused);
    const started = Date.now();
    const errors = await Promise.all([d.all(ENDLESS).catch((e: unknown) => e), d.all(ENDLESS).catch((e: unknown) => e)]);
    expect(Date.now() - started).toBeLessThan(20_000);
    for (const err of errors) {
      expect(err).toBeInstanceOf(ApiError);
      expect((err as ApiError).code).toBe('query_timeout');
      expect((err as ApiError).status).toBe(503);
      expect((err as ApiError).message).toMatch(/longer than 0\.5 s.*narrow the time range/);
    }
    expect(refused).toEqual(['timeout', 'timeout']);
    // Both readers were interrupted; each still serves reads.
    const answers = await Promise.all([d.all('SELECT 42 AS x'), d.all('SELECT 43 AS x')]);
    expect(answers).toEqual([[{ x: 42 }], [{ x: 43 }]]);
    expect(refused).toHaveLength(2);
  }, 60_000);

  it("runs another tenant's cheap read while one tenant's two heavy reads are in progress", async () => {
    const d = await open(2_000);
    const order: string[] = [];
    const heavy1 = settle(runAsReadTenant('key-a', () => d.all(ENDLESS)), 'a1', order);
    const heavy2 = settle(runAsReadTenant('key-a', () => d.all(ENDLESS)), 'a2', order);
    const cheap = settle(runAsReadTenant('key-b', () => d.all('SELECT 7 AS x')), 'b', order);
    expect(await cheap).toEqual([{ x: 7 }]);
    // Key a's reads are still running (the first) or waiting (the second) when b's is answered.
    expect(order).toEqual(['b']);
    const results = await Promise.all([heavy1, heavy2]);
    for (const r of results) expect((r as ApiError).code).toBe('query_timeout');
    expect(order).toEqual(['b', 'a1', 'a2']);
  }, 60_000);

  it('answers control lookups while every reader is busy', async () => {
    const d = await open(2_000);
    const order: string[] = [];
    const heavies = [
      settle(runAsReadTenant('key-a', () => d.all(ENDLESS)), 'a', order),
      settle(runAsReadTenant('key-b', () => d.all(ENDLESS)), 'b', order),
    ];
    // Give both heavy reads time to start on the two readers.
    await new Promise((r) => setTimeout(r, 200));
    expect(await d.control('SELECT 1 AS ok')).toEqual([{ ok: 1 }]);
    order.push('control');
    await Promise.all(heavies);
    expect(order[0]).toBe('control');
  }, 60_000);

  it("refuses a tenant's reads past the queue bound with too_many_queries and Retry-After", async () => {
    const refused: ReadRefusal[] = [];
    const d = await open(1_500, refused);
    const running = runAsReadTenant('key-a', () => d.all(ENDLESS).catch((e: unknown) => e));
    const queued = Array.from({ length: MAX_QUEUED_READS_PER_TENANT }, () => runAsReadTenant('key-a', () => d.all('SELECT 1 AS x')));
    const over = await runAsReadTenant('key-a', () => d.all('SELECT 1 AS x')).catch((e: unknown) => e);
    expect(over).toBeInstanceOf(ApiError);
    expect((over as ApiError).code).toBe('too_many_queries');
    expect((over as ApiError).status).toBe(429);
    expect((over as ApiError).retryAfterSeconds).toBeGreaterThan(0);
    // Another tenant is not affected by key-a's queue.
    expect(await runAsReadTenant('key-b', () => d.all('SELECT 2 AS x'))).toEqual([{ x: 2 }]);
    expect(((await running) as ApiError).code).toBe('query_timeout');
    expect(await Promise.all(queued)).toHaveLength(MAX_QUEUED_READS_PER_TENANT);
    expect(refused).toEqual(['busy', 'timeout']);
  }, 60_000);
});
