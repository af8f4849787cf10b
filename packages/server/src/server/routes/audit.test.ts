import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../../testing/app.ts';
import { auditRecorderOf, recordAudit, recordRoleChange } from '../audit-hook.ts';
import { DAY_MS } from '../../audit/retention.ts';
import { hashPassword } from '../../people/passwords.ts';
import { projectId } from '../../store/store.ts';
import { encodeCursor } from './audit.ts';

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
});
afterEach(async () => {
  await t.close();
});

async function keyFor(project: string, scope: 'ingest' | 'read' | 'admin'): Promise<{ key: string; id: string }> {
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/keys', payload: { scope, project } });
  expect(res.statusCode).toBe(201);
  return { key: res.json().key, id: res.json().id };
}

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

async function audit(query: Record<string, string> = {}, headers: Record<string, string> = {}) {
  const res = await t.app.inject({ url: '/api/v1/audit', query, headers });
  return res;
}

async function entries(query: Record<string, string> = {}) {
  const res = await audit(query);
  expect(res.statusCode, res.body).toBe(200);
  return res.json().entries as Array<Record<string, any>>;
}

const budget = { scope: 'user', subject: 'alice', period: 'daily', limitUsd: 1 };

describe('recording state changes', () => {
  it('records a budget update by a key: who, what, from where, before and after', async () => {
    const admin = await keyFor('default', 'admin');
    const created = await t.app.inject({ method: 'POST', url: '/api/v1/budgets', payload: budget, headers: bearer(admin.key) });
    expect(created.statusCode).toBe(201);
    const id = created.json().budget.id;
    const updated = await t.app.inject({ method: 'PUT', url: `/api/v1/budgets/${id}?note=x`, payload: { ...budget, limitUsd: 5 }, headers: { ...bearer(admin.key), 'user-agent': 'audit-test/1.0' } });
    expect(updated.statusCode).toBe(200);

    const [update] = await entries({ action: 'budgets.update' });
    expect(update).toMatchObject({
      action: 'budgets.update',
      target: id,
      projectId: 'default',
      actor: { kind: 'key', id: admin.id, email: null },
      ip: '127.0.0.1',
      userAgent: 'audit-test/1.0',
      method: 'PUT',
      path: `/api/v1/budgets/${id}`,
      status: 200,
    });
    expect(update.details.before).toMatchObject({ id, limitUsd: 1 });
    expect(update.details.after).toMatchObject({ id, limitUsd: 5 });
    const [create] = await entries({ action: 'budgets.create' });
    expect(create).toMatchObject({ target: id, actor: { kind: 'key', id: admin.id }, status: 201 });
    expect(create.details.after).toMatchObject({ id, limitUsd: 1 });
  });

  it('records a refused attempt as denied, with who tried', async () => {
    const reader = await keyFor('default', 'read');
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/budgets', payload: budget, headers: bearer(reader.key) });
    expect(res.statusCode).toBe(403);
    const bad = await t.app.inject({ method: 'DELETE', url: '/api/v1/budgets/b1', headers: bearer('lk_not_a_real_key_0123456789abcdef') });
    expect(bad.statusCode).toBe(401);
    const denied = await entries({ action: 'budgets.create.denied' });
    expect(denied).toHaveLength(1);
    expect(denied[0]).toMatchObject({ actor: { kind: 'key', id: reader.id }, status: 403, method: 'POST' });
    expect(denied[0].details).toBeNull();
    const unknown = await entries({ action: 'budgets.delete.denied' });
    expect(unknown[0]).toMatchObject({ actor: { kind: 'key', id: null }, status: 401, target: 'b1' });
  });

  it('does not record reads, ingest, dry runs or failed changes', async () => {
    const admin = await keyFor('default', 'admin');
    const ingestKey = await keyFor('default', 'ingest');
    const before = (await entries()).length;
    expect((await t.app.inject({ url: '/api/v1/budgets', headers: bearer(admin.key) })).statusCode).toBe(200);
    const ingest = await t.app.inject({
      method: 'POST',
      url: '/api/v1/ingest',
      headers: bearer(ingestKey.key),
      payload: { batch: [{ type: 'generation', startTime: new Date().toISOString(), durationMs: 5, provider: 'openai', model: 'gpt-4o', usage: { input: 1, output: 1 } }] },
    });
    expect(ingest.statusCode).toBe(200);
    expect((await t.app.inject({ url: '/api/v1/budgets/check', query: { user: 'alice' }, headers: bearer(ingestKey.key) })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/privacy/test', payload: { text: 'mail me at a@b.example' }, headers: bearer(admin.key) })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'DELETE', url: '/api/v1/budgets/nope', headers: bearer(admin.key) })).statusCode).toBe(404);
    const after = await entries();
    expect(after.map((e) => e.action)).toEqual((await entries()).map((e) => e.action));
    expect(after).toHaveLength(before);
  });

  it('keeps secrets out of an entry: webhook URLs, API keys, passwords, the key made', async () => {
    const created = await t.app.inject({ method: 'POST', url: '/api/v1/keys', payload: { scope: 'read', name: 'ci' } });
    const madeKey = created.json().key as string;
    const judgeKey = 'sk-judge-secret-value-1234567890';
    const ev = await t.app.inject({
      method: 'POST',
      url: '/api/v1/evaluators',
      payload: { name: 'helpful', kind: 'llm_judge', criterion: 'safety', judge: { baseUrl: 'https://judge.example.com/v1?token=abc', model: 'gpt-4o-mini', apiKey: judgeKey } },
    });
    // Whatever the evaluator route answers, an entry must not hold the secrets it was sent.
    const hookUrl = 'https://hooks.slack.example.com/services/T000/B000/XXXXSECRET';
    recordAudit(t.ctx, { action: 'test.change', actor: { kind: 'local', id: null, email: null }, details: { receiver: { slack: { url: hookUrl } }, password: 'hunter2-password', nested: { apiKey: judgeKey, headers: { 'x-team': 'a' } } } });
    const all = await entries();
    const text = JSON.stringify(all);
    expect(all.some((e) => e.action === 'keys.create')).toBe(true);
    if (ev.statusCode < 300) expect(all.some((e) => e.action === 'evaluators.create')).toBe(true);
    for (const secret of [madeKey, judgeKey, hookUrl, 'hunter2-password', 'token=abc', 'XXXXSECRET']) expect(text).not.toContain(secret);
    expect(text).toContain('[redacted]');
  });
});

describe('what an entry keeps of a request', () => {
  it('keeps an erasure as its job id, kind and keyed hash under the project erased, never the id asked', async () => {
    const subject = 'alice.subject@example.com';
    const trace = 'ab'.repeat(16);
    const acme = await keyFor('acme', 'admin');
    const own = await t.app.inject({ method: 'POST', url: '/api/v1/erasure', payload: { userId: subject }, headers: bearer(acme.key) });
    expect(own.statusCode, own.body).toBe(202);
    // The operator (keyless local here) erases in another project.
    const other = await t.app.inject({ method: 'POST', url: '/api/v1/erasure?project=acme', payload: { traceId: trace } });
    expect(other.statusCode, other.body).toBe(202);
    const session = await t.app.inject({ method: 'POST', url: '/api/v1/erasure', payload: { sessionId: 'sess-subject-42' } });
    expect(session.statusCode, session.body).toBe(202);
    await Promise.all([own, other, session].map((r) => t.ctx.erasures.waitFor(r.json().id)));

    const all = await entries({ project: '*', action: 'erasure.' });
    expect(all).toHaveLength(3);
    const text = JSON.stringify(all);
    for (const id of [subject, trace, 'sess-subject-42']) expect(text).not.toContain(id);
    const byJob = new Map(all.map((e) => [e.target, e]));
    const job = await t.ctx.erasures.get('acme', own.json().id);
    expect(byJob.get(own.json().id)).toMatchObject({ projectId: 'acme', actor: { kind: 'key', id: acme.id }, details: { after: { erasureId: own.json().id, project: 'acme', kind: 'user', idHash: job!.target.idHash } } });
    expect(byJob.get(other.json().id)).toMatchObject({ projectId: 'acme', actor: { kind: 'local' }, details: { after: { project: 'acme', kind: 'trace' } } });
    expect(byJob.get(session.json().id)).toMatchObject({ projectId: 'default', details: { after: { kind: 'session' } } });
    // The erasure's own record names who asked.
    expect(job).toMatchObject({ requestedBy: acme.id });
  });

  it('keeps an end user\'s id as the keyed hash an erasure records: tier assignments (target, path) and user budgets, refused ones too', async () => {
    const id = 'carol.enduser@example.com';
    const encoded = encodeURIComponent(id);
    expect((await t.app.inject({ method: 'PUT', url: `/api/v1/budgets/tiers/${encoded}`, payload: { tier: 'pro' } })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'DELETE', url: `/api/v1/budgets/tiers/${encoded}` })).statusCode).toBe(200);
    const made = await t.app.inject({ method: 'POST', url: '/api/v1/budgets', payload: { scope: 'user', subject: id, period: 'daily', limitUsd: 3 } });
    expect(made.statusCode).toBe(201);
    const budgetId = made.json().budget.id;
    expect((await t.app.inject({ method: 'PUT', url: `/api/v1/budgets/${budgetId}`, payload: { scope: 'user', subject: id, period: 'daily', limitUsd: 4 } })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'DELETE', url: `/api/v1/budgets/${budgetId}` })).statusCode).toBe(200);
    const reader = await keyFor('default', 'read');
    expect((await t.app.inject({ method: 'PUT', url: `/api/v1/budgets/tiers/${encoded}`, payload: { tier: 'pro' }, headers: bearer(reader.key) })).statusCode).toBe(403);
    await auditRecorderOf(t.ctx).flush();
    const log = await t.ctx.store.audit.list({ projectId: null, fromMs: 0, toMs: Date.now() + 60_000, limit: 1000 });
    const hash = t.ctx.erasures.idHash('default', { kind: 'user', id });
    const tiers = log.filter((e) => e.action.startsWith('budgets.tiers.'));
    expect(tiers.map((e) => e.action).sort()).toEqual(['budgets.tiers.delete', 'budgets.tiers.update', 'budgets.tiers.update.denied']);
    expect(tiers.every((e) => e.target === hash && e.path === `/api/v1/budgets/tiers/${hash}`)).toBe(true);
    const budgets = log.filter((e) => e.action.startsWith('budgets.') && e.target === budgetId);
    expect(budgets).toHaveLength(3);
    expect(budgets.find((e) => e.action === 'budgets.update')?.details).toMatchObject({ before: { subject: hash }, after: { subject: hash, limitUsd: 4 } });
    const text = JSON.stringify(log);
    expect(text).not.toContain(id);
    expect(text).not.toContain(encoded);
  });

  it('keeps a prompt version as its name, version and labels, not its text; other bodies only where a route allows', async () => {
    const text = 'Customer Jane Roe, card ending 4242, asks: SECRET-PROMPT-BODY';
    const created = await t.app.inject({ method: 'POST', url: '/api/v1/prompts', payload: { name: 'support', prompt: text, message: 'first cut with Jane', labels: ['production'] } });
    expect(created.statusCode, created.body).toBe(201);
    const label = await t.app.inject({ method: 'PUT', url: '/api/v1/prompts/support/labels/staging', payload: { version: 1 } });
    expect(label.statusCode, label.body).toBe(200);
    const cost = await t.app.inject({ method: 'POST', url: '/api/v1/chargeback/costs', payload: { name: 'vector db', kind: 'fixed', amountUsd: '120', dimension: 'team', value: 'search', fromMonth: '2026-01' } });

    const log = await entries();
    const body = JSON.stringify(log);
    expect(body).not.toContain('SECRET-PROMPT-BODY');
    expect(body).not.toContain('Jane');
    expect(log.find((e) => e.action === 'prompts.create')).toMatchObject({ target: 'support', details: { after: { name: 'support', version: 1, labels: ['production'] } } });
    expect(log.find((e) => e.action === 'prompts.labels.update')).toMatchObject({ details: { request: { version: 1 } } });
    // A settings route keeps what it was sent.
    if (cost.statusCode === 201) expect(log.find((e) => e.action === 'chargeback.costs.create')?.details?.request).toMatchObject({ name: 'vector db' });
  });
});

