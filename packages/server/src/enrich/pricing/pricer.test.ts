import { calcPrice, findProvider, type MatchLogic } from '@pydantic/genai-prices';
import { describe, expect, it } from 'vitest';
import { emptyUsage, type SpanKind, type Usage } from '../../domain/span.ts';
import { normalizeUsage } from '../../domain/usage.ts';
import { CATALOG_VERSION, catalogRowById, findCatalogModel } from './catalog.ts';
import { formatUsd } from '../../domain/money.ts';
import { formatUsdPerMtok } from './format.ts';
import { Pricer, providerReportedCost } from './pricer.ts';
import type { PriceOverride, PricingInput } from './types.ts';

// Published prices (USD per 1M tokens) as the catalog carries them and the providers' pricing
// pages list them. The expected figures below are worked out by hand from these:
//   cost in nano-dollars = tokens × USD-per-Mtok × 1000.
//   gpt-4o                   $2.50 in, $1.25 cached in, $10 out
//   gpt-4o-mini              $0.15 in, $0.075 cached in, $0.60 out
//   claude-sonnet-4          $3 in, $0.30 cache read, $3.75 cache write (5 min), $15 out
//   text-embedding-3-small   $0.02 in

const JUNE_2025 = Date.parse('2025-06-01T12:00:00Z');

function span(
  provider: string | null,
  model: string | null,
  usage: Partial<Usage>,
  at: number | string = JUNE_2025,
  kind: SpanKind = 'generation',
): PricingInput {
  const ms = typeof at === 'string' ? Date.parse(at) : at;
  return { provider, requestModel: model, responseModel: null, usage: { ...emptyUsage(), ...usage }, startUs: ms * 1000, kind };
}

function override(partial: Partial<PriceOverride> & Pick<PriceOverride, 'id' | 'model'>): PriceOverride {
  return {
    provider: null,
    effectiveFrom: '1970-01-01T00:00:00.000Z',
    effectiveTo: null,
    inputPerMtokUsd: 1,
    outputPerMtokUsd: 2,
    ...partial,
  };
}

const pricer = new Pricer();

