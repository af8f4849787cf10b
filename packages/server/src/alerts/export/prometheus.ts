// F6: Prometheus recording and alerting rules over the series Lookout serves on /metrics
// (docs/metrics.md), mapped from the seeds' rule packs (F2) with their thresholds. Output passes
// `promtool check rules` and `promtool test rules` (test/e2e/prometheus-rules.test.ts).
//
// Only series Lookout exposes are used. Seed rules left out because their signal does not exist
// on /metrics (yet) are listed in OMITTED_RULES and in docs/alerts.md:
// - UserBudgetExceeded (seed 001): needs a per-user daily cost series; /metrics never has a user
//   label (bounded labels, H1). Per-user budgets are enforced by Lookout itself.
// The security alerts are in prometheus-security.ts.
import { stringify } from 'yaml';
import { MEASURE_SERIES, TOKEN_TYPE } from '../../metrics/names.ts';
import { addSecurityAlerts } from './prometheus-security.ts';

export * from './rule-file.ts';
import { RuleFileBuilder, type AlertDoc, type RuleFile } from './rule-file.ts';

export interface PrometheusRulesOptions {
  // Base of the runbook_url annotations; each alert links to <base>#<lower-cased alert name>.
  runbookBase?: string;
  // The scrape job Lookout runs under, for ServiceDown.
  job?: string;
}

export const DEFAULT_RUNBOOK_BASE = 'docs/runbooks.md';

// Calls Lookout counts as LLM calls for latency, error and cost-per-request ratios; retrieval,
// tool and agent spans are in lookout_llm_requests_total too but are not model calls.
const LLM_KINDS = 'kind=~"generation|embedding"';
// The measure prompt_tokens (every input token), as the token types it adds up.
const PROMPT_TOKEN_TYPES = [TOKEN_TYPE.input_tokens, TOKEN_TYPE.cache_read_tokens, TOKEN_TYPE.cache_write_tokens].join('|');

export const RECORDING_RULES = {
  costRate1h: 'lookout:llm_cost_usd:rate1h',
  requestRate5m: 'lookout:llm_requests:rate5m',
  errorRatio5m: 'lookout:llm_request_errors:ratio_rate5m',
  p95: 'lookout:llm_request_duration_seconds:p95_5m',
  p99: 'lookout:llm_request_duration_seconds:p99_5m',
  costPerRequest1h: 'lookout:llm_cost_per_request_usd:ratio_rate1h',
  cacheHitRatio10m: 'lookout:llm_prompt_cache_hit_ratio:ratio_rate10m',
  qualityAvg1h: 'lookout:quality_score:avg1h',
} as const;

export const OMITTED_RULES: ReadonlyArray<{ alert: string; seed: string; reason: string }> = [
  {
    alert: 'UserBudgetExceeded',
    seed: '001',
    reason: 'needs a per-user daily cost series; /metrics never carries a user label (bounded labels). Lookout enforces per-user and per-team budgets itself.',
  },
];