describe('floods of refused requests', () => {
  const stored = () => t.ctx.store.audit.list({ projectId: null, fromMs: 0, toMs: Date.now() + 60_000, limit: 1000 });

  it('merges a key\'s refusals of one action in a minute into the first entry and one with the count', async () => {
    const reader = await keyFor('acme', 'read');
    for (let i = 0; i < 300; i++) {
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/keys', payload: { scope: 'admin' }, headers: bearer(reader.key) });
      expect(res.statusCode).toBe(403);
    }
    // Unknown keys from one address, and another action by the same reader.
    for (let i = 0; i < 50; i++) await t.app.inject({ method: 'DELETE', url: '/api/v1/budgets/b1', headers: bearer(`lk_not_a_real_key_${String(i).padStart(20, '0')}`) });
    await t.app.inject({ method: 'DELETE', url: '/api/v1/keys/k1', headers: bearer(reader.key) });
    // The minute ends (closing the recorder ends it at once).
    await auditRecorderOf(t.ctx).close();
    const log = await stored();
    const keysDenied = log.filter((e) => e.action === 'keys.create.denied');
    expect(keysDenied).toHaveLength(2);
    expect(keysDenied.map((e) => e.details?.repeated ?? 0).sort((a, b) => Number(a) - Number(b))).toEqual([0, 299]);
    expect(keysDenied.every((e) => e.actor.id === reader.id && e.projectId === 'acme')).toBe(true);
    const unknown = log.filter((e) => e.action === 'budgets.delete.denied');
    expect(unknown).toHaveLength(2);
    expect(unknown.find((e) => e.details?.repeated)?.details).toMatchObject({ repeated: 49 });
    expect(log.filter((e) => e.action === 'keys.delete.denied')).toHaveLength(1);
  });

  it('merges failed and rate-limited sign-ins per client address', async () => {
    await t.close();
    t = await makeTestApp({ requireApiKeys: 'always' });
    await t.ctx.store.people.createUser({ email: 'ann@example.com', name: null, source: 'local', passwordHash: await hashPassword('correct horse battery'), memberships: [{ projectId: projectId('default'), role: 'admin' }] });
    const statuses = new Set<number>();
    for (let i = 0; i < 40; i++) {
      const res = await t.app.inject({ method: 'POST', url: '/auth/login', payload: { email: 'ann@example.com', password: `wrong-${i}-password` } });
      statuses.add(res.statusCode);
    }
    expect(statuses.has(429)).toBe(true);
    await auditRecorderOf(t.ctx).close();
    const failed = (await stored()).filter((e) => e.action === 'session.login_failed');
    expect(failed.length).toBeLessThanOrEqual(2);
    expect(failed.reduce((n, e) => n + Number(e.details?.repeated ?? 1), 0)).toBe(40);
  });
  it('behind trustProxy, keeps one client rotating X-Forwarded-For to a bounded number of entries, from the proxy\'s hop', async () => {
    await t.close();
    t = await makeTestApp({ requireApiKeys: 'always', server: { trustProxy: true } } as never);
    // The client writes any first entries it likes; the proxy (10.0.0.1) adds the client's real
    // address last: 198.51.100.7, or one of its /64's IPv6 addresses.
    for (let i = 0; i < 300; i++) {
      const real = i % 2 === 0 ? '198.51.100.7' : `2001:db8:0:7:${(i + 1).toString(16)}::1`;
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/keys', payload: { project: 'default', scope: 'admin' }, headers: { 'x-forwarded-for': `203.0.${i >> 8}.${i & 255}, ${real}` }, remoteAddress: '10.0.0.1' });
      expect(res.statusCode).toBe(401);
    }
    await auditRecorderOf(t.ctx).close();
    const denied = (await stored()).filter((e) => e.action === 'keys.create.denied');
    // One source per client (its IPv4 address; its IPv6 /64), each its first entry and its count.
    expect(denied.length).toBe(4);
    expect(denied.reduce((n, e) => n + Number(e.details?.repeated ?? 0) + (e.details?.repeated ? 0 : 1), 0)).toBe(300);
    expect(denied.every((e) => e.ip === '198.51.100.7' || e.ip?.startsWith('2001:db8:0:7:'))).toBe(true);
  });

  it('tracks at most 100 client addresses a minute for callers without a key, then only counts them', async () => {
    await t.close();
    t = await makeTestApp({ requireApiKeys: 'always', server: { trustProxy: true } } as never);
    for (let i = 0; i < 150; i++) {
      await t.app.inject({ method: 'POST', url: '/api/v1/keys', payload: { project: 'default', scope: 'admin' }, headers: { 'x-forwarded-for': `198.51.${i >> 8}.${i & 255}` }, remoteAddress: '10.0.0.1' });
    }
    await auditRecorderOf(t.ctx).close();
    const log = await stored();
    expect(log.filter((e) => e.action === 'keys.create.denied')).toHaveLength(100);
    expect(log.filter((e) => e.action === 'audit.refusals_not_recorded').map((e) => e.details?.refusals)).toEqual([50]);
  });
});

