import type { FastifyInstance, RouteOptions } from 'fastify';
import { ROLES, type Role } from '../config/auth.ts';
import { DEFAULT_PROJECT, KEY_SCOPES, type KeyScope } from '../store/store.ts';

// E4: who may use a route, in one place. A route's `config.scope` is its rule; `allows` says
// whether a caller meets it, and both the request check (context.ts, run by the app's
// preValidation hook) and the route × role table (docs/auth-routes.md, written by
// `npm run openapi`) ask it, so the table cannot say something the server does not do.
//
// One ladder for keys and people: ingest < read < member < admin. A key carries a scope (ingest,
// read or admin: no key is a member); a person has a role in the project the request acts in,
// viewer = read. Apart from the ladder:
// - ingest: routes that take records (spans, scores, logs, gateway calls) and the few reads a
//   writer needs (the budget check, resolving a prompt). Every key may use them, an ingest key
//   only them. A person's viewer role only reads, so a person needs member to send records
//   there: posting scores and annotations is member work; their GET answers any role.
// - operator: the instance operator, who changes instance-wide settings and manages other
//   projects: an admin of the `default` project (a key or a person acting in it), or the keyless
//   operator of a loopback-bound server.

// What a caller may do in a project, on one ladder for keys and people: a key's scope, or a
// person's role (viewer = read). `ingest` only writes records; read < member < admin.
export type Grant = KeyScope | 'member';

export type RouteScope = Grant | 'operator';

export type Principal =
  | { kind: 'key'; scope: KeyScope; operator: boolean }
  | { kind: 'person'; role: Role; operator: boolean }
  // No key on a server that lets this machine omit it: the default project's operator.
  | { kind: 'local' };

const GRANT_RANK: Record<Grant, number> = { ingest: 0, read: 1, member: 2, admin: 3 };
const ROLE_GRANT: Record<Role, Grant> = { viewer: 'read', member: 'member', admin: 'admin' };
const READ_METHODS = new Set(['GET', 'HEAD']);

// The role a person's grant stands for.
export function roleOfGrant(grant: Grant): Role {
  return grant === 'admin' ? 'admin' : grant === 'member' ? 'member' : 'viewer';
}

// The caller of a request (its RequestAuth, context.ts).
export function principalOf(auth: { projectId: string; scope: Grant; actor: { kind: 'key' | 'user' | 'local' } }): Principal {
  const operator = auth.scope === 'admin' && auth.projectId === DEFAULT_PROJECT;
  switch (auth.actor.kind) {
    case 'local':
      return { kind: 'local' };
    case 'user':
      return { kind: 'person', role: roleOfGrant(auth.scope), operator };
    case 'key':
      return { kind: 'key', scope: auth.scope === 'member' ? 'read' : auth.scope, operator };
  }
}

function rank(p: Principal): number {
  if (p.kind === 'local') return GRANT_RANK.admin;
  return GRANT_RANK[p.kind === 'key' ? p.scope : ROLE_GRANT[p.role]];
}

// Whether `p` may use a route of `scope` with `method`. The whole rule.
export function allows(scope: RouteScope, method: string, p: Principal): boolean {
  if (p.kind === 'local') return true;
  if (scope === 'operator') return p.operator;
  if (scope === 'ingest') {
    if (p.kind === 'key' || READ_METHODS.has(method.toUpperCase())) return true;
    return rank(p) >= GRANT_RANK.member;
  }
  if (p.kind === 'key' && p.scope === 'ingest') return false;
  return rank(p) >= GRANT_RANK[scope];
}

// The key scopes and the roles that may use a route (outside the default project, which adds
// the operator).
export function allowedKeyScopes(scope: RouteScope, method: string): KeyScope[] {
  return KEY_SCOPES.filter((s) => allows(scope, method, { kind: 'key', scope: s, operator: false }));
}

export function allowedRoles(scope: RouteScope, method: string): Role[] {
  return ROLES.filter((role) => allows(scope, method, { kind: 'person', role, operator: false }));
}

function either(words: readonly string[]): string {
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}

const OPERATOR_NEEDS = `an admin of project '${DEFAULT_PROJECT}'`;

// Why `p`, acting in `projectId`, may not use the route; null when it may. Worded for the caller:
// a key is told its scope, a person their role.
export function refusalOf(scope: RouteScope, method: string, p: Principal, projectId: string): string | null {
  if (allows(scope, method, p)) return null;
  if (p.kind === 'local') return null;
  if (p.kind === 'key') {
    if (scope === 'operator') return `this changes the whole instance: use an admin key of the ${DEFAULT_PROJECT} project (this key has scope '${p.scope}' in project '${projectId}')`;
    // No key is a member: a route members may use needs an admin key.
    const needed = allowedKeyScopes(scope, method)[0] ?? 'admin';
    return `this API key has scope '${p.scope}'; '${needed}' is needed`;
  }
  if (scope === 'operator') {
    return `this changes the whole instance: only ${OPERATOR_NEEDS} may do it, acting in that project; your role in project '${projectId}' is ${p.role}`;
  }
  return `your role in project '${projectId}' is ${p.role}; this needs ${either(allowedRoles(scope, method))}`;
}

