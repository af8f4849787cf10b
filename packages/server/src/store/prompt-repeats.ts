import type { ProjectId } from './project.ts';

// Calls whose whole prompt was sent before (the same prompt hash to the same model), summed per
// (prompt hash, provider, model): what the prompt-caching and response-caching recommendations
// rest on. Only application generations with a prompt hash that succeeded, excluding the
// gateway's own cache hits (metadata gateway.cache = hit), which cost nothing to repeat. A failed
// call (status error) is left out: its answer could not be reused, so the retry that follows it
// with the same prompt is not a repeat, and a provider refuses most failed requests (rate
// limits, overload, a prompt too long) before it reads the prompt, so it warms no prompt cache.

export const GATEWAY_CACHE_HIT = { key: 'gateway.cache', value: 'hit' } as const;
export const MAX_PROMPT_REPEAT_GROUPS = 100;
export const PROMPT_REPEAT_SAMPLES = 10;

export interface PromptRepeatQuery {
  fromUs: number; // inclusive, on the call's start
  toUs: number; // exclusive
  // A call is warm when the call before it in its group started at most this long before it:
  // a provider's prompt cache, refreshed by every hit, would still hold the prompt.
  warmWithinMs: number;
  // Calls after the first of their group within one fixed window of this length (windows start
  // at the Unix epoch) are repeats: a response cache kept this long would have answered them.
  repeatWindowMs: number;
  // Only calls with at least this many prompt tokens (uncached input + cache reads + cache writes).
  minPromptTokens: number;
  // Groups are ranked by this, largest first, then by hash; at most `limit` (≤ MAX_PROMPT_REPEAT_GROUPS).
  orderBy: 'warm_input_tokens' | 'repeat_cost';
  limit: number;
}

export interface PromptRepeatRow {
  promptHash: string;
  provider: string | null;
  model: string | null;
  // The newest call's price row and feature.
  priceRowId: string | null;
  feature: string | null;
  calls: number;
  promptTokens: number;
  // Calls that already read part of the prompt from a provider's cache.
  cacheReadCalls: number;
  // Warm calls that read nothing from a cache, and their uncached input tokens.
  warmCalls: number;
  warmInputTokens: number;
  repeatCalls: number;
  repeatCostNano: number;
  firstUs: number;
  lastUs: number;
  // Trace ids of the newest calls, newest first, at most PROMPT_REPEAT_SAMPLES.
  sampleTraceIds: string[];
}

export interface PromptRepeatReads {
  promptRepeats(project: ProjectId, q: PromptRepeatQuery): Promise<PromptRepeatRow[]>;
}

// The values both backends bind into their statement, whole numbers and the group count bounded.
export function promptRepeatParams(project: ProjectId, q: PromptRepeatQuery) {
  return {
    project,
    fromUs: Math.trunc(q.fromUs),
    toUs: Math.trunc(q.toUs),
    windowUs: Math.max(1, Math.trunc(q.repeatWindowMs * 1000)),
    warmUs: Math.trunc(q.warmWithinMs * 1000),
    minTokens: Math.trunc(q.minPromptTokens),
    hitKey: GATEWAY_CACHE_HIT.key,
    hitValue: GATEWAY_CACHE_HIT.value,
    limit: Math.max(1, Math.min(MAX_PROMPT_REPEAT_GROUPS, Math.trunc(q.limit))),
  };
}