describe('people', () => {
  it('records a signed-in admin by user id and email, a viewer\'s attempt as denied, and the sign-in', async () => {
    await t.close();
    t = await makeTestApp({ requireApiKeys: 'always' });
    const password = 'correct horse battery';
    const person = async (email: string, role: 'viewer' | 'admin') =>
      t.ctx.store.people.createUser({ email, name: null, source: 'local', passwordHash: await hashPassword(password), memberships: [{ projectId: projectId('default'), role }] });
    const ann = await person('ann@example.com', 'admin');
    await person('vic@example.com', 'viewer');
    const session = async (email: string) => {
      const res = await t.app.inject({ method: 'POST', url: '/auth/login', payload: { email, password } });
      expect(res.statusCode, res.body).toBe(200);
      const cookie = String([res.headers['set-cookie']].flat().filter((l) => String(l).startsWith('lookout_session=')).at(-1)).split(';')[0];
      const me = await t.app.inject({ url: '/api/v1/me', headers: { cookie } });
      return { cookie, 'x-csrf-token': me.json().csrfToken as string };
    };
    const admin = await session('ann@example.com');
    const viewer = await session('vic@example.com');
    const created = await t.app.inject({ method: 'POST', url: '/api/v1/budgets', payload: budget, headers: { ...admin, 'user-agent': 'Mozilla/5.0 Chrome/131.0' } });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().budget.id;
    const refused = await t.app.inject({ method: 'PUT', url: `/api/v1/budgets/${id}`, payload: { ...budget, limitUsd: 9 }, headers: viewer });
    expect(refused.statusCode).toBe(403);
    // In a project they have no role in: refused, and recorded as them, not anonymously.
    const elsewhere = await t.app.inject({ method: 'POST', url: '/api/v1/budgets', payload: budget, headers: { ...viewer, 'x-lookout-project': 'acme' } });
    expect(elsewhere.statusCode).toBe(403);
    expect(elsewhere.json().error.message).toContain("no role in project 'acme'");

    const log = (await t.app.inject({ url: '/api/v1/audit', headers: admin })).json().entries as Array<Record<string, any>>;
    const vic = log.find((e) => e.action === 'session.login' && e.actor.email === 'vic@example.com')!.actor;
    expect(log.find((e) => e.action === 'budgets.create.denied')).toMatchObject({ actor: { kind: 'user', id: vic.id, email: 'vic@example.com' }, status: 403 });
    const create = log.find((e) => e.action === 'budgets.create')!;
    expect(create).toMatchObject({ actor: { kind: 'user', id: ann.id, email: 'ann@example.com' }, target: id, status: 201, userAgent: 'Mozilla/5.0 Chrome/131.0' });
    expect(log.find((e) => e.action === 'budgets.update.denied')).toMatchObject({ actor: { kind: 'user', email: 'vic@example.com' }, target: id, status: 403 });
    expect(log.filter((e) => e.action === 'session.login').map((e) => e.actor.email).sort()).toEqual(['ann@example.com', 'vic@example.com']);
    // The session's cookie and CSRF token are never in an entry.
    const text = JSON.stringify(log);
    expect(text).not.toContain(admin.cookie.split('=')[1]);
    expect(text).not.toContain(admin['x-csrf-token']);
    expect((await t.app.inject({ url: '/api/v1/audit', headers: viewer })).statusCode).toBe(403);
  });
});

