// Lookout's /metrics against a real Prometheus and promtool: what Prometheus scrapes and stores
// must be what Lookout reports, and the exposition must pass promtool's checks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  makeTempDir,
  pollUntil,
  removeTempDir,
  requireBinary,
  runLookout,
  runProgram,
  startLookout,
  sumSamples,
  type LookoutServer,
  startPrometheus,
  type PromVectorSample,
} from './harness.ts';

const costMetric = 'lookout_llm_cost_usd_total';
const requestsMetric = 'lookout_llm_requests_total';
const tokensMetric = 'lookout_llm_tokens_total';
const durationMetric = 'lookout_llm_request_duration_seconds';
const tolerance = 1e-6;

let server: LookoutServer | undefined;
let dataDir: string | undefined;
let metricsAfterDemo = '';

async function fetchMetrics(url: string): Promise<string> {
  const response = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(10_000) });
  const text = await response.text();
  expect(response.status, `GET /metrics answered ${response.status}: ${text.slice(0, 500)}`).toBe(200);
  return text;
}

beforeAll(async () => {
  dataDir = await makeTempDir('prometheus-data');
  server = await startLookout({ dataDir });
  const demo = await runLookout(['demo', '--url', server.url], { timeoutMs: 120_000 });
  expect(demo.code, `lookout demo failed\n${demo.output}\n${server.output()}`).toBe(0);
  metricsAfterDemo = await fetchMetrics(server.url);
});

afterAll(async () => {
  await server?.stop();
  if (dataDir) await removeTempDir(dataDir);
});

describe('Prometheus scraping Lookout', () => {
  it('stores the same LLM request, token and cost totals that Lookout reports', async (ctx) => {
    const prometheusBin = requireBinary('prometheus', ctx);
    if (!server) throw new Error('the Lookout server did not start');
    const lookout = server;

    // Demo traffic produced cost and requests: the comparison below would be vacuous otherwise.
    const costAfterDemo = sumSamples(metricsAfterDemo, costMetric);
    expect(costAfterDemo.samples, `${costMetric} missing from /metrics:\n${metricsAfterDemo}`).toBeGreaterThan(0);
    expect(costAfterDemo.sum).toBeGreaterThan(0);

    const prometheus = await startPrometheus(prometheusBin, new URL(lookout.url).host, () => lookout.output());
    const context = () => `${prometheus.process.output()}\n${lookout.output()}`;

    const query = async (promql: string): Promise<PromVectorSample[]> => {
      const body = await prometheus.query(promql);
      if (body.status !== 'success' || !body.data) throw new Error(`query ${promql} failed: ${body.error ?? 'no data'}`);
      return body.data.result;
    };
    const nonEmpty = (promql: string) => async () => {
      const result = await query(promql);
      return result.length > 0 ? result : undefined;
    };
    const scalar = (result: PromVectorSample[]) => Number(result[0].value[1]);

    try {

      // Prometheus started after the demo finished, so every scrape it has already sees the final totals.
      const up = await pollUntil('a successful scrape of Lookout', async () => {
        const result = await query('up{job="lookout"}');
        return result.length > 0 && scalar(result) === 1 ? result : undefined;
      }, { timeoutMs: 60_000, context });
      expect(scalar(up)).toBe(1);

      const promCost = await pollUntil(`${costMetric} in Prometheus`, nonEmpty(`sum(${costMetric})`), { timeoutMs: 30_000, context });
      // No traffic since the demo: what Lookout reports now is what Prometheus scraped.
      const metricsNow = await fetchMetrics(lookout.url);
      const lookoutCost = sumSamples(metricsNow, costMetric);
      expect(scalar(promCost)).toBeGreaterThan(0);
      expect(Math.abs(scalar(promCost) - lookoutCost.sum), `Prometheus ${scalar(promCost)} vs Lookout ${lookoutCost.sum}`).toBeLessThanOrEqual(tolerance);
      const promCostSeries = await query(`count(${costMetric})`);
      expect(scalar(promCostSeries)).toBe(lookoutCost.samples);

      for (const metric of [requestsMetric, tokensMetric]) {
        const own = sumSamples(metricsNow, metric);
        expect(own.samples, `${metric} missing from /metrics`).toBeGreaterThan(0);
        expect(own.sum, `${metric} after demo traffic`).toBeGreaterThan(0);
        const stored = await pollUntil(`${metric} in Prometheus`, nonEmpty(`sum(${metric})`), { timeoutMs: 30_000, context });
        expect(Math.abs(scalar(stored) - own.sum), `${metric}: Prometheus ${scalar(stored)} vs Lookout ${own.sum}`).toBeLessThanOrEqual(tolerance);
      }

      // Token totals are broken down by type; input and output are always among them after chat traffic.
      const tokenTypes = await query(`sum by (type) (${tokensMetric})`);
      const typesSeen = tokenTypes.map((sample) => sample.metric.type);
      expect(typesSeen).toEqual(expect.arrayContaining(['input', 'output']));
      for (const sample of tokenTypes.filter((s) => s.metric.type === 'input' || s.metric.type === 'output')) {
        expect(Number(sample.value[1]), `tokens of type ${sample.metric.type}`).toBeGreaterThan(0);
      }

      const ownDurationCount = sumSamples(metricsNow, `${durationMetric}_count`);
      expect(ownDurationCount.sum, `${durationMetric}_count after demo traffic`).toBeGreaterThan(0);
      const durationCount = await pollUntil(`${durationMetric}_count > 0 in Prometheus`, async () => {
        const result = await query(`sum(${durationMetric}_count)`);
        return result.length > 0 && scalar(result) > 0 ? result : undefined;
      }, { timeoutMs: 30_000, context });
      expect(scalar(durationCount)).toBe(ownDurationCount.sum);

      // The buckets form a usable histogram: Prometheus can compute a quantile from them.
      const p95 = await pollUntil('a p95 latency from the histogram buckets', nonEmpty(`histogram_quantile(0.95, sum by (le) (${durationMetric}_bucket))`), {
        timeoutMs: 30_000,
        context,
      });
      expect(Number.isFinite(scalar(p95)), `p95 = ${p95[0].value[1]}`).toBe(true);
      expect(scalar(p95)).toBeGreaterThan(0);
    } finally {
      await prometheus.stop();
    }
  });

  it('exposes metrics that promtool accepts without complaint', async (ctx) => {
    const promtool = requireBinary('promtool', ctx);
    if (!server) throw new Error('the Lookout server did not start');
    const metrics = await fetchMetrics(server.url);
    expect(metrics).toContain(costMetric);
    const check = await runProgram('promtool check metrics', promtool, ['check', 'metrics'], { stdin: metrics, timeoutMs: 30_000 });
    const complaints = `${check.stdout}${check.stderr}`.trim();
    expect(complaints, `promtool check metrics:\n${check.output}`).toBe('');
    expect(check.code, check.output).toBe(0);
  });
});
