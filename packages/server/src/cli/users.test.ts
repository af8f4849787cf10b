import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../testing/app.ts';
import { verifyPassword } from '../people/passwords.ts';
import type { Store } from '../store/store.ts';
import { addUser, checkPassword, describeUser, listUsers, removeUser, setDisabled, setRole, type ServerOrStore } from './users.ts';

// `lookout users`: through a running server, and on the store itself when none runs.

let t: TestApp;
let url: string;
beforeAll(async () => {
  t = await makeTestApp();
  url = await t.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await t?.close();
});

// The API when a server answers (the keyless operator of a loopback-bound server here).
const viaApi: ServerOrStore = (_target, _dataDir, api) => api();
// No server: the store directly.
const viaStore = (store: Store): ServerOrStore => (_target, _dataDir, _api, direct) => direct(store);

describe('lookout users', { timeout: 30_000 }, () => {
  it('adds a person through the server with a one-time password printed once, lists, changes the role, disables and removes', async () => {
    const added = await addUser({ url, email: 'Ada@Example.com', role: 'member', project: 'default', name: 'Ada' }, viaApi);
    expect(added).toMatchObject({ created: true, user: { email: 'ada@example.com', memberships: [{ projectId: 'default', role: 'member' }] } });
    expect(added.password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    const stored = await t.ctx.store.people.findUserByEmail('ada@example.com');
    expect(await verifyPassword(added.password!, stored!.passwordHash!)).toBe(true);
    const again = await addUser({ url, email: 'ada@example.com', role: 'viewer', project: 'shop' }, viaApi);
    expect(again).toMatchObject({ created: false, password: null });

    const listed = await listUsers({ url, project: 'shop' }, viaApi);
    expect(listed.map((u) => describeUser(u, 'shop'))).toEqual([expect.stringMatching(/^[^\t]+\tada@example\.com\tAda\tlocal\tviewer\tactive\tnever$/)]);

    expect((await setRole('ada@example.com', 'admin', { url, project: 'shop' }, viaApi)).memberships).toEqual(expect.arrayContaining([{ projectId: 'shop', role: 'admin' }]));
    expect((await setDisabled('ada@example.com', true, { url, project: 'default' }, viaApi)).disabled).toBe(true);
    expect((await t.ctx.store.people.findUserByEmail('ada@example.com'))!.disabledAt).not.toBeNull();
    expect((await setDisabled(added.user.id, false, { url, project: 'default' }, viaApi)).disabled).toBe(false);
    await removeUser('ada@example.com', { url, project: 'shop' }, viaApi);
    expect((await t.ctx.store.people.findUserByEmail('ada@example.com'))!.memberships).toEqual([{ projectId: 'default', role: 'member' }]);
    await removeUser('ada@example.com', { url, project: 'default', entirely: true }, viaApi);
    expect(await t.ctx.store.people.findUserByEmail('ada@example.com')).toBeNull();
    await expect(setRole('nobody@example.com', 'admin', { url, project: 'default' }, viaApi)).rejects.toThrow(/no user nobody@example.com/);
  });

  it('works on the store with no server: the password from stdin is the one stored', async () => {
    const via = viaStore(t.ctx.store);
    const added = await addUser({ url, email: 'bo@example.com', role: 'admin', project: 'default', password: checkPassword('a long enough one\n') }, via);
    expect(added).toMatchObject({ created: true, password: null });
    expect(await verifyPassword('a long enough one', (await t.ctx.store.people.findUserByEmail('bo@example.com'))!.passwordHash!)).toBe(true);
    await expect(addUser({ url, email: 'bo@example.com', role: 'viewer', project: 'default' }, via)).rejects.toThrow(/has a role in project 'default' already/);
    expect((await listUsers({ url }, via)).map((u) => u.email)).toContain('bo@example.com');
    expect((await setRole('bo@example.com', 'viewer', { url, project: 'default' }, via)).memberships).toEqual([{ projectId: 'default', role: 'viewer' }]);
    expect((await setDisabled('bo@example.com', true, { url, project: 'default' }, via)).disabled).toBe(true);
    await removeUser('bo@example.com', { url, project: 'default', entirely: true }, via);
    expect(await t.ctx.store.people.findUserByEmail('bo@example.com')).toBeNull();
  });

  it('refuses bad arguments before sending anything', async () => {
    await expect(addUser({ url, email: 'not-an-address', role: 'viewer', project: 'default' }, viaApi)).rejects.toThrow(/--email 'not-an-address'/);
    await expect(addUser({ url, email: 'a@example.com', role: 'owner', project: 'default' }, viaApi)).rejects.toThrow(/--role 'owner': use one of viewer, member, admin/);
    await expect(addUser({ url, email: 'a@example.com', role: 'viewer', project: 'Bad Id' }, viaApi)).rejects.toThrow(/--project 'Bad Id'/);
    expect(() => checkPassword('short\n')).toThrow(/8-1024 characters/);
    expect(await t.ctx.store.people.findUserByEmail('a@example.com')).toBeNull();
  });
});
