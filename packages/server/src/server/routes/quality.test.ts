import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyAttribution } from '../../domain/span.ts';
import { projectId } from '../../store/store.ts';
import { generation, makeTestApp, type TestApp } from '../../testing/app.ts';
import { hex, makeScore, makeSpan } from '../../testing/fixtures.ts';

// Top issues and health scores over the API: errors ingested through the native API are grouped
// by the fingerprint the chain gave them; bad parameters are 400s naming the parameter.

let t: TestApp;
const NOW_MS = Date.now();
const traces = [hex(16), hex(16), hex(16)];

beforeAll(async () => {
  t = await makeTestApp();
  const failed = (traceId: string, ms: number, message: string, ago: number) =>
    generation({ traceId, startTime: new Date(NOW_MS - ago).toISOString(), status: 'error', errorClass: 'timeout', errorMessage: `Request timed out after ${ms} ms`.replace('Request', message) });
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/ingest',
    payload: {
      batch: [
        failed(traces[0], 30_012, 'Request', 60_000),
        failed(traces[1], 29_877, 'Request', 30_000),
        failed(traces[2], 100, 'Upstream', 10_000),
      ],
    },
  });
  expect(res.statusCode).toBe(200);
  const at = (NOW_MS - 20_000) * 1000;
  const call = (feature: string, durationMs: number, status: 'ok' | 'error' = 'ok') =>
    makeSpan({ startUs: at, endUs: at + durationMs * 1000, status, errorClass: status === 'error' ? 'server' : null, attribution: { ...emptyAttribution(), feature, application: 'shop' } });
  const chat = call('chat', 500);
  await t.ctx.store.write({
    spans: [chat, call('search', 30_000), call('search', 30_000, 'error')],
    scores: [makeScore({ traceId: chat.traceId, timestampUs: at, numericValue: 0.2, feature: 'chat', name: 'correctness' })],
    logs: [],
  });
});

afterAll(async () => {
  await t?.close();
});

async function get(url: string) {
  const { key } = await t.ctx.store.createApiKey(projectId('default'), 'read', null);
  return t.app.inject({ url, headers: { authorization: `Bearer ${key}` } });
}

describe('GET /api/v1/quality/top-issues', () => {
  it('groups recurring errors by fingerprint and lists low scores, each with traces', async () => {
    const res = await get('/api/v1/quality/top-issues?from=1h');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.errors).toHaveLength(2);
    const [first, second] = body.errors;
    expect(first).toMatchObject({ errorClass: 'timeout', count: 2, sampleMessage: 'Request timed out after 29877 ms', traceIds: [traces[1], traces[0]] });
    expect(first.fingerprint).toMatch(/^timeout:[0-9a-f]{12}$/);
    expect(Date.parse(first.firstSeen)).toBe(NOW_MS - 60_000);
    expect(Date.parse(first.lastSeen)).toBe(NOW_MS - 30_000);
    expect(second).toMatchObject({ count: 1, traceIds: [traces[2]] });
    expect(body.lowScores).toEqual([expect.objectContaining({ feature: 'chat', name: 'correctness', count: 1, total: 1, avg: 0.2 })]);
    const strict = (await get('/api/v1/quality/top-issues?from=1h&threshold=0.1&limit=1')).json();
    expect(strict.errors.map((e: { count: number }) => e.count)).toEqual([2]);
    expect(strict.lowScores).toEqual([]);
  });

  it('answers 400 naming a bad parameter', async () => {
    for (const [query, named] of [
      ['threshold=2', 'threshold'],
      ['limit=0', 'limit'],
      ['limit=101', 'limit'],
      ['from=400d', 'from'],
      ['from=soon', 'from'],
      ['colour=red', 'colour'],
    ]) {
      const res = await get(`/api/v1/quality/top-issues?${query}`);
      expect(res.statusCode, query).toBe(400);
      expect(res.json().error.message, query).toContain(named);
    }
  });
});

describe('GET /api/v1/quality/health', () => {
  it('scores each feature from its calls and scores', async () => {
    const res = await get('/api/v1/quality/health?from=1h&latencyTargetMs=1000');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.weights).toEqual({ quality: 0.4, errors: 0.25, latency: 0.2, cost: 0.15 });
    const byKey = Object.fromEntries(body.groups.map((g: { key: string | null }) => [g.key, g]));
    // chat: quality 20, latency 100, errors 100, cost 100 (the median) → 0.4×20 + 0.6×100 = 68.
    expect(byKey.chat).toMatchObject({ requests: 1, errors: 0, scoreAvg: 0.2, latencyTargetMs: 1000, components: { quality: 20, latency: 100, errors: 100, cost: 100 }, health: 68 });
    // search: no scores; p95 30 s against 1 s → 3.3; half the calls failed → 0; cost at the median → 100.
    expect(byKey.search).toMatchObject({ requests: 2, errors: 1, errorRate: 0.5, scoreAvg: null, components: { quality: null, latency: 3.3, errors: 0, cost: 100 } });
    expect(byKey.search.health).toBe(Math.round((0.2 * 3.3 + 0.15 * 100) / 0.6));
    const apps = (await get('/api/v1/quality/health?from=1h&by=application')).json();
    expect(apps.by).toBe('application');
    expect(apps.groups.map((g: { key: string | null }) => g.key)).toContain('shop');
  });

  it("takes each group's latency target from the latency_slo evaluator that selects it", async () => {
    const made = await t.app.inject({
      method: 'POST',
      url: '/api/v1/evaluators',
      payload: { name: 'search-latency', kind: 'heuristic', criterion: 'latency_slo', sampleRate: 1, filter: { feature: 'search' }, params: { maxLatencyMs: 15_000 } },
    });
    expect(made.statusCode, made.body).toBeLessThan(300);
    const byKey = Object.fromEntries((await get('/api/v1/quality/health?from=1h')).json().groups.map((g: { key: string | null }) => [g.key, g]));
    // search: p95 30 s against its own 15 s → 50; chat keeps the default 10 s.
    expect(byKey.search).toMatchObject({ latencyTargetMs: 15_000, components: { latency: 50 } });
    expect(byKey.chat).toMatchObject({ latencyTargetMs: 10_000, components: { latency: 100 } });
  });

  it('answers 400 naming a bad parameter', async () => {
    for (const [query, named] of [
      ['by=team', 'by'],
      ['latencyTargetMs=-5', 'latencyTargetMs'],
      ['limit=1000', 'limit'],
    ]) {
      const res = await get(`/api/v1/quality/health?${query}`);
      expect(res.statusCode, query).toBe(400);
      expect(res.json().error.message, query).toContain(named);
    }
  });
});
