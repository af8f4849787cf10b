// C4: the exported NearContextLimit rule against a real Prometheus scraping a real Lookout. The
// rule reads "more than 2 calls near the limit in 15 minutes": two calls must not match it, a
// third must. Prometheus's increase() extrapolates to the end of its range, so two calls read a
// little more than 2; and a series whose first sample is already past 0 hides its first calls.
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildPrometheusRules } from '../../packages/server/src/alerts/export/prometheus.ts';
import { isAlertingRule } from '../../packages/server/src/alerts/export/rule-file.ts';
import { makeTempDir, pollUntil, removeTempDir, requireBinary, sleep, startLookout, startPrometheus } from './harness.ts';

// One call of the model whose context window the config names (1,000 tokens).
function call(input: number): Record<string, unknown> {
  return {
    type: 'generation',
    traceId: randomBytes(16).toString('hex'),
    spanId: randomBytes(8).toString('hex'),
    startTime: new Date(Date.now() - 5_000).toISOString(),
    durationMs: 500,
    provider: 'acme',
    model: 'long-1',
    usage: { input, output: 5 },
  };
}

describe('NearContextLimit (exported Prometheus rule) against a real Prometheus', () => {
  it('does not match two calls near the limit, and matches the third, the first of them counted', async (ctx) => {
    const prometheusBin = requireBinary('prometheus', ctx);
    const rule = buildPrometheusRules()
      .groups.flatMap((g) => g.rules)
      .filter(isAlertingRule)
      .find((r) => r.alert === 'NearContextLimit');
    expect(rule).toBeDefined();
    const dir = await makeTempDir('near-context-limit-rule');
    const configFile = join(dir, 'lookout.yaml');
    await writeFile(configFile, 'pricing:\n  contextWindows:\n    acme/long-1: 1000\n');
    const lookout = await startLookout({ dataDir: join(dir, 'data'), env: { LOOKOUT_CONFIG: configFile } });
    const prometheus = await startPrometheus(prometheusBin, new URL(lookout.url).host, () => lookout.output());
    const context = () => `${prometheus.process.output()}\n${lookout.output()}`;
    const ingest = async (batch: Record<string, unknown>[]) => {
      const response = await fetch(`${lookout.url}/api/v1/ingest`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ batch }) });
      expect(response.status, await response.text()).toBe(200);
    };
    const scraped = (promql: string, n: number) => async () => {
      const body = await prometheus.query(promql);
      return Number(body.data?.result[0]?.value[1] ?? -1) === n ? true : undefined;
    };
    const requests = 'sum(lookout_llm_requests_total{provider="acme", model="long-1"})';
    const alerting = async () => {
      const body = await prometheus.query(rule!.expr);
      expect(body.status, `${rule!.expr}: ${body.error}\n${context()}`).toBe('success');
      return body.data!.result as unknown as { metric: Record<string, string>; value: [number, string] }[];
    };
    try {
      // A call well inside the window first: the model's near-limit series exists from it, at 0.
      await ingest([call(100)]);
      await pollUntil('Prometheus to scrape the first call', scraped(requests, 1), { timeoutMs: 60_000, context });
      await sleep(3_000);
      // Two calls past 90% of the window: "more than 2" is not met, however increase() extrapolates.
      await ingest([call(950), call(1_200)]);
      await pollUntil('Prometheus to scrape the two calls near the limit', scraped(requests, 3), { timeoutMs: 60_000, context });
      await sleep(5_000);
      expect(await alerting(), context()).toEqual([]);
      // A third: the rule matches, by provider and model.
      await ingest([call(990)]);
      await pollUntil('Prometheus to scrape the third call near the limit', scraped(requests, 4), { timeoutMs: 60_000, context });
      await sleep(2_000);
      const firing = await alerting();
      expect(firing.map((r) => r.metric), context()).toEqual([{ provider: 'acme', model: 'long-1' }]);
      expect(Number(firing[0]!.value[1])).toBeGreaterThanOrEqual(3);
    } finally {
      await prometheus.stop();
      await lookout.stop();
      await removeTempDir(dir);
    }
  }, 180_000);
});
