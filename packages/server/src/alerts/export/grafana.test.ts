import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { allDashboards, dashboardPanels, exportGrafana } from './grafana.ts';

describe('Grafana dashboards', () => {
  const dashboards = allDashboards();

  it('has the AI operations dashboard with the five rows of seed 000 and the five persona dashboards', () => {
    expect(dashboards.map((d) => d.title)).toEqual([
      'Lookout — AI operations',
      'Lookout — Executive',
      'Lookout — Operations',
      'Lookout — Cost',
      'Lookout — Security',
      'Lookout — Developer',
    ]);
    const rows = dashboards[0].panels.filter((p) => p.type === 'row').map((p) => p.title);
    expect(rows).toEqual(['Cost', 'Latency', 'Tokens', 'Quality', 'Operational health']);
  });

  it('gives every dashboard a unique uid, a title, schemaVersion 39+, a datasource variable, time and refresh', () => {
    expect(new Set(dashboards.map((d) => d.uid)).size).toBe(dashboards.length);
    for (const d of dashboards) {
      expect(d.uid).toMatch(/^[a-z0-9-]{1,40}$/);
      expect(d.title).not.toBe('');
      expect(d.schemaVersion).toBeGreaterThanOrEqual(39);
      expect(d.time).toEqual({ from: 'now-6h', to: 'now' });
      expect(d.refresh).not.toBe('');
      const vars = d.templating.list as Array<{ name: string; type: string }>;
      expect(vars.find((v) => v.name === 'datasource')?.type).toBe('datasource');
      expect(vars.map((v) => v.name)).toEqual(expect.arrayContaining(['provider', 'model']));
    }
  });

  it('gives every panel a unique id, a datasource, a target with an expr and a position within 24 columns', () => {
    for (const d of dashboards) {
      const ids = d.panels.map((p) => p.id);
      expect(new Set(ids).size, d.title).toBe(ids.length);
      for (const p of d.panels) {
        expect(p.gridPos.x, `${d.title} / ${p.title}`).toBeGreaterThanOrEqual(0);
        expect(p.gridPos.w).toBeGreaterThan(0);
        expect(p.gridPos.x + p.gridPos.w, `${d.title} / ${p.title}`).toBeLessThanOrEqual(24);
      }
      const panels = dashboardPanels(d);
      expect(panels.length).toBeGreaterThan(0);
      for (const p of panels) {
        expect(p.datasource, `${d.title} / ${p.title}`).toEqual({ type: 'prometheus', uid: '${datasource}' });
        expect(p.targets?.length, `${d.title} / ${p.title}`).toBeGreaterThan(0);
        for (const t of p.targets ?? []) {
          expect(t.expr.trim(), `${d.title} / ${p.title}`).not.toBe('');
          expect(t.expr).toMatch(/lookout_|up/);
        }
      }
    }
  });

  it('shows the security counters on the Security dashboard', () => {
    const security = dashboards.find((d) => d.uid === 'lookout-security')!;
    const exprs = Object.fromEntries(dashboardPanels(security).map((p) => [p.title, (p.targets ?? []).map((t) => t.expr)]));
    expect(exprs['PII detected by type (values/s)']).toEqual(['sum by (type) (rate(lookout_pii_detected_total[$__rate_interval]))']);
    expect(exprs['Prompt injection attempts by severity']).toEqual(['sum by (severity) (rate(lookout_prompt_injection_detected_total[$__rate_interval]))']);
    expect(exprs['Auth failures by reason']).toEqual(['sum by (reason) (rate(lookout_auth_failures_total[$__rate_interval])) or vector(0)']);
    expect(exprs['Rate-limited requests by reason']).toEqual(['sum by (reason) (rate(lookout_rate_limited_total[$__rate_interval])) or vector(0)']);
    expect(exprs['Authentication failures']).toEqual(['sum(increase(lookout_auth_failures_total[$__range])) or vector(0)']);
  });

  it('turns exemplars on for the latency and cost-per-call time series, which link a bucket to a trace', () => {
    const targets = dashboards.flatMap((d) => dashboardPanels(d).flatMap((p) => (p.targets ?? []).map((t) => ({ ...t, panel: p.type }))));
    const withExemplars = targets.filter((t) => t.exemplar);
    expect(withExemplars.length).toBeGreaterThan(0);
    for (const t of withExemplars) {
      expect(t.panel).toBe('timeseries');
      expect(t.expr).toMatch(/lookout_llm_request_(duration_seconds|cost_usd)_bucket/);
    }
    const cost = dashboards.find((d) => d.uid === 'lookout-cost')!;
    const perCall = dashboardPanels(cost).find((p) => p.title === 'Cost of one call p50 / p95')!;
    expect(perCall.targets?.map((t) => t.exemplar)).toEqual([true, true]);
    expect(perCall.targets?.[1].expr).toContain('histogram_quantile(0.95, sum by (le) (rate(lookout_llm_request_cost_usd_bucket');
    const latency = targets.filter((t) => t.panel === 'timeseries' && t.expr.includes('lookout_llm_request_duration_seconds_bucket'));
    expect(latency.length).toBeGreaterThan(0);
    expect(latency.every((t) => t.exemplar)).toBe(true);
  });

  it('shows streaming speed on the latency rows and context-window use on the token rows, over the series of those measures', () => {
    const exprsOf = (uid: string) => Object.fromEntries(dashboardPanels(dashboards.find((d) => d.uid === uid)!).map((p) => [p.title, (p.targets ?? []).map((t) => t.expr)]));
    const quantile = (q: number, bucket: string) => `histogram_quantile(${q}, sum by (le) (increase(${bucket}{provider=~"$provider", model=~"$model"}[$__range])))`;
    for (const uid of ['lookout-ai-ops', 'lookout-developer']) {
      const exprs = exprsOf(uid);
      expect(exprs['Time to first token p50 / p95'], uid).toEqual([quantile(0.5, 'lookout_llm_time_to_first_token_seconds_bucket'), quantile(0.95, 'lookout_llm_time_to_first_token_seconds_bucket')]);
      expect(exprs['Streaming speed p50 / p95 (tokens/s)'], uid).toEqual([quantile(0.5, 'lookout_llm_output_tokens_per_second_bucket'), quantile(0.95, 'lookout_llm_output_tokens_per_second_bucket')]);
      expect(exprs['Time per output token p50 / p95'], uid).toEqual([quantile(0.5, 'lookout_llm_time_per_output_token_seconds_bucket'), quantile(0.95, 'lookout_llm_time_per_output_token_seconds_bucket')]);
      expect(exprs['Context-window use p95'], uid).toEqual([quantile(0.95, 'lookout_llm_context_window_use_ratio_bucket')]);
      expect(exprs['Calls near the context limit'], uid).toEqual(['sum(increase(lookout_llm_near_context_limit_total{provider=~"$provider", model=~"$model"}[$__range])) or vector(0)']);
    }
    const aiOps = dashboards[0];
    const rowOf = (title: string) => {
      const row = [...aiOps.panels].reverse().find((p) => p.type === 'row' && p.gridPos.y <= aiOps.panels.find((q) => q.title === title)!.gridPos.y);
      return row?.title;
    };
    expect(rowOf('Streaming speed p50 / p95 (tokens/s)')).toBe('Latency');
    expect(rowOf('Time per output token p50 / p95')).toBe('Latency');
    expect(rowOf('Context-window use p95')).toBe('Tokens');
    expect(rowOf('Calls near the context limit')).toBe('Tokens');
    // Hits over lookups of the application's own caches, next to the prompt cache's ratio.
    expect(rowOf('Application cache hit ratio')).toBe('Tokens');
    expect(exprsOf('lookout-ai-ops')['Application cache hit ratio']).toEqual(['sum(increase(lookout_app_cache_lookups_total{result="hit"}[$__range])) / (sum(increase(lookout_app_cache_lookups_total[$__range])) > 0)']);
    expect(Object.keys(exprsOf('lookout-operations'))).toContain('Calls near the context limit');
  });

  it('writes all dashboards as one JSON document to stdout', async () => {
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    await exportGrafana({}, out);
    const doc = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { dashboards: Array<{ uid: string }> };
    expect(doc.dashboards.map((d) => d.uid)).toEqual(dashboards.map((d) => d.uid));
  });
});
