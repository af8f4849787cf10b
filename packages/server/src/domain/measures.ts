// The quantities Lookout measures, named once. Analytics (query/), alert rules (alerts/rules/),
// the in-memory rollups (rollups/) and the series on /metrics (metrics/names.ts) all draw their
// names from this catalog, so `cost` is `cost` in a report, a rule file and the rule editor.
//
// Naming: a quantity summed over calls is named after what it counts (`cost`, `requests`,
// `input_tokens`, `total_tokens`). Failed calls by class are `errors.<class>`, the classes of
// `error_class`. A distribution a rule takes percentiles of is named with its unit
// (`latency_ms`, `ttft_ms`) or, for scores, `score`; analytics' `latency_p95` and `score_avg`
// are statistics of those distributions, named `<quantity>_<statistic>`. Alert rules written
// before the names were shared used other spellings; MEASURE_ALIASES reads them.

export const MEASURE_UNITS = ['usd', 'count', 'tokens', 'ms', 'fraction', 'ratio', 'tokens_per_usd', 'usd_per_mtok', 'score', 'tokens_per_second'] as const;
export type MeasureUnit = (typeof MEASURE_UNITS)[number];

export interface MeasureSpec {
  unit: MeasureUnit;
  // Additive measures are 0 over no rows (and in gap-filled buckets); the others are null.
  additive: boolean;
  description: string;
}

