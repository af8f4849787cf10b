import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { keysRequired } from '../../config/config.ts';
import { verifyAgainstDummy, verifyPassword } from '../../people/passwords.ts';
import { endSessionUrl } from '../../people/oidc.ts';
import { clientKeyOf } from '../../people/login-limiter.ts';
import { clientAddressOf } from '../client-address.ts';
import { LookoutError } from '../../errors.ts';
import { isOperator, type AppContext } from '../context.ts';
import { errorResponses, errorSchema } from '../openapi.ts';
import { authConfigAnswerSchema, loginBodySchema, meSchema } from '../schemas/auth.ts';
import { userAnswer, userSchema } from '../schemas/users.ts';
import { sessionsOf } from '../sessions.ts';
import { signIn, signOut } from '../signin.ts';
import { recordAudit } from '../audit-hook.ts';
import { roleOfGrant } from '../access.ts';

// E4: signing in with a local account's password, signing out, and who the caller is
// (docs/auth.md). OpenID Connect sign-in is in routes/oidc.ts.

export const AUTH_PREFIX = '/auth/';
export const LOGIN_PATH = '/auth/login';
export const LOGOUT_PATH = '/auth/logout';
export const ME_PATH = '/api/v1/me';

// One answer for an unknown address, a wrong password, an account without a password or a
// disabled one: the answer says nothing of which.
const BAD_CREDENTIALS = 'the email address or password is not correct';

// Who a sign-in comes from, for the per-client limit. Behind server.trustProxy, the address the
// nearest proxy saw (the last X-Forwarded-For entry, which it added), not request.ip (the first
// entry, which the client chooses); IPv6 addresses by their /64.
export function loginClientKey(ctx: AppContext, request: FastifyRequest): string {
  return clientKeyOf(clientAddressOf(ctx, request));
}

export function registerAuthRoutes(fastify: FastifyInstance, ctx: AppContext): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { limiter, store: sessions } = sessionsOf(ctx);

  app.get(
    '/auth/config',
    {
      schema: {
        summary: 'How one can sign in here: a password, an OpenID Connect provider',
        description: 'Public: what the sign-in page offers.',
        tags: ['auth'],
        security: [],
        response: { 200: authConfigAnswerSchema },
      },
    },
    async () => ({
      local: ctx.config.auth.local.enabled,
      oidc: ctx.config.auth.oidc && ctx.config.auth.publicUrl ? { name: ctx.config.auth.oidc.name } : null,
      keysRequired: keysRequired(ctx.config),
    }),
  );

  app.post(
    LOGIN_PATH,
    {
      schema: {
        summary: 'Sign in with a local account: email address and password',
        description:
          'Public. 200 with the person and a session cookie (HttpOnly, SameSite=Lax; the session id changes at every sign-in). 401 for a wrong address or password alike; 429 too_many_sign_ins after auth.local.maxAttemptsPerMinute attempts that were not successful for the address or from the client in a minute (attempts under way count), past the server-wide failure backstop, or while too many passwords are being checked at once (Retry-After); 403 when password sign-in is turned off.',
        tags: ['auth'],
        security: [],
        body: loginBodySchema,
        response: { 200: z.object({ user: userSchema }), ...errorResponses, 401: errorSchema.describe('wrong email address or password') },
      },
    },
    async (request, reply) => {
      if (!ctx.config.auth.local.enabled) throw new LookoutError('forbidden', 'signing in with a password is turned off on this server (auth.local.enabled); sign in with the identity provider');
      const email = request.body.email.trim().toLowerCase();
      const limitKeys = [`email:${email}`, `client:${loginClientKey(ctx, request)}`];
      const route = request.routeOptions.url ?? LOGIN_PATH;
      const failed = (reason: string) => recordAudit(ctx, { request, action: 'session.login_failed', actor: { kind: 'user', id: null, email }, status: reason === 'bad_credentials' ? 401 : 429, details: { reason } });
      // Counted before the password is checked: attempts under way count against the limit.
      const verdict = limiter.begin(limitKeys);
      if (!verdict.ok) {
        const busy = verdict.reason === 'busy';
        ctx.refusals.report({ kind: 'auth_failure', reason: busy ? 'login_busy' : 'login_rate_limited', projectId: null, route });
        failed(busy ? 'busy' : 'rate_limited');
        const message = busy
          ? 'too many sign-ins are being checked on this server right now: try again in a second'
          : `too many failed sign-ins for this address, from this client or on this server: try again in ${verdict.retryAfterSeconds} s`;
        throw new LookoutError('too_many_sign_ins', message, { retryAfterSeconds: verdict.retryAfterSeconds });
      }
      const { attempt } = verdict;
      let user: Awaited<ReturnType<typeof ctx.store.people.findUserByEmail>>;
      let ok: boolean;
      try {
        await attempt.ready;
        user = await ctx.store.people.findUserByEmail(email);
        // Unknown or not: a hash is checked, so the answer takes as long either way.
        ok = user?.passwordHash ? await verifyPassword(request.body.password, user.passwordHash) : await verifyAgainstDummy(request.body.password);
      } finally {
        attempt.done();
      }
      if (!ok || !user || user.disabledAt !== null) {
        ctx.refusals.report({ kind: 'auth_failure', reason: 'bad_credentials', projectId: null, route });
        failed('bad_credentials');
        // Sent here rather than thrown: the error handler would count it again as a missing key.
        return reply.code(401).send(new LookoutError('unauthorized', BAD_CREDENTIALS).toJSON() as z.infer<typeof errorSchema>);
      }
      attempt.succeeded();
      await signIn(ctx, request, reply, user, 'password');
      return { user: userAnswer((await ctx.store.people.getUser(user.id)) ?? user) };
    },
  );

  app.post(
    LOGOUT_PATH,
    {
      schema: {
        summary: 'Sign out: the session ends on the server and its cookie is cleared',
        description:
          "With a session, x-csrf-token is required like for every change. 204; or 200 with endSessionUrl when the person signed in with an OpenID Connect provider that supports RP-initiated logout: send the browser there to end the provider's session too.",
        tags: ['auth'],
        security: [],
        response: { 200: z.object({ endSessionUrl: z.string() }), 204: z.null().describe('signed out'), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { idToken } = await signOut(ctx, request, reply);
      const url = idToken ? await endSessionUrl(ctx, idToken).catch(() => null) : null;
      reply.header('cache-control', 'no-store');
      if (url) return { endSessionUrl: url };
      return reply.code(204).send(null);
    },
  );

  app.get(
    ME_PATH,
    {
      config: { scope: 'ingest' },
      schema: {
        summary: 'Who the caller is: a person, a key or the local operator; their project, grant and CSRF token',
        tags: ['auth'],
        response: { 200: meSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const auth = request.auth;
      reply.header('cache-control', 'no-store');
      const base = { projectId: auth.projectId, grant: auth.scope, operator: isOperator(request) };
      if (auth.actor.kind !== 'user') return { ...base, kind: auth.actor.kind, user: null, role: null, memberships: [], csrfToken: null };
      const user = await sessions.user(auth.actor.userId);
      return {
        ...base,
        kind: 'user' as const,
        user: { id: auth.actor.userId, email: auth.actor.email, name: user?.name ?? null },
        role: roleOfGrant(auth.scope),
        memberships: (user?.memberships ?? []).map((m) => ({ projectId: m.projectId, role: m.role })).sort((a, b) => a.projectId.localeCompare(b.projectId)),
        csrfToken: reply.generateCsrf(),
      };
    },
  );
}
