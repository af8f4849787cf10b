import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import {
  findProvider,
  type ConditionalPrice,
  type MatchLogic,
  type ModelInfo,
  type ModelPrice,
  type Provider,
} from '@pydantic/genai-prices';
import type { UsageBucket } from '../../domain/span.ts';
import { flatRate, toMicroUsdPerMtok, type BucketRate, type PriceRow, type PriceTier } from './row.ts';

// The maintained price catalog, @pydantic/genai-prices, used with its bundled data only: we never
// call updatePrices, so a price never changes under a running server and every stored cost can
// name the catalog version that produced it.

function readCatalogVersion(): string {
  // The package's "exports" hide package.json, so find it beside the resolved entry point.
  const require = createRequire(import.meta.url);
  let dir = dirname(require.resolve('@pydantic/genai-prices'));
  for (let depth = 0; depth < 4; depth++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === '@pydantic/genai-prices' && typeof pkg.version === 'string') return `genai-prices@${pkg.version}`;
    } catch {
      // not here; look one level up
    }
    dir = dirname(dir);
  }
  return 'genai-prices@unknown';
}

export const CATALOG_VERSION: string = readCatalogVersion();

// Names instrumentations put in gen_ai.system / gen_ai.provider.name, mapped to genai-prices ids.
// Listed explicitly where the catalog's own provider matching would get them wrong
// ("az.ai.openai" contains "openai" but is Azure) or not at all ("gcp.gen_ai", "x_ai").
const PROVIDER_ALIASES: Readonly<Record<string, string>> = {
  openai: 'openai',
  azure: 'azure',
  azure_openai: 'azure',
  'azure-openai': 'azure',
  'az.ai.openai': 'azure',
  'azure.ai.openai': 'azure',
  'az.ai.inference': 'azure',
  'azure.ai.inference': 'azure',
  anthropic: 'anthropic',
  google: 'google',
  gemini: 'google',
  vertex: 'google',
  vertexai: 'google',
  vertex_ai: 'google',
  'vertex-ai': 'google',
  google_genai: 'google',
  'google-genai': 'google',
  'gcp.gemini': 'google',
  'gcp.vertex_ai': 'google',
  'gcp.gen_ai': 'google',
  aws: 'aws',
  bedrock: 'aws',
  aws_bedrock: 'aws',
  'aws.bedrock': 'aws',
  'aws-bedrock': 'aws',
  amazon_bedrock: 'aws',
  'amazon-bedrock': 'aws',
  mistral: 'mistral',
  mistralai: 'mistral',
  mistral_ai: 'mistral',
  groq: 'groq',
  cohere: 'cohere',
  xai: 'x-ai',
  x_ai: 'x-ai',
  'x-ai': 'x-ai',
  deepseek: 'deepseek',
  perplexity: 'perplexity',
  together: 'together',
  together_ai: 'together',
  togetherai: 'together',
  fireworks: 'fireworks',
  fireworks_ai: 'fireworks',
  'fireworks-ai': 'fireworks',
  openrouter: 'openrouter',
  cerebras: 'cerebras',
  moonshot: 'moonshotai',
  moonshotai: 'moonshotai',
  voyage: 'voyageai',
  voyageai: 'voyageai',
  cloudflare: 'cloudflare',
  workers_ai: 'cloudflare',
};

// Model makers whose exact model ids are tried, in this order, when a model matches no
// provider's model pattern: the catalog's patterns miss some first-party names (OpenAI's
// "text-embedding-3-small" is not a "gpt-"/"o1" name), but an exact id in the maker's own list
// is unambiguous enough.
const FIRST_PARTY_PROVIDERS: readonly string[] = [
  'openai',
  'anthropic',
  'google',
  'mistral',
  'cohere',
  'x-ai',
  'deepseek',
  'voyageai',
  'moonshotai',
  'zai',
  'minimax',
  'perplexity',
].filter((id) => findProvider({ providerId: id })?.id === id);

const providerIdCache = new Map<string, string | null>();
const PROVIDER_ID_CACHE_MAX = 1024;

