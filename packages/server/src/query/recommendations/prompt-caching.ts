import { MINUTE_MS } from '../../domain/time.ts';
import { formatUsdPerMtok } from '../../enrich/pricing/format.ts';
import { applyRate, bucketNanoUsd, type AppliedRate, type BucketRate, type PriceRow } from '../../enrich/pricing/row.ts';
import type { PromptRepeatRow } from '../../store/prompt-repeats.ts';
import { count, idPart, perMonth, rangeDays, usd } from './common.ts';
import type { Confidence, Recommendation, Recommender } from './types.ts';

// Prompts a provider's prompt cache would discount. Lookout keeps a hash of each call's whole
// prompt, not of its prefixes, so the evidence of a repeated prefix is the same long prompt sent
// to the same model again while a provider's cache would still hold it: every such call, unless
// it already read from a cache, would have paid the cache-read price instead of the input price
// on its uncached input. Prompts that share only their system prompt hash differently and are not
// seen, so the estimate is a floor.
//
// Both OpenAI and Anthropic cache prompts from 1,024 tokens, and keep an entry about five minutes
// after its last use (OpenAI: "cleared after 5-10 minutes of inactivity",
// https://platform.openai.com/docs/guides/prompt-caching; Anthropic: "a 5-minute lifetime,
// refreshed each time the cached content is used",
// https://docs.anthropic.com/en/docs/build-with-claude/prompt-caching).
export const MIN_CACHEABLE_PROMPT_TOKENS = 1024;
export const CACHE_LIFETIME_MS = 5 * MINUTE_MS;
export const MAX_PROMPTS = 20;

const HIGH_CONFIDENCE_WARM_CALLS = 100;
const MEDIUM_CONFIDENCE_WARM_CALLS = 10;

export interface PromptCachingEstimate {
  inputUsdPerMtok: number;
  cacheReadUsdPerMtok: number;
  cacheWriteUsdPerMtok: number;
  // Calls that would have written the cache: those neither warm nor reading from a cache already.
  coldCalls: number;
  coldTokens: number;
  savedNano: number; // over the analysed range
}

// The row's rate for one call of `tokens` prompt tokens (a tiered price is chosen by the call's size).
function rateAt(rate: BucketRate | null, tokens: number): AppliedRate | null {
  return rate === null ? null : applyRate(rate, tokens);
}

const nanoOf = (tokens: number, rate: AppliedRate): number => bucketNanoUsd(tokens, rate.usdPerMtok, rate.microUsdPerMtok);

// What caching the group's prompt would have saved at the row's prices; null when the row has
// no cache-read price below its input price (the provider offers no discount).
export function estimatePromptCaching(row: PriceRow, repeats: PromptRepeatRow): PromptCachingEstimate | null {
  if (repeats.warmCalls === 0) return null;
  const perCall = repeats.warmInputTokens / repeats.warmCalls;
  const input = rateAt(row.rates.input, perCall);
  const cacheRead = rateAt(row.rates.cacheRead, perCall);
  // A row without a cache-read price charges cache reads at the input price: no discount to have.
  if (input === null || cacheRead === null || row.rates.cacheRead === row.rates.input || cacheRead.usdPerMtok >= input.usdPerMtok) return null;
  // Likewise writes: without a cache-write price, no premium.
  const cacheWrite = rateAt(row.rates.cacheWrite, perCall) ?? input;
  const coldCalls = Math.max(0, repeats.calls - repeats.warmCalls - repeats.cacheReadCalls);
  const coldTokens = Math.round(coldCalls * perCall);
  const discount = nanoOf(repeats.warmInputTokens, input) - nanoOf(repeats.warmInputTokens, cacheRead);
  const premium = cacheWrite.usdPerMtok > input.usdPerMtok ? nanoOf(coldTokens, cacheWrite) - nanoOf(coldTokens, input) : 0;
  return {
    inputUsdPerMtok: input.usdPerMtok,
    cacheReadUsdPerMtok: cacheRead.usdPerMtok,
    cacheWriteUsdPerMtok: cacheWrite.usdPerMtok,
    coldCalls,
    coldTokens,
    savedNano: discount - premium,
  };
}

