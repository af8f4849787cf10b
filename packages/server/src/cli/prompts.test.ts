import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectId } from '../store/store.ts';
import { makeTestApp, type TestApp } from '../testing/app.ts';
import { getPrompt, labelPrompt, listPrompts, listVersions, pushPrompt } from './prompts.ts';

let t: TestApp;
let url: string;
let readKey: string;
const dir = mkdtempSync(join(tmpdir(), 'lookout-prompts-cli-'));
beforeAll(async () => {
  t = await makeTestApp();
  url = await t.app.listen({ port: 0, host: '127.0.0.1' });
  readKey = (await t.ctx.store.createApiKey(projectId('default'), 'read', null)).key;
});
afterAll(async () => {
  await t?.close();
});

function capture(): { write: (s: string) => void; text: () => string } {
  let out = '';
  return { write: (s) => void (out += s), text: () => out };
}

function file(name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, body);
  return path;
}

const CHAT = [
  { role: 'system', content: 'You summarise {{document}}.' },
  { role: 'user', content: 'Go.' },
];

describe('lookout prompts', () => {
  it('pushes text and chat versions with labels, lists them and gets them back', async () => {
    const empty = capture();
    await listPrompts({ url, format: 'table' }, empty.write);
    expect(empty.text()).toContain('no prompts in this project');

    const first = capture();
    await pushPrompt({ url }, 'summary', file('summary.txt', 'Summarise {{document}} in one line.\n'), { label: ['production'], message: 'first' }, first.write);
    expect(first.text()).toBe('summary@1 (production, latest)\n');
    const second = capture();
    await pushPrompt({ url }, 'summary', file('summary.json', JSON.stringify(CHAT)), { model: 'gpt-4o-mini', parameters: file('params.json', '{"temperature":0}'), label: ['staging'] }, second.write);
    expect(second.text()).toBe('summary@2 (staging, latest)\n');
    // A .json file of a version's fields; stdin as the file.
    await pushPrompt({ url }, 'classifier', '-', {}, capture().write, async () => JSON.stringify({ prompt: 'Label {{x}}', message: 'from stdin' }));

    const list = capture();
    await listPrompts({ url, format: 'table' }, list.write);
    const lines = list.text().split('\n');
    expect(lines[0]).toMatch(/^name\s+type\s+latest\s+versions\s+labels\s+updated$/);
    expect(lines[2]).toMatch(/^classifier\s+text\s+1\s+1\s+\d{4}-/);
    expect(lines[3]).toMatch(/^summary\s+chat\s+2\s+2\s+production=1 staging=2\s+\d{4}-/);

    const prod = capture();
    await getPrompt({ url, key: readKey }, 'summary', { format: 'text' }, prod.write);
    expect(prod.text()).toBe('Summarise {{document}} in one line.\n');
    const staging = capture();
    const v2 = await getPrompt({ url }, 'summary', { label: 'staging', format: 'text' }, staging.write);
    expect(JSON.parse(staging.text())).toEqual(CHAT);
    expect(v2).toMatchObject({ version: 2, model: 'gpt-4o-mini', parameters: { temperature: 0 } });
    const json = capture();
    await getPrompt({ url }, 'summary', { version: 1, format: 'json' }, json.write);
    expect(JSON.parse(json.text())).toMatchObject({ name: 'summary', version: 1, type: 'text', message: 'first', labels: ['production'] });

    const versions = capture();
    await listVersions({ url, format: 'table' }, 'summary', versions.write);
    expect(versions.text().split('\n')[2]).toMatch(/^2\s+staging latest\s+chat\s+gpt-4o-mini\s+\S+\s+operator$/);
    expect(versions.text().split('\n')[3]).toMatch(/^1\s+production\s+text\s+\S+\s+operator\s+first$/);
  });

  it('moves and removes a label', async () => {
    await pushPrompt({ url }, 'moving', file('moving.txt', 'one'), { label: ['production'] }, capture().write);
    await pushPrompt({ url }, 'moving', file('moving2.txt', 'two'), {}, capture().write);
    const moved = capture();
    await labelPrompt({ url }, 'moving', 'production', '2', {}, moved.write);
    expect(moved.text()).toBe('moving: production -> version 2\n');
    const got = capture();
    await getPrompt({ url }, 'moving', { format: 'text' }, got.write);
    expect(got.text()).toBe('two\n');
    const removed = capture();
    await labelPrompt({ url }, 'moving', 'production', undefined, { delete: true }, removed.write);
    expect(removed.text()).toBe('moving: label production removed\n');
    await expect(getPrompt({ url }, 'moving', { format: 'text' }, capture().write)).rejects.toThrow(/^GET \/api\/v1\/prompts\/moving failed with 404: prompt 'moving' has no label 'production'/);
  });

  it("reports the server's refusals and bad arguments, naming them", async () => {
    await expect(pushPrompt({ url }, 'bad/name', file('x.txt', 'x'), {}, capture().write)).rejects.toThrow(/failed with 400: name: must start with a letter or digit/);
    await expect(pushPrompt({ url }, 'p', file('bad.json', '{'), {}, capture().write)).rejects.toThrow(/bad\.json: not valid JSON/);
    await expect(pushPrompt({ url }, 'p', file('noprompt.json', '{"model":"x"}'), {}, capture().write)).rejects.toThrow(/noprompt\.json: a JSON file holds chat messages/);
    await expect(pushPrompt({ url }, 'p', join(dir, 'missing.txt'), {}, capture().write)).rejects.toThrow(/missing\.txt: cannot read it \(ENOENT\)/);
    await expect(pushPrompt({ url, key: readKey }, 'p', file('ok.txt', 'x'), {}, capture().write)).rejects.toThrow(/failed with 403/);
    await expect(labelPrompt({ url }, 'summary', 'production', 'two', {}, capture().write)).rejects.toThrow(/version: 'two' is not a version number/);
    await expect(labelPrompt({ url }, 'summary', 'production', '9', {}, capture().write)).rejects.toThrow(/failed with 404: prompt 'summary' has no version 9/);
    await expect(labelPrompt({ url }, 'summary', 'latest', '1', {}, capture().write)).rejects.toThrow(/failed with 400: label: 'latest' always means the newest version/);
    await expect(getPrompt({ url }, 'summary', { label: 'x', version: 1, format: 'text' }, capture().write)).rejects.toThrow(/give --label or --version, not both/);
  });
});
