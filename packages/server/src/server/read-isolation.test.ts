import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config.ts';
import type { DuckDb } from '../store/duckdb/db.ts';
import { projectId } from '../store/store.ts';
import { buildApp } from './app.ts';
import type { AppContext } from './context.ts';
import { createContext } from './serve.ts';

// Store reads over HTTP: a statement timeout, one key's share of the read connections, and key
// checks that never queue behind analytics. The heavy read is a test route running a cross join
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

async function start(requireApiKeys: 'always' | 'auto'): Promise<{ app: FastifyInstance; ctx: AppContext }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'lookout-isolation-'));
  const config = loadConfig({ env: {}, flags: { dataDir, logLevel: 'silent', requireApiKeys, 'storage.queryTimeoutMs': QUERY_TIMEOUT_MS, 'storage.readConnections': 2 } });
  ctx = await createContext(config, pino({ level: 'silent' }));
  const db = (ctx.store as unknown as { db: DuckDb }).db;
  // One core for all the endless queries together: the other test files keep the other.
  await db.run('SET threads = 1');
  app = await buildApp(ctx, [
    (a) => {
      a.get('/api/v1/test/heavy', async () => db.all(ENDLESS));
      a.get('/api/v1/test/whoami', async (request) => request.auth);
    },
  ]);
  await app.ready();
  return { app, ctx };
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

  it("answers another key while one key's two heavy reads run, and queues that key's next read behind them", async () => {
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
    const { app, ctx } = await start('always');
    const keys = await Promise.all(['alpha', 'beta', 'gamma'].map((p) => ctx.store.createApiKey(projectId(p), 'read', null)));
    const [a, b, c] = keys.map((k) => k.key);
    for (const k of [a, b]) expect((await app.inject({ url: '/api/v1/test/whoami', headers: bearer(k) })).statusCode).toBe(200);
    const order: string[] = [];
    const heavy = [
      track(order, 'a-heavy', app.inject({ url: '/api/v1/test/heavy', headers: bearer(a) })),
      track(order, 'b-heavy', app.inject({ url: '/api/v1/test/heavy', headers: bearer(b) })),
    ];
    await new Promise((r) => setTimeout(r, 300));
    const who = await app.inject({ url: '/api/v1/test/whoami', headers: bearer(c) });
    order.push('c-checked');
    expect(who.statusCode).toBe(200);
    expect(who.json()).toMatchObject({ projectId: 'gamma', keyId: keys[2].info.id });
    await Promise.all(heavy);
    expect(order[0]).toBe('c-checked');
  }, 60_000);
});
