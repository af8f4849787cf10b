import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { nanoToUsd } from '../domain/money.ts';
import { effectiveModel, type SpanRecord } from '../domain/span.ts';
import type { ScoreRecord } from '../domain/score.ts';
import { isEvaluationSpan, QUALITY_METADATA } from '../domain/quality.ts';
import { METRIC, PROCESS_METRIC_PREFIX, TOKEN_TYPE } from './names.ts';
import { SECURITY_METADATA, SECURITY_SEVERITIES, securityFactsOf } from '../domain/security.ts';
import { PII_TYPES } from '../enrich/redact/types.ts';
import { AUTH_FAILURE_REASONS, RATE_LIMIT_REASONS } from '../domain/security.ts';
import { CostRateWindow } from './cost-rate.ts';
import { renderMetrics, type ExpositionFormat } from './exposition.ts';
import { ExemplarBatch } from './exemplars.ts';
import { catalogContextWindow, type ContextWindowOf } from '../enrich/pricing/context-windows.ts';

// H1: the /metrics registry. Labels are bounded: no user, session or trace labels ever, and
// model/provider values past a fixed number of distinct ones are folded into "other".

const MAX_MODELS = 200;
const MAX_PROVIDERS = 50;
const MAX_SCORE_NAMES = 50;

export class BoundedLabel {
  private readonly seen = new Set<string>();
  private readonly max: number;
  constructor(max: number) {
    this.max = max;
  }
  get(value: string | null | undefined): string {
    const v = value || 'unknown';
    if (this.seen.has(v)) return v;
    if (this.seen.size >= this.max) return 'other';
    this.seen.add(v);
    return v;
  }
}

const LATENCY_BUCKETS_S = [0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 7.5, 10, 15, 20, 30, 60, 120];
const TTFT_BUCKETS_S = [0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10];
// From a cached embedding (a hundredth of a cent) to a long reasoning call; few buckets, since
// the series multiply by every provider and model.
const COST_BUCKETS_USD = [0.0001, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5];
// C3: streaming speed of a streamed call, from a slow reasoning model's few tokens a second to a
// small model's hundreds; time per output token covers the same calls from the other side.
const TOKENS_PER_SECOND_BUCKETS = [5, 10, 20, 35, 50, 75, 100, 150, 250, 500];
const TIME_PER_OUTPUT_TOKEN_BUCKETS_S = [0.002, 0.005, 0.01, 0.015, 0.02, 0.03, 0.05, 0.1, 0.2];
// C4: prompt tokens over the model's window; 0.9 is the near-limit line, and past 1 is a prompt
// the window could not hold (a wrong window, or one the provider truncated).
const CONTEXT_USE_BUCKETS = [0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 1, 1.5];
// Distinct (provider, model) pairs whose window is remembered; past it the memory starts over.
const MAX_WINDOW_LOOKUPS = 1_000;

export class LookoutMetrics {
  readonly registry = new Registry();
  private readonly models = new BoundedLabel(MAX_MODELS);
  private readonly providers = new BoundedLabel(MAX_PROVIDERS);
  private readonly scoreNames = new BoundedLabel(MAX_SCORE_NAMES);

