import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  CATEGORIES,
  OMITTED_RULES,
  RECORDING_RULES,
  RuleFileBuilder,
  buildPrometheusRules,
  isAlertingRule,
  prometheusAlertDocs,
  renderPrometheusRules,
  type AlertingRule,
  type RecordingRule,
} from './prometheus.ts';
import { INHIBIT_EQUAL, RECEIVERS, buildAlertmanagerConfig, renderAlertmanagerConfig } from './alertmanager.ts';

const file = buildPrometheusRules();
const rules = file.groups.flatMap((g) => g.rules);
const alerts = rules.filter(isAlertingRule);
const records = rules.filter((r): r is RecordingRule => !isAlertingRule(r));

// The series of docs/metrics.md (histograms with their _bucket/_sum/_count) and `up`.
const exposed = new Set([
  'lookout_llm_requests_total',
  'lookout_llm_tokens_total',
  'lookout_llm_cost_usd_total',
  'lookout_llm_unknown_cost_requests_total',
  'lookout_llm_request_duration_seconds_bucket',
  'lookout_llm_errors_total',
  'lookout_llm_rate_limit_hits_total',
  'lookout_quality_score_sum',
  'lookout_quality_score_count',
  'lookout_ingest_queue_depth',
  'lookout_pii_detected_total',
  'lookout_prompt_injection_detected_total',
  'lookout_auth_failures_total',
  'lookout_rate_limited_total',
  'lookout_llm_near_context_limit_total',
  'up',
]);

describe('Prometheus rules export', () => {
  it('gives every alert a severity, a category, a for, a summary, a description and a runbook link', () => {
    expect(alerts.length).toBeGreaterThanOrEqual(15);
    for (const a of alerts) {
      expect(['warning', 'critical'], a.alert).toContain(a.labels.severity);
      expect(CATEGORIES, a.alert).toContain(a.labels.category);
      expect(a.for, a.alert).toMatch(/^\d+[smhd]$/);
      expect(a.annotations.summary, a.alert).not.toBe('');
      expect(a.annotations.description, a.alert).not.toBe('');
      expect(a.annotations.runbook_url, a.alert).toBe(`docs/runbooks.md#${a.alert.toLowerCase()}`);
      expect(a.expr, a.alert).not.toBe('');
    }
  });

  it('has unique names: one alert per name and severity, one recording rule per name, unique groups', () => {
    const alertKeys = alerts.map((a) => `${a.alert}/${a.labels.severity}`);
    expect(new Set(alertKeys).size).toBe(alertKeys.length);
    const recordNames = records.map((r) => r.record);
    expect(new Set(recordNames).size).toBe(recordNames.length);
    const groupNames = file.groups.map((g) => g.name);
    expect(new Set(groupNames).size).toBe(groupNames.length);
    // Warning/critical pairs share their alertname, so that Alertmanager's inhibition (equal on
    // alertname) lets the critical one silence the warning.
    const pairs = ['DailyCostExceeded', 'HighLatency', 'LowQualityScore', 'CostSpike'];
    for (const name of pairs) {
      expect(alerts.filter((a) => a.alert === name).map((a) => a.labels.severity).sort(), name).toEqual(['critical', 'warning']);
    }
  });

  it('keeps the seed thresholds', () => {
    const expr = (name: string, severity: string) => alerts.find((a) => a.alert === name && a.labels.severity === severity)?.expr;
    expect(expr('DailyCostExceeded', 'warning')).toBe('sum(increase(lookout_llm_cost_usd_total[1d])) > 50');
    expect(expr('DailyCostExceeded', 'critical')).toBe('sum(increase(lookout_llm_cost_usd_total[1d])) > 100');
    expect(expr('HighLatency', 'warning')).toBe(`${RECORDING_RULES.p95} > 5`);
    expect(expr('HighLatency', 'critical')).toBe(`${RECORDING_RULES.p99} > 10`);
    expect(expr('HighErrorRate', 'critical')).toBe(`${RECORDING_RULES.errorRatio5m} > 0.05`);
    expect(expr('HighCostPerRequest', 'warning')).toBe(`${RECORDING_RULES.costPerRequest1h} > 0.1`);
    expect(expr('LowQualityScore', 'warning')).toContain('< 0.7');
    expect(expr('LowQualityScore', 'critical')).toContain('< 0.5');
    expect(expr('LowCacheHitRate', 'warning')).toContain('< 0.4');
    expect(expr('ServiceDown', 'critical')).toBe('up{job="lookout"} == 0');
    expect(alerts.find((a) => a.alert === 'HighErrorRate')?.for).toBe('5m');
  });

  it('alerts on the security counters: PII and injections as seed 001, key refusals and 429s by reason', () => {
    const of = (name: string) => alerts.filter((a) => a.alert === name).map((a) => ({ expr: a.expr, for: a.for, ...a.labels }));
    expect(of('PIIDetectionSpike')).toEqual([{ expr: 'sum(rate(lookout_pii_detected_total[5m])) > 0.1', for: '2m', severity: 'warning', category: 'security' }]);
    expect(of('PromptInjectionAttempts')).toEqual([{ expr: 'sum(rate(lookout_prompt_injection_detected_total[5m])) > 0.05', for: '1m', severity: 'critical', category: 'security' }]);
    expect(of('AuthFailureSpike')).toEqual([{ expr: 'sum by (reason) (rate(lookout_auth_failures_total[5m])) > 0.1', for: '5m', severity: 'warning', category: 'security' }]);
    expect(of('RateLimitedRequests')).toEqual([{ expr: 'sum by (reason) (rate(lookout_rate_limited_total[5m])) > 1', for: '5m', severity: 'warning', category: 'security' }]);
  });

  it('warns of calls near the context window by provider and model, as the rule pack does by model and feature', () => {
    const of = (name: string) => alerts.filter((a) => a.alert === name).map((a) => ({ expr: a.expr, for: a.for, ...a.labels }));
    expect(of('NearContextLimit')).toEqual([
      { expr: 'sum by (provider, model) (increase(lookout_llm_near_context_limit_total[15m])) >= 3', for: '0m', severity: 'warning', category: 'quality' },
    ]);
  });

  it('uses only series Lookout exposes, and recording rules it defines', () => {
    const recorded = new Set(records.map((r) => r.record));
    const keywords = new Set(['sum', 'by', 'rate', 'increase', 'histogram_quantile', 'avg_over_time', 'and', 'le', 'provider', 'model', 'name', 'kind', 'status', 'type', 'job', 'reason']);
    for (const r of rules) {
      // Strip label matchers and strings, then take the identifiers that name series.
      const bare = r.expr.replace(/\{[^}]*\}/g, '').replace(/"[^"]*"/g, '').replace(/\[[^\]]*\]/g, '');
      const names = bare.match(/[a-zA-Z_:][a-zA-Z0-9_:]*/g) ?? [];
      for (const name of names) {
        if (keywords.has(name) || /^\d/.test(name) || name === 'e6') continue;
        expect(exposed.has(name) || recorded.has(name), `${isAlertingRule(r) ? r.alert : r.record} uses ${name}`).toBe(true);
      }
    }
    // The rules whose signal does not exist are left out, and say so.
    for (const omitted of OMITTED_RULES) expect(alerts.some((a) => a.alert === omitted.alert)).toBe(false);
    expect(OMITTED_RULES.map((r) => r.alert).sort()).toEqual(['UserBudgetExceeded']);
  });

  it('recording rules follow the level:metric:operations naming', () => {
    for (const r of records) expect(r.record).toMatch(/^lookout:[a-z0-9_]+:[a-z0-9_]+$/);
  });

  it('renders YAML that parses back to the same rules, with a configurable runbook base and job', () => {
    expect(parse(renderPrometheusRules())).toEqual(file);
    const custom = parse(renderPrometheusRules({ runbookBase: 'https://example.test/runbooks.md', job: 'llm-obs' })) as typeof file;
    const customAlerts = custom.groups.flatMap((g) => g.rules).filter(isAlertingRule) as AlertingRule[];
    for (const a of customAlerts) expect(a.annotations.runbook_url).toMatch(/^https:\/\/example\.test\/runbooks\.md#[a-z]+$/);
    expect(customAlerts.find((a) => a.alert === 'ServiceDown')?.expr).toBe('up{job="llm-obs"} == 0');
    expect(() => buildPrometheusRules({ job: 'a"b' })).toThrow(/job name/);
  });

  it('documents every alert for docs/alerts.md', () => {
    const docs = prometheusAlertDocs();
    expect(docs.map((d) => `${d.alert}/${d.severity}`)).toEqual(alerts.map((a) => `${a.alert}/${a.labels.severity}`));
    for (const d of docs) {
      expect(d.threshold, d.alert).not.toBe('');
      expect(d.seed, d.alert).not.toBe('');
    }
  });

  it('the builder rejects rules outside a group, bad record names and duplicate groups', () => {
    const b = new RuleFileBuilder({ runbookBase: 'x' });
    expect(() => b.record('a:b', '1')).toThrow(/group/);
    b.group('g');
    expect(() => b.record('bad-name', '1')).toThrow(/invalid metric name/);
    expect(() => b.group('g')).toThrow(/duplicate/);
  });
});