function builder(options: PrometheusRulesOptions): RuleFileBuilder {
  const job = options.job ?? 'lookout';
  if (!/^[^"\\\n]*$/.test(job)) throw new Error(`job name ${JSON.stringify(job)} cannot contain quotes, backslashes or newlines`);
  const b = new RuleFileBuilder({ runbookBase: options.runbookBase ?? DEFAULT_RUNBOOK_BASE });
  const R = RECORDING_RULES;
  const llmRequests = `${MEASURE_SERIES.requests}{${LLM_KINDS}}`;

  b.group('lookout_recording')
    .record(R.costRate1h, `sum by (provider, model) (rate(${MEASURE_SERIES.cost}[1h]))`)
    .record(R.requestRate5m, `sum by (provider, model) (rate(${llmRequests}[5m]))`)
    .record(
      R.errorRatio5m,
      `sum by (provider, model) (rate(${MEASURE_SERIES.requests}{${LLM_KINDS}, status="error"}[5m])) / sum by (provider, model) (rate(${llmRequests}[5m]))`,
    )
    .record(R.p95, `histogram_quantile(0.95, sum by (le, provider, model) (rate(${MEASURE_SERIES.latency_ms}_bucket[5m])))`)
    .record(R.p99, `histogram_quantile(0.99, sum by (le, provider, model) (rate(${MEASURE_SERIES.latency_ms}_bucket[5m])))`)
    .record(
      R.costPerRequest1h,
      `sum by (provider, model) (rate(${MEASURE_SERIES.cost}[1h])) / sum by (provider, model) (rate(${llmRequests}[1h]))`,
    )
    // Prompt-cache hit ratio: cached input tokens over all input tokens (input, cache_read and
    // cache_write are non-overlapping). Only models that have read from the cache have a series.
    .record(
      R.cacheHitRatio10m,
      `sum by (provider, model) (rate(${MEASURE_SERIES.total_tokens}{type="${TOKEN_TYPE.cache_read_tokens}"}[10m])) / sum by (provider, model) (rate(${MEASURE_SERIES.total_tokens}{type=~"${PROMPT_TOKEN_TYPES}"}[10m]))`,
    )
    .record(R.qualityAvg1h, `sum by (name) (rate(${MEASURE_SERIES.score}_sum[1h])) / sum by (name) (rate(${MEASURE_SERIES.score}_count[1h]))`);

  b.group('lookout_cost_alerts')
    .alert({
      alert: 'DailyCostExceeded',
      expr: `sum(increase(${MEASURE_SERIES.cost}[1d])) > 50`,
      for: '5m',
      severity: 'warning',
      category: 'cost',
      summary: 'known LLM spend over the last 24 h',
      threshold: '> $50',
      seed: '000 (daily budget warning), 001 DailyCostExceeded',
      title: 'LLM spend over the last 24 h exceeded $50',
      description: 'Known LLM cost in the last 24 h: ${{ $value | humanize }} (warning at $50, critical at $100).',
    })
    .alert({
      alert: 'DailyCostExceeded',
      expr: `sum(increase(${MEASURE_SERIES.cost}[1d])) > 100`,
      for: '5m',
      severity: 'critical',
      category: 'cost',
      summary: 'known LLM spend over the last 24 h',
      threshold: '> $100',
      seed: '000 (daily budget critical), 001 DailyCostExceeded, 002 DailyBudgetExceeded',
      title: 'LLM spend over the last 24 h exceeded $100',
      description: 'Known LLM cost in the last 24 h: ${{ $value | humanize }} (budget $100).',
    })
    .alert({
      alert: 'CostSpike',
      // The last hour against the hourly average of the last 7 days; below $1/hour a 1.5x jump
      // is noise, not a spike.
      expr: `sum(rate(${MEASURE_SERIES.cost}[1h])) / avg_over_time(sum(rate(${MEASURE_SERIES.cost}[1h]))[7d:1h]) > 1.5 and sum(rate(${MEASURE_SERIES.cost}[1h])) * 3600 > 1`,
      for: '1h',
      severity: 'warning',
      category: 'cost',
      summary: 'spend rate of the last hour / its 7-day hourly average, when above $1/hour',
      threshold: '> 1.5x',
      seed: '002 LLMCostAnomaly, 001 CostSpike',
      title: 'LLM spend is 50% above its 7-day baseline',
      description: 'Spend over the last hour is {{ $value | humanize }}x the average hour of the last 7 days.',
    })
    .alert({
      alert: 'CostSpike',
      expr: `sum(rate(${MEASURE_SERIES.cost}[5m])) * 3600 > 10`,
      for: '5m',
      severity: 'critical',
      category: 'cost',
      summary: 'spend rate over 5 min, in $/hour',
      threshold: '> $10/hour',
      seed: '001 CostSpike',
      title: 'LLM spend above $10/hour',
      description: 'Current spend rate: ${{ $value | humanize }}/hour.',
    })
    .alert({
      alert: 'HighCostPerRequest',
      expr: `${R.costPerRequest1h} > 0.1`,
      for: '15m',
      severity: 'warning',
      category: 'cost',
      summary: 'average known cost per LLM call over 1 h, by provider and model',
      threshold: '> $0.10',
      seed: '000 (cost per request spike)',
      title: 'Cost per request of {{ $labels.model }} above $0.10',
      description: '{{ $labels.provider }}/{{ $labels.model }} costs ${{ $value | humanize }} per call on average over the last hour: a runaway agent or a prompt regression?',
    })
    .alert({
      alert: 'HighTokenUsage',
      expr: `sum(increase(${MEASURE_SERIES.total_tokens}[1h])) > 1e6`,
      for: '5m',
      severity: 'warning',
      category: 'cost',
      summary: 'tokens of all types over the last hour',
      threshold: '> 1M tokens',
      seed: '000 (high token usage)',
      title: 'More than 1M tokens in the last hour',
      description: '{{ $value | humanize }} tokens in the last hour.',
    })
    .alert({
      alert: 'TokenUsageSpike',
      expr: `sum(rate(${MEASURE_SERIES.total_tokens}[10m])) / avg_over_time(sum(rate(${MEASURE_SERIES.total_tokens}[10m]))[1h:1m]) > 2`,
      for: '10m',
      severity: 'warning',
      category: 'cost',
      summary: 'token rate over 10 min / its average over the last hour',
      threshold: '> 2x',
      seed: '002 TokenUsageSpike',
      title: 'Token usage is twice its recent average',
      description: 'Token rate is {{ $value | humanize }}x its average over the last hour.',
    })
    .alert({
      alert: 'UnknownModelCalls',
      expr: `sum by (provider, model) (increase(${MEASURE_SERIES.unknown_cost_requests}[1h])) > 0`,
      for: '5m',
      severity: 'warning',
      category: 'cost',
      summary: 'calls of a model with no price over the last hour',
      threshold: '> 0',
      seed: 'spec (unknown models flagged, not costed $0)',
      title: 'Calls to {{ $labels.model }} have unknown cost',
      description: '{{ $value | humanize }} calls to {{ $labels.provider }}/{{ $labels.model }} in the last hour have no price, so their cost is missing from the totals. Add a price (lookout prices add) and backfill.',
    })
    .alert({
      alert: 'LowCacheHitRate',
      expr: `${R.cacheHitRatio10m} < 0.4`,
      for: '10m',
      severity: 'warning',
      category: 'cost',
      summary: 'prompt-cache hit ratio (cached / all input tokens) over 10 min, for models that use the cache',
      threshold: '< 40%',
      seed: '001 LowCacheHitRate',
      title: 'Prompt-cache hit rate of {{ $labels.model }} below 40%',
      description: 'Prompt-cache hit rate of {{ $labels.provider }}/{{ $labels.model }}: {{ $value | humanizePercentage }}.',
    });

  b.group('lookout_performance_alerts')
    .alert({
      alert: 'HighLatency',
      expr: `${R.p95} > 5`,
      for: '5m',
      severity: 'warning',
      category: 'performance',
      summary: 'p95 LLM call duration over 5 min, by provider and model',
      threshold: '> 5 s',
      seed: '000 (P95 latency warning), 001 HighLatency, 002 HighLLMLatency',
      title: 'p95 latency of {{ $labels.model }} above 5 s',
      description: 'p95 latency of {{ $labels.provider }}/{{ $labels.model }}: {{ $value | humanize }}s.',
    })
    .alert({
      alert: 'HighLatency',
      expr: `${R.p99} > 10`,
      for: '5m',
      severity: 'critical',
      category: 'performance',
      summary: 'p99 LLM call duration over 5 min, by provider and model',
      threshold: '> 10 s',
      seed: '000 (P99 latency critical)',
      title: 'p99 latency of {{ $labels.model }} above 10 s',
      description: 'p99 latency of {{ $labels.provider }}/{{ $labels.model }}: {{ $value | humanize }}s.',
    })
    .alert({
      alert: 'HighErrorRate',
      expr: `${R.errorRatio5m} > 0.05`,
      for: '5m',
      severity: 'critical',
      category: 'availability',
      summary: 'failed / all LLM calls over 5 min, by provider and model',
      threshold: '> 5%',
      seed: '001 HighErrorRate, 002 HighLLMErrorRate',
      title: 'Error rate of {{ $labels.model }} above 5%',
      description: 'Error rate of {{ $labels.provider }}/{{ $labels.model }}: {{ $value | humanizePercentage }}.',
    })
    .alert({
      alert: 'FrequentRateLimits',
      expr: `sum by (provider) (rate(${MEASURE_SERIES['errors.rate_limit']}[5m])) > 1`,
      for: '5m',
      severity: 'warning',
      category: 'availability',
      summary: 'calls rejected by the provider for rate limiting, per second over 5 min',
      threshold: '> 1/s',
      seed: '001 FrequentRateLimits',
      title: 'Frequent rate limiting by {{ $labels.provider }}',
      description: '{{ $value | humanize }} rate-limited calls per second to {{ $labels.provider }}.',
    });

  b.group('lookout_quality_alerts')
    .alert({
      alert: 'LowQualityScore',
      expr: `${R.qualityAvg1h} < 0.7`,
      for: '10m',
      severity: 'warning',
      category: 'quality',
      summary: 'average of a score (0-1 scale) over 1 h, by score name',
      threshold: '< 0.7',
      seed: '000 (quality degradation), 004 quality alerts',
      title: 'Average {{ $labels.name }} score below 0.7',
      description: 'Average {{ $labels.name }} score over the last hour: {{ $value | humanize }}.',
    })
    .alert({
      alert: 'LowQualityScore',
      expr: `${R.qualityAvg1h} < 0.5`,
      for: '10m',
      severity: 'critical',
      category: 'quality',
      summary: 'average of a score (0-1 scale) over 1 h, by score name',
      threshold: '< 0.5',
      seed: '000 (quality critical drop), 004 quality alerts',
      title: 'Average {{ $labels.name }} score below 0.5',
      description: 'Average {{ $labels.name }} score over the last hour: {{ $value | humanize }}: possible model failure.',
    })
    // C4: the rule pack's NearContextLimit by model only (/metrics carries no feature label).
    // increase() extrapolates to the window's edges, so two calls often read 2.03 to 2.1: "more
    // than 2 calls" is written `>= 3`.
    .alert({
      alert: 'NearContextLimit',
      expr: `sum by (provider, model) (increase(${MEASURE_SERIES.near_context_limit}[15m])) >= 3`,
      for: '0m',
      severity: 'warning',
      category: 'quality',
      summary: "calls whose prompt took more than 90% of the model's context window over 15 min, by provider and model",
      threshold: '> 2 calls',
      seed: 'C4 context-window use (truncation risk)',
      title: 'Prompts on {{ $labels.model }} are near the context window',
      description: "{{ $value | humanize }} calls to {{ $labels.provider }}/{{ $labels.model }} over the last 15 minutes sent a prompt past 90% of the model's context window (truncation risk).",
    });

  b.group('lookout_availability_alerts')
    .alert({
      alert: 'ServiceDown',
      expr: `up{job="${job}"} == 0`,
      for: '1m',
      severity: 'critical',
      category: 'availability',
      summary: `Prometheus cannot scrape Lookout (job "${job}")`,
      threshold: 'up == 0',
      seed: '001 ServiceDown',
      title: 'Lookout {{ $labels.instance }} is down',
      description: 'Prometheus has not been able to scrape {{ $labels.instance }} for more than 1 minute.',
    })
    .alert({
      alert: 'LLMTrafficStopped',
      expr: `sum(rate(${llmRequests}[5m])) == 0 and sum(increase(${llmRequests}[1d])) > 0`,
      for: '10m',
      severity: 'warning',
      category: 'availability',
      summary: 'no LLM calls in 5 min after some in the last day',
      threshold: '0 calls',
      seed: '002 LLMServiceDown',
      title: 'No LLM calls reach Lookout',
      description: 'No LLM calls have been recorded for 10 minutes although there were some in the last day: is the application or its instrumentation down?',
    })
    .alert({
      alert: 'HighRequestQueue',
      // Seed 001's 100 is an application request queue; Lookout's queue holds rows, up to
      // ingest.maxQueueRows (200,000 by default). One full write batch waiting for 5 minutes
      // means the store does not keep up.
      expr: `${MEASURE_SERIES.ingest_queue_depth} > 20000`,
      for: '5m',
      severity: 'warning',
      category: 'availability',
      summary: 'rows waiting in the ingest queue',
      threshold: '> 20,000 rows',
      seed: '001 HighRequestQueue',
      title: 'Lookout ingest queue is backing up',
      description: '{{ $value }} rows wait in the ingest queue of {{ $labels.instance }}; at ingest.maxQueueRows clients get 429.',
    });

  addSecurityAlerts(b);
  return b;
}

export function buildPrometheusRules(options: PrometheusRulesOptions = {}): RuleFile {
  return builder(options).build();
}

export function prometheusAlertDocs(options: PrometheusRulesOptions = {}): AlertDoc[] {
  return builder(options).alertDocs();
}

export function renderPrometheusRules(options: PrometheusRulesOptions = {}): string {
  const header = [
    '# Prometheus recording and alerting rules for Lookout /metrics, generated by `lookout export prometheus-rules`.',
    '# See docs/alerts.md. Left out (no series on /metrics yet): ' + OMITTED_RULES.map((r) => r.alert).join(', ') + '.',
  ].join('\n');
  return `${header}\n${stringify(buildPrometheusRules(options), { lineWidth: 0 })}`;
}
