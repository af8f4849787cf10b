import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { CATALOG_VERSION, parsePriceOverride, loadOverridesFile, type Pricer } from '../../enrich/pricing/index.ts';
import type { Store, StoredPriceOverride } from '../../store/store.ts';
import { requireOperator, requireScope, type AppContext } from '../context.ts';
import { LookoutError } from '../../errors.ts';
import { parseQuery } from './spans.ts';

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
    models: z.array(z.string().min(1)).min(1).optional(),
    all: z.boolean().default(false),
  })
  .strict();

export function registerPricingRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/api/v1/pricing/unknown-models', async (request) => {
    const project = requireScope(request, 'read');
    const models = await ctx.store.listUnknownModels(project);
    return {
      models,
      hint: models.length ? 'add a price with POST /api/v1/pricing/overrides; the affected calls are re-costed' : undefined,
    };
  });

  app.get('/api/v1/pricing/overrides', async (request) => {
    requireScope(request, 'read');
    // The catalog the overrides sit on top of, so a reader can tell where other prices come from.
    return { catalogVersion: CATALOG_VERSION, overrides: await ctx.store.listPriceOverrides() };
  });

  // Adding a price re-costs the calls it applies to at once (B2).
  app.post('/api/v1/pricing/overrides', async (request, reply) => {
    requireOperator(request);
    const override = parsePriceOverride(request.body);
    const stored: StoredPriceOverride = { ...override, source: 'api' };
    await ctx.store.upsertPriceOverride(stored);
    ctx.pricer.setOverrides(await ctx.store.listPriceOverrides());
    const models = override.model.endsWith('*') ? null : [override.model];
    const { updated } = await backfillCosts(ctx.store, ctx.pricer, { models, onlyUnknown: models === null });
    request.log.info({ event: 'price_override_added', overrideId: override.id, model: override.model, recosted: updated }, 'price override added');
    reply.code(201);
    return { override: stored, recosted: updated };
  });

  app.delete<{ Params: { id: string } }>('/api/v1/pricing/overrides/:id', async (request) => {
    requireOperator(request);
    const existing = (await ctx.store.listPriceOverrides()).find((o) => o.id === request.params.id);
    if (!existing) throw new LookoutError('not_found', `no price override ${request.params.id}`);
    await ctx.store.deletePriceOverride(existing.id);
    ctx.pricer.setOverrides(await ctx.store.listPriceOverrides());
    const models = existing.model.endsWith('*') ? null : [existing.model];
    const { updated } = await backfillCosts(ctx.store, ctx.pricer, { models, onlyUnknown: false });
    return { deleted: existing.id, recosted: updated };
  });

  app.post('/api/v1/pricing/backfill', async (request) => {
    requireOperator(request);
    const body = parseQuery(backfillSchema, request.body ?? {});
    const models = body.models ?? null;
    const { updated } = await backfillCosts(ctx.store, ctx.pricer, { models, onlyUnknown: !body.all && models === null });
    return { recosted: updated };
  });
}
