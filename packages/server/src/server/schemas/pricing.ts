import { z } from 'zod';
import { COST_STATUSES, USAGE_BUCKETS } from '../../domain/span.ts';
import type { CostExplanation } from '../../enrich/pricing/types.ts';
import type { StoredPriceOverride, UnknownModel } from '../../store/store.ts';
import type { Assert, Extends } from './check.ts';

// Price overrides and the models no price is known for, as the pricing routes answer with them.

const perMtok = z.number().describe('USD per million tokens');

export const priceOverrideSchema = z
  .object({
    id: z.string(),
    provider: z.string().nullable().describe('null: any provider'),
    model: z.string().describe('an exact model name, or a prefix ending in "*"'),
    effectiveFrom: z.string().describe('RFC 3339, UTC, inclusive'),
    effectiveTo: z.string().nullable().describe('RFC 3339, UTC, exclusive; null: open-ended'),
    inputPerMtokUsd: perMtok,
    outputPerMtokUsd: perMtok,
    cacheReadPerMtokUsd: perMtok.nullish(),
    cacheWritePerMtokUsd: perMtok.nullish(),
    reasoningPerMtokUsd: perMtok.nullish(),
    audioPerMtokUsd: perMtok.nullish(),
    source: z.enum(['file', 'api']).describe('file: from pricing.overridesFile, reloaded at start; api: added with POST'),
  })
  .meta({ id: 'PriceOverride' });

export const unknownModelSchema = z
  .object({
    provider: z.string().nullable(),
    model: z.string().nullable(),
    calls: z.number().int(),
    totalTokens: z.number().int(),
    firstSeen: z.string(),
    lastSeen: z.string(),
  })
  .meta({ id: 'UnknownModel' });

const nullableString = z.string().nullable();

export const costExplanationSchema = z
  .object({
    status: z.enum(COST_STATUSES),
    totalUsd: z.number().nullable().describe('US dollars; null when the cost is not known'),
    totalNanoUsd: z.number().int().nullable().describe('exact, integer nano-dollars (1e-9 USD)'),
    priceRowId: nullableString.describe("the price row that produced the cost: 'catalog:openai/gpt-4o' or 'override:<id>'"),
    catalogVersion: nullableString,
    model: nullableString,
    provider: nullableString,
    lines: z.array(
      z.object({
        bucket: z.enum(USAGE_BUCKETS),
        tokens: z.number().int(),
        unitPricePerMtokUsd: perMtok,
        costUsd: z.number(),
        costNanoUsd: z.number().int().describe("exact; the lines' costNanoUsd sum to totalNanoUsd"),
        tierAboveInputTokens: z.number().int().nullable().describe("set when a tiered price applied: the tier's threshold on total input tokens"),
        text: z.string().describe('"1,234 input × $3/M = $0.003702"'),
      }),
    ),
    summary: z.string().describe('one line a person can read'),
    note: nullableString.describe("why the explanation of a stored cost may not match today's catalog, e.g. the price row is gone"),
  })
  .meta({ id: 'CostExplanation' });

export type PricingChecks = [
  Assert<Extends<CostExplanation, z.output<typeof costExplanationSchema>>>,
  Assert<Extends<z.output<typeof costExplanationSchema>, CostExplanation>>,
  Assert<Extends<StoredPriceOverride, z.output<typeof priceOverrideSchema>>>,
  Assert<Extends<z.output<typeof priceOverrideSchema>, StoredPriceOverride>>,
  Assert<Extends<UnknownModel, z.output<typeof unknownModelSchema>>>,
  Assert<Extends<z.output<typeof unknownModelSchema>, UnknownModel>>,
];
