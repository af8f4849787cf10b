import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../testing/app.ts';
import { addCost, listCosts, removeCost, setMarkup, showMarkup } from './chargeback.ts';

let t: TestApp;
let url: string;
const dir = mkdtempSync(join(tmpdir(), 'lookout-chargeback-cli-'));
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

function file(name: string, body: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof body === 'string' ? body : JSON.stringify(body));
  return path;
}

describe('lookout chargeback', () => {
  it('sets and shows markup tiers; the server names a field at fault', async () => {
    const markup = { tiers: [{ name: 'premium', markupPct: 20 }], assignments: [{ dimension: 'team', value: 'web', tier: 'premium' }], defaultTier: null };
    const set = capture();
    await setMarkup({ url }, file('markup.json', markup), set.write);
    expect(set.text()).toBe('markup set: 1 tier(s), 1 assignment(s), default none (at cost)\n');
    const shown = capture();
    await showMarkup({ url }, shown.write);
    expect(JSON.parse(shown.text())).toEqual(markup);
    await expect(setMarkup({ url }, file('bad.json', { ...markup, tiers: [{ name: 'premium', markupPct: 2000 }] }), capture().write)).rejects.toThrow(/tiers\[0\]\.markupPct: must be at most 1000/);
    await expect(setMarkup({ url }, file('broken.json', '{'), capture().write)).rejects.toThrow(/broken\.json: not valid JSON/);
  });

  it('adds, lists and removes other costs', async () => {
    const empty = capture();
    await listCosts({ url, format: 'table' }, empty.write);
    expect(empty.text()).toContain('no other costs in this project');
    const cost = {
      name: 'Vector database',
      category: 'vector_db',
      assignTo: { dimension: 'department', value: 'eng' },
      pricing: { type: 'per_unit', unit: 'per_1k_requests', unitPriceUsd: '0.40', quantity: 250000 },
      fromMonth: '2026-11',
    };
    const added = await addCost({ url }, file('cost.json', cost), capture().write);
    const list = capture();
    await listCosts({ url, format: 'table' }, list.write);
    expect(list.text().split('\n')[0]).toMatch(/^id\s+name\s+category\s+billed_to\s+price\s+months$/);
    expect(list.text()).toMatch(new RegExp(`${added.id}\\s+Vector database\\s+vector_db\\s+department=eng\\s+\\$0\\.40/1k requests × 250000\\s+2026-11\\.\\.`));
    const removed = capture();
    await removeCost({ url }, added.id, removed.write);
    expect(removed.text()).toBe(`deleted ${added.id}\n`);
    await expect(removeCost({ url }, added.id, capture().write)).rejects.toThrow(/no other cost/);
  });
});