describe('catalog prices, checked by hand', () => {
  it('reports the catalog version of the installed package', () => {
    expect(CATALOG_VERSION).toMatch(/^genai-prices@\d+\.\d+\.\d+/);
  });

  it('gpt-4o: OpenAI counts cached tokens inside prompt_tokens; they are charged once, at the cached price', () => {
    // prompt_tokens 10,000 of which 4,000 cached; completion_tokens 1,000.
    const usage = normalizeUsage({ input: 10_000, cacheRead: 4_000, output: 1_000 }, 'openai');
    expect(usage).toMatchObject({ input: 6_000, cacheRead: 4_000, output: 1_000 });
    const cost = pricer.price(span('openai', 'gpt-4o', usage));
    // 6,000 × 2.50 × 1000 = 15,000,000; 4,000 × 1.25 × 1000 = 5,000,000; 1,000 × 10 × 1000 = 10,000,000
    // (charging the cached tokens again at the input price would have added 4,000 × 2.50 × 1000)
    expect(cost).toEqual({
      status: 'priced',
      totalNanoUsd: 30_000_000, // $0.03
      byBucketNanoUsd: { input: 15_000_000, cacheRead: 5_000_000, output: 10_000_000 },
      priceRowId: 'catalog:openai/gpt-4o',
      catalogVersion: CATALOG_VERSION,
    });
  });

  it('gpt-4o-mini with cached prompt tokens', () => {
    const usage = normalizeUsage({ input: 2_000, cacheRead: 1_024, output: 500 }, 'openai');
    const cost = pricer.price(span('openai', 'gpt-4o-mini-2024-07-18', usage));
    // 976 × 0.15 × 1000 = 146,400; 1,024 × 0.075 × 1000 = 76,800; 500 × 0.60 × 1000 = 300,000
    expect(cost.byBucketNanoUsd).toEqual({ input: 146_400, cacheRead: 76_800, output: 300_000 });
    expect(cost.totalNanoUsd).toBe(523_200);
    expect(cost.priceRowId).toBe('catalog:openai/gpt-4o-mini');
  });

  it('Claude Sonnet 4: Anthropic reports input_tokens without cache reads and writes', () => {
    // input_tokens 1,500; cache_read_input_tokens 20,000; cache_creation_input_tokens 5,000; output 800
    const usage = normalizeUsage({ input: 1_500, cacheRead: 20_000, cacheWrite: 5_000, output: 800 }, 'anthropic');
    expect(usage).toMatchObject({ input: 1_500, cacheRead: 20_000, cacheWrite: 5_000, output: 800 });
    const cost = pricer.price(span('anthropic', 'claude-sonnet-4-20250514', usage));
    // 1,500 × 3 × 1000 = 4,500,000; 20,000 × 0.30 × 1000 = 6,000,000;
    // 5,000 × 3.75 × 1000 = 18,750,000; 800 × 15 × 1000 = 12,000,000
    expect(cost.byBucketNanoUsd).toEqual({
      input: 4_500_000,
      cacheRead: 6_000_000,
      cacheWrite: 18_750_000,
      output: 12_000_000,
    });
    expect(cost.totalNanoUsd).toBe(41_250_000); // $0.04125
    expect(cost.priceRowId).toBe('catalog:anthropic/claude-sonnet-4-0');
  });

  it('Claude 3.5 and 3.7 Sonnet carry the same published prices', () => {
    const usage = { input: 1_000, cacheRead: 1_000, cacheWrite: 1_000, output: 1_000 };
    // 1,000 × (3 + 0.30 + 3.75 + 15) × 1000 = 22,050,000
    for (const model of ['claude-3-5-sonnet-20241022', 'claude-3-7-sonnet-20250219']) {
      expect(pricer.price(span('anthropic', model, usage)).totalNanoUsd).toBe(22_050_000);
    }
  });

  it('text-embedding-3-small, with or without a provider', () => {
    // 12,345 × 0.02 × 1000 = 246,900
    for (const provider of ['openai', null]) {
      const cost = pricer.price(span(provider, 'text-embedding-3-small', { input: 12_345 }, JUNE_2025, 'embedding'));
      expect(cost.totalNanoUsd).toBe(246_900);
      expect(cost.byBucketNanoUsd).toEqual({ input: 246_900 });
      expect(cost.priceRowId).toBe('catalog:openai/text-embedding-3-small');
    }
  });

  it('reasoning tokens: at the output price when the row has no reasoning price', () => {
    // o3-mini $1.10 in, $4.40 out. completion_tokens 2,000 include 1,500 reasoning tokens.
    const usage = normalizeUsage({ input: 1_000, output: 2_000, reasoning: 1_500 }, 'openai');
    expect(usage).toMatchObject({ input: 1_000, output: 500, reasoning: 1_500 });
    const cost = pricer.price(span('openai', 'o3-mini', usage));
    // 1,000 × 1.10 × 1000 = 1,100,000; 500 × 4.40 × 1000 = 2,200,000; 1,500 × 4.40 × 1000 = 6,600,000
    expect(cost.byBucketNanoUsd).toEqual({ input: 1_100_000, output: 2_200_000, reasoning: 6_600_000 });
    expect(cost.totalNanoUsd).toBe(9_900_000);
  });

  it('reasoning tokens: at the reasoning price when the row has one', () => {
    // Perplexity sonar-deep-research: $2 in, $8 out, $3 reasoning.
    const cost = pricer.price(span('perplexity', 'sonar-deep-research', { input: 1_000, output: 100, reasoning: 1_000 }));
    // 1,000 × 2 × 1000 = 2,000,000; 100 × 8 × 1000 = 800,000; 1,000 × 3 × 1000 = 3,000,000
    expect(cost.byBucketNanoUsd).toEqual({ input: 2_000_000, output: 800_000, reasoning: 3_000_000 });
  });

  it('audio input at the audio price when present, else the input price', () => {
    // gpt-4o-transcribe: $2.50 text in, $6 audio in, $10 out.
    const withAudioPrice = pricer.price(span('openai', 'gpt-4o-transcribe', { input: 100, audio: 10_000, output: 200 }));
    // 100 × 2.5 × 1000 = 250,000; 10,000 × 6 × 1000 = 60,000,000; 200 × 10 × 1000 = 2,000,000
    expect(withAudioPrice.byBucketNanoUsd).toEqual({ input: 250_000, audio: 60_000_000, output: 2_000_000 });
    // gpt-4o has no audio price: audio tokens cost what input tokens cost.
    const without = pricer.price(span('openai', 'gpt-4o', { audio: 1_000 }));
    expect(without.byBucketNanoUsd).toEqual({ audio: 2_500_000 });
  });

  it('tiered prices: the tier is chosen by total input tokens and applies to every bucket', () => {
    // claude-sonnet-4-5: $3/$0.30/$15 up to 200k input tokens, $6/$0.60/$22.50 above.
    const below = pricer.price(span('anthropic', 'claude-sonnet-4-5', { input: 150_000, cacheRead: 40_000, output: 1_000 }));
    // 190,000 input tokens in all: base tier. 150,000 × 3 × 1000 + 40,000 × 0.3 × 1000 + 1,000 × 15 × 1000
    expect(below.byBucketNanoUsd).toEqual({ input: 450_000_000, cacheRead: 12_000_000, output: 15_000_000 });
    const above = pricer.price(span('anthropic', 'claude-sonnet-4-5', { input: 150_000, cacheRead: 60_000, output: 1_000 }));
    // 210,000 > 200,000: 150,000 × 6 × 1000 + 60,000 × 0.6 × 1000 + 1,000 × 22.5 × 1000
    expect(above.byBucketNanoUsd).toEqual({ input: 900_000_000, cacheRead: 36_000_000, output: 22_500_000 });
    expect(above.totalNanoUsd).toBe(958_500_000);
  });

  it('date-conditional prices follow the span start time, and the row id names the price that was chosen', () => {
    // OpenAI cut o3 from $10/$40 to $2/$8 on 2025-06-10.
    const usage = { input: 1_000, output: 1_000 };
    const before = pricer.price(span('openai', 'o3', usage, '2025-06-09T23:59:59Z'));
    const after = pricer.price(span('openai', 'o3', usage, '2025-06-10T00:00:00Z'));
    expect(before.totalNanoUsd).toBe(1_000 * 10 * 1000 + 1_000 * 40 * 1000);
    expect(before.priceRowId).toBe('catalog:openai/o3');
    expect(after.totalNanoUsd).toBe(1_000 * 2 * 1000 + 1_000 * 8 * 1000);
    expect(after.priceRowId).toBe('catalog:openai/o3@2025-06-10');
  });

  it('time-of-day prices (DeepSeek off-peak) are exact within a day', () => {
    const usage = { input: 1_000_000 };
    const peak = pricer.price(span('deepseek', 'deepseek-chat', usage, '2025-06-01T03:00:00Z'));
    const offPeak = pricer.price(span('deepseek', 'deepseek-chat', usage, '2025-06-01T20:00:00Z'));
    expect(peak.priceRowId).toBe('catalog:deepseek/deepseek-chat@00:30:00Z-16:30:00Z');
    expect(offPeak.priceRowId).toBe('catalog:deepseek/deepseek-chat');
    // deepseek-chat: $0.27 in from 00:30 to 16:30 UTC, half that ($0.135) the rest of the day.
    expect(peak.totalNanoUsd).toBe(270_000_000);
    expect(offPeak.totalNanoUsd).toBe(135_000_000);
  });
});

