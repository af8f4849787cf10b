import { Client, credentials, Metadata, status as grpcStatus, type ServiceError } from '@grpc/grpc-js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { OTLP_GRPC_SERVICES, startOtlpGrpc } from '../ingest/otlp/grpc.ts';
import { addressOfGrpcPeer, KeyCache } from './auth.ts';
import { generation, makeTestApp, type TestApp } from '../testing/app.ts';
import { hex } from '../testing/fixtures.ts';
import { projectId } from '../store/store.ts';
import { DuckDbStore } from '../store/duckdb/store.ts';
import { loadConfig } from '../config/config.ts';
import { startServer } from './serve.ts';

let t: TestApp;

describe('keys and projects', () => {
  afterEach(async () => {
    await t.close();
  });

  it('on loopback, requests without a key go to the default project', async () => {
    t = await makeTestApp();
    const res = await t.app.inject('/api/v1/project');
    expect(res.json()).toMatchObject({ project: { id: 'default' }, scope: 'admin' });
  });

  it('bound to another address, a key is required', async () => {
    t = await makeTestApp({ host: '0.0.0.0' });
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: { batch: [generation()] } });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.message).toContain('Authorization: Bearer');
    expect((await t.app.inject('/healthz')).statusCode).toBe(200);
    expect((await t.app.inject('/metrics')).statusCode).toBe(200);
    const bad = await t.app.inject({ url: '/api/v1/spans', headers: { authorization: 'Bearer lk_nope' } });
    expect(bad.statusCode).toBe(401);
  });

  it('an ingest key writes but cannot read; a read key cannot manage keys', async () => {
    t = await makeTestApp({ host: '0.0.0.0' });
    const { key: ingestKey } = await t.ctx.store.createApiKey(projectId('acme'), 'ingest', null);
    const { key: readKey } = await t.ctx.store.createApiKey(projectId('acme'), 'read', null);
    const w = await t.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: { batch: [generation()] }, headers: { authorization: `Bearer ${ingestKey}` } });
    expect(w.statusCode).toBe(200);
    const r = await t.app.inject({ url: '/api/v1/spans', headers: { authorization: `Bearer ${ingestKey}` } });
    expect(r.statusCode).toBe(403);
    const ok = await t.app.inject({ url: '/api/v1/spans', headers: { authorization: `Bearer ${readKey}` } });
    expect(ok.json().total).toBe(1);
    const k = await t.app.inject({ method: 'POST', url: '/api/v1/keys', payload: { scope: 'admin' }, headers: { authorization: `Bearer ${readKey}` } });
    expect(k.statusCode).toBe(403);
  });

  it('a project admin cannot create keys for another project or change instance prices', async () => {
    t = await makeTestApp({ host: '0.0.0.0' });
    const { key } = await t.ctx.store.createApiKey(projectId('acme'), 'admin', null);
    const auth = { authorization: `Bearer ${key}` };
    const other = await t.app.inject({ method: 'POST', url: '/api/v1/keys', payload: { project: 'globex', scope: 'read' }, headers: auth });
    expect(other.statusCode).toBe(403);
    const own = await t.app.inject({ method: 'POST', url: '/api/v1/keys', payload: { scope: 'read' }, headers: auth });
    expect(own.statusCode).toBe(201);
    expect(own.json()).toMatchObject({ projectId: 'acme', scope: 'read' });
    const price = await t.app.inject({ method: 'POST', url: '/api/v1/pricing/overrides', payload: { model: 'x', inputPerMtokUsd: 1, outputPerMtokUsd: 1 }, headers: auth });
    expect(price.statusCode).toBe(403);
  });
});

