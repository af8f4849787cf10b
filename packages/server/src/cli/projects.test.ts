import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generation, makeTestApp, type TestApp } from '../testing/app.ts';
import { projectId } from '../store/store.ts';
import { deleteProject } from './projects.ts';

let t: TestApp;
let url: string;
beforeAll(async () => {
  t = await makeTestApp();
  url = await t.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await t?.close();
});

describe('lookout projects delete', () => {
  it('asks for --yes and sends nothing without it', async () => {
    await t.ctx.store.createProject(projectId('acme'), 'Acme');
    await expect(deleteProject('acme', { url, wait: true }, () => undefined)).rejects.toThrow(/add --yes to go ahead/);
    expect((await t.ctx.store.listProjects()).map((p) => p.id)).toContain('acme');
    await expect(deleteProject('Bad Id', { url, wait: true, yes: true }, () => undefined)).rejects.toThrow(/project 'Bad Id': use 1-63 characters/);
  });

  it('deletes a project with --yes and prints what was removed', async () => {
    const { key } = await t.ctx.store.createApiKey(projectId('gone'), 'ingest', null);
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/ingest', headers: { authorization: `Bearer ${key}` }, payload: { batch: [generation(), generation()] } });
    expect(res.statusCode).toBe(200);
    const lines: string[] = [];
    const deletion = await deleteProject('gone', { url, wait: true, yes: true }, (l) => lines.push(l), async () => undefined);
    expect(deletion).toMatchObject({ project: 'gone', status: 'done', counts: { spans: 2 } });
    expect(lines.at(-1)).toMatch(/^project gone: deletion [0-9a-f-]+ done; spans 2, scores 0, logs 0/);
    expect((await t.ctx.store.listProjects()).map((p) => p.id)).not.toContain('gone');
  });

  it("reports the server's refusal: the default project, a project that is not there", async () => {
    await expect(deleteProject('default', { url, wait: true, yes: true }, () => undefined)).rejects.toThrow(/failed with 409: the 'default' project cannot be deleted/);
    await expect(deleteProject('nope', { url, wait: true, yes: true }, () => undefined)).rejects.toThrow(/failed with 404: no project nope/);
  });
});
