import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../../testing/app.ts';
import { EVALUATION_FEATURE } from '../../domain/quality.ts';
import { emptyAttribution } from '../../domain/span.ts';
import { projectId } from '../../store/store.ts';
import { hex, makeSpan } from '../../testing/fixtures.ts';

// Generated traffic whose right answers are worked out by hand below from the catalog's prices
// (USD per million tokens): gpt-4o $2.50 input, $10 output; gpt-4o-mini $0.15 input, $0.60 output.
// The range is 30 days, so a month's saving is the range's saving.

const RANGE = 'from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z';
const day = (d: number, hour = 12, minute = 0) => new Date(Date.UTC(2026, 10, d, hour, minute)).toISOString();

// 1,000 input and 200 output tokens: $0.0045 on gpt-4o, $0.00027 on gpt-4o-mini.
const GPT4O_CALL_NANO = 1000 * 2_500 + 200 * 10_000;
const MINI_CALL_NANO = 1000 * 150 + 200 * 600;

let t: TestApp;
const items: Record<string, unknown>[] = [];

function call(feature: string, model: string, startTime: string, over: Record<string, unknown> = {}, score?: number): void {
  const traceId = hex(16);
  items.push({ type: 'generation', traceId, startTime, durationMs: 900, provider: 'openai', model, feature, usage: { input: 1000, output: 200 }, ...over });
  if (score !== undefined) items.push({ type: 'score', id: `s-${traceId}`, traceId, name: 'helpfulness', value: score, dataType: 'numeric', timestamp: startTime });
}

beforeAll(async () => {
  t = await makeTestApp();
  const session = { sessionId: 'chat-1', userId: 'u1' };
  // support: 40 calls on gpt-4o and 30 on gpt-4o-mini, scored the same.
  for (let i = 0; i < 40; i++) call('support', 'gpt-4o', day(5, 9, i), session, 0.9);
  for (let i = 0; i < 30; i++) call('support', 'gpt-4o-mini', day(5, 10, i), session, 0.9);
  // summarize: gpt-4o-mini scores well below gpt-4o, so it is not recommended.
  for (let i = 0; i < 25; i++) call('summarize', 'gpt-4o', day(6, 9, i), session, 0.9);
  for (let i = 0; i < 25; i++) call('summarize', 'gpt-4o-mini', day(6, 10, i), session, 0.6);
  // drafts: 20 calls on gpt-4o and no scores at all.
  for (let i = 0; i < 20; i++) call('drafts', 'gpt-4o', day(7, 9, i), session);
  // digest: a nightly job, 3 calls at 02:00 on 10 nights, no session, not streamed, 2,000 in / 500
  // out on gpt-4o-mini: $0.0006 a call.
  for (let d = 1; d <= 10; d++) for (let i = 0; i < 3; i++) call('digest', 'gpt-4o-mini', day(d, 2, i * 5), { usage: { input: 2000, output: 500 } });
  // classify: 2 calls a day on gpt-4o from Nov 1 to 10, then on gpt-4o-mini from Nov 11 to 30.
  for (let d = 1; d <= 30; d++) for (let i = 0; i < 2; i++) call('classify', d <= 10 ? 'gpt-4o' : 'gpt-4o-mini', day(d, 14, i), session);
  // search: embeddings of the same provider, far cheaper per token than any chat model.
  for (let i = 0; i < 20; i++) {
    items.push({ type: 'span', kind: 'embedding', traceId: hex(16), name: 'embeddings', startTime: day(8, 9, i), durationMs: 80, provider: 'openai', model: 'text-embedding-3-small', feature: 'search', usage: { input: 50 }, ...session });
  }
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: { batch: items } });
  expect(res.statusCode, res.body).toBe(200);
  // Lookout's own judge calls look like a nightly job too, but are not the application's spend
  // (a client cannot send that feature, so they are written as the judge writes them).
  const judge = [];
  for (let d = 1; d <= 10; d++) {
    for (let i = 0; i < 3; i++) {
      judge.push(makeSpan({ startUs: Date.parse(day(d, 3, i * 5)) * 1000, attribution: { ...emptyAttribution(), feature: EVALUATION_FEATURE, application: 'lookout' } }));
    }
  }
  await t.ctx.store.write({ spans: judge, scores: [], logs: [] });
});

