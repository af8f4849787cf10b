import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { generatePassword, hashPassword } from '../../people/passwords.ts';
import { ConflictError, LookoutError, NotFoundError } from '../../errors.ts';
import { projectId, type Membership, type ProjectId, type User, type UserPatch, type UserWithSecret } from '../../store/store.ts';
import { callerNoun, isOperator, requireScope, type AppContext } from '../context.ts';
import { errorResponses, errorSchema } from '../openapi.ts';
import { createUserSchema, deleteUserQuerySchema, managedUserSchema, updateUserSchema, userAnswer, userIdParams, usersQuerySchema, type ManagedUserAnswer } from '../schemas/users.ts';
import { sessionsOf } from '../sessions.ts';
import { auditChange } from '../audit-hook.ts';

// E4: people and their roles (docs/auth.md): a project's admins manage the roles in their
// project; the instance operator manages every project and every account. Local accounts are
// made here (or with `lookout users add`); people who sign in with the OpenID Connect provider
// are made at their first sign-in. No answer ever holds a password hash.

export const USERS_PATH = '/api/v1/users';

// The project a request manages: the caller's own, or another one for the operator.
function targetProject(request: FastifyRequest, wanted: string | undefined): ProjectId {
  const own = requireScope(request, 'admin');
  if (wanted === undefined || wanted === own) return own;
  if (!isOperator(request)) throw new LookoutError('forbidden', `${callerNoun(request)} project '${own}' and cannot manage the members of project '${wanted}'`);
  return projectId(wanted);
}

function isSelf(request: FastifyRequest, userId: string): boolean {
  return request.auth.actor.kind === 'user' && request.auth.actor.userId === userId;
}

// What a caller is told of a person: the operator, everything; anyone else, only the role in the
// project they manage (not where else the person has roles), and whether they may change the
// account itself (not if the person has a role in another project: PATCH refuses that).
function answerFor(request: FastifyRequest, user: User, project: ProjectId | null): ManagedUserAnswer {
  if (isOperator(request) || project === null) return { ...userAnswer(user), accountEditable: true };
  return {
    ...userAnswer({ ...user, memberships: user.memberships.filter((m) => m.projectId === project) }),
    accountEditable: user.memberships.every((m) => m.projectId === project),
  };
}

// Roles of people who sign in with the identity provider come from its claims at every sign-in
// (auth.oidc.roles): a change made here would be undone at their next one.
function refuseOidcRoleChange(user: User): void {
  if (user.source === 'oidc') {
    throw new ConflictError(`${user.email} signs in with the identity provider, which gives their roles (auth.oidc.roles): change their group there, or disable the account`);
  }
}

function withRole(memberships: Membership[], project: ProjectId, role: Membership['role'] | null): Membership[] {
  const others = memberships.filter((m) => m.projectId !== project);
  return role === null ? others : [...others, { projectId: project, role }];
}

