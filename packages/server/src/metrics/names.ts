// The name of every metric Lookout exposes on /metrics, in one place. The names are a public
// contract (docs/metrics.md): the Grafana dashboards and Prometheus rules Lookout exports are
// written against them, and so are users' own dashboards, so renaming one is a breaking change.
// A histogram's series are its name with `_bucket`, `_sum` and `_count`.

import type { MeasureName } from '../domain/measures.ts';

export const METRIC = {
  // LLM calls (metrics/registry.ts), counted once when stored.
  llmRequests: 'lookout_llm_requests_total',
  llmTokens: 'lookout_llm_tokens_total',
  llmCostUsd: 'lookout_llm_cost_usd_total',
  llmUnknownCostRequests: 'lookout_llm_unknown_cost_requests_total',
  llmRequestDuration: 'lookout_llm_request_duration_seconds',
  // Known cost of one call; its buckets carry trace-id exemplars in OpenMetrics, like the duration's.
  llmRequestCost: 'lookout_llm_request_cost_usd',
  // Known spend of the calls that ended in the last 15 minutes, in USD per hour (metrics/cost-rate.ts).
  llmCostRate: 'lookout_llm_cost_rate_usd_per_hour',
  llmTimeToFirstToken: 'lookout_llm_time_to_first_token_seconds',
  // Streaming speed of streamed calls (C3) and context-window use (C4), as the analytics measures
  // of the same names define them.
  llmOutputTokensPerSecond: 'lookout_llm_output_tokens_per_second',
  llmTimePerOutputToken: 'lookout_llm_time_per_output_token_seconds',
  llmContextWindowUse: 'lookout_llm_context_window_use_ratio',
  llmNearContextLimit: 'lookout_llm_near_context_limit_total',
  llmErrors: 'lookout_llm_errors_total',
  llmRateLimitHits: 'lookout_llm_rate_limit_hits_total',
  llmCacheReadTokens: 'lookout_llm_cache_read_tokens_total',
  qualityScore: 'lookout_quality_score',
  // Generations the chain marked as refusals (C5), counted once when stored.
  llmRefusals: 'lookout_llm_refusals_total',
  // Application cache lookups (C6) by result (hit, miss): an application's cache spans and the gateway's response cache.
  appCacheLookups: 'lookout_app_cache_lookups_total',
  // Lookout's own judge calls (feature lookout.evaluation): counted here only, never in the llm_* series.
  evaluationCostUsd: 'lookout_evaluation_cost_usd_total',
  evaluationRequests: 'lookout_evaluation_requests_total',
  // Evaluations by evaluator kind and outcome (scored, failed, not_applicable, budget_reached, queue_full…), and the judge's queue.
  evaluations: 'lookout_evaluations_total',
  judgeQueueDepth: 'lookout_judge_queue_depth',
  // Ingest and storage.
  ingestItems: 'lookout_ingest_items_total',
  ingestQueueDepth: 'lookout_ingest_queue_depth',
  ingestDropped: 'lookout_ingest_dropped_total',
  contentAttributesDropped: 'lookout_content_attributes_dropped_total',
  storeReadsRefused: 'lookout_store_reads_refused_total',
  ingestDuplicateChecksSkipped: 'lookout_ingest_duplicate_checks_skipped_total',
  storeWriteDuration: 'lookout_store_write_duration_seconds',
  ingestJournalWriteDuration: 'lookout_ingest_journal_write_duration_seconds',
  storeWriteBatchRows: 'lookout_store_write_batch_rows',
  ingestLag: 'lookout_ingest_lag_seconds',
  httpRequests: 'lookout_http_requests_total',
  // Privacy and security: what the processor chain found on stored spans, and the requests
  // Lookout refused (server/refusals.ts).
  piiDetected: 'lookout_pii_detected_total',
  promptInjectionDetected: 'lookout_prompt_injection_detected_total',
  authFailures: 'lookout_auth_failures_total',
  rateLimited: 'lookout_rate_limited_total',
  // The gateway.
  gatewayRequestsInFlight: 'lookout_gateway_requests_in_flight',
  gatewayUpstreamRequests: 'lookout_gateway_upstream_requests_total',
  gatewayUpstreamDuration: 'lookout_gateway_upstream_duration_seconds',
  gatewayRecordingLost: 'lookout_gateway_recording_lost_total',
  gatewayRecordingPending: 'lookout_gateway_recording_pending',
  gatewayBudgetBlocked: 'lookout_gateway_budget_blocked_total',
  gatewayIgnoredHeaders: 'lookout_gateway_ignored_headers_total',
  gatewayUsageUnread: 'lookout_gateway_usage_unread_total',
  // Alerts (alerts/engine/engine.ts), notifications (alerts/notifications/dispatcher.ts) and
  // automated responses (alerts/actions/).
  alertEvaluations: 'lookout_alert_evaluations_total',
  alertRuleEvaluationFailures: 'lookout_alert_rule_evaluation_failures_total',
  alertEvaluationDuration: 'lookout_alert_evaluation_duration_seconds',
  alerts: 'lookout_alerts',
  alertRulesFailing: 'lookout_alert_rules_failing',
  alertNotifications: 'lookout_alert_notifications_total',
  alertNotificationQueueDropped: 'lookout_alert_notification_queue_dropped_total',
  alertNotificationQueueDepth: 'lookout_alert_notification_queue_depth',
  actionActivations: 'lookout_action_activations_total',
  actionEnforcements: 'lookout_action_enforcements_total',
  actionsActive: 'lookout_actions_active',
  responseCache: 'lookout_response_cache_total',
  // Retention (lifecycle/retention.ts): rows each tier let go, and the job's runs.
  retentionDeletedRows: 'lookout_retention_deleted_rows_total',
  retentionRuns: 'lookout_retention_runs_total',
  // The audit log (audit/recorder.ts): batches of entries the store refused (tried again).
  auditAppendFailures: 'lookout_audit_append_failures_total',
} as const;

// The series of each measure of the shared catalog (domain/measures.ts) that /metrics exposes,
// so that an exported dashboard or rule over `cost` reads the series of `cost`. Histograms are
// in seconds where the measure is in milliseconds. Token buckets are one series told apart by
// TOKEN_TYPE; cache reads also have a series of their own (METRIC.llmCacheReadTokens).
export const MEASURE_SERIES = {
  requests: METRIC.llmRequests,
  errors: METRIC.llmErrors,
  'errors.rate_limit': METRIC.llmRateLimitHits,
  cost: METRIC.llmCostUsd,
  unknown_cost_requests: METRIC.llmUnknownCostRequests,
  total_tokens: METRIC.llmTokens,
  latency_ms: METRIC.llmRequestDuration,
  ttft_ms: METRIC.llmTimeToFirstToken,
  score: METRIC.qualityScore,
  refusals: METRIC.llmRefusals,
  near_context_limit: METRIC.llmNearContextLimit,
  app_cache_lookups: METRIC.appCacheLookups,
  ingest_queue_depth: METRIC.ingestQueueDepth,
} as const satisfies Partial<Record<MeasureName, string>>;

// The `type` label of MEASURE_SERIES.total_tokens that is each token-bucket measure.
export const TOKEN_TYPE = {
  input_tokens: 'input',
  output_tokens: 'output',
  cache_read_tokens: 'cache_read',
  cache_write_tokens: 'cache_write',
  reasoning_tokens: 'reasoning',
  audio_tokens: 'audio',
} as const satisfies Partial<Record<MeasureName, string>>;

// Node.js process metrics (prom-client's defaults) carry this prefix.
export const PROCESS_METRIC_PREFIX = 'lookout_process_';

