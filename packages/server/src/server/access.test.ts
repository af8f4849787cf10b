import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { AUTH_ROUTES_FILE, readIfExists } from '../../../../scripts/openapi.ts';
import type { Role } from '../config/auth.ts';
import { hashPassword } from '../people/passwords.ts';
import { projectId, type KeyScope } from '../store/store.ts';
import { makeTestApp, type TestApp } from '../testing/app.ts';
import { allows, authRoutesMarkdown, refusalOf, routeRules, routesWithoutRule, scopeNote, TABLE_PRINCIPALS, type Principal } from './access.ts';
import type { RouteModule } from './context.ts';

// E4: one authorization check for keys and people, and the route × role table it is written as.

const PASSWORD = 'correct horse battery staple';
// The gateway's upstreams: a port nothing listens on, so a call let through fails fast (502).
const NOWHERE = 'http://127.0.0.1:9';

const key = (scope: KeyScope, operator = false): Principal => ({ kind: 'key', scope, operator });
const person = (role: Role, operator = false): Principal => ({ kind: 'person', role, operator });

describe('allows: the rule every route is checked with', () => {
  it('puts keys and people on one ladder, with no key a member', () => {
    expect(allows('read', 'GET', person('viewer'))).toBe(true);
    expect(allows('member', 'POST', person('viewer'))).toBe(false);
    expect(allows('member', 'POST', person('member'))).toBe(true);
    expect(allows('admin', 'POST', person('member'))).toBe(false);
    expect(allows('admin', 'POST', person('admin'))).toBe(true);
    expect(allows('member', 'POST', key('read'))).toBe(false);
    expect(allows('member', 'POST', key('admin'))).toBe(true);
    expect(allows('read', 'GET', key('ingest'))).toBe(false);
  });

  it('lets every key send records, and a person only from member up; every role reads what an ingest route answers', () => {
    for (const scope of ['ingest', 'read', 'admin'] as const) expect(allows('ingest', 'POST', key(scope))).toBe(true);
    expect(allows('ingest', 'POST', person('viewer'))).toBe(false);
    expect(allows('ingest', 'POST', person('member'))).toBe(true);
    expect(allows('ingest', 'GET', person('viewer'))).toBe(true);
  });

  it('admits only the operator to operator routes: an admin of the default project, person or key, or the keyless operator', () => {
    expect(allows('operator', 'PUT', person('admin'))).toBe(false);
    expect(allows('operator', 'PUT', key('admin'))).toBe(false);
    expect(allows('operator', 'PUT', person('admin', true))).toBe(true);
    expect(allows('operator', 'PUT', key('admin', true))).toBe(true);
    expect(allows('operator', 'PUT', { kind: 'local' })).toBe(true);
  });

  it('words a refusal for the caller: a key by its scope, a person by their role', () => {
    expect(refusalOf('admin', 'POST', key('read'), 'acme')).toBe("this API key has scope 'read'; 'admin' is needed");
    // No key is a member: a route members may use needs an admin key.
    expect(refusalOf('member', 'POST', key('read'), 'acme')).toBe("this API key has scope 'read'; 'admin' is needed");
    expect(refusalOf('member', 'POST', person('viewer'), 'acme')).toBe("your role in project 'acme' is viewer; this needs member or admin");
    expect(refusalOf('admin', 'DELETE', person('member'), 'acme')).toBe("your role in project 'acme' is member; this needs admin");
    expect(refusalOf('operator', 'PUT', person('admin'), 'acme')).toContain("only an admin of project 'default'");
    expect(refusalOf('operator', 'PUT', key('admin'), 'acme')).toContain('use an admin key of the default project');
    expect(refusalOf('read', 'GET', person('viewer'), 'acme')).toBeNull();
  });

  it('says in the API reference who may use a route', () => {
    expect(scopeNote('read', 'GET')).toBe('Needs a read or admin key, or a person with any role in the project.');
    expect(scopeNote('member', 'POST')).toBe('Needs an admin key, or a person with the member or admin role.');
    expect(scopeNote('ingest', 'POST')).toBe('Any key of the project (ingest, read or admin), or a person with the member or admin role.');
  });
});

interface Caller {
  name: string;
  principal: Principal;
  project: string;
  headers: Record<string, string>;
}

