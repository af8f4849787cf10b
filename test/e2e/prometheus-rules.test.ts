// F6: the rule and routing files `lookout export` writes, checked by the real promtool and amtool:
// `promtool check rules` accepts the rules, `promtool test rules` shows the alerts firing on
// synthetic /metrics series above their thresholds and staying quiet below them, and
// `amtool check-config` accepts the Alertmanager config, whose routes `amtool config routes test`
// resolves as seed 001 routes them.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { makeTempDir, removeTempDir, requireBinary, runLookout, runProgram } from './harness.ts';

let dir: string;
let rulesPath: string;
let amPath: string;

beforeAll(async () => {
  dir = await makeTempDir('prometheus-rules');
  rulesPath = join(dir, 'lookout-rules.yml');
  amPath = join(dir, 'alertmanager.yml');
  const rules = await runLookout(['export', 'prometheus-rules', '--out', rulesPath, '--runbook-base', 'https://runbooks.example.test/runbooks.md']);
  expect(rules.code, rules.output).toBe(0);
  const am = await runLookout(['export', 'alertmanager-config', '--out', amPath]);
  expect(am.code, am.output).toBe(0);
});

afterAll(async () => {
  if (dir) await removeTempDir(dir);
});

// ---- promtool unit-test input -------------------------------------------------------------

type Labels = Record<string, string>;

function series(name: string, labels: Labels, values: string): { series: string; values: string } {
  const body = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(', ');
  return { series: `${name}{${body}}`, values };
}

const LATENCY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 7.5, 10, 15, 20, 30, 60, 120];

// A histogram whose observations (10 a minute) all fall in the bucket ending at `upper`.
function latencyHistogram(labels: Labels, upper: number, minutes: number) {
  const les = [...LATENCY_BUCKETS.map(String), '+Inf'];
  return les.map((le) => series('lookout_llm_request_duration_seconds_bucket', { ...labels, le }, le === '+Inf' || Number(le) >= upper ? `0+10x${minutes}` : `0x${minutes}`));
}

const gpt4o = { provider: 'openai', model: 'gpt-4o' };
const mini = { provider: 'openai', model: 'gpt-4o-mini' };
const claude = { provider: 'anthropic', model: 'claude-sonnet-4' };

const cost = (severity: string) => ({ severity, category: 'cost' });
const security = (severity: string, labels: Labels = {}) => ({ ...labels, severity, category: 'security' });

