import { z } from 'zod';
import { decimalToNano, NANO_PER_USD_BIG } from '../domain/money.ts';
import { CHARGEBACK_DIMENSIONS, type ChargebackDimension } from './contract.ts';

// What a project bills on top of its model calls' cost: markup tiers (a percentage added to, or
// taken off, the calls' cost of the groups assigned to a tier) and other costs (storage, vector
// databases, compute) entered by hand as a monthly amount or a price per unit times a quantity.
// The shapes and their bounds; no I/O here (chargeback-store.ts keeps them).

export const MARKUP_MIN_PCT = -100;
export const MARKUP_MAX_PCT = 1000;
export const MAX_MARKUP_TIERS = 50;
export const MAX_TIER_ASSIGNMENTS = 10_000;
export const MAX_OTHER_COSTS = 1_000;
export const MAX_NAME_CHARS = 200;
export const MAX_TIER_NAME_CHARS = 64;
// A month's amount of one other cost, and a unit price: large enough for any real bill, small
// enough that sums of a thousand of them stay far inside what reports print exactly.
export const MAX_MONTHLY_USD = 1_000_000_000;
export const MAX_UNIT_PRICE_USD = 1_000_000;
export const MAX_QUANTITY = 1_000_000_000_000;

export const OTHER_COST_CATEGORIES = ['embedding_storage', 'vector_db', 'compute', 'other'] as const;
export type OtherCostCategory = (typeof OTHER_COST_CATEGORIES)[number];
// per_1k_requests: the quantity is a number of requests, priced per thousand;
// per_gb_month: gigabytes stored through the month; per_hour: hours of a machine.
export const OTHER_COST_UNITS = ['per_1k_requests', 'per_gb_month', 'per_hour'] as const;
export type OtherCostUnit = (typeof OTHER_COST_UNITS)[number];

export interface MarkupTier {
  name: string;
  markupPct: number; // two decimals at most
}

export interface TierAssignment {
  dimension: ChargebackDimension;
  value: string;
  tier: string;
}

export interface MarkupSettings {
  tiers: MarkupTier[];
  assignments: TierAssignment[];
  // The tier of groups no assignment names; null: they are billed at cost.
  defaultTier: string | null;
}

export type OtherCostPricing =
  | { type: 'fixed'; monthlyUsd: string }
  | { type: 'per_unit'; unit: OtherCostUnit; unitPriceUsd: string; quantity: number };

export interface OtherCostInput {
  name: string;
  category: OtherCostCategory;
  assignTo: { dimension: ChargebackDimension; value: string };
  pricing: OtherCostPricing;
  fromMonth: string; // YYYY-MM, the first month billed
  toMonth: string | null; // YYYY-MM, the last month billed; null: every month from fromMonth on
}

export interface OtherCost extends OtherCostInput {
  id: string;
  createdAt: string;
  updatedAt: string;
}

export const EMPTY_MARKUP: MarkupSettings = { tiers: [], assignments: [], defaultTier: null };

const dimension = z.enum(CHARGEBACK_DIMENSIONS, { error: `must be one of ${CHARGEBACK_DIMENSIONS.join(', ')}` });
const groupValue = z.string().min(1, 'must not be empty').max(MAX_NAME_CHARS, `must be at most ${MAX_NAME_CHARS} characters`);
const tierName = z.string().trim().min(1, 'must not be empty').max(MAX_TIER_NAME_CHARS, `must be at most ${MAX_TIER_NAME_CHARS} characters`);
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const month = z.string().regex(MONTH, 'must be a month as YYYY-MM');
// Whole hundredths of a percent: basis points, so a markup is exact integer arithmetic.
const twoDecimals = (v: number) => Math.abs(v * 100 - Math.round(v * 100)) < 1e-6;

const usd = (max: number) =>
  z
    .string({ error: 'must be a decimal amount of US dollars as text, like "120.50"' })
    .regex(/^\d{1,10}(\.\d{1,9})?$/, 'must be a decimal amount of US dollars as text, like "120.50", with at most 9 decimals')
    .refine((v) => Number(v) <= max, `must be at most ${max.toLocaleString('en-US')}`);

export const markupTierSchema = z
  .object({
    name: tierName.describe('the tier, as assignments name it'),
    markupPct: z
      .number({ error: 'must be a number' })
      .min(MARKUP_MIN_PCT, `must be at least ${MARKUP_MIN_PCT}`)
      .max(MARKUP_MAX_PCT, `must be at most ${MARKUP_MAX_PCT}`)
      .refine(twoDecimals, 'must have at most two decimals')
      .describe(`added to the calls' cost, in percent (${MARKUP_MIN_PCT} to ${MARKUP_MAX_PCT}; negative: a discount)`),
  })
  .strict();

export const tierAssignmentSchema = z
  .object({ dimension, value: groupValue.describe('the department, team, application or feature'), tier: tierName })
  .strict();

