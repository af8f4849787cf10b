import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Activation } from '../../alerts/actions/engine.ts';
import { projectId } from '../../store/store.ts';
import { generation, makeTestApp, type TestApp } from '../../testing/app.ts';

// Automated responses end to end on the real app: calls in through the ingest API, the real
// alert engine evaluates a rule, its firing alert activates the configured action, and the API
// shows and reverts it.

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp({
    'alerts.defaultPack': false,
    'alerts.actions': [
      { id: 'cheaper-on-spend', when: { alertname: 'SpendHigh', matchers: ['severity="critical"'] }, do: { switchModel: { from: 'gpt-4o', to: 'gpt-4o-mini' } } },
      { id: 'cache-on-spend', dryRun: true, when: { alertname: 'SpendHigh' }, do: { responseCache: { ttl: '10m' } } },
    ],
  });
});
afterEach(async () => {
  await t.close();
});

const spendRule = { name: 'SpendHigh', kind: 'threshold', query: { measure: 'cost' }, window: '5m', threshold: 1, for: '0s', severity: 'critical', category: 'cost' };
const request = { provider: 'openai', model: 'gpt-4o', user: 'alice', feature: 'chat', team: null, path: '/chat/completions' };

async function fire(): Promise<void> {
  await t.ctx.alerting.engine.putRule('default', spendRule);
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: { batch: [generation({ costUsd: 5 }), generation({ costUsd: 2 })] } });
  expect(res.statusCode).toBe(200);
  await t.ctx.alerting.engine.evaluate();
}

const list = async (headers: Record<string, string> = {}) => (await t.app.inject({ method: 'GET', url: '/api/v1/actions', headers })).json() as { active: Activation[]; history: Activation[]; configured: { id: string }[] };

describe('automated responses with the real alert engine', () => {
  it('a firing cost alert switches the model; when the spend leaves the window it is reverted', async () => {
    expect(t.ctx.alerting.actions.decide('default', request, Date.now())).toEqual({ applied: [] });
    await fire();
    const { active, configured } = await list();
    expect(configured.map((c) => c.id)).toEqual(['cheaper-on-spend', 'cache-on-spend']);
    const switched = active.find((a) => a.actionId === 'cheaper-on-spend')!;
    expect(switched).toMatchObject({ kind: 'switchModel', state: 'active', dryRun: false, triggeredBy: { alertname: 'SpendHigh', value: 7 } });
    expect(active.find((a) => a.actionId === 'cache-on-spend')!.dryRun).toBe(true);

    const decision = t.ctx.alerting.actions.decide('default', request, Date.now());
    expect(decision.model).toBe('gpt-4o-mini');
    expect(decision.cache).toBeUndefined();
    expect(decision.applied.map((a) => [a.actionId, a.dryRun])).toEqual([
      ['cheaper-on-spend', false],
      ['cache-on-spend', true],
    ]);
    expect(await t.ctx.metrics.registry.metrics()).toContain('lookout_actions_active{kind="switchModel"} 1');

    await t.ctx.alerting.engine.evaluate(Date.now() + 30 * 60_000);
    const after = await list();
    expect(after.active).toEqual([]);
    expect(after.history.find((a) => a.id === switched.id)).toMatchObject({ state: 'reverted', revertedBy: 'resolve' });
    expect(t.ctx.alerting.actions.decide('default', request, Date.now() + 30 * 60_000)).toEqual({ applied: [] });
  });

  it('reverts through the API; it stays reverted while the alert fires', async () => {
    await fire();
    const id = (await list()).active.find((a) => a.actionId === 'cheaper-on-spend')!.id;

    const { key: readKey } = await t.ctx.store.createApiKey(projectId('default'), 'read', null);
    expect((await t.app.inject({ method: 'POST', url: `/api/v1/actions/${id}/revert`, headers: { authorization: `Bearer ${readKey}` } })).statusCode).toBe(403);

    const res = await t.app.inject({ method: 'POST', url: `/api/v1/actions/${id}/revert` });
    expect(res.statusCode).toBe(200);
    expect(res.json().activation).toMatchObject({ id, state: 'reverted', revertedBy: 'api' });
    expect((await t.app.inject({ method: 'POST', url: `/api/v1/actions/${id}/revert` })).statusCode).toBe(409);

    await t.ctx.alerting.engine.evaluate();
    expect(t.ctx.alerting.engine.list('default').some((a) => a.labels.alertname === 'SpendHigh' && a.state === 'firing')).toBe(true);
    expect((await list()).active.map((a) => a.actionId)).toEqual(['cache-on-spend']);
    expect(t.ctx.alerting.actions.decide('default', request, Date.now()).model).toBeUndefined();
  });

  it('keeps projects apart and refuses bad input', async () => {
    await fire();
    const id = (await list()).active[0].id;
    await t.ctx.store.createProject(projectId('other'), 'Other');
    const { key } = await t.ctx.store.createApiKey(projectId('other'), 'admin', null);
    const headers = { authorization: `Bearer ${key}` };
    const theirs = await list(headers);
    expect(theirs.active).toEqual([]);
    expect(theirs.history).toEqual([]);
    expect((await t.app.inject({ method: 'POST', url: `/api/v1/actions/${id}/revert`, headers })).statusCode).toBe(404);
    expect(t.ctx.alerting.actions.decide('other', request, Date.now())).toEqual({ applied: [] });

    const notFound = await t.app.inject({ method: 'POST', url: '/api/v1/actions/00000000-0000-0000-0000-000000000000/revert' });
    expect(notFound.statusCode).toBe(404);
    expect(notFound.json().error.code).toBe('not_found');
    const badId = await t.app.inject({ method: 'POST', url: `/api/v1/actions/${encodeURIComponent('../../etc')}/revert` });
    expect(badId.statusCode).toBe(400);
    expect(badId.json().error.message).toMatch(/not an activation id/);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/actions?limit=0' })).statusCode).toBe(400);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/actions?colour=red' })).statusCode).toBe(400);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/actions?limit=1' })).json().history).toHaveLength(1);
  });
});
