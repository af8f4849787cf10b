import { formatUsd, nanoToUsd, usdToNano } from '../../domain/money.ts';
import { unpricedCost, type Cost, type Usage } from '../../domain/span.ts';
import { catalogProviderId, catalogRowById, findCatalogModel, selectCatalogRow, type CatalogModel } from './catalog.ts';
import { BUCKET_LABELS, formatTokens, formatUsdPerMtok } from './format.ts';
import {
  applyRate,
  BUCKET_ORDER,
  bucketNanoUsd,
  costFromRow,
  flatRate,
  positive,
  totalInputTokens,
  type BucketRate,
  type PriceRow,
} from './row.ts';
import type { CostExplanation, CostExplanationLine, PriceOverride, PricingInput } from './types.ts';

export const OVERRIDES_CATALOG_VERSION = 'overrides';

interface CompiledOverride {
  override: PriceOverride;
  row: PriceRow;
  providerKey: string | null; // null: any provider
  modelExact: string | null; // lower-case
  modelPrefix: string | null; // lower-case, without the '*'
  fromMs: number;
  toMs: number;
  position: number; // later entries win ties on effectiveFrom
}

// Everything that can price one (provider, model) pair, looked up once and then reused: the
// overrides that name it, newest effectiveFrom first, and the catalog model with its dated
// variants. Which of them applies is decided per call from the start time with a few number
// comparisons, so one entry serves every day, and intraday rules (DeepSeek's off-peak prices,
// an override starting at noon) stay exact, which a cache keyed per day would not.
interface Resolution {
  overrides: CompiledOverride[];
  catalog: CatalogModel | null;
}

interface Chosen {
  row: PriceRow;
  model: string;
}

export interface PricerOptions {
  // Bound on cached (provider, model) lookups. Model names come from clients, so the set is open.
  maxCachedLookups?: number;
}

const DEFAULT_MAX_CACHED_LOOKUPS = 10_000;

export class Pricer {
  #overrides: CompiledOverride[] = [];
  #overridesById = new Map<string, CompiledOverride>();
  #cache = new Map<string, Resolution>();
  readonly #maxCachedLookups: number;

  constructor(overrides: PriceOverride[] = [], options: PricerOptions = {}) {
    this.#maxCachedLookups = Math.max(1, options.maxCachedLookups ?? DEFAULT_MAX_CACHED_LOOKUPS);
    this.setOverrides(overrides);
  }

  setOverrides(list: PriceOverride[]): void {
    const compiled = list.map((o, position) => compileOverride(o, position));
    this.#overrides = compiled;
    this.#overridesById = new Map(compiled.map((c) => [c.override.id, c]));
    this.#cache.clear();
  }

  get overrides(): readonly PriceOverride[] {
    return this.#overrides.map((c) => c.override);
  }

  // The hot path: called for every span. Never throws for well-typed input.
  price(input: PricingInput): Cost {
    // No tokens reported (a failed call, or an instrumentation that dropped the usage): no cost
    // is claimed, not even $0, since $0 would read as a measured cost.
    if (!hasTokens(input.usage)) return unpricedCost('not_applicable');
    const chosen = this.#choose(input);
    if (chosen !== null) return costFromRow(chosen.row, input.usage);
    return unpricedCost(hasTokens(input.usage) ? 'unknown_model' : 'not_applicable');
  }

  // A price row by the id a stored cost carries, re-derived from the catalog or the overrides.
  priceRowById(id: string): PriceRow | null {
    if (id.startsWith('override:')) return this.#overridesById.get(id.slice('override:'.length))?.row ?? null;
    return catalogRowById(id);
  }

  explain(input: PricingInput, storedCost?: Cost): CostExplanation {
    if (storedCost !== undefined) return this.#explainStored(input, storedCost);
    if (!hasTokens(input.usage)) return unpricedExplanation(input, 'not_applicable', null);
    const chosen = this.#choose(input);
    if (chosen === null) {
      return unpricedExplanation(input, hasTokens(input.usage) ? 'unknown_model' : 'not_applicable', null);
    }
    const lines = linesFromRow(chosen.row, input.usage);
    return pricedExplanation(input, chosen.row, chosen.model, lines, sumNano(lines), null);
  }

