import type { FastifyInstance } from 'fastify';
import type { BudgetStatus } from '../../budgets/policy.ts';
import { BUDGET_PERIODS, BUDGET_SCOPES, MAX_SUBJECT_CHARS, parseInput, tierAssignmentSchema } from '../../budgets/schema.ts';
import { requireScope, type AppContext } from '../context.ts';
import { LookoutError } from '../../errors.ts';
import { z } from 'zod';

// B6: budgets, their status, tier assignments, and the check the gateway and SDK call before a
// request. The check answers from memory and does not wait for read-your-writes (see app.ts).

export const BUDGET_CHECK_PATH = '/api/v1/budgets/check';

const checkQuerySchema = z
  .object({
    user: z.string().min(1, 'must not be empty').max(MAX_SUBJECT_CHARS, `at most ${MAX_SUBJECT_CHARS} characters`).optional(),
    team: z.string().min(1, 'must not be empty').max(MAX_SUBJECT_CHARS, `at most ${MAX_SUBJECT_CHARS} characters`).optional(),
    department: z.string().min(1, 'must not be empty').max(MAX_SUBJECT_CHARS, `at most ${MAX_SUBJECT_CHARS} characters`).optional(),
  })
  .strict();

const statusQuerySchema = z
  .object({
    scope: z.enum(BUDGET_SCOPES, { error: `must be one of ${BUDGET_SCOPES.join(', ')}` }).optional(),
    period: z.enum(BUDGET_PERIODS, { error: `must be one of ${BUDGET_PERIODS.join(', ')}` }).optional(),
    subject: z.string().min(1).max(MAX_SUBJECT_CHARS).optional(),
    budget: z.string().min(1).max(128).optional(),
  })
  .strict();

function query<T extends z.ZodType>(schema: T, raw: unknown): z.output<T> {
  return parseInput(schema, raw ?? {}, 'invalid_parameter');
}

// The status without its budget (the budget is the enclosing object).
function statusView(s: BudgetStatus): Omit<BudgetStatus, 'budget'> {
  const { budget: _budget, ...rest } = s;
  return rest;
}

export function registerBudgetRoutes(app: FastifyInstance, ctx: AppContext): void {
  const book = ctx.budgets;

  // Any key of the project may ask, ingest keys included: the gateway holds one.
  app.get(BUDGET_CHECK_PATH, async (request) => {
    const project = requireScope(request, 'ingest');
    const q = query(checkQuerySchema, request.query);
    return book.check(project, { user: q.user, team: q.team, department: q.department });
  });

  app.get('/api/v1/budgets', async (request) => {
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
  });

  // Statuses of every budget, tier budgets included (one per user for '*' and tiers), filtered.
  app.get('/api/v1/budgets/status', async (request) => {
    const project = requireScope(request, 'read');
    const q = query(statusQuerySchema, request.query);
    return { statuses: book.statuses(project, undefined, { scope: q.scope, period: q.period, subject: q.subject, budgetId: q.budget }) };
  });

  app.post('/api/v1/budgets', async (request, reply) => {
    const project = requireScope(request, 'admin');
    const body = request.body as { id?: unknown } | undefined;
    if (body && typeof body === 'object' && typeof body.id === 'string' && book.get(project, body.id)) {
      throw new LookoutError('conflict', `id: a budget '${body.id}' exists already; change it with PUT /api/v1/budgets/${body.id}`);
    }
    const { budget } = await book.upsert(project, request.body);
    reply.code(201);
    return { budget, statuses: book.statuses(project, undefined, { budgetId: budget.id }).map(statusView) };
  });

  app.get<{ Params: { id: string } }>('/api/v1/budgets/:id', async (request) => {
    const project = requireScope(request, 'read');
    const budget = book.get(project, request.params.id);
    if (!budget) throw new LookoutError('not_found', `no budget '${request.params.id}' in this project`);
    return { budget, statuses: book.statuses(project, undefined, { budgetId: budget.id }).map(statusView) };
  });

  app.put<{ Params: { id: string } }>('/api/v1/budgets/:id', async (request) => {
    const project = requireScope(request, 'admin');
    const id = request.params.id;
    if (!book.get(project, id)) throw new LookoutError('not_found', `no budget '${id}' in this project; create one with POST /api/v1/budgets`);
    const body = request.body;
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new LookoutError('invalid_request', 'body: send a JSON object');
    const given = (body as { id?: unknown }).id;
    if (given !== undefined && given !== id) throw new LookoutError('invalid_request', `id: '${String(given)}' does not match the URL ('${id}'); leave it out`);
    const { budget } = await book.upsert(project, { ...body, id });
    return { budget, statuses: book.statuses(project, undefined, { budgetId: budget.id }).map(statusView) };
  });

  app.delete<{ Params: { id: string } }>('/api/v1/budgets/:id', async (request) => {
    const project = requireScope(request, 'admin');
    if (!(await book.remove(project, request.params.id))) throw new LookoutError('not_found', `no budget '${request.params.id}' in this project`);
    return { deleted: request.params.id };
  });

  app.get('/api/v1/budgets/tiers', async (request) => {
    const project = requireScope(request, 'read');
    return book.tiers(project);
  });

  app.put('/api/v1/budgets/tiers', async (request) => {
    const project = requireScope(request, 'admin');
    const settings = await book.setTierSettings(project, request.body);
    return { settings };
  });

  app.get<{ Params: { user: string } }>('/api/v1/budgets/tiers/:user', async (request) => {
    const project = requireScope(request, 'read');
    const { tier, assigned } = book.tierOfUser(project, request.params.user);
    return { user: request.params.user, tier, assigned };
  });

  app.put<{ Params: { user: string } }>('/api/v1/budgets/tiers/:user', async (request) => {
    const project = requireScope(request, 'admin');
    const { tier } = parseInput(tierAssignmentSchema, request.body);
    const previous = await book.setTier(project, request.params.user, tier);
    return { user: request.params.user, tier, previous };
  });

  app.delete<{ Params: { user: string } }>('/api/v1/budgets/tiers/:user', async (request) => {
    const project = requireScope(request, 'admin');
    const previous = await book.setTier(project, request.params.user, null);
    if (previous === null) throw new LookoutError('not_found', `user '${request.params.user}' has no tier assigned in this project`);
    return { user: request.params.user, tier: null, previous };
  });
}