  readonly requests: Counter<'provider' | 'model' | 'kind' | 'status'>;
  readonly tokens: Counter<'provider' | 'model' | 'type'>;
  readonly costUsd: Counter<'provider' | 'model'>;
  readonly evaluationCostUsd: Counter<'provider' | 'model'>;
  readonly evaluationRequests: Counter<'provider' | 'model' | 'status'>;
  readonly evaluations: Counter<'kind' | 'outcome'>;
  readonly judgeQueueDepth: Gauge;
  readonly unknownCost: Counter<'provider' | 'model'>;
  readonly duration: Histogram<'provider' | 'model'>;
  readonly requestCost: Histogram<'provider' | 'model'>;
  readonly costRate: Gauge<'provider'>;
  private readonly costRateWindow = new CostRateWindow();
  private readonly durationBatch: ExemplarBatch<'provider' | 'model'>;
  private readonly requestCostBatch: ExemplarBatch<'provider' | 'model'>;
  readonly ttft: Histogram<'provider' | 'model'>;
  readonly outputTokensPerSecond: Histogram<'provider' | 'model'>;
  readonly timePerOutputToken: Histogram<'provider' | 'model'>;
  readonly contextWindowUse: Histogram<'provider' | 'model'>;
  readonly nearContextLimit: Counter<'provider' | 'model'>;
  private readonly contextWindowOf: ContextWindowOf;
  private readonly windows = new Map<string, number | null>();
  readonly errors: Counter<'provider' | 'model' | 'error_class'>;
  readonly rateLimitHits: Counter<'provider'>;
  readonly refusals: Counter<'provider' | 'model'>;
  // C6: application cache lookups by result, `hit` or `miss` (both start at 0).
  readonly appCacheLookups: Counter<'result'>;
  readonly cacheReadTokens: Counter<'provider' | 'model'>;
  readonly qualityScore: Histogram<'name'>;
  readonly ingestItems: Counter<'source' | 'type' | 'outcome'>;
  readonly queueDepth: Gauge;
  readonly dropped: Counter<'reason'>;
  readonly contentAttributesWithheld: Counter<'signal'>;
  readonly storeReadsRefused: Counter<'reason'>;
  readonly duplicateChecksSkipped: Counter;
  readonly storeWriteSeconds: Histogram;
  readonly journalWriteSeconds: Histogram;
  readonly storeWriteRows: Histogram;
  readonly ingestLagSeconds: Histogram;
  readonly httpRequests: Counter<'route' | 'method' | 'status'>;
  // C6: the recording gateway. `upstream` is one of a fixed few (openai, anthropic).
  readonly gatewayInFlight: Gauge<'upstream'>;
  readonly gatewayUpstreamRequests: Counter<'upstream' | 'outcome'>;
  readonly gatewayUpstreamSeconds: Histogram<'upstream'>;
  readonly gatewayRecordingLost: Counter<'reason'>;
  readonly gatewayRecordingPending: Gauge;
  readonly gatewayBudgetBlocked: Counter<'upstream'>;
  readonly gatewayIgnoredHeaders: Counter<'header'>;
  readonly gatewayUsageUnread: Counter<'reason'>;
  // E3: every label value is from a fixed list (PII_TYPES, SECURITY_SEVERITIES, the refusal
  // reasons of server/refusals.ts) and starts at 0, so that increase() sees the first one.
  readonly piiDetected: Counter<'type'>;
  readonly injectionDetected: Counter<'severity'>;
  readonly authFailures: Counter<'reason'>;
  readonly rateLimited: Counter<'reason'>;

