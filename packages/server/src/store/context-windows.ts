import { catalogContextWindow, type ContextWindowOf } from '../enrich/pricing/context-windows.ts';
import type { Measure } from '../query/contract.ts';

// C4: how full each call's context window was. The window is the model's, as the price catalog
// (@pydantic/genai-prices) lists it, so it is looked up when a query asks, not stored with the
// call: each backend first reads the (provider, requested model, model) of the query's calls,
// then writes their windows into the statement as one CASE expression (the values bound as
// parameters) in place of CONTEXT_WINDOW_SQL. A model the catalog does not list has no window, and its calls no
// use (null, not 0).

export const CONTEXT_MEASURES = ['context_window_use_p50', 'context_window_use_p95', 'near_context_limit'] as const satisfies readonly Measure[];

// Stands for the window of the call's model in a measure's SQL until the query replaces it.
export const CONTEXT_WINDOW_SQL = '__context_window__';

// A query's calls rarely span more than a few dozen models; past this many pairs with a window
// the rest are left without one, which keeps the statement bounded.
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

// The models of a group of calls: provider, the model asked for and the model that answered
// (the store's `model` column: the answered one, else the requested one).
export interface ModelPair {
  provider: string | null;
  requestModel: string | null;
  model: string | null;
}

// A pair with its window, as contextWindowSql writes it.
export interface PairWindow {
  provider: string | null;
  requestModel: string | null;
  model: string;
  window: number;
}

// How many distinct pairs a query or the rollups' start-up read looks at for their windows: far
// more than any install runs. Of those, the first MAX_CONTEXT_MODELS that have a window are kept
// (pairs without one, such as models the catalog does not list, take no place).
export const MAX_MODEL_PAIRS_READ = 10_000;

// The first MAX_CONTEXT_MODELS pairs of `pairs` that have a window, each looked up once.
export function pairWindows(pairs: readonly ModelPair[], windowOf: ContextWindowOf = catalogContextWindow): PairWindow[] {
  const out: PairWindow[] = [];
  for (const { provider, requestModel, model } of pairs) {
    if (out.length >= MAX_CONTEXT_MODELS) break;
    if (model === null) continue;
    const window = windowOf(provider, model, requestModel);
    if (window === null || !Number.isSafeInteger(window) || window <= 0) continue;
    out.push({ provider, requestModel, model, window });
  }
  return out;
}

export interface PairColumns {
  provider: string;
  requestModel: string;
  model: string;
}

// The window of the call's model as SQL both backends read: NULL (a CASE that never matches)
// when no pair has one. The requested model is part of the key, since a window the config names
// for it applies to every model that answered it. `columns`: how the statement names the call's
// provider and models (a qualified name where the select list reuses the plain one as an alias).
export function contextWindowSql(
  windows: readonly PairWindow[],
  bind: (value: string) => string,
  columns: PairColumns = { provider: 'provider', requestModel: 'request_model', model: 'model' },
): string {
  const whens = windows
    .slice(0, MAX_CONTEXT_MODELS)
    .map(
      (w) =>
        `WHEN coalesce(${columns.provider}, '') = ${bind(w.provider ?? '')} AND coalesce(${columns.requestModel}, '') = ${bind(w.requestModel ?? '')} AND ${columns.model} = ${bind(w.model)} THEN ${w.window}`,
    );
  return whens.length ? `(CASE ${whens.join(' ')} END)` : '(CASE WHEN 1 = 0 THEN 1 END)';
}

// The measure SQL with the windows written in.
export function withContextWindows(sql: string, windowSql: string): string {
  return sql.replaceAll(CONTEXT_WINDOW_SQL, () => windowSql);
}
