import type { Cost, Usage, UsageBucket } from '../../domain/span.ts';

// A price row compiled for the hot path: one rate per usage bucket, fallbacks already applied
// (reasoning at the output price when the row has no reasoning price, and so on), so pricing a
// span is six multiplications and no lookups.

export interface PriceTier {
  // The tier applies when the call's total input tokens (uncached + cache read + cache write +
  // audio) exceed this count, as genai-prices selects tiers.
  aboveInputTokens: number;
  usdPerMtok: number;
  microUsdPerMtok: number | null;
}

export interface BucketRate {
  usdPerMtok: number;
  // The same price as an integer number of micro-dollars per million tokens when it has at most
  // six decimals (every published price), which makes tokens × price exact integer arithmetic.
  microUsdPerMtok: number | null;
  tiers: PriceTier[] | null; // ascending by aboveInputTokens
  // Where the price came from: a catalog price key ("cache_read_mtok") or an override field.
  source: string;
}

export interface PriceRow {
  id: string; // "catalog:<provider>/<model>[@<constraint>]" or "override:<id>"
  catalogVersion: string;
  providerId: string | null;
  modelId: string;
  // null: the row prices neither this bucket nor its parent, so its tokens cost nothing (an
  // embedding row has no output price), which is also what genai-prices does.
  rates: Record<UsageBucket, BucketRate | null>;
  tiered: boolean;
}

export const BUCKET_ORDER: readonly UsageBucket[] = ['input', 'cacheRead', 'cacheWrite', 'audio', 'output', 'reasoning'];

export function toMicroUsdPerMtok(usdPerMtok: number): number | null {
  const scaled = usdPerMtok * 1e6;
  const micro = Math.round(scaled);
  return Math.abs(micro - scaled) < 1e-6 ? micro : null;
}

export function flatRate(usdPerMtok: number, source: string): BucketRate {
  return { usdPerMtok, microUsdPerMtok: toMicroUsdPerMtok(usdPerMtok), tiers: null, source };
}

// Tokens genai-prices counts as "input_tokens": everything on the input side.
export function totalInputTokens(u: Usage): number {
  return positive(u.input) + positive(u.cacheRead) + positive(u.cacheWrite) + positive(u.audio);
}

export interface AppliedRate {
  usdPerMtok: number;
  microUsdPerMtok: number | null;
  tier: PriceTier | null;
}

// One price for the whole bucket, chosen by the total input size: genai-prices' tiers are not
// progressive (a 250k-token Claude call pays the >200k price on every token).
export function applyRate(rate: BucketRate, inputTokens: number): AppliedRate {
  if (rate.tiers === null) return { usdPerMtok: rate.usdPerMtok, microUsdPerMtok: rate.microUsdPerMtok, tier: null };
  let chosen: PriceTier | null = null;
  for (const tier of rate.tiers) if (inputTokens > tier.aboveInputTokens) chosen = tier;
  return chosen === null
    ? { usdPerMtok: rate.usdPerMtok, microUsdPerMtok: rate.microUsdPerMtok, tier: null }
    : { usdPerMtok: chosen.usdPerMtok, microUsdPerMtok: chosen.microUsdPerMtok, tier: chosen };
}

// tokens × USD-per-Mtok × 1000, rounded to whole nano-dollars. Integer arithmetic when the price
// has an exact micro-dollar form, so .5 boundaries round the same way on every machine.
export function bucketNanoUsd(tokens: number, usdPerMtok: number, microUsdPerMtok: number | null): number {
  if (microUsdPerMtok !== null) {
    const product = tokens * microUsdPerMtok;
    if (product <= Number.MAX_SAFE_INTEGER) return Math.round(product / 1000);
  }
  return Math.round(tokens * usdPerMtok * 1000);
}

// Negative, NaN or infinite counts cannot be charged; the ingest edge rejects them, and the hot
// path treats any that slip through as zero rather than producing a NaN cost.
export function positive(n: number): number {
  return n > 0 && n !== Infinity ? n : 0;
}

export function costFromRow(row: PriceRow, usage: Usage): Cost {
  const inputTokens = row.tiered ? totalInputTokens(usage) : 0;
  const byBucketNanoUsd: Partial<Record<UsageBucket, number>> = {};
  let total = 0;
  for (const bucket of BUCKET_ORDER) {
    const tokens = positive(usage[bucket]);
    if (tokens === 0) continue;
    const rate = row.rates[bucket];
    let nano = 0;
    if (rate !== null) {
      if (rate.tiers === null) nano = bucketNanoUsd(tokens, rate.usdPerMtok, rate.microUsdPerMtok);
      else {
        const applied = applyRate(rate, inputTokens);
        nano = bucketNanoUsd(tokens, applied.usdPerMtok, applied.microUsdPerMtok);
      }
    }
    byBucketNanoUsd[bucket] = nano;
    total += nano;
  }
  return {
    status: 'priced',
    totalNanoUsd: total,
    byBucketNanoUsd,
    priceRowId: row.id,
    catalogVersion: row.catalogVersion,
  };
}
