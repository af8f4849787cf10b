import type { FastifyReply, FastifyRequest } from 'fastify';
import type { User } from '../store/store.ts';
import type { AppContext } from './context.ts';
import { endSession, sessionsOf } from './sessions.ts';
import { recordAudit } from './audit-hook.ts';
import { LookoutError } from '../errors.ts';

// A request whose target is not a plain path (absolute-form, e.g. `POST http://host/auth/login`):
// the session plugin gives it no session.
export function noSessionError(): LookoutError {
  return new LookoutError('invalid_request', 'the request target must be a path such as /auth/login (absolute-form targets are not supported here)');
}

// E4: signing a person in and out, for every way of signing in (local password, OpenID Connect).

// Starts a session for `user`: a new session id (whatever session the request had is destroyed,
// so an id planted before sign-in never signs anyone in), stored with who signed in, how and
// when; the cookie is set with the response and expires with the session's absolute end.
export async function signIn(ctx: AppContext, request: FastifyRequest, reply: FastifyReply, user: User, method: 'password' | 'oidc', extra: { idToken?: string } = {}): Promise<void> {
  const { store, limits } = sessionsOf(ctx);
  if (typeof request.session?.regenerate !== 'function') throw noSessionError();
  await request.session.regenerate();
  const session = request.session;
  store.expectNew(session.sessionId);
  const now = Date.now();
  session.userId = user.id;
  session.method = method;
  session.signedInAt = now;
  session.lastSeenAt = now;
  if (extra.idToken !== undefined) session.idToken = extra.idToken;
  session.cookie.expires = new Date(now + limits.ttlMs);
  await session.save();
  // The memberships may just have changed (an OpenID sign-in maps them anew).
  store.forgetUser(user.id);
  await ctx.store.people.updateUser(user.id, { lastSignInAt: new Date(now).toISOString() });
  reply.header('cache-control', 'no-store');
  recordAudit(ctx, { request, action: 'session.login', actor: { kind: 'user', id: user.id, email: user.email }, target: user.id, status: 200, details: { method } });
}

// Ends the request's session, in the store and in the browser. Returns the OpenID id token the
// session kept (for RP-initiated logout at the provider), or null.
export async function signOut(ctx: AppContext, request: FastifyRequest, reply: FastifyReply): Promise<{ idToken: string | null }> {
  const session = request.session as FastifyRequest['session'] | null | undefined;
  const idToken = typeof session?.idToken === 'string' ? session.idToken : null;
  const userId = typeof session?.userId === 'string' ? session.userId : null;
  let email: string | null = null;
  if (userId !== null) email = (await sessionsOf(ctx).store.user(userId))?.email ?? null;
  await endSession(ctx, request, reply);
  if (userId !== null) recordAudit(ctx, { request, action: 'session.logout', actor: { kind: 'user', id: userId, email }, target: userId, status: 200 });
  return { idToken };
}
