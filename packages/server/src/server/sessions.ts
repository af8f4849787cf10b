import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import fastifySession, { type FastifySessionOptions } from '@fastify/session';
import fastifyCsrf from '@fastify/csrf-protection';
import { tryParseDuration } from '../domain/time.ts';
import { DEFAULT_PROJECT, type Membership, type ProjectId, type UserWithSecret } from '../store/store.ts';
import { hashSessionId, PeopleSessionStore, type SessionLimits } from '../people/session-store.ts';
import { LoginLimiter } from '../people/login-limiter.ts';
import type { Role } from '../config/auth.ts';
import type { AppContext, Grant, RequestAuth } from './context.ts';
import { LookoutError } from '../errors.ts';
import { bearerKey } from './auth.ts';
import { noteRefusedPerson } from './refused-person.ts';

// E4: people signed in to the UI (docs/auth.md). A session lives in the control-plane store
// (people/session-store.ts), its id in an HttpOnly, SameSite=Lax cookie signed with the session
// secret. It ends `auth.sessions.ttl` after sign-in however active, or after `idleTimeout` without
// a request, or when its user is disabled or deleted; its id changes at every sign-in. A request
// it authenticates acts in the project of header x-lookout-project (else `default`, else the
// person's first project) with the grant of the person's role there; if it changes anything it
// must carry the session's CSRF token in x-csrf-token (GET /api/v1/me gives it).

declare module 'fastify' {
  interface Session {
    userId?: string;
    method?: 'password' | 'oidc';
    // Milliseconds since the epoch.
    signedInAt?: number;
    lastSeenAt?: number;
    // For RP-initiated logout at the OpenID provider.
    idToken?: string;
    // The OpenID Connect sign-in under way (state, nonce, PKCE verifier, where to go after).
    oidc?: { state: string; nonce: string; codeVerifier: string; returnTo: string };
    _csrf?: string;
  }
}

export const PROJECT_HEADER = 'x-lookout-project';
export const CSRF_HEADER = 'x-csrf-token';
const PROJECT_HEADER_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
// How often a session's last use is written back: at most every minute, or a tenth of the idle timeout.
const MAX_TOUCH_INTERVAL_MS = 60_000;
// Expired sessions are deleted from the store this often.
const PURGE_INTERVAL_MS = 10 * 60_000;

const ROLE_GRANT: Record<Role, Grant> = { viewer: 'read', member: 'member', admin: 'admin' };

export interface Sessions {
  store: PeopleSessionStore;
  limiter: LoginLimiter;
  limits: SessionLimits;
}

const perContext = new WeakMap<AppContext, Sessions>();

export function sessionLimits(ctx: AppContext): SessionLimits {
  const { ttl, idleTimeout } = ctx.config.auth.sessions;
  return { ttlMs: tryParseDuration(ttl)!, idleMs: tryParseDuration(idleTimeout)! };
}

// The node's session store and sign-in limiter (one per context).
export function sessionsOf(ctx: AppContext): Sessions {
  let s = perContext.get(ctx);
  if (!s) {
    const limits = sessionLimits(ctx);
    s = { store: new PeopleSessionStore(ctx.store.people, limits), limiter: new LoginLimiter(ctx.config.auth.local.maxAttemptsPerMinute), limits };
    perContext.set(ctx, s);
  }
  return s;
}

// Whether the session cookie gets the Secure attribute: auth.sessions.secure, or with 'auto' when
// the public URL is https or the request came over TLS.
export function secureCookieFor(ctx: AppContext, request: FastifyRequest): boolean {
  const { secure } = ctx.config.auth.sessions;
  if (secure !== 'auto') return secure;
  return ctx.config.auth.publicUrl?.startsWith('https:') === true || request.protocol === 'https';
}

