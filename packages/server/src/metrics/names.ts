// The name of every metric Lookout exposes on /metrics, in one place. The names are a public
// contract (docs/metrics.md): the Grafana dashboards and Prometheus rules Lookout exports are
// written against them, and so are users' own dashboards, so renaming one is a breaking change.
// A histogram's series are its name with `_bucket`, `_sum` and `_count`.

export const METRIC = {
  // LLM calls (metrics/registry.ts), counted once when stored.
  llmRequests: 'lookout_llm_requests_total',
  llmTokens: 'lookout_llm_tokens_total',
  llmCostUsd: 'lookout_llm_cost_usd_total',
  llmUnknownCostRequests: 'lookout_llm_unknown_cost_requests_total',
  llmRequestDuration: 'lookout_llm_request_duration_seconds',
  llmTimeToFirstToken: 'lookout_llm_time_to_first_token_seconds',
  llmErrors: 'lookout_llm_errors_total',
  llmRateLimitHits: 'lookout_llm_rate_limit_hits_total',
  llmCacheReadTokens: 'lookout_llm_cache_read_tokens_total',
  qualityScore: 'lookout_quality_score',
  // Ingest and storage.
  ingestItems: 'lookout_ingest_items_total',
  ingestQueueDepth: 'lookout_ingest_queue_depth',
  ingestDropped: 'lookout_ingest_dropped_total',
  contentAttributesDropped: 'lookout_content_attributes_dropped_total',
  storeReadsRefused: 'lookout_store_reads_refused_total',
  storeWriteDuration: 'lookout_store_write_duration_seconds',
  ingestJournalWriteDuration: 'lookout_ingest_journal_write_duration_seconds',
  storeWriteBatchRows: 'lookout_store_write_batch_rows',
  ingestLag: 'lookout_ingest_lag_seconds',
  httpRequests: 'lookout_http_requests_total',
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
} as const;

// Node.js process metrics (prom-client's defaults) carry this prefix.
export const PROCESS_METRIC_PREFIX = 'lookout_process_';

