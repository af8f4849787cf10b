import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { BudgetStatus } from '../../budgets/policy.ts';
import type { Budget } from '../../budgets/schema.ts';
import type { BudgetAuthor } from '../../budgets/definitions.ts';
import { actorIdOf, requireScope, type AppContext } from '../context.ts';
import { LookoutError } from '../../errors.ts';
import { auditChange, endUserHash } from '../audit-hook.ts';
import { errorResponses, errorSchema } from '../openapi.ts';
import {
  budgetBodySchema,
  budgetIdParams,
  budgetListSchema,
  budgetStatusSchema,
  budgetWithStatusesSchema,
  checkQuerySchema,
  checkResultSchema,
  statusQuerySchema,
  tierAssignmentBodySchema,
  tierChangeSchema,
  tierSettingsBodySchema,
  tierSettingsSchema,
  tierViewSchema,
  userParams,
  userTierSchema,
} from '../schemas/budgets.ts';

// B6: budgets, their status, tier assignments, and the check the gateway and SDK call before a
// request. The check answers from memory and does not wait for read-your-writes (see app.ts).

export const BUDGET_CHECK_PATH = '/api/v1/budgets/check';

const tags = ['budgets'];

// The book's parser reads these, so that their messages are worded like the book's own.

// The status without its budget (the budget is the enclosing object).
function statusView(s: BudgetStatus): Omit<BudgetStatus, 'budget'> {
  const { budget: _budget, ...rest } = s;
  return rest;
}

// E4: members create budgets and change or delete only the ones they created, and only budgets
// that warn: enforcement (hard: the gateway answers 429 for everyone the budget covers) and user
// budgets (a user budget, named or '*' for each user, takes the place of the tiers an admin set
// for that user) are the admins'. Admins (and admin keys, and the operator) change any. The
// check runs on the latest definitions, inside the change.
export const MEMBER_BUDGET_SCOPES = ['project', 'team', 'department'] as const;

function memberRefusal(auth: FastifyRequest['auth'], b: { id?: string; scope?: string; enforce?: string }, verb: string): LookoutError | null {
  const which = b.id !== undefined ? `budget '${b.id}'` : 'this budget';
  const role = `your role in project '${auth.projectId}' is ${auth.scope}, which may ${verb} only budgets that warn (enforce soft) of the project, a team or a department; an admin of the project may`;
  if (b.enforce === 'hard') return new LookoutError('forbidden', `enforce: ${which} is hard (the gateway refuses calls once it is spent): ${role}`);
  if (b.scope !== undefined && !(MEMBER_BUDGET_SCOPES as readonly string[]).includes(b.scope)) {
    return new LookoutError('forbidden', `scope: ${which} is a ${b.scope} budget (it replaces the tier an admin set for the user): ${role}`);
  }
  return null;
}

// Refuses (403) a member's request for a budget a member may not set.
function checkMemberInput(request: FastifyRequest, body: { id?: string; scope?: string; enforce?: string }, verb: string): void {
  if (request.auth.scope === 'admin') return;
  const refusal = memberRefusal(request.auth, body, verb);
  if (refusal) throw refusal;
}

function authorOf(request: FastifyRequest): BudgetAuthor {
  const { auth } = request;
  const by = actorIdOf(auth);
  if (auth.scope === 'admin') return { id: by };
  return {
    id: by,
    member: true,
    mayChange: (existing: Budget) => {
      if (existing.createdBy === null || existing.createdBy !== by) {
        throw new LookoutError(
          'forbidden',
          `budget '${existing.id}' was not created by you: your role in project '${auth.projectId}' is ${auth.scope}, which may change or delete only the budgets you created; an admin of the project may`,
        );
      }
      const refusal = memberRefusal(auth, existing, 'change or delete');
      if (refusal) throw refusal;
    },
  };
}