export const markupSettingsSchema = z
  .object({
    tiers: z.array(markupTierSchema).max(MAX_MARKUP_TIERS, `at most ${MAX_MARKUP_TIERS} tiers`),
    assignments: z.array(tierAssignmentSchema).max(MAX_TIER_ASSIGNMENTS, `at most ${MAX_TIER_ASSIGNMENTS} assignments`),
    defaultTier: tierName.nullable().describe('the tier of groups no assignment names; null: they are billed at cost'),
  })
  .strict()
  .meta({ id: 'ChargebackMarkup' });

const pricingSchema = z.discriminatedUnion(
  'type',
  [
    z.object({ type: z.literal('fixed'), monthlyUsd: usd(MAX_MONTHLY_USD).describe('US dollars a month, as decimal text') }).strict(),
    z
      .object({
        type: z.literal('per_unit'),
        unit: z.enum(OTHER_COST_UNITS, { error: `must be one of ${OTHER_COST_UNITS.join(', ')}` }),
        unitPriceUsd: usd(MAX_UNIT_PRICE_USD).describe('US dollars per unit (per 1,000 requests for per_1k_requests), as decimal text'),
        quantity: z
          .number({ error: 'must be a number' })
          .min(0, 'must not be negative')
          .max(MAX_QUANTITY, `must be at most ${MAX_QUANTITY.toLocaleString('en-US')}`)
          .describe('units a month (requests for per_1k_requests), counted to 0.001'),
      })
      .strict(),
  ],
  { error: "type must be 'fixed' or 'per_unit'" },
);

export const otherCostInputSchema = z
  .object({
    name: z.string().trim().min(1, 'must not be empty').max(MAX_NAME_CHARS, `must be at most ${MAX_NAME_CHARS} characters`),
    category: z.enum(OTHER_COST_CATEGORIES, { error: `must be one of ${OTHER_COST_CATEGORIES.join(', ')}` }),
    assignTo: z.object({ dimension, value: groupValue }).strict().describe('whom the cost is billed to'),
    pricing: pricingSchema,
    fromMonth: month.describe('the first month billed, YYYY-MM'),
    toMonth: month.nullable().optional().describe('the last month billed, YYYY-MM; absent or null: every month from fromMonth on'),
  })
  .strict();

export const otherCostSchema = otherCostInputSchema
  .extend({ id: z.string(), toMonth: month.nullable(), createdAt: z.string(), updatedAt: z.string() })
  .meta({ id: 'ChargebackOtherCost' });

const MILLI = 1000n;

// n / d to the nearest integer, halves away from zero (d > 0).
export function divRound(n: bigint, d: bigint): bigint {
  const q = n / d;
  const r = n % d;
  if (2n * (r < 0n ? -r : r) >= d) return n < 0n ? q - 1n : q + 1n;
  return q;
}

// A month's amount of an other cost in nano-dollars: the fixed amount, or the unit price times
// the quantity (counted to 0.001; per 1,000 requests divides by 1,000), rounded to the nano-dollar.
export function monthlyNano(pricing: OtherCostPricing): bigint {
  if (pricing.type === 'fixed') return decimalToNano(pricing.monthlyUsd);
  const quantityMilli = BigInt(Math.round(pricing.quantity * 1000));
  const per = pricing.unit === 'per_1k_requests' ? MILLI * 1000n : MILLI;
  return divRound(decimalToNano(pricing.unitPriceUsd) * quantityMilli, per);
}

// Whether the cost is billed in `month` (YYYY-MM; such strings order as months do).
export function billedIn(cost: Pick<OtherCostInput, 'fromMonth' | 'toMonth'>, month: string): boolean {
  return cost.fromMonth <= month && (cost.toMonth === null || month <= cost.toMonth);
}

// Checks what the schemas cannot; the first problem, named by its field.
export function markupProblem(m: MarkupSettings): { field: string; message: string } | null {
  const names = new Set<string>();
  for (const [i, t] of m.tiers.entries()) {
    if (names.has(t.name)) return { field: `tiers[${i}].name`, message: `the tier '${t.name}' is named twice` };
    names.add(t.name);
  }
  const seen = new Set<string>();
  for (const [i, a] of m.assignments.entries()) {
    if (!names.has(a.tier)) return { field: `assignments[${i}].tier`, message: `no tier is named '${a.tier}'` };
    const key = `${a.dimension}\u0000${a.value}`;
    if (seen.has(key)) return { field: `assignments[${i}]`, message: `the ${a.dimension} '${a.value}' is assigned twice` };
    seen.add(key);
  }
  if (m.defaultTier !== null && !names.has(m.defaultTier)) return { field: 'defaultTier', message: `no tier is named '${m.defaultTier}'` };
  return null;
}

export function otherCostProblem(c: OtherCostInput): { field: string; message: string } | null {
  if (c.toMonth !== null && c.toMonth < c.fromMonth) return { field: 'toMonth', message: `must not be before fromMonth (${c.fromMonth})` };
  if (monthlyNano(c.pricing) > BigInt(MAX_MONTHLY_USD) * NANO_PER_USD_BIG) {
    return { field: 'pricing', message: `the unit price times the quantity must be at most ${MAX_MONTHLY_USD.toLocaleString('en-US')} US dollars a month` };
  }
  return null;
}
