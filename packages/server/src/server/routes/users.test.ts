import { afterEach, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../../testing/app.ts';
import { hashPassword } from '../../people/passwords.ts';
import { projectId } from '../../store/store.ts';
import type { Role } from '../../config/auth.ts';

// E4: members management (GET/POST/PATCH/DELETE /api/v1/users) and GET /auth/config.

let t: TestApp | null = null;
afterEach(async () => {
  await t?.close();
  t = null;
});

const PASSWORD = 'correct horse battery';

async function addUser(a: TestApp, email: string, memberships: [string, Role][]) {
  return a.ctx.store.people.createUser({ email, name: null, source: 'local', passwordHash: await hashPassword(PASSWORD), memberships: memberships.map(([p, role]) => ({ projectId: projectId(p), role })) });
}

async function session(a: TestApp, email: string, password = PASSWORD, project?: string) {
  const res = await a.app.inject({ method: 'POST', url: '/auth/login', payload: { email, password } });
  expect(res.statusCode, res.body).toBe(200);
  const header = res.headers['set-cookie'];
  const cookie = [header].flat().filter((l): l is string => typeof l === 'string' && l.startsWith('lookout_session=')).at(-1)!.split(';')[0];
  const base = { cookie, ...(project ? { 'x-lookout-project': project } : {}) };
  const me = await a.app.inject({ url: '/api/v1/me', headers: base });
  const headers = { ...base, 'x-csrf-token': me.json().csrfToken as string };
  return {
    get: (url: string) => a.app.inject({ url, headers }),
    send: (method: 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) => a.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as object }) }),
  };
}