describe('project isolation through every read endpoint', () => {
  beforeEach(async () => {
    t = await makeTestApp({ host: '0.0.0.0' });
  });
  afterEach(async () => {
    await t.close();
  });

  it('project B never sees project A data', async () => {
    const a = (await t.ctx.store.createApiKey(projectId('project-a'), 'admin', null)).key;
    const b = (await t.ctx.store.createApiKey(projectId('project-b'), 'admin', null)).key;
    const traceId = hex(16);
    const spanId = hex(8);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/ingest',
      headers: { authorization: `Bearer ${a}` },
      payload: {
        batch: [
          generation({ traceId, spanId, userId: 'alice', team: 'red', model: 'secret-model-a', usage: { input: 10, output: 10 } }),
          generation({ traceId, userId: 'alice', team: 'red' }),
          { type: 'score', id: 'sc-a', traceId, name: 'thumbs', value: true },
          { type: 'log', id: 'log-a', traceId, body: 'a log' },
        ],
      },
    });
    expect(res.statusCode).toBe(200);
    const asB = (url: string) => t.app.inject({ url, headers: { authorization: `Bearer ${b}` } });
    const asA = (url: string) => t.app.inject({ url, headers: { authorization: `Bearer ${a}` } });
    const now = new Date().toISOString();
    const endpoints = [
      '/api/v1/spans',
      `/api/v1/spans?traceId=${traceId}`,
      '/api/v1/traces',
      '/api/v1/traces?userId=alice',
      '/api/v1/scores',
      '/api/v1/logs',
      '/api/v1/pricing/unknown-models',
      `/api/v1/analytics/query?measures=cost,requests&groupBy=team&from=30d&to=${now}`,
      '/api/v1/analytics/daily?from=7d',
      '/api/v1/analytics/top-spenders?by=user&from=7d',
      '/api/v1/analytics/model-efficiency?from=7d',
      `/api/v1/reports/chargeback?month=${now.slice(0, 7)}&by=team&format=json`,
    ];
    for (const url of endpoints) {
      const seenByA = await asA(url);
      const seenByB = await asB(url);
      expect(seenByA.statusCode, url).toBe(200);
      expect(seenByB.statusCode, url).toBe(200);
      const textB = seenByB.body;
      expect(textB, url).not.toContain('alice');
      expect(textB, url).not.toContain('secret-model-a');
      expect(textB, url).not.toContain(traceId);
      expect(textB, url).not.toContain('"red"');
      // The same endpoint does show A its own data, so the check above is not vacuous: what A
      // sees differs from what B sees.
      expect(seenByA.body, url).not.toBe(textB);
    }
    expect((await asB(`/api/v1/spans/${spanId}`)).statusCode).toBe(404);
    expect((await asB(`/api/v1/spans/${spanId}/cost`)).statusCode).toBe(404);
    expect((await asB(`/api/v1/traces/${traceId}`)).statusCode).toBe(404);
    expect((await asA(`/api/v1/traces/${traceId}`)).json().spans).toHaveLength(2);
  });
});

// --- the HTTP edge: DNS rebinding, cross-site writes, who counts as local, the key cache ---

