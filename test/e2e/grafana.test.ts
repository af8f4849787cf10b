// G2 proof: every panel of every generated Grafana dashboard returns data from a real Prometheus
// scraping Lookout while `lookout demo` sends traffic, and the rate panels show that traffic.
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aiOpsDashboard, allDashboards, dashboardPanels } from '../../packages/server/src/alerts/export/grafana.ts';
import {
  makeTempDir,
  pollUntil,
  removeTempDir,
  requireBinary,
  runLookout,
  sleep,
  startLookout,
  sumSamples,
  type LookoutServer,
  startPrometheus,
} from './harness.ts';

let server: LookoutServer | undefined;
let dataDir: string | undefined;

beforeAll(async () => {
  dataDir = await makeTempDir('grafana-data');
  server = await startLookout({ dataDir });
});

afterAll(async () => {
  await server?.stop();
  if (dataDir) await removeTempDir(dataDir);
});

async function runDemo(lookout: LookoutServer, extraArgs: string[]): Promise<void> {
  const demo = await runLookout(['demo', '--url', lookout.url, ...extraArgs], { timeoutMs: 120_000 });
  expect(demo.code, `lookout demo failed\n${demo.output}\n${lookout.output()}`).toBe(0);
}

/** What Grafana substitutes before it sends a query: "All" for the template variables and its intervals. */
export function substituteVariables(expr: string): string {
  return expr
    .replaceAll('$__rate_interval', '1m')
    .replaceAll('$__range', '1h')
    .replaceAll('$__interval', '15s')
    .replaceAll('$provider', '.*')
    .replaceAll('$model', '.*');
}

