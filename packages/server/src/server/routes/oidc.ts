import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { LookoutError } from '../../errors.ts';
import { OIDC_CALLBACK_PATH, OIDC_LOGIN_PATH, OidcSignInError, oidcClientOf, type OidcClient, type SignInErrorCode } from '../../people/oidc.ts';
import { openPending, PENDING_TTL_MS, sealPending } from '../../people/oidc-state.ts';
import { secureCookieFor } from '../sessions.ts';
import { decideRoles, identityFromClaims } from '../../people/roles.ts';
import { accountForSignIn } from '../../people/oidc-accounts.ts';
import type { AppContext } from '../context.ts';
import { errorResponses } from '../openapi.ts';
import { signIn } from '../signin.ts';
import { recordAudit, recordRoleChange } from '../audit-hook.ts';

// E4: OpenID Connect sign-in (docs/auth.md#openid-connect). The login route sends the browser to
// the provider with a fresh state, nonce and PKCE verifier kept in a sealed cookie of its own
// (people/oidc-state.ts; nothing is written on the server); the callback
// checks the state, exchanges the code (openid-client checks the ID token), maps the claims to
// roles, and signs the person in, or sends them back to the sign-in page with the reason.

const MAX_RETURN_TO_CHARS = 2048;

// Where the browser may be sent after sign-in: a path of this server only. Not `//host` or `/\host`
// (a browser reads both as another host), no control characters, no scheme.
export function isSafeReturnTo(value: string): boolean {
  if (value.length === 0 || value.length > MAX_RETURN_TO_CHARS) return false;
  if (!value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return false;
  if (/[\u0000-\u001f\u007f]/.test(value)) return false;
  try {
    // Resolved against a placeholder origin, it must stay on it.
    return new URL(value, 'http://lookout.invalid').origin === 'http://lookout.invalid';
  } catch {
    return false;
  }
}

// Why a return path given at the start of a sign-in is refused, or null: checked as the callback
// will send it (encodedReturnTo), so a path such as `/.//evil.test` (`//evil.test` once resolved)
// or one whose encoding outgrows the sign-in cookie is refused at once, not after the provider.
// Backslashes and encoded slashes are refused in the path: browsers and proxies read them apart.
export function returnToProblem(value: string): string | null {
  const safe = "must be a path of this server starting with '/' (not '//'), such as '/budgets'";
  if (!isSafeReturnTo(value)) return safe;
  const path = value.split(/[?#]/, 1)[0];
  if (path.includes('\\') || /%(2f|5c)/i.test(path)) return `${safe}, without backslashes or encoded slashes in the path`;
  const encoded = encodedReturnTo(value);
  if (encoded.length > MAX_RETURN_TO_CHARS) return `is ${encoded.length} characters once percent-encoded: at most ${MAX_RETURN_TO_CHARS}`;
  if (!isSafeReturnTo(encoded)) return `${safe}; this one resolves to '${encoded.slice(0, 100)}'`;
  return null;
}

const loginQuerySchema = z
  .object({
    returnTo: z
      .string()
      .max(MAX_RETURN_TO_CHARS)
      .superRefine((value, check) => {
        const problem = returnToProblem(value);
        if (problem) check.addIssue({ code: 'custom', message: problem });
      })
      .optional()
      .describe('where to land after signing in: a path of this server; default /'),
  })
  .strict();

const callbackQuerySchema = z
  .object({
    code: z.string().max(4096).optional(),
    state: z.string().max(1024).optional(),
    iss: z.string().max(2048).optional(),
    session_state: z.string().max(1024).optional(),
    error: z.string().max(256).optional(),
    error_description: z.string().max(2048).optional(),
    error_uri: z.string().max(2048).optional(),
  })
  .passthrough();

const redirectResponse = z.null().describe('a redirect (Location header)');

// The cookie that carries a sign-in under way (people/oidc-state.ts); sent back to the callback only.
function pendingCookieName(ctx: AppContext): string {
  return `${ctx.config.auth.sessions.cookieName}_oidc`;
}
// Sent back to the callback only; a `__Host-` name must have Path=/ (browsers refuse it otherwise).
function pendingCookiePath(ctx: AppContext): string {
  return ctx.config.auth.sessions.cookieName.startsWith('__Host-') ? '/' : '/auth/oidc/';
}

// A return path as a Location header carries it: characters outside ASCII percent-encoded (a header
// cannot hold them as they are).
export function encodedReturnTo(value: string): string {
  const u = new URL(value, 'http://lookout.invalid');
  return `${u.pathname}${u.search}${u.hash}`;
}

// The sign-in page, with a code for why the sign-in did not happen (the page shows its own text for
// each code, never one from the URL).
function refuse(reply: FastifyReply, code: SignInErrorCode): FastifyReply {
  return reply.redirect(`/?signInError=${code}`, 302);
}

async function projectIds(ctx: AppContext) {
  return (await ctx.store.listProjects()).map((p) => p.id);
}

function clientOrNotConfigured(ctx: AppContext): OidcClient {
  const client = oidcClientOf(ctx);
  if (!client) throw new LookoutError('not_found', 'OpenID Connect sign-in is not configured on this server (auth.oidc and auth.publicUrl, docs/auth.md)');
  return client;
}

export function registerOidcRoutes(fastify: FastifyInstance, ctx: AppContext): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.get(
    OIDC_LOGIN_PATH,
    {
      schema: {
        summary: "Starts OpenID Connect sign-in: redirects the browser to the identity provider",
        description:
          'Public. Keeps a fresh state, nonce and PKCE verifier in a sealed, HttpOnly cookie (10 minutes, path /auth/oidc/) and answers 302 to the provider (authorization code flow, PKCE S256). 400 when returnTo is not a path of this server as the callback will send it (percent-encoded: no `//host` once resolved, no backslashes or encoded slashes in the path, at most 2,048 characters); 503 identity_provider_unavailable when the provider cannot be reached; 404 when OpenID Connect is not configured. docs/auth.md',
        tags: ['auth'],
        security: [],
        querystring: loginQuerySchema,
        response: { 302: redirectResponse, ...errorResponses },
      },
    },
    async (request, reply) => {
      const client = clientOrNotConfigured(ctx);
      const { url, pending } = await client.begin(encodedReturnTo(request.query.returnTo ?? '/'));
      // Kept in the browser, not in the store: starting a sign-in writes nothing on the server.
      reply.setCookie(pendingCookieName(ctx), sealPending(ctx.sessionSecret, pending), {
        path: pendingCookiePath(ctx), httpOnly: true, sameSite: 'lax', secure: secureCookieFor(ctx, request), maxAge: PENDING_TTL_MS / 1000,
      });
      return reply.header('cache-control', 'no-store').redirect(url, 302);
    },
  );

  app.get(
    OIDC_CALLBACK_PATH,
    {
      schema: {
        summary: 'Where the identity provider sends the browser back: signs the person in',
        description:
          "Public; the redirect URI to register at the provider is <auth.publicUrl>/auth/oidc/callback. Checks the state against the browser's sign-in cookie, exchanges the code with the PKCE verifier, checks the ID token, maps the claims to roles (auth.oidc.roles) and answers 302 to the page the sign-in started from with a session cookie, or 302 to /?signInError=<code> when the person may not sign in (a code, e.g. not_allowed, no_role, other_identity; the sign-in page words it; the reason is in the audit log).",
        tags: ['auth'],
        security: [],
        querystring: callbackQuerySchema,
        response: { 302: redirectResponse, ...errorResponses },
      },
    },
    async (request, reply) => {
      const client = clientOrNotConfigured(ctx);
      reply.header('cache-control', 'no-store');
      const cookieName = pendingCookieName(ctx);
      const cookies = (request as { cookies?: Record<string, string | undefined> }).cookies ?? {};
      const pending = openPending(ctx.sessionSecret, cookies[cookieName]);
      // One attempt per redirect: whatever happens next, this state is spent.
      if (cookies[cookieName] !== undefined) reply.clearCookie(cookieName, { path: pendingCookiePath(ctx) });
      const failed = (code: SignInErrorCode, reason: string, email: string | null = null) => {
        ctx.refusals.report({ kind: 'auth_failure', reason: 'oidc_refused', projectId: null, route: OIDC_CALLBACK_PATH });
        recordAudit(ctx, { action: 'session.login_failed', request, actor: { kind: 'user', id: null, email }, status: 403, details: { method: 'oidc', reason } });
        request.log.info({ event: 'oidc_sign_in_refused', code, reason }, 'oidc sign-in refused');
        return refuse(reply, code);
      };
      if (!pending || !isSafeReturnTo(pending.returnTo)) {
        return failed('not_started', `the sign-in with ${client.config.name} was not started from this browser, or took too long: start again`);
      }
      const query = new URLSearchParams();
      for (const [k, v] of Object.entries(request.query)) if (typeof v === 'string') query.set(k, v);
      let completed;
      try {
        completed = await client.finish(query, pending);
      } catch (e) {
        if (e instanceof OidcSignInError) return failed(e.reason, e.message);
        if (e instanceof LookoutError && e.code === 'identity_provider_unavailable') return failed('provider_unavailable', e.message);
        throw e;
      }
      const identity = identityFromClaims(completed.claims, client.config.groupsClaim);
      const decision = decideRoles(client.config, identity, await projectIds(ctx));
      if (!decision.ok) return failed(decision.code, decision.reason, identity.email);
      const subject = typeof completed.claims.sub === 'string' ? completed.claims.sub : '';
      if (subject === '' || subject.length > 255) return failed('provider_failed', `${client.config.name} sent no usable subject (sub) for you`, identity.email);
      const issuer = typeof completed.claims.iss === 'string' ? completed.claims.iss : client.config.issuer;
      const who = { email: identity.email!, name: identity.name, issuer, subject };
      const previous = (await ctx.store.people.findUserByEmail(who.email))?.memberships ?? null;
      const user = await accountForSignIn(ctx.store.people, who, decision.memberships, client.config.name);
      if ('code' in user) return failed(user.code, user.reason, identity.email);
      recordRoleChange(ctx, request, { user, before: previous, after: user.memberships, via: 'oidc' });
      await signIn(ctx, request, reply, user, 'oidc', { idToken: completed.idToken });
      return reply.redirect(encodedReturnTo(pending.returnTo), 302);
    },
  );
}
