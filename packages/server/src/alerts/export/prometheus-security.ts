// F6: the security alerts of the exported Prometheus rules, over the counters of what the
// processor chain found and of the requests Lookout refused (docs/metrics.md). They read the
// whole instance: /metrics has no project label, so refusals of unknown keys count here too,
// while the rule pack's AuthFailureSpike sees only a project's own (server/refusals.ts).
import { METRIC } from '../../metrics/names.ts';
import type { RuleFileBuilder } from './rule-file.ts';

export function addSecurityAlerts(b: RuleFileBuilder): void {
  b.group('lookout_security_alerts')
    .alert({
      alert: 'PIIDetectionSpike',
      // Values found, not requests: a prompt with two emails counts two. Seed 001's 0.1/s.
      expr: `sum(rate(${METRIC.piiDetected}[5m])) > 0.1`,
      for: '2m',
      severity: 'warning',
      category: 'security',
      summary: 'sensitive values (personal data, secrets) found in stored spans per second over 5 min, all types',
      threshold: '> 0.1/s',
      seed: '001 PIIDetectionSpike',
      title: 'High rate of PII detection',
      description: '{{ $value | humanize }} sensitive values per second found (and redacted) over the last 5 minutes; lookout_pii_detected_total says which types.',
    })
    .alert({
      alert: 'PromptInjectionAttempts',
      expr: `sum(rate(${METRIC.promptInjectionDetected}[5m])) > 0.05`,
      for: '1m',
      severity: 'critical',
      category: 'security',
      summary: 'spans with a prompt injection or jailbreak attempt per second over 5 min, all severities',
      threshold: '> 0.05/s',
      seed: '001 PromptInjectionAttempts',
      title: 'Prompt injection attempts detected',
      description: '{{ $value | humanize }} prompt-injection attempts per second over the last 5 minutes.',
    })
    .alert({
      alert: 'AuthFailureSpike',
      // One refusal every 10 s for 5 minutes: a client in a loop with a bad key, or key guessing.
      expr: `sum by (reason) (rate(${METRIC.authFailures}[5m])) > 0.1`,
      for: '5m',
      severity: 'warning',
      category: 'security',
      summary: 'requests refused for their API key per second over 5 min, by reason (missing_key, invalid_key, forbidden)',
      threshold: '> 0.1/s',
      seed: 'security event log (auth_failure)',
      title: 'Requests refused for their API key ({{ $labels.reason }})',
      description: '{{ $value | humanize }} requests per second refused with reason {{ $labels.reason }} over the last 5 minutes.',
    })
    .alert({
      alert: 'RateLimitedRequests',
      // As FrequentRateLimits for the provider (seed 001): more than one 429 a second.
      expr: `sum by (reason) (rate(${METRIC.rateLimited}[5m])) > 1`,
      for: '5m',
      severity: 'warning',
      category: 'security',
      summary: 'requests Lookout answered with 429 per second over 5 min, by reason (queue_full, too_many_queries, budget_exceeded, action)',
      threshold: '> 1/s',
      seed: '001 FrequentRateLimits (for Lookout itself), security event log (rate_limited)',
      title: 'Lookout is refusing requests with 429 ({{ $labels.reason }})',
      description: '{{ $value | humanize }} requests per second answered 429 with reason {{ $labels.reason }} over the last 5 minutes.',
    });
}