// The genai-prices id for a provider name, or null when the catalog does not know it (then the
// model alone chooses the provider).
export function catalogProviderId(provider: string | null): string | null {
  if (provider === null) return null;
  const cached = providerIdCache.get(provider);
  if (cached !== undefined) return cached;
  const key = provider.trim().toLowerCase();
  let id: string | null = PROVIDER_ALIASES[key] ?? null;
  if (id === null && key !== '') {
    try {
      id = findProvider({ providerId: key })?.id ?? null;
    } catch {
      id = null;
    }
  }
  if (providerIdCache.size >= PROVIDER_ID_CACHE_MAX) providerIdCache.clear();
  providerIdCache.set(provider, id);
  return id;
}

// ---- compiled models ---------------------------------------------------------------------------

const ALWAYS = 0;
const FROM_DATE = 1;
const TIME_OF_DAY = 2;

export interface CatalogVariant {
  kind: typeof ALWAYS | typeof FROM_DATE | typeof TIME_OF_DAY;
  suffix: string; // "" | "2025-06-10" | "00:30:00Z-16:30:00Z"
  startMs: number; // FROM_DATE
  startSecOfDay: number; // TIME_OF_DAY, UTC
  endSecOfDay: number;
  row: PriceRow | null; // null: the model has no per-token price (OCR pages, audio hours)
}

export interface CatalogModel {
  providerId: string;
  modelId: string;
  modelName: string | null;
  // Input tokens the model accepts, as the catalog lists it; null when not listed.
  contextWindow: number | null;
  variants: CatalogVariant[];
}

const compiledModels = new Map<string, CatalogModel>();

function compileModel(provider: Provider, model: ModelInfo): CatalogModel {
  const key = `${provider.id}\u0000${model.id}`;
  const known = compiledModels.get(key);
  if (known) return known;
  const conditional: ConditionalPrice[] = Array.isArray(model.prices) ? model.prices : [{ prices: model.prices }];
  const variants = conditional.map((entry) => compileVariant(provider.id, model.id, entry));
  const compiled: CatalogModel = { providerId: provider.id, modelId: model.id, modelName: model.name ?? null, contextWindow: model.context_window ?? null, variants };
  compiledModels.set(key, compiled);
  return compiled;
}

function compileVariant(providerId: string, modelId: string, entry: ConditionalPrice): CatalogVariant {
  const c = entry.constraint;
  let variant: Omit<CatalogVariant, 'row'>;
  if (c === undefined) {
    variant = { kind: ALWAYS, suffix: '', startMs: 0, startSecOfDay: 0, endSecOfDay: 0 };
  } else if (c.type === 'start_date') {
    variant = { kind: FROM_DATE, suffix: c.start_date, startMs: Date.parse(c.start_date), startSecOfDay: 0, endSecOfDay: 0 };
  } else {
    variant = {
      kind: TIME_OF_DAY,
      suffix: `${c.start_time}-${c.end_time}`,
      startMs: 0,
      startSecOfDay: secondsOfDayUtc(c.start_time),
      endSecOfDay: secondsOfDayUtc(c.end_time),
    };
  }
  const id = `catalog:${providerId}/${modelId}${variant.suffix ? `@${variant.suffix}` : ''}`;
  return { ...variant, row: compileRow(id, providerId, modelId, entry.prices) };
}

// "16:30:00Z" or "08:30:00+08:00" → seconds after UTC midnight.
function secondsOfDayUtc(time: string): number {
  const m = /^(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|([+-])(\d{2}):(\d{2}))$/.exec(time);
  if (!m) return 0;
  const local = Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]) + Number(`0.${m[4] ?? '0'}`);
  const offset = m[5] === 'Z' ? 0 : (m[6] === '+' ? 1 : -1) * (Number(m[7]) * 3600 + Number(m[8]) * 60);
  return (((local - offset) % 86400) + 86400) % 86400;
}

function compileRow(id: string, providerId: string, modelId: string, prices: ModelPrice): PriceRow | null {
  const input = rateFor(prices, 'input_mtok');
  const output = rateFor(prices, 'output_mtok');
  if (input === null && output === null) return null;
  // A bucket without its own price is charged at its parent's: genai-prices counts cache and
  // audio tokens inside input_tokens and reasoning inside output_tokens, so that is its rule too.
  const rates: Record<UsageBucket, BucketRate | null> = {
    input,
    output,
    cacheRead: rateFor(prices, 'cache_read_mtok') ?? input,
    cacheWrite: rateFor(prices, 'cache_write_mtok') ?? input,
    audio: rateFor(prices, 'input_audio_mtok') ?? input,
    reasoning: rateFor(prices, 'output_reasoning_mtok') ?? output,
  };
  const tiered = Object.values(rates).some((r) => r !== null && r.tiers !== null);
  return { id, catalogVersion: CATALOG_VERSION, providerId, modelId, rates, tiered };
}

