import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config.ts';
import { MAX_QUEUED_READS, MAX_QUEUED_READS_PER_TENANT, type DuckDb } from '../store/duckdb/db.ts';
import { projectId } from '../store/store.ts';
import { hex } from '../testing/fixtures.ts';
import { buildApp } from './app.ts';
import type { AppContext } from './context.ts';
import { createContext } from './serve.ts';

// Store reads over HTTP: a statement timeout, one project's share of the read connections (three,
// the default: one kept for the server's own reads, one for each of two projects), the queue
// bounds, and key checks that never queue behind analytics. The heavy read is a test route running a cross join
// of 10^13 rows on the store's readers, as a tenant's worst analytics query would.

const ENDLESS = 'SELECT count(*) AS n FROM range(100000000) a, range(100000) b WHERE a.range + b.range = -1';
const QUERY_TIMEOUT_MS = 2_000;

let app: FastifyInstance | undefined;
let ctx: AppContext | undefined;
afterEach(async () => {
  await app?.close();
  await ctx?.pipeline.drain();
  await ctx?.store.close();
  app = ctx = undefined;
});

async function start(requireApiKeys: 'always' | 'auto'): Promise<{ app: FastifyInstance; ctx: AppContext; db: DuckDb }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'lookout-isolation-'));
  const config = loadConfig({ env: {}, flags: { dataDir, logLevel: 'silent', requireApiKeys, 'storage.queryTimeoutMs': QUERY_TIMEOUT_MS, 'storage.readConnections': 3 } });
  ctx = await createContext(config, pino({ level: 'silent' }));
  const db = (ctx.store as unknown as { db: DuckDb }).db;
  // One core for all the endless queries together: the other test files keep the other.
  await db.run('SET threads = 1');
  app = await buildApp(ctx, [
    (a) => {
      a.get('/api/v1/test/heavy', async () => db.all(ENDLESS));
      a.get('/api/v1/test/cheap', async () => db.all('SELECT 1 AS x'));
      a.get('/api/v1/test/whoami', async (request) => request.auth);
    },
  ]);
  await app.ready();
  return { app, ctx, db };
}

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

function track(order: string[], name: string, p: Promise<{ statusCode: number }>): Promise<number> {
  return p.then((res) => {
    order.push(name);
    return res.statusCode;
  });
}

