import { applicationSpansSql } from '../evaluation-scope.ts';
import { PROMPT_REPEAT_SAMPLES, promptRepeatParams, type PromptRepeatQuery, type PromptRepeatRow } from '../prompt-repeats.ts';
import type { ProjectId } from '../project.ts';
import type { Ch } from './client.ts';

// Repeated prompts on ClickHouse: the same sums as store/duckdb/prompt-repeats.ts over the current
// version of each span (FINAL). The window functions run over the merged rows, so a group whose
// calls sit on several shards is dated as one. lagInFrame gives 0 on a group's first call, which
// puts it a whole epoch after "the previous call": never warm. The hash is renamed in the
// innermost select: ClickHouse resolves an alias before a column of the same name, and the
// non-null alias would let the WHERE's IS NOT NULL pass every row.

const ORDER: Record<PromptRepeatQuery['orderBy'], string> = {
  warm_input_tokens: 'warm_input_tokens',
  repeat_cost: 'repeat_cost',
};

export async function promptRepeatsCh(ch: Ch, project: ProjectId, q: PromptRepeatQuery): Promise<PromptRepeatRow[]> {
  const rows = await ch.query(
    `SELECT hash, provider, model,
            argMax(price_row_id, at_us) AS last_price_row_id, argMax(feature, at_us) AS last_feature,
            count() AS calls, sum(prompt_tokens) AS prompt_tokens_sum,
            countIf(cache_read_tokens > 0) AS cache_read_calls,
            countIf(cache_read_tokens = 0 AND since_previous_us <= {warmUs:Int64}) AS warm_calls,
            sumIf(input_tokens, cache_read_tokens = 0 AND since_previous_us <= {warmUs:Int64}) AS warm_input_tokens,
            countIf(in_window > 1) AS repeat_calls,
            sumIf(ifNull(cost_nano, 0), in_window > 1) AS repeat_cost,
            min(at_us) AS first_us, max(at_us) AS last_us,
            arraySlice(arrayMap(x -> x.2, arrayReverseSort(groupArray((at_us, trace_id)))), 1, ${PROMPT_REPEAT_SAMPLES}) AS samples
       FROM (
         SELECT hash, provider, model, price_row_id, feature, trace_id, cost_nano, input_tokens, cache_read_tokens, prompt_tokens, at_us,
                at_us - lagInFrame(at_us) OVER (PARTITION BY hash, provider, model ORDER BY at_us, span_id ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS since_previous_us,
                row_number() OVER (PARTITION BY hash, provider, model, intDiv(at_us, {windowUs:Int64}) ORDER BY at_us, span_id) AS in_window
           FROM (
             SELECT assumeNotNull(prompt_hash) AS hash, provider, model, price_row_id, feature, trace_id, span_id, cost_nano,
                    input_tokens, cache_read_tokens, input_tokens + cache_read_tokens + cache_write_tokens AS prompt_tokens,
                    toUnixTimestamp64Micro(start_time) AS at_us
               FROM ${ch.database}.spans FINAL
              WHERE project_id = {project:String}
                AND start_time >= fromUnixTimestamp64Micro({fromUs:Int64}) AND start_time < fromUnixTimestamp64Micro({toUs:Int64})
                AND kind = 'generation' AND status != 'error' AND prompt_hash IS NOT NULL AND ${applicationSpansSql()}
                AND metadata[{hitKey:String}] != {hitValue:String}
                AND input_tokens + cache_read_tokens + cache_write_tokens >= {minTokens:Int64}))
      GROUP BY hash, provider, model
     HAVING calls >= 2
      ORDER BY ${ORDER[q.orderBy]} DESC, hash, provider NULLS FIRST, model NULLS FIRST
      LIMIT {limit:UInt32}`,
    promptRepeatParams(project, q),
  );
  const text = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
  return rows.map((r) => ({
    promptHash: String(r.hash),
    provider: text(r.provider),
    model: text(r.model),
    priceRowId: text(r.last_price_row_id),
    feature: text(r.last_feature),
    calls: Number(r.calls),
    promptTokens: Number(r.prompt_tokens_sum),
    cacheReadCalls: Number(r.cache_read_calls),
    warmCalls: Number(r.warm_calls),
    warmInputTokens: Number(r.warm_input_tokens),
    repeatCalls: Number(r.repeat_calls),
    repeatCostNano: Number(r.repeat_cost),
    firstUs: Number(r.first_us),
    lastUs: Number(r.last_us),
    sampleTraceIds: Array.isArray(r.samples) ? (r.samples as unknown[]).map(String) : [],
  }));
}