  #explainStored(input: PricingInput, stored: Cost): CostExplanation {
    if (stored.status !== 'priced') return unpricedExplanation(input, stored.status, stored);
    const model = modelOf(input);
    const row = stored.priceRowId === null ? null : this.priceRowById(stored.priceRowId);
    if (row === null) {
      // The row has been removed (an override deleted, a catalog model dropped); the stored
      // amounts are still the truth, so explain them with the unit prices they imply.
      const lines = linesFromStored(input.usage, stored);
      const note = `price row ${stored.priceRowId ?? '(none)'} is no longer available; unit prices are derived from the stored amounts`;
      return {
        ...pricedExplanation(input, null, model, lines, stored.totalNanoUsd, note),
        priceRowId: stored.priceRowId,
        catalogVersion: stored.catalogVersion,
      };
    }
    const lines = linesFromRow(row, input.usage);
    const recomputed = sumNano(lines);
    let note: string | null = null;
    if (stored.totalNanoUsd !== recomputed) {
      note =
        `stored cost ${formatUsd(stored.totalNanoUsd ?? 0)} differs from ${formatUsd(recomputed)} ` +
        `re-derived from ${row.id} in ${row.catalogVersion}` +
        (stored.catalogVersion !== row.catalogVersion ? ` (stored with ${stored.catalogVersion ?? 'an unknown version'})` : '') +
        '; run a price backfill to re-cost it';
    }
    return {
      ...pricedExplanation(input, row, model, lines, stored.totalNanoUsd, note),
      catalogVersion: stored.catalogVersion,
    };
  }

  // Overrides for the served model, then for the requested one (a user's price for a deployment
  // name must win), then the catalog the same way round.
  #choose(input: PricingInput): Chosen | null {
    const response = input.responseModel;
    const request = input.requestModel;
    const primary = response ?? request;
    if (primary === null || primary === '') return null;
    const secondary = response !== null && request !== null && request !== response && request !== '' ? request : null;
    const atMs = input.startUs / 1000;
    const first = this.#resolve(input.provider, primary);
    const second = secondary === null ? null : this.#resolve(input.provider, secondary);
    let row = overrideRowAt(first, atMs);
    if (row !== null) return { row, model: primary };
    if (second !== null && secondary !== null) {
      row = overrideRowAt(second, atMs);
      if (row !== null) return { row, model: secondary };
    }
    if (first.catalog !== null) {
      row = selectCatalogRow(first.catalog, atMs);
      if (row !== null) return { row, model: primary };
    }
    if (second !== null && secondary !== null && second.catalog !== null) {
      row = selectCatalogRow(second.catalog, atMs);
      if (row !== null) return { row, model: secondary };
    }
    return null;
  }

  #resolve(provider: string | null, model: string): Resolution {
    const key = provider === null ? `\u0001${model}` : `${provider}\u0000${model}`;
    const cached = this.#cache.get(key);
    if (cached !== undefined) return cached;
    const resolution: Resolution = {
      overrides: this.#matchingOverrides(provider, model),
      catalog: findCatalogModel(provider, model),
    };
    // First in, first out: the working set of models is small, so the oldest entry is as good a
    // victim as any and eviction stays O(1).
    if (this.#cache.size >= this.#maxCachedLookups) {
      const oldest = this.#cache.keys().next();
      if (!oldest.done) this.#cache.delete(oldest.value);
    }
    this.#cache.set(key, resolution);
    return resolution;
  }

  #matchingOverrides(provider: string | null, model: string): CompiledOverride[] {
    if (this.#overrides.length === 0) return [];
    const providerKey = providerKeyOf(provider);
    const name = model.trim().toLowerCase();
    return this.#overrides
      .filter(
        (o) =>
          (o.providerKey === null || o.providerKey === providerKey) &&
          (o.modelExact !== null ? o.modelExact === name : name.startsWith(o.modelPrefix as string)),
      )
      .sort((a, b) => b.fromMs - a.fromMs || b.position - a.position);
  }
}

