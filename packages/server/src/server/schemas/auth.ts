import { z } from 'zod';
import { ROLES } from '../../config/auth.ts';
import { MAX_PASSWORD_CHARS } from '../../people/passwords.ts';
import { MAX_EMAIL_CHARS, membershipSchema } from './users.ts';

// E4: signing in and out, and who the caller is.

export const authConfigAnswerSchema = z
  .object({
    local: z.boolean().describe('local accounts can sign in with a password (POST /auth/login)'),
    oidc: z.object({ name: z.string().describe('shown on the sign-in button') }).nullable().describe('an OpenID Connect provider is configured (GET /auth/oidc/login)'),
    keysRequired: z.boolean().describe('requests without a session or key are refused; false: requests from this machine are the operator'),
  })
  .meta({ id: 'AuthConfig' });

export const loginBodySchema = z
  .object({
    email: z.string({ error: 'must be a string' }).min(1, 'is required').max(MAX_EMAIL_CHARS, `must be at most ${MAX_EMAIL_CHARS} characters`),
    password: z.string({ error: 'must be a string' }).min(1, 'is required').max(MAX_PASSWORD_CHARS, `must be at most ${MAX_PASSWORD_CHARS} characters`),
  })
  .strict();

export const meSchema = z
  .object({
    kind: z.enum(['user', 'key', 'local']).describe('user: a person signed in; key: an API key; local: the keyless operator of a loopback-bound server'),
    user: z.object({ id: z.string(), email: z.string(), name: z.string().nullable() }).nullable(),
    projectId: z.string().describe('the project the request acts in'),
    grant: z.enum(['ingest', 'read', 'member', 'admin']).describe("the caller's grant there: a key's scope, or a person's role (viewer is read)"),
    role: z.enum(ROLES).nullable().describe("a person's role in the project; null for keys"),
    operator: z.boolean().describe('the instance operator (an admin acting in the default project, or the keyless local operator)'),
    memberships: z.array(membershipSchema).describe("a person's projects and roles (the UI's project picker); empty for keys"),
    csrfToken: z.string().nullable().describe("a person's CSRF token: send it in header x-csrf-token with every change; null for keys"),
  })
  .meta({ id: 'Me' });