const unitTests = {
  rule_files: ['rules-for-test.yml'],
  evaluation_interval: '1m',
  tests: [
    {
      // $1 a minute: $40 at 40 min (quiet), $70 at 70 min (warning), $130 at 130 min (both).
      name: 'daily cost',
      interval: '1m',
      input_series: [series('lookout_llm_cost_usd_total', gpt4o, '0+1x200')],
      alert_rule_test: [
        { eval_time: '40m', alertname: 'DailyCostExceeded', exp_alerts: [] },
        { eval_time: '70m', alertname: 'DailyCostExceeded', exp_alerts: [{ exp_labels: cost('warning') }] },
        { eval_time: '130m', alertname: 'DailyCostExceeded', exp_alerts: [{ exp_labels: cost('warning') }, { exp_labels: cost('critical') }] },
        // $60/hour is above the $10/hour absolute spike threshold.
        { eval_time: '130m', alertname: 'CostSpike', exp_alerts: [{ exp_labels: cost('critical') }] },
      ],
      promql_expr_test: [{ expr: 'lookout:llm_cost_usd:rate1h * 3600', eval_time: '130m', exp_samples: [{ labels: '{provider="openai", model="gpt-4o"}', value: 60 }] }],
    },
    {
      // gpt-4o fails 10% of its calls, gpt-4o-mini 2%: only gpt-4o alerts, and only after 5 minutes.
      name: 'error rate',
      interval: '1m',
      input_series: [
        series('lookout_llm_requests_total', { ...gpt4o, kind: 'generation', status: 'ok' }, '0+90x30'),
        series('lookout_llm_requests_total', { ...gpt4o, kind: 'generation', status: 'error' }, '0+10x30'),
        series('lookout_llm_requests_total', { ...mini, kind: 'generation', status: 'ok' }, '0+98x30'),
        series('lookout_llm_requests_total', { ...mini, kind: 'generation', status: 'error' }, '0+2x30'),
        // Tool spans are not LLM calls: their failures do not count.
        series('lookout_llm_requests_total', { ...mini, kind: 'tool', status: 'error' }, '0+50x30'),
      ],
      alert_rule_test: [
        { eval_time: '3m', alertname: 'HighErrorRate', exp_alerts: [] },
        { eval_time: '20m', alertname: 'HighErrorRate', exp_alerts: [{ exp_labels: { ...gpt4o, severity: 'critical', category: 'availability' } }] },
      ],
      promql_expr_test: [
        {
          // promtool compares values exactly: in thousandths, rounded.
          expr: 'round(lookout:llm_request_errors:ratio_rate5m * 1000)',
          eval_time: '20m',
          exp_samples: [
            { labels: '{provider="openai", model="gpt-4o"}', value: 100 },
            { labels: '{provider="openai", model="gpt-4o-mini"}', value: 20 },
          ],
        },
      ],
    },
    {
      // gpt-4o-mini answers within 1 s (quiet), gpt-4o in 5-7.5 s (p95 warning only),
      // claude in 10-15 s (p95 warning and p99 critical).
      name: 'latency',
      interval: '1m',
      input_series: [...latencyHistogram(mini, 1, 30), ...latencyHistogram(gpt4o, 7.5, 30), ...latencyHistogram(claude, 15, 30)],
      alert_rule_test: [
        { eval_time: '4m', alertname: 'HighLatency', exp_alerts: [] },
        {
          eval_time: '20m',
          alertname: 'HighLatency',
          exp_alerts: [
            { exp_labels: { ...gpt4o, severity: 'warning', category: 'performance' } },
            { exp_labels: { ...claude, severity: 'warning', category: 'performance' } },
            { exp_labels: { ...claude, severity: 'critical', category: 'performance' } },
          ],
        },
      ],
      promql_expr_test: [
        {
          // Linear interpolation inside the bucket: 0.5 + 0.95 * 0.5, 5 + 0.95 * 2.5, 10 + 0.95 * 5 (in ms).
          expr: 'round(lookout:llm_request_duration_seconds:p95_5m * 1000)',
          eval_time: '20m',
          exp_samples: [
            { labels: '{provider="openai", model="gpt-4o-mini"}', value: 975 },
            { labels: '{provider="openai", model="gpt-4o"}', value: 7375 },
            { labels: '{provider="anthropic", model="claude-sonnet-4"}', value: 14750 },
          ],
        },
      ],
    },
    {
      name: 'quality scores',
      interval: '1m',
      input_series: [
        series('lookout_quality_score_sum', { name: 'relevance' }, '0+9x60'),
        series('lookout_quality_score_count', { name: 'relevance' }, '0+10x60'),
        series('lookout_quality_score_sum', { name: 'helpfulness' }, '0+6x60'),
        series('lookout_quality_score_count', { name: 'helpfulness' }, '0+10x60'),
        series('lookout_quality_score_sum', { name: 'faithfulness' }, '0+4x60'),
        series('lookout_quality_score_count', { name: 'faithfulness' }, '0+10x60'),
      ],
      alert_rule_test: [
        {
          eval_time: '30m',
          alertname: 'LowQualityScore',
          exp_alerts: [
            { exp_labels: { name: 'helpfulness', severity: 'warning', category: 'quality' } },
            { exp_labels: { name: 'faithfulness', severity: 'warning', category: 'quality' } },
            { exp_labels: { name: 'faithfulness', severity: 'critical', category: 'quality' } },
          ],
        },
      ],
    },
    {
      // gpt-4o reads 30% of its input from the prompt cache (alert), claude 70% (quiet);
      // gpt-4o-mini never uses the cache and is not a cache alert.
      name: 'prompt cache hit rate',
      interval: '1m',
      input_series: [
        series('lookout_llm_tokens_total', { ...gpt4o, type: 'input' }, '0+700x40'),
        series('lookout_llm_tokens_total', { ...gpt4o, type: 'cache_read' }, '0+300x40'),
        series('lookout_llm_tokens_total', { ...claude, type: 'input' }, '0+300x40'),
        series('lookout_llm_tokens_total', { ...claude, type: 'cache_read' }, '0+700x40'),
        series('lookout_llm_tokens_total', { ...mini, type: 'input' }, '0+1000x40'),
      ],
      alert_rule_test: [
        { eval_time: '5m', alertname: 'LowCacheHitRate', exp_alerts: [] },
        { eval_time: '30m', alertname: 'LowCacheHitRate', exp_alerts: [{ exp_labels: { ...gpt4o, severity: 'warning', category: 'cost' } }] },
      ],
    },
    {
      name: 'availability',
      interval: '1m',
      input_series: [
        series('up', { job: 'lookout', instance: 'lookout-1:4318' }, '1 1 1 0 0 0 0 0 0 0'),
        series('up', { job: 'lookout', instance: 'lookout-2:4318' }, '1x10'),
        series('up', { job: 'other', instance: 'other:9100' }, '0x10'),
        series('lookout_ingest_queue_depth', { job: 'lookout', instance: 'lookout-1:4318' }, '25000x20'),
        series('lookout_ingest_queue_depth', { job: 'lookout', instance: 'lookout-2:4318' }, '500x20'),
      ],
      alert_rule_test: [
        { eval_time: '2m', alertname: 'ServiceDown', exp_alerts: [] },
        { eval_time: '8m', alertname: 'ServiceDown', exp_alerts: [{ exp_labels: { job: 'lookout', instance: 'lookout-1:4318', severity: 'critical', category: 'availability' } }] },
        { eval_time: '3m', alertname: 'HighRequestQueue', exp_alerts: [] },
        {
          eval_time: '10m',
          alertname: 'HighRequestQueue',
          exp_alerts: [{ exp_labels: { job: 'lookout', instance: 'lookout-1:4318', severity: 'warning', category: 'availability' } }],
        },
      ],
    },
    {
      // Per minute: 12 + 3 sensitive values (0.25/s), 6 injections (0.1/s), 12 invalid keys
      // (0.2/s, alert) and 3 forbidden (0.05/s, quiet), 120 queue_full (2/s, alert) and 30
      // too_many_queries (0.5/s, quiet).
      name: 'security above thresholds',
      interval: '1m',
      input_series: [
        series('lookout_pii_detected_total', { type: 'email' }, '0+12x20'),
        series('lookout_pii_detected_total', { type: 'phone' }, '0+3x20'),
        series('lookout_prompt_injection_detected_total', { severity: 'high' }, '0+6x20'),
        series('lookout_auth_failures_total', { reason: 'invalid_key' }, '0+12x20'),
        series('lookout_auth_failures_total', { reason: 'forbidden' }, '0+3x20'),
        series('lookout_rate_limited_total', { reason: 'queue_full' }, '0+120x20'),
        series('lookout_rate_limited_total', { reason: 'too_many_queries' }, '0+30x20'),
      ],
      alert_rule_test: [
        // Not for long enough yet: 2m, 1m, 5m and 5m.
        { eval_time: '1m', alertname: 'PIIDetectionSpike', exp_alerts: [] },
        { eval_time: '3m', alertname: 'AuthFailureSpike', exp_alerts: [] },
        { eval_time: '3m', alertname: 'RateLimitedRequests', exp_alerts: [] },
        { eval_time: '15m', alertname: 'PIIDetectionSpike', exp_alerts: [{ exp_labels: security('warning') }] },
        { eval_time: '15m', alertname: 'PromptInjectionAttempts', exp_alerts: [{ exp_labels: security('critical') }] },
        { eval_time: '15m', alertname: 'AuthFailureSpike', exp_alerts: [{ exp_labels: security('warning', { reason: 'invalid_key' }) }] },
        { eval_time: '15m', alertname: 'RateLimitedRequests', exp_alerts: [{ exp_labels: security('warning', { reason: 'queue_full' }) }] },
      ],
    },
    {
      // Just below every threshold: 0.083/s values, 0.033/s injections, 0.083/s refused keys, 0.83/s 429s.
      name: 'security below thresholds',
      interval: '1m',
      input_series: [
        series('lookout_pii_detected_total', { type: 'email' }, '0+5x20'),
        series('lookout_prompt_injection_detected_total', { severity: 'low' }, '0+2x20'),
        series('lookout_auth_failures_total', { reason: 'missing_key' }, '0+5x20'),
        series('lookout_rate_limited_total', { reason: 'action' }, '0+50x20'),
      ],
      alert_rule_test: ['PIIDetectionSpike', 'PromptInjectionAttempts', 'AuthFailureSpike', 'RateLimitedRequests'].map((alertname) => ({ eval_time: '15m', alertname, exp_alerts: [] })),
    },
  ],
};