// The API reference's note on who may use a route.
export function scopeNote(scope: RouteScope, method: string): string {
  if (scope === 'operator') {
    return `Instance operator only: an admin key of the ${DEFAULT_PROJECT} project, a person with the admin role in it, or no key on a loopback-bound server.`;
  }
  const keys = allowedKeyScopes(scope, method);
  const roles = allowedRoles(scope, method);
  const keyText = keys.length === KEY_SCOPES.length ? `Any key of the project (${either(keys)})` : `Needs ${keys[0] === 'admin' ? 'an' : 'a'} ${either(keys)} key`;
  const roleText = roles.length === ROLES.length ? 'any role in the project' : `the ${either(roles)} role`;
  return `${keyText}, or a person with ${roleText}.`;
}

// --- the route × role table ------------------------------------------------------------------

// Routes anyone may call, without a key or a session: health, the API's description, the web UI's
// pages and files (`/*`: they hold no data; API paths it catches still need a key), and the
// sign-in steps. Every other route has a `config.scope` (the table test fails otherwise).
// /metrics is public unless metrics.requireKey, which admits only the operator.
export const PUBLIC_ROUTES: readonly string[] = [
  '/*',
  '/healthz',
  '/readyz',
  '/metrics',
  '/api/v1/openapi.json',
  '/api/public/health',
  '/auth/config',
  '/auth/login',
  '/auth/logout',
  '/auth/oidc/login',
  '/auth/oidc/callback',
];

export interface RouteRule {
  method: string;
  url: string;
  scope: RouteScope | undefined;
}

const rulesOfApp = new WeakMap<FastifyInstance, RouteRule[]>();

// Collects every route's rule as it is registered: call before the routes are.
export function trackRouteRules(app: FastifyInstance): void {
  const rules: RouteRule[] = [];
  rulesOfApp.set(app, rules);
  app.addHook('onRoute', (route: RouteOptions) => {
    const scope = (route.config as { scope?: RouteScope } | undefined)?.scope;
    for (const method of [route.method].flat()) {
      // Fastify answers HEAD with the GET route; its rule is the GET's.
      if (method === 'HEAD') continue;
      rules.push({ method, url: route.url, scope });
    }
  });
}

// Every route of the app with its rule, in path then method order.
export function routeRules(app: FastifyInstance): RouteRule[] {
  const rules = rulesOfApp.get(app) ?? [];
  const seen = new Set<string>();
  return rules
    .filter((r) => {
      const id = `${r.method} ${r.url}`;
      if (seen.has(id)) return false;
      seen.add(id);
      return true;
    })
    .sort((a, b) => (a.url === b.url ? a.method.localeCompare(b.method) : a.url < b.url ? -1 : 1));
}

// Routes with no rule that are not public: a route must say who may use it.
export function routesWithoutRule(app: FastifyInstance): string[] {
  return routeRules(app)
    .filter((r) => r.scope === undefined && !PUBLIC_ROUTES.includes(r.url))
    .map((r) => `${r.method} ${r.url}`);
}

// The table's columns: people with a role in a project other than `default`, the operator, and
// keys of a project other than `default`.
export const TABLE_PRINCIPALS: readonly { name: string; principal: Principal }[] = [
  { name: 'viewer', principal: { kind: 'person', role: 'viewer', operator: false } },
  { name: 'member', principal: { kind: 'person', role: 'member', operator: false } },
  { name: 'admin', principal: { kind: 'person', role: 'admin', operator: false } },
  { name: 'operator', principal: { kind: 'person', role: 'admin', operator: true } },
  { name: 'ingest key', principal: { kind: 'key', scope: 'ingest', operator: false } },
  { name: 'read key', principal: { kind: 'key', scope: 'read', operator: false } },
  { name: 'admin key', principal: { kind: 'key', scope: 'admin', operator: false } },
];

export function authRoutesMarkdown(rules: readonly RouteRule[]): string {
  const header = ['Method', 'Path', 'Rule', ...TABLE_PRINCIPALS.map((c) => c.name)];
  const rows = rules.map((r) => {
    const cells = r.scope === undefined ? TABLE_PRINCIPALS.map(() => 'public') : TABLE_PRINCIPALS.map((c) => (allows(r.scope!, r.method, c.principal) ? 'yes' : '—'));
    return [r.method, `\`${r.url}\``, r.scope ?? 'public', ...cells];
  });
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [
    '# Routes × roles',
    '',
    'Generated by `npm run openapi` (scripts/openapi.ts) from each route\'s `config.scope`, through the',
    'same function the server checks requests with (`packages/server/src/server/access.ts`); a test',
    'fails when this file is stale or a route has no rule. Roles and keys: [auth.md](auth.md#roles).',
    '',
    '- **viewer**, **member**, **admin**: a signed-in person with that role in the project the request',
    "  acts in (a project other than `default`).",
    "- **operator**: the instance operator — a person with the admin role in `default` acting in it, an",
    '  admin key of `default`, or a request without a key on a loopback-bound server.',
    '- **ingest key**, **read key**, **admin key**: an API key of a project other than `default`.',
    "- **public**: answered without a key or a session (`/*` is the web UI's pages and files). HEAD is",
    '  answered as GET.',
    '',
    line(header),
    line(header.map(() => '---')),
    ...rows.map(line),
    '',
  ].join('\n');
}