export function registerUserRoutes(fastify: FastifyInstance, ctx: AppContext): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const sessions = sessionsOf(ctx).store;

  // A person the caller may manage in `project`: a member of it, or anyone for the operator.
  // Others are not found (a project admin learns nothing of other projects' people).
  async function managed(request: FastifyRequest, id: string, project: ProjectId): Promise<UserWithSecret> {
    const user = await ctx.store.people.getUser(id);
    if (!user || (!isOperator(request) && !user.memberships.some((m) => m.projectId === project))) throw new NotFoundError(`no user ${id} in project '${project}'`);
    return user;
  }

  app.get(
    USERS_PATH,
    {
      config: { scope: 'admin' },
      schema: {
        summary: "The project's members and their roles; every account for the operator with all=true",
        tags: ['users'],
        querystring: usersQuerySchema,
        response: { 200: z.object({ users: z.array(managedUserSchema) }), ...errorResponses },
      },
    },
    async (request) => {
      if (request.query.all === 'true') {
        if (!isOperator(request)) throw new LookoutError('forbidden', 'all=true lists every account of the instance: operator only (an admin of the default project)');
        return { users: (await ctx.store.people.listUsers()).map((u) => answerFor(request, u, null)) };
      }
      const project = targetProject(request, request.query.project);
      return { users: (await ctx.store.people.listUsers(project)).map((u) => answerFor(request, u, project)) };
    },
  );

  app.post(
    USERS_PATH,
    {
      config: { scope: 'admin' },
      schema: {
        summary: 'Give a person a role in the project: a new local account, or one that exists',
        description:
          "A new address makes a local account with the password given, or a one-time password made here and returned once (password); with auth.oidc configured, only the operator makes local accounts (403 for others). An address that has a local account adds the role to it (200); its password is not changed. An account of the identity provider gets its roles from the provider: 409. A project admin's answers show the person's role in that project only.",
        tags: ['users'],
        body: createUserSchema,
        response: {
          200: z.object({ user: managedUserSchema, password: z.null(), created: z.literal(false) }),
          201: z.object({ user: managedUserSchema, password: z.string().nullable().describe('the one-time password made for the account: shown once; null when one was given'), created: z.literal(true) }),
          ...errorResponses,
          409: errorSchema.describe('the person has a role in the project already, or signs in with the identity provider; or the project is being deleted'),
        },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const project = targetProject(request, body.project);
      if (ctx.projectDeletions.deleting(project)) throw new ConflictError(`project '${project}' is being deleted`);
      const existing = await ctx.store.people.findUserByEmail(body.email);
      if (existing) {
        if (existing.memberships.some((m) => m.projectId === project)) {
          throw new ConflictError(`${body.email} has a role in project '${project}' already; change it with PATCH ${USERS_PATH}/${existing.id}`);
        }
        if (body.password !== undefined) throw new ConflictError(`${body.email} has an account already: its password is not set here (omit password to give them the role)`);
        refuseOidcRoleChange(existing);
        const updated = await ctx.store.people.updateUser(existing.id, { memberships: withRole(existing.memberships, project, body.role) });
        if (!updated) throw new NotFoundError(`no user ${existing.id}`);
        sessions.forgetUser(existing.id);
        auditChange(request, { target: existing.id, project, after: { email: existing.email, role: body.role } });
        return { user: answerFor(request, updated, project), password: null, created: false as const };
      }
      // With an identity provider, a local account for an address could stand in for the person the
      // provider knows by it (their sign-in is refused while it exists): operator only.
      if (ctx.config.auth.oidc && !isOperator(request)) {
        throw new LookoutError('forbidden', `${body.email} has no account yet: people sign in with the identity provider here, and get their roles from it (auth.oidc.roles); only the operator makes local accounts`);
      }
      const generated = body.password === undefined ? generatePassword() : null;
      const user = await ctx.store.people.createUser({
        email: body.email,
        name: body.name ?? null,
        source: 'local',
        passwordHash: await hashPassword(body.password ?? generated!),
        memberships: [{ projectId: project, role: body.role }],
      });
      auditChange(request, { target: user.id, project, after: { email: user.email, role: body.role } });
      request.log.info({ event: 'user_created', userId: user.id, projectId: project, role: body.role }, 'user created');
      reply.code(201);
      return { user: answerFor(request, user, project), password: generated, created: true as const };
    },
  );

  app.patch(
    `${USERS_PATH}/:id`,
    {
      config: { scope: 'admin' },
      schema: {
        summary: "Change a person's role in the project, their name or password, or disable them",
        description:
          "role: in the project (given where they had none). name, password, disabled change the account itself: a project admin may change them only for people with no role in another project; the operator for anyone. Disabling or a new password signs the person out everywhere. One's own role and account are not changed here, nor the roles of people who sign in with the identity provider (409: they come from its claims).",
        tags: ['users'],
        params: userIdParams,
        body: updateUserSchema,
        response: { 200: z.object({ user: managedUserSchema }), ...errorResponses, 409: errorSchema.describe("one's own role or account, or a password for an account of the identity provider") },
      },
    },
    async (request) => {
      const body = request.body;
      const project = targetProject(request, body.project);
      const user = await managed(request, request.params.id, project);
      if (isSelf(request, user.id) && (body.role !== undefined || body.disabled !== undefined)) {
        throw new ConflictError('you cannot change your own role or disable yourself: ask another admin');
      }
      const accountChange = body.name !== undefined || body.password !== undefined || body.disabled !== undefined;
      if (accountChange && !isOperator(request) && user.memberships.some((m) => m.projectId !== project)) {
        throw new LookoutError('forbidden', `${user.email} also has a role in another project: only the operator changes their account (name, password, disabled)`);
      }
      if (body.password !== undefined && user.source !== 'local') throw new ConflictError(`${user.email} signs in with the identity provider and has no password here`);
      if (body.role !== undefined) refuseOidcRoleChange(user);
      const patch: UserPatch = {};
      if (body.role !== undefined) patch.memberships = withRole(user.memberships, project, body.role);
      if (body.name !== undefined) patch.name = body.name;
      if (body.disabled !== undefined) patch.disabled = body.disabled;
      if (body.password !== undefined) patch.passwordHash = await hashPassword(body.password);
      const updated = await ctx.store.people.updateUser(user.id, patch);
      if (!updated) throw new NotFoundError(`no user ${user.id}`);
      if (body.disabled === true || body.password !== undefined) await sessions.endSessionsOf(user.id);
      else sessions.forgetUser(user.id);
      const before = { role: user.memberships.find((m) => m.projectId === project)?.role ?? null, name: user.name, disabled: user.disabledAt !== null };
      const after = { role: updated.memberships.find((m) => m.projectId === project)?.role ?? null, name: updated.name, disabled: updated.disabledAt !== null };
      auditChange(request, { target: user.id, project, before, after, details: body.password !== undefined ? { passwordChanged: true } : undefined });
      return { user: answerFor(request, updated, project) };
    },
  );

  app.delete(
    `${USERS_PATH}/:id`,
    {
      config: { scope: 'admin' },
      schema: {
        summary: 'Remove a person from the project; with entirely=true (operator) delete their account',
        tags: ['users'],
        params: userIdParams,
        querystring: deleteUserQuerySchema,
        response: { 204: z.null().describe('removed'), ...errorResponses, 409: errorSchema.describe('oneself, or a person whose roles come from the identity provider (disable them instead)') },
      },
    },
    async (request, reply) => {
      const project = targetProject(request, request.query.project);
      const user = await managed(request, request.params.id, project);
      if (isSelf(request, user.id)) throw new ConflictError('you cannot remove yourself: ask another admin');
      if (request.query.entirely === 'true') {
        if (!isOperator(request)) throw new LookoutError('forbidden', 'entirely=true deletes the account from every project: operator only (an admin of the default project)');
        await ctx.store.people.deleteUser(user.id);
        await sessions.endSessionsOf(user.id);
        auditChange(request, { target: user.id, before: { email: user.email, memberships: user.memberships }, details: { entirely: true } });
      } else {
        if (!user.memberships.some((m) => m.projectId === project)) throw new NotFoundError(`no user ${user.id} in project '${project}'`);
        refuseOidcRoleChange(user);
        await ctx.store.people.updateUser(user.id, { memberships: withRole(user.memberships, project, null) });
        sessions.forgetUser(user.id);
        auditChange(request, { target: user.id, project, before: { email: user.email, role: user.memberships.find((m) => m.projectId === project)?.role ?? null } });
      }
      return reply.code(204).send(null);
    },
  );
}