afterAll(async () => {
  await t?.close();
});

async function recommendations(query = RANGE) {
  const res = await t.app.inject(`/api/v1/recommendations?${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

const byId = (body: { recommendations: { id: string }[] }, id: string) => body.recommendations.find((r) => r.id === id) as Record<string, any> | undefined;

describe('GET /api/v1/recommendations', () => {
  it('cheaper model: same scores on gpt-4o-mini, savings at catalog prices', async () => {
    const body = await recommendations();
    const rec = byId(body, 'cheaper_model:feature=support:gpt-4o→gpt-4o-mini');
    expect(rec).toBeDefined();
    // (4,500,000 − 270,000) nano a call × 40 calls = $0.1692 over the 30 days.
    const monthlyNano = (GPT4O_CALL_NANO - MINI_CALL_NANO) * 40;
    expect(monthlyNano).toBe(169_200_000);
    expect(rec).toMatchObject({
      kind: 'cheaper_model',
      feature: 'support',
      model: 'gpt-4o',
      monthlySavingsUsd: 0.1692,
      monthlySavingsUsdDecimal: '0.169200000',
      weeklySavingsUsdDecimal: '0.039480000', // × 7/30
      annualSavingsUsdDecimal: '2.058600000', // × 365/30
      confidence: 'medium', // 30 and 40 scores: fewer than 100 on each
      applied: null,
    });
    expect(rec!.evidence.calls).toBe(40);
    expect(rec!.evidence.figures).toMatchObject({ costPerCallNano: 4_500_000, costPerCallOnTargetNano: 270_000, scoreAvg: 0.9, targetScoreAvg: 0.9 });
    expect(rec!.evidence.sampleTraceIds).toHaveLength(10);
    expect(rec!.formula).toBe('($0.0045 on gpt-4o − $0.00027 on gpt-4o-mini) per call × 40 calls × 30 d / 30 d');
  });

  it('cheaper model: never a model measured worse; without scores, low confidence that says so', async () => {
    const body = await recommendations();
    expect(body.recommendations.filter((r: { kind: string; feature: string }) => r.kind === 'cheaper_model' && r.feature === 'summarize')).toEqual([]);
    const drafts = byId(body, 'cheaper_model:feature=drafts:gpt-4o→gpt-4o-mini');
    expect(drafts).toMatchObject({ confidence: 'low', monthlySavingsUsdDecimal: '0.084600000' }); // 4,230,000 × 20
    expect(drafts!.detail).toContain('no quality scores to compare');
    expect(drafts!.confidenceReason).toContain("fewer than 20 scored calls of 'drafts' on gpt-4o and gpt-4o-mini");
  });

  it('cheaper model: chat models only, never an embedding model of the same provider', async () => {
    const body = await recommendations();
    const cheaper = body.recommendations.filter((r: { kind: string }) => r.kind === 'cheaper_model');
    expect(cheaper.length).toBeGreaterThan(0);
    for (const r of cheaper) expect([r.model, r.evidence.figures.toModel]).not.toContain('text-embedding-3-small');
    expect(byId(body, 'cheaper_model:feature=drafts:gpt-4o→gpt-4o-mini')).toBeDefined();
  });

  it('batch API: a nightly job without sessions, at the 50% discount', async () => {
    const body = await recommendations();
    const batch = body.recommendations.filter((r: { kind: string }) => r.kind === 'batch_api');
    expect(batch.map((r: { feature: string }) => r.feature)).toEqual(['digest']);
    // 30 calls × (2,000 × $0.15/M + 500 × $0.60/M) = $0.018, half of it saved.
    expect(batch[0]).toMatchObject({ id: 'batch_api:feature=digest:openai', monthlySavingsUsdDecimal: '0.009000000', confidence: 'high' });
    expect(batch[0].evidence.figures).toMatchObject({ calls: 30, costNano: 18_000_000, batchDiscount: 0.5, burstShare: 1 });
  });

  it('applied: the feature moved to gpt-4o-mini, realised saving against the estimate', async () => {
    const body = await recommendations();
    const rec = byId(body, 'cheaper_model:feature=classify:gpt-4o→gpt-4o-mini');
    // Before: 20 calls in 10 days; after: 40 calls in 20 days; both 4,230,000 nano a call saved.
    expect(rec).toMatchObject({
      title: "Applied: 'classify' moved from gpt-4o to gpt-4o-mini",
      monthlySavingsUsd: 0,
      applied: { since: '2026-11-11T00:00:00.000Z', realisedMonthlySavingsUsdDecimal: '0.253800000', estimatedMonthlySavingsUsdDecimal: '0.253800000' },
    });
    // Not recommended again from the calls before the move.
    expect(body.recommendations.filter((r: { id: string }) => r.id === rec!.id)).toHaveLength(1);
  });

  it('sorted by monthly saving, with totals', async () => {
    const body = await recommendations();
    const monthly = body.recommendations.map((r: { monthlySavingsUsd: number }) => r.monthlySavingsUsd);
    expect(monthly).toEqual([...monthly].sort((a, b) => b - a));
    expect(body.currency).toBe('USD');
    expect(body.fromMs).toBe(Date.UTC(2026, 10, 1));
    expect(body.totals.monthlySavingsUsd).toBeCloseTo(monthly.reduce((a: number, b: number) => a + b, 0), 9);
  });

  it('bad ranges are a 400 naming the parameter', async () => {
    for (const [query, start] of [
      ['from=2026-01-01&to=2026-12-01', 'from: the range may span at most 92 days'],
      ['from=yesterday', 'from: '],
      ['from=2026-12-01&to=2026-11-01', 'from: '],
      ['colour=red', ''],
    ] as const) {
      const res = await t.app.inject(`/api/v1/recommendations?${query}`);
      expect(res.statusCode, query).toBe(400);
      expect(res.json().error.message, query).toContain(start);
    }
  });
});

describe('GET /api/v1/recommendations with keys', () => {
  let secured: TestApp;
  beforeAll(async () => {
    secured = await makeTestApp({ host: '0.0.0.0' });
    const batch = [];
    for (let d = 1; d <= 10; d++) for (let i = 0; i < 3; i++) batch.push({ type: 'generation', startTime: day(d, 2, i), durationMs: 500, provider: 'openai', model: 'gpt-4o-mini', feature: 'digest', usage: { input: 2000, output: 500 } });
    const { key } = await secured.ctx.store.createApiKey(projectId('default'), 'ingest', null);
    expect((await secured.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: { batch }, headers: { authorization: `Bearer ${key}` } })).statusCode).toBe(200);
  });
  afterAll(async () => {
    await secured?.close();
  });

  const get = async (project: string, scope: 'read' | 'ingest') => {
    const { key } = await secured.ctx.store.createApiKey(projectId(project), scope, null);
    return secured.app.inject({ url: `/api/v1/recommendations?${RANGE}`, headers: { authorization: `Bearer ${key}` } });
  };

  it("needs a read key and reads only the key's project", async () => {
    expect((await get('default', 'read')).json().recommendations.map((r: { id: string }) => r.id)).toEqual(['batch_api:feature=digest:openai']);
    expect((await get('acme', 'read')).json().recommendations).toEqual([]);
    expect((await get('default', 'ingest')).statusCode).toBe(403);
  });
});