describe('DNS rebinding: the Host header while keys are not required', () => {
  afterEach(async () => {
    await t.close();
  });

  it('answers loopback names and configured hosts, and refuses any other name with 403 naming the setting', async () => {
    t = await makeTestApp();
    for (const host of ['localhost', 'localhost:4318', '127.0.0.1:4318', '[::1]:4318', 'LOCALHOST:4318']) {
      const res = await t.app.inject({ url: '/api/v1/project', headers: { host } });
      expect(res.statusCode, host).toBe(200);
    }
    for (const host of ['attacker.example', 'attacker.example:4318', '127.0.0.1.nip.io:4318', 'localhost.attacker.example']) {
      const res = await t.app.inject({ url: '/api/v1/spans', headers: { host } });
      expect(res.statusCode, host).toBe(403);
      expect(res.json().error.code).toBe('host_not_allowed');
      expect(res.json().error.message).toContain('server.allowedHosts');
    }
    const create = await t.app.inject({ method: 'POST', url: '/api/v1/keys', headers: { host: 'attacker.example:4318' }, payload: { scope: 'admin' } });
    expect(create.statusCode).toBe(403);
    expect(await t.ctx.store.countApiKeys()).toBe(0);
  });

  it('without keys, a refused name is told to require keys (a proxy or tunnel), not to list the name', async () => {
    t = await makeTestApp();
    const res = await t.app.inject({ url: '/api/v1/project', headers: { host: 'lookout.example.com' } });
    expect(res.statusCode).toBe(403);
    const message: string = res.json().error.message;
    expect(message).toContain('proxy or tunnel must require keys');
    expect(message).toContain('server.trustProxy');
    expect(message).toContain('requireApiKeys: always');
    expect(message).not.toMatch(/add the name to server\.allowedHosts/);
    await t.close();
    // With keys required, listing the name only narrows what is answered: the message may say so.
    t = await makeTestApp({ host: '0.0.0.0', 'server.allowedHosts': ['lookout.example.com'] });
    const keyed = await t.app.inject({ url: '/healthz', headers: { host: 'other.example.com' } });
    expect(keyed.statusCode).toBe(403);
    expect(keyed.json().error.message).toContain('add the name to server.allowedHosts');
    expect(keyed.json().error.message).not.toContain('tunnel');
  });

  it('server.allowedHosts adds names, with any port or one port', async () => {
    t = await makeTestApp({ 'server.allowedHosts': ['lookout.internal', 'box.lan:8443'] });
    expect((await t.app.inject({ url: '/api/v1/project', headers: { host: 'lookout.internal:4318' } })).statusCode).toBe(200);
    expect((await t.app.inject({ url: '/api/v1/project', headers: { host: 'box.lan:8443' } })).statusCode).toBe(200);
    expect((await t.app.inject({ url: '/api/v1/project', headers: { host: 'box.lan:9999' } })).statusCode).toBe(403);
  });

  it('with keys required any Host is answered unless server.allowedHosts is set', async () => {
    t = await makeTestApp({ host: '0.0.0.0' });
    expect((await t.app.inject({ url: '/healthz', headers: { host: 'lookout.example.com' } })).statusCode).toBe(200);
    await t.close();
    t = await makeTestApp({ host: '0.0.0.0', 'server.allowedHosts': ['lookout.example.com'] });
    expect((await t.app.inject({ url: '/healthz', headers: { host: 'lookout.example.com' } })).statusCode).toBe(200);
    expect((await t.app.inject({ url: '/healthz', headers: { host: 'other.example.com' } })).statusCode).toBe(403);
  });
});

describe('cross-site writes', () => {
  afterEach(async () => {
    await t.close();
  });

  it('refuses a state-changing request from another origin on every surface; same-origin and no-Origin clients work', async () => {
    t = await makeTestApp();
    const evil = { origin: 'https://attacker.example' };
    for (const [method, url] of [
      ['POST', '/api/v1/pricing/backfill'],
      ['POST', '/api/v1/keys'],
      ['PATCH', '/api/v1/project'],
      ['DELETE', '/api/v1/keys/k1'],
      ['POST', '/api/v1/ingest'],
      ['POST', '/v1/traces'],
      ['POST', '/proxy/openai/v1/chat/completions'],
    ] as const) {
      const res = await t.app.inject({ method, url, headers: evil });
      // Each surface answers in its own error format (OTLP status, the provider's error shape).
      expect(res.statusCode, `${method} ${url}`).toBe(403);
      expect(res.body, `${method} ${url}`).toContain('server.allowedOrigins');
    }
    // Sec-Fetch-Site alone (a browser that sent no Origin), and a sandboxed page's "null" origin.
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/pricing/backfill', headers: { 'sec-fetch-site': 'cross-site' } })).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/pricing/backfill', headers: { 'sec-fetch-site': 'same-site' } })).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/pricing/backfill', headers: { origin: 'null' } })).statusCode).toBe(403);
    // Another port of the same machine is another origin.
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/pricing/backfill', headers: { host: 'localhost:4318', origin: 'http://localhost:3000' } })).statusCode).toBe(403);

    const sameOrigin = await t.app.inject({ method: 'POST', url: '/api/v1/pricing/backfill', headers: { host: 'localhost:4318', origin: 'http://localhost:4318', 'sec-fetch-site': 'same-origin' }, payload: {} });
    expect(sameOrigin.statusCode).toBe(200);
    const noOrigin = await t.app.inject({ method: 'POST', url: '/api/v1/pricing/backfill', payload: {} });
    expect(noOrigin.statusCode).toBe(200);
    // Reads are not changed: a cross-site page cannot read the answer without CORS anyway.
    expect((await t.app.inject({ url: '/api/v1/project', headers: evil })).statusCode).toBe(200);
  });

  it('server.allowedOrigins lets a configured origin write', async () => {
    t = await makeTestApp({ 'server.allowedOrigins': ['https://portal.example.com'] });
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/pricing/backfill', headers: { origin: 'https://portal.example.com', 'sec-fetch-site': 'cross-site' }, payload: {} });
    expect(res.statusCode).toBe(200);
  });
});