// A panel over rate() or increase() of what every LLM call counts must be above zero after the
// traffic. Those ending in `or vector(0)` count errors, drops, rate limits, unknown costs and
// failed logins, which the demo traffic may rightly not have.
function mustShowTraffic(expr: string): boolean {
  return /\b(rate|increase)\(/.test(expr) && !expr.includes('or vector(0)');
}

describe('Grafana dashboards against a real Prometheus', () => {
  it('every panel of every dashboard returns data, and the rate panels show the demo traffic', async (ctx) => {
    const prometheusBin = requireBinary('prometheus', ctx);
    if (!server) throw new Error('the Lookout server did not start');
    const lookout = server;
    const prometheus = await startPrometheus(prometheusBin, new URL(lookout.url).host, () => lookout.output());
    const context = () => `${prometheus.process.output()}\n${lookout.output()}`;
    const query = (promql: string) => prometheus.query(promql);

    try {
      // Prometheus first, traffic after: a counter that already holds its final value in the first
      // scrape that sees it has a rate of zero, and so would every rate panel.
      const scrapesOfLookout = async () => Number((await query('count_over_time(up{job="lookout"}[1m])')).data?.result[0]?.value[1] ?? 0);
      await pollUntil('two scrapes of Lookout before any traffic', async () => ((await scrapesOfLookout()) >= 2 ? true : undefined), { timeoutMs: 60_000, context });
      await runDemo(lookout, []);
      // More traffic once Prometheus holds the series, so that every counter rises between two of
      // its samples however quickly the first demo ran.
      const requestsScraped = async () => Number((await query('sum(lookout_llm_requests_total)')).data?.result[0]?.value[1] ?? -1);
      const afterFirst = sumSamples(await (await fetch(`${lookout.url}/metrics`)).text(), 'lookout_llm_requests_total').sum;
      await pollUntil('Prometheus to scrape the first demo', async () => ((await requestsScraped()) === afterFirst ? true : undefined), { timeoutMs: 60_000, context });
      await runDemo(lookout, ['--calls', '300', '--days', '1', '--seed', '7']);
      const afterSecond = sumSamples(await (await fetch(`${lookout.url}/metrics`)).text(), 'lookout_llm_requests_total').sum;
      expect(afterSecond, context()).toBeGreaterThan(afterFirst);
      await pollUntil('Prometheus to scrape the second demo', async () => ((await requestsScraped()) === afterSecond ? true : undefined), { timeoutMs: 60_000, context });

      const dashboards = allDashboards();
      const failures: string[] = [];
      let checked = 0;
      let rateChecked = 0;
      for (const dashboard of dashboards) {
        for (const panel of dashboardPanels(dashboard)) {
          expect(panel.targets?.length, `${dashboard.title} / ${panel.title} has no target`).toBeGreaterThan(0);
          for (const target of panel.targets ?? []) {
            const expr = substituteVariables(target.expr);
            // A scrape may land between queries; give each a few tries before calling it empty.
            let body = await query(expr);
            for (let i = 0; i < 3 && body.status === 'success' && (body.data?.result.length ?? 0) === 0; i++) {
              await sleep(1_000);
              body = await query(expr);
            }
            checked++;
            if (body.status !== 'success') failures.push(`${dashboard.title} / ${panel.title}: error ${body.error}\n  ${expr}`);
            else if ((body.data?.result.length ?? 0) === 0) failures.push(`${dashboard.title} / ${panel.title}: empty result\n  ${expr}`);
            else if (mustShowTraffic(expr)) {
              rateChecked++;
              const values = body.data!.result.map((sample) => Number(sample.value[1]));
              // NaN is what histogram_quantile() and a ratio give over buckets that did not rise.
              if (!values.some((value) => Number.isFinite(value) && value > 0)) {
                failures.push(`${dashboard.title} / ${panel.title}: no non-zero value (${values.join(', ')})\n  ${expr}`);
              }
            }
          }
        }
      }
      expect(failures, `panels without data:\n${failures.join('\n')}`).toEqual([]);
      expect(checked).toBeGreaterThan(50);
      expect(rateChecked).toBeGreaterThan(30);
    } finally {
      await prometheus.stop();
    }
  }, 180_000);
});

// One call to the ingest API of the model whose context window the config names (1,000 tokens).
function call(usage: { input: number; output: number }, durationMs: number, ttftMs: number | null = null): Record<string, unknown> {
  return {
    type: 'generation',
    traceId: randomBytes(16).toString('hex'),
    spanId: randomBytes(8).toString('hex'),
    startTime: new Date(Date.now() - 30_000).toISOString(),
    durationMs,
    ...(ttftMs !== null ? { ttftMs } : {}),
    provider: 'acme',
    model: 'long-1',
    usage,
  };
}

describe('Streaming speed and context-window panels against a real Prometheus', () => {
  it('read the quantiles and the near-limit count of the calls sent', async (ctx) => {
    const prometheusBin = requireBinary('prometheus', ctx);
    const dir = await makeTempDir('grafana-measures');
    const configFile = join(dir, 'lookout.yaml');
    await writeFile(configFile, 'pricing:\n  contextWindows:\n    acme/long-1: 1000\n');
    const lookout = await startLookout({ dataDir: join(dir, 'data'), env: { LOOKOUT_CONFIG: configFile } });
    const prometheus = await startPrometheus(prometheusBin, new URL(lookout.url).host, () => lookout.output());
    const context = () => `${prometheus.process.output()}\n${lookout.output()}`;
    const ingest = async (batch: Record<string, unknown>[]) => {
      const response = await fetch(`${lookout.url}/api/v1/ingest`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ batch }) });
      const text = await response.text();
      expect(response.status, text).toBe(200);
      expect((JSON.parse(text) as { accepted: number }).accepted).toBe(batch.length);
    };
    const value = async (promql: string): Promise<number> => {
      const body = await prometheus.query(promql);
      if (body.status !== 'success' || !body.data?.result.length) throw new Error(`${promql}: ${body.error ?? 'empty result'}\n${context()}`);
      return Number(body.data.result[0].value[1]);
    };
    const requests = 'sum(lookout_llm_requests_total{provider="acme", model="long-1"})';
    const scraped = (n: number) => async () => {
      const body = await prometheus.query(requests);
      return Number(body.data?.result[0]?.value[1] ?? -1) === n ? true : undefined;
    };
    try {
      // A baseline in every bucket first. increase() extrapolates a counter to the ends of its
      // range, and toward zero no further than its first sample allows; a baseline larger than
      // what follows makes that the same factor for every bucket and counter of the model, so a
      // quantile (a ratio of buckets) reads exactly what the calls below put in.
      const base = 20;
      await ingest([
        ...Array.from({ length: base }, () => call({ input: 10, output: 10 }, 11_000, 1_000)), // 1 token/s: the lowest speed bucket
        ...Array.from({ length: base }, () => call({ input: 10, output: 1_000 }, 1_100, 100)), // 0.001 s a token: the lowest time bucket
        ...Array.from({ length: base }, () => call({ input: 2_000, output: 5 }, 500)), // twice the window: the near-limit counter
      ]);
      await pollUntil('Prometheus to scrape the baseline', scraped(3 * base), { timeoutMs: 60_000, context });
      // The measured calls, by hand (window 1,000 tokens):
      //   streamed:  A 80 tokens in 2,250 - 250 ms = 40 tokens/s, 0.025 s a token, TTFT 0.25 s
      //              B 12 in 1 s = 12 tokens/s, 0.0833 s; TTFT 0.15 s
      //              C 30 in 1 s = 30 tokens/s, 0.0333 s; TTFT 0.35 s
      //              D 120 in 1 s = 120 tokens/s, 0.00833 s; TTFT 0.15 s
      //              F no output: no speed; TTFT 0.15 s.  E not streamed: no speed, no TTFT.
      //   prompts:   A-F 80 tokens (0.08 each); then 300, 600, 900 (0.9: not past 90%), 950 and 1,200 (near).
      await ingest([
        call({ input: 80, output: 80 }, 2_250, 250),
        call({ input: 80, output: 12 }, 1_150, 150),
        call({ input: 80, output: 30 }, 1_350, 350),
        call({ input: 80, output: 120 }, 1_150, 150),
        call({ input: 80, output: 100 }, 2_000),
        call({ input: 80, output: 0 }, 1_150, 150),
        ...[300, 600, 900, 950, 1_200].map((input) => call({ input, output: 5 }, 800)),
      ]);
      await pollUntil('Prometheus to scrape the measured calls', scraped(3 * base + 11), { timeoutMs: 60_000, context });
      await sleep(3_000); // a few more samples after the last change
      // The first sample Prometheus holds is the whole baseline (one batch, one store commit).
      const first = await prometheus.query(`lookout_llm_requests_total{provider="acme", model="long-1"}[1h]`);
      expect((first.data?.result[0] as unknown as { values: [number, string][] }).values[0][1], context()).toBe(String(3 * base));

      const panels = dashboardPanels(aiOpsDashboard());
      const targets = (title: string) => {
        const panel = panels.find((p) => p.title === title);
        if (!panel) throw new Error(`no panel ${title}`);
        return (panel.targets ?? []).map((t) => substituteVariables(t.expr.replaceAll('$provider', 'acme').replaceAll('$model', 'long-1')));
      };
      const quantiles = async (title: string) => Promise.all(targets(title).map(value));
      // histogram_quantile: the rank q × n falls in a bucket, read by linear interpolation in it.
      // Speeds 12, 30, 40, 120 over le 10, 20, 35, 50, ..., 100, 150: p50 (rank 2, the 2nd of the
      // bucket 20-35 holding 1) = 35; p95 (rank 3.8, in 100-150 holding 1, 3 below) = 100 + 50 × 0.8 = 140.
      const [tpsP50, tpsP95] = await quantiles('Streaming speed p50 / p95 (tokens/s)');
      expect(tpsP50).toBeCloseTo(35, 6);
      expect(tpsP95).toBeCloseTo(140, 6);
      // 0.00833, 0.025, 0.0333, 0.0833 s over le 0.01, 0.015, 0.02, 0.03, 0.05, 0.1: p50 (rank 2, in
      // 0.02-0.03 holding 1, 1 below) = 0.03; p95 (rank 3.8, in 0.05-0.1, 3 below) = 0.05 + 0.05 × 0.8 = 0.09.
      const [tpotP50, tpotP95] = await quantiles('Time per output token p50 / p95');
      expect(tpotP50).toBeCloseTo(0.03, 9);
      expect(tpotP95).toBeCloseTo(0.09, 9);
      // TTFT 0.15, 0.15, 0.15, 0.25, 0.35 over le 0.1, 0.2, 0.3, 0.5: p50 (rank 2.5, in 0.1-0.2
      // holding 3) = 0.1 + 0.1 × 2.5 / 3; p95 (rank 4.75, in 0.3-0.5, 4 below) = 0.3 + 0.2 × 0.75 = 0.45.
      const [ttftP50, ttftP95] = await quantiles('Time to first token p50 / p95');
      expect(ttftP50).toBeCloseTo(0.1 + 0.1 * (2.5 / 3), 9);
      expect(ttftP95).toBeCloseTo(0.45, 9);
      // Use 0.08 × 6, 0.3, 0.6, 0.9, 0.95, 1.2 (11 calls) over le ..., 0.9, 1, 1.5: p95 (rank 10.45,
      // in 1-1.5 holding 1, 10 below) = 1 + 0.5 × 0.45 = 1.225.
      const [contextP95] = await quantiles('Context-window use p95');
      expect(contextP95).toBeCloseTo(1.225, 9);
      // Two calls past 90%. A counter's increase() is extrapolated by the factor every counter of
      // the model shares, read from the 11 requests the same scrapes saw, in the same evaluation.
      const factor = `(sum(increase(lookout_llm_requests_total{provider="acme", model="long-1"}[1h])) / 11)`;
      expect(await value(factor)).toBeGreaterThanOrEqual(1);
      expect(await value(factor)).toBeLessThan(1.5);
      const [near] = targets('Calls near the context limit');
      expect(await value(`(${near}) / scalar(${factor})`)).toBeCloseTo(2, 9);
      // No application cache lookup in the range: the ratio is no value ("No data"), not NaN.
      const [appCacheRatio] = targets('Application cache hit ratio');
      const noLookups = await prometheus.query(appCacheRatio);
      expect(noLookups.status, `${appCacheRatio}: ${noLookups.error}`).toBe('success');
      expect(noLookups.data?.result, appCacheRatio).toEqual([]);
    } finally {
      await prometheus.stop();
      await lookout.stop();
      await removeTempDir(dir);
    }
  }, 180_000);
});