describe('agreement with genai-prices', () => {
  // Our buckets converted back to genai-prices' convention: its input_tokens is every input
  // token (cache and audio included) and its output_tokens includes reasoning.
  function genaiUsage(u: Usage): Record<string, number> {
    return {
      input_tokens: u.input + u.cacheRead + u.cacheWrite + u.audio,
      cache_read_tokens: u.cacheRead,
      cache_write_tokens: u.cacheWrite,
      input_audio_tokens: u.audio,
      cache_audio_read_tokens: 0,
      output_tokens: u.output + u.reasoning,
      output_reasoning_tokens: u.reasoning,
    };
  }

  const cases: Array<[string, string, Partial<Usage>]> = [
    ['openai', 'gpt-4o', { input: 123_457, cacheRead: 7_777, output: 3_333 }],
    ['openai', 'gpt-4o-mini', { input: 1, cacheRead: 1, output: 1 }],
    ['anthropic', 'claude-sonnet-4-5', { input: 190_001, cacheRead: 9_999, cacheWrite: 1, output: 4_321 }],
    ['anthropic', 'claude-sonnet-4-5', { input: 190_001, cacheRead: 9_999, output: 4_321 }],
    ['anthropic', 'claude-3-5-haiku-20241022', { input: 999, cacheRead: 555, cacheWrite: 333, output: 111 }],
    ['google', 'gemini-2.5-pro', { input: 250_000, cacheRead: 10, output: 20_000, reasoning: 5_000 }],
    ['google', 'gemini-2.5-flash', { input: 5_000, audio: 7_000, output: 900, reasoning: 100 }],
    ['perplexity', 'sonar-deep-research', { input: 10, output: 20, reasoning: 30 }],
    ['openai', 'o3', { input: 1_234, cacheRead: 4_321, output: 567, reasoning: 8_910 }],
    ['mistral', 'mistral-large-latest', { input: 31_337, output: 4_242 }],
  ];

  it.each(cases)('%s %s: the per-bucket total matches calcPrice', (provider, model, partial) => {
    const usage = { ...emptyUsage(), ...partial };
    const ours = pricer.price(span(provider, model, usage));
    const theirs = calcPrice(genaiUsage(usage), model, { providerId: provider, timestamp: new Date(JUNE_2025) });
    expect(theirs).not.toBeNull();
    expect(ours.status).toBe('priced');
    // Each bucket is rounded to a whole nano-dollar; genai-prices sums floats.
    expect(Math.abs((ours.totalNanoUsd as number) - (theirs?.total_price ?? 0) * 1e9)).toBeLessThanOrEqual(6);
  });
});

