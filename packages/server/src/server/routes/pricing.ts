import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CATALOG_VERSION, parsePriceOverride, loadOverridesFile, priceOverrideInputSchema, type Pricer } from '../../enrich/pricing/index.ts';
import type { Store, StoredPriceOverride } from '../../store/store.ts';
import { requireOperator, requireScope, type AppContext } from '../context.ts';
import { LookoutError } from '../../errors.ts';
import { auditChange } from '../audit-hook.ts';
import { documentedOnly, errorResponses } from '../openapi.ts';
import { priceOverrideSchema, unknownModelSchema } from '../schemas/pricing.ts';

// Validated by parsePriceOverride, which names every bad field at once.
const newPriceOverrideBody = documentedOnly(priceOverrideInputSchema.meta({ id: 'NewPriceOverride' }));

// B1/B2: price overrides (file + API), the unknown-model list, and re-costing.

// File overrides are reloaded at start: they replace the previous file entries, API entries stay.
export async function loadPriceOverrides(store: Store, pricer: Pricer, file: string | null): Promise<void> {
  if (file) {
    const fromFile = loadOverridesFile(file);
    const ids = new Set(fromFile.map((o) => o.id));
    for (const old of await store.listPriceOverrides()) {
      if (old.source === 'file' && !ids.has(old.id)) await store.deletePriceOverride(old.id);
    }
    for (const o of fromFile) await store.upsertPriceOverride({ ...o, source: 'file' });
  }
  pricer.setOverrides(await store.listPriceOverrides());
}

// Re-costs stored spans with the pricer's current prices. `models` null: every unknown-cost span.
export async function backfillCosts(
  store: Store,
  pricer: Pricer,
  options: { models: string[] | null; onlyUnknown: boolean; onProgress?: (p: { done: number; total: number }) => void },
): Promise<{ updated: number }> {
  return store.reprice((span) => pricer.price(span), options);
}

const backfillSchema = z
  .object({
    models: z.array(z.string().min(1)).min(1).optional().describe('re-cost the spans of these models; default: every span whose cost is unknown'),
    all: z.boolean().default(false).describe('without models: re-cost every span, not only those of unknown cost'),
  })
  .strict();

const recosted = z.number().int().describe('spans whose cost was computed again');

export function registerPricingRoutes(fastify: FastifyInstance, ctx: AppContext): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/api/v1/pricing/unknown-models',
    { config: { scope: 'read' },
      schema: {
        summary: 'Models called without a known price, with how often',
        tags: ['pricing'],
        response: { 200: z.object({ models: z.array(unknownModelSchema), hint: z.string().optional() }), ...errorResponses },
      },
    },
    async (request) => {
      const project = requireScope(request, 'read');
      const models = await ctx.store.listUnknownModels(project);
      return {
        models,
        hint: models.length ? 'add a price with POST /api/v1/pricing/overrides; the affected calls are re-costed' : undefined,
      };
    },
  );

  app.get(
    '/api/v1/pricing/overrides',
    { config: { scope: 'read' },
      schema: {
        summary: 'Price overrides, and the version of the catalog they sit on top of',
        tags: ['pricing'],
        response: { 200: z.object({ catalogVersion: z.string(), overrides: z.array(priceOverrideSchema) }), ...errorResponses },
      },
    },
    async (request) => {
      requireScope(request, 'read');
      // The catalog the overrides sit on top of, so a reader can tell where other prices come from.
      return { catalogVersion: CATALOG_VERSION, overrides: await ctx.store.listPriceOverrides() };
    },
  );

  // Adding a price re-costs the calls it applies to at once (B2).
  app.post(
    '/api/v1/pricing/overrides',
    { config: { scope: 'operator' },
      schema: {
        summary: 'Add or replace a price override (operator); the calls it applies to are re-costed',
        tags: ['pricing'],
        // Read by parsePriceOverride, which names every bad field at once, as the overrides file does.
        body: newPriceOverrideBody,
        response: { 201: z.object({ override: priceOverrideSchema, recosted }), ...errorResponses },
      },
    },
    async (request, reply) => {
      requireOperator(request);
      const override = parsePriceOverride(request.body);
      const stored: StoredPriceOverride = { ...override, source: 'api' };
      const before = (await ctx.store.listPriceOverrides()).find((o) => o.id === override.id) ?? null;
      await ctx.store.upsertPriceOverride(stored);
      auditChange(request, { target: override.id, before, after: stored });
      ctx.pricer.setOverrides(await ctx.store.listPriceOverrides());
      const models = override.model.endsWith('*') ? null : [override.model];
      const { updated } = await backfillCosts(ctx.store, ctx.pricer, { models, onlyUnknown: models === null });
      request.log.info({ event: 'price_override_added', overrideId: override.id, model: override.model, recosted: updated }, 'price override added');
      reply.code(201);
      return { override: stored, recosted: updated };
    },
  );

  app.delete(
    '/api/v1/pricing/overrides/:id',
    { config: { scope: 'operator' },
      schema: {
        summary: 'Delete a price override (operator); the calls it applied to are re-costed',
        tags: ['pricing'],
        params: z.object({ id: z.string() }),
        response: { 200: z.object({ deleted: z.string(), recosted }), ...errorResponses },
      },
    },
    async (request) => {
      requireOperator(request);
      const existing = (await ctx.store.listPriceOverrides()).find((o) => o.id === request.params.id);
      if (!existing) throw new LookoutError('not_found', `no price override ${request.params.id}`);
      await ctx.store.deletePriceOverride(existing.id);
      auditChange(request, { target: existing.id, before: existing });
      ctx.pricer.setOverrides(await ctx.store.listPriceOverrides());
      const models = existing.model.endsWith('*') ? null : [existing.model];
      const { updated } = await backfillCosts(ctx.store, ctx.pricer, { models, onlyUnknown: false });
      return { deleted: existing.id, recosted: updated };
    },
  );

  app.post(
    '/api/v1/pricing/backfill',
    { config: { scope: 'operator', auditBody: true },
      schema: {
        summary: 'Re-cost stored spans with the current prices (operator)',
        tags: ['pricing'],
        body: backfillSchema,
        response: { 200: z.object({ recosted }), ...errorResponses },
      },
    },
    async (request) => {
      requireOperator(request);
      const body = request.body;
      const models = body.models ?? null;
      const { updated } = await backfillCosts(ctx.store, ctx.pricer, { models, onlyUnknown: !body.all && models === null });
      return { recosted: updated };
    },
  );
}
