import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config.ts';
import { openStore } from '../store/open.ts';
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

// The real command-line tool in a child process, with no server answering: it works on the data
// directory and records each change in the audit log as the local operator.
const CLI = fileURLToPath(new URL('../cli.ts', import.meta.url));

function lookout(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env: { ...process.env, LOOKOUT_API_KEY: '' }, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('lookout users and keys with the server down', { timeout: 120_000 }, () => {
  it('records every change made on the data directory, as the local operator with the OS user, never a password or key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lookout-users-cli-'));
    try {
      // A port nothing listens on any more: the tool works on the data directory.
      const probe = createServer();
      await new Promise<void>((res) => probe.listen(0, '127.0.0.1', res));
      const port = (probe.address() as AddressInfo).port;
      await new Promise((res) => probe.close(res));
      const common = ['--url', `http://127.0.0.1:${port}`, '-d', dir];
      const added = await lookout(['users', 'add', '--email', 'ops@example.com', '--role', 'admin', '--project', 'default', ...common]);
      expect(added.code, added.stderr).toBe(0);
      expect(added.stderr).toContain('working on');
      const password = added.stdout.trim();
      for (const args of [
        ['users', 'set-role', 'ops@example.com', '--role', 'member', '--project', 'default'],
        ['users', 'disable', 'ops@example.com', '--project', 'default'],
        ['users', 'enable', 'ops@example.com', '--project', 'default'],
        ['users', 'remove', 'ops@example.com', '--project', 'default', '--entirely'],
      ]) {
        const r = await lookout([...args, ...common]);
        expect(r.code, r.stderr).toBe(0);
      }
      const key = await lookout(['keys', 'create', '--project', 'acme', '--scope', 'admin', '--name', 'deploy', ...common]);
      expect(key.code, key.stderr).toBe(0);
      const keyValue = key.stdout.trim();

      const store = await openStore(loadConfig({ env: {}, flags: { dataDir: dir, logLevel: 'silent' } }));
      try {
        const log = await store.audit.list({ projectId: null, fromMs: 0, toMs: Date.now() + 60_000, limit: 100 });
        expect(log.map((e) => e.action).reverse()).toEqual(['users.create', 'users.update', 'users.update', 'users.update', 'users.delete', 'keys.create']);
        for (const e of log) expect(e).toMatchObject({ actor: { kind: 'local', id: null, email: null }, details: { via: 'cli', osUser: userInfo().username } });
        expect(log[0]).toMatchObject({ projectId: 'acme', details: { after: { scope: 'admin', name: 'deploy' } } });
        expect(log.at(-1)).toMatchObject({ projectId: 'default', details: { after: { email: 'ops@example.com', role: 'admin' } } });
        const text = JSON.stringify(log);
        expect(text).not.toContain(keyValue);
        expect(text).not.toContain(password);
      } finally {
        await store.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