export const MEASURE_CATALOG = {
  cost: { unit: 'usd', additive: true, description: 'Sum of known costs. Calls whose cost is unknown add nothing here; they are counted in unknown_cost_requests.' },
  unknown_cost_requests: { unit: 'count', additive: true, description: "Calls whose model has no price (cost_status 'unknown_model'): cost unknown, not $0." },
  requests: { unit: 'count', additive: true, description: 'Number of calls.' },
  input_tokens: { unit: 'tokens', additive: true, description: 'Uncached input tokens.' },
  output_tokens: { unit: 'tokens', additive: true, description: 'Output tokens, reasoning excluded.' },
  cache_read_tokens: { unit: 'tokens', additive: true, description: 'Input tokens read from the prompt cache.' },
  cache_write_tokens: { unit: 'tokens', additive: true, description: 'Input tokens written to the prompt cache.' },
  reasoning_tokens: { unit: 'tokens', additive: true, description: 'Output tokens spent on reasoning.' },
  audio_tokens: { unit: 'tokens', additive: true, description: 'Audio tokens (input and output).' },
  total_tokens: { unit: 'tokens', additive: true, description: 'All token buckets; they never overlap, so each token is counted once.' },
  tokens_per_request: { unit: 'tokens', additive: false, description: 'total_tokens / requests.' },
  input_output_ratio: { unit: 'ratio', additive: false, description: '(input + cache read + cache write) / (output + reasoning); null when there is no output.' },
  cache_hit_rate: {
    unit: 'fraction',
    additive: false,
    description: 'cache read tokens / (uncached input + cache read + cache write tokens): the share of the prompt served from the provider cache, from 0 to 1; null when there is no input.',
  },
  cache_savings: {
    unit: 'usd',
    additive: true,
    description: "What the cache reads saved: per call, cache read tokens at the call's own uncached input price (its input cost / its uncached input tokens) minus what the cache reads cost, summed. Calls without a priced input and cache read bucket add nothing.",
  },
  context_window_use_p50: {
    unit: 'fraction',
    additive: false,
    description: "Median context-window use: per call, prompt tokens (uncached input + cache read + cache write) / the model's context window in the price catalog; over calls that sent a prompt to a model with a listed window.",
  },
  context_window_use_p95: { unit: 'fraction', additive: false, description: '95th percentile context-window use.' },
  near_context_limit: { unit: 'count', additive: true, description: "Calls whose prompt took more than 90% of the model's context window (truncation risk)." },
  latency_avg: { unit: 'ms', additive: false, description: 'Mean call duration.' },
  latency_p50: { unit: 'ms', additive: false, description: 'Exact median call duration (continuous quantile, linear interpolation).' },
  latency_p95: { unit: 'ms', additive: false, description: 'Exact 95th percentile call duration.' },
  latency_p99: { unit: 'ms', additive: false, description: 'Exact 99th percentile call duration.' },
  ttft_p50: { unit: 'ms', additive: false, description: 'Exact median time to first token, over calls that report it (streaming).' },
  ttft_p95: { unit: 'ms', additive: false, description: 'Exact 95th percentile time to first token.' },
  ttft_p99: { unit: 'ms', additive: false, description: 'Exact 99th percentile time to first token.' },
  tokens_per_second_p50: {
    unit: 'tokens_per_second',
    additive: false,
    description: 'Median streaming speed: per streamed call (one that reports a time to first token, with output and time after it), output tokens / (duration - ttft) in seconds.',
  },
  tokens_per_second_p95: { unit: 'tokens_per_second', additive: false, description: '95th percentile streaming speed (the fastest 5% of streamed calls are above it).' },
  time_per_output_token_p50: { unit: 'ms', additive: false, description: 'Median time per output token of streamed calls: (duration - ttft) / output tokens.' },
  time_per_output_token_p95: { unit: 'ms', additive: false, description: '95th percentile time per output token of streamed calls (the slowest 5% are above it).' },
  errors: { unit: 'count', additive: true, description: "Calls with status 'error'." },
  error_rate: { unit: 'fraction', additive: false, description: 'errors / requests, from 0 to 1.' },
  cost_per_request: { unit: 'usd', additive: false, description: 'cost / calls whose cost is known (unknown costs do not dilute it).' },
  tokens_per_dollar: { unit: 'tokens_per_usd', additive: false, description: 'Tokens of priced calls / cost; null when the cost is 0.' },
  usd_per_mtok: { unit: 'usd_per_mtok', additive: false, description: 'cost × 1,000,000 / tokens of priced calls.' },
  score_avg: { unit: 'score', additive: false, description: 'Mean numeric score (booleans as 0/1) on the traces of the group; scoreName narrows it to one score.' },
  score_count: { unit: 'count', additive: true, description: 'Number of numeric scores (booleans included) on the traces of the group, the scores score_avg averages; scoreName narrows it to one score.' },
  refusals: {
    unit: 'count',
    additive: true,
    description: "Generations that declined to answer: a refusal finish reason (content_filter, refusal, safety, ...) or an answer opening with a refusal phrase of the maintained set (docs/quality.md). Marked at ingest on every generation.",
  },
  refusal_rate: { unit: 'fraction', additive: false, description: 'refusals / generations (embeddings never refuse), from 0 to 1.' },
  app_cache_lookups: {
    unit: 'count',
    additive: true,
    description: "Lookups in an application-level cache: spans that carry cache.hit (true or false), such as an application's cache.get span, and calls the gateway's response cache looked up. Not LLM calls: a query of these measures counts only cache lookups.",
  },
  app_cache_hits: { unit: 'count', additive: true, description: 'Application cache lookups that hit (cache.hit true, or a gateway response-cache hit).' },
  app_cache_misses: { unit: 'count', additive: true, description: 'Application cache lookups that missed (cache.hit false, or a gateway response-cache miss).' },
  app_cache_hit_rate: { unit: 'fraction', additive: false, description: 'app_cache_hits / app_cache_lookups, from 0 to 1; null when there was no lookup.' },
  // Measures of alert rules only: the rollups keep them, analytics computes the same from spans
  // with a dimension (error_class) or a statistic (latency_p95) instead.
  'errors.rate_limit': { unit: 'count', additive: true, description: 'Calls refused by the provider for rate limiting.' },
  'errors.timeout': { unit: 'count', additive: true, description: 'Calls that timed out.' },
  'errors.server': { unit: 'count', additive: true, description: 'Calls that failed with a provider error (5xx).' },
  'errors.invalid_request': { unit: 'count', additive: true, description: 'Calls the provider refused as invalid (4xx).' },
  'errors.content_filter': { unit: 'count', additive: true, description: "Calls stopped by the provider's content filter." },
  'errors.auth': { unit: 'count', additive: true, description: 'Calls refused for authentication or permission.' },
  'errors.cancelled': { unit: 'count', additive: true, description: 'Calls cancelled by the client.' },
  'errors.other': { unit: 'count', additive: true, description: 'Failed calls of no other class.' },
  prompt_tokens: { unit: 'tokens', additive: true, description: 'Every input token of the prompt: uncached input, cache reads and cache writes.' },
  scores: { unit: 'count', additive: true, description: 'Number of numeric scores.' },
  pii_detections: {
    unit: 'count',
    additive: true,
    description: 'Spans on which at least one sensitive value (personal data or a secret) was found and redacted as configured: LLM calls and the other spans that carry content, such as a root span with the user\'s input.',
  },
  injection_attempts: { unit: 'count', additive: true, description: 'Spans on which a prompt injection or jailbreak attempt was detected, whatever its severity (LLM calls and other spans that carry content).' },
  auth_failures: {
    unit: 'count',
    additive: true,
    description: "Requests refused because the project's API key lacks the scope they need (403). Missing and unknown keys belong to no project: they are on /metrics only. Counted in memory since the server started.",
  },
  rate_limited: {
    unit: 'count',
    additive: true,
    description: "The project's requests answered 429 by Lookout: ingest queue full, too many queued reads, a hard budget spent or an automated rate limit at the gateway. Counted in memory since the server started.",
  },
  latency_ms: { unit: 'ms', additive: false, description: 'Call duration, as a distribution: percentile rules read its quantiles, threshold rules its mean.' },
  ttft_ms: { unit: 'ms', additive: false, description: 'Time to first token of streaming calls, as a distribution.' },
  score: { unit: 'score', additive: false, description: 'Numeric score values (booleans as 0/1), as a distribution; score_name narrows it.' },
  retrieval_score_psi: {
    unit: 'ratio',
    additive: false,
    description: "Population Stability Index of the retrievals' top scores (10 bins over 0..1) in the window against the rule's lookback right before it: below 0.1 stable, above 0.25 a significant shift (docs/quality.md). minSamples counts the window's scored retrievals.",
  },
  retrieval_documents_avg: { unit: 'count', additive: false, description: 'Mean number of documents a retrieval returned, over the retrievals that report it.' },
  embedding_truncation_rate: { unit: 'fraction', additive: false, description: "Share of embedding calls whose input was truncated to the model's input limit, over the calls where that is known." },
  ingest_queue_depth: { unit: 'count', additive: false, description: 'Rows waiting in the ingest queue now (not windowed).' },
  client_queue_depth: { unit: 'count', additive: false, description: "Items waiting in clients' queues now (not windowed; nothing reports it yet)." },
} as const satisfies Record<string, MeasureSpec>;

