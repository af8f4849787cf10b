import { z } from 'zod';
import { ROLES } from '../../config/auth.ts';
import { MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS } from '../../people/passwords.ts';
import type { Membership, User } from '../../store/store.ts';

// E4: people (local accounts and those who signed in with OpenID Connect), their roles per
// project, as the API gives and takes them. A password hash is never part of an answer.

export const MAX_EMAIL_CHARS = 320;
export const MAX_NAME_CHARS = 200;
const PROJECT_ID = /^[a-z0-9][a-z0-9_-]{0,62}$/;

export const emailSchema = z
  .string({ error: 'must be a string' })
  .trim()
  .max(MAX_EMAIL_CHARS, `must be at most ${MAX_EMAIL_CHARS} characters`)
  .regex(/^[^\s@]+@[^\s@]+$/, 'must be an email address such as ada@example.com')
  .transform((v) => v.toLowerCase())
  .describe('an email address (compared without regard to case)');

export const newPasswordSchema = z
  .string({ error: 'must be a string' })
  .min(MIN_PASSWORD_CHARS, `must be at least ${MIN_PASSWORD_CHARS} characters`)
  .max(MAX_PASSWORD_CHARS, `must be at most ${MAX_PASSWORD_CHARS} characters`);

export const roleSchema = z.enum(ROLES, { error: `must be one of ${ROLES.join(', ')}` }).describe('viewer: reads; member: also scores, silences and own budgets; admin: also keys, rules, budgets, prices, privacy, erasure and members');

export const projectIdSchema = z.string().regex(PROJECT_ID, "must be a project id such as 'default'");

export const membershipSchema = z.object({ projectId: z.string(), role: z.enum(ROLES) }).meta({ id: 'Membership' });

export const userSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string().nullable(),
    source: z.enum(['local', 'oidc']).describe('local: signs in with a password; oidc: with the OpenID Connect provider'),
    memberships: z.array(membershipSchema).describe("the person's role in each project"),
    createdAt: z.string(),
    lastSignInAt: z.string().nullable(),
    disabled: z.boolean().describe('a disabled person cannot sign in, and their sessions have ended'),
  })
  .meta({ id: 'User' });
export type UserAnswer = z.output<typeof userSchema>;

// A person as the members routes give them: also whether the caller may change the account itself.
export const managedUserSchema = userSchema
  .extend({
    accountEditable: z
      .boolean()
      .describe('whether the caller may change the account itself (name, password, disabled): always for the instance operator; for a project admin, only when the person has no role in another project (which projects is not said)'),
  })
  .meta({ id: 'ManagedUser' });
export type ManagedUserAnswer = z.output<typeof managedUserSchema>;

// What an answer says of a user: never the password hash, whatever object is given.
export function userAnswer(user: User): UserAnswer {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    source: user.source,
    memberships: user.memberships.map((m: Membership) => ({ projectId: m.projectId, role: m.role })),
    createdAt: user.createdAt,
    lastSignInAt: user.lastSignInAt,
    disabled: user.disabledAt !== null,
  };
}

export const createUserSchema = z
  .object({
    email: emailSchema,
    name: z.string().trim().min(1).max(MAX_NAME_CHARS, `must be at most ${MAX_NAME_CHARS} characters`).nullish().describe('a display name'),
    role: roleSchema,
    project: projectIdSchema.optional().describe("the project to give the role in (another one: operator only); default: the caller's"),
    password: newPasswordSchema.optional().describe(`a password for a new local account (${MIN_PASSWORD_CHARS}-${MAX_PASSWORD_CHARS} characters); omitted: a one-time password is made and returned once`),
  })
  .strict();

export const updateUserSchema = z
  .object({
    role: roleSchema.optional().describe('the role in the project (added when the person has none there)'),
    project: projectIdSchema.optional().describe("the project of `role` (another one: operator only); default: the caller's"),
    name: z.string().trim().min(1).max(MAX_NAME_CHARS, `must be at most ${MAX_NAME_CHARS} characters`).nullable().optional(),
    disabled: z.boolean().optional().describe('true: the person cannot sign in and is signed out everywhere'),
    password: newPasswordSchema.optional().describe('a new password (local accounts); the person is signed out everywhere'),
  })
  .strict();

export const usersQuerySchema = z
  .object({
    project: projectIdSchema.optional().describe("another project's members (operator only); default: the caller's project"),
    all: z.enum(['true', 'false']).optional().describe('true: every user of the instance (operator only)'),
  })
  .strict();

export const deleteUserQuerySchema = z
  .object({
    project: projectIdSchema.optional().describe("the project to remove the person from (another one: operator only); default: the caller's"),
    entirely: z.enum(['true', 'false']).optional().describe('true: delete the account itself, from every project (operator only)'),
  })
  .strict();

export const userIdParams = z.object({ id: z.string().min(1).max(128) });
