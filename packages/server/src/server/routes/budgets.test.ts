import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generation, makeTestApp, type TestApp } from '../../testing/app.ts';
import { hex } from '../../testing/fixtures.ts';

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
});
afterEach(async () => {
  await t.close();
});

const post = (payload: unknown, headers: Record<string, string> = {}) => t.app.inject({ method: 'POST', url: '/api/v1/budgets', payload: payload as object, headers });

async function keyFor(project: string, scope: 'ingest' | 'read' | 'admin'): Promise<string> {
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/keys', payload: { scope, project } });
  expect(res.statusCode).toBe(201);
  return res.json().key;
}

async function ingest(items: Record<string, unknown>[], headers: Record<string, string> = {}) {
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: { batch: items }, headers });
  expect(res.statusCode).toBe(200);
}

describe('budget definitions', () => {
  it('creates, reads, replaces and deletes a budget, with its status', async () => {
    const created = await post({ scope: 'user', subject: 'alice', period: 'daily', limitUsd: 1, warnAtPercent: [50, 90] });
    expect(created.statusCode).toBe(201);
    const { budget } = created.json();
    expect(budget).toMatchObject({ scope: 'user', subject: 'alice', period: 'daily', limitUsd: 1, warnAtPercent: [50, 90], enforce: 'soft' });

    await ingest([generation({ userId: 'alice', costUsd: 0.6 }), generation({ userId: 'bob', costUsd: 5 })]);
    const list = (await t.app.inject('/api/v1/budgets')).json();
    expect(list.tiers).toMatchObject({ limitsUsd: { free: 1, pro: 50, enterprise: 1000 }, defaultTier: null });
    expect(list.budgets).toHaveLength(1);
    expect(list.budgets[0]).toMatchObject({ id: budget.id, statuses: [{ subject: 'alice', spentUsd: 0.6, remainingUsd: 0.4, percent: 60, warningLevel: 50, exceeded: false }] });
    expect(list.budgets[0].statuses[0].budget).toBeUndefined();

    const one = await t.app.inject(`/api/v1/budgets/${budget.id}`);
    expect(one.json()).toMatchObject({ budget: { id: budget.id }, statuses: [{ spentUsd: 0.6 }] });

    const put = await t.app.inject({ method: 'PUT', url: `/api/v1/budgets/${budget.id}`, payload: { scope: 'user', subject: 'alice', period: 'monthly', limitUsd: 2, enforce: 'hard' } });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toMatchObject({ budget: { id: budget.id, period: 'monthly', enforce: 'hard', createdAt: budget.createdAt }, statuses: [{ percent: 30 }] });

    expect((await t.app.inject({ method: 'DELETE', url: `/api/v1/budgets/${budget.id}` })).json()).toEqual({ deleted: budget.id });
    expect((await t.app.inject('/api/v1/budgets')).json().budgets).toEqual([]);
  });

  it('answers bad input with a 400 naming the field, unknown ids with 404, a taken id with 409', async () => {
    const cases: [unknown, string][] = [
      [{ scope: 'user', period: 'daily', limitUsd: 1 }, 'subject: a user budget needs the user id as subject'],
      [{ scope: 'project', period: 'daily', limitUsd: 0 }, 'limitUsd: must be more than 0'],
      [{ scope: 'project', period: 'hourly', limitUsd: 1 }, 'period: must be one of daily, monthly'],
      [{ scope: 'project', period: 'daily', limitUsd: 1, enforce: 'block' }, 'enforce: must be one of soft, hard'],
      [{ scope: 'project', period: 'daily', limitUsd: 1, warnAtPercent: 'x' }, 'warnAtPercent: must be a list of percentages, e.g. [50, 80, 100]'],
      [{ scope: 'project', period: 'daily', limitUsd: 1, extra: true }, 'extra: unknown field'],
      [[1, 2], 'body: '],
    ];
    for (const [payload, message] of cases) {
      const res = await post(payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().error.code).toBe('invalid_request');
      expect(res.json().error.message).toContain(message);
    }
    const notJson = await t.app.inject({ method: 'POST', url: '/api/v1/budgets', payload: '{', headers: { 'content-type': 'application/json' } });
    expect(notJson.statusCode).toBe(400);

    expect((await t.app.inject({ method: 'PUT', url: '/api/v1/budgets/nope', payload: { scope: 'project', period: 'daily', limitUsd: 1 } })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'DELETE', url: '/api/v1/budgets/nope' })).statusCode).toBe(404);
    expect((await t.app.inject('/api/v1/budgets/nope')).statusCode).toBe(404);
    expect((await post({ id: 'mine', scope: 'project', period: 'daily', limitUsd: 1 })).statusCode).toBe(201);
    expect((await post({ id: 'mine', scope: 'project', period: 'daily', limitUsd: 1 })).statusCode).toBe(409);
    const mismatch = await t.app.inject({ method: 'PUT', url: '/api/v1/budgets/mine', payload: { id: 'other', scope: 'project', period: 'daily', limitUsd: 1 } });
    expect(mismatch.statusCode).toBe(400);
    expect(mismatch.json().error.message).toMatch(/^id: /);
    const badPut = await t.app.inject({ method: 'PUT', url: '/api/v1/budgets/mine', payload: { scope: 'project', period: 'daily', limitUsd: -5 } });
    expect(badPut.json().error.message).toBe('limitUsd: must be more than 0');
    const badQuery = await t.app.inject('/api/v1/budgets/check?usr=alice');
    expect(badQuery.statusCode).toBe(400);
    expect(badQuery.json().error).toMatchObject({ code: 'invalid_parameter', message: 'usr: unknown parameter' });
    expect((await t.app.inject('/api/v1/budgets/status?period=weekly')).json().error.message).toBe('period: must be one of daily, monthly');
  });
});