export async function registerSessions(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const { cookieName } = ctx.config.auth.sessions;
  const sessions = sessionsOf(ctx);
  await app.register(fastifyCookie);
  // A request target in absolute form (`POST http://host/auth/login HTTP/1.1`, which HTTP/1.1
  // servers must take) is seen by the session plugin as its path: otherwise it would give such a
  // request no session (no sign-in, no sign-out, no CSRF check).
  app.addHook('onRequest', (request, _reply, done) => {
    const raw = request.raw.url;
    if (raw !== undefined && !raw.startsWith('/') && /^https?:\/\//i.test(raw)) {
      try {
        const u = new URL(raw);
        request.raw.url = `${u.pathname}${u.search}`;
      } catch {
        // Left as it is: the session plugin gives it no session, and sign-in answers 400.
      }
    }
    done();
  });
  await app.register(fastifySession, {
    secret: ctx.sessionSecret,
    cookieName,
    // The adapter takes and gives the session's JSON fields (people/session-store.ts).
    store: sessions.store as unknown as FastifySessionOptions['store'],
    // Nothing is stored for a request that signs no one in, and a session is written back only
    // when it changed (its last use is refreshed now and then: authenticatePerson).
    saveUninitialized: false,
    rolling: false,
    // The plugin would not store a session on a request it sees as plain HTTP when the cookie is
    // Secure (behind a TLS-terminating proxy without trustProxy): Secure is added on send instead.
    cookie: { path: '/', httpOnly: true, sameSite: 'lax', secure: false },
  });
  await app.register(fastifyCsrf, { sessionPlugin: '@fastify/session', getToken: (request) => headerValue(request.headers[CSRF_HEADER]) });
  app.addHook('onSend', async (request, reply) => {
    if (!secureCookieFor(ctx, request)) return;
    const header = reply.getHeader('set-cookie');
    if (header === undefined) return;
    const secure = (c: string) => (c.startsWith(`${cookieName}=`) && !/;\s*secure(;|$)/i.test(c) ? `${c}; Secure` : c);
    reply.header('set-cookie', Array.isArray(header) ? header.map((c) => secure(String(c))) : secure(String(header)));
  });
  const purge = setInterval(() => {
    ctx.store.people.purgeExpiredSessions(Date.now()).catch((err) => ctx.logger.warn({ err }, 'could not delete expired sessions'));
  }, PURGE_INTERVAL_MS);
  purge.unref();
  app.addHook('onClose', async () => clearInterval(purge));
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

// Whether the request came with a session cookie at all.
export function hasSessionCookie(ctx: AppContext, request: FastifyRequest): boolean {
  const cookies = (request as { cookies?: Record<string, string | undefined> }).cookies;
  return typeof cookies?.[ctx.config.auth.sessions.cookieName] === 'string';
}

// Ends the request's session: deleted from the store, the cookie cleared.
export async function endSession(ctx: AppContext, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  // Without a cookie there is nothing stored to end.
  if (!hasSessionCookie(ctx, request)) return;
  if (request.session && typeof request.session.destroy === 'function') await request.session.destroy();
  reply.clearCookie(ctx.config.auth.sessions.cookieName, { path: '/' });
}

// A request without a key refused (401) while it carried a session cookie: its session has ended.
export function sessionEndedError(ctx: AppContext, request: FastifyRequest, err: unknown): unknown {
  if (!(err instanceof LookoutError) || err.code !== 'unauthorized' || !hasSessionCookie(ctx, request)) return err;
  return new LookoutError('unauthorized', 'the session has ended (signed out, expired, or the account disabled): sign in again, or send an API key');
}

export interface SignedInPerson {
  user: UserWithSecret;
  // A hash of the session id (never the id itself): names the session in the audit log.
  sessionRef: string;
}

// The person the request's session signs in, or null: no session, or one that has ended (too old,
// idle too long, its user disabled or deleted, or signed in before the user's sessionsValidFrom;
// then it is deleted and its cookie cleared).
export async function signedInPerson(ctx: AppContext, request: FastifyRequest, reply: FastifyReply): Promise<SignedInPerson | null> {
  const session = request.session as FastifyRequest['session'] | null | undefined;
  if (!session || typeof session.userId !== 'string' || typeof session.signedInAt !== 'number') return null;
  const { store, limits } = sessionsOf(ctx);
  const now = Date.now();
  const lastSeen = typeof session.lastSeenAt === 'number' ? session.lastSeenAt : session.signedInAt;
  if (session.signedInAt + limits.ttlMs <= now || lastSeen + limits.idleMs <= now) {
    await endSession(ctx, request, reply);
    return null;
  }
  const user = await store.user(session.userId);
  // Signed in before the person's sessions were ended (password changed, disabled, signed out
  // everywhere, a role removed).
  const endedBefore = user?.sessionsValidFrom != null && session.signedInAt < user.sessionsValidFrom;
  if (!user || user.disabledAt !== null || endedBefore) {
    await endSession(ctx, request, reply);
    return null;
  }
  // Written back with the response (the session changed).
  if (now - lastSeen >= Math.min(MAX_TOUCH_INTERVAL_MS, limits.idleMs / 10)) session.lastSeenAt = now;
  return { user, sessionRef: hashSessionId(session.sessionId).slice(0, 16) };
}

// The project a person's request acts in: header x-lookout-project, else `default` when they have
// a role there, else their first project. Throws 403 for a project they have no role in.
export function membershipFor(user: { memberships: Membership[] }, requested: string | undefined): Membership {
  if (requested !== undefined) {
    if (!PROJECT_HEADER_PATTERN.test(requested)) throw new LookoutError('invalid_request', `${PROJECT_HEADER}: must be a project id such as 'default'`);
    const m = user.memberships.find((x) => x.projectId === requested);
    if (!m) throw new LookoutError('forbidden', `you have no role in project '${requested}'; ask an admin of the project to add you`);
    return m;
  }
  const sorted = [...user.memberships].sort((a, b) => (a.projectId < b.projectId ? -1 : a.projectId > b.projectId ? 1 : 0));
  const m = sorted.find((x) => x.projectId === DEFAULT_PROJECT) ?? sorted[0];
  if (!m) throw new LookoutError('forbidden', 'you have no role in any project; ask an admin to add you to one');
  return m;
}

export function grantOfRole(role: Role): Grant {
  return ROLE_GRANT[role];
}

// The request's auth from its session cookie, or null when it has no valid session.
export async function sessionAuth(ctx: AppContext, request: FastifyRequest, reply: FastifyReply): Promise<RequestAuth | null> {
  const person = await signedInPerson(ctx, request, reply);
  if (!person) return null;
  let m: Membership;
  try {
    m = membershipFor(person.user, headerValue(request.headers[PROJECT_HEADER]));
  } catch (err) {
    // Refused for the project: the audit log records the refusal by this person.
    noteRefusedPerson(request, { userId: person.user.id, email: person.user.email });
    throw err;
  }
  return {
    projectId: m.projectId as ProjectId,
    scope: grantOfRole(m.role),
    keyId: null,
    actor: { kind: 'user', userId: person.user.id, email: person.user.email, sessionId: person.sessionRef },
  };
}

// The onRequest hook after authentication: a request that changes anything and is authenticated
// by a session cookie carries the session's CSRF token in x-csrf-token, sign-out included. Key
// requests need none (a browser never adds a key by itself), nor does the sign-in form (no session
// yet: the Origin guard and SameSite cover it).
export function csrfHook(app: FastifyInstance, exempt: (url: string) => boolean): (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => void {
  return (request, reply, done) => {
    if (SAFE_METHODS.has(request.method) || exempt(request.routeOptions.url ?? '') || bearerKey(request) !== null) return done();
    const session = request.session as FastifyRequest['session'] | null | undefined;
    if (typeof session?.userId !== 'string') return done();
    if (headerValue(request.headers[CSRF_HEADER]) === undefined) {
      return done(new LookoutError('forbidden', `a change made with a session needs its CSRF token in header ${CSRF_HEADER} (GET /api/v1/me gives it)`));
    }
    app.csrfProtection(request, reply, done);
  };
}

// @fastify/csrf-protection's refusals (a wrong token, a session without one) as Lookout answers them.
export function csrfRefusal(code: string | undefined): LookoutError | null {
  if (code !== 'FST_CSRF_INVALID_TOKEN' && code !== 'FST_CSRF_MISSING_SECRET') return null;
  return new LookoutError('forbidden', `the CSRF token in header ${CSRF_HEADER} is not this session's: take the current one from GET /api/v1/me`);
}
