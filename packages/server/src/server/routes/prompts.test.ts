import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_PROMPT_BYTES } from '../../domain/prompts.ts';
import { projectId } from '../../store/store.ts';
import { makeTestApp, type TestApp } from '../../testing/app.ts';

let t: TestApp;
const keys: Record<string, { key: string; id: string }> = {};

beforeAll(async () => {
  t = await makeTestApp({ host: '0.0.0.0' });
  for (const [name, project, scope] of [
    ['admin', 'default', 'admin'],
    ['reader', 'default', 'read'],
    ['ingest', 'default', 'ingest'],
    ['otherAdmin', 'other', 'admin'],
    ['otherIngest', 'other', 'ingest'],
  ] as const) {
    const { key, info } = await t.ctx.store.createApiKey(projectId(project), scope, null);
    keys[name] = { key, id: info.id };
  }
});

afterAll(async () => {
  await t?.close();
});

async function call(method: 'GET' | 'PUT' | 'POST' | 'DELETE', url: string, body?: unknown, who = 'admin') {
  const res = await t.app.inject({ method, url, headers: { authorization: `Bearer ${keys[who].key}` }, ...(body === undefined ? {} : { payload: body as object }) });
  return { status: res.statusCode, body: res.body ? (JSON.parse(res.body) as Record<string, any>) : null };
}

const CHAT = [
  { role: 'system', content: 'You answer support questions for {{product}}.' },
  { role: 'user', content: '{{question}}' },
];

