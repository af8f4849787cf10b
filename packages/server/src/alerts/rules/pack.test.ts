import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildPrometheusRules, isAlertingRule } from '../export/prometheus.ts';
import { loadDefaultPack } from './default-pack.ts';
import type { Rule } from './schema.ts';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../../domain/time.ts';


const docs = (name: string) => readFileSync(new URL(`../../../../../docs/${name}`, import.meta.url), 'utf8');

// GitHub-style heading anchors, as runbook links use them.
function anchorsOf(markdown: string): Set<string> {
  return new Set(
    [...markdown.matchAll(/^#{1,6} (.+)$/gm)].map((m) =>
      m[1].trim().toLowerCase().replace(/[^a-z0-9 _-]/g, '').replace(/ /g, '-'),
    ),
  );
}

let rules: Rule[];
const byId = (id: string): Rule => {
  const rule = rules.find((r) => r.id === id);
  if (!rule) throw new Error(`the default pack has no rule ${id}; it has ${rules.map((r) => r.id).join(', ')}`);
  return rule;
};

beforeAll(async () => {
  const pack = await loadDefaultPack();
  expect(pack.errors.map(String)).toEqual([]);
  rules = pack.rules;
});

describe('the default rule pack', () => {
  it('loads with no errors and unique ids, every rule enabled', () => {
    expect(rules.length).toBeGreaterThan(30);
    expect(new Set(rules.map((r) => r.id)).size).toBe(rules.length);
    expect(rules.filter((r) => !r.enabled)).toEqual([]);
  });

  // Seed 000's eight defaults (000_*.txt, "Alert Rules").
  it('has seed 000: daily budget $50 warning and $100 critical', () => {
    expect(byId('DailyCostExceeded:warning')).toMatchObject({ kind: 'threshold', query: { measure: 'cost' }, window: DAY_MS, op: '>', threshold: 50, severity: 'warning', category: 'cost' });
    expect(byId('DailyCostExceeded:critical')).toMatchObject({ kind: 'threshold', query: { measure: 'cost' }, window: DAY_MS, op: '>', threshold: 100, severity: 'critical', category: 'cost' });
  });

  it('has seed 000: cost per request above $0.10', () => {
    expect(byId('HighCostPerRequest')).toMatchObject({ kind: 'ratio', query: { numerator: 'cost', denominator: 'requests' }, op: '>', threshold: 0.1, severity: 'warning' });
  });

  it('has seed 000: p95 latency above 5000 ms warning, p99 above 10000 ms critical', () => {
    expect(byId('HighLatency:warning')).toMatchObject({ kind: 'percentile', query: { measure: 'latency_ms', percentile: 95 }, op: '>', threshold: 5000, severity: 'warning', category: 'performance' });
    expect(byId('HighLatency:critical')).toMatchObject({ kind: 'percentile', query: { measure: 'latency_ms', percentile: 99 }, op: '>', threshold: 10000, severity: 'critical', category: 'performance' });
  });

  it('has seed 000: quality below 0.7 warning, below 0.5 critical, by feature and model, debounced as in seed 004', () => {
    for (const [id, threshold, severity] of [['LowQualityScore:warning', 0.7, 'warning'], ['LowQualityScore:critical', 0.5, 'critical']] as const) {
      expect(byId(id)).toMatchObject({
        kind: 'threshold',
        query: { measure: 'score', groupBy: ['score_name', 'feature', 'model'] },
        op: '<',
        threshold,
        severity,
        category: 'quality',
        minSamples: 20,
        cooldown: 30 * MINUTE_MS,
      });
    }
  });

  it('has seed 000: more than 1M tokens', () => {
    expect(byId('HighTokenUsage')).toMatchObject({ kind: 'threshold', query: { measure: 'total_tokens' }, window: HOUR_MS, op: '>', threshold: 1_000_000, severity: 'warning' });
  });

  // Seed 001's Prometheus rules (001_*.txt, prometheus-rules.yml).
  it('has seed 001: DailyCostExceeded at $100 (the critical level above), CostSpike above $10/hour over 5 min', () => {
    expect(byId('DailyCostExceeded:critical').threshold).toBe(100);
    expect(byId('DailyCostExceeded:critical').for).toBe(5 * MINUTE_MS);
    const spike = byId('CostSpike:critical');
    expect(spike).toMatchObject({ kind: 'rate', query: { measure: 'cost' }, window: 5 * MINUTE_MS, op: '>', for: 5 * MINUTE_MS, severity: 'critical', category: 'cost' });
    expect(spike.threshold! * 3600).toBeCloseTo(10, 3); // per second
  });

  it('has seed 001: UserBudgetExceeded over per-user daily budgets', () => {
    expect(byId('UserBudgetExceeded')).toMatchObject({ kind: 'budget', budget: { scope: 'user', period: 'daily' }, op: '>=', threshold: 100, for: MINUTE_MS, severity: 'warning', category: 'cost' });
  });

  it('has seed 001/002: p95 latency above 10 s, error rate above 5% for 5 min, cache hit rate below 40% for 10 min', () => {
    expect(byId('HighLLMLatency')).toMatchObject({ kind: 'percentile', query: { measure: 'latency_ms', percentile: 95 }, window: 5 * MINUTE_MS, op: '>', threshold: 10_000, for: 5 * MINUTE_MS, severity: 'warning' });
    expect(byId('HighErrorRate')).toMatchObject({ kind: 'ratio', query: { numerator: 'errors', denominator: 'requests' }, window: 5 * MINUTE_MS, op: '>', threshold: 0.05, for: 5 * MINUTE_MS, severity: 'critical' });
    expect(byId('LowCacheHitRate')).toMatchObject({ kind: 'ratio', query: { numerator: 'cache_read_tokens', denominator: 'prompt_tokens' }, op: '<', threshold: 0.4, for: 10 * MINUTE_MS, severity: 'warning' });
  });

  it("refuses keys and 429s: auth failures above one per 10 s, Lookout's own 429s above one a second, for 5 min", () => {
    expect(byId('AuthFailureSpike')).toMatchObject({ kind: 'rate', query: { measure: 'auth_failures' }, window: 5 * MINUTE_MS, op: '>', threshold: 0.1, for: 5 * MINUTE_MS, severity: 'warning', category: 'security' });
    expect(byId('RateLimitedRequests')).toMatchObject({ kind: 'rate', query: { measure: 'rate_limited' }, window: 5 * MINUTE_MS, op: '>', threshold: 1, for: 5 * MINUTE_MS, severity: 'warning', category: 'security' });
  });

  it('has seed 001: security rules over PII detections and injection attempts', () => {
    expect(byId('PIIDetectionSpike')).toMatchObject({ kind: 'rate', query: { measure: 'pii_detections' }, window: 5 * MINUTE_MS, op: '>', threshold: 0.1, for: 2 * MINUTE_MS, severity: 'warning', category: 'security' });
    expect(byId('PromptInjectionAttempts')).toMatchObject({ kind: 'rate', query: { measure: 'injection_attempts' }, window: 5 * MINUTE_MS, op: '>', threshold: 0.05, for: MINUTE_MS, severity: 'critical', category: 'security' });
  });

  it('has seed 001: FrequentRateLimits, ServiceDown, HighRequestQueue', () => {
    expect(byId('FrequentRateLimits')).toMatchObject({ kind: 'rate', query: { measure: 'errors.rate_limit', groupBy: ['provider'] }, window: 5 * MINUTE_MS, op: '>', threshold: 1, for: 5 * MINUTE_MS, severity: 'warning' });
    expect(byId('ServiceDown')).toMatchObject({ kind: 'absence', query: { measure: 'requests', groupBy: ['application'] }, window: 5 * MINUTE_MS, lookback: HOUR_MS, for: MINUTE_MS, severity: 'critical', category: 'availability' });
    expect(byId('HighRequestQueue:ingest')).toMatchObject({ kind: 'threshold', query: { measure: 'ingest_queue_depth' }, op: '>', threshold: 20_000, for: 5 * MINUTE_MS, severity: 'warning' });
    expect(byId('HighRequestQueue:client')).toMatchObject({ kind: 'threshold', query: { measure: 'client_queue_depth' }, op: '>', threshold: 100, for: 5 * MINUTE_MS, severity: 'warning' });
  });

  // Seed 002's six (002_*.txt, observability/alert_rules.yml).
  it('has seed 002: cost above 1.5x the 7-day same-hour baseline, for 1 h', () => {
    expect(byId('CostSpike:warning')).toMatchObject({
      kind: 'anomaly',
      query: { measure: 'cost' },
      window: HOUR_MS,
      baseline: { kind: 'same_hour', days: 7, factor: 1.5 },
      for: HOUR_MS,
      severity: 'warning',
    });
  });

  it('has seed 002: no requests for 10 minutes, daily budget above $1000, tokens above 2x the last hour', () => {
    expect(byId('LLMTrafficStopped')).toMatchObject({ kind: 'absence', query: { measure: 'requests', groupBy: [] }, window: 10 * MINUTE_MS, category: 'availability' });
    expect(byId('DailyBudgetExceeded')).toMatchObject({ kind: 'threshold', query: { measure: 'cost' }, window: DAY_MS, op: '>', threshold: 1000, severity: 'critical' });
    expect(byId('TokenUsageSpike')).toMatchObject({ kind: 'anomaly', query: { measure: 'total_tokens' }, window: 10 * MINUTE_MS, baseline: { kind: 'preceding', lookback: HOUR_MS, factor: 2 }, for: 10 * MINUTE_MS });
  });

  it('has seed 003: high latency and low cache hit rate', () => {
    expect(byId('HighLatency:warning').labels.seed).toContain('003');
    expect(byId('LowCacheHitRate').labels.seed).toContain('003');
  });

  it('has the budget rules: 80% warning, 100% critical, monthly forecast above 100%', () => {
    const of = (name: string) => rules.filter((r) => r.name === name);
    const scopes = (list: Rule[]) => list.map((r) => `${r.budget!.scope}:${r.budget!.period}`).sort();
    const all = ['department:daily', 'department:monthly', 'project:daily', 'project:monthly', 'team:daily', 'team:monthly'];
    expect(scopes(of('BudgetWarning'))).toEqual(all);
    for (const r of of('BudgetWarning')) expect(r).toMatchObject({ kind: 'budget', op: '>=', threshold: 80, severity: 'warning', category: 'cost' });
    expect(scopes(of('BudgetExceeded'))).toEqual(all);
    for (const r of of('BudgetExceeded')) expect(r).toMatchObject({ kind: 'budget', op: '>=', threshold: 100, severity: 'critical', category: 'cost' });
    expect(scopes(of('BudgetForecastOverrun'))).toEqual(['department:monthly', 'project:monthly', 'team:monthly']);
    for (const r of of('BudgetForecastOverrun')) expect(r).toMatchObject({ kind: 'forecast', op: '>', threshold: 100, severity: 'warning' });
  });

  it('warns of calls near the context window (truncation risk) by model and feature', () => {
    expect(byId('NearContextLimit')).toMatchObject({
      kind: 'threshold',
      query: { measure: 'near_context_limit', groupBy: ['model', 'feature'] },
      window: 15 * MINUTE_MS,
      op: '>',
      threshold: 2,
      cooldown: HOUR_MS,
      severity: 'warning',
      category: 'quality',
    });
  });

  it('flags calls of unknown models by provider and model', () => {
    expect(byId('UnknownModelCalls')).toMatchObject({ kind: 'threshold', query: { measure: 'unknown_cost_requests', groupBy: ['provider', 'model'] }, window: HOUR_MS, op: '>', threshold: 0 });
  });

  it('gives every rule a summary, a description and a runbook section that exists', () => {
    const anchors = anchorsOf(docs('runbooks.md'));
    for (const rule of rules) {
      expect(rule.annotations?.summary, rule.id).toBeTruthy();
      expect(rule.annotations?.description, rule.id).toBeTruthy();
      const [file, anchor] = (rule.runbook ?? '').split('#');
      expect(file, rule.id).toBe('docs/runbooks.md');
      expect(anchors.has(anchor), `${rule.id} links to #${anchor}`).toBe(true);
    }
  });

  it('uses a name per condition: levels share a name and differ in severity, labels or budget', () => {
    const seen = new Map<string, Rule>();
    for (const rule of rules) {
      const key = JSON.stringify([rule.name, rule.severity, rule.labels, rule.budget ?? null]);
      expect(seen.get(key)?.id, `${rule.id} would make the same alerts as another rule`).toBeUndefined();
      seen.set(key, rule);
    }
  });

  it('keeps the alert names of the Prometheus export', () => {
    const exported = new Set(buildPrometheusRules().groups.flatMap((g) => g.rules).filter(isAlertingRule).map((r) => r.alert));
    const names = new Set(rules.map((r) => r.name));
    expect([...exported].filter((name) => !names.has(name))).toEqual([]);
  });

  it('is documented: every id in the table of docs/alerts.md', () => {
    const table = docs('alerts.md');
    expect(rules.map((r) => r.id).filter((id) => !table.includes(`\`${id}\``))).toEqual([]);
  });
});