  // `contextWindowOf`: the window of a model (pricing.contextWindows over the catalog).
  constructor(options: { defaultMetrics?: boolean; contextWindowOf?: ContextWindowOf } = {}) {
    const registers = [this.registry];
    this.contextWindowOf = options.contextWindowOf ?? catalogContextWindow;
    if (options.defaultMetrics !== false) {
      collectDefaultMetrics({ register: this.registry, prefix: PROCESS_METRIC_PREFIX });
      // prom-client names three gauges with a counter's "_total" suffix, which promtool rejects;
      // the same facts are in lookout_process_nodejs_active_* without it.
      for (const name of ['handles', 'requests', 'resources']) this.registry.removeSingleMetric(`${PROCESS_METRIC_PREFIX}nodejs_active_${name}_total`);
    }
    this.requests = new Counter({
      name: METRIC.llmRequests,
      help: 'LLM calls and other spans stored, by provider, model, kind and status.',
      labelNames: ['provider', 'model', 'kind', 'status'],
      registers,
    });
    this.tokens = new Counter({
      name: METRIC.llmTokens,
      help: 'Tokens by provider, model and non-overlapping type (input, output, cache_read, cache_write, reasoning, audio).',
      labelNames: ['provider', 'model', 'type'],
      registers,
    });
    this.costUsd = new Counter({
      name: METRIC.llmCostUsd,
      help: `Known cost in US dollars by provider and model. Calls of unknown cost are counted in ${METRIC.llmUnknownCostRequests} instead.`,
      labelNames: ['provider', 'model'],
      registers,
    });
    this.evaluationCostUsd = new Counter({
      name: METRIC.evaluationCostUsd,
      help: `Known cost in US dollars of Lookout's own judge calls, by provider and model; not in ${METRIC.llmCostUsd}.`,
      labelNames: ['provider', 'model'],
      registers,
    });
    this.evaluationRequests = new Counter({
      name: METRIC.evaluationRequests,
      help: `Lookout's own judge calls stored, by provider, model and status; not in ${METRIC.llmRequests}.`,
      labelNames: ['provider', 'model', 'status'],
      registers,
    });
    this.evaluations = new Counter({
      name: METRIC.evaluations,
      help: 'Evaluations by evaluator kind (heuristic, llm_judge) and outcome: scored, failed (a log record lookout.evaluation says why), not_applicable, budget_reached and queue_full (samples not judged), duplicate.',
      labelNames: ['kind', 'outcome'],
      registers,
    });
    this.judgeQueueDepth = new Gauge({
      name: METRIC.judgeQueueDepth,
      help: 'Sampled traces waiting to be judged (persisted across restarts).',
      registers,
    });
    this.unknownCost = new Counter({
      name: METRIC.llmUnknownCostRequests,
      help: 'Calls whose model has no price, so their cost is unknown (never counted as zero).',
      labelNames: ['provider', 'model'],
      registers,
    });
    this.duration = new Histogram({
      name: METRIC.llmRequestDuration,
      help: 'Duration of LLM calls in seconds.',
      labelNames: ['provider', 'model'],
      buckets: LATENCY_BUCKETS_S,
      enableExemplars: true,
      registers: [],
    });
    this.requestCost = new Histogram({
      name: METRIC.llmRequestCost,
      help: 'Known cost of one LLM call in US dollars, by provider and model.',
      labelNames: ['provider', 'model'],
      buckets: COST_BUCKETS_USD,
      enableExemplars: true,
      registers: [],
    });
    // prom-client refuses exemplars on a metric of a classic-format registry when it is built, yet
    // the classic format simply leaves them out; the OpenMetrics rendering (exposition.ts) shows them.
    this.registry.registerMetric(this.duration);
    this.registry.registerMetric(this.requestCost);
    this.durationBatch = new ExemplarBatch(this.duration, LATENCY_BUCKETS_S);
    this.requestCostBatch = new ExemplarBatch(this.requestCost, COST_BUCKETS_USD);
    const costRateWindow = this.costRateWindow;
    this.costRate = new Gauge({
      name: METRIC.llmCostRate,
      help: 'Known cost of the LLM calls that ended in the last 15 minutes, in US dollars per hour, by provider.',
      labelNames: ['provider'],
      registers,
      collect() {
        for (const [provider, usdPerHour] of costRateWindow.ratesUsdPerHour(Date.now())) this.set({ provider }, usdPerHour);
      },
    });
    this.ttft = new Histogram({
      name: METRIC.llmTimeToFirstToken,
      help: 'Time to first token of streamed LLM calls in seconds.',
      labelNames: ['provider', 'model'],
      buckets: TTFT_BUCKETS_S,
      registers,
    });
    this.outputTokensPerSecond = new Histogram({
      name: METRIC.llmOutputTokensPerSecond,
      help: 'Streaming speed of streamed LLM calls: output tokens / (duration - time to first token), for calls with a time to first token, output, and a duration past it.',
      labelNames: ['provider', 'model'],
      buckets: TOKENS_PER_SECOND_BUCKETS,
      registers,
    });
    this.timePerOutputToken = new Histogram({
      name: METRIC.llmTimePerOutputToken,
      help: 'Time per output token of streamed LLM calls in seconds: (duration - time to first token) / output tokens, over the same calls as the streaming speed.',
      labelNames: ['provider', 'model'],
      buckets: TIME_PER_OUTPUT_TOKEN_BUCKETS_S,
      registers,
    });
    this.contextWindowUse = new Histogram({
      name: METRIC.llmContextWindowUse,
      help: "Context-window use of LLM calls: prompt tokens (input, cache reads and cache writes) / the model's context window, for calls that sent a prompt to a model whose window is known.",
      labelNames: ['provider', 'model'],
      buckets: CONTEXT_USE_BUCKETS,
      registers,
    });
    this.nearContextLimit = new Counter({
      name: METRIC.llmNearContextLimit,
      help: "LLM calls whose prompt took more than 90% of the model's context window (10 x prompt tokens > 9 x window): truncation risk.",
      labelNames: ['provider', 'model'],
      registers,
    });
    this.errors = new Counter({
      name: METRIC.llmErrors,
      help: 'Failed LLM calls by error class (rate_limit, timeout, server, invalid_request, content_filter, auth, cancelled, other).',
      labelNames: ['provider', 'model', 'error_class'],
      registers,
    });
    this.refusals = new Counter({
      name: METRIC.llmRefusals,
      help: 'Generations that declined to answer: a refusal finish reason or an answer opening with a refusal phrase (docs/quality.md).',
      labelNames: ['provider', 'model'],
      registers,
    });
    this.appCacheLookups = new Counter({
      name: METRIC.appCacheLookups,
      help: "Lookups in an application-level cache by result (hit, miss): spans that carry cache.hit, and calls the gateway's response cache looked up (docs/cost.md).",
      labelNames: ['result'],
      registers,
    });
    for (const result of ['hit', 'miss']) this.appCacheLookups.inc({ result }, 0);
    this.rateLimitHits = new Counter({
      name: METRIC.llmRateLimitHits,
      help: 'LLM calls rejected by the provider for rate limiting.',
      labelNames: ['provider'],
      registers,
    });
    this.cacheReadTokens = new Counter({
      name: METRIC.llmCacheReadTokens,
      help: 'Input tokens served from the provider prompt cache.',
      labelNames: ['provider', 'model'],
      registers,
    });
    this.qualityScore = new Histogram({
      name: METRIC.qualityScore,
      help: 'Numeric and boolean quality scores by score name.',
      labelNames: ['name'],
      buckets: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1],
      registers,
    });
    this.ingestItems = new Counter({
      name: METRIC.ingestItems,
      help: 'Items received by ingest source, type and outcome (accepted, duplicate, rejected).',
      labelNames: ['source', 'type', 'outcome'],
      registers,
    });
    this.queueDepth = new Gauge({
      name: METRIC.ingestQueueDepth,
      help: 'Rows waiting to be acknowledged or acknowledged but not yet loaded into the store.',
      registers,
    });
    this.dropped = new Counter({
      name: METRIC.ingestDropped,
      help: 'Items not stored, by reason (queue_full, store_error, shutting_down; project_deleted: records of a project being deleted; out_of_range: times, costs or token counts the store cannot hold; langfuse_pending: Langfuse observations held after the SDK was answered). The client was told with a 429/503 (401 for project_deleted), except for out_of_range and langfuse_pending.',
      labelNames: ['reason'],
      registers,
    });
    this.contentAttributesWithheld = new Counter({
      name: METRIC.contentAttributesDropped,
      help: 'OTLP span and log attributes not stored because content capture is below full and no convention knows them as free of text (signal: traces, logs).',
      labelNames: ['signal'],
      registers,
    });
    this.storeReadsRefused = new Counter({
      name: METRIC.storeReadsRefused,
      help: 'Store reads not answered: timeout (stopped at storage.queryTimeoutMs, 503) or busy (too many queued for one API key, 429).',
      labelNames: ['reason'],
      registers,
    });
    this.duplicateChecksSkipped = new Counter({
      name: METRIC.ingestDuplicateChecksSkipped,
      help: 'Rows acknowledged without asking a shared store (ClickHouse) whether it held them, because it could not be reached; it keeps one row per identity, but a retry among them is counted twice here.',
      registers,
    });
    this.storeWriteSeconds = new Histogram({
      name: METRIC.storeWriteDuration,
      help: 'Time to load one batch of journaled rows into the store (one transaction).',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    this.journalWriteSeconds = new Histogram({
      name: METRIC.ingestJournalWriteDuration,
      help: 'Time to de-duplicate a group of requests and write it to the journal with fsync: the durable part of an acknowledgement.',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers,
    });
    this.storeWriteRows = new Histogram({
      name: METRIC.storeWriteBatchRows,
      help: 'Rows loaded into the store per transaction.',
      buckets: [1, 10, 50, 100, 500, 1000, 5000, 10000, 20000, 50000, 100000],
      registers,
    });
    this.ingestLagSeconds = new Histogram({
      name: METRIC.ingestLag,
      help: 'Delay between a span ending and its commit to the store.',
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 3600],
      registers,
    });
    this.httpRequests = new Counter({
      name: METRIC.httpRequests,
      help: 'HTTP requests served by route pattern, method and status code.',
      labelNames: ['route', 'method', 'status'],
      registers,
    });
    this.gatewayInFlight = new Gauge({
      name: METRIC.gatewayRequestsInFlight,
      help: 'Gateway calls forwarded to an upstream and not finished yet (streams count until their last chunk).',
      labelNames: ['upstream'],
      registers,
    });
    this.gatewayUpstreamRequests = new Counter({
      name: METRIC.gatewayUpstreamRequests,
      help: 'Gateway calls by upstream and outcome: 2xx, 3xx, 4xx, 429, 5xx (status the upstream answered), connect_error, timeout, stream_error (the upstream failed mid-response), cancelled (the client went away).',
      labelNames: ['upstream', 'outcome'],
      registers,
    });
    this.gatewayUpstreamSeconds = new Histogram({
      name: METRIC.gatewayUpstreamDuration,
      help: 'Gateway calls: time from receiving the request to the end of the upstream response.',
      labelNames: ['upstream'],
      buckets: LATENCY_BUCKETS_S,
      registers,
    });
    this.gatewayRecordingLost = new Counter({
      name: METRIC.gatewayRecordingLost,
      help: 'Gateway calls served but not recorded, by reason (queue_full, store_error, shutting_down, read_backlog, other). The call itself succeeded.',
      labelNames: ['reason'],
      registers,
    });
    this.gatewayRecordingPending = new Gauge({
      name: METRIC.gatewayRecordingPending,
      help: 'Gateway calls served and not written yet: waiting to be read, gathered for the next batch (gateway.recordFlushMs), or in a batch being submitted.',
      registers,
    });
    this.gatewayBudgetBlocked = new Counter({
      name: METRIC.gatewayBudgetBlocked,
      help: 'Gateway calls refused with 429 because a hard budget is spent.',
      labelNames: ['upstream'],
      registers,
    });
    this.gatewayIgnoredHeaders = new Counter({
      name: METRIC.gatewayIgnoredHeaders,
      help: 'x-lookout-* attribution headers ignored because they were invalid (x-lookout-metadata that is not a JSON object of strings, or too large).',
      labelNames: ['header'],
      registers,
    });
    this.gatewayUsageUnread = new Counter({
      name: METRIC.gatewayUsageUnread,
      help: 'Gateway calls passed through whose response could not be read for usage, by reason (body_too_large, decoded_too_large, unknown_encoding, decode_error). The call is recorded without usage.',
      labelNames: ['reason'],
      registers,
    });
    this.piiDetected = new Counter({
      name: METRIC.piiDetected,
      help: `Sensitive values found in stored spans (and redacted as the project's privacy settings say), by type (${PII_TYPES.join(', ')}).`,
      labelNames: ['type'],
      registers,
    });
    this.injectionDetected = new Counter({
      name: METRIC.promptInjectionDetected,
      help: 'Stored spans on which a prompt injection or jailbreak attempt was detected, by severity (low, medium, high, critical).',
      labelNames: ['severity'],
      registers,
    });
    this.authFailures = new Counter({
      name: METRIC.authFailures,
      help: 'Requests refused for their API key: missing_key and invalid_key (401), forbidden (403: the key lacks the scope or project).',
      labelNames: ['reason'],
      registers,
    });
    this.rateLimited = new Counter({
      name: METRIC.rateLimited,
      help: 'Requests Lookout answered with 429, by reason: queue_full (ingest), too_many_queries (reads), budget_exceeded (gateway, hard budget), action (gateway, automated response).',
      labelNames: ['reason'],
      registers,
    });
    for (const type of PII_TYPES) this.piiDetected.inc({ type }, 0);
    for (const severity of SECURITY_SEVERITIES) this.injectionDetected.inc({ severity }, 0);
    for (const reason of AUTH_FAILURE_REASONS) this.authFailures.inc({ reason }, 0);
    for (const reason of RATE_LIMIT_REASONS) this.rateLimited.inc({ reason }, 0);
  }