export type MeasureName = keyof typeof MEASURE_CATALOG;

// What an analytics query may ask for (query/contract.ts), computed from stored spans.
export const ANALYTICS_MEASURES = [
  'cost',
  'unknown_cost_requests',
  'requests',
  'input_tokens',
  'output_tokens',
  'cache_read_tokens',
  'cache_write_tokens',
  'reasoning_tokens',
  'audio_tokens',
  'total_tokens',
  'tokens_per_request',
  'input_output_ratio',
  'cache_hit_rate',
  'cache_savings',
  'context_window_use_p50',
  'context_window_use_p95',
  'near_context_limit',
  'latency_avg',
  'latency_p50',
  'latency_p95',
  'latency_p99',
  'ttft_p50',
  'ttft_p95',
  'ttft_p99',
  'tokens_per_second_p50',
  'tokens_per_second_p95',
  'time_per_output_token_p50',
  'time_per_output_token_p95',
  'errors',
  'error_rate',
  'cost_per_request',
  'tokens_per_dollar',
  'usd_per_mtok',
  'score_avg',
  'score_count',
  'refusals',
  'refusal_rate',
  'app_cache_lookups',
  'app_cache_hits',
  'app_cache_misses',
  'app_cache_hit_rate',
] as const satisfies readonly MeasureName[];
export type AnalyticsMeasure = (typeof ANALYTICS_MEASURES)[number];
// Analytics measures of the scores on a group's traces (joined to the calls by trace), not of the calls.
export const SCORE_ANALYTICS_MEASURES = ['score_avg', 'score_count'] as const satisfies readonly AnalyticsMeasure[];
export type ScoreAnalyticsMeasure = (typeof SCORE_ANALYTICS_MEASURES)[number];
export const isScoreAnalyticsMeasure = (m: string): m is ScoreAnalyticsMeasure => (SCORE_ANALYTICS_MEASURES as readonly string[]).includes(m);
// Analytics measures of application cache lookups (C6), not of LLM calls: a query asks for them
// alone, and is then scoped to the lookups instead of the calls.
export const APP_CACHE_MEASURES = ['app_cache_lookups', 'app_cache_hits', 'app_cache_misses', 'app_cache_hit_rate'] as const satisfies readonly AnalyticsMeasure[];
export type AppCacheMeasure = (typeof APP_CACHE_MEASURES)[number];
export const isAppCacheMeasure = (m: string): m is AppCacheMeasure => (APP_CACHE_MEASURES as readonly string[]).includes(m);

