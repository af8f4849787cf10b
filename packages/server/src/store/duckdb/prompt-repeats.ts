import { decimalToNano } from '../../domain/money.ts';
import { APPLICATION_SPANS_SQL } from '../evaluation-scope.ts';
import { PROMPT_REPEAT_SAMPLES, promptRepeatParams, type PromptRepeatQuery, type PromptRepeatRow } from '../prompt-repeats.ts';
import type { ProjectId } from '../project.ts';
import type { DuckDb } from './db.ts';

// Repeated prompts on DuckDB (store/prompt-repeats.ts): one pass over the range's generations
// with a prompt hash; window functions date each call against the one before it in its group
// and number it within its fixed repeat window.

const ORDER: Record<PromptRepeatQuery['orderBy'], string> = {
  warm_input_tokens: 'warm_input_tokens',
  repeat_cost: 'repeat_cost',
};

export async function promptRepeats(db: DuckDb, project: ProjectId, q: PromptRepeatQuery): Promise<PromptRepeatRow[]> {
  const rows = await db.all(
    `WITH calls AS (
       SELECT prompt_hash, provider, model, price_row_id, feature, trace_id, cost_usd, input_tokens, cache_read_tokens,
              input_tokens + cache_read_tokens + cache_write_tokens AS prompt_tokens,
              epoch_us(start_time) AS at_us,
              at_us - lag(at_us) OVER (PARTITION BY prompt_hash, provider, model ORDER BY start_time, span_id) AS since_previous_us,
              row_number() OVER (PARTITION BY prompt_hash, provider, model, at_us // $windowUs ORDER BY start_time, span_id) AS in_window
         FROM spans
        WHERE project_id = $project
          AND start_time >= make_timestamp($fromUs) AND start_time < make_timestamp($toUs)
          AND kind = 'generation' AND status <> 'error' AND prompt_hash IS NOT NULL AND ${APPLICATION_SPANS_SQL}
          AND metadata[$hitKey] IS DISTINCT FROM $hitValue
          AND input_tokens + cache_read_tokens + cache_write_tokens >= $minTokens)
     SELECT prompt_hash, provider, model,
            arg_max(price_row_id, at_us) AS price_row_id, arg_max(feature, at_us) AS feature,
            count(*) AS calls, sum(prompt_tokens) AS prompt_tokens,
            count(*) FILTER (WHERE cache_read_tokens > 0) AS cache_read_calls,
            count(*) FILTER (WHERE cache_read_tokens = 0 AND since_previous_us <= $warmUs) AS warm_calls,
            coalesce(sum(input_tokens) FILTER (WHERE cache_read_tokens = 0 AND since_previous_us <= $warmUs), 0) AS warm_input_tokens,
            count(*) FILTER (WHERE in_window > 1) AS repeat_calls,
            coalesce(sum(cost_usd) FILTER (WHERE in_window > 1), 0) AS repeat_cost,
            min(at_us) AS first_us, max(at_us) AS last_us,
            list(trace_id ORDER BY at_us DESC, trace_id DESC)[1:${PROMPT_REPEAT_SAMPLES}] AS samples
       FROM calls
      GROUP BY prompt_hash, provider, model
     HAVING count(*) >= 2
      ORDER BY ${ORDER[q.orderBy]} DESC, prompt_hash, provider NULLS FIRST, model NULLS FIRST
      LIMIT $limit`,
    promptRepeatParams(project, q),
  );
  return rows.map((r) => ({
    promptHash: String(r.prompt_hash),
    provider: (r.provider as string | null) ?? null,
    model: (r.model as string | null) ?? null,
    priceRowId: (r.price_row_id as string | null) ?? null,
    feature: (r.feature as string | null) ?? null,
    calls: Number(r.calls),
    promptTokens: Number(r.prompt_tokens),
    cacheReadCalls: Number(r.cache_read_calls),
    warmCalls: Number(r.warm_calls),
    warmInputTokens: Number(r.warm_input_tokens),
    repeatCalls: Number(r.repeat_calls),
    repeatCostNano: Number(decimalToNano(String(r.repeat_cost))),
    firstUs: Number(r.first_us),
    lastUs: Number(r.last_us),
    sampleTraceIds: Array.isArray(r.samples) ? (r.samples as unknown[]).map(String) : [],
  }));
}