function rateFor(prices: ModelPrice, key: string): BucketRate | null {
  const value = prices[key];
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? flatRate(value, key) : null;
  if (value === undefined || value === null || typeof value !== 'object') return null;
  const tiers: PriceTier[] = [...value.tiers]
    .sort((a, b) => a.start - b.start)
    .map((t) => ({ aboveInputTokens: t.start, usdPerMtok: t.price, microUsdPerMtok: toMicroUsdPerMtok(t.price) }));
  return { ...flatRate(value.base, key), tiers };
}

// The price that applies at a time, chosen the way genai-prices chooses it: the last variant
// whose constraint holds, else the first.
export function selectCatalogVariant(model: CatalogModel, atMs: number): CatalogVariant {
  const variants = model.variants;
  for (let i = variants.length - 1; i >= 0; i--) {
    const v = variants[i];
    if (v.kind === ALWAYS) return v;
    if (v.kind === FROM_DATE) {
      if (atMs >= v.startMs) return v;
    } else {
      const sec = ((((atMs / 1000) % 86400) + 86400) % 86400);
      const inWindow =
        v.endSecOfDay < v.startSecOfDay
          ? sec >= v.startSecOfDay || sec < v.endSecOfDay
          : sec >= v.startSecOfDay && sec < v.endSecOfDay;
      if (inWindow) return v;
    }
  }
  return variants[0];
}

export function selectCatalogRow(model: CatalogModel, atMs: number): PriceRow | null {
  return selectCatalogVariant(model, atMs).row;
}

// ---- lookup ------------------------------------------------------------------------------------
// genai-prices' own choice of provider and model (match rules, "-20241022" date normalisation,
// fallback providers), re-implemented because calcPrice() also validates and prices the whole
// row on every call (~60 µs) and builds a RegExp per regex rule. A test checks that this agrees
// with calcPrice for every model in the catalog.

type Matcher = (name: string) => boolean;

const matchers = new WeakMap<MatchLogic, Matcher>();
const NEVER: Matcher = () => false;

// Match rules compiled once into closures with lower-cased operands, so scanning a provider's
// models is string comparisons only. `name` is lower-cased and trimmed, as calcPrice does.
function matcherFor(logic: MatchLogic): Matcher {
  let matcher = matchers.get(logic);
  if (matcher !== undefined) return matcher;
  if ('or' in logic) {
    const parts = logic.or.map(matcherFor);
    matcher = (name) => parts.some((m) => m(name));
  } else if ('and' in logic) {
    const parts = logic.and.map(matcherFor);
    matcher = (name) => parts.every((m) => m(name));
  } else if ('equals' in logic) {
    const value = logic.equals.toLowerCase();
    matcher = (name) => name === value;
  } else if ('starts_with' in logic) {
    const value = logic.starts_with.toLowerCase();
    matcher = (name) => name.startsWith(value);
  } else if ('ends_with' in logic) {
    const value = logic.ends_with.toLowerCase();
    matcher = (name) => name.endsWith(value);
  } else if ('contains' in logic) {
    const value = logic.contains.toLowerCase();
    matcher = (name) => name.includes(value);
  } else if ('regex' in logic) {
    try {
      const re = new RegExp(logic.regex);
      matcher = (name) => re.test(name);
    } catch {
      matcher = NEVER;
    }
  } else {
    matcher = NEVER;
  }
  matchers.set(logic, matcher);
  return matcher;
}

const providersById = new Map<string, Provider | null>();

function providerById(id: string): Provider | null {
  let provider = providersById.get(id);
  if (provider === undefined) {
    const found = findProvider({ providerId: id });
    provider = found !== undefined && found.id === id ? found : null;
    providersById.set(id, provider);
  }
  return provider;
}

function modelIn(provider: Provider, name: string, withFallbacks: boolean): ModelInfo | undefined {
  const own = provider.models.find((m) => matcherFor(m.match)(name));
  if (own !== undefined || !withFallbacks) return own;
  for (const fallbackId of provider.fallback_model_providers ?? []) {
    const fallback = providerById(fallbackId);
    const found = fallback === null ? undefined : modelIn(fallback, name, false);
    if (found !== undefined) return found;
  }
  return undefined;
}

