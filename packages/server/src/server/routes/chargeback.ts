import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { markupSettingsSchema, MAX_OTHER_COSTS, otherCostInputSchema, otherCostSchema, type OtherCostInput } from '../../query/chargeback-settings.ts';
import { requireScope, type AppContext } from '../context.ts';
import { errorResponses } from '../openapi.ts';

// What a project bills on top of its calls' cost (docs/cost.md#chargeback-markup-and-other-costs):
// markup tiers and their assignments, and other costs. GET /api/v1/reports/chargeback applies them.

const tags = ['reports'];
const costIdParams = z.object({ id: z.string().max(64) }).strict();
const costListSchema = z.object({ costs: z.array(otherCostSchema) }).meta({ id: 'ChargebackOtherCosts' });

const normalised = (input: z.output<typeof otherCostInputSchema>): OtherCostInput => ({ ...input, toMonth: input.toMonth ?? null });

export function registerChargebackRoutes(fastify: FastifyInstance, ctx: AppContext): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const store = ctx.chargeback;

  app.get(
    '/api/v1/chargeback/markup',
    { config: { scope: 'read' }, schema: { summary: 'The markup tiers, which groups are in which tier, and the default tier', tags, response: { 200: markupSettingsSchema, ...errorResponses } } },
    async (request) => (await store.of(requireScope(request, 'read'))).markup,
  );

  app.put(
    '/api/v1/chargeback/markup',
    {
      config: { scope: 'admin', auditBody: true },
      schema: {
        summary: 'Sets the markup tiers and their assignments (the whole set)',
        description:
          'A group is billed its calls\' cost plus markupPct percent of it; a feature\'s assignment wins over its application\'s, team\'s and department\'s, then the default tier. Tier names are unique and each (dimension, value) is assigned once.',
        tags,
        body: markupSettingsSchema,
        response: { 200: markupSettingsSchema, ...errorResponses },
      },
    },
    async (request) => {
      const project = requireScope(request, 'admin');
      const markup = await store.setMarkup(project, request.body);
      request.log.info({ event: 'chargeback_markup_changed', project, tiers: markup.tiers.length, assignments: markup.assignments.length }, 'chargeback markup changed');
      return markup;
    },
  );

  app.get(
    '/api/v1/chargeback/costs',
    { config: { scope: 'read' }, schema: { summary: 'The other costs (storage, vector database, compute) billed in chargeback', tags, response: { 200: costListSchema, ...errorResponses } } },
    async (request) => ({ costs: (await store.of(requireScope(request, 'read'))).costs }),
  );

  app.post(
    '/api/v1/chargeback/costs',
    {
      config: { scope: 'admin', auditBody: true },
      schema: {
        summary: 'Adds an other cost: a fixed monthly amount, or a unit price times a quantity, billed to a department, team, application or feature',
        description: `At most ${MAX_OTHER_COSTS} per project. Amounts are decimal text of US dollars.`,
        tags,
        body: otherCostInputSchema,
        response: { 201: otherCostSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const project = requireScope(request, 'admin');
      const cost = await store.addCost(project, normalised(request.body), new Date());
      reply.code(201);
      return cost;
    },
  );

  app.put(
    '/api/v1/chargeback/costs/:id',
    {
      config: { scope: 'admin', auditBody: true },
      schema: { summary: 'Replaces an other cost', tags, params: costIdParams, body: otherCostInputSchema, response: { 200: otherCostSchema, ...errorResponses } },
    },
    async (request) => {
      const project = requireScope(request, 'admin');
      return store.replaceCost(project, request.params.id, normalised(request.body), new Date());
    },
  );

  app.delete(
    '/api/v1/chargeback/costs/:id',
    { config: { scope: 'admin' }, schema: { summary: 'Deletes an other cost', tags, params: costIdParams, response: { 200: z.object({ deleted: z.string() }), ...errorResponses } } },
    async (request) => {
      const project = requireScope(request, 'admin');
      await store.deleteCost(project, request.params.id);
      return { deleted: request.params.id };
    },
  );
}