export function registerBudgetRoutes(fastify: FastifyInstance, ctx: AppContext): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const book = ctx.budgets;
  // A user budget's subject is an application's end-user id: the audit log keeps the keyed hash
  // an erasure records instead.
  const forAudit = <B extends { scope: string; subject: string | null } | undefined | null>(project: string, b: B): B =>
    b && b.scope === 'user' && b.subject !== null && b.subject !== '*' ? ({ ...b, subject: endUserHash(ctx, project, b.subject) } as B) : b;

  // Any key of the project may ask, ingest keys included: the gateway holds one.
  app.get(
    BUDGET_CHECK_PATH,
    { config: { scope: 'ingest' },
      schema: {
        summary: 'The budgets that apply to a caller, and whether a spent hard budget blocks it (any key of the project)',
        tags,
        querystring: checkQuerySchema,
        response: { 200: checkResultSchema, ...errorResponses },
      },
    },
    async (request) => {
      const project = requireScope(request, 'ingest');
      const q = request.query;
      return book.check(project, { user: q.user, team: q.team, department: q.department });
    },
  );

  app.get(
    '/api/v1/budgets',
    { config: { scope: 'read' },
      schema: {
        summary: "The project's budgets, each with its statuses, and the tier settings",
        tags,
        response: { 200: budgetListSchema, ...errorResponses },
      },
    },
    async (request) => {
      const project = requireScope(request, 'read');
      const statuses = book.statuses(project);
      const byBudget = new Map<string, ReturnType<typeof statusView>[]>();
      for (const s of statuses) {
        const list = byBudget.get(s.budget.id) ?? [];
        list.push(statusView(s));
        byBudget.set(s.budget.id, list);
      }
      return {
        budgets: book.list(project).map((b) => ({ ...b, statuses: byBudget.get(b.id) ?? [] })),
        tiers: book.tiers(project).settings,
      };
    },
  );

  // Statuses of every budget, tier budgets included (one per user for '*' and tiers), filtered.
  app.get(
    '/api/v1/budgets/status',
    { config: { scope: 'read' },
      schema: {
        summary: 'Statuses of every budget, tier budgets included (one per user for each-user and tier budgets), filtered',
        tags,
        querystring: statusQuerySchema,
        response: { 200: z.object({ statuses: z.array(budgetStatusSchema) }), ...errorResponses },
      },
    },
    async (request) => {
      const project = requireScope(request, 'read');
      const q = request.query;
      return { statuses: book.statuses(project, undefined, { scope: q.scope, period: q.period, subject: q.subject, budgetId: q.budget }) };
    },
  );

  app.post(
    '/api/v1/budgets',
    { config: { scope: 'member' },
      schema: {
        summary: 'Create a budget',
        tags,
        body: budgetBodySchema,
        response: { 201: budgetWithStatusesSchema, ...errorResponses, 409: errorSchema },
      },
    },
    async (request, reply) => {
      const project = requireScope(request, 'member');
      checkMemberInput(request, request.body, 'create');
      const { id } = request.body;
      // Several nodes: another may have made this id since this one last read the definitions.
      await book.syncDefinitions();
      if (id !== undefined && book.get(project, id)) {
        throw new LookoutError('conflict', `id: a budget '${id}' exists already; change it with PUT /api/v1/budgets/${id}`);
      }
      const { budget } = await book.upsert(project, request.body, undefined, authorOf(request));
      auditChange(request, { target: budget.id, after: forAudit(project, budget) });
      reply.code(201);
      return { budget, statuses: book.statuses(project, undefined, { budgetId: budget.id }).map(statusView) };
    },
  );

  app.get(
    '/api/v1/budgets/:id',
    { config: { scope: 'read' }, schema: { summary: 'One budget with its statuses', tags, params: budgetIdParams, response: { 200: budgetWithStatusesSchema, ...errorResponses } } },
    async (request) => {
      const project = requireScope(request, 'read');
      const budget = book.get(project, request.params.id);
      if (!budget) throw new LookoutError('not_found', `no budget '${request.params.id}' in this project`);
      return { budget, statuses: book.statuses(project, undefined, { budgetId: budget.id }).map(statusView) };
    },
  );

  app.put(
    '/api/v1/budgets/:id',
    { config: { scope: 'member' },
      schema: {
        summary: 'Replace a budget (its id is the one in the path); a member only one they created',
        tags,
        params: budgetIdParams,
        body: budgetBodySchema,
        response: { 200: budgetWithStatusesSchema, ...errorResponses },
      },
    },
    async (request) => {
      const project = requireScope(request, 'member');
      const id = request.params.id;
      await book.syncDefinitions();
      if (!book.get(project, id)) throw new LookoutError('not_found', `no budget '${id}' in this project; create one with POST /api/v1/budgets`);
      const given = request.body.id;
      if (given !== undefined && given !== id) throw new LookoutError('invalid_request', `id: '${given}' does not match the URL ('${id}'); leave it out`);
      checkMemberInput(request, { ...request.body, id }, 'set');
      const before = book.get(project, id);
      const { budget } = await book.upsert(project, { ...request.body, id }, undefined, authorOf(request));
      auditChange(request, { before: forAudit(project, before), after: forAudit(project, budget) });
      return { budget, statuses: book.statuses(project, undefined, { budgetId: budget.id }).map(statusView) };
    },
  );

  app.delete(
    '/api/v1/budgets/:id',
    { config: { scope: 'member' }, schema: { summary: 'Delete a budget; a member only one they created', tags, params: budgetIdParams, response: { 200: z.object({ deleted: z.string() }), ...errorResponses } } },
    async (request) => {
      const project = requireScope(request, 'member');
      const before = book.get(project, request.params.id);
      if (!(await book.remove(project, request.params.id, authorOf(request)))) throw new LookoutError('not_found', `no budget '${request.params.id}' in this project`);
      auditChange(request, { before: forAudit(project, before) });
      return { deleted: request.params.id };
    },
  );

  app.get(
    '/api/v1/budgets/tiers',
    { config: { scope: 'read' }, schema: { summary: 'The tier settings and the users assigned a tier', tags, response: { 200: tierViewSchema, ...errorResponses } } },
    async (request) => {
      const project = requireScope(request, 'read');
      return book.tiers(project);
    },
  );

  app.put(
    '/api/v1/budgets/tiers',
    { config: { scope: 'admin' },
      schema: {
        summary: 'Change the tier limits, the default tier, enforcement or warning levels (fields left out stay as they are)',
        tags,
        body: tierSettingsBodySchema,
        response: { 200: z.object({ settings: tierSettingsSchema }), ...errorResponses },
      },
    },
    async (request) => {
      const project = requireScope(request, 'admin');
      const before = book.tiers(project).settings;
      const settings = await book.setTierSettings(project, request.body);
      auditChange(request, { before, after: settings });
      return { settings };
    },
  );

  app.get(
    '/api/v1/budgets/tiers/:user',
    { config: { scope: 'read' }, schema: { summary: "A user's tier: assigned, or the default tier", tags, params: userParams, response: { 200: userTierSchema, ...errorResponses } } },
    async (request) => {
      const project = requireScope(request, 'read');
      const { tier, assigned } = book.tierOfUser(project, request.params.user);
      return { user: request.params.user, tier, assigned };
    },
  );

  app.put(
    '/api/v1/budgets/tiers/:user',
    { config: { scope: 'admin', auditEndUserParam: 'user' },
      schema: {
        summary: 'Assign a tier to a user',
        tags,
        params: userParams,
        body: tierAssignmentBodySchema,
        response: { 200: tierChangeSchema, ...errorResponses },
      },
    },
    async (request) => {
      const project = requireScope(request, 'admin');
      const { tier } = request.body;
      const previous = await book.setTier(project, request.params.user, tier);
      auditChange(request, { before: { tier: previous }, after: { tier } });
      return { user: request.params.user, tier, previous };
    },
  );

  app.delete(
    '/api/v1/budgets/tiers/:user',
    { config: { scope: 'admin', auditEndUserParam: 'user' }, schema: { summary: "Remove a user's tier assignment", tags, params: userParams, response: { 200: tierChangeSchema, ...errorResponses } } },
    async (request) => {
      const project = requireScope(request, 'admin');
      const previous = await book.setTier(project, request.params.user, null);
      auditChange(request, { before: { tier: previous }, after: { tier: null } });
      if (previous === null) throw new LookoutError('not_found', `user '${request.params.user}' has no tier assigned in this project`);
      return { user: request.params.user, tier: null, previous };
    },
  );
}
