import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { COUNTER_INDEX } from '../rollups/rollups.ts';
import { LookoutError } from '../errors.ts';
import { projectId } from '../store/store.ts';
import { generation, makeTestApp, type TestApp } from '../testing/app.ts';
import { hex } from '../testing/fixtures.ts';
import type { Refusal } from './refusals.ts';

let t: TestApp | null = null;
afterEach(async () => {
  await t?.close();
  t = null;
});

function sample(text: string, name: string, labels: Record<string, string>): number {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name + '{') && !line.startsWith(name + ' ')) continue;
    if (want.every((w) => line.includes(w))) total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
const listen = (app: TestApp) => {
  const heard: Refusal[] = [];
  app.ctx.refusals.onRefusal((r) => heard.push(r));
  return heard;
};
const refusalCounts = (app: TestApp, project: string) => {
  const [g] = app.ctx.alerting.rollups.calls(project, { fromMs: Date.now() - 60_000, toMs: Date.now() + 60_000 });
  return g ? { auth: g.cell.counters[COUNTER_INDEX.auth_failures], limited: g.cell.counters[COUNTER_INDEX.rate_limited] } : null;
};

describe('refusals', () => {
  it('counts auth failures by reason, and gives the refusals of a known project to its rollups', async () => {
    t = await makeTestApp({ requireApiKeys: 'always' });
    const heard = listen(t);
    const { key: ingestOnly } = await t.ctx.store.createApiKey(projectId('alpha'), 'ingest', null);
    const { key: admin } = await t.ctx.store.createApiKey(projectId('default'), 'admin', null);
    expect((await t.app.inject({ url: '/api/v1/spans' })).statusCode).toBe(401);
    expect((await t.app.inject({ url: '/api/v1/spans', headers: bearer('lk_not_a_key') })).statusCode).toBe(401);
    expect((await t.app.inject({ url: '/api/v1/spans', headers: bearer(ingestOnly) })).statusCode).toBe(403);
    // OTLP answers from its own error handler: counted all the same.
    expect((await t.app.inject({ method: 'POST', url: '/v1/traces', headers: { 'content-type': 'application/json' }, payload: '{}' })).statusCode).toBe(401);
    expect((await t.app.inject({ url: '/api/v1/spans', headers: bearer(admin) })).statusCode).toBe(200);

    expect(heard).toEqual([
      { kind: 'auth_failure', reason: 'missing_key', projectId: null, route: '/api/v1/spans' },
      { kind: 'auth_failure', reason: 'invalid_key', projectId: null, route: '/api/v1/spans' },
      { kind: 'auth_failure', reason: 'forbidden', projectId: 'alpha', route: '/api/v1/spans' },
      { kind: 'auth_failure', reason: 'missing_key', projectId: null, route: '/v1/traces' },
    ]);
    const text = (await t.app.inject({ url: '/metrics', headers: bearer(admin) })).body;
    expect(sample(text, 'lookout_auth_failures_total', { reason: 'missing_key' })).toBe(2);
    expect(sample(text, 'lookout_auth_failures_total', { reason: 'invalid_key' })).toBe(1);
    expect(sample(text, 'lookout_auth_failures_total', { reason: 'forbidden' })).toBe(1);
    // Only the project whose key it was sees it; an unknown key is nobody's.
    expect(refusalCounts(t, 'alpha')).toEqual({ auth: 1, limited: 0 });
    expect(refusalCounts(t, 'default')).toBeNull();
  });

  it('counts every 429 Lookout answers by reason: ingest queue, reads, gateway budget', async () => {
    const busyRoute = (app: FastifyInstance) => {
      app.get('/api/v1/test/busy', async () => {
        throw new LookoutError('too_many_queries', 'too many queries are waiting', { retryAfterSeconds: 1 });
      });
    };
    t = await makeTestApp({ 'ingest.maxQueueRows': 2 }, [busyRoute]);
    const heard = listen(t);
    const budget = { scope: 'user', subject: 'bob', period: 'daily', limitUsd: 0.5, enforce: 'hard' };
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/budgets', payload: budget })).statusCode).toBe(201);
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: { batch: [generation({ userId: 'bob', costUsd: 0.75 })] } })).statusCode).toBe(200);
    const call = await t.app.inject({
      method: 'POST',
      url: '/proxy/openai/v1/chat/completions',
      headers: { 'content-type': 'application/json', 'x-lookout-user': 'bob', authorization: 'Bearer sk-test' },
      payload: { model: 'gpt-4o-mini', messages: [] },
    });
    expect(call.statusCode).toBe(429);

    expect((await t.app.inject({ url: '/api/v1/test/busy' })).statusCode).toBe(429);
    // Last: each refusal above may queue a security event, and the queue holds two rows.
    const batch = [1, 2, 3].map(() => generation({ spanId: hex(8), traceId: hex(16) }));
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: { batch } })).statusCode).toBe(429);
    const startNs = BigInt(Date.now() - 5_000) * 1_000_000n;
    const spans = [1, 2, 3].map(() => ({ traceId: hex(16), spanId: hex(8), name: 'x', kind: 1, startTimeUnixNano: String(startNs), endTimeUnixNano: String(startNs + 1_000_000n) }));
    const otlp = { resourceSpans: [{ scopeSpans: [{ spans }] }] };
    expect((await t.app.inject({ method: 'POST', url: '/v1/traces', headers: { 'content-type': 'application/json' }, payload: otlp })).statusCode).toBe(429);

    expect(heard.map((r) => [r.kind, r.reason, r.projectId])).toEqual([
      ['rate_limited', 'budget_exceeded', 'default'],
      ['rate_limited', 'too_many_queries', 'default'],
      ['rate_limited', 'queue_full', 'default'],
      ['rate_limited', 'queue_full', 'default'],
    ]);
    const text = (await t.app.inject('/metrics')).body;
    expect(sample(text, 'lookout_rate_limited_total', { reason: 'queue_full' })).toBe(2);
    expect(sample(text, 'lookout_rate_limited_total', { reason: 'too_many_queries' })).toBe(1);
    expect(sample(text, 'lookout_rate_limited_total', { reason: 'budget_exceeded' })).toBe(1);
    expect(sample(text, 'lookout_rate_limited_total', { reason: 'action' })).toBe(0);
    expect(text).toContain('lookout_rate_limited_total{reason="action"} 0');
    expect(refusalCounts(t, 'default')).toEqual({ auth: 0, limited: 4 });
  });

  it('keeps answering when a listener throws', async () => {
    t = await makeTestApp({ requireApiKeys: 'always' });
    t.ctx.refusals.onRefusal(() => {
      throw new Error('listener bug');
    });
    const heard = listen(t);
    const res = await t.app.inject({ url: '/api/v1/spans' });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('unauthorized');
    expect(heard).toHaveLength(1);
  });
});
