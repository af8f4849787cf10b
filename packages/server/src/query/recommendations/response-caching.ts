import { HOUR_MS, MINUTE_MS } from '../../domain/time.ts';
import { DEFAULT_CACHE_MAX_ENTRIES, DEFAULT_CACHE_MAX_ENTRY_BYTES } from '../../alerts/actions/cache.ts';
import type { PromptRepeatRow } from '../../store/prompt-repeats.ts';
import { count, idPart, perMonth, rangeDays, usd } from './common.ts';
import type { Confidence, Recommendation, Recommender } from './types.ts';

// Exact repeats: the same whole prompt (same hash) to the same model again within one cache
// window. Every call after the first of its window could have been answered from a response
// cache, so what they cost is the saving. Lookout's gateway has such a cache: the exact-match
// response cache of the `responseCache` automated response (alerts/actions/cache.ts), which
// answers an identical request (provider credential, path and body) for the action's `ttl`; it
// serves only non-streamed calls through the gateway, lives in memory and is bounded. Its own hits
// (metadata gateway.cache = hit) cost nothing and are not counted again, and failed calls are not
// counted at all: a call retried after a rate limit is not a repeat of its failed try.
//
// Sampling parameters (temperature, seed) are not stored, so two calls of one prompt hash may
// have asked for different answers on purpose: the confidence is never high.
export const RESPONSE_CACHE_WINDOW_MS = HOUR_MS;
export const MAX_PROMPTS = 20;

const MEDIUM_CONFIDENCE_REPEATS = 10;

function confidenceOf(r: PromptRepeatRow): { confidence: Confidence; reason: string } {
  const params = 'sampling parameters are not stored, so check that the same answer may be reused (temperature 0, no per-call randomness)';
  if (r.repeatCalls >= MEDIUM_CONFIDENCE_REPEATS) return { confidence: 'medium', reason: `${count(r.repeatCalls)} exact repeats of one prompt; ${params}` };
  return { confidence: 'low', reason: `only ${count(r.repeatCalls)} exact repeats; ${params}` };
}

export const responseCaching: Recommender = async (deps, project, range) => {
  const rows = await deps.prompts.promptRepeats(project, {
    fromUs: range.fromUs,
    toUs: range.toUs,
    warmWithinMs: RESPONSE_CACHE_WINDOW_MS,
    repeatWindowMs: RESPONSE_CACHE_WINDOW_MS,
    minPromptTokens: 0,
    orderBy: 'repeat_cost',
    limit: MAX_PROMPTS,
  });
  const days = rangeDays(range);
  const windowMin = RESPONSE_CACHE_WINDOW_MS / MINUTE_MS;
  const out: Recommendation[] = [];
  for (const r of rows) {
    if (r.repeatCalls === 0 || r.repeatCostNano <= 0) continue;
    const monthly = perMonth(r.repeatCostNano, days);
    const { confidence, reason } = confidenceOf(r);
    out.push({
      id: `response_caching:prompt=${r.promptHash}:${idPart(r.provider)}/${idPart(r.model)}`,
      kind: 'response_caching',
      title: `Answer the repeated prompt${r.feature ? ` of ${r.feature}` : ''} on ${r.model ?? 'its model'} from a response cache`,
      detail:
        `${count(r.repeatCalls)} of ${count(r.calls)} calls sent exactly the same prompt (same hash) to the same model as an earlier call in the same ${windowMin}-minute window; ` +
        `a response cache would have answered them for nothing. Lookout's gateway does this while a responseCache automated response is active ` +
        `(alerts.actions, e.g. responseCache: { ttl: ${windowMin}m }): exact match on the request, non-streamed calls through the gateway only, ` +
        `at most ${count(DEFAULT_CACHE_MAX_ENTRIES)} answers of up to ${DEFAULT_CACHE_MAX_ENTRY_BYTES / 1024 / 1024} MiB each, in memory.`,
      feature: r.feature,
      model: r.model,
      monthlySavingsNano: monthly,
      formula: `${usd(r.repeatCostNano)} (cost of ${count(r.repeatCalls)} repeats, all but the first per ${windowMin}-minute window) in ${days.toFixed(1)} d × 30/${days.toFixed(1)} = ${usd(monthly)}/month`,
      confidence,
      confidenceReason: reason,
      evidence: {
        calls: r.calls,
        sampleTraceIds: r.sampleTraceIds,
        figures: {
          promptHash: r.promptHash,
          repeatCalls: r.repeatCalls,
          repeatCostNano: r.repeatCostNano,
          windowMs: RESPONSE_CACHE_WINDOW_MS,
          rangeDays: days,
        },
      },
    });
  }
  return out;
};