describe('store reads over HTTP', () => {
  it('stops a read at storage.queryTimeoutMs with 503 naming the limit, counts it on /metrics, and serves the next', async () => {
    const { app } = await start('auto');
    const res = await app.inject('/api/v1/test/heavy');
    expect(res.statusCode).toBe(503);
    expect(res.json().error).toMatchObject({ code: 'query_timeout', retryable: false });
    expect(res.json().error.message).toBe('the query took longer than 2 s and was stopped; narrow the time range or the filters');
    expect((await app.inject('/metrics')).body).toContain('lookout_store_reads_refused_total{reason="timeout"} 1');
    expect((await app.inject('/api/v1/spans')).statusCode).toBe(200);
  }, 60_000);

  it("answers another project while one project's two heavy reads run, and queues that project's next read behind them", async () => {
    const { app, ctx } = await start('always');
    const { key: a } = await ctx.store.createApiKey(projectId('alpha'), 'read', null);
    const { key: b } = await ctx.store.createApiKey(projectId('beta'), 'read', null);
    // Known keys, so that key checks are not part of what is measured.
    expect((await app.inject({ url: '/api/v1/test/whoami', headers: bearer(a) })).statusCode).toBe(200);
    expect((await app.inject({ url: '/api/v1/test/whoami', headers: bearer(b) })).statusCode).toBe(200);
    const order: string[] = [];
    const heavy = [
      track(order, 'a-heavy', app.inject({ url: '/api/v1/test/heavy', headers: bearer(a) })),
      track(order, 'a-heavy', app.inject({ url: '/api/v1/test/heavy', headers: bearer(a) })),
    ];
    await new Promise((r) => setTimeout(r, 300));
    const aList = track(order, 'a-spans', app.inject({ url: '/api/v1/spans', headers: bearer(a) }));
    expect(await track(order, 'b-spans', app.inject({ url: '/api/v1/spans', headers: bearer(b) }))).toBe(200);
    expect(order).toEqual(['b-spans']);
    expect(await Promise.all(heavy)).toEqual([503, 503]);
    expect(await aList).toBe(200);
    expect(order).toEqual(['b-spans', 'a-heavy', 'a-heavy', 'a-spans']);
  }, 60_000);

  it('checks a new key while every reader is busy with other keys', async () => {
    const { app, ctx, db } = await start('always');
    const keys = await Promise.all(['alpha', 'beta', 'gamma'].map((p) => ctx.store.createApiKey(projectId(p), 'read', null)));
    const [a, b, c] = keys.map((k) => k.key);
    for (const k of [a, b]) expect((await app.inject({ url: '/api/v1/test/whoami', headers: bearer(k) })).statusCode).toBe(200);
    const order: string[] = [];
    const heavy = [
      track(order, 'a-heavy', app.inject({ url: '/api/v1/test/heavy', headers: bearer(a) })),
      track(order, 'b-heavy', app.inject({ url: '/api/v1/test/heavy', headers: bearer(b) })),
      // The server's own reader, taken by a read made outside any request.
      db.all(ENDLESS).catch(() => undefined),
    ];
    await new Promise((r) => setTimeout(r, 300));
    const who = await app.inject({ url: '/api/v1/test/whoami', headers: bearer(c) });
    order.push('c-checked');
    expect(who.statusCode).toBe(200);
    expect(who.json()).toMatchObject({ projectId: 'gamma', keyId: keys[2].info.id });
    await Promise.all(heavy);
    expect(order[0]).toBe('c-checked');
  }, 60_000);

  it("two keys of one project cannot hold the readers another project's reads or the server's own need", async () => {
    const { app, ctx } = await start('always');
    const [a1, a2, b, g] = await Promise.all([
      ctx.store.createApiKey(projectId('alpha'), 'admin', null),
      ctx.store.createApiKey(projectId('alpha'), 'read', null),
      ctx.store.createApiKey(projectId('beta'), 'read', null),
      ctx.store.createApiKey(projectId('gamma'), 'ingest', null),
    ]).then((keys) => keys.map((k) => k.key));
    for (const k of [a1, a2, b]) expect((await app.inject({ url: '/api/v1/test/whoami', headers: bearer(k) })).statusCode).toBe(200);
    const order: string[] = [];
    // Two heavy reads per key: as two tenants, the two keys would take all three readers.
    const heavy = [a1, a1, a2, a2].map((k) => track(order, 'alpha-heavy', app.inject({ url: '/api/v1/test/heavy', headers: bearer(k) })));
    await new Promise((r) => setTimeout(r, 300));
    // Ingest: the duplicate check of a score (the acknowledgement waits for it).
    const score = { type: 'score', id: hex(8), traceId: hex(16), name: 'thumbs', value: true };
    const ingest = app.inject({ method: 'POST', url: '/api/v1/ingest', headers: bearer(g), payload: { batch: [score] } });
    expect(await track(order, 'gamma-ingest', ingest)).toBe(200);
    // A read of the server's own (alert evaluation, start-up) is made outside any request.
    expect(await ctx.store.latestSpanStartUs().then((us) => (order.push('internal'), us))).toBeNull();
    expect(await track(order, 'beta-spans', app.inject({ url: '/api/v1/spans', headers: bearer(b) }))).toBe(200);
    expect(order).toEqual(['gamma-ingest', 'internal', 'beta-spans']);
    expect(await Promise.all(heavy)).toEqual([503, 503, 503, 503]);
  }, 60_000);

  it('refuses reads past the queue bound of all projects with 429 too_many_queries and Retry-After', async () => {
    const { app, ctx } = await start('always');
    const projects = Math.ceil(MAX_QUEUED_READS / MAX_QUEUED_READS_PER_TENANT);
    const keys = (await Promise.all(Array.from({ length: projects + 3 }, (_, i) => ctx.store.createApiKey(projectId(`p${i}`), 'read', null)))).map((k) => k.key);
    for (const k of keys) expect((await app.inject({ url: '/api/v1/test/whoami', headers: bearer(k) })).statusCode).toBe(200);
    const [busy1, busy2, late, ...queuers] = keys;
    const heavy = [busy1, busy2].map((k) => app.inject({ url: '/api/v1/test/heavy', headers: bearer(k) }));
    await new Promise((r) => setTimeout(r, 300));
    // Each project within its own bound; together they fill the queue of all.
    const queued: Promise<{ statusCode: number }>[] = [];
    for (const k of queuers) {
      for (let i = 0; i < MAX_QUEUED_READS_PER_TENANT && queued.length < MAX_QUEUED_READS; i++) queued.push(app.inject({ url: '/api/v1/test/cheap', headers: bearer(k) }));
    }
    await new Promise((r) => setTimeout(r, 300));
    const over = await app.inject({ url: '/api/v1/test/cheap', headers: bearer(late) });
    expect(over.statusCode).toBe(429);
    expect(over.headers['retry-after']).toBe('1');
    expect(over.json().error).toMatchObject({ code: 'too_many_queries', retryable: true });
    expect(over.json().error.message).toBe(`${MAX_QUEUED_READS} queries are already waiting for the store (at most ${MAX_QUEUED_READS} in all); retry shortly`);
    expect((await Promise.all(heavy)).map((r) => r.statusCode)).toEqual([503, 503]);
    const statuses = (await Promise.all(queued)).map((r) => r.statusCode);
    expect(statuses).toEqual(queued.map(() => 200));
    expect((await app.inject('/metrics')).body).toContain('lookout_store_reads_refused_total{reason="busy"} 1');
  }, 60_000);
});