// The cost of a span whose price the caller (the provider, a gateway) reported.
// Throws RangeError for a negative or non-finite amount: validate at the edge.
export function providerReportedCost(costUsd: number): Cost {
  if (!Number.isFinite(costUsd) || costUsd < 0) {
    throw new RangeError(`provider-reported cost must be a finite number ≥ 0 USD, got ${costUsd}`);
  }
  return {
    status: 'provider_reported',
    totalNanoUsd: usdToNano(costUsd),
    byBucketNanoUsd: {},
    priceRowId: null,
    catalogVersion: null,
  };
}

function providerKeyOf(provider: string | null): string | null {
  if (provider === null) return null;
  return catalogProviderId(provider) ?? provider.trim().toLowerCase();
}

function overrideRowAt(resolution: Resolution, atMs: number): PriceRow | null {
  for (const o of resolution.overrides) if (atMs >= o.fromMs && atMs < o.toMs) return o.row;
  return null;
}

function compileOverride(o: PriceOverride, position: number): CompiledOverride {
  // Stored as the server wrote them: RFC 3339 UTC (see isoDate in overrides.ts).
  const fromMs = Date.parse(o.effectiveFrom);
  const toMs = o.effectiveTo === null ? Number.POSITIVE_INFINITY : Date.parse(o.effectiveTo);
  if (Number.isNaN(fromMs)) throw new RangeError(`price override ${o.id}: effectiveFrom "${o.effectiveFrom}" is not an RFC 3339 time`);
  if (Number.isNaN(toMs)) throw new RangeError(`price override ${o.id}: effectiveTo "${o.effectiveTo}" is not an RFC 3339 time`);
  const input = flatRate(o.inputPerMtokUsd, 'override.inputPerMtokUsd');
  const output = flatRate(o.outputPerMtokUsd, 'override.outputPerMtokUsd');
  const optional = (usd: number | null | undefined, field: string, parent: BucketRate): BucketRate =>
    usd === null || usd === undefined ? parent : flatRate(usd, `override.${field}`);
  const pattern = o.model.trim().toLowerCase();
  const isPrefix = pattern.endsWith('*');
  return {
    override: o,
    row: {
      id: `override:${o.id}`,
      catalogVersion: OVERRIDES_CATALOG_VERSION,
      providerId: o.provider === null ? null : providerKeyOf(o.provider),
      modelId: o.model,
      rates: {
        input,
        output,
        cacheRead: optional(o.cacheReadPerMtokUsd, 'cacheReadPerMtokUsd', input),
        cacheWrite: optional(o.cacheWritePerMtokUsd, 'cacheWritePerMtokUsd', input),
        audio: optional(o.audioPerMtokUsd, 'audioPerMtokUsd', input),
        reasoning: optional(o.reasoningPerMtokUsd, 'reasoningPerMtokUsd', output),
      },
      tiered: false,
    },
    providerKey: o.provider === null ? null : providerKeyOf(o.provider),
    modelExact: isPrefix ? null : pattern,
    modelPrefix: isPrefix ? pattern.slice(0, -1) : null,
    fromMs,
    toMs,
    position,
  };
}

function hasTokens(u: Usage): boolean {
  return positive(u.input) + positive(u.output) + positive(u.cacheRead) + positive(u.cacheWrite) + positive(u.reasoning) + positive(u.audio) > 0;
}

function modelOf(input: PricingInput): string | null {
  return input.responseModel ?? input.requestModel;
}

// ---- explanations ------------------------------------------------------------------------------

function line(bucket: CostExplanationLine['bucket'], tokens: number, usdPerMtok: number, nano: number, tier: number | null): CostExplanationLine {
  const tierText = tier === null ? '' : ` (tier above ${formatTokens(tier)} input tokens)`;
  return {
    bucket,
    tokens,
    unitPricePerMtokUsd: usdPerMtok,
    costUsd: nanoToUsd(nano),
    costNanoUsd: nano,
    tierAboveInputTokens: tier,
    text: `${formatTokens(tokens)} ${BUCKET_LABELS[bucket]} × ${formatUsdPerMtok(usdPerMtok)}/M${tierText} = ${formatUsd(nano)}`,
  };
}

