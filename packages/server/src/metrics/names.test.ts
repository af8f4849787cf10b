import { describe, expect, it } from 'vitest';
import { ResponseCache } from '../alerts/actions/cache.ts';
import { allDashboards, dashboardPanels } from '../alerts/export/grafana.ts';
import { buildPrometheusRules } from '../alerts/export/prometheus.ts';
import { registerNotificationMetrics } from '../alerts/notifications/dispatcher.ts';
import { METRIC, PROCESS_METRIC_PREFIX } from './names.ts';
import { LookoutMetrics } from './registry.ts';

const NAMES = new Set<string>(Object.values(METRIC));

async function registered(): Promise<{ name: string; type: string }[]> {
  const metrics = new LookoutMetrics();
  registerNotificationMetrics(metrics.registry);
  new ResponseCache({ registry: metrics.registry });
  return (await metrics.registry.getMetricsAsJSON()).map((m) => ({ name: m.name, type: String(m.type) }));
}

// Every lookout_* series an expression reads, recording rules (lookout:…) aside.
function seriesIn(expr: string): string[] {
  return [...expr.matchAll(/\blookout_[a-z0-9_]+/g)].map((m) => m[0]);
}

describe('metric names', () => {
  it('names every metric the registry exposes, process metrics aside', async () => {
    const names = (await registered()).map((m) => m.name).filter((n) => !n.startsWith(PROCESS_METRIC_PREFIX));
    expect(names.length).toBeGreaterThan(30);
    for (const name of names) expect(NAMES, name).toContain(name);
  });

  it('gives the exported dashboards and rules only series that exist', async () => {
    const histograms = new Set((await registered()).filter((m) => m.type === 'histogram').map((m) => m.name));
    const exists = (s: string) => NAMES.has(s) || [...histograms].some((h) => [`${h}_bucket`, `${h}_sum`, `${h}_count`].includes(s));
    const exprs = [
      ...allDashboards().flatMap((d) => dashboardPanels(d).flatMap((p) => (p.targets ?? []).map((t) => t.expr))),
      ...buildPrometheusRules().groups.flatMap((g) => g.rules.map((r) => r.expr)),
    ];
    const used = new Set(exprs.flatMap(seriesIn));
    expect(used.size).toBeGreaterThan(10);
    for (const s of used) expect(exists(s), s).toBe(true);
  });
});
