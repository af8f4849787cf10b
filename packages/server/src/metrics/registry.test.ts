import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generation, makeTestApp, type TestApp } from '../testing/app.ts';
import { hex, makeSpan } from '../testing/fixtures.ts';
import { SECURITY_METADATA } from '../domain/security.ts';
import { LookoutMetrics } from './registry.ts';
import { catalogContextWindow, contextWindowOf } from '../enrich/pricing/context-windows.ts';
import { EVALUATION_FEATURE } from '../domain/quality.ts';
import { emptyUsage } from '../domain/span.ts';

let t: TestApp;

function sample(text: string, name: string, labels: Record<string, string>): number {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name + '{') && !line.startsWith(name + ' ')) continue;
    if (want.every((w) => line.includes(w))) total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

describe('/metrics', () => {
  beforeEach(async () => {
    t = await makeTestApp();
  });
  afterEach(async () => {
    await t.close();
  });

  it('counts what was stored, once, with bounded labels', async () => {
    const batch = [
      generation({ spanId: hex(8), traceId: hex(16), model: 'gpt-4o', usage: { input: 1000, output: 100, cacheRead: 400 }, userId: 'alice' }),
      generation({ spanId: hex(8), traceId: hex(16), model: 'gpt-4o', usage: { input: 500, output: 50 }, status: 'error', errorClass: 'rate_limit' }),
      generation({ spanId: hex(8), traceId: hex(16), provider: 'acme', model: 'acme-1', usage: { input: 10, output: 10 } }),
      { type: 'score', id: hex(8), traceId: hex(16), name: 'helpfulness', value: 0.25 },
    ];
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: { batch } })).statusCode).toBe(200);
    // A retry of the same batch is stored nowhere and counted nowhere.
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: { batch } })).json().duplicates).toBe(4);
    const text = (await t.app.inject('/metrics')).body;
    const gpt = { provider: 'openai', model: 'gpt-4o' };
    expect(sample(text, 'lookout_llm_requests_total', gpt)).toBe(2);
    expect(sample(text, 'lookout_llm_tokens_total', { ...gpt, type: 'input' })).toBe(600 + 500);
    expect(sample(text, 'lookout_llm_tokens_total', { ...gpt, type: 'cache_read' })).toBe(400);
    expect(sample(text, 'lookout_llm_errors_total', { ...gpt, error_class: 'rate_limit' })).toBe(1);
    expect(sample(text, 'lookout_llm_rate_limit_hits_total', { provider: 'openai' })).toBe(1);
    const spans = (await t.app.inject('/api/v1/spans?model=gpt-4o')).json().spans as { cost: { totalNanoUsd: number } }[];
    const storedUsd = spans.reduce((n, s) => n + s.cost.totalNanoUsd, 0) / 1e9;
    expect(sample(text, 'lookout_llm_cost_usd_total', gpt)).toBeCloseTo(storedUsd, 9);
    expect(sample(text, 'lookout_llm_unknown_cost_requests_total', { provider: 'acme', model: 'acme-1' })).toBe(1);
    expect(sample(text, 'lookout_llm_request_duration_seconds_count', gpt)).toBe(2);
    expect(sample(text, 'lookout_quality_score_count', { name: 'helpfulness' })).toBe(1);
    expect(sample(text, 'lookout_ingest_items_total', { type: 'span', outcome: 'duplicate' })).toBe(3);
    expect(text).not.toContain('alice');
  });

  it('folds models past the label bound into "other"', async () => {
    const batch = Array.from({ length: 210 }, (_, i) => generation({ spanId: hex(8), traceId: hex(16), provider: 'acme', model: `m-${i}` }));
    await t.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: { batch } });
    const text = (await t.app.inject('/metrics')).body;
    const models = new Set([...text.matchAll(/lookout_llm_requests_total\{[^}]*model="([^"]+)"/g)].map((m) => m[1]));
    expect(models.size).toBe(201);
    expect(models.has('other')).toBe(true);
    expect(sample(text, 'lookout_llm_requests_total', { provider: 'acme' })).toBe(210);
  });

  it('counts sensitive values by type and injections by severity from what the chain marked, with fixed labels only', async () => {
    const metrics = new LookoutMetrics({ defaultMetrics: false });
    const fresh = await metrics.registry.metrics();
    // Every label value is there from the start, at 0.
    expect(fresh).toContain('lookout_pii_detected_total{type="national_id"} 0');
    expect(fresh).toContain('lookout_prompt_injection_detected_total{severity="critical"} 0');
    expect(fresh).toContain('lookout_auth_failures_total{reason="forbidden"} 0');
    expect(fresh).toContain('lookout_rate_limited_total{reason="too_many_queries"} 0');
    const marked = (metadata: Record<string, string>, kind: 'generation' | 'chain' = 'generation') => makeSpan({ kind, metadata });
    metrics.recordSpans(
      [
        marked({ [SECURITY_METADATA.redaction]: 'email=2,credit_card=1' }),
        marked({ [SECURITY_METADATA.redaction]: 'email=1,secret=3', [SECURITY_METADATA.injection]: 'prompt_injection:high' }, 'chain'),
        marked({ [SECURITY_METADATA.injection]: 'jailbreak:critical' }),
        marked({ [SECURITY_METADATA.injection]: 'prompt_injection:bogus' }), // an unknown severity reads as medium
        marked({ [SECURITY_METADATA.redaction]: 'user_42=5,phone=0' }), // not a PII type: no label for it
        marked({ env: 'prod' }),
      ],
      Date.now(),
    );
    const text = await metrics.registry.metrics();
    expect(sample(text, 'lookout_pii_detected_total', { type: 'email' })).toBe(3);
    expect(sample(text, 'lookout_pii_detected_total', { type: 'credit_card' })).toBe(1);
    expect(sample(text, 'lookout_pii_detected_total', { type: 'secret' })).toBe(3);
    expect(sample(text, 'lookout_pii_detected_total', { type: 'phone' })).toBe(0);
    expect(sample(text, 'lookout_pii_detected_total', {})).toBe(7);
    expect(sample(text, 'lookout_prompt_injection_detected_total', { severity: 'high' })).toBe(1);
    expect(sample(text, 'lookout_prompt_injection_detected_total', { severity: 'critical' })).toBe(1);
    expect(sample(text, 'lookout_prompt_injection_detected_total', { severity: 'medium' })).toBe(1);
    expect(text).not.toContain('user_42');
  });

  it('observes streaming speed and time per output token of streamed model calls only, as the analytics measures define them', async () => {
    const metrics = new LookoutMetrics({ defaultMetrics: false });
    const call = (durationMs: number, ttftMs: number | null, output: number, over: Parameters<typeof makeSpan>[0] = {}) => {
      const s = makeSpan({ ttftMs, ...over });
      s.endUs = s.startUs + durationMs * 1000;
      s.usage = { ...s.usage, output };
      return s;
    };
    metrics.recordSpans(
      [
        call(2_200, 200, 100), // 100 tokens in 2 s after the first: 50 tokens/s, 0.02 s a token
        call(1_100, 100, 10), // 10 tokens in 1 s: 10 tokens/s, 0.1 s a token
        call(2_000, null, 100), // not streamed (no ttft): none
        call(500, 500, 100), // ended at its first token: none
        call(900, 100, 0), // no output: none
        call(2_200, 200, 100, { kind: 'chain' }), // not a model call
        call(2_200, 200, 100, { attribution: { ...makeSpan().attribution, feature: EVALUATION_FEATURE } }), // the judge's own call
      ],
      Date.now(),
    );
    const text = await metrics.registry.metrics();
    const gpt = { provider: 'openai', model: 'gpt-4o' };
    expect(sample(text, 'lookout_llm_output_tokens_per_second_count', gpt)).toBe(2);
    expect(sample(text, 'lookout_llm_output_tokens_per_second_sum', gpt)).toBeCloseTo(60, 9);
    expect(sample(text, 'lookout_llm_output_tokens_per_second_bucket', { ...gpt, le: '10' })).toBe(1);
    expect(sample(text, 'lookout_llm_output_tokens_per_second_bucket', { ...gpt, le: '35' })).toBe(1);
    expect(sample(text, 'lookout_llm_output_tokens_per_second_bucket', { ...gpt, le: '50' })).toBe(2);
    expect(sample(text, 'lookout_llm_time_per_output_token_seconds_count', gpt)).toBe(2);
    expect(sample(text, 'lookout_llm_time_per_output_token_seconds_sum', gpt)).toBeCloseTo(0.12, 9);
    expect(sample(text, 'lookout_llm_time_per_output_token_seconds_bucket', { ...gpt, le: '0.02' })).toBe(1);
    expect(sample(text, 'lookout_llm_time_per_output_token_seconds_bucket', { ...gpt, le: '0.05' })).toBe(1);
    expect(sample(text, 'lookout_llm_time_per_output_token_seconds_bucket', { ...gpt, le: '0.1' })).toBe(2);
  });

  it("observes each model call's prompt over its model's context window, from the configured windows over the catalog's, and counts calls past 90%", async () => {
    const metrics = new LookoutMetrics({ defaultMetrics: false, contextWindowOf: contextWindowOf({ 'acme/long-1': 1_000 }) });
    const call = (provider: string, model: string, usage: Partial<ReturnType<typeof emptyUsage>>, over: Parameters<typeof makeSpan>[0] = {}) =>
      makeSpan({ provider, requestModel: model, usage: { ...emptyUsage(), output: 5, ...usage }, ...over });
    const gptWindow = catalogContextWindow('openai', 'gpt-4o');
    expect(gptWindow).toBeGreaterThan(10_000);
    metrics.recordSpans(
      [
        call('acme', 'long-1', { input: 500, cacheRead: 300, cacheWrite: 100 }), // 900 of 1,000: 0.9, not past 90%
        call('acme', 'long-1', { input: 901 }), // 0.901: near the limit
        call('acme', 'other-name', { input: 1_200 }, { responseModel: 'long-1' }), // the served model's window: 1.2, near
        call('acme', 'long-1', { input: 0 }), // no prompt: none
        call('acme', 'long-1', { input: 990 }, { kind: 'tool' }), // not a model call
        call('acme', 'mystery', { input: 5_000_000 }), // no window known: none, never counted near
        call('openai', 'gpt-4o', { input: 1_000 }), // the catalog's window
      ],
      Date.now(),
    );
    const text = await metrics.registry.metrics();
    const acme = { provider: 'acme', model: 'long-1' };
    expect(sample(text, 'lookout_llm_context_window_use_ratio_count', acme)).toBe(3);
    expect(sample(text, 'lookout_llm_context_window_use_ratio_sum', acme)).toBeCloseTo(0.9 + 0.901 + 1.2, 9);
    expect(sample(text, 'lookout_llm_context_window_use_ratio_bucket', { ...acme, le: '0.9' })).toBe(1);
    expect(sample(text, 'lookout_llm_context_window_use_ratio_bucket', { ...acme, le: '1' })).toBe(2);
    expect(sample(text, 'lookout_llm_context_window_use_ratio_bucket', { ...acme, le: '1.5' })).toBe(3);
    expect(sample(text, 'lookout_llm_near_context_limit_total', acme)).toBe(2);
    expect(sample(text, 'lookout_llm_context_window_use_ratio_count', { provider: 'acme', model: 'mystery' })).toBe(0);
    expect(sample(text, 'lookout_llm_near_context_limit_total', { provider: 'acme' })).toBe(2);
    const gpt = { provider: 'openai', model: 'gpt-4o' };
    expect(sample(text, 'lookout_llm_context_window_use_ratio_count', gpt)).toBe(1);
    expect(sample(text, 'lookout_llm_context_window_use_ratio_sum', gpt)).toBeCloseTo(1_000 / gptWindow!, 12);
    expect(sample(text, 'lookout_llm_near_context_limit_total', gpt)).toBe(0);
    // A model with a window has its near-limit series from its first call, at 0, so that the
    // first call near the limit is an increase; a model without one has none.
    expect(text).toContain('lookout_llm_near_context_limit_total{provider="openai",model="gpt-4o"} 0');
    expect(text).not.toContain('lookout_llm_near_context_limit_total{provider="acme",model="mystery"}');
  });

  it('looks a window up by the model asked for when the config names it and a dated model answered', async () => {
    const metrics = new LookoutMetrics({ defaultMetrics: false, contextWindowOf: contextWindowOf({ 'gpt-4o': 64_000 }) });
    metrics.recordSpans([makeSpan({ provider: 'openai', requestModel: 'gpt-4o', responseModel: 'gpt-4o-2024-08-06', usage: { ...emptyUsage(), input: 60_000, output: 5 } })], Date.now());
    const text = await metrics.registry.metrics();
    const dated = { provider: 'openai', model: 'gpt-4o-2024-08-06' };
    expect(sample(text, 'lookout_llm_context_window_use_ratio_sum', dated)).toBeCloseTo(60_000 / 64_000, 12);
    expect(sample(text, 'lookout_llm_near_context_limit_total', dated)).toBe(1);
  });
});