describe('accounts changed by an OpenID Connect sign-in', () => {
  it('records a new account per project, and each role the provider changed, filed under its project; nothing when unchanged', async () => {
    const user = { id: 'u-oidc-1', email: 'olga@example.com' };
    recordRoleChange(t.ctx, undefined, { user, before: null, after: [{ projectId: 'default', role: 'viewer' }, { projectId: 'acme', role: 'member' }], via: 'oidc' });
    recordRoleChange(t.ctx, undefined, { user, before: [{ projectId: 'default', role: 'viewer' }, { projectId: 'acme', role: 'member' }], after: [{ projectId: 'default', role: 'admin' }, { projectId: 'beta', role: 'viewer' }], via: 'oidc' });
    recordRoleChange(t.ctx, undefined, { user, before: [{ projectId: 'default', role: 'admin' }], after: [{ projectId: 'default', role: 'admin' }], via: 'oidc' });
    const log = await entries({ project: '*', action: 'users.' });
    const seen = log.map((e) => [e.action, e.projectId, e.details.before?.role ?? null, e.details.after?.role ?? null]).sort();
    expect(seen).toEqual([
      ['users.create', 'acme', null, 'member'],
      ['users.create', 'default', null, 'viewer'],
      ['users.roles_changed', 'acme', 'member', null],
      ['users.roles_changed', 'beta', null, 'viewer'],
      ['users.roles_changed', 'default', 'viewer', 'admin'],
    ]);
    for (const e of log) expect(e).toMatchObject({ actor: { kind: 'system' }, target: user.id, details: { email: user.email, via: 'oidc' } });
  });
});