describe('keyless access is for requests straight from this machine', () => {
  afterEach(async () => {
    await t.close();
  });

  it('refuses a keyless request from a non-loopback peer or carrying any forwarding header; a key still works', async () => {
    t = await makeTestApp();
    expect((await t.app.inject({ url: '/api/v1/project', remoteAddress: '::ffff:127.0.0.1' })).statusCode).toBe(200);
    expect((await t.app.inject({ url: '/api/v1/project', remoteAddress: '127.0.0.2' })).statusCode).toBe(200);
    for (const remoteAddress of ['10.1.2.3', '::ffff:10.1.2.3', '2001:db8::1']) {
      const res = await t.app.inject({ url: '/api/v1/project', remoteAddress });
      expect(res.statusCode, remoteAddress).toBe(401);
    }
    for (const header of ['x-forwarded-for', 'forwarded', 'x-real-ip', 'via']) {
      const res = await t.app.inject({ url: '/api/v1/project', headers: { [header]: header === 'forwarded' ? 'for=203.0.113.9' : '203.0.113.9' } });
      expect(res.statusCode, header).toBe(401);
      expect(res.json().error.message).toContain('server.trustProxy');
    }
    const { key } = await t.ctx.store.createApiKey(projectId('acme'), 'read', null);
    const keyed = await t.app.inject({ url: '/api/v1/project', headers: { 'x-forwarded-for': '203.0.113.9', authorization: `Bearer ${key}` } });
    expect(keyed.statusCode).toBe(200);
    expect(keyed.json().project.id).toBe('acme');
  });

  it('server.trustProxy requires keys, even bound to loopback', async () => {
    t = await makeTestApp({ 'server.trustProxy': true });
    expect((await t.app.inject('/api/v1/project')).statusCode).toBe(401);
    const { key } = await t.ctx.store.createApiKey(projectId('default'), 'admin', null);
    const res = await t.app.inject({ url: '/api/v1/project', headers: { 'x-forwarded-for': '203.0.113.9', authorization: `Bearer ${key}` } });
    expect(res.statusCode).toBe(200);
  });

  it('OTLP/gRPC applies the same rule to its peer and metadata', async () => {
    t = await makeTestApp();
    const grpc = await startOtlpGrpc(t.ctx, { host: '127.0.0.1', port: 0 });
    const client = new Client(`127.0.0.1:${grpc.port}`, credentials.createInsecure());
    const call = (metadata: Metadata) =>
      new Promise<ServiceError | null>((resolve) => {
        const identity = (b: Buffer) => b;
        client.makeUnaryRequest(`/${OTLP_GRPC_SERVICES.traces}/Export`, identity, identity, Buffer.alloc(0), metadata, (error) => resolve(error ?? null));
      });
    try {
      expect(await call(new Metadata())).toBeNull();
      const forwarded = new Metadata();
      forwarded.set('x-forwarded-for', '203.0.113.9');
      expect((await call(forwarded))?.code).toBe(grpcStatus.UNAUTHENTICATED);
    } finally {
      client.close();
      await grpc.close();
    }
  });

  it('reads the address out of a gRPC peer string', () => {
    expect(addressOfGrpcPeer('127.0.0.1:50123')).toBe('127.0.0.1');
    expect(addressOfGrpcPeer('::1:50123')).toBe('::1');
    expect(addressOfGrpcPeer('::ffff:127.0.0.1:443')).toBe('::ffff:127.0.0.1');
    expect(addressOfGrpcPeer('unknown')).toBeUndefined();
  });
});