describe('Alertmanager config export', () => {
  const config = buildAlertmanagerConfig();

  it('routes critical to the pager (and on), cost and security to their owners, the rest to the team', () => {
    expect(config.route.receiver).toBe(RECEIVERS.team);
    const [critical, cost, security] = config.route.routes ?? [];
    expect(critical).toMatchObject({ matchers: ['severity="critical"'], receiver: RECEIVERS.pager, continue: true });
    expect(cost).toMatchObject({ matchers: ['category="cost"'], receiver: RECEIVERS.cost });
    expect(security).toMatchObject({ matchers: ['category="security"'], receiver: RECEIVERS.security });
    expect(config.route.group_by).toEqual(['alertname', 'severity']);
    const names = config.receivers.map((r) => r.name);
    for (const route of config.route.routes ?? []) expect(names).toContain(route.receiver);
    for (const r of config.receivers) expect(r.webhook_configs[0].url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
  });

  it('lets a critical alert silence the warning of the same alert and labels', () => {
    expect(config.inhibit_rules).toEqual([{ source_matchers: ['severity="critical"'], target_matchers: ['severity="warning"'], equal: INHIBIT_EQUAL }]);
    expect(INHIBIT_EQUAL[0]).toBe('alertname');
  });

  it('renders YAML that parses back', () => {
    expect(parse(renderAlertmanagerConfig())).toEqual(config);
    expect(parse(renderAlertmanagerConfig({ webhookBase: 'http://127.0.0.1:1/x/' })).receivers[0].webhook_configs[0].url).toBe('http://127.0.0.1:1/x/team-notifications');
  });
});