describe('check', () => {
  it('reports every budget that applies and blocks on a spent hard budget', async () => {
    await post({ id: 'team', scope: 'team', subject: 'core', period: 'monthly', limitUsd: 100 });
    await post({ id: 'proj', scope: 'project', period: 'daily', limitUsd: 1000 });
    await t.app.inject({ method: 'PUT', url: '/api/v1/budgets/tiers/alice', payload: { tier: 'free' } });
    await ingest([generation({ userId: 'alice', team: 'core', costUsd: 0.85 })]);

    let r = (await t.app.inject('/api/v1/budgets/check?user=alice')).json();
    expect(r).toMatchObject({ allowed: true, user: 'alice', team: 'core', blockedBy: null });
    expect(r.budgets.map((s: { budget: { id: string } }) => s.budget.id)).toEqual(['tier:free', 'team', 'proj']);
    expect(r.warnings).toEqual(["user 'alice': 85% of the free tier daily budget used ($0.85 of $1.00)"]);

    await ingest([generation({ userId: 'alice', costUsd: 0.2 })]);
    r = (await t.app.inject('/api/v1/budgets/check?user=alice')).json();
    expect(r).toMatchObject({ allowed: false, blockedBy: { budget: { id: 'tier:free', enforce: 'hard' }, subject: 'alice', exceeded: true, remainingUsd: 0 } });
    expect((await t.app.inject('/api/v1/budgets/check?user=bob&team=core')).json()).toMatchObject({ allowed: true, team: 'core', budgets: [{ budget: { id: 'team' } }, { budget: { id: 'proj' } }] });

    const status = (await t.app.inject('/api/v1/budgets/status?scope=user')).json();
    expect(status.statuses).toMatchObject([{ budget: { id: 'tier:free' }, subject: 'alice', exceeded: true }]);
  });

  it('an ingest key may check (but not read budgets); it does not wait for the store', async () => {
    const key = await keyFor('default', 'ingest');
    const auth = { authorization: `Bearer ${key}` };
    expect((await t.app.inject({ url: '/api/v1/budgets/check?user=a', headers: auth })).statusCode).toBe(200);
    expect((await t.app.inject({ url: '/api/v1/budgets', headers: auth })).statusCode).toBe(403);
    expect((await post({ scope: 'project', period: 'daily', limitUsd: 1 }, auth)).statusCode).toBe(403);

    // Reads wait until every acknowledged write is loaded; the check answers from memory.
    t.ctx.pipeline.caughtUp = () => new Promise(() => {});
    const analytics = t.ctx.store.analytics;
    const failing = () => {
      throw new Error('the store must not be read');
    };
    Object.assign(analytics, { query: failing });
    const res = await t.app.inject({ url: '/api/v1/budgets/check?user=a', headers: auth });
    expect(res.statusCode).toBe(200);
    expect(res.json().allowed).toBe(true);
    const read = await Promise.race([t.app.inject('/api/v1/budgets').then(() => 'answered'), new Promise((r) => setTimeout(() => r('waiting'), 100))]);
    expect(read).toBe('waiting');
  });
});