describe('model lookup agrees with genai-prices', () => {
  function names(logic: MatchLogic): string[] {
    if ('or' in logic) return logic.or.flatMap(names);
    if ('and' in logic) return logic.and.flatMap(names);
    if ('equals' in logic) return [logic.equals];
    if ('starts_with' in logic) return [logic.starts_with, `${logic.starts_with}-20250101`];
    return [];
  }

  it('chooses the same provider and model as calcPrice for every model name in the catalog', () => {
    const providers = ['openai', 'anthropic', 'google', 'aws', 'azure', 'mistral', 'groq', 'cohere', 'x-ai', 'deepseek', 'openrouter', 'together', 'fireworks', 'perplexity', 'cloudflare'];
    let compared = 0;
    for (const providerId of providers) {
      const provider = findProvider({ providerId });
      expect(provider?.id).toBe(providerId);
      for (const model of provider?.models ?? []) {
        for (const name of [model.id, model.id.toUpperCase(), ...names(model.match)]) {
          for (const asked of [providerId, null]) {
            const theirs = calcPrice({}, name, asked === null ? {} : { providerId: asked });
            if (theirs === null) continue;
            const ours = findCatalogModel(asked, name);
            expect(`${ours?.providerId}/${ours?.modelId}`, `${asked}: ${name}`).toBe(`${theirs.provider.id}/${theirs.model.id}`);
            compared++;
          }
        }
      }
    }
    expect(compared).toBeGreaterThan(1_000);
  });
});

