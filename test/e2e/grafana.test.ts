// G2 proof: every panel of every generated Grafana dashboard returns data from a real Prometheus
// scraping Lookout after `lookout demo`.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allDashboards, dashboardPanels } from '../../packages/server/src/alerts/export/grafana.ts';
import {
  ManagedProcess,
  freePort,
  makeTempDir,
  pollUntil,
  removeTempDir,
  requireBinary,
  runLookout,
  sleep,
  startLookout,
  type LookoutServer,
} from './harness.ts';

interface PromQueryResponse {
  status: 'success' | 'error';
  data?: { resultType: string; result: Array<{ metric: Record<string, string>; value: [number, string] }> };
  error?: string;
}

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
    const promDir = await makeTempDir('grafana-prometheus');
    const promPort = await freePort();
    const config = [
      'global:',
      '  scrape_interval: 1s',
      '  scrape_timeout: 1s',
      '  evaluation_interval: 1s',
      'scrape_configs:',
      '  - job_name: lookout',
      '    metrics_path: /metrics',
      '    static_configs:',
      `      - targets: ['${new URL(lookout.url).host}']`,
      '',
    ].join('\n');
    const configPath = join(promDir, 'prometheus.yml');
    await writeFile(configPath, config);
    const prometheus = new ManagedProcess('prometheus', prometheusBin, [
      `--config.file=${configPath}`,
      `--storage.tsdb.path=${join(promDir, 'data')}`,
      `--web.listen-address=127.0.0.1:${promPort}`,
      '--log.level=warn',
    ]);
    const promUrl = `http://127.0.0.1:${promPort}`;
    const context = () => `${prometheus.output()}\n${lookout.output()}`;
    const query = async (promql: string): Promise<PromQueryResponse> => {
      if (!prometheus.running) throw new Error('prometheus exited');
      const response = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(promql)}`, { signal: AbortSignal.timeout(5_000) });
      return (await response.json()) as PromQueryResponse;
    };

    try {
      await pollUntil('Prometheus to become ready', async () => {
        if (!prometheus.running) throw new Error('prometheus exited');
        const response = await fetch(`${promUrl}/-/ready`, { signal: AbortSignal.timeout(2_000) });
        await response.body?.cancel();
        return response.ok ? true : undefined;
      }, { timeoutMs: 60_000, context });
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
      await removeTempDir(promDir);
    }
  }, 180_000);
});