describe('lookout export prometheus-rules', () => {
  it('writes rules with severity, category and runbook links that promtool check rules accepts', async (ctx) => {
    const promtool = requireBinary('promtool', ctx);
    const parsed = parse(await readFile(rulesPath, 'utf8')) as { groups: Array<{ rules: Array<Record<string, unknown>> }> };
    const alerts = parsed.groups.flatMap((g) => g.rules).filter((r) => 'alert' in r) as Array<{ labels: Labels; annotations: Labels }>;
    expect(alerts.length).toBeGreaterThan(10);
    for (const a of alerts) {
      expect(a.labels.severity).toMatch(/^(warning|critical)$/);
      expect(a.labels.category).toMatch(/^(cost|performance|availability|quality|security)$/);
      expect(a.annotations.runbook_url).toMatch(/^https:\/\/runbooks\.example\.test\/runbooks\.md#[a-z]+$/);
    }
    const check = await runProgram('promtool check rules', promtool, ['check', 'rules', rulesPath], { timeoutMs: 60_000 });
    expect(check.code, check.output).toBe(0);
    expect(check.stdout).toMatch(/SUCCESS: \d+ rules found/);
  });

  it('fires the alerts above their thresholds and not below them (promtool test rules)', async (ctx) => {
    const promtool = requireBinary('promtool', ctx);
    // promtool compares annotations exactly, and the descriptions print values with humanize:
    // the test runs on the exported rules with their annotations removed, so that it checks the
    // expressions, `for` and labels (the annotations' templates are checked by `check rules`).
    const parsed = parse(await readFile(rulesPath, 'utf8')) as { groups: Array<{ rules: Array<Record<string, unknown>> }> };
    for (const group of parsed.groups) for (const rule of group.rules) delete rule.annotations;
    await writeFile(join(dir, 'rules-for-test.yml'), stringify(parsed, { lineWidth: 0 }));
    const testPath = join(dir, 'rules-test.yml');
    await writeFile(testPath, stringify(unitTests, { lineWidth: 0 }));
    const result = await runProgram('promtool test rules', promtool, ['test', 'rules', testPath], { timeoutMs: 120_000 });
    expect(result.code, result.output).toBe(0);
    expect(result.stdout).toContain('SUCCESS');
  });
});

describe('lookout export alertmanager-config', () => {
  it('writes a config amtool check-config accepts', async (ctx) => {
    const amtool = requireBinary('amtool', ctx);
    const check = await runProgram('amtool check-config', amtool, ['check-config', amPath], { timeoutMs: 60_000 });
    expect(check.code, check.output).toBe(0);
    expect(check.stdout).toContain('SUCCESS');
    expect(check.stdout).toMatch(/1 inhibit rules/);
  });

  it('routes critical to the pager, cost and security to their owners, the rest to the team', async (ctx) => {
    const amtool = requireBinary('amtool', ctx);
    const cases: Array<[string[], string]> = [
      [['severity=critical', 'category=cost'], 'pager,cost-owners'],
      [['severity=critical', 'category=availability'], 'pager'],
      [['severity=warning', 'category=cost'], 'cost-owners'],
      [['severity=critical', 'category=security'], 'pager,security-owners'],
      [['severity=warning', 'category=performance'], 'team-notifications'],
    ];
    for (const [labels, expected] of cases) {
      const routed = await runProgram('amtool config routes test', amtool, ['config', 'routes', 'test', `--config.file=${amPath}`, ...labels], { timeoutMs: 30_000 });
      expect(routed.code, routed.output).toBe(0);
      expect(routed.stdout.trim(), labels.join(' ')).toBe(expected);
    }
  });
});