// The same arithmetic as costFromRow, bucket by bucket, with the price that was applied.
function linesFromRow(row: PriceRow, usage: Usage): CostExplanationLine[] {
  const inputTokens = totalInputTokens(usage);
  const lines: CostExplanationLine[] = [];
  for (const bucket of BUCKET_ORDER) {
    const tokens = positive(usage[bucket]);
    if (tokens === 0) continue;
    const rate = row.rates[bucket];
    if (rate === null) {
      lines.push(line(bucket, tokens, 0, 0, null));
      continue;
    }
    const applied = applyRate(rate, inputTokens);
    const nano = bucketNanoUsd(tokens, applied.usdPerMtok, applied.microUsdPerMtok);
    lines.push(line(bucket, tokens, applied.usdPerMtok, nano, applied.tier?.aboveInputTokens ?? null));
  }
  return lines;
}

function linesFromStored(usage: Usage, stored: Cost): CostExplanationLine[] {
  const lines: CostExplanationLine[] = [];
  for (const bucket of BUCKET_ORDER) {
    const nano = stored.byBucketNanoUsd[bucket];
    if (nano === undefined) continue;
    const tokens = positive(usage[bucket]);
    const usdPerMtok = tokens > 0 ? Number((nano / tokens / 1000).toPrecision(6)) : 0;
    lines.push(line(bucket, tokens, usdPerMtok, nano, null));
  }
  return lines;
}

function sumNano(lines: CostExplanationLine[]): number {
  let total = 0;
  for (const l of lines) total += l.costNanoUsd;
  return total;
}

function pricedExplanation(
  input: PricingInput,
  row: PriceRow | null,
  model: string | null,
  lines: CostExplanationLine[],
  totalNanoUsd: number | null,
  note: string | null,
): CostExplanation {
  const provider = row?.providerId ?? providerKeyOf(input.provider);
  const terms = lines.map((l) => l.text.slice(0, l.text.lastIndexOf(' = ')));
  const arithmetic = terms.length === 0 ? 'no tokens' : terms.join(' + ');
  const total = totalNanoUsd === null ? 'unknown' : formatUsd(totalNanoUsd);
  const rowText = row === null ? '' : ` (price row ${row.id}, ${row.catalogVersion})`;
  const subject = `${model ?? '(no model)'}${provider === null ? '' : ` via ${provider}`}`;
  return {
    status: 'priced',
    totalUsd: totalNanoUsd === null ? null : nanoToUsd(totalNanoUsd),
    totalNanoUsd,
    priceRowId: row?.id ?? null,
    catalogVersion: row?.catalogVersion ?? null,
    model,
    provider,
    lines,
    summary: `${subject}: ${arithmetic} = ${total}${rowText}`,
    note,
  };
}

function unpricedExplanation(input: PricingInput, status: Cost['status'], stored: Cost | null): CostExplanation {
  const model = modelOf(input);
  const provider = providerKeyOf(input.provider);
  let summary: string;
  let totalNanoUsd: number | null = null;
  switch (status) {
    case 'provider_reported':
      totalNanoUsd = stored?.totalNanoUsd ?? null;
      summary = `${totalNanoUsd === null ? 'unknown' : formatUsd(totalNanoUsd)} as reported by the provider (not computed from a price row)`;
      break;
    case 'unknown_model':
      summary =
        `no price for ${model === null ? 'a span without a model' : `model "${model}"`}` +
        `${provider === null ? '' : ` (provider ${provider})`}: cost unknown, not $0; add a price override to price it`;
      break;
    case 'not_applicable':
      summary = 'no token usage: nothing to price';
      break;
    default:
      summary = 'priced';
  }
  return {
    status,
    totalUsd: totalNanoUsd === null ? null : nanoToUsd(totalNanoUsd),
    totalNanoUsd,
    priceRowId: stored?.priceRowId ?? null,
    catalogVersion: stored?.catalogVersion ?? null,
    model,
    provider,
    lines: [],
    summary,
    note: null,
  };
}
