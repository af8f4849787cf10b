import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generation, makeTestApp, type TestApp } from '../testing/app.ts';
import { hex, makeSpan } from '../testing/fixtures.ts';
import { SECURITY_METADATA } from '../domain/security.ts';
import { LookoutMetrics } from './registry.ts';

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
});
