// Lookout's trace-id exemplars as a real Prometheus stores them: a Prometheus with exemplar
// storage on scrapes /metrics (asking for OpenMetrics, as it always does), and its exemplar API
// must name the trace of a call Lookout stored, on the latency and on the cost histogram.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, pollUntil, removeTempDir, requireBinary, startLookout, startPrometheus, type LookoutServer } from './harness.ts';

const durationBuckets = 'lookout_llm_request_duration_seconds_bucket';
const costBuckets = 'lookout_llm_request_cost_usd_bucket';

interface ExemplarSeries {
  seriesLabels: Record<string, string>;
  exemplars: { labels: Record<string, string>; value: string; timestamp: number }[];
}

let server: LookoutServer | undefined;
let dataDir: string | undefined;
// A slow call alone in its latency bucket, so it must be that bucket's exemplar.
const slowTrace = randomBytes(16).toString('hex');
const slowModel = 'gpt-4o';

beforeAll(async () => {
  dataDir = await makeTempDir('prometheus-exemplars-data');
  server = await startLookout({ dataDir });
  const batch = [
    { type: 'generation', traceId: slowTrace, spanId: randomBytes(8).toString('hex'), startTime: new Date(Date.now() - 50_000).toISOString(), durationMs: 45_000, provider: 'openai', model: slowModel, usage: { input: 20_000, output: 2_000 } },
    ...Array.from({ length: 5 }, () => ({
      type: 'generation',
      traceId: randomBytes(16).toString('hex'),
      spanId: randomBytes(8).toString('hex'),
      startTime: new Date(Date.now() - 5_000).toISOString(),
      durationMs: 800,
      provider: 'openai',
      model: 'gpt-4o-mini',
      usage: { input: 500, output: 50 },
    })),
  ];
  const response = await fetch(`${server.url}/api/v1/ingest`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ batch }),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  expect(response.status, text).toBe(200);
});

afterAll(async () => {
  await server?.stop();
  if (dataDir) await removeTempDir(dataDir);
});

describe('Prometheus storing Lookout exemplars', () => {
  it('finds the trace of a slow, costly call through the exemplars of the latency and cost histograms', async (ctx) => {
    const prometheusBin = requireBinary('prometheus', ctx);
    if (!server) throw new Error('the Lookout server did not start');
    const lookout = server;
    const prometheus = await startPrometheus(prometheusBin, new URL(lookout.url).host, () => lookout.output(), { flags: ['--enable-feature=exemplar-storage'] });
    const context = () => `${prometheus.process.output()}\n${lookout.output()}`;
    const exemplarsOf = async (promql: string): Promise<ExemplarSeries[]> => {
      const start = Math.floor(Date.now() / 1000) - 600;
      const end = Math.ceil(Date.now() / 1000) + 60;
      const url = `${prometheus.url}/api/v1/query_exemplars?query=${encodeURIComponent(promql)}&start=${start}&end=${end}`;
      const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
      const body = (await response.json()) as { status: string; data?: ExemplarSeries[]; error?: string };
      if (body.status !== 'success') throw new Error(`query_exemplars ${promql} failed: ${body.error}`);
      return body.data ?? [];
    };
    const tracesIn = (series: ExemplarSeries[]) => series.flatMap((s) => s.exemplars.map((e) => e.labels.trace_id));
    try {
      const latency = await pollUntil(
        'the slow call as an exemplar of the latency histogram',
        async () => {
          const series = await exemplarsOf(`${durationBuckets}{model="${slowModel}"}`);
          return tracesIn(series).includes(slowTrace) ? series : undefined;
        },
        { timeoutMs: 60_000, context },
      );
      const slowBucket = latency.find((s) => s.exemplars.some((e) => e.labels.trace_id === slowTrace))!;
      expect(slowBucket.seriesLabels).toMatchObject({ __name__: durationBuckets, le: '60', provider: 'openai', model: slowModel });
      expect(Number(slowBucket.exemplars.find((e) => e.labels.trace_id === slowTrace)!.value)).toBe(45);

      const cost = await pollUntil(
        'the slow call as an exemplar of the cost histogram',
        async () => {
          const series = await exemplarsOf(`${costBuckets}{model="${slowModel}"}`);
          return tracesIn(series).includes(slowTrace) ? series : undefined;
        },
        { timeoutMs: 30_000, context },
      );
      const costExemplar = cost.flatMap((s) => s.exemplars).find((e) => e.labels.trace_id === slowTrace)!;
      expect(Number(costExemplar.value)).toBeGreaterThan(0);

      // Every trace id Prometheus holds is one Lookout stored: the link Grafana follows resolves.
      const mini = await exemplarsOf(`${durationBuckets}{model="gpt-4o-mini"}`);
      const traces = [...new Set([...tracesIn(latency), ...tracesIn(cost), ...tracesIn(mini)])];
      expect(traces.length).toBeGreaterThan(1);
      for (const traceId of traces) {
        const trace = await fetch(`${lookout.url}/api/v1/traces/${traceId}`, { signal: AbortSignal.timeout(5_000) });
        const body = await trace.text();
        expect(trace.status, `trace ${traceId}: ${body}`).toBe(200);
      }

      // The rest of what Prometheus scraped in OpenMetrics is intact: counters keep their names.
      const requests = await prometheus.query('sum(lookout_llm_requests_total)');
      expect(requests.data?.result.map((r) => Number(r.value[1]))).toEqual([6]);
    } finally {
      await prometheus.stop();
    }
  });
});
