// G2 proof: every panel of every generated Grafana dashboard returns data from a real Prometheus
// scraping Lookout after `lookout demo`.
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
  type LookoutServer,
  startPrometheus,
} from './harness.ts';

let server: LookoutServer | undefined;
let dataDir: string | undefined;

beforeAll(async () => {
  dataDir = await makeTempDir('grafana-data');
  server = await startLookout({ dataDir });
  const demo = await runLookout(['demo', '--url', server.url], { timeoutMs: 120_000 });
  expect(demo.code, `lookout demo failed\n${demo.output}\n${server.output()}`).toBe(0);
});

afterAll(async () => {
  await server?.stop();
  if (dataDir) await removeTempDir(dataDir);
});

/** What Grafana substitutes before it sends a query: "All" for the template variables and its intervals. */
export function substituteVariables(expr: string): string {
  return expr
    .replaceAll('$__rate_interval', '1m')
    .replaceAll('$__range', '1h')
    .replaceAll('$__interval', '15s')
    .replaceAll('$provider', '.*')
    .replaceAll('$model', '.*');
}

describe('Grafana dashboards against a real Prometheus', () => {
  it('every panel of every dashboard returns data after the demo', async (ctx) => {
    const prometheusBin = requireBinary('prometheus', ctx);
    if (!server) throw new Error('the Lookout server did not start');
    const lookout = server;
    const prometheus = await startPrometheus(prometheusBin, new URL(lookout.url).host, () => lookout.output());
    const context = () => `${prometheus.process.output()}\n${lookout.output()}`;
    const query = (promql: string) => prometheus.query(promql);

    try {
      // rate() and increase() need two samples in the window: wait for at least three scrapes.
      await pollUntil('three scrapes of Lookout', async () => {
        const body = await query('count_over_time(up{job="lookout"}[1m])');
        const n = Number(body.data?.result[0]?.value[1] ?? 0);
        return n >= 3 ? n : undefined;
      }, { timeoutMs: 60_000, context });

      const dashboards = allDashboards();
      const failures: string[] = [];
      let checked = 0;
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
          }
        }
      }
      expect(failures, `panels without data:\n${failures.join('\n')}`).toEqual([]);
      expect(checked).toBeGreaterThan(50);
    } finally {
      await prometheus.stop();
    }
  }, 180_000);
});
