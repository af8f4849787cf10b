import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generation, makeTestApp, type TestApp } from '../../testing/app.ts';
import { projectId } from '../../store/store.ts';

// The alerts API end to end on the real app: data in through the ingest API, one evaluation,
// alerts, history, rules, silences and test evaluations out.

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
});
afterEach(async () => {
  await t.close();
});

const mine = {
  name: 'AnySpend',
  kind: 'threshold',
  query: { measure: 'cost_usd', groupBy: ['model'] },
  window: '1h',
  threshold: 0,
  severity: 'warning',
  category: 'cost',
  annotations: { summary: '{{ $labels.model }} spent ${{ $value }}' },
};

async function ingest(items: Record<string, unknown>[]) {
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: { batch: items } });
  expect(res.statusCode).toBe(200);
}

describe('alerts API', () => {
  it('creates rules, fires on ingested data, lists, silences, and keeps history', async () => {
    const bad = await t.app.inject({ method: 'POST', url: '/api/v1/alerts/rules', payload: { ...mine, window: '5 minutes', query: { measure: 'dollars' } } });
    expect(bad.statusCode).toBe(400);
    const err = bad.json().error;
    expect(err.message).toMatch(/window: '5 minutes' is not a duration/);
    expect(err.message).toMatch(/query\.measure: unknown measure "dollars"/);
    expect(err.details.errors.map((e: { path: string }) => e.path).sort()).toEqual(['query.measure', 'window']);

    const created = await t.app.inject({ method: 'POST', url: '/api/v1/alerts/rules', payload: mine });
    expect(created.statusCode).toBe(201);
    expect(created.json().rule.id).toBe('AnySpend');
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/alerts/rules', payload: mine })).statusCode).toBe(409);

    await ingest([generation({ model: 'gpt-4o' }), generation({ model: 'gpt-4o-mini' })]);
    await t.ctx.alerting.engine.evaluate();

    const list = (await t.app.inject({ method: 'GET', url: '/api/v1/alerts' })).json().alerts as { labels: Record<string, string>; state: string; annotations: Record<string, string>; silencedBy: string[] }[];
    const spend = list.filter((a) => a.labels.alertname === 'AnySpend');
    expect(spend.map((a) => a.labels.model).sort()).toEqual(['gpt-4o', 'gpt-4o-mini']);
    expect(spend.every((a) => a.state === 'firing')).toBe(true);
    expect(spend.find((a) => a.labels.model === 'gpt-4o')!.annotations.summary).toMatch(/^gpt-4o spent \$0\.00/);

    const tested = (await t.app.inject({ method: 'POST', url: '/api/v1/alerts/test-rule', payload: { ...mine, threshold: 1 } })).json();
    expect(tested.wouldFire).toBe(0);
    expect(tested.groups).toHaveLength(2);

    expect((await t.app.inject({ method: 'POST', url: '/api/v1/alerts/silences', payload: { matchers: ['model="gpt-4o"'] } })).statusCode).toBe(400);
    const silence = (await t.app.inject({ method: 'POST', url: '/api/v1/alerts/silences', payload: { matchers: ['model="gpt-4o"'], duration: '1h', comment: 'expected' } })).json().silence;
    const after = (await t.app.inject({ method: 'GET', url: '/api/v1/alerts' })).json().alerts as typeof list;
    expect(after.find((a) => a.labels.model === 'gpt-4o')!.silencedBy).toEqual([silence.id]);
    expect(after.find((a) => a.labels.model === 'gpt-4o-mini')!.silencedBy).toEqual([]);
    expect((await t.app.inject({ method: 'DELETE', url: `/api/v1/alerts/silences/${silence.id}` })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'DELETE', url: '/api/v1/alerts/silences/nope' })).statusCode).toBe(404);

    const history = (await t.app.inject({ method: 'GET', url: '/api/v1/alerts/history?rule=AnySpend' })).json().events as { to: string }[];
    expect(history.map((e) => e.to).sort()).toEqual(['firing', 'firing', 'pending', 'pending']);
    // `until` leaves out the changes at or after it.
    const times = (history as unknown as { atMs: number }[]).map((e) => e.atMs);
    const until = async (ms: number) => ((await t.app.inject({ method: 'GET', url: `/api/v1/alerts/history?rule=AnySpend&until=${ms}` })).json().events as unknown[]).length;
    expect(await until(Math.min(...times))).toBe(0);
    expect(await until(Math.max(...times) + 1)).toBe(4);

    expect((await t.app.inject({ method: 'GET', url: '/api/v1/alerts?state=burning' })).statusCode).toBe(400);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/alerts/history?limit=0' })).statusCode).toBe(400);
  });

  it('serves the default pack; pack rules can be disabled but not deleted', async () => {
    const rules = (await t.app.inject({ method: 'GET', url: '/api/v1/alerts/rules' })).json();
    expect(rules.loadErrors).toEqual([]);
    const ids = rules.rules.map((v: { rule: { id: string } }) => v.rule.id) as string[];
    expect(ids.length).toBeGreaterThan(20);
    const some = ids[0];
    expect((await t.app.inject({ method: 'DELETE', url: `/api/v1/alerts/rules/${some}` })).statusCode).toBe(409);
    const off = await t.app.inject({ method: 'PATCH', url: `/api/v1/alerts/rules/${some}`, payload: { enabled: false } });
    expect(off.statusCode).toBe(200);
    expect(off.json().enabled).toBe(false);
    expect((await t.app.inject({ method: 'PATCH', url: `/api/v1/alerts/rules/${some}`, payload: { enabled: 'no' } })).statusCode).toBe(400);
    expect((await t.app.inject({ method: 'PATCH', url: '/api/v1/alerts/rules/NoSuchRule', payload: { enabled: false } })).statusCode).toBe(404);
  });

  it('keeps projects apart and needs an admin key to change rules', async () => {
    await t.app.inject({ method: 'POST', url: '/api/v1/alerts/rules', payload: mine });
    await ingest([generation()]);
    await t.ctx.alerting.engine.evaluate();
    await t.ctx.store.createProject(projectId('other'), 'Other');
    const { key } = await t.ctx.store.createApiKey(projectId('other'), 'read', null);
    const auth = { authorization: `Bearer ${key}` };
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/alerts', headers: auth })).json().alerts).toEqual([]);
    const rules = (await t.app.inject({ method: 'GET', url: '/api/v1/alerts/rules', headers: auth })).json().rules as { rule: { id: string } }[];
    expect(rules.some((v) => v.rule.id === 'AnySpend')).toBe(false);
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/alerts/rules', payload: mine, headers: auth })).statusCode).toBe(403);
  });
});
