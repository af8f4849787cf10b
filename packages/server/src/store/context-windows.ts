import { catalogContextWindow, type ContextWindowOf } from '../enrich/pricing/context-windows.ts';
import type { Measure } from '../query/contract.ts';

// C4: how full each call's context window was. The window is the model's, as the price catalog
// (@pydantic/genai-prices) lists it, so it is looked up when a query asks, not stored with the
// call: each backend first reads the (provider, model) pairs of the query's calls, then writes
// their windows into the statement as one CASE expression (the values bound as parameters) in
// place of CONTEXT_WINDOW_SQL. A model the catalog does not list has no window, and its calls no
// use (null, not 0).

export const CONTEXT_MEASURES = ['context_window_use_p50', 'context_window_use_p95', 'near_context_limit'] as const satisfies readonly Measure[];

// Stands for the window of the call's model in a measure's SQL until the query replaces it.
export const CONTEXT_WINDOW_SQL = '__context_window__';

// A query's calls rarely span more than a few dozen models; past this many pairs the rest are
// left without a window, which keeps the statement bounded.
export const MAX_CONTEXT_MODELS = 500;

// Every prompt token the call sent: uncached input, cache reads and cache writes (audio is left
// out: its bucket mixes input and output).
export const PROMPT_TOKENS_SQL = '(input_tokens + cache_read_tokens + cache_write_tokens)';

// A call is near its limit past 90% of the window, written as integers so both backends agree
// exactly: 10 × prompt > 9 × window.
export const NEAR_LIMIT_SQL = `10 * ${PROMPT_TOKENS_SQL} > 9 * ${CONTEXT_WINDOW_SQL}`;

// The use of one call: prompt tokens / window, over calls that sent a prompt.
export const CONTEXT_USE_SQL = `${PROMPT_TOKENS_SQL} / ${CONTEXT_WINDOW_SQL}`;
export const HAS_PROMPT_SQL = `${PROMPT_TOKENS_SQL} > 0`;

export { catalogContextWindow, type ContextWindowOf };

export function asksForContextWindows(measures: readonly Measure[]): boolean {
  return measures.some((m) => (CONTEXT_MEASURES as readonly string[]).includes(m));
}

export interface ModelPair {
  provider: string | null;
  model: string | null;
}

// The window of the call's model as SQL both backends read: NULL (a CASE that never matches)
// when no pair has one.
export function contextWindowSql(pairs: readonly ModelPair[], bind: (value: string) => string, windowOf: ContextWindowOf = catalogContextWindow): string {
  const whens: string[] = [];
  for (const { provider, model } of pairs.slice(0, MAX_CONTEXT_MODELS)) {
    if (model === null) continue;
    const window = windowOf(provider, model);
    if (window === null || !Number.isSafeInteger(window) || window <= 0) continue;
    whens.push(`WHEN coalesce(provider, '') = ${bind(provider ?? '')} AND model = ${bind(model)} THEN ${window}`);
  }
  return whens.length ? `(CASE ${whens.join(' ')} END)` : '(CASE WHEN 1 = 0 THEN 1 END)';
}

// The measure SQL with the windows written in.
export function withContextWindows(sql: string, windowSql: string): string {
  return sql.replaceAll(CONTEXT_WINDOW_SQL, () => windowSql);
}
