// G2 proof: every panel of every generated Grafana dashboard returns data from a real Prometheus
// scraping Lookout while `lookout demo` sends traffic, and the rate panels show that traffic.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allDashboards, dashboardPanels } from '../../packages/server/src/alerts/export/grafana.ts';
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