describe('prompt registry API', () => {
  it('creates versions, resolves production, latest and numbers, moves and removes labels', async () => {
    const v1 = await call('POST', '/api/v1/prompts', { name: 'support', prompt: 'Answer: {{question}}', message: 'first cut', labels: ['production'] });
    expect(v1.status).toBe(201);
    expect(v1.body).toMatchObject({ name: 'support', version: 1, type: 'text', prompt: 'Answer: {{question}}', model: null, parameters: null, message: 'first cut', createdBy: keys.admin.id, labels: ['production', 'latest'] });
    const v2 = await call('POST', '/api/v1/prompts', { name: 'support', type: 'chat', prompt: CHAT, model: 'gpt-4o-mini', parameters: { temperature: 0.1 }, labels: ['staging'] });
    expect(v2.body).toMatchObject({ version: 2, type: 'chat', prompt: CHAT, model: 'gpt-4o-mini', parameters: { temperature: 0.1 }, labels: ['staging', 'latest'] });

    // Applications hold ingest keys: they may resolve a prompt.
    const prod = await call('GET', '/api/v1/prompts/support', undefined, 'ingest');
    expect(prod.status).toBe(200);
    expect(prod.body).toMatchObject({ version: 1, prompt: 'Answer: {{question}}' });
    expect((await call('GET', '/api/v1/prompts/support?label=latest', undefined, 'ingest')).body).toMatchObject({ version: 2, prompt: CHAT });
    expect((await call('GET', '/api/v1/prompts/support?label=staging')).body?.version).toBe(2);
    expect((await call('GET', '/api/v1/prompts/support?version=1')).body?.labels).toEqual(['production']);

    const moved = await call('PUT', '/api/v1/prompts/support/labels/production', { version: 2 });
    expect(moved).toMatchObject({ status: 200, body: { name: 'support', label: 'production', version: 2, updatedBy: keys.admin.id } });
    expect((await call('GET', '/api/v1/prompts/support', undefined, 'ingest')).body?.version).toBe(2);

    const versions = await call('GET', '/api/v1/prompts/support/versions', undefined, 'reader');
    expect(versions.body).toMatchObject({ name: 'support', labels: { production: 2, staging: 2 } });
    expect(versions.body!.versions.map((v: { version: number; labels: string[] }) => [v.version, v.labels])).toEqual([
      [2, ['production', 'staging', 'latest']],
      [1, []],
    ]);

    const list = await call('GET', '/api/v1/prompts', undefined, 'reader');
    expect(list.body!.prompts).toEqual([expect.objectContaining({ name: 'support', type: 'chat', latestVersion: 2, versions: 2, labels: { production: 2, staging: 2 } })]);
    expect(list.body!.limits).toEqual({ versionsPerPrompt: 1000, promptsPerProject: 1000, labelsPerPrompt: 20, promptBytes: MAX_PROMPT_BYTES, bytesPerProject: 64 * 1024 * 1024 });

    expect((await call('DELETE', '/api/v1/prompts/support/labels/staging')).status).toBe(204);
    const gone = await call('GET', '/api/v1/prompts/support?label=staging');
    expect(gone.status).toBe(404);
    expect(gone.body!.error.message).toMatch(/^prompt 'support' has no label 'staging'/);
  });

  it('answers 404 naming the prompt, version or label that is missing', async () => {
    await call('POST', '/api/v1/prompts', { name: 'unlabelled', prompt: 'x' });
    expect((await call('GET', '/api/v1/prompts/nothing-here')).body!.error).toMatchObject({ code: 'not_found', message: "no prompt 'nothing-here' in this project" });
    expect((await call('GET', '/api/v1/prompts/unlabelled')).body!.error.message).toMatch(/^prompt 'unlabelled' has no label 'production'/);
    expect((await call('GET', '/api/v1/prompts/unlabelled?version=9')).body!.error.message).toBe("prompt 'unlabelled' has no version 9");
    expect((await call('PUT', '/api/v1/prompts/unlabelled/labels/production', { version: 9 })).status).toBe(404);
    expect((await call('DELETE', '/api/v1/prompts/unlabelled/labels/production')).status).toBe(404);
    expect((await call('GET', '/api/v1/prompts/nothing-here/versions')).status).toBe(404);
  });

  it('refuses bad input with a 400 naming the field', async () => {
    const cases: [unknown, RegExp][] = [
      [{ name: 'bad/name', prompt: 'x' }, /^name: must start with a letter or digit/],
      [{ name: 'a'.repeat(129), prompt: 'x' }, /^name: must be at most 128 characters/],
      [{ name: 'p', prompt: '' }, /^prompt: must not be empty/],
      [{ name: 'p', type: 'text', prompt: CHAT }, /^prompt: a text prompt is a string/],
      [{ name: 'p', type: 'chat', prompt: 'x' }, /^prompt: a chat prompt is a list/],
      [{ name: 'p', prompt: [{ role: 'user', content: 'x' }, { role: 'wizard', content: 'x' }] }, /^prompt: message 1, role: must be one of system, developer, user, assistant, tool$/],
      [{ name: 'p', prompt: [{ role: 'user' }] }, /^prompt: message 0, content: must be a string$/],
      [{ name: 'p', prompt: 42 }, /^prompt: must be a string \(a text prompt\) or a list of \{role, content\} messages/],
      [{ name: 'p', prompt: [] }, /^prompt: must hold at least one message/],
      [{ name: 'p', prompt: 'é'.repeat(MAX_PROMPT_BYTES / 2 + 1) }, /^prompt: is 262146 bytes; at most 262144/],
      [{ name: 'p', prompt: 'x', labels: ['latest'] }, /^labels\[0\]: 'latest' always means the newest version/],
      [{ name: 'p', prompt: 'x', labels: ['Prod'] }, /^labels\[0\]: must start with a lowercase letter or digit/],
      [{ name: 'p', prompt: 'x', labels: ['a', 'a'] }, /^labels: names a label twice/],
      [{ name: 'p', prompt: 'x', parameters: { a: { b: { c: { d: { e: { f: { g: 1 } } } } } } } }, /^parameters: nests deeper than 6 levels/],
      [{ name: 'p', prompt: 'x', parameters: { big: 'x'.repeat(17_000) } }, /^parameters: is \d+ bytes of JSON; at most 16384/],
      [{ name: 'p', prompt: 'x', colour: 'red' }, /colour: unknown field/],
    ];
    for (const [body, message] of cases) {
      const res = await call('POST', '/api/v1/prompts', body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(res.body!.error.message).toMatch(message);
    }
    expect((await call('GET', '/api/v1/prompts/p?version=0')).body!.error.message).toMatch(/^version: must be at least 1/);
    expect((await call('GET', '/api/v1/prompts/p?version=two')).body!.error.message).toMatch(/^version: /);
    expect((await call('GET', '/api/v1/prompts/p?version=1&label=staging')).body!.error.message).toMatch(/^version: give label or version, not both/);
    expect((await call('PUT', '/api/v1/prompts/p/labels/latest', { version: 1 })).body!.error.message).toMatch(/^label: 'latest' always means the newest version/);
    expect((await call('PUT', '/api/v1/prompts/p/labels/production', { version: 'one' })).body!.error.message).toMatch(/^version: must be a version number/);
    // Nothing was written by the refused requests.
    expect((await call('GET', '/api/v1/prompts/p?label=latest')).status).toBe(404);
  });

  it('refuses parameters nested thousands of levels deep with a 400, not a 500', async () => {
    for (const depth of [5_000, 200_000]) {
      const payload = `{"name":"deep","prompt":"x","parameters":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`;
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/prompts', headers: { authorization: `Bearer ${keys.admin.key}`, 'content-type': 'application/json' }, payload });
      expect(res.statusCode, `depth ${depth}`).toBe(400);
      expect((JSON.parse(res.body) as { error: { message: string } }).error.message).toMatch(/^parameters: nests deeper than 6 levels/);
    }
    const arrays = `{"name":"deep","prompt":"x","parameters":{"a":${'['.repeat(100_000)}${']'.repeat(100_000)}}}`;
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/prompts', headers: { authorization: `Bearer ${keys.admin.key}`, 'content-type': 'application/json' }, payload: arrays });
    expect(res.statusCode).toBe(400);
    expect((await call('GET', '/api/v1/prompts/deep?label=latest')).status).toBe(404);
  });

  it('gives an ingest key the prompt to run but not who wrote it nor the commit message', async () => {
    await call('POST', '/api/v1/prompts', { name: 'audited', prompt: 'Reply to {{q}}', model: 'gpt-4o-mini', parameters: { temperature: 0 }, message: 'internal: ticket 4411', labels: ['production'] });
    const app = await call('GET', '/api/v1/prompts/audited', undefined, 'ingest');
    expect(app.status).toBe(200);
    expect(app.body).toMatchObject({ name: 'audited', version: 1, prompt: 'Reply to {{q}}', model: 'gpt-4o-mini', parameters: { temperature: 0 }, labels: ['production', 'latest'] });
    expect(app.body!.createdBy).toBeNull();
    expect(app.body!.message).toBeNull();
    expect(JSON.stringify(app.body)).not.toContain(keys.admin.id);
    // A read key sees both.
    expect((await call('GET', '/api/v1/prompts/audited', undefined, 'reader')).body).toMatchObject({ createdBy: keys.admin.id, message: 'internal: ticket 4411' });
  });

  it('keeps scopes: writes need an admin key, the list and history a read key', async () => {
    expect((await call('POST', '/api/v1/prompts', { name: 'scoped', prompt: 'x' }, 'reader')).status).toBe(403);
    expect((await call('POST', '/api/v1/prompts', { name: 'scoped', prompt: 'x' }, 'ingest')).status).toBe(403);
    expect((await call('GET', '/api/v1/prompts', undefined, 'ingest')).status).toBe(403);
    expect((await call('GET', '/api/v1/prompts/support/versions', undefined, 'ingest')).status).toBe(403);
    expect((await call('PUT', '/api/v1/prompts/support/labels/production', { version: 1 }, 'reader')).status).toBe(403);
    expect((await call('DELETE', '/api/v1/prompts/support/labels/production', undefined, 'reader')).status).toBe(403);
  });

  it("never shows one project's prompts to another project's keys", async () => {
    await call('POST', '/api/v1/prompts', { name: 'secret-sauce', prompt: 'default project text', labels: ['production'] });
    for (const who of ['otherAdmin', 'otherIngest']) {
      const res = await call('GET', '/api/v1/prompts/secret-sauce', undefined, who);
      expect(res.status).toBe(404);
      expect(res.body!.error.message).toBe("no prompt 'secret-sauce' in this project");
    }
    expect((await call('GET', '/api/v1/prompts', undefined, 'otherAdmin')).body!.prompts).toEqual([]);
    expect((await call('PUT', '/api/v1/prompts/secret-sauce/labels/production', { version: 1 }, 'otherAdmin')).status).toBe(404);
    // The other project's prompt of the same name is its own, numbered from 1.
    const own = await call('POST', '/api/v1/prompts', { name: 'secret-sauce', prompt: 'other project text', labels: ['production'] }, 'otherAdmin');
    expect(own.body).toMatchObject({ version: 1 });
    expect((await call('GET', '/api/v1/prompts/secret-sauce', undefined, 'otherIngest')).body!.prompt).toBe('other project text');
    expect((await call('GET', '/api/v1/prompts/secret-sauce', undefined, 'ingest')).body!.prompt).toBe('default project text');
  });
});