describe('the key cache', () => {
  afterEach(async () => {
    await t.close();
  });

  it('a key revoked through the API stops at once on this node, on HTTP and OTLP/gRPC alike', async () => {
    t = await makeTestApp({ host: '0.0.0.0' });
    const { key: admin } = await t.ctx.store.createApiKey(projectId('default'), 'admin', null);
    const { key, info } = await t.ctx.store.createApiKey(projectId('acme'), 'read', null);
    const grpc = await startOtlpGrpc(t.ctx, { host: '127.0.0.1', port: 0 });
    const client = new Client(`127.0.0.1:${grpc.port}`, credentials.createInsecure());
    const viaGrpc = () =>
      new Promise<ServiceError | null>((resolve) => {
        const m = new Metadata();
        m.set('authorization', `Bearer ${key}`);
        const identity = (b: Buffer) => b;
        client.makeUnaryRequest(`/${OTLP_GRPC_SERVICES.traces}/Export`, identity, identity, Buffer.alloc(0), m, (error) => resolve(error ?? null));
      });
    try {
      expect((await t.app.inject({ url: '/api/v1/project', headers: { authorization: `Bearer ${key}` } })).statusCode).toBe(200);
      expect(await viaGrpc()).toBeNull();
      const revoke = await t.app.inject({ method: 'DELETE', url: `/api/v1/keys/${info.id}?project=acme`, headers: { authorization: `Bearer ${admin}` } });
      expect(revoke.statusCode).toBe(200);
      expect((await t.app.inject({ url: '/api/v1/project', headers: { authorization: `Bearer ${key}` } })).statusCode).toBe(401);
      expect((await viaGrpc())?.code).toBe(grpcStatus.UNAUTHENTICATED);
    } finally {
      client.close();
      await grpc.close();
    }
  });

  it('a flood of made-up keys does not evict the keys in use', async () => {
    t = await makeTestApp({ host: '0.0.0.0' });
    const { key } = await t.ctx.store.createApiKey(projectId('acme'), 'read', null);
    const store = t.ctx.store;
    const lookups: string[] = [];
    const resolveApiKey = store.resolveApiKey.bind(store);
    store.resolveApiKey = (k: string) => {
      lookups.push(k);
      return resolveApiKey(k);
    };
    const asKey = (k: string) => t.app.inject({ url: '/api/v1/project', headers: { authorization: `Bearer ${k}` } });
    expect((await asKey(key)).statusCode).toBe(200);
    // More than the cache holds (1,000 entries).
    for (let i = 0; i < 1_200; i++) expect((await asKey(`lk_made_up_${i}`)).statusCode).toBe(401);
    lookups.length = 0;
    expect((await asKey(key)).statusCode).toBe(200);
    expect(lookups).not.toContain(key);
  }, 30_000);
});

describe('/metrics with metrics.requireKey', () => {
  afterEach(async () => {
    await t.close();
  });

  it('answers without a key by default, and only to a read or admin key of the default project when required', async () => {
    t = await makeTestApp({ host: '0.0.0.0' });
    expect((await t.app.inject('/metrics')).statusCode).toBe(200);
    await t.close();
    t = await makeTestApp({ host: '0.0.0.0', 'metrics.requireKey': true });
    const as = (key: string | null) => t.app.inject({ url: '/metrics', headers: key ? { authorization: `Bearer ${key}` } : {} });
    expect((await as(null)).statusCode).toBe(401);
    expect((await as((await t.ctx.store.createApiKey(projectId('default'), 'ingest', null)).key)).statusCode).toBe(403);
    const tenant = await as((await t.ctx.store.createApiKey(projectId('acme'), 'admin', null)).key);
    expect(tenant.statusCode).toBe(403);
    expect(tenant.json().error.message).toContain('metrics.requireKey');
    const ok = await as((await t.ctx.store.createApiKey(projectId('default'), 'read', null)).key);
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain('# HELP');
  });
});

