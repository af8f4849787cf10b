import { afterEach, describe, expect, it } from 'vitest';
import { generation, makeTestApp, type TestApp } from '../testing/app.ts';
import { hex, makeSpan } from '../testing/fixtures.ts';
import { LookoutMetrics } from './registry.ts';
import { expositionFormatFor } from './exposition.ts';

// What Prometheus 2.x sends when it scrapes.
const PROMETHEUS_ACCEPT = 'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';

interface Exemplar {
  traceId: string;
  value: number;
  timestampS: number;
}

// The exemplar of the bucket line `name{...le="le"...}` of a series, if the line has one.
function exemplarOf(text: string, name: string, le: string, labels: Record<string, string>): Exemplar | undefined {
  const want = [`le="${le}"`, ...Object.entries(labels).map(([k, v]) => `${k}="${v}"`)];
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && want.every((w) => l.slice(0, l.indexOf('}')).includes(w)));
  if (line === undefined) throw new Error(`no ${name} line with ${want.join(',')}:\n${text}`);
  const m = / # \{trace_id="([0-9a-f]+)"\} (\S+) (\S+)$/.exec(line);
  return m ? { traceId: m[1], value: Number(m[2]), timestampS: Number(m[3]) } : undefined;
}

const gpt = { provider: 'openai', model: 'gpt-4o' };

describe('/metrics exemplars', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('serves OpenMetrics with trace-id exemplars on latency and cost buckets when the scraper prefers it, and the classic format otherwise', async () => {
    t = await makeTestApp();
    const slow = hex(16);
    const batch = [generation({ spanId: hex(8), traceId: slow, durationMs: 40_000 }), generation({ spanId: hex(8), traceId: hex(16), durationMs: 1_200 })];
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: { batch } })).statusCode).toBe(200);
    const [slowSpan] = (await t.app.inject(`/api/v1/spans?traceId=${slow}`)).json().spans as { cost: { totalNanoUsd: number } }[];

    const before = Date.now() / 1000;
    const om = await t.app.inject({ url: '/metrics', headers: { accept: PROMETHEUS_ACCEPT } });
    expect(om.statusCode).toBe(200);
    expect(om.headers['content-type']).toBe('application/openmetrics-text; version=1.0.0; charset=utf-8');
    expect(om.body.endsWith('# EOF\n')).toBe(true);
    // A counter's family name has no _total in OpenMetrics; its sample does.
    expect(om.body).toContain('# TYPE lookout_llm_requests counter');
    expect(om.body).toMatch(/^lookout_llm_requests_total\{/m);
    // The 40 s call is alone in the le=60 bucket of its series: the exemplar is its trace.
    const latency = exemplarOf(om.body, 'lookout_llm_request_duration_seconds_bucket', '60', gpt);
    expect(latency).toMatchObject({ traceId: slow, value: 40 });
    expect(latency!.timestampS).toBeGreaterThan(before - 60);
    expect(latency!.timestampS).toBeLessThanOrEqual(Date.now() / 1000);
    // Its cost is in the cost histogram's bucket that holds it, with the same trace.
    const costUsd = slowSpan.cost.totalNanoUsd / 1e9;
    const le = [0.0001, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5].find((b) => costUsd <= b);
    const costExemplar = exemplarOf(om.body, 'lookout_llm_request_cost_usd_bucket', String(le ?? '+Inf'), gpt);
    expect(costExemplar?.value).toBeCloseTo(costUsd, 12);
    expect([slow, (batch[1] as { traceId: string }).traceId]).toContain(costExemplar?.traceId);

    for (const headers of [{}, { accept: 'text/plain' }, { accept: '*/*' }]) {
      const classic = await t.app.inject({ url: '/metrics', headers });
      expect(classic.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
      // Same counter names as ever (rendering OpenMetrics first must not rename them) and no exemplars.
      expect(classic.body).toContain('# TYPE lookout_llm_requests_total counter');
      expect(classic.body).toMatch(/^lookout_llm_requests_total\{/m);
      expect(classic.body).not.toContain('trace_id');
      expect(classic.body).not.toContain('# EOF');
      expect(exemplarOf(classic.body, 'lookout_llm_request_duration_seconds_bucket', '60', gpt)).toBeUndefined();
    }
    // A whole app with its store starts within this, even on a busy machine.
  }, 30_000);

  it("keeps a bucket's latest call of a batch as its exemplar, and a later batch's call replaces it", async () => {
    const metrics = new LookoutMetrics({ defaultMetrics: false });
    const call = (traceId: string, durationS: number) => {
      const s = makeSpan({ traceId });
      s.endUs = s.startUs + durationS * 1e6;
      return s;
    };
    const [a, b, c, d] = [hex(16), hex(16), hex(16), hex(16)];
    metrics.recordSpans([call(a, 1.5), call(b, 1.8), call(c, 0.3)], Date.now());
    let text = (await metrics.render('openmetrics')).body;
    expect(exemplarOf(text, 'lookout_llm_request_duration_seconds_bucket', '2', gpt)).toMatchObject({ traceId: b, value: 1.8 });
    expect(exemplarOf(text, 'lookout_llm_request_duration_seconds_bucket', '0.5', gpt)).toMatchObject({ traceId: c, value: 0.3 });
    // Every call is counted, not only the ones kept as exemplars.
    expect(text).toMatch(/^lookout_llm_request_duration_seconds_bucket\{le="2",provider="openai",model="gpt-4o"\} 3 /m);
    expect(text).toMatch(/^lookout_llm_request_duration_seconds_count\{provider="openai",model="gpt-4o"\} 3$/m);
    expect(text).toMatch(/^lookout_llm_request_cost_usd_count\{provider="openai",model="gpt-4o"\} 3$/m);
    metrics.recordSpans([call(d, 1.1)], Date.now());
    text = (await metrics.render('openmetrics')).body;
    expect(exemplarOf(text, 'lookout_llm_request_duration_seconds_bucket', '2', gpt)).toMatchObject({ traceId: d, value: 1.1 });
    expect(exemplarOf(text, 'lookout_llm_request_duration_seconds_bucket', '0.5', gpt)).toMatchObject({ traceId: c });
    // Past the last bound: the +Inf bucket carries it.
    metrics.recordSpans([call(a, 500)], Date.now());
    text = (await metrics.render('openmetrics')).body;
    expect(exemplarOf(text, 'lookout_llm_request_duration_seconds_bucket', '+Inf', gpt)).toMatchObject({ traceId: a, value: 500 });
  });

  it('chooses OpenMetrics only when the Accept header prefers it', () => {
    expect(expositionFormatFor(PROMETHEUS_ACCEPT)).toBe('openmetrics');
    expect(expositionFormatFor('application/openmetrics-text; version=1.0.0')).toBe('openmetrics');
    expect(expositionFormatFor('Application/OpenMetrics-Text;q=0.9, text/plain;q=0.5')).toBe('openmetrics');
    expect(expositionFormatFor(undefined)).toBe('prometheus');
    expect(expositionFormatFor('')).toBe('prometheus');
    expect(expositionFormatFor('*/*')).toBe('prometheus');
    expect(expositionFormatFor('text/plain;version=0.0.4')).toBe('prometheus');
    expect(expositionFormatFor('application/openmetrics-text;q=0, text/plain')).toBe('prometheus');
    expect(expositionFormatFor('application/openmetrics-text;q=0.5, text/plain;q=0.5')).toBe('prometheus');
    expect(expositionFormatFor('application/openmetrics-text;q=bogus')).toBe('prometheus');
  });
});
