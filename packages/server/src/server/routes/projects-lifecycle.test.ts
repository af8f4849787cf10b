import { afterEach, describe, expect, it } from 'vitest';
import { generation, makeTestApp, type TestApp } from '../../testing/app.ts';
import { projectId } from '../../store/store.ts';
import { hashPassword } from '../../people/passwords.ts';
import { auditRecorderOf } from '../audit-hook.ts';

// DELETE /api/v1/projects/:id and the deletions' record: who may delete what, and the answers.

let t: TestApp;
afterEach(async () => {
  await t?.close();
});

type Headers = Record<string, string>;
async function keyFor(project: string, scope: 'ingest' | 'read' | 'admin'): Promise<Headers> {
  const { key } = await t.ctx.store.createApiKey(projectId(project), scope, null);
  return { authorization: `Bearer ${key}` };
}
const del = (project: string, headers: Headers = {}, query = '?wait=30') => t.app.inject({ method: 'DELETE', url: `/api/v1/projects/${project}${query}`, headers });
const projectIds = async () => (await t.ctx.store.listProjects()).map((p) => p.id);

describe('DELETE /api/v1/projects/:id', () => {
  it('lets the operator delete another project and answers 200 with the deletion once done', async () => {
    t = await makeTestApp({ requireApiKeys: 'always' });
    const operator = await keyFor('default', 'admin');
    const gone = await keyFor('acme', 'ingest');
    const res = await del('acme', operator);
    expect(res.statusCode).toBe(200);
    const { deletion } = res.json();
    expect(deletion).toMatchObject({ project: 'acme', status: 'done', error: null, counts: { spans: 0 } });
    expect(await projectIds()).not.toContain('acme');
    // Its keys no longer work, and the record can be read back by the operator.
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/ingest', headers: gone, payload: { batch: [generation()] } })).statusCode).toBe(401);
    expect((await t.app.inject({ url: `/api/v1/project-deletions/${deletion.id}`, headers: operator })).json().deletion).toMatchObject({ id: deletion.id, status: 'done' });
    expect((await t.app.inject({ url: '/api/v1/project-deletions', headers: operator })).json().deletions.map((d: { id: string }) => d.id)).toEqual([deletion.id]);
  });

  it('records who asked: the key, or the signed-in person by id and email; the audit entry is filed under the project deleted', async () => {
    t = await makeTestApp({ requireApiKeys: 'always' });
    const operatorKey = await t.ctx.store.createApiKey(projectId('default'), 'admin', null);
    await keyFor('acme', 'ingest');
    const byKey = await del('acme', { authorization: `Bearer ${operatorKey.key}` });
    expect(byKey.statusCode, byKey.body).toBe(200);
    expect(byKey.json().deletion.requestedBy).toBe(operatorKey.info.id);
    // A person, the admin of their own project.
    await keyFor('beta', 'ingest');
    const password = 'correct horse battery';
    const bea = await t.ctx.store.people.createUser({ email: 'bea@example.com', name: null, source: 'local', passwordHash: await hashPassword(password), memberships: [{ projectId: projectId('beta'), role: 'admin' }] });
    const login = await t.app.inject({ method: 'POST', url: '/auth/login', payload: { email: 'bea@example.com', password } });
    expect(login.statusCode, login.body).toBe(200);
    const cookie = String([login.headers['set-cookie']].flat().filter((l) => String(l).startsWith('lookout_session=')).at(-1)).split(';')[0];
    const csrf = (await t.app.inject({ url: '/api/v1/me', headers: { cookie } })).json().csrfToken as string;
    const byPerson = await del('beta', { cookie, 'x-csrf-token': csrf });
    expect(byPerson.statusCode, byPerson.body).toBe(200);
    expect(byPerson.json().deletion.requestedBy).toBe(`user:${bea.id} (bea@example.com)`);
    await auditRecorderOf(t.ctx).flush();
    const entries = await t.ctx.store.audit.list({ projectId: null, fromMs: 0, toMs: Date.now() + 1000, action: 'projects.delete', limit: 10 });
    expect(entries.map((e) => [e.projectId, e.target, e.actor.kind]).sort()).toEqual([
      ['acme', 'acme', 'key'],
      ['beta', 'beta', 'user'],
    ]);
  });

  it("lets a project's admin delete their own project, and no other", async () => {
    t = await makeTestApp({ requireApiKeys: 'always' });
    const acmeAdmin = await keyFor('acme', 'admin');
    await keyFor('beta', 'admin');
    const other = await del('beta', acmeAdmin);
    expect(other.statusCode).toBe(403);
    expect(other.json().error.message).toMatch(/belongs to project 'acme' and cannot delete project 'beta'/);
    expect(await projectIds()).toContain('beta');
    expect((await del('acme', acmeAdmin)).statusCode).toBe(200);
    expect(await projectIds()).not.toContain('acme');
    // The key that asked went with its project; the deletions' record is the operator's.
    expect((await t.app.inject({ url: '/api/v1/project-deletions', headers: acmeAdmin })).statusCode).toBe(401);
  });

  it('refuses read and ingest keys, even of the project itself', async () => {
    t = await makeTestApp({ requireApiKeys: 'always' });
    for (const scope of ['ingest', 'read'] as const) {
      const res = await del('acme', await keyFor('acme', scope));
      expect(res.statusCode, scope).toBe(403);
    }
    expect(await projectIds()).toContain('acme');
    const projectAdmin = await keyFor('acme', 'admin');
    expect((await t.app.inject({ url: '/api/v1/project-deletions', headers: projectAdmin })).statusCode).toBe(403);
  });

  it('refuses to delete the default project with a 409 that says why', async () => {
    t = await makeTestApp();
    const res = await del('default');
    expect(res.statusCode).toBe(409);
    expect(res.json().error.message).toMatch(/the 'default' project cannot be deleted/);
    expect(await projectIds()).toContain('default');
  });

  it('answers 404 for a project that does not exist, and 400 for an id no project can have', async () => {
    t = await makeTestApp();
    const missing = await del('nope');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.message).toBe('no project nope');
    const bad = await del('Not_A_Project!');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(/^id: must be a project id/);
    expect((await del('acme', {}, '?wait=61')).json().error.message).toMatch(/wait: must be at most 60/);
    expect((await t.app.inject({ url: '/api/v1/project-deletions/nope' })).statusCode).toBe(404);
  });

  it('answers 202 while it runs, the same deletion when asked again, and makes no key for the project meanwhile', async () => {
    t = await makeTestApp();
    await t.ctx.store.createProject(projectId('acme'), 'Acme');
    // An erasure or retention run holding the lifecycle lock keeps the deletion waiting.
    let release!: () => void;
    const held = t.ctx.lifecycleLock.run(() => new Promise<void>((r) => (release = r)));
    const res = await del('acme', {}, '');
    expect(res.statusCode).toBe(202);
    const { deletion } = res.json();
    expect(deletion).toMatchObject({ project: 'acme', status: 'running', finishedAt: null });
    const again = await del('acme', {}, '?wait=1');
    expect(again.statusCode).toBe(202);
    expect(again.json().deletion.id).toBe(deletion.id);
    const key = await t.app.inject({ method: 'POST', url: '/api/v1/keys', payload: { project: 'acme', scope: 'ingest' } });
    expect(key.statusCode).toBe(409);
    expect(key.json().error.message).toMatch(/project 'acme' is being deleted/);
    expect((await t.app.inject({ url: `/api/v1/project-deletions/${deletion.id}` })).json().deletion.status).toBe('running');
    release();
    await held;
    await t.ctx.projectDeletions.waitFor(deletion.id);
    expect((await t.app.inject({ url: `/api/v1/project-deletions/${deletion.id}` })).json().deletion.status).toBe('done');
    // Done: the id is free again, and a key for it makes a new, empty project.
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/keys', payload: { project: 'acme', scope: 'ingest' } })).statusCode).toBe(201);
  });
});