describe('GET /api/v1/audit', () => {
  async function seed(n: number, over: Record<string, unknown> = {}) {
    for (let i = 0; i < n; i++) recordAudit(t.ctx, { action: `thing.update`, target: `t${i}`, actor: { kind: 'user', id: `u${i % 2}`, email: `person${i % 2}@example.com` }, ...over });
    await auditRecorderOf(t.ctx).flush();
  }

  it('filters by actor (id or email), action and prefix, and pages newest first', async () => {
    await seed(5);
    recordAudit(t.ctx, { action: 'other.delete', actor: { kind: 'key', id: 'k1', email: null } });
    expect((await entries({ actor: 'u1' })).map((e) => e.target).sort()).toEqual(['t1', 't3']);
    expect(await entries({ actor: 'PERSON0@example.com' })).toHaveLength(3);
    expect(await entries({ action: 'other.delete' })).toHaveLength(1);
    expect(await entries({ action: 'thing.' })).toHaveLength(5);

    const seen: string[] = [];
    let before: string | undefined;
    for (let page = 0; page < 5; page++) {
      const res = await audit({ action: 'thing.', limit: '2', ...(before ? { before } : {}) });
      expect(res.statusCode).toBe(200);
      const body = res.json();
      seen.push(...body.entries.map((e: { target: string }) => e.target));
      if (body.next === null) break;
      before = body.next;
    }
    expect(seen).toHaveLength(5);
    expect(new Set(seen).size).toBe(5);
    const times = (await entries({ action: 'thing.' })).map((e) => e.at);
    expect([...times].sort().reverse()).toEqual(times);
  });

  it('keeps each project to its own entries; the operator may read all', async () => {
    const beta = await keyFor('beta', 'admin');
    const betaRead = await keyFor('beta', 'read');
    await t.app.inject({ method: 'POST', url: '/api/v1/budgets', payload: budget, headers: bearer(beta.key) });
    recordAudit(t.ctx, { action: 'thing.update', projectId: 'default' as never, actor: { kind: 'local', id: null, email: null } });
    const mine = await audit({}, bearer(beta.key));
    expect(mine.statusCode).toBe(200);
    expect(mine.json().entries.every((e: { projectId: string }) => e.projectId === 'beta')).toBe(true);
    expect(mine.json().entries.some((e: { action: string }) => e.action === 'budgets.create')).toBe(true);
    const other = await audit({ project: 'default' }, bearer(beta.key));
    expect(other.statusCode).toBe(403);
    expect(other.json().error.message).toContain("project 'default'");
    expect((await audit({}, bearer(betaRead.key))).statusCode).toBe(403);
    const all = await entries({ project: '*' });
    expect(new Set(all.map((e) => e.projectId))).toEqual(new Set(['default', 'beta']));
    expect((await entries({ project: 'beta' })).every((e) => e.projectId === 'beta')).toBe(true);
  });

  it('answers 400 naming the parameter for bad ranges, limits, cursors and actions', async () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{ from: '500d' }, 'at most 400 days'],
      [{ from: 'yesterday-ish' }, 'from'],
      [{ from: '1d', to: '2d' }, 'before to'],
      [{ limit: '1001' }, 'limit'],
      [{ limit: '0' }, 'limit'],
      [{ limit: 'ten' }, 'limit'],
      [{ before: 'not-a-cursor' }, 'before'],
      [{ action: 'Budgets Update' }, 'action'],
      [{ project: 'Bad Project' }, 'project'],
      [{ nonsense: '1' }, 'nonsense'],
    ];
    for (const [query, word] of cases) {
      const res = await audit(query);
      expect(res.statusCode, JSON.stringify(query)).toBe(400);
      expect(res.json().error.message, JSON.stringify(query)).toContain(word);
    }
  });

  it('is not itself recorded', async () => {
    await audit();
    await audit();
    expect((await entries()).filter((e) => e.action.startsWith('audit.'))).toHaveLength(0);
  });
});

