import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuditRecorder, type AuditInput } from '../audit/recorder.ts';
import { AuditRetention } from '../audit/retention.ts';
import type { AuditActor, AuditEntry } from '../store/audit.ts';
import { DEFAULT_PROJECT, type ProjectId } from '../store/store.ts';
import { bearerKey } from './auth.ts';
import { clientAddressOf } from './client-address.ts';
import { refusedPersonOf } from './refused-person.ts';
import type { AppContext, RequestAuth } from './context.ts';

// E4: every state change goes into the audit log, recorded by one onSend hook (app.ts): a
// request that is not GET/HEAD/OPTIONS, on a route whose scope is not `ingest` (ingested records
// are data, not changes), ending 2xx, is recorded under the route's action; refused there with
// 401/403, it is recorded as `<action>.denied`. Handlers of settings add before/after with
// auditChange(); sign-in and sign-out are recorded with recordAudit(). onSend, not onResponse:
// the entry is queued before the client has the answer, so a client that reads the audit log
// right after its change finds it there.

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
// Ingest is data, whatever a route's config says: OTLP, the gateway, the Langfuse ingestion API,
// the budget check. Sign-in and sign-out record themselves (session.login, session.logout).
const NOT_CHANGES = [/^\/v1\//, /^\/proxy\//, /^\/api\/public\/(ingestion|otel|scores)/, /^\/api\/v1\/ingest$/, /^\/api\/v1\/budgets\/check$/, /^\/auth\//];
// POSTs to these last segments are actions on what precedes them (actions.revert, retention.run).
const VERBS = new Set(['run', 'revert', 'expire', 'rotate', 'backfill', 'test', 'try', 'restore', 'reset', 'purge', 'enable', 'disable', 'cancel', 'resume']);
const METHOD_VERBS: Record<string, string> = { POST: 'create', PUT: 'update', PATCH: 'update', DELETE: 'delete' };
// Refusals are merged per caller (or client address) and action per minute by the recorder
// (audit/recorder.ts): a flood of refused requests, with a key or without, cannot fill the log.

export interface AuditChange {
  // What was changed, when the route's id parameter does not say (or says it differently).
  target?: string | null;
  before?: unknown;
  after?: unknown;
  // The project changed, when not the caller's own (the operator managing another project).
  project?: ProjectId;
  // Other facts worth keeping (a count, a mode).
  details?: Record<string, unknown>;
}

const changes = new WeakMap<FastifyRequest, AuditChange>();
const recorders = new WeakMap<AppContext, AuditRecorder>();

// The node's recorder (one per context; closed by serve.ts).
export function auditRecorderOf(ctx: AppContext): AuditRecorder {
  let r = recorders.get(ctx);
  if (!r) recorders.set(ctx, (r = new AuditRecorder({ log: ctx.store.audit, logger: ctx.logger, registry: ctx.metrics.registry })));
  return r;
}

export function auditRetentionOf(ctx: AppContext): AuditRetention {
  return new AuditRetention({ log: ctx.store.audit, retentionDays: ctx.config.audit.retentionDays, logger: ctx.logger });
}

// A handler says what its change was: before and after for settings (secrets are redacted when
// the entry is made). Several calls merge.
export function auditChange(request: FastifyRequest, change: AuditChange): void {
  const prev = changes.get(request) ?? {};
  changes.set(request, { ...prev, ...change, details: prev.details || change.details ? { ...prev.details, ...change.details } : undefined });
}

// The action of a route: the path's fixed segments after /api/v1/, then what the method does
// (POST create, PUT/PATCH update, DELETE delete), or the verb a POST ends with.
export function actionOf(method: string, url: string): string {
  const segments = url
    .split('?')[0]
    .replace(/^\/api\/v1\//, '/')
    .split('/')
    .filter((s) => s !== '' && s !== '*');
  const fixed = segments.filter((s) => !s.startsWith(':')).map((s) => s.toLowerCase());
  const last = fixed.at(-1);
  if (method === 'POST' && last !== undefined && fixed.length > 1 && VERBS.has(last)) return fixed.join('.');
  return [...fixed, METHOD_VERBS[method] ?? method.toLowerCase()].join('.');
}

// What of a request's body an entry keeps: all of it for a route that says `auditBody: true`
// (settings), the fields named for one that lists them, nothing otherwise.
export function bodyToRecord(body: unknown, allowed: true | readonly string[] | undefined): unknown {
  if (allowed === undefined || body === undefined || body === null) return undefined;
  if (typeof body !== 'object' || Array.isArray(body)) return allowed === true ? body : undefined;
  const picked = allowed === true ? (body as Record<string, unknown>) : Object.fromEntries(allowed.filter((k) => Object.hasOwn(body, k)).map((k) => [k, (body as Record<string, unknown>)[k]]));
  return Object.keys(picked).length === 0 ? undefined : picked;
}

// The route's id parameter, or its only one, or all of them joined.
function targetOf(params: unknown): string | null {
  if (params === null || typeof params !== 'object') return null;
  const p = params as Record<string, unknown>;
  if (typeof p.id === 'string') return p.id;
  const values = Object.entries(p)
    .filter(([k, v]) => k !== '*' && typeof v === 'string')
    .map(([, v]) => v as string);
  return values.length ? values.join('/') : null;
}

export function actorOf(request: FastifyRequest): AuditActor {
  const auth = request.auth as RequestAuth | undefined;
  const a = auth?.actor;
  if (a?.kind === 'user') return { kind: 'user', id: a.userId, email: a.email };
  if (a?.kind === 'key') return { kind: 'key', id: a.keyId, email: null };
  if (a?.kind === 'local') return { kind: 'local', id: null, email: null };
  if (auth?.keyId) return { kind: 'key', id: auth.keyId, email: null };
  // A signed-in person refused before their request had an auth (a project they have no role in).
  const refused = refusedPersonOf(request);
  if (refused) return { kind: 'user', id: refused.userId, email: refused.email };
  // Not known: a key that was refused (or none), or a session that is not (any longer) valid.
  return { kind: bearerKey(request) === null && typeof request.headers.cookie === 'string' ? 'user' : 'key', id: null, email: null };
}

function userAgentOf(request: FastifyRequest): string | null {
  const ua = request.headers['user-agent'];
  return typeof ua === 'string' ? ua : null;
}

// What an entry says of the request it is about: who, from where, the project, method and path
// (without the query string). From where: the client address the sign-in limiter uses (behind
// server.trustProxy the nearest proxy's X-Forwarded-For entry, not the one the client wrote).
export function requestFacts(ctx: AppContext, request: FastifyRequest): Pick<AuditInput, 'actor' | 'projectId' | 'ip' | 'userAgent' | 'method' | 'path'> {
  const auth = request.auth as RequestAuth | undefined;
  return {
    actor: actorOf(request),
    projectId: auth?.projectId ?? DEFAULT_PROJECT,
    ip: clientAddressOf(ctx, request),
    userAgent: userAgentOf(request),
    method: request.method,
    path: request.url.split('?')[0],
  };
}

export interface RecordAuditInput extends Partial<AuditInput> {
  action: string;
  // The request the entry is about: who, from where, the project (fields given here win).
  request?: FastifyRequest;
}

// Records an entry that no route's response makes by itself: session.login, session.logout,
// session.login_failed, changes made by the system. Queued, never throws. An entry whose status is
// 400 or more is a refusal (a failed sign-in): merged with the same source's others of the minute.
export function recordAudit(ctx: AppContext, input: RecordAuditInput): AuditEntry | null {
  const { request, ...rest } = input;
  const facts = request ? requestFacts(ctx, request) : { actor: { kind: 'system' as const, id: null, email: null } };
  const given = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) as Partial<AuditInput>;
  const entry: AuditInput = { ...facts, ...given, action: input.action };
  const recorder = auditRecorderOf(ctx);
  return (entry.status ?? 200) >= 400 ? recorder.recordRefusal(entry) : recorder.record(entry);
}

export interface RoleChange {
  user: { id: string; email: string };
  // Memberships before (null: the account was made now) and after.
  before: ReadonlyArray<{ projectId: string; role: string }> | null;
  after: ReadonlyArray<{ projectId: string; role: string }>;
  // How the change came (e.g. 'oidc': the provider's claims at sign-in).
  via: string;
}

// A sign-in that makes an account (`users.create`) or changes its roles (`users.roles_changed`),
// recorded as a change by the system (the identity provider's claims) with the sign-in's address;
// nothing when the roles are the same. One entry per project whose role changed, filed under it.
export function recordRoleChange(ctx: AppContext, request: FastifyRequest | undefined, change: RoleChange): void {
  const roleIn = (list: RoleChange['after'] | null, p: string) => list?.find((m) => m.projectId === p)?.role ?? null;
  const projects = [...new Set([...(change.before ?? []), ...change.after].map((m) => m.projectId))].sort();
  const base = { request, actor: { kind: 'system' as const, id: null, email: null }, target: change.user.id, status: 200 };
  if (change.before === null) {
    for (const m of change.after) recordAudit(ctx, { ...base, action: 'users.create', projectId: m.projectId as ProjectId, details: { email: change.user.email, via: change.via, after: { role: m.role } } });
    return;
  }
  for (const p of projects) {
    const before = roleIn(change.before, p);
    const after = roleIn(change.after, p);
    if (before === after) continue;
    recordAudit(ctx, { ...base, action: 'users.roles_changed', projectId: p as ProjectId, details: { email: change.user.email, via: change.via, before: { role: before }, after: { role: after } } });
  }
}

// The keyed hash (an erasure's) of the end-user id in the route's parameter `param`, and the path
// with that segment replaced by it.
function endUserHashOf(ctx: AppContext, project: string, request: FastifyRequest, param: string | undefined): { hash: string; path: string } | null {
  if (param === undefined) return null;
  const id = (request.params as Record<string, unknown> | undefined)?.[param];
  const pattern = request.routeOptions.url ?? '';
  if (typeof id !== 'string' || id === '') return null;
  const hash = ctx.erasures.idHash(project, { kind: 'user', id });
  return { hash, path: pattern.replace(`:${param}`, hash) };
}

export function endUserHash(ctx: AppContext, project: string, id: string): string {
  return ctx.erasures.idHash(project, { kind: 'user', id });
}

// The onSend hook (app.ts); the payload goes on unchanged.
export function auditHook(ctx: AppContext): <T>(request: FastifyRequest, reply: FastifyReply, payload: T) => Promise<T> {
  return async (request, reply, payload) => {
    record(request, reply);
    return payload;
  };

  function record(request: FastifyRequest, reply: FastifyReply): void {
    try {
      if (SAFE_METHODS.has(request.method)) return;
      const url = request.routeOptions.url;
      const config = request.routeOptions.config;
      if (url === undefined || config.audit === false) return;
      if (config.scope === undefined || config.scope === 'ingest') return;
      if (NOT_CHANGES.some((p) => p.test(url))) return;
      const status = reply.statusCode;
      const allowed = status >= 200 && status < 300;
      const denied = status === 401 || status === 403;
      if (!allowed && !denied) return;
      const facts = requestFacts(ctx, request);
      const action = typeof config.audit === 'string' ? config.audit : actionOf(request.method, url);
      const change = changes.get(request);
      const details: Record<string, unknown> = { ...change?.details };
      if (allowed) {
        if (change?.before !== undefined) details.before = change.before;
        if (change?.after !== undefined) details.after = change.after;
        // What was asked, when the handler did not say what became of it: only what the route
        // lets through (config.auditBody), never by default, since a body may carry personal
        // data (an erasure's user id) or content (a prompt's text).
        const asked = change?.after === undefined ? bodyToRecord(request.body, config.auditBody) : undefined;
        if (asked !== undefined) details.request = asked;
      }
      const recorder = auditRecorderOf(ctx);
      const projectId = change?.project ?? facts.projectId;
      // An end-user id in the path: the keyed hash an erasure records instead, in target and path.
      const endUser = endUserHashOf(ctx, projectId ?? DEFAULT_PROJECT, request, config.auditEndUserParam);
      (allowed ? recorder.record.bind(recorder) : recorder.recordRefusal.bind(recorder))({
        ...facts,
        ...(endUser ? { path: endUser.path } : {}),
        projectId,
        action: allowed ? action : `${action}.denied`,
        target: endUser ? endUser.hash : change?.target !== undefined ? change.target : targetOf(request.params),
        status,
        details,
      });
    } catch (err) {
      request.log.error({ err, event: 'audit_record_failed' }, 'could not record the request in the audit log');
    }
  }
}