describe('start-up warning for server.allowedHosts without keys', () => {
  let savedUmask: number;
  beforeEach(() => {
    savedUmask = process.umask(0o022);
  });
  afterEach(() => {
    process.umask(savedUmask);
  });

  // What `lookout serve` logs at warn and above while starting with these settings.
  async function startWarnings(flags: Record<string, unknown>): Promise<Record<string, unknown>[]> {
    const lines: Record<string, unknown>[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) });
    const store = await DuckDbStore.open(null);
    // A key exists, so a server that requires keys prints none.
    await store.createApiKey(projectId('default'), 'admin', null);
    const dataDir = mkdtempSync(join(tmpdir(), 'lookout-hosts-'));
    const config = loadConfig({ env: {}, flags: { dataDir, port: 0, grpcPort: 0, logLevel: 'warn', ...flags } });
    try {
      const server = await startServer(config, { logger, store, quiet: true });
      await server.close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
    return lines;
  }

  it('warns that a tunnel under a listed name is served as the admin, and names requiring keys as the fix', async () => {
    const warnings = await startWarnings({ 'server.allowedHosts': ['lookout.internal'] });
    const warning = warnings.find((w) => w.event === 'keyless_allowed_hosts');
    expect(warning).toMatchObject({ allowedHosts: ['lookout.internal'] });
    expect(warning!.msg).toContain('lookout.internal');
    expect(warning!.msg).toContain('tunnel');
    expect(warning!.msg).toContain('requireApiKeys: always');
  }, 30_000);

  it('says nothing without listed names, or when keys are required', async () => {
    for (const flags of [{}, { 'server.allowedHosts': ['lookout.internal'], requireApiKeys: 'always' }, { 'server.allowedHosts': ['lookout.internal'], 'server.trustProxy': true }]) {
      const warnings = await startWarnings(flags);
      expect(warnings.filter((w) => w.event === 'keyless_allowed_hosts'), JSON.stringify(flags)).toEqual([]);
    }
  }, 60_000);
});

describe('the key cache, alone', () => {
  afterEach(() => vi.useRealTimers());
  const info = (id: string, projectId = 'p1') => ({ id, projectId }) as unknown as Parameters<KeyCache['resolve']>[1] extends (k: string) => Promise<infer R> ? NonNullable<R> : never;

  it('remembers an unknown key for 5 s, then asks the store again', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'performance'] });
    const cache = new KeyCache();
    const asked: string[] = [];
    let created = false;
    const lookUp = async (k: string) => (asked.push(k), created ? info('k1') : null);
    expect(await cache.resolve('lk_new', lookUp)).toBeNull();
    created = true;
    expect(await cache.resolve('lk_new', lookUp)).toBeNull();
    expect(asked).toHaveLength(1);
    vi.advanceTimersByTime(5_100);
    expect((await cache.resolve('lk_new', lookUp))?.id).toBe('k1');
    expect(asked).toHaveLength(2);
  });

  it('keeps a bounded number of keys, forgetting the least recently used', async () => {
    const cache = new KeyCache();
    let lookups = 0;
    const lookUp = async (k: string) => (lookups++, info(k));
    await cache.resolve('key-0', lookUp);
    for (let i = 1; i <= 1_000; i++) {
      await cache.resolve(`key-${i}`, lookUp);
      if (i % 100 === 0) await cache.resolve('key-0', lookUp); // used again: stays
    }
    expect(cache.knownSize).toBe(1_000);
    const before = lookups;
    await cache.resolve('key-0', lookUp);
    expect(lookups).toBe(before);
    await cache.resolve('key-1', lookUp); // the least recently used was forgotten
    expect(lookups).toBe(before + 1);
  });

  it('forgets a revoked key and every key of a deleted project at once', async () => {
    const cache = new KeyCache();
    let lookups = 0;
    const lookUp = async (k: string) => (lookups++, info(k, k.startsWith('a') ? 'pa' : 'pb'));
    for (const k of ['a1', 'a2', 'b1']) await cache.resolve(k, lookUp);
    cache.forget('b1');
    cache.forgetProject('pa');
    expect(cache.knownSize).toBe(0);
  });
});
