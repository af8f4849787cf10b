import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generation, makeTestApp, type TestApp } from '../../testing/app.ts';
import { projectId } from '../../store/store.ts';
import { hashPassword } from '../../people/passwords.ts';

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
  query: { measure: 'cost', groupBy: ['model'] },
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

  it('takes the older measure spellings in a rule body and answers with the shared names', async () => {
    const old = { ...mine, name: 'OldSpend', query: { measure: 'cost_usd', groupBy: ['model'] } };
    const created = await t.app.inject({ method: 'POST', url: '/api/v1/alerts/rules', payload: old });
    expect(created.statusCode).toBe(201);
    expect(created.json().rule.query).toEqual({ measure: 'cost', filter: {}, groupBy: ['model'] });
    const ratio = { ...mine, name: 'CacheHits', kind: 'ratio', op: '<', threshold: 0.4, query: { numerator: 'tokens.cacheRead', denominator: 'prompt_tokens' } };
    const tested = await t.app.inject({ method: 'POST', url: '/api/v1/alerts/test-rule', payload: ratio });
    expect(tested.statusCode).toBe(200);
    expect(tested.json().rule.query).toMatchObject({ numerator: 'cache_read_tokens', denominator: 'prompt_tokens' });
    const listed = (await t.app.inject({ method: 'GET', url: '/api/v1/alerts/rules' })).json().rules as { rule: { id: string; query: { measure?: string } } }[];
    expect(listed.find((v) => v.rule.id === 'OldSpend')?.rule.query.measure).toBe('cost');
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

describe('alerts API bounds (issue 13)', () => {
  const dos = {
    name: 'TokenSpike',
    kind: 'anomaly',
    query: { measure: 'total_tokens' },
    window: '1s',
    baseline: { kind: 'preceding', lookback: '9999999d', factor: 2 },
    severity: 'warning',
    category: 'cost',
  };

  it('refuses what reaches past the rollups or takes too many baseline periods, naming the limit', async () => {
    await ingest([generation({ model: 'gpt-4o', team: 'core' })]);
    const started = performance.now();
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/alerts/test-rule', payload: dos });
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toContain('baseline.lookback: the window and look-back together reach at most 8d: hour rollups are kept for 8 days');
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/alerts/rules', payload: dos })).statusCode).toBe(400);

    const periods = await t.app.inject({ method: 'POST', url: '/api/v1/alerts/test-rule', payload: { ...dos, baseline: { kind: 'preceding', lookback: '1d', factor: 2 } } });
    expect(periods.statusCode).toBe(400);
    expect(periods.json().error.message).toMatch(/baseline\.lookback: a preceding baseline has at most 168 periods of the window \(lookback \/ window\); this one has 86400/);

    const byTeam = await t.app.inject({ method: 'POST', url: '/api/v1/alerts/test-rule', payload: { ...mine, window: '48h', query: { measure: 'cost', groupBy: ['team'] } } });
    expect(byTeam.statusCode).toBe(400);
    expect(byTeam.json().error.message).toMatch(/window: grouping or filtering by team, the window and look-back together reach at most 24h/);

    for (const [field, value, message] of [
      ['for', '31d', 'for: at most 30d'],
      ['cooldown', '400d', 'cooldown: at most 30d'],
      ['window', '9d', 'window: the window and look-back together reach at most 8d'],
      ['window', '123456789012345678d', "window: '123456789012345678d' is not a duration"],
    ] as const) {
      const r = await t.app.inject({ method: 'POST', url: '/api/v1/alerts/test-rule', payload: { ...mine, [field]: value } });
      expect(r.statusCode, `${field}=${value}`).toBe(400);
      expect(r.json().error.message).toContain(message);
    }

    // The largest preceding baseline allowed is evaluated.
    const largest = await t.app.inject({ method: 'POST', url: '/api/v1/alerts/test-rule', payload: { ...dos, window: '1h', baseline: { kind: 'preceding', lookback: '7d', factor: 2 } } });
    expect(largest.statusCode).toBe(200);
  });

  it('caps rules and silences per project with 409, and matchers per silence with 400', async () => {
    for (let i = 0; i < 200; i++) {
      const r = await t.app.inject({ method: 'POST', url: '/api/v1/alerts/rules', payload: { ...mine, name: `Rule${i}` } });
      expect(r.statusCode).toBe(201);
    }
    const over = await t.app.inject({ method: 'POST', url: '/api/v1/alerts/rules', payload: { ...mine, name: 'OneTooMany' } });
    expect(over.statusCode).toBe(409);
    expect(over.json().error.message).toMatch(/at most 200 rules made through the API/);
    // Replacing an existing rule is not a new one.
    expect((await t.app.inject({ method: 'PUT', url: '/api/v1/alerts/rules/Rule0', payload: { ...mine, name: 'Rule0', threshold: 5 } })).statusCode).toBe(200);

    for (let i = 0; i < 500; i++) {
      const r = await t.app.inject({ method: 'POST', url: '/api/v1/alerts/silences', payload: { matchers: [`model="m${i}"`], duration: '1h' } });
      expect(r.statusCode).toBe(201);
    }
    const tooMany = await t.app.inject({ method: 'POST', url: '/api/v1/alerts/silences', payload: { matchers: ['model="x"'], duration: '1h' } });
    expect(tooMany.statusCode).toBe(409);
    expect(tooMany.json().error.message).toMatch(/at most 500 silences/);

    const matchers = Array.from({ length: 21 }, (_, i) => `m${i}="x"`);
    const wide = await t.app.inject({ method: 'POST', url: '/api/v1/alerts/silences', payload: { matchers, duration: '1h' } });
    expect(wide.statusCode).toBe(400);
    expect(wide.json().error.message).toMatch(/at most 20 matchers/);
    const lookaround = await t.app.inject({ method: 'POST', url: '/api/v1/alerts/silences', payload: { matchers: ['model=~"(?!gpt).*"'], duration: '1h' } });
    expect(lookaround.statusCode).toBe(400);
    expect(lookaround.json().error.message).toMatch(/RE2 syntax/);
  }, 60_000);

  it('refuses a silence whose regular expression compiles to a huge program, fast and with a 400 naming the limit', async () => {
    // 991 characters; compiled, 130,000 instructions that take seconds to match one label value.
    const pattern = `${'(?:[^z]{0,999})'.repeat(66)}z`;
    const started = performance.now();
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/alerts/silences', payload: { matchers: [`model=~"${pattern}"`], duration: '1h' } });
    const elapsedMs = performance.now() - started;
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(/matchers\[0\]: .* a counted repetition allows at most 100/);
    expect(elapsedMs).toBeLessThan(100);
    const wide = await t.app.inject({ method: 'POST', url: '/api/v1/alerts/silences', payload: { matchers: [`model=~"${'(?:[^z]{0,100})'.repeat(20)}z"`], duration: '1h' } });
    expect(wide.statusCode).toBe(400);
    expect(wide.json().error.message).toMatch(/compiles to at most 500 instructions/);
  });

  it("bounds the regular expressions of a project's silences together, with a 409 naming the limit", async () => {
    // 485 instructions each: twenty fit in the project's 10,000.
    const heavy = `model=~"${'(?:[^z]{0,30})'.repeat(8)}z"`;
    for (let i = 0; i < 20; i++) {
      const r = await t.app.inject({ method: 'POST', url: '/api/v1/alerts/silences', payload: { matchers: [heavy, `alertname="R${i}"`], duration: '1h' } });
      expect(r.statusCode).toBe(201);
    }
    const over = await t.app.inject({ method: 'POST', url: '/api/v1/alerts/silences', payload: { matchers: [heavy], duration: '1h' } });
    expect(over.statusCode).toBe(409);
    expect(over.json().error.message).toMatch(/compile to at most 10000 instructions together \(they hold 9700, this silence adds 485\)/);
    // Equality matchers cost nothing to match and stay allowed.
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/alerts/silences', payload: { matchers: ['model="gpt-4o"'], duration: '1h' } })).statusCode).toBe(201);
  });
});

describe('tenant rules and notification routing (issue 13 #9)', () => {
  it("routes another project's alerts only through routes that match on project, whatever its rule and data say", async () => {
    // Two real receivers on loopback; the dispatcher posts to them as it would in production.
    const received = new Map<string, string[]>();
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { alerts: { labels: Record<string, string> }[] };
        for (const a of body.alerts) received.set(req.url!, [...(received.get(req.url!) ?? []), `${a.labels.project}/${a.labels.model}/${a.labels.tenant ?? ''}`]);
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      await t.close();
      t = await makeTestApp({
        alerts: {
          notifications: {
            allowedHosts: ['127.0.0.1'],
            receivers: [
              { name: 'ops', webhook: { url: `${base}/ops` } },
              { name: 'acme-pager', webhook: { url: `${base}/acme` } },
            ],
            route: {
              receiver: 'ops',
              groupWait: '0s',
              groupBy: ['...'],
              routes: [
                { receiver: 'acme-pager', matchers: ['tenant="acme"'] },
                { receiver: 'acme-pager', matchers: ['model="gpt-4o"'] },
                { receiver: 'acme-pager', matchers: { project: 'acme' } },
              ],
            },
          },
        },
      } as never);
      await t.ctx.store.createProject(projectId('other'), 'Other');
      const { key } = await t.ctx.store.createApiKey(projectId('other'), 'admin', null);
      const auth = { authorization: `Bearer ${key}` };

      // A label a route matches on, set by the rule, and a groupBy value (model) from the data;
      // `project` is overwritten with the rule's own.
      const steer = await t.app.inject({ method: 'POST', url: '/api/v1/alerts/rules', headers: auth, payload: { ...mine, labels: { tenant: 'acme', project: 'acme' } } });
      expect(steer.statusCode).toBe(201);
      await t.app.inject({ method: 'POST', url: '/api/v1/ingest', headers: auth, payload: { batch: [generation({ model: 'gpt-4o' })] } });
      // The operator's project, through the same tree, still routes on the data.
      expect((await t.app.inject({ method: 'POST', url: '/api/v1/alerts/rules', payload: mine })).statusCode).toBe(201);
      await ingest([generation({ model: 'gpt-4o' })]);
      await t.ctx.pipeline.drain();
      await t.ctx.alerting.engine.evaluate();
      const alerts = (await t.app.inject({ method: 'GET', url: '/api/v1/alerts', headers: auth })).json().alerts as { labels: Record<string, string> }[];
      expect(alerts.filter((a) => a.labels.alertname === 'AnySpend').map((a) => a.labels)).toEqual([expect.objectContaining({ project: 'other', tenant: 'acme', model: 'gpt-4o' })]);

      await t.ctx.alerting.dispatcher.stop(10_000);
      expect(received.get('/acme')).toEqual(['default/gpt-4o/']);
      expect(received.get('/ops')).toEqual(['other/gpt-4o/acme']);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('who a silence is by', () => {
  it('is the signed-in person, whatever the body says; a key by its id', async () => {
    await t.close();
    t = await makeTestApp({ requireApiKeys: 'always' });
    const password = 'correct horse battery';
    await t.ctx.store.people.createUser({ email: 'meg@example.com', name: null, source: 'local', passwordHash: await hashPassword(password), memberships: [{ projectId: projectId('default'), role: 'member' }] });
    const login = await t.app.inject({ method: 'POST', url: '/auth/login', payload: { email: 'meg@example.com', password } });
    expect(login.statusCode, login.body).toBe(200);
    const cookie = String([login.headers['set-cookie']].flat().filter((l) => String(l).startsWith('lookout_session=')).at(-1)).split(';')[0];
    const csrf = (await t.app.inject({ url: '/api/v1/me', headers: { cookie } })).json().csrfToken as string;
    const byPerson = await t.app.inject({ method: 'POST', url: '/api/v1/alerts/silences', headers: { cookie, 'x-csrf-token': csrf }, payload: { matchers: ['model="a"'], duration: '1h', createdBy: 'the-ceo@example.com' } });
    expect(byPerson.statusCode, byPerson.body).toBe(201);
    expect(byPerson.json().silence.createdBy).toBe('meg@example.com');
    const { key, info } = await t.ctx.store.createApiKey(projectId('default'), 'admin', null);
    const byKey = await t.app.inject({ method: 'POST', url: '/api/v1/alerts/silences', headers: { authorization: `Bearer ${key}` }, payload: { matchers: ['model="b"'], duration: '1h', createdBy: 'oncall-bot' } });
    expect(byKey.statusCode, byKey.body).toBe(201);
    expect(byKey.json().silence.createdBy).toBe(`oncall-bot (key ${info.id})`);
  });
});