  // Called with the spans of one commit, after it is committed, so the counters count stored
  // data exactly once. Increments are summed per label set first: one counter update per label
  // set and batch instead of several per span (prom-client hashes the labels on every call).
  recordSpans(spans: Iterable<SpanRecord>, nowMs: number): void {
    const requests = new Map<string, number>();
    const tokens = new Map<string, number>();
    const cost = new Map<string, number>();
    const unknown = new Map<string, number>();
    const errors = new Map<string, number>();
    const pii = new Map<string, number>();
    const injections = new Map<string, number>();
    const refusals = new Map<string, number>();
    const cacheLookups = { hit: 0, miss: 0 };
    const nearLimit = new Map<string, number>();
    const add = (m: Map<string, number>, key: string, v: number) => m.set(key, (m.get(key) ?? 0) + v);
    const nowS = nowMs / 1000;
    for (const s of spans) {
      const provider = this.providers.get(s.provider);
      const model = this.models.get(effectiveModel(s));
      // The judge's calls are Lookout's spend, not the application's: counted apart.
      if (isEvaluationSpan(s)) {
        this.evaluationRequests.inc({ provider, model, status: s.status });
        if (s.cost.totalNanoUsd !== null) this.evaluationCostUsd.inc({ provider, model }, nanoToUsd(s.cost.totalNanoUsd));
        continue;
      }
      const pm = `${provider}\u0000${model}`;
      add(requests, `${pm}\u0000${s.kind}\u0000${s.status}`, 1);
      const u = s.usage;
      if (u.input) add(tokens, `${pm}\u0000${TOKEN_TYPE.input_tokens}`, u.input);
      if (u.output) add(tokens, `${pm}\u0000${TOKEN_TYPE.output_tokens}`, u.output);
      if (u.cacheRead) add(tokens, `${pm}\u0000${TOKEN_TYPE.cache_read_tokens}`, u.cacheRead);
      if (u.cacheWrite) add(tokens, `${pm}\u0000${TOKEN_TYPE.cache_write_tokens}`, u.cacheWrite);
      if (u.reasoning) add(tokens, `${pm}\u0000${TOKEN_TYPE.reasoning_tokens}`, u.reasoning);
      if (u.audio) add(tokens, `${pm}\u0000${TOKEN_TYPE.audio_tokens}`, u.audio);
      // A bucket's exemplar names the trace of its latest call; shown only in OpenMetrics, and
      // the trace id is never a label, so it adds no series.
      if (s.cost.totalNanoUsd !== null) {
        add(cost, pm, s.cost.totalNanoUsd);
        this.requestCostBatch.observe(pm, { provider, model }, nanoToUsd(s.cost.totalNanoUsd), s.traceId);
        this.costRateWindow.add(provider, s.endUs / 1000, s.cost.totalNanoUsd, nowMs);
      } else if (s.cost.status === 'unknown_model') add(unknown, pm, 1);
      if (s.kind === 'generation' || s.kind === 'embedding') {
        this.durationBatch.observe(pm, { provider, model }, (s.endUs - s.startUs) / 1e6, s.traceId);
        if (s.ttftMs !== null) this.ttft.observe({ provider, model }, s.ttftMs / 1000);
        // C3, as the analytics measures define it (store/duckdb/analytics.ts): the time after the
        // first token, for calls with a ttft, output, and a duration past the ttft.
        const durationMs = (s.endUs - s.startUs) / 1000;
        if (s.ttftMs !== null && durationMs > s.ttftMs && u.output > 0) {
          const generatingS = (durationMs - s.ttftMs) / 1000;
          this.outputTokensPerSecond.observe({ provider, model }, u.output / generatingS);
          this.timePerOutputToken.observe({ provider, model }, generatingS / u.output);
        }
        // C4: every prompt token over the window of the call's model (store/context-windows.ts).
        // The near-limit series starts at 0 with the first call of a model that has a window, so
        // that increase() counts its first call near the limit (labels folded as the others').
        const prompt = u.input + u.cacheRead + u.cacheWrite;
        const window = this.windowOf(s.provider, effectiveModel(s), s.requestModel);
        if (window !== null) {
          add(nearLimit, pm, 10 * prompt > 9 * window ? 1 : 0);
          if (prompt > 0) this.contextWindowUse.observe({ provider, model }, prompt / window);
        }
      }
      if (s.status === 'error') add(errors, `${pm}\u0000${s.errorClass ?? 'other'}`, 1);
      if (s.metadata[QUALITY_METADATA.refusal] === 'true') add(refusals, pm, 1);
      const lookup = s.metadata[QUALITY_METADATA.appCacheLookup];
      if (lookup === 'hit' || lookup === 'miss') cacheLookups[lookup]++;
      this.ingestLagSeconds.observe(Math.max(0, nowS - s.endUs / 1e6));
      this.countSecurity(s, pii, injections);
    }
    this.durationBatch.flush();
    this.requestCostBatch.flush();
    const split = (key: string) => key.split('\u0000');
    for (const [k, n] of requests) {
      const [provider, model, kind, status] = split(k);
      this.requests.inc({ provider, model, kind, status }, n);
    }
    for (const [k, n] of tokens) {
      const [provider, model, type] = split(k);
      this.tokens.inc({ provider, model, type }, n);
      if (type === TOKEN_TYPE.cache_read_tokens) this.cacheReadTokens.inc({ provider, model }, n);
    }
    for (const [k, nano] of cost) {
      const [provider, model] = split(k);
      this.costUsd.inc({ provider, model }, nanoToUsd(nano));
    }
    for (const [k, n] of unknown) {
      const [provider, model] = split(k);
      this.unknownCost.inc({ provider, model }, n);
    }
    for (const [k, n] of errors) {
      const [provider, model, errorClass] = split(k);
      this.errors.inc({ provider, model, error_class: errorClass }, n);
      if (errorClass === 'rate_limit') this.rateLimitHits.inc({ provider }, n);
    }
    for (const [k, n] of refusals) {
      const [provider, model] = split(k);
      this.refusals.inc({ provider, model }, n);
    }
    for (const [k, n] of nearLimit) {
      const [provider, model] = split(k);
      this.nearContextLimit.inc({ provider, model }, n);
    }
    for (const [result, n] of Object.entries(cacheLookups)) if (n > 0) this.appCacheLookups.inc({ result }, n);
    for (const [type, n] of pii) this.piiDetected.inc({ type }, n);
    for (const [severity, n] of injections) this.injectionDetected.inc({ severity }, n);
  }