describe('members management', { timeout: 30_000 }, () => {
  it('makes a local account with a one-time password shown once; the person signs in with it; no answer holds a hash', async () => {
    const a = (t = await makeTestApp({ requireApiKeys: 'always' }));
    await addUser(a, 'root@example.com', [['default', 'admin']]);
    const root = await session(a, 'root@example.com');
    const created = await root.send('POST', '/api/v1/users', { email: 'Ada@Example.com', role: 'member', name: 'Ada' });
    expect(created.statusCode, created.body).toBe(201);
    const body = created.json();
    expect(body).toMatchObject({ created: true, user: { email: 'ada@example.com', name: 'Ada', source: 'local', memberships: [{ projectId: 'default', role: 'member' }], disabled: false } });
    expect(body.password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    const ada = await session(a, 'ada@example.com', body.password);
    expect((await ada.get('/api/v1/me')).json()).toMatchObject({ role: 'member', grant: 'member' });
    const list = await root.get('/api/v1/users');
    expect(list.json().users.map((u: { email: string }) => u.email).sort()).toEqual(['ada@example.com', 'root@example.com']);
    for (const text of [created.body, list.body]) expect(text).not.toMatch(/scrypt|passwordHash|\$/);
    // With a password given, none comes back.
    const given = await root.send('POST', '/api/v1/users', { email: 'bo@example.com', role: 'viewer', password: 'a long enough one' });
    expect(given.json()).toMatchObject({ created: true, password: null });
    await session(a, 'bo@example.com', 'a long enough one');
    // Too short a password, a bad role, a bad address: 400 naming the field.
    expect((await root.send('POST', '/api/v1/users', { email: 'c@example.com', role: 'viewer', password: 'short' })).json().error.message).toMatch(/^password: /);
    expect((await root.send('POST', '/api/v1/users', { email: 'c@example.com', role: 'owner' })).json().error.message).toMatch(/^role: /);
    expect((await root.send('POST', '/api/v1/users', { email: 'not an address', role: 'viewer' })).json().error.message).toMatch(/^email: /);
  });

  it("gives an existing account a role in another project, refuses a second one in the same (409), and keeps project admins to their project", async () => {
    const a = (t = await makeTestApp({ requireApiKeys: 'always' }));
    await addUser(a, 'root@example.com', [['default', 'admin']]);
    await addUser(a, 'shopadmin@example.com', [['shop', 'admin']]);
    const ada = await addUser(a, 'ada@example.com', [['default', 'viewer']]);
    const shop = await session(a, 'shopadmin@example.com');
    const added = await shop.send('POST', '/api/v1/users', { email: 'ada@example.com', role: 'member' });
    expect(added.statusCode, added.body).toBe(200);
    expect(added.json()).toMatchObject({ created: false, password: null });
    // The shop admin is told of ada's role in shop only, not of her roles elsewhere.
    expect(added.json().user.memberships).toEqual([{ projectId: 'shop', role: 'member' }]);
    expect((await a.ctx.store.people.getUser(ada.id))?.memberships).toEqual([{ projectId: 'default', role: 'viewer' }, { projectId: 'shop', role: 'member' }]);
    const listed = (await shop.get('/api/v1/users')).json().users as { email: string; memberships: unknown[] }[];
    expect(listed.find((u) => u.email === 'ada@example.com')?.memberships).toEqual([{ projectId: 'shop', role: 'member' }]);
    expect(JSON.stringify(listed)).not.toContain('default');
    expect((await shop.send('POST', '/api/v1/users', { email: 'ada@example.com', role: 'admin' })).statusCode).toBe(409);
    // Another project's members: operator only.
    expect((await shop.get('/api/v1/users?project=default')).statusCode).toBe(403);
    expect((await shop.send('POST', '/api/v1/users', { email: 'x@example.com', role: 'viewer', project: 'default' })).statusCode).toBe(403);
    // Ada has a role elsewhere: the shop admin changes her role in shop, not her account.
    expect((await shop.send('PATCH', `/api/v1/users/${ada.id}`, { role: 'viewer' })).json().user.memberships).toEqual([{ projectId: 'shop', role: 'viewer' }]);
    expect((await shop.send('PATCH', `/api/v1/users/${ada.id}`, { disabled: true })).statusCode).toBe(403);
    // Someone not in shop is not found for the shop admin.
    const root = await addUser(a, 'other@example.com', [['default', 'viewer']]);
    expect((await shop.send('PATCH', `/api/v1/users/${root.id}`, { role: 'admin' })).statusCode).toBe(404);
    // The operator manages every project.
    const op = await session(a, 'root@example.com');
    expect((await op.get('/api/v1/users?project=shop')).json().users.map((u: { email: string }) => u.email).sort()).toEqual(['ada@example.com', 'shopadmin@example.com']);
    expect((await op.get('/api/v1/users?all=true')).json().users).toHaveLength(4);
    expect((await shop.get('/api/v1/users?all=true')).statusCode).toBe(403);
  });

  it('tells a project admin whether they may change the account itself (accountEditable), without saying where else the person has roles', async () => {
    const a = (t = await makeTestApp({ requireApiKeys: 'always' }));
    await addUser(a, 'root@example.com', [['default', 'admin']]);
    await addUser(a, 'shopadmin@example.com', [['shop', 'admin']]);
    const both = await addUser(a, 'both@example.com', [['shop', 'member'], ['beta', 'viewer']]);
    const solo = await addUser(a, 'solo@example.com', [['shop', 'viewer']]);
    const shop = await session(a, 'shopadmin@example.com');
    const listed = (await shop.get('/api/v1/users')).json().users as { email: string; accountEditable: boolean; memberships: unknown[] }[];
    expect(listed.map((u) => [u.email, u.accountEditable]).sort()).toEqual([
      ['both@example.com', false],
      ['shopadmin@example.com', true],
      ['solo@example.com', true],
    ]);
    expect(JSON.stringify(listed)).not.toContain('beta');
    // The flag agrees with what PATCH allows.
    expect((await shop.send('PATCH', `/api/v1/users/${both.id}`, { disabled: true })).statusCode).toBe(403);
    const disabled = await shop.send('PATCH', `/api/v1/users/${solo.id}`, { disabled: true });
    expect(disabled.statusCode).toBe(200);
    expect(disabled.json().user).toMatchObject({ disabled: true, accountEditable: true });
    expect((await shop.send('PATCH', `/api/v1/users/${both.id}`, { role: 'viewer' })).json().user).toMatchObject({ accountEditable: false, memberships: [{ projectId: 'shop', role: 'viewer' }] });
    // The operator may change every account.
    const op = await session(a, 'root@example.com');
    expect(((await op.get('/api/v1/users?project=shop')).json().users as { accountEditable: boolean }[]).every((u) => u.accountEditable)).toBe(true);
    expect(((await op.get('/api/v1/users?all=true')).json().users as { accountEditable: boolean }[]).every((u) => u.accountEditable)).toBe(true);
  });

  it("changes roles, refuses changing one's own role or removing oneself, removes from a project, and deletes entirely (operator)", async () => {
    const a = (t = await makeTestApp({ requireApiKeys: 'always' }));
    const root = await addUser(a, 'root@example.com', [['default', 'admin']]);
    const ada = await addUser(a, 'ada@example.com', [['default', 'viewer'], ['shop', 'member']]);
    const op = await session(a, 'root@example.com');
    const asAda = await session(a, 'ada@example.com');
    expect((await asAda.get('/api/v1/me')).json().role).toBe('viewer');
    expect((await op.send('PATCH', `/api/v1/users/${ada.id}`, { role: 'member' })).statusCode).toBe(200);
    // The new role applies to her session at once.
    expect((await asAda.get('/api/v1/me')).json().role).toBe('member');
    expect((await op.send('PATCH', `/api/v1/users/${root.id}`, { role: 'viewer' })).statusCode).toBe(409);
    expect((await op.send('DELETE', `/api/v1/users/${root.id}`)).statusCode).toBe(409);
    expect((await op.send('DELETE', `/api/v1/users/${ada.id}`)).statusCode).toBe(204);
    // Out of default: her request without a project header now acts in shop; default is refused.
    expect((await asAda.get('/api/v1/me')).json()).toMatchObject({ projectId: 'shop', role: 'member' });
    expect((await op.send('DELETE', `/api/v1/users/${ada.id}`)).statusCode).toBe(404);
    expect((await op.send('DELETE', `/api/v1/users/${ada.id}?project=shop&entirely=true`)).statusCode).toBe(204);
    expect(await a.ctx.store.people.getUser(ada.id)).toBeNull();
    expect((await asAda.get('/api/v1/me')).statusCode).toBe(401);
  });

  it('with an identity provider: only the operator makes local accounts, and roles of its people are not changed here (409)', async () => {
    const a = (t = await makeTestApp({ requireApiKeys: 'always', auth: { publicUrl: 'http://lookout.test', oidc: { issuer: 'http://127.0.0.1:9', clientId: 'lookout', clientSecret: 'secret', name: 'Acme SSO' } } }));
    await addUser(a, 'root@example.com', [['default', 'admin']]);
    await addUser(a, 'shopadmin@example.com', [['shop', 'admin']]);
    const cto = await a.ctx.store.people.createUser({ email: 'cto@example.com', name: null, source: 'oidc', passwordHash: null, memberships: [{ projectId: projectId('shop'), role: 'viewer' }] });
    const shop = await session(a, 'shopadmin@example.com');
    const claim = await shop.send('POST', '/api/v1/users', { email: 'ceo@example.com', role: 'viewer' });
    expect(claim.statusCode, claim.body).toBe(403);
    expect(claim.json().error.message).toMatch(/only the operator makes local accounts/);
    expect(await a.ctx.store.people.findUserByEmail('ceo@example.com')).toBeNull();
    const shopKey = (await a.ctx.store.createApiKey(projectId('shop'), 'admin', null)).key;
    expect((await a.app.inject({ method: 'POST', url: '/api/v1/users', headers: { authorization: `Bearer ${shopKey}` }, payload: { email: 'cfo@example.com', role: 'admin' } })).statusCode).toBe(403);
    // The provider's people: their roles come from it.
    const patch = await shop.send('PATCH', `/api/v1/users/${cto.id}`, { role: 'admin' });
    expect(patch.statusCode).toBe(409);
    expect(patch.json().error.message).toMatch(/identity provider/);
    expect((await shop.send('DELETE', `/api/v1/users/${cto.id}`)).statusCode).toBe(409);
    expect((await shop.send('PATCH', `/api/v1/users/${cto.id}`, { disabled: true })).statusCode).toBe(200);
    const op = await session(a, 'root@example.com');
    expect((await op.send('POST', '/api/v1/users', { email: 'cto@example.com', role: 'admin' })).statusCode).toBe(409);
    expect((await a.ctx.store.people.getUser(cto.id))?.memberships).toEqual([{ projectId: 'shop', role: 'viewer' }]);
    // The operator still makes a local account (a service account, a break-glass admin).
    expect((await op.send('POST', '/api/v1/users', { email: 'breakglass@example.com', role: 'admin' })).statusCode).toBe(201);
  });

  it('with keys: an admin key manages its project; a read key may not', async () => {
    const a = (t = await makeTestApp({ requireApiKeys: 'always' }));
    const admin = (await a.ctx.store.createApiKey(projectId('shop'), 'admin', null)).key;
    const read = (await a.ctx.store.createApiKey(projectId('shop'), 'read', null)).key;
    const post = (key: string) => a.app.inject({ method: 'POST', url: '/api/v1/users', headers: { authorization: `Bearer ${key}` }, payload: { email: 'ada@example.com', role: 'admin' } });
    expect((await post(read)).statusCode).toBe(403);
    const res = await post(admin);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().user.memberships).toEqual([{ projectId: 'shop', role: 'admin' }]);
  });
});

describe('GET /auth/config', () => {
  it('says what the sign-in page offers, without a key', async () => {
    const a = (t = await makeTestApp({ requireApiKeys: 'always', auth: { local: { enabled: false } } }));
    const res = await a.app.inject({ url: '/auth/config' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ local: false, oidc: null, keysRequired: true });
    const login = await a.app.inject({ method: 'POST', url: '/auth/login', payload: { email: 'a@example.com', password: 'whatever' } });
    expect(login.statusCode).toBe(403);
  });
});