// A person signed in through POST /auth/login: their session cookie, and the CSRF token
// GET /api/v1/me gives for it.
async function signIn(app: FastifyInstance, email: string): Promise<Record<string, string>> {
  const login = await app.inject({ method: 'POST', url: '/auth/login', payload: { email, password: PASSWORD } });
  expect(login.statusCode, login.body).toBe(200);
  const cookie = login.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
  const me = await app.inject({ url: '/api/v1/me', headers: { cookie } });
  expect(me.statusCode, me.body).toBe(200);
  return { cookie, 'x-csrf-token': me.json().csrfToken };
}

// What the check answers when it refuses, and what a session refused for itself answers: a 403
// with another message (a handler's own refusal, "cannot manage project 'x'") is not the check.
const CHECK_REFUSAL = /^(this API key has scope|your role in project|this changes the whole instance|a change made with a session|the CSRF token)/;

const fill = (url: string) => url.replace(/:[A-Za-z]+/g, 'x').replace(/\*/g, 'x');

describe('the route × role table', () => {
  let t: TestApp;
  const callers: Caller[] = [];
  // A second member of acme, to change budgets the first created.
  let otherMember: Record<string, string>;

  beforeAll(async () => {
    t = await makeTestApp({ requireApiKeys: 'always', gateway: { openaiBaseUrl: `${NOWHERE}/v1`, anthropicBaseUrl: NOWHERE } });
    const acme = projectId('acme');
    await t.ctx.store.createProject(acme, 'Acme');
    const passwordHash = await hashPassword(PASSWORD);
    const people: [string, Role, string, boolean][] = [
      ['viewer', 'viewer', 'acme', false],
      ['member', 'member', 'acme', false],
      ['admin', 'admin', 'acme', false],
      ['operator', 'admin', 'default', true],
    ];
    for (const [name, role, project, operator] of people) {
      const email = `${name}@example.com`;
      await t.ctx.store.people.createUser({ email, name, source: 'local', passwordHash, memberships: [{ projectId: projectId(project), role }] });
      callers.push({ name, principal: person(role, operator), project, headers: await signIn(t.app, email) });
    }
    for (const scope of ['ingest', 'read', 'admin'] as const) {
      const { key: k } = await t.ctx.store.createApiKey(acme, scope, null);
      callers.push({ name: `${scope} key`, principal: key(scope), project: 'acme', headers: { authorization: `Bearer ${k}` } });
    }
    await t.ctx.store.people.createUser({ email: 'member2@example.com', name: null, source: 'local', passwordHash, memberships: [{ projectId: acme, role: 'member' }] });
    otherMember = await signIn(t.app, 'member2@example.com');
    const { key: operatorKey } = await t.ctx.store.createApiKey(projectId('default'), 'admin', null);
    callers.push({ name: 'admin key of default', principal: key('admin', true), project: 'default', headers: { authorization: `Bearer ${operatorKey}` } });
  }, 120_000);

  afterAll(async () => {
    await t?.close();
  });

  it('has a rule for every route that is not public', () => {
    expect(routesWithoutRule(t.app)).toEqual([]);
  });

  it('finds a route added without a rule', async () => {
    const unruled: RouteModule = (app) => {
      app.get('/api/v1/unruled', { schema: { summary: 'a route without a rule', response: { 200: {} } } }, async () => ({}));
      app.post('/api/v1/ruled', { config: { scope: 'member' }, schema: { summary: 'a route with one', response: { 200: {} } } }, async () => ({}));
    };
    const other = await makeTestApp({ requireApiKeys: 'always' }, [unruled]);
    try {
      expect(routesWithoutRule(other.app)).toEqual(['GET /api/v1/unruled']);
      expect(authRoutesMarkdown(routeRules(other.app))).toContain('| POST | `/api/v1/ruled` | member | — | yes | yes | yes | — | — | yes |');
    } finally {
      await other.close();
    }
  }, 60_000);

  it('is written to docs/auth-routes.md as the routes say (npm run openapi)', async () => {
    const table = authRoutesMarkdown(routeRules(t.app));
    expect(table).toContain('| GET | `/api/v1/spans` | read | yes | yes | yes | yes | — | yes | yes |');
    expect(await readIfExists(AUTH_ROUTES_FILE), 'docs/auth-routes.md is stale: run npm run openapi').toBe(table);
  });

  it('refuses (403) every caller exactly where the table says, on every route', async () => {
    expect(TABLE_PRINCIPALS.map((c) => c.name)).toEqual(callers.slice(0, 7).map((c) => c.name));
    const wrong: string[] = [];
    let checked = 0;
    for (const rule of routeRules(t.app)) {
      const url = fill(rule.url);
      const withBody = !['GET', 'HEAD', 'DELETE', 'OPTIONS', 'TRACE'].includes(rule.method);
      if (rule.scope === undefined) {
        // Public: answered without a key or a session (whatever it answers to an empty request).
        const res = await t.app.inject({ method: rule.method as 'GET', url, ...(withBody ? { headers: { 'content-type': 'application/json' }, payload: '{}' } : {}) });
        if (res.statusCode === 401 || res.statusCode === 403) wrong.push(`${rule.method} ${rule.url} is public in the table, answered ${res.statusCode} without credentials`);
        continue;
      }
      const scope = rule.scope;
      // The callers of one route at once.
      await Promise.all(
        callers.map(async (caller) => {
          // On the gateway, Authorization carries the provider's key and Lookout's comes in x-lookout-key.
          const { authorization, ...others } = caller.headers;
          const credentials = authorization !== undefined && url.startsWith('/proxy/') ? { ...others, 'x-lookout-key': authorization.slice('Bearer '.length) } : caller.headers;
          const res = await t.app.inject({
            method: rule.method as 'GET',
            url,
            headers: { ...credentials, ...(withBody ? { 'content-type': 'application/json' } : {}) },
            // The MCP transport needs a real socket: a batch is refused before it is reached.
            ...(withBody ? { payload: rule.url === '/mcp' ? '[]' : '{}' } : {}),
          });
          checked++;
          // The gateway answers in the provider's format, its message prefixed "Lookout gateway: ";
          // OTLP/HTTP with a google.rpc.Status.
          const body = res.statusCode === 403 || res.statusCode === 401 ? res.json() : null;
          const message: string = body === null ? '' : String(body.error?.message ?? body.message ?? res.body).replace(/^Lookout gateway: /, '');
          const refusedByCheck = res.statusCode === 401 || (res.statusCode === 403 && CHECK_REFUSAL.test(message));
          const expected = allows(scope, rule.method, caller.principal);
          const where = `${rule.method} ${rule.url} as ${caller.name}`;
          if (expected && refusedByCheck) wrong.push(`${where}: allowed by the table, refused ${res.statusCode} (${message})`);
          if (!expected) {
            const why = refusalOf(scope, rule.method, caller.principal, caller.project);
            if (res.statusCode !== 403 || message !== why) wrong.push(`${where}: refused by the table ("${why}"), answered ${res.statusCode} ${message || res.body.slice(0, 200)}`);
          }
          // A handler that checks another rule than its route's fails loudly (context.ts).
          if (res.statusCode === 500) wrong.push(`${where}: answered 500 ${res.body.slice(0, 300)}`);
        }),
      );
    }
    expect(wrong).toEqual([]);
    expect(checked).toBeGreaterThan(500);
  }, 120_000);

  // The roles as the product defines them (docs/auth.md#roles), written out here rather than read
  // from the routes: loosening a route's rule fails this even after `npm run openapi`.
  const WHO: Record<'read' | 'member' | 'admin' | 'operator' | 'ingest', string[]> = {
    read: ['viewer', 'member', 'admin', 'operator', 'read key', 'admin key', 'admin key of default'],
    member: ['member', 'admin', 'operator', 'admin key', 'admin key of default'],
    admin: ['admin', 'operator', 'admin key', 'admin key of default'],
    operator: ['operator', 'admin key of default'],
    // Sending records: any key, a person from member up.
    ingest: ['member', 'admin', 'operator', 'ingest key', 'read key', 'admin key', 'admin key of default'],
  };
  const EXPECTED: [string, string, keyof typeof WHO][] = [
    ['POST', '/api/v1/keys', 'admin'],
    ['DELETE', '/api/v1/keys/:keyId', 'admin'],
    ['POST', '/api/v1/alerts/rules', 'admin'],
    ['PUT', '/api/v1/alerts/rules/:id', 'admin'],
    ['DELETE', '/api/v1/alerts/rules/:id', 'admin'],
    ['POST', '/api/v1/budgets', 'member'],
    ['PUT', '/api/v1/budgets/:id', 'member'],
    ['DELETE', '/api/v1/budgets/:id', 'member'],
    ['PUT', '/api/v1/budgets/tiers', 'admin'],
    ['POST', '/api/v1/alerts/silences', 'member'],
    ['DELETE', '/api/v1/alerts/silences/:id', 'member'],
    ['POST', '/api/v1/pricing/overrides', 'operator'],
    ['DELETE', '/api/v1/pricing/overrides/:id', 'operator'],
    ['POST', '/api/v1/pricing/backfill', 'operator'],
    ['POST', '/api/v1/admin/backup', 'operator'],
    ['PUT', '/api/v1/privacy', 'admin'],
    ['DELETE', '/api/v1/privacy', 'admin'],
    ['PATCH', '/api/v1/project', 'admin'],
    ['PUT', '/api/v1/project/retention', 'admin'],
    ['POST', '/api/v1/erasure', 'admin'],
    ['GET', '/api/v1/erasure', 'admin'],
    ['POST', '/api/v1/evaluators', 'admin'],
    ['POST', '/api/v1/chargeback/costs', 'admin'],
    ['GET', '/api/v1/users', 'admin'],
    ['POST', '/api/v1/users', 'admin'],
    ['PATCH', '/api/v1/users/:id', 'admin'],
    ['DELETE', '/api/v1/users/:id', 'admin'],
    ['GET', '/api/v1/audit', 'admin'],
    ['GET', '/api/v1/audit/export', 'admin'],
    ['GET', '/api/v1/spans', 'read'],
    ['GET', '/api/v1/spans/:spanId', 'read'],
    ['GET', '/api/v1/budgets', 'read'],
    ['POST', '/api/v1/prompts', 'member'],
    ['POST', '/api/public/scores', 'ingest'],
  ];

  it("follows the issue's role definitions on representative routes, whatever the routes' own rules say", async () => {
    const routes = new Set(routeRules(t.app).map((r) => `${r.method} ${r.url}`));
    const wrong: string[] = [];
    for (const [method, path, rule] of EXPECTED) {
      if (!routes.has(`${method} ${path}`)) {
        wrong.push(`${method} ${path}: no such route`);
        continue;
      }
      const withBody = !['GET', 'DELETE'].includes(method);
      for (const caller of callers) {
        const res = await t.app.inject({ method: method as 'GET', url: fill(path), headers: { ...caller.headers, ...(withBody ? { 'content-type': 'application/json' } : {}) }, ...(withBody ? { payload: '{}' } : {}) });
        const message = res.statusCode === 403 || res.statusCode === 401 ? String(res.json().error?.message ?? '') : '';
        const refused = res.statusCode === 401 || (res.statusCode === 403 && CHECK_REFUSAL.test(message));
        const allowed = WHO[rule].includes(caller.name);
        if (allowed === refused) wrong.push(`${method} ${path} as ${caller.name}: should be ${allowed ? 'allowed' : 'refused'} (${rule}), answered ${res.statusCode} ${message}`);
      }
    }
    expect(wrong).toEqual([]);
  }, 120_000);

  it('keeps every change to settings an admin\'s, instance-wide ones the operator\'s, and no change below member but sending records', () => {
    const ADMIN_PREFIXES = /^\/api\/v1\/(keys|alerts\/rules|privacy|erasure|users|evaluators|project|projects|chargeback|budgets\/tiers|actions|audit)(\/|$)/;
    const OPERATOR_PREFIXES = /^\/api\/v1\/(pricing|admin)(\/|$)/;
    const SENDS_RECORDS = /^(\/v1\/|\/proxy\/|\/api\/public\/(ingestion|otel|scores)|\/api\/v1\/ingest$)/;
    const rank = { ingest: 0, read: 1, member: 2, admin: 3, operator: 4 } as const;
    const wrong: string[] = [];
    for (const r of routeRules(t.app)) {
      if (['GET', 'HEAD', 'OPTIONS'].includes(r.method) || r.scope === undefined) continue;
      // Dry runs that change nothing (testing a rule, the privacy filter on a text).
      if (/\/(test-rule|privacy\/test)$/.test(r.url)) continue;
      const at = rank[r.scope];
      const where = `${r.method} ${r.url} (${r.scope})`;
      if (OPERATOR_PREFIXES.test(r.url) && r.scope !== 'operator') wrong.push(`${where}: instance-wide, needs operator`);
      else if (ADMIN_PREFIXES.test(r.url) && at < rank.admin) wrong.push(`${where}: a setting, needs admin`);
      else if (at < rank.member && !SENDS_RECORDS.test(r.url) && r.url !== '/mcp') wrong.push(`${where}: a change below member`);
    }
    expect(wrong).toEqual([]);
  });

  it("tells the UI the caller's grant in the project: a person's role on the keys' ladder", async () => {
    const grants: Record<string, string> = {};
    for (const c of callers) grants[c.name] = (await t.app.inject({ url: '/api/v1/project', headers: c.headers })).json().scope;
    expect(grants).toEqual({ viewer: 'read', member: 'member', admin: 'admin', operator: 'admin', 'ingest key': undefined, 'read key': 'read', 'admin key': 'admin', 'admin key of default': 'admin' });
  });

  describe('budgets: a member changes only the budgets they created', () => {
    const as = (name: string) => callers.find((c) => c.name === name)!.headers;
    const budget = (id: string, limitUsd = 10) => ({ id, scope: 'team', subject: 'checkout', period: 'daily', limitUsd });
    const create = (headers: Record<string, string>, id: string) => t.app.inject({ method: 'POST', url: '/api/v1/budgets', headers, payload: budget(id) });
    const replace = (headers: Record<string, string>, id: string, limitUsd: number) => t.app.inject({ method: 'PUT', url: `/api/v1/budgets/${id}`, headers, payload: budget(id, limitUsd) });
    const remove = (headers: Record<string, string>, id: string) => t.app.inject({ method: 'DELETE', url: `/api/v1/budgets/${id}`, headers });

    it('records who created a budget: the user id of a person, the id of a key', async () => {
      const made = await create(as('member'), 'by-member');
      expect(made.statusCode, made.body).toBe(201);
      const me = (await t.app.inject({ url: '/api/v1/me', headers: as('member') })).json();
      expect(made.json().budget.createdBy).toBe(me.user.id);
      // Set by a member: budget alert rules (and their actions) do not see it.
      expect(made.json().budget.setByMember).toBe(true);
      expect(t.ctx.budgets.statuses(projectId('acme')).find((s) => s.budget.id === 'by-member')?.budget.setByMember).toBe(true);
      const byKey = await create(as('admin key'), 'by-key');
      expect(byKey.statusCode, byKey.body).toBe(201);
      expect(byKey.json().budget.setByMember).toBeUndefined();
      const keyId = (await t.ctx.store.listApiKeys(projectId('acme'))).find((k) => k.scope === 'admin')!.id;
      expect(byKey.json().budget.createdBy).toBe(keyId);
      // Replacing a budget keeps who created it.
      const replaced = await replace(as('admin'), 'by-member', 20);
      expect(replaced.json().budget).toMatchObject({ limitUsd: 20, createdBy: me.user.id });
      // An admin who sets it makes it theirs to act on.
      expect(replaced.json().budget.setByMember).toBeUndefined();
    });

    it('lets a member change and delete their own budget, and refuses another member, naming why', async () => {
      expect((await create(as('member'), 'mine')).statusCode).toBe(201);
      const theirs = await replace(otherMember, 'mine', 99);
      expect(theirs.statusCode).toBe(403);
      expect(theirs.json().error.message).toBe(
        "budget 'mine' was not created by you: your role in project 'acme' is member, which may change or delete only the budgets you created; an admin of the project may",
      );
      expect((await remove(otherMember, 'mine')).statusCode).toBe(403);
      expect((await t.app.inject({ url: '/api/v1/budgets/mine', headers: as('viewer') })).json().budget.limitUsd).toBe(10);
      const own = await replace(as('member'), 'mine', 15);
      expect(own.statusCode, own.body).toBe(200);
      expect(own.json().budget.limitUsd).toBe(15);
      expect((await remove(as('member'), 'mine')).statusCode).toBe(200);
      expect((await t.app.inject({ url: '/api/v1/budgets/mine', headers: as('viewer') })).statusCode).toBe(404);
    });

    it('lets a member set only budgets that warn, of the project, a team or a department; enforcement and user budgets need an admin', async () => {
      const post = (headers: Record<string, string>, payload: Record<string, unknown>) => t.app.inject({ method: 'POST', url: '/api/v1/budgets', headers, payload });
      const base = { period: 'daily', limitUsd: 0.01 };
      const hard = await post(as('member'), { ...base, id: 'stop-all', scope: 'project', enforce: 'hard' });
      expect(hard.statusCode).toBe(403);
      expect(hard.json().error.message).toMatch(/^enforce: budget 'stop-all' is hard .*your role in project 'acme' is member, which may create only budgets that warn/);
      const eachUser = await post(as('member'), { ...base, scope: 'user', subject: '*' });
      expect(eachUser.statusCode).toBe(403);
      expect(eachUser.json().error.message).toMatch(/^scope: this budget is a user budget/);
      expect((await post(as('member'), { ...base, scope: 'user', subject: 'bob' })).statusCode).toBe(403);
      for (const [id, scope, subject] of [['soft-project', 'project', undefined], ['soft-team', 'team', 'core'], ['soft-dept', 'department', 'eng']] as const) {
        const made = await post(as('member'), { ...base, id, scope, ...(subject ? { subject } : {}) });
        expect(made.statusCode, made.body).toBe(201);
        expect(made.json().budget.enforce).toBe('soft');
      }
      // Their own budget made hard: refused, and left as it was.
      const harden = await t.app.inject({ method: 'PUT', url: '/api/v1/budgets/soft-team', headers: as('member'), payload: { ...base, scope: 'team', subject: 'core', enforce: 'hard' } });
      expect(harden.statusCode).toBe(403);
      expect((await t.app.inject({ url: '/api/v1/budgets/soft-team', headers: as('viewer') })).json().budget.enforce).toBe('soft');
      // Nothing was made by the refused requests; an admin may.
      expect((await t.app.inject({ url: '/api/v1/budgets', headers: as('viewer') })).json().budgets.map((b: { id: string }) => b.id)).not.toContain('stop-all');
      expect((await post(as('admin'), { ...base, id: 'stop-all', scope: 'project', enforce: 'hard' })).statusCode).toBe(201);
      expect((await post(as('admin'), { ...base, scope: 'user', subject: '*' })).statusCode).toBe(201);
      // A hard budget a member made while an admin (createdBy theirs) is no longer theirs to lift.
      const me = (await t.app.inject({ url: '/api/v1/me', headers: as('member') })).json();
      await t.ctx.budgets.upsert(projectId('acme'), { id: 'was-admin', scope: 'team', subject: 'x', period: 'daily', limitUsd: 1, enforce: 'hard' }, undefined, { id: me.user.id });
      const lift = await t.app.inject({ method: 'DELETE', url: '/api/v1/budgets/was-admin', headers: as('member') });
      expect(lift.statusCode).toBe(403);
      expect(lift.json().error.message).toMatch(/^enforce: budget 'was-admin' is hard/);
      for (const id of ['soft-project', 'soft-team', 'soft-dept']) expect((await t.app.inject({ method: 'DELETE', url: `/api/v1/budgets/${id}`, headers: as('member') })).statusCode).toBe(200);
    });

    it("refuses a member the budgets of keys, of the keyless operator and from before creators were recorded; admins change any", async () => {
      expect((await create(as('admin key'), 'keys')).statusCode).toBe(201);
      // Made without an author (as the keyless operator or an older version): createdBy null.
      const { budget: old } = await t.ctx.budgets.upsert(projectId('acme'), budget('old'));
      expect(old.createdBy).toBeNull();
      for (const id of ['keys', 'old']) {
        expect((await replace(as('member'), id, 5)).statusCode).toBe(403);
        expect((await remove(as('member'), id)).statusCode).toBe(403);
      }
      expect((await create(as('member'), 'members')).statusCode).toBe(201);
      expect((await replace(as('admin'), 'members', 7)).statusCode).toBe(200);
      expect((await remove(as('admin'), 'old')).statusCode).toBe(200);
      expect((await remove(as('admin key'), 'members')).statusCode).toBe(200);
      expect((await remove(as('admin'), 'keys')).statusCode).toBe(200);
      // A viewer creates none.
      expect((await create(as('viewer'), 'viewers')).json().error.message).toBe("your role in project 'acme' is viewer; this needs member or admin");
    });
  });
});