  // The window of a call's model in tokens, or null when neither the config nor the catalog knows
  // it; remembered per pair, since a lookup scans the catalog's patterns.
  private windowOf(provider: string | null, model: string | null, requestModel: string | null): number | null {
    if (model === null) return null;
    const key = `${provider ?? ''}\u0000${model}\u0000${requestModel ?? ''}`;
    let window = this.windows.get(key);
    if (window === undefined) {
      const found = this.contextWindowOf(provider, model, requestModel);
      window = found !== null && Number.isSafeInteger(found) && found > 0 ? found : null;
      if (this.windows.size >= MAX_WINDOW_LOOKUPS) this.windows.clear();
      this.windows.set(key, window);
    }
    return window;
  }

  // What the processor chain marked on the span (domain/security.ts). A type outside PII_TYPES
  // (metadata a client wrote under the same key) is not a label value.
  private countSecurity(s: SpanRecord, pii: Map<string, number>, injections: Map<string, number>): void {
    if (s.metadata[SECURITY_METADATA.redaction] === undefined && s.metadata[SECURITY_METADATA.injection] === undefined) return;
    const facts = securityFactsOf(s.metadata);
    for (const [type, n] of Object.entries(facts.found)) {
      if (n && (PII_TYPES as readonly string[]).includes(type)) pii.set(type, (pii.get(type) ?? 0) + n);
    }
    if (facts.injection) injections.set(facts.injection.severity, (injections.get(facts.injection.severity) ?? 0) + 1);
  }

  // The exposition in the format the scraper asked for (exposition.ts).
  render(format: ExpositionFormat): Promise<{ contentType: string; body: string }> {
    return renderMetrics(this.registry, format);
  }

  recordScore(s: ScoreRecord): void {
    if (s.numericValue !== null) this.qualityScore.observe({ name: this.scoreNames.get(s.name) }, s.numericValue);
  }
}
