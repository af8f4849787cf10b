import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../testing/app.ts';
import { addEvaluator, evaluatorBody, listEvaluators, removeEvaluator } from './evaluators.ts';
import { CliError } from './http.ts';

let t: TestApp;
let url: string;
beforeAll(async () => {
  t = await makeTestApp();
  url = await t.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await t?.close();
});

function capture(): { write: (s: string) => void; text: () => string } {
  let out = '';
  return { write: (s) => void (out += s), text: () => out };
}

describe('lookout evaluators', () => {
  it('adds, lists and removes against a running server', async () => {
    const empty = capture();
    await listEvaluators({ url, format: 'table' }, empty.write);
    expect(empty.text()).toContain('no evaluators in this project');

    const added = await addEvaluator({ url }, { name: 'no-refs', kind: 'heuristic', criterion: 'regex', params: '{"pattern":"ORD-[0-9]+","mustMatch":false}', feature: 'support', sampleRate: '0.5' }, capture().write);
    expect(added).toMatchObject({ name: 'no-refs', criterion: 'regex', params: { pattern: 'ORD-[0-9]+', mustMatch: false }, filter: { feature: 'support' }, sampleRate: 0.5 });

    const list = capture();
    await listEvaluators({ url, format: 'table' }, list.write);
    expect(list.text().split('\n')[0]).toMatch(/^id\s+name\s+kind\s+criterion\s+sample\s+filter\s+state\s+origin$/);
    expect(list.text()).toMatch(new RegExp(`${added.id}\\s+no-refs\\s+heuristic\\s+regex\\s+50\\.00%\\s+feature=support\\s+enabled\\s+api`));

    // The server's message names the field.
    await expect(addEvaluator({ url }, { name: 'bad', kind: 'heuristic', criterion: 'regex', params: '{"pattern":"("}' }, capture().write)).rejects.toThrow(/params\.pattern: is not a valid RE2 expression/);

    const removed = capture();
    await removeEvaluator({ url }, added.id, removed.write);
    expect(removed.text()).toBe(`deleted ${added.id}\n`);
    const json = capture();
    await listEvaluators({ url, format: 'json' }, json.write);
    expect(JSON.parse(json.text()).evaluators).toEqual([]);
  });

  it('names an option it cannot read before asking the server', () => {
    expect(() => evaluatorBody({ name: 'x', kind: 'heuristic', criterion: 'length', params: '{maxChars: 3}' })).toThrow(CliError);
    expect(() => evaluatorBody({ name: 'x', kind: 'heuristic', criterion: 'length', params: '{maxChars: 3}' })).toThrow(/^--params: not valid JSON/);
    expect(() => evaluatorBody({ name: 'x', kind: 'llm_judge', criterion: 'safety', sampleRate: 'often' })).toThrow("--sample-rate 'often': give a number from 0 to 1, e.g. 0.05");
  });
});