describe('unknown models and empty spans', () => {
  it('a model without a price is unknown_model with a null cost, never $0', () => {
    const cost = pricer.price(span('acme', 'acme-llm-7b', { input: 100, output: 10 }));
    expect(cost).toEqual({ status: 'unknown_model', totalNanoUsd: null, byBucketNanoUsd: {}, priceRowId: null, catalogVersion: null });
    const explanation = pricer.explain(span('acme', 'acme-llm-7b', { input: 100 }));
    expect(explanation.status).toBe('unknown_model');
    expect(explanation.totalUsd).toBeNull();
    expect(explanation.summary).toContain('acme-llm-7b');
  });

  it('tokens without any model are unknown_model', () => {
    expect(pricer.price(span('openai', null, { input: 5 })).status).toBe('unknown_model');
  });

  it('no tokens and no model is not_applicable', () => {
    expect(pricer.price(span(null, null, {}, JUNE_2025, 'tool'))).toEqual({
      status: 'not_applicable',
      totalNanoUsd: null,
      byBucketNanoUsd: {},
      priceRowId: null,
      catalogVersion: null,
    });
  });

  it('a known model with no tokens reported claims no cost (not $0)', () => {
    const cost = pricer.price(span('openai', 'gpt-4o', {}));
    expect(cost).toMatchObject({ status: 'not_applicable', totalNanoUsd: null, priceRowId: null });
  });

  it('negative or NaN token counts are charged as zero rather than poisoning the sum', () => {
    const cost = pricer.price(span('openai', 'gpt-4o', { input: Number.NaN, output: -5, cacheRead: 1_000 }));
    expect(cost.totalNanoUsd).toBe(1_250_000);
  });

  it('provider-reported costs keep their own status', () => {
    expect(providerReportedCost(0.0123)).toEqual({
      status: 'provider_reported',
      totalNanoUsd: 12_300_000,
      byBucketNanoUsd: {},
      priceRowId: null,
      catalogVersion: null,
    });
    expect(() => providerReportedCost(-1)).toThrow(RangeError);
    expect(() => providerReportedCost(Number.NaN)).toThrow(RangeError);
  });
});