describe('GET /api/v1/audit/export', () => {
  it('streams JSONL, bounded, as an attachment, and records the export', async () => {
    for (let i = 0; i < 7; i++) recordAudit(t.ctx, { action: 'thing.update', target: `t${i}`, actor: { kind: 'local', id: null, email: null } });
    const res = await t.app.inject({ url: '/api/v1/audit/export', query: { action: 'thing.' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('application/x-ndjson');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="lookout-audit-.*\.jsonl"$/);
    const lines = res.body.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(7);
    expect(lines.map((l) => l.target).sort()).toEqual(['t0', 't1', 't2', 't3', 't4', 't5', 't6']);

    const capped = await t.app.inject({ url: '/api/v1/audit/export', query: { action: 'thing.', limit: '3' } });
    const cappedLines = capped.body.trim().split('\n').map((l) => JSON.parse(l));
    expect(cappedLines).toHaveLength(4);
    expect(cappedLines[3]).toMatchObject({ truncated: true, entries: 3, lastAt: cappedLines[2].at, before: encodeCursor(cappedLines[2]) });

    const exports = await entries({ action: 'audit.export' });
    expect(exports).toHaveLength(2);
    expect(exports[0]).toMatchObject({ actor: { kind: 'local' }, details: { action: 'thing.' } });
    expect((await t.app.inject({ url: '/api/v1/audit/export', query: { from: '401d' } })).statusCode).toBe(400);
  });
});

describe('GET /api/v1/audit/export past its limit', () => {
  it('marks the export truncated whenever entries remain, exactly at the limit too, and goes on from its cursor without a gap', async () => {
    // 1,500 entries, many sharing a millisecond.
    const at = new Date(Date.now() - 60_000);
    for (let i = 0; i < 1500; i++) recordAudit(t.ctx, { action: 'thing.update', target: `t${i}`, at: new Date(at.getTime() + Math.floor(i / 100)), actor: { kind: 'local', id: null, email: null } });
    await auditRecorderOf(t.ctx).flush();
    const exported = async (query: Record<string, string>) => {
      const res = await t.app.inject({ url: '/api/v1/audit/export', query: { action: 'thing.', ...query } });
      expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
      return res.body.trim().split('\n').map((l) => JSON.parse(l));
    };
    const first = await exported({ limit: '1000' });
    expect(first).toHaveLength(1001);
    const marker = first[1000];
    expect(marker).toMatchObject({ truncated: true, entries: 1000 });
    const rest = await exported({ limit: '1000', before: marker.before });
    expect(rest).toHaveLength(500);
    expect(rest.some((l) => l.truncated)).toBe(false);
    const targets = new Set([...first.slice(0, 1000), ...rest].map((l) => l.target));
    expect(targets.size).toBe(1500);
    // Exactly all of them: no marker.
    expect((await exported({ limit: '1500' })).some((l) => l.truncated)).toBe(false);
  });
});

describe('retention', () => {
  it('deletes entries older than audit.retentionDays and keeps the rest', async () => {
    const old = new Date(Date.now() - 40 * DAY_MS);
    recordAudit(t.ctx, { action: 'old.update', at: old, actor: { kind: 'local', id: null, email: null } });
    recordAudit(t.ctx, { action: 'new.update', actor: { kind: 'local', id: null, email: null } });
    await auditRecorderOf(t.ctx).flush();
    expect((await entries({ from: '60d' })).map((e) => e.action).sort()).toEqual(['new.update', 'old.update']);
    const { auditRetentionOf } = await import('../audit-hook.ts');
    t.ctx.config.audit.retentionDays = 30;
    expect(await auditRetentionOf(t.ctx).run()).toBe(1);
    expect((await entries({ from: '60d' })).map((e) => e.action)).toEqual(['new.update']);
  });
});