// Counters of alert rules, kept per minute by the rollups: a window sums them. `requests`
// counts LLM calls (generation and embedding spans); `pii_detections` and `injection_attempts`
// count every span the processor chain marked, `refusals` the generations it marked as refused;
// `near_context_limit` the calls past 90% of their model's context window (C4: the config's
// `pricing.contextWindows`, else the catalog's); `auth_failures` and `rate_limited` count the
// project's refused requests (server/refusals.ts).
export const COUNTER_MEASURES = [
  'requests',
  'errors',
  'errors.rate_limit',
  'errors.timeout',
  'errors.server',
  'errors.invalid_request',
  'errors.content_filter',
  'errors.auth',
  'errors.cancelled',
  'errors.other',
  'cost',
  'unknown_cost_requests',
  'total_tokens',
  'input_tokens',
  'output_tokens',
  'cache_read_tokens',
  'cache_write_tokens',
  'reasoning_tokens',
  'audio_tokens',
  'prompt_tokens',
  'scores',
  'pii_detections',
  'injection_attempts',
  'refusals',
  'near_context_limit',
  'auth_failures',
  'rate_limited',
] as const satisfies readonly MeasureName[];
export type CounterMeasure = (typeof COUNTER_MEASURES)[number];

// Distributions kept per minute as sketches: percentile rules read quantiles, threshold rules
// read the mean.
export const DISTRIBUTION_MEASURES = ['latency_ms', 'ttft_ms', 'score'] as const satisfies readonly MeasureName[];
export type DistributionMeasure = (typeof DISTRIBUTION_MEASURES)[number];

// D5: retrieval and embedding drift, read from the rollups' drift cells (by feature only).
export const DRIFT_MEASURES = ['retrieval_score_psi', 'retrieval_documents_avg', 'embedding_truncation_rate'] as const satisfies readonly MeasureName[];
export type DriftMeasure = (typeof DRIFT_MEASURES)[number];

// Instant values of the server itself (not windowed).
export const GAUGE_MEASURES = ['ingest_queue_depth', 'client_queue_depth'] as const satisfies readonly MeasureName[];
export type GaugeMeasure = (typeof GAUGE_MEASURES)[number];

export const RULE_MEASURES = [...COUNTER_MEASURES, ...DISTRIBUTION_MEASURES, ...GAUGE_MEASURES, ...DRIFT_MEASURES] as const;
export type RuleMeasure = (typeof RULE_MEASURES)[number];

// The spellings alert rules used before the names were shared. Rule files, API bodies and rules
// stored by older versions may still carry them; they are read as the canonical name.
export const MEASURE_ALIASES = {
  cost_usd: 'cost',
  tokens: 'total_tokens',
  'tokens.input': 'input_tokens',
  'tokens.output': 'output_tokens',
  'tokens.cacheRead': 'cache_read_tokens',
  'tokens.cacheWrite': 'cache_write_tokens',
  'tokens.reasoning': 'reasoning_tokens',
  'tokens.audio': 'audio_tokens',
} as const satisfies Record<string, RuleMeasure>;

// The canonical name of a rule measure written either way; anything else comes back unchanged
// (to be refused by whoever checks it, with the canonical names listed).
export function canonicalRuleMeasure(name: string): string {
  return Object.hasOwn(MEASURE_ALIASES, name) ? MEASURE_ALIASES[name as keyof typeof MEASURE_ALIASES] : name;
}

export function isCounterMeasure(name: string | undefined): name is CounterMeasure {
  return name !== undefined && (COUNTER_MEASURES as readonly string[]).includes(name);
}

export function isDistributionMeasure(name: string | undefined): name is DistributionMeasure {
  return name !== undefined && (DISTRIBUTION_MEASURES as readonly string[]).includes(name);
}

export function isDriftMeasure(name: string | undefined): name is DriftMeasure {
  return name !== undefined && (DRIFT_MEASURES as readonly string[]).includes(name);
}

export function isGaugeMeasure(name: string | undefined): name is GaugeMeasure {
  return name !== undefined && (GAUGE_MEASURES as readonly string[]).includes(name);
}

// The catalog entries of some names, in their order (each surface's own table).
export function measureSpecs<const N extends MeasureName>(names: readonly N[]): { [K in N]: (typeof MEASURE_CATALOG)[K] } {
  return Object.fromEntries(names.map((n) => [n, MEASURE_CATALOG[n]])) as { [K in N]: (typeof MEASURE_CATALOG)[K] };
}