describe('model and provider resolution', () => {
  it('prices the response model before the request model', () => {
    const input = { ...span('openai', 'gpt-4o', { input: 1_000 }), responseModel: 'gpt-4o-mini-2024-07-18' };
    expect(pricer.price(input).priceRowId).toBe('catalog:openai/gpt-4o-mini');
  });

  it('falls back to the request model when the response model has no price', () => {
    const input = { ...span('openai', 'gpt-4o', { input: 1_000 }), responseModel: 'some-internal-alias' };
    expect(pricer.price(input).priceRowId).toBe('catalog:openai/gpt-4o');
  });

  it('maps provider names from instrumentations to catalog providers', () => {
    for (const provider of ['gemini', 'vertex_ai', 'gcp.vertex_ai', 'gcp.gemini', 'Google']) {
      expect(pricer.price(span(provider, 'gemini-2.5-pro', { input: 1 })).priceRowId).toBe('catalog:google/gemini-2.5-pro');
    }
    for (const provider of ['bedrock', 'aws.bedrock', 'aws']) {
      expect(pricer.price(span(provider, 'anthropic.claude-3-5-sonnet-20241022-v2:0', { input: 1 })).priceRowId).toMatch(/^catalog:aws\//);
    }
    expect(pricer.price(span('az.ai.openai', 'gpt-4o', { input: 1 })).priceRowId).toBe('catalog:azure/gpt-4o');
    expect(pricer.price(span('mistral_ai', 'mistral-large-latest', { input: 1 })).priceRowId).toBe('catalog:mistral/mistral-large');
  });

  it('finds the provider by model when the provider is unknown or missing', () => {
    expect(pricer.price(span(null, 'claude-3-5-sonnet-20241022', { input: 1 })).priceRowId).toBe('catalog:anthropic/claude-3-5-sonnet');
    expect(pricer.price(span('my-proxy', 'gpt-4o', { input: 1 })).priceRowId).toBe('catalog:openai/gpt-4o');
    expect(pricer.price(span(null, 'openai/gpt-4o-mini', { input: 1 })).priceRowId).toBe('catalog:openai/gpt-4o-mini');
  });

  it('keeps working when the lookup cache is tiny', () => {
    const small = new Pricer([], { maxCachedLookups: 2 });
    for (let round = 0; round < 3; round++) {
      expect(small.price(span('openai', 'gpt-4o', { input: 1_000 })).totalNanoUsd).toBe(2_500_000);
      expect(small.price(span('openai', 'gpt-4o-mini', { input: 1_000 })).totalNanoUsd).toBe(150_000);
      expect(small.price(span('openai', 'text-embedding-3-small', { input: 1_000 })).totalNanoUsd).toBe(20_000);
    }
  });
});

describe('overrides', () => {
  it('an override prices a model the catalog does not know', () => {
    const p = new Pricer([override({ id: 'acme', provider: 'acme', model: 'acme-llm-7b', inputPerMtokUsd: 0.2, outputPerMtokUsd: 0.8 })]);
    const cost = p.price(span('acme', 'acme-llm-7b', { input: 10_000, output: 2_000 }));
    // 10,000 × 0.2 × 1000 = 2,000,000; 2,000 × 0.8 × 1000 = 1,600,000
    expect(cost).toEqual({
      status: 'priced',
      totalNanoUsd: 3_600_000,
      byBucketNanoUsd: { input: 2_000_000, output: 1_600_000 },
      priceRowId: 'override:acme',
      catalogVersion: 'overrides',
    });
    // Another provider's model of the same name is not covered.
    expect(p.price(span('other', 'acme-llm-7b', { input: 1 })).status).toBe('unknown_model');
  });

  it('buckets without an override price fall back to input and output prices', () => {
    const p = new Pricer([override({ id: 'x', model: 'x-model', inputPerMtokUsd: 1, outputPerMtokUsd: 4, cacheReadPerMtokUsd: 0.1 })]);
    const cost = p.price(span(null, 'x-model', { input: 1_000, cacheRead: 1_000, cacheWrite: 1_000, audio: 1_000, output: 1_000, reasoning: 1_000 }));
    expect(cost.byBucketNanoUsd).toEqual({
      input: 1_000_000,
      cacheRead: 100_000,
      cacheWrite: 1_000_000,
      audio: 1_000_000,
      output: 4_000_000,
      reasoning: 4_000_000,
    });
  });

  it('effective dates: before effectiveFrom the catalog applies, inside the window the override, after it the catalog', () => {
    const p = new Pricer([
      override({
        id: 'negotiated',
        provider: 'openai',
        model: 'gpt-4o',
        effectiveFrom: '2025-03-01T00:00:00.000Z',
        effectiveTo: '2025-04-01T00:00:00.000Z',
        inputPerMtokUsd: 2,
        outputPerMtokUsd: 8,
      }),
    ]);
    const usage = { input: 1_000, output: 1_000 };
    const before = p.price(span('openai', 'gpt-4o', usage, '2025-02-28T23:59:59Z'));
    const from = p.price(span('openai', 'gpt-4o', usage, '2025-03-01T00:00:00Z'));
    const to = p.price(span('openai', 'gpt-4o', usage, '2025-04-01T00:00:00Z'));
    expect(before).toMatchObject({ priceRowId: 'catalog:openai/gpt-4o', totalNanoUsd: 2_500_000 + 10_000_000 });
    expect(from).toMatchObject({ priceRowId: 'override:negotiated', catalogVersion: 'overrides', totalNanoUsd: 2_000_000 + 8_000_000 });
    expect(to.priceRowId).toBe('catalog:openai/gpt-4o');
  });

  it('the latest effectiveFrom wins; prefixes and any-provider overrides match', () => {
    const p = new Pricer([
      override({ id: 'newer', model: 'ft:gpt-4o-mini:*', effectiveFrom: '2025-05-01T00:00:00.000Z', inputPerMtokUsd: 0.4 }),
      override({ id: 'older', model: 'ft:gpt-4o-mini:*', effectiveFrom: '2025-01-01T00:00:00.000Z', inputPerMtokUsd: 0.3 }),
    ]);
    const model = 'ft:gpt-4o-mini:acme::abc123';
    expect(p.price(span('openai', model, { input: 1 }, '2025-04-01T00:00:00Z')).priceRowId).toBe('override:older');
    expect(p.price(span('openai', model, { input: 1 }, '2025-06-01T00:00:00Z')).priceRowId).toBe('override:newer');
    expect(p.price(span('openai', 'ft:gpt-4o:acme::abc', { input: 1 })).status).toBe('unknown_model');
  });

  it('override providers match under any of their names', () => {
    const p = new Pricer([override({ id: 'g', provider: 'gemini', model: 'gemini-2.5-pro', inputPerMtokUsd: 1 })]);
    expect(p.price(span('gcp.vertex_ai', 'gemini-2.5-pro', { input: 1 })).priceRowId).toBe('override:g');
  });

  it('setOverrides replaces the list and forgets cached lookups', () => {
    const p = new Pricer();
    const input = span('acme', 'acme-llm-7b', { input: 1_000 });
    expect(p.price(input).status).toBe('unknown_model');
    p.setOverrides([override({ id: 'late', model: 'acme-llm-7b', inputPerMtokUsd: 5 })]);
    expect(p.price(input)).toMatchObject({ status: 'priced', totalNanoUsd: 5_000_000, priceRowId: 'override:late' });
  });
});

describe('explain', () => {
  it('writes each bucket as "tokens × price = cost" and the lines sum to the total', () => {
    const input = span('anthropic', 'claude-sonnet-4-20250514', { input: 1_234, cacheRead: 20_000, cacheWrite: 5_000, output: 800, reasoning: 100 });
    const cost = pricer.price(input);
    const e = pricer.explain(input);
    expect(e.lines.map((l) => l.text)).toEqual([
      '1,234 input × $3/M = $0.003702',
      '20,000 cache read × $0.30/M = $0.006',
      '5,000 cache write × $3.75/M = $0.01875',
      '800 output × $15/M = $0.012',
      '100 reasoning × $15/M = $0.0015',
    ]);
    // 3,702,000 + 6,000,000 + 18,750,000 + 12,000,000 + 1,500,000 nano-dollars
    expect(cost.totalNanoUsd).toBe(41_952_000);
    expect(e.lines.map((l) => l.costNanoUsd)).toEqual([3_702_000, 6_000_000, 18_750_000, 12_000_000, 1_500_000]);
    expect(e.totalNanoUsd).toBe(41_952_000);
    expect(e.totalUsd).toBeCloseTo(0.041952, 12);
    expect(e.priceRowId).toBe(cost.priceRowId);
    expect(e.catalogVersion).toBe(CATALOG_VERSION);
    expect(e.summary).toBe(
      'claude-sonnet-4-20250514 via anthropic: 1,234 input × $3/M + 20,000 cache read × $0.30/M + ' +
        '5,000 cache write × $3.75/M + 800 output × $15/M + 100 reasoning × $15/M = $0.041952 ' +
        `(price row catalog:anthropic/claude-sonnet-4-0, ${CATALOG_VERSION})`,
    );
  });

  it('names the tier that applied', () => {
    const e = pricer.explain(span('anthropic', 'claude-sonnet-4-5', { input: 250_000 }));
    expect(e.lines[0].text).toBe('250,000 input × $6/M (tier above 200,000 input tokens) = $1.50');
    expect(e.lines[0].tierAboveInputTokens).toBe(200_000);
  });

  it('a stored cost is explained with the row that produced it, even after the overrides changed', () => {
    const p = new Pricer([override({ id: 'v1', model: 'acme-llm', inputPerMtokUsd: 1, outputPerMtokUsd: 2 })]);
    const input = span('acme', 'acme-llm', { input: 1_000, output: 1_000 });
    const stored = p.price(input);
    p.setOverrides([
      override({ id: 'v1', model: 'acme-llm', inputPerMtokUsd: 1, outputPerMtokUsd: 2 }),
      override({ id: 'v2', model: 'acme-llm', effectiveFrom: '2025-01-01T00:00:00.000Z', inputPerMtokUsd: 10, outputPerMtokUsd: 20 }),
    ]);
    expect(p.price(input).priceRowId).toBe('override:v2');
    const e = p.explain(input, stored);
    expect(e.priceRowId).toBe('override:v1');
    expect(e.totalNanoUsd).toBe(stored.totalNanoUsd);
    expect(e.lines.map((l) => l.text)).toEqual(['1,000 input × $1/M = $0.001', '1,000 output × $2/M = $0.002']);
    expect(e.note).toBeNull();
  });

  it('a stored catalog cost re-derives its dated row', () => {
    const input = span('openai', 'o3', { input: 1_000 }, '2025-06-01T00:00:00Z');
    const stored = pricer.price(input);
    const later = { ...input, startUs: Date.parse('2025-07-01T00:00:00Z') * 1000 };
    // Asked about a later call with the stored (older) cost, the explanation keeps the stored row.
    const e = pricer.explain(later, stored);
    expect(e.priceRowId).toBe('catalog:openai/o3');
    expect(e.lines[0].text).toBe('1,000 input × $10/M = $0.01');
    expect(catalogRowById('catalog:openai/o3@2025-06-10')?.rates.input?.usdPerMtok).toBe(2);
    expect(catalogRowById('catalog:nope/nothing')).toBeNull();
  });

  it('a stored cost whose row is gone is explained from the stored amounts, with a note', () => {
    const p = new Pricer([override({ id: 'gone', model: 'acme-llm', inputPerMtokUsd: 1, outputPerMtokUsd: 2 })]);
    const input = span('acme', 'acme-llm', { input: 1_000, output: 500 });
    const stored = p.price(input);
    p.setOverrides([]);
    const e = p.explain(input, stored);
    expect(e.status).toBe('priced');
    expect(e.totalNanoUsd).toBe(2_000_000);
    expect(e.lines.map((l) => l.text)).toEqual(['1,000 input × $1/M = $0.001', '500 output × $2/M = $0.001']);
    expect(e.note).toMatch(/override:gone is no longer available/);
  });

  it('explains unpriced and provider-reported costs without lines', () => {
    const input = span('openai', 'gpt-4o', { input: 10 });
    const reported = pricer.explain(input, providerReportedCost(0.5));
    expect(reported).toMatchObject({ status: 'provider_reported', totalUsd: 0.5, lines: [] });
    expect(reported.summary).toContain('$0.50');
    expect(pricer.explain(span(null, null, {})).status).toBe('not_applicable');
  });
});

describe('formatting', () => {
  it('formats money exactly from nano-dollars', () => {
    expect(formatUsd(3_702_000)).toBe('$0.003702');
    expect(formatUsd(0)).toBe('$0.00');
    expect(formatUsd(1)).toBe('$0.000000001');
    expect(formatUsd(1_234_500_000_000)).toBe('$1,234.50');
  });

  it('formats prices per million tokens as published', () => {
    expect(formatUsdPerMtok(3)).toBe('$3');
    expect(formatUsdPerMtok(2.5)).toBe('$2.50');
    expect(formatUsdPerMtok(0.075)).toBe('$0.075');
    expect(formatUsdPerMtok(0.18000000000000002)).toBe('$0.18');
  });
});
