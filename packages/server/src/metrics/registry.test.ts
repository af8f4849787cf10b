import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generation, makeTestApp, type TestApp } from '../testing/app.ts';
import { hex } from '../testing/fixtures.ts';

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
});
