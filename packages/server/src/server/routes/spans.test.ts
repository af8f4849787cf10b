import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generation, makeTestApp, type TestApp } from '../../testing/app.ts';
import { hex } from '../../testing/fixtures.ts';

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
});
afterEach(async () => {
  await t.close();
});

const get = (url: string) => t.app.inject(url);

describe('span and trace search (trace explorer)', () => {
  it('filters by tag, id text, cost and duration range and sorts, through the query string', async () => {
    const slow = { spanId: hex(8), traceId: hex(16) };
    const cheap = { spanId: hex(8), traceId: hex(16) };
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/ingest',
      payload: {
        batch: [
          generation({ ...slow, durationMs: 9000, tags: ['beta'], team: 'core', environment: 'prod', usage: { input: 100_000, output: 10_000 } }),
          generation({ ...cheap, durationMs: 300, model: 'gpt-4o-mini', usage: { input: 10, output: 5 } }),
        ],
      },
    });
    expect(res.statusCode).toBe(200);
    const spanIds = async (qs: string) => ((await get(`/api/v1/spans?${qs}`)).json() as { spans: { spanId: string }[] }).spans.map((s) => s.spanId);
    const traceIds = async (qs: string) => ((await get(`/api/v1/traces?${qs}`)).json() as { traces: { traceId: string }[] }).traces.map((s) => s.traceId);
    expect(await spanIds('orderBy=duration')).toEqual([slow.spanId, cheap.spanId]);
    expect(await spanIds('tag=beta')).toEqual([slow.spanId]);
    expect(await spanIds('environment=prod')).toEqual([slow.spanId]);
    expect(await spanIds(`q=${slow.traceId.slice(0, 8)}`)).toEqual([slow.spanId]);
    expect(await spanIds('minDurationMs=1000')).toEqual([slow.spanId]);
    expect(await traceIds('maxCostUsd=0.01')).toEqual([cheap.traceId]);
    expect(await traceIds('minCostUsd=0.1&orderBy=cost')).toEqual([slow.traceId]);
    expect(await traceIds('team=core')).toEqual([slow.traceId]);
    // The count is there unless left out.
    expect((await get('/api/v1/traces')).json().total).toBe(2);
    expect((await get('/api/v1/traces?total=false')).json()).toMatchObject({ total: null, traces: [{}, {}] });
    expect((await get('/api/v1/spans?total=false')).json()).toMatchObject({ total: null, spans: [{}, {}] });
  });

  it('answers 400 naming the parameter for bad ranges and orders', async () => {
    for (const [qs, message] of [
      ['minCostUsd=abc', 'minCostUsd: must be a number'],
      ['minDurationMs=-5', 'minDurationMs: must not be negative'],
      ['minCostUsd=2&maxCostUsd=1', 'maxCostUsd: must not be below minCostUsd'],
      // Past 2^63 a whole number no longer binds as an integer: refused, not a 500.
      ['minCostUsd=1e308', 'minCostUsd: must be at most 1000000000'],
      ['maxCostUsd=9223372036854775808', 'maxCostUsd: must be at most 1000000000'],
      ['minDurationMs=1e19', 'minDurationMs: must be at most 10000000000'],
      ['maxDurationMs=1e308', 'maxDurationMs: must be at most 10000000000'],
      ['orderBy=tokens', "orderBy: must be one of 'start', 'duration', 'cost'"],
      ['q=', 'q: must not be empty'],
      ['total=no', "total: must be 'true' or 'false'"],
    ]) {
      for (const path of ['/api/v1/spans', '/api/v1/traces']) {
        const res = await get(`${path}?${qs}`);
        expect(res.statusCode, `${path}?${qs}`).toBe(400);
        expect(res.json().error.message).toBe(message);
      }
    }
  });
});

describe('cost and duration bounds', () => {
  it('takes the largest bounds allowed', async () => {
    for (const path of ['/api/v1/spans', '/api/v1/traces']) {
      const res = await get(`${path}?minCostUsd=1000000000&maxCostUsd=1000000000&minDurationMs=10000000000&maxDurationMs=10000000000`);
      expect(res.statusCode, res.body).toBe(200);
    }
  });
});

describe('paging and trace size limits', () => {
  it('refuses an offset past 10,000 and a page past 1,000 with 400 naming the limit', async () => {
    for (const path of ['/api/v1/spans', '/api/v1/traces', '/api/v1/scores', '/api/v1/logs']) {
      const deep = await get(`${path}?offset=10001`);
      expect(deep.statusCode, path).toBe(400);
      expect(deep.json().error).toMatchObject({ code: 'invalid_parameter' });
      expect(deep.json().error.message).toBe("offset: must be at most 10000; to page further back, narrow the time range with 'to'");
      const big = await get(`${path}?limit=1001`);
      expect(big.statusCode, path).toBe(400);
      expect(big.json().error.message).toBe('limit: must be at most 1000');
      expect((await get(`${path}?offset=10000&limit=1000`)).statusCode, path).toBe(200);
    }
  });

  it('returns at most 10,000 spans of one trace and says it was truncated', async () => {
    const traceId = hex(16);
    const rootSpanId = hex(8);
    const total = 10_005;
    for (let start = 0; start < total; start += 4_000) {
      const batch = Array.from({ length: Math.min(4_000, total - start) }, (_, i) =>
        generation({ traceId, ...(start + i === 0 ? { spanId: rootSpanId } : { spanId: hex(8), parentSpanId: rootSpanId }), usage: { input: 1, output: 1 } }),
      );
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: { batch } });
      expect(res.statusCode, res.body).toBe(200);
    }
    const res = await get(`/api/v1/traces/${traceId}`);
    expect(res.statusCode).toBe(200);
    const body = res.json() as { spans: unknown[]; truncated?: boolean; maxItems?: number };
    expect(body.spans).toHaveLength(10_000);
    expect(body).toMatchObject({ truncated: true, maxItems: 10_000 });
    // A trace within the limit says nothing of truncation.
    const small = hex(16);
    await t.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: { batch: [generation({ traceId: small, spanId: hex(8) })] } });
    const whole = (await get(`/api/v1/traces/${small}`)).json();
    expect(whole.spans).toHaveLength(1);
    expect(whole.truncated).toBeUndefined();
  }, 60_000);
});
