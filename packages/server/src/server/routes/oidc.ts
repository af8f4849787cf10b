import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { LookoutError } from '../../errors.ts';
import { OIDC_CALLBACK_PATH, OIDC_LOGIN_PATH, OidcSignInError, oidcClientOf, type OidcClient, type PendingSignIn } from '../../people/oidc.ts';
import { decideRoles, identityFromClaims } from '../../people/roles.ts';
import type { Membership, User } from '../../store/people.ts';
import type { AppContext } from '../context.ts';
import { errorResponses } from '../openapi.ts';
import { signIn } from '../signin.ts';
import { recordAudit } from '../audit-hook.ts';

// E4: OpenID Connect sign-in (docs/auth.md#openid-connect). The login route sends the browser to
// the provider with a fresh state, nonce and PKCE verifier kept in its session; the callback
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

const loginQuerySchema = z
  .object({
    returnTo: z
      .string()
      .max(MAX_RETURN_TO_CHARS)
      .refine(isSafeReturnTo, "must be a path of this server starting with '/' (not '//'), such as '/budgets'")
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

const pendingSchema = z.object({ state: z.string(), nonce: z.string(), codeVerifier: z.string(), returnTo: z.string().refine(isSafeReturnTo) });

const redirectResponse = z.null().describe('a redirect (Location header)');

function pendingOf(request: FastifyRequest): PendingSignIn | null {
  const parsed = pendingSchema.safeParse(request.session.get('oidc'));
  return parsed.success ? parsed.data : null;
}

// The sign-in page, with the reason the sign-in did not happen.
function refuse(reply: FastifyReply, message: string): FastifyReply {
  return reply.redirect(`/?signInError=${encodeURIComponent(message.slice(0, 500))}`, 302);
}

// The person's account: created at the first sign-in, its name and roles brought up to date at
// each one. A local account with the same email is not taken over.
async function upsertUser(ctx: AppContext, email: string, name: string | null, memberships: Membership[]): Promise<User | string> {
  const people = ctx.store.people;
  const existing = await people.findUserByEmail(email);
  if (existing) {
    if (existing.disabledAt !== null) return `the Lookout account of ${email} is disabled: ask an administrator`;
    if (existing.source !== 'oidc') return `${email} is a local Lookout account: sign in with its password (an administrator can remove it so that the identity provider's account is used)`;
    return (await people.updateUser(existing.id, { name, memberships })) ?? `the Lookout account of ${email} was removed while signing in: try again`;
  }
  try {
    return await people.createUser({ email, name, source: 'oidc', passwordHash: null, memberships });
  } catch (e) {
    // Two sign-ins of the same new person at once: the other one created the account.
    if (e instanceof LookoutError && e.code === 'conflict') {
      const raced = await people.findUserByEmail(email);
      if (raced && raced.source === 'oidc' && raced.disabledAt === null) return (await people.updateUser(raced.id, { name, memberships })) ?? 'try again';
    }
    throw e;
  }
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
          'Public. Keeps a fresh state, nonce and PKCE verifier in the browser session and answers 302 to the provider (authorization code flow, PKCE S256). 503 identity_provider_unavailable when the provider cannot be reached; 404 when OpenID Connect is not configured. docs/auth.md',
        tags: ['auth'],
        security: [],
        querystring: loginQuerySchema,
        response: { 302: redirectResponse, ...errorResponses },
      },
    },
    async (request, reply) => {
      const client = clientOrNotConfigured(ctx);
      const { url, pending } = await client.begin(request.query.returnTo ?? '/');
      request.session.set('oidc', pending);
      return reply.header('cache-control', 'no-store').redirect(url, 302);
    },
  );

  app.get(
    OIDC_CALLBACK_PATH,
    {
      schema: {
        summary: 'Where the identity provider sends the browser back: signs the person in',
        description:
          "Public; the redirect URI to register at the provider is <auth.publicUrl>/auth/oidc/callback. Checks the state against the browser session, exchanges the code with the PKCE verifier, checks the ID token, maps the claims to roles (auth.oidc.roles) and answers 302 to the page the sign-in started from with a session cookie, or 302 to /?signInError=<reason> when the person may not sign in.",
        tags: ['auth'],
        security: [],
        querystring: callbackQuerySchema,
        response: { 302: redirectResponse, ...errorResponses },
      },
    },
    async (request, reply) => {
      const client = clientOrNotConfigured(ctx);
      reply.header('cache-control', 'no-store');
      const pending = pendingOf(request);
      // One attempt per redirect: whatever happens next, this state is spent.
      if (request.session.get('oidc') !== undefined) request.session.set('oidc', undefined);
      const failed = (reason: string, email: string | null = null) => {
        ctx.refusals.report({ kind: 'auth_failure', reason: 'oidc_refused', projectId: null, route: OIDC_CALLBACK_PATH });
        recordAudit(ctx, { action: 'session.login_failed', request, actor: { kind: 'user', id: null, email }, status: 403, details: { method: 'oidc', reason } });
        return refuse(reply, reason);
      };
      if (!pending) return failed(`the sign-in with ${client.config.name} was not started from this browser, or took too long: start again`);
      const query = new URLSearchParams();
      for (const [k, v] of Object.entries(request.query)) if (typeof v === 'string') query.set(k, v);
      let completed;
      try {
        completed = await client.finish(query, pending);
      } catch (e) {
        if (e instanceof OidcSignInError) return failed(e.message);
        if (e instanceof LookoutError && e.code === 'identity_provider_unavailable') return failed(e.message);
        throw e;
      }
      const identity = identityFromClaims(completed.claims, client.config.groupsClaim);
      const decision = decideRoles(client.config, identity, await projectIds(ctx));
      if (!decision.ok) return failed(decision.reason, identity.email);
      const user = await upsertUser(ctx, identity.email!, identity.name, decision.memberships);
      if (typeof user === 'string') return failed(user, identity.email);
      await signIn(ctx, request, reply, user, 'oidc', { idToken: completed.idToken });
      return reply.redirect(pending.returnTo, 302);
    },
  );
}