function confidenceOf(r: PromptRepeatRow): { confidence: Confidence; reason: string } {
  const base = `${count(r.warmCalls)} calls resent the same ${count(r.warmInputTokens / r.warmCalls)}-token prompt within ${CACHE_LIFETIME_MS / MINUTE_MS} minutes of the one before`;
  if (r.warmCalls >= HIGH_CONFIDENCE_WARM_CALLS) return { confidence: 'high', reason: `${base}; the saving is a floor, since prompts sharing only a prefix are not counted` };
  if (r.warmCalls >= MEDIUM_CONFIDENCE_WARM_CALLS) return { confidence: 'medium', reason: `${base}: a pattern, not yet a long one` };
  return { confidence: 'low', reason: `${base}: too few to be sure the pattern holds` };
}

export const promptCaching: Recommender = async (deps, project, range) => {
  const rows = await deps.prompts.promptRepeats(project, {
    fromUs: range.fromUs,
    toUs: range.toUs,
    warmWithinMs: CACHE_LIFETIME_MS,
    repeatWindowMs: CACHE_LIFETIME_MS,
    minPromptTokens: MIN_CACHEABLE_PROMPT_TOKENS,
    orderBy: 'warm_input_tokens',
    limit: MAX_PROMPTS,
  });
  const days = rangeDays(range);
  const out: Recommendation[] = [];
  for (const r of rows) {
    const row = r.priceRowId === null ? null : deps.pricer.priceRowById(r.priceRowId);
    if (row === null) continue;
    const e = estimatePromptCaching(row, r);
    if (e === null || e.savedNano <= 0) continue;
    const monthly = perMonth(e.savedNano, days);
    const tokensPerCall = Math.round(r.warmInputTokens / r.warmCalls);
    const { confidence, reason } = confidenceOf(r);
    const premium = e.cacheWriteUsdPerMtok > e.inputUsdPerMtok
      ? ` − ${count(e.coldTokens)} cold tokens × (${formatUsdPerMtok(e.cacheWriteUsdPerMtok)}/M − ${formatUsdPerMtok(e.inputUsdPerMtok)}/M)`
      : '';
    out.push({
      id: `prompt_caching:prompt=${r.promptHash}:${idPart(r.provider)}/${idPart(r.model)}`,
      kind: 'prompt_caching',
      title: `Cache the repeated ${count(tokensPerCall)}-token prompt${r.feature ? ` of ${r.feature}` : ''} on ${r.model ?? 'its model'}`,
      detail:
        `${count(r.warmCalls)} of ${count(r.calls)} calls sent this exact prompt (same hash) within ${CACHE_LIFETIME_MS / MINUTE_MS} minutes of the previous one and read nothing from the provider's cache; ` +
        `with prompt caching they would pay ${formatUsdPerMtok(e.cacheReadUsdPerMtok)}/M instead of ${formatUsdPerMtok(e.inputUsdPerMtok)}/M for those tokens. ` +
        'Lookout hashes whole prompts, not prefixes, so a repeated whole prompt is the evidence of a repeated prefix: put the stable part (system prompt, instructions, documents) first and mark it cacheable.',
      feature: r.feature,
      model: r.model,
      monthlySavingsNano: monthly,
      formula:
        `(${count(r.warmInputTokens)} warm tokens × (${formatUsdPerMtok(e.inputUsdPerMtok)}/M − ${formatUsdPerMtok(e.cacheReadUsdPerMtok)}/M)${premium}) ` +
        `= ${usd(e.savedNano)} in ${days.toFixed(1)} d × 30/${days.toFixed(1)} = ${usd(monthly)}/month`,
      confidence,
      confidenceReason: reason,
      evidence: {
        calls: r.calls,
        sampleTraceIds: r.sampleTraceIds,
        figures: {
          promptHash: r.promptHash,
          priceRowId: r.priceRowId,
          warmCalls: r.warmCalls,
          warmInputTokens: r.warmInputTokens,
          cacheReadCalls: r.cacheReadCalls,
          coldCalls: e.coldCalls,
          coldTokens: e.coldTokens,
          inputUsdPerMtok: e.inputUsdPerMtok,
          cacheReadUsdPerMtok: e.cacheReadUsdPerMtok,
          cacheWriteUsdPerMtok: e.cacheWriteUsdPerMtok,
          cacheLifetimeMs: CACHE_LIFETIME_MS,
          savedNanoInRange: e.savedNano,
          rangeDays: days,
        },
      },
    });
  }
  return out;
};