describe('tiers', () => {
  it('assigns, reads and removes a user tier; changes the tier settings', async () => {
    expect((await t.app.inject('/api/v1/budgets/tiers/carol')).json()).toEqual({ user: 'carol', tier: null, assigned: false });
    const put = await t.app.inject({ method: 'PUT', url: '/api/v1/budgets/tiers/carol', payload: { tier: 'pro' } });
    expect(put.json()).toEqual({ user: 'carol', tier: 'pro', previous: null });
    expect((await t.app.inject('/api/v1/budgets/tiers/carol')).json()).toEqual({ user: 'carol', tier: 'pro', assigned: true });
    const bad = await t.app.inject({ method: 'PUT', url: '/api/v1/budgets/tiers/carol', payload: { tier: 'gold' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toBe('tier: must be one of free, pro, enterprise');

    const settings = await t.app.inject({ method: 'PUT', url: '/api/v1/budgets/tiers', payload: { defaultTier: 'free', limitsUsd: { free: 2 } } });
    expect(settings.json().settings).toMatchObject({ defaultTier: 'free', limitsUsd: { free: 2, pro: 50 } });
    expect((await t.app.inject({ method: 'PUT', url: '/api/v1/budgets/tiers', payload: { limitsUsd: { gold: 2 } } })).json().error.message).toBe('limitsUsd.gold: unknown field');
    expect((await t.app.inject('/api/v1/budgets/tiers/dan')).json()).toEqual({ user: 'dan', tier: 'free', assigned: false });
    expect((await t.app.inject('/api/v1/budgets/tiers')).json()).toMatchObject({ settings: { defaultTier: 'free' }, assignments: [{ user: 'carol', tier: 'pro' }] });

    expect((await t.app.inject({ method: 'DELETE', url: '/api/v1/budgets/tiers/carol' })).json()).toEqual({ user: 'carol', tier: null, previous: 'pro' });
    expect((await t.app.inject({ method: 'DELETE', url: '/api/v1/budgets/tiers/carol' })).statusCode).toBe(404);
  });
});

describe('project isolation', () => {
  it("project B neither sees nor changes A's budgets, and its spend is its own", async () => {
    const a = { authorization: `Bearer ${await keyFor('default', 'admin')}` };
    const b = { authorization: `Bearer ${await keyFor('beta', 'admin')}` };
    const bIngest = { authorization: `Bearer ${await keyFor('beta', 'ingest')}` };
    const created = (await post({ scope: 'user', subject: 'alice', period: 'daily', limitUsd: 1, enforce: 'hard' }, a)).json().budget;
    await t.app.inject({ method: 'PUT', url: '/api/v1/budgets/tiers/alice', payload: { tier: 'free' }, headers: a });
    await ingest([generation({ userId: 'alice', costUsd: 3, traceId: hex(16) })], a);

    expect((await t.app.inject({ url: '/api/v1/budgets', headers: b })).json().budgets).toEqual([]);
    expect((await t.app.inject({ url: `/api/v1/budgets/${created.id}`, headers: b })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'DELETE', url: `/api/v1/budgets/${created.id}`, headers: b })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'PUT', url: `/api/v1/budgets/${created.id}`, headers: b, payload: { scope: 'project', period: 'daily', limitUsd: 1 } })).statusCode).toBe(404);
    expect((await t.app.inject({ url: '/api/v1/budgets/tiers/alice', headers: b })).json()).toMatchObject({ tier: null });
    expect((await t.app.inject({ url: '/api/v1/budgets/check?user=alice', headers: bIngest })).json()).toMatchObject({ allowed: true, budgets: [] });
    expect((await t.app.inject({ url: '/api/v1/budgets/check?user=alice', headers: a })).json()).toMatchObject({ allowed: false });

    await post({ id: 'b-proj', scope: 'project', period: 'daily', limitUsd: 10 }, b);
    expect((await t.app.inject({ url: '/api/v1/budgets', headers: b })).json().budgets[0].statuses[0].spentUsd).toBe(0);
    expect((await t.app.inject({ url: '/api/v1/budgets', headers: a })).json().budgets.map((x: { id: string }) => x.id)).toEqual([created.id]);
  });
});
