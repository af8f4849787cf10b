import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EVALUATION_FEATURE, JUDGE_INGEST_SOURCE } from '../../domain/quality.ts';
import { emptyAttribution, emptyUsage, type SpanRecord } from '../../domain/span.ts';
import { COUNTER_INDEX, Rollups } from '../../rollups/rollups.ts';
import { generation, makeTestApp, type TestApp } from '../../testing/app.ts';
import { hex, makeSpan } from '../../testing/fixtures.ts';
import { projectId } from '../../store/store.ts';

// Lookout's judge records its own calls through the ingest pipeline (source 'judge'): they are
// priced from the catalog like any call, and kept out of the application's spend everywhere it is
// read (analytics, trace list, rollups, budgets, /metrics), shown only when asked for by their
// feature. A client cannot claim that feature to hide its spend.

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
});
afterEach(async () => {
  await t.close();
});

const HOUR_MS = 3_600_000;

function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name + '{') && !line.startsWith(name + ' ')) continue;
    if (want.every((w) => line.includes(w))) total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

// A judge call as quality/judge records it: a generation of its own trace, unpriced until the
// chain prices it from the catalog.
function judgeSpan(): SpanRecord {
  const startUs = (Date.now() - 4_000) * 1000;
  return makeSpan({
    traceId: hex(16),
    startUs,
    endUs: startUs + 800_000,
    provider: 'openai',
    requestModel: 'gpt-4o-mini',
    usage: { ...emptyUsage(), input: 2_000_000, output: 100_000 },
    cost: { status: 'not_applicable', totalNanoUsd: null, byBucketNanoUsd: {}, priceRowId: null, catalogVersion: null },
    attribution: { ...emptyAttribution(), feature: EVALUATION_FEATURE, application: 'lookout', userId: 'alice' },
  });
}

async function ingest(items: Record<string, unknown>[]): Promise<void> {
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: { batch: items } });
  expect(res.statusCode).toBe(200);
}

const range = () => `from=${new Date(Date.now() - HOUR_MS).toISOString()}&to=${new Date(Date.now() + 60_000).toISOString()}`;
const analytics = async (query: string) => {
  const res = await t.app.inject(`/api/v1/analytics/query?${range()}&${query}`);
  expect(res.statusCode).toBe(200);
  return res.json().rows as Record<string, unknown>[];
};

