import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generation, makeTestApp, type TestApp } from '../testing/app.ts';
import { hex } from '../testing/fixtures.ts';
import { projectId } from '../store/store.ts';

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
      // The same endpoint does show A its own data, so the check above is not vacuous.
      expect(seenByA.body, url).toMatch(/alice|secret-model-a|red|[1-9]/);
    }
    expect((await asB(`/api/v1/spans/${spanId}`)).statusCode).toBe(404);
    expect((await asB(`/api/v1/spans/${spanId}/cost`)).statusCode).toBe(404);
    expect((await asB(`/api/v1/traces/${traceId}`)).statusCode).toBe(404);
    expect((await asA(`/api/v1/traces/${traceId}`)).json().spans).toHaveLength(2);
  });
});