const COMPACT_DATE = /(-)(20\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?=-|:|$)/g;

// "claude-3-5-sonnet-20241022" → "claude-3-5-sonnet-2024-10-22", when the date exists.
function withDashedDates(name: string): string {
  return name.replace(COMPACT_DATE, (whole, dash: string, y: string, m: string, d: string) => {
    const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
    return date.getUTCMonth() === Number(m) - 1 && date.getUTCDate() === Number(d) ? `${dash}${y}-${m}-${d}` : whole;
  });
}

function lookup(model: string, providerId: string | null): CatalogModel | null {
  try {
    const name = model.trim().toLowerCase();
    const provider = providerId === null ? (findProvider({ modelId: name }) ?? null) : providerById(providerId);
    if (provider === null) return null;
    let info = modelIn(provider, name, true);
    if (info === undefined) {
      const dashed = withDashedDates(name);
      if (dashed !== name) info = modelIn(provider, dashed, true);
    }
    return info === undefined ? null : compileModel(provider, info);
  } catch {
    return null;
  }
}

let firstPartyIds: Map<string, CatalogModel> | null = null;

// Exact model ids of the first-party providers, first provider wins.
function firstPartyById(name: string): CatalogModel | null {
  if (firstPartyIds === null) {
    firstPartyIds = new Map();
    for (const id of FIRST_PARTY_PROVIDERS) {
      const provider = providerById(id);
      for (const info of provider?.models ?? []) {
        const key = info.id.toLowerCase();
        if (provider !== null && !firstPartyIds.has(key)) firstPartyIds.set(key, compileModel(provider, info));
      }
    }
  }
  return firstPartyIds.get(name.trim().toLowerCase()) ?? null;
}

// The catalog model a span's (provider, model) is priced with, or null.
// Order: the named provider; any provider whose model pattern matches; "vendor/model" names;
// the first-party lists. The row id records which provider was used.
export function findCatalogModel(provider: string | null, model: string): CatalogModel | null {
  const name = model.trim();
  if (name === '') return null;
  const providerId = catalogProviderId(provider);
  if (providerId !== null) {
    const found = lookup(name, providerId);
    if (found) return found;
  }
  const byPattern = lookup(name, null);
  if (byPattern) return byPattern;
  const slash = name.indexOf('/');
  if (slash > 0 && slash < name.length - 1) {
    const vendor = catalogProviderId(name.slice(0, slash));
    if (vendor !== null) {
      const found = lookup(name.slice(slash + 1), vendor);
      if (found) return found;
    }
  }
  return firstPartyById(name);
}

const CONSTRAINT_SUFFIX = /@(\d{4}-\d{2}-\d{2}|\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})-\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2}))$/;

// Re-derives a catalog row from its id ("catalog:anthropic/claude-sonnet-4-0",
// "catalog:openai/o3@2025-06-10"), so a stored cost can be explained with the row that made it.
export function catalogRowById(rowId: string): PriceRow | null {
  if (!rowId.startsWith('catalog:')) return null;
  const rest = rowId.slice('catalog:'.length);
  const slash = rest.indexOf('/');
  if (slash <= 0) return null;
  const providerId = rest.slice(0, slash);
  const modelPart = rest.slice(slash + 1);
  let provider: Provider | undefined;
  try {
    provider = findProvider({ providerId });
  } catch {
    return null;
  }
  if (!provider || provider.id !== providerId) return null;
  const suffix = CONSTRAINT_SUFFIX.exec(modelPart);
  // Model ids may themselves contain "@" (Cloudflare's "@cf/..."), so try the suffix reading first
  // and the whole string second.
  const readings: Array<[string, string]> = suffix
    ? [[modelPart.slice(0, suffix.index), suffix[1]], [modelPart, '']]
    : [[modelPart, '']];
  for (const [modelId, variantSuffix] of readings) {
    const info = modelById(provider, modelId);
    if (!info) continue;
    const variant = compileModel(provider, info).variants.find((v) => v.suffix === variantSuffix);
    if (variant?.row) return variant.row;
  }
  return null;
}

function modelById(provider: Provider, modelId: string): ModelInfo | undefined {
  const own = provider.models.find((m) => m.id === modelId);
  if (own) return own;
  for (const fallbackId of provider.fallback_model_providers ?? []) {
    const found = providerById(fallbackId)?.models.find((m) => m.id === modelId);
    if (found) return found;
  }
  return undefined;
}