describe("the judge's spend", () => {
  it('is priced, kept out of the application spend (analytics, traces, rollups, /metrics) and shown apart', async () => {
    await ingest([generation({ userId: 'alice', feature: 'chat', model: 'gpt-4o', costUsd: 0.004 })]);
    const judge = judgeSpan();
    const result = await t.ctx.pipeline.submit({ spans: [judge], scores: [], logs: [] }, JUDGE_INGEST_SOURCE);
    expect(result.spans).toEqual(['accepted']);
    expect(judge.cost.status).toBe('priced');
    const judgeNano = judge.cost.totalNanoUsd!;
    expect(judgeNano).toBeGreaterThan(100_000_000); // 2M input tokens of gpt-4o-mini: dollars' worth, far above the app's spend

    // Analytics: the totals are the application's; the explicit filter sees the judge only.
    expect(await analytics('measures=cost,requests')).toEqual([{ cost: 0.004, requests: 1 }]);
    expect(await analytics('measures=cost,requests&groupBy=feature')).toEqual([{ feature: 'chat', cost: 0.004, requests: 1 }]);
    expect(await analytics(`measures=cost,requests&filter=feature:${EVALUATION_FEATURE}`)).toEqual([{ cost: judgeNano / 1e9, requests: 1 }]);

    // The trace list hides the judge's trace unless asked for by its feature.
    const traces = (await t.app.inject(`/api/v1/traces?${range()}`)).json().traces as { traceId: string }[];
    expect(traces.map((x) => x.traceId)).not.toContain(judge.traceId);
    expect(traces).toHaveLength(1);
    const judged = (await t.app.inject(`/api/v1/traces?${range()}&feature=${EVALUATION_FEATURE}`)).json().traces as { traceId: string }[];
    expect(judged.map((x) => x.traceId)).toEqual([judge.traceId]);

    // Rollups: the call cells alerts read hold the application's call; the judge's apart.
    const now = Date.now();
    const rollups = t.ctx.alerting.rollups;
    const [cell] = rollups.calls('default', { fromMs: now - HOUR_MS, toMs: now + 60_000 });
    expect(cell.cell.counters[COUNTER_INDEX.requests]).toBe(1);
    expect(cell.cell.counters[COUNTER_INDEX.cost]).toBe(4_000_000);
    expect(rollups.calls('default', { fromMs: now - HOUR_MS, toMs: now + 60_000, groupBy: ['feature'] }).map((g) => g.labels.feature)).toEqual(['chat']);
    const hourStart = Math.floor((now - 10_000) / HOUR_MS) * HOUR_MS;
    expect(rollups.evaluationCost('default', hourStart - HOUR_MS, now + HOUR_MS)).toEqual({ calls: 1, costNanoUsd: judgeNano, unknownCostCalls: 0 });

    // A restart rebuilds both from the store the same way.
    await t.ctx.pipeline.caughtUp();
    const rebuilt = new Rollups();
    await rebuilt.rebuild(t.ctx.store);
    expect(rebuilt.calls('default', { fromMs: now - HOUR_MS, toMs: now + 60_000 })[0].cell.counters[COUNTER_INDEX.requests]).toBe(1);
    expect(rebuilt.evaluationCost('default', hourStart - HOUR_MS, now + HOUR_MS)).toEqual({ calls: 1, costNanoUsd: judgeNano, unknownCostCalls: 0 });

    // /metrics: the llm_* series are the application's, the judge's cost has its own counter.
    const text = (await t.app.inject('/metrics')).body;
    expect(sample(text, 'lookout_llm_requests_total')).toBe(1);
    expect(sample(text, 'lookout_llm_cost_usd_total')).toBeCloseTo(0.004, 12);
    expect(sample(text, 'lookout_llm_requests_total', { model: 'gpt-4o-mini' })).toBe(0);
    expect(sample(text, 'lookout_evaluation_cost_usd_total', { provider: 'openai', model: 'gpt-4o-mini' })).toBeCloseTo(judgeNano / 1e9, 9);
    expect(sample(text, 'lookout_evaluation_requests_total', { status: 'ok' })).toBe(1);
  });

  it('never counts against, nor trips, an application budget', async () => {
    const create = (payload: object) => t.app.inject({ method: 'POST', url: '/api/v1/budgets', payload });
    expect((await create({ id: 'proj', scope: 'project', period: 'daily', limitUsd: 0.01 })).statusCode).toBe(201);
    expect((await create({ id: 'alice', scope: 'user', subject: 'alice', period: 'daily', limitUsd: 0.01 })).statusCode).toBe(201);
    await ingest([generation({ userId: 'alice', costUsd: 0.004 })]);
    // Dollars of judge spend, attributed (as a judge never would) to the same user.
    await t.ctx.pipeline.submit({ spans: [judgeSpan(), judgeSpan()], scores: [], logs: [] }, JUDGE_INGEST_SOURCE);

    const check = (await t.app.inject('/api/v1/budgets/check?user=alice')).json();
    expect(check).toMatchObject({ allowed: true, blockedBy: null });
    const statuses = (await t.app.inject('/api/v1/budgets/status')).json().statuses as { budget: { id: string }; spentUsd: number; exceeded: boolean }[];
    expect(statuses.map((s) => [s.budget.id, s.spentUsd, s.exceeded]).sort()).toEqual([
      ['alice', 0.004, false],
      ['proj', 0.004, false],
    ]);

    // Rebuilt from the store (a restart), the same.
    await t.ctx.pipeline.caughtUp();
    const spend = await t.ctx.store.spendByAttribution(projectId('default'), { fromMs: Date.now() - HOUR_MS, toMs: Date.now() + 60_000, bucket: 'day', limit: 10 });
    expect(spend.rows.map((r) => r.costNanoUsd)).toEqual([4_000_000n]);
  });

  it("a client's span sent into a judge's trace does not take the judge's feature, whichever arrives first", async () => {
    const [before, after] = [judgeSpan(), judgeSpan()];
    // Into the first judge trace before its root is stored (the store's fill on load), into the
    // second after (the chain's attribution).
    await ingest([generation({ traceId: before.traceId, parentSpanId: hex(8), costUsd: 0.001 })]);
    await t.ctx.pipeline.submit({ spans: [before, after], scores: [], logs: [] }, JUDGE_INGEST_SOURCE);
    await ingest([generation({ traceId: after.traceId, parentSpanId: after.spanId, costUsd: 0.002 })]);

    expect(await analytics('measures=cost,requests')).toEqual([{ cost: 0.003, requests: 2 }]);
    expect(await analytics(`measures=requests&filter=feature:${EVALUATION_FEATURE}`)).toEqual([{ requests: 2 }]);
    const budgets = await t.ctx.store.spendByAttribution(projectId('default'), { fromMs: Date.now() - HOUR_MS, toMs: Date.now() + 60_000, bucket: 'day', limit: 10 });
    expect(budgets.rows.map((r) => r.costNanoUsd)).toEqual([3_000_000n]);
  });

  it("rewrites the judge's feature on a client's span, whose spend stays the application's", async () => {
    await ingest([generation({ feature: EVALUATION_FEATURE, costUsd: 0.003 })]);
    const otlpLike = makeSpan({ startUs: (Date.now() - 2_000) * 1000, attribution: { ...emptyAttribution(), feature: EVALUATION_FEATURE } });
    await t.ctx.pipeline.submit({ spans: [otlpLike], scores: [], logs: [] }, 'otlp');
    expect(otlpLike.attribution.feature).toBe(`client.${EVALUATION_FEATURE}`);

    expect(await analytics(`measures=requests&filter=feature:${EVALUATION_FEATURE}`)).toEqual([{ requests: 0 }]);
    const byFeature = await analytics('measures=requests&groupBy=feature');
    expect(byFeature).toEqual([{ feature: `client.${EVALUATION_FEATURE}`, requests: 2 }]);
    const text = (await t.app.inject('/metrics')).body;
    expect(sample(text, 'lookout_llm_requests_total')).toBe(2);
    expect(sample(text, 'lookout_evaluation_requests_total')).toBe(0);
  });
});
