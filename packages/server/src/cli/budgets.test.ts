import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generation, makeTestApp, type TestApp } from '../testing/app.ts';
import { budgetBody, checkBudget, listBudgets, removeBudget, setBudget, userTier } from './budgets.ts';
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

describe('lookout budgets', () => {
  it('sets, lists, checks, assigns tiers and removes against a running server', async () => {
    const empty = capture();
    await listBudgets({ url, format: 'table' }, empty.write);
    expect(empty.text()).toContain('no budgets in this project');

    const set = capture();
    const team = await setBudget({ url }, { scope: 'team', subject: 'core', period: 'monthly', limit: '10', warn: '50,90', enforce: 'hard' }, set.write);
    expect(team).toMatchObject({ scope: 'team', subject: 'core', limitUsd: 10, warnAtPercent: [50, 90], enforce: 'hard' });
    await setBudget({ url }, { id: 'each', scope: 'user', subject: '*', period: 'daily', limit: '100' }, set.write);
    // --id of an existing budget replaces it
    const replaced = await setBudget({ url }, { id: 'each', scope: 'user', subject: '*', period: 'daily', limit: '200' }, set.write);
    expect(replaced.limitUsd).toBe(200);

    const res = await t.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: { batch: [generation({ userId: 'alice', team: 'core', costUsd: 11 })] } });
    expect(res.statusCode).toBe(200);

    const list = capture();
    await listBudgets({ url, format: 'table' }, list.write);
    const lines = list.text().split('\n');
    expect(lines[0]).toMatch(/^id\s+scope\s+subject\s+period\s+enforce\s+limit\s+spent\s+remaining\s+used\s+forecast\s+state$/);
    expect(list.text()).toMatch(new RegExp(`${team.id}\\s+team\\s+core\\s+monthly\\s+hard\\s+\\$10\\.0000\\s+\\$11\\.0000\\s+\\$0\\.0000\\s+110\\.00%.*EXCEEDED`));
    expect(list.text()).toMatch(/each\s+user\s+alice\s+daily\s+soft\s+\$200\.0000\s+\$11\.0000\s+\$189\.0000\s+5\.50%/);
    const json = capture();
    await listBudgets({ url, format: 'json' }, json.write);
    expect(JSON.parse(json.text()).budgets).toHaveLength(2);

    const check = capture();
    expect(await checkBudget({ url, format: 'table' }, { user: 'alice' }, check.write)).toBe(false);
    expect(check.text()).toContain(`BLOCKED: user alice, team core — team monthly budget ${team.id} is spent`);
    expect(check.text()).toContain("warning: team 'core': 110% of the monthly budget used ($11.00 of $10.00) — exceeded");
    expect(await checkBudget({ url, format: 'json' }, { user: 'bob' }, capture().write)).toBe(true);

    const tier = capture();
    await userTier({ url }, 'bob', 'pro', tier.write);
    await userTier({ url }, 'bob', undefined, tier.write);
    await userTier({ url }, 'bob', 'none', tier.write);
    expect(tier.text().trim().split('\n').map((l) => JSON.parse(l))).toEqual([
      { user: 'bob', tier: 'pro', previous: null },
      { user: 'bob', tier: 'pro', assigned: true },
      { user: 'bob', tier: null, previous: 'pro' },
    ]);

    const removed = capture();
    await removeBudget({ url }, team.id, removed.write);
    expect(removed.text()).toBe(`deleted ${team.id}\n`);
    await expect(removeBudget({ url }, team.id, removed.write)).rejects.toThrow(/404: no budget/);
  });

  it('reports bad input before and after the server', async () => {
    expect(() => budgetBody({ scope: 'project', period: 'daily', limit: 'ten' })).toThrow(CliError);
    expect(() => budgetBody({ scope: 'project', period: 'daily', limit: '1', warn: '50,x' })).toThrow(/--warn/);
    await expect(setBudget({ url }, { scope: 'team', period: 'daily', limit: '5' }, () => {})).rejects.toThrow('POST /api/v1/budgets failed with 400: subject: a team budget needs the team id as subject');
  });
});
