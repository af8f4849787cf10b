import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EVALUATION_FEATURE, SCORE_METADATA, type Evaluator } from '../../domain/quality.ts';
import { emptyAttribution, type SpanRecord } from '../../domain/span.ts';
import { JsonFile } from '../../state/json-file.ts';
import { projectId } from '../../store/store.ts';
import { makeTestApp, type TestApp } from '../../testing/app.ts';
import { startFakeJudge, type FakeJudge, type FakeJudgeReply } from '../../testing/fake-judge.ts';
import { hex, makeSpan } from '../../testing/fixtures.ts';
import { Judge, MAX_CALL_ATTEMPTS, type JudgeConfig } from './judge.ts';
import type { JudgeQueueDocument } from './queue.ts';
import { EVALUATION_EVENT_NAME } from './records.ts';

const P = projectId('default');

function evaluator(over: Partial<Evaluator> = {}): Evaluator {
  return {
    id: 'ev-correctness',
    name: 'correctness',
    kind: 'llm_judge',
    criterion: 'correctness',
    sampleRate: 1,
    filter: {},
    enabled: true,
    params: {},
    judge: null,
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
    ...over,
  };
}

// One call with its question and answer captured, as an application sends it.
function call(traceId = hex(16), over: Partial<SpanRecord> = {}): SpanRecord {
  return makeSpan({
    traceId,
    requestModel: 'gpt-4o-mini',
    attribution: { ...emptyAttribution(), feature: 'support' },
    content: { input: 'How long is the refund window?', output: 'Thirty days from delivery.' },
    ...over,
  });
}

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('the LLM judge', () => {
  let t: TestApp;
  let fake: FakeJudge;
  let dir: string;
  let evaluators: Evaluator[];
  let replies: (i: number) => FakeJudgeReply;
  const judges: Judge[] = [];

  beforeEach(async () => {
    t = await makeTestApp();
    dir = mkdtempSync(join(tmpdir(), 'lookout-judge-'));
    evaluators = [evaluator()];
    replies = () => ({ score: 0.8, reasoning: 'accurate and complete' });
    fake = await startFakeJudge((_req, i) => replies(i));
  });

  afterEach(async () => {
    for (const j of judges.splice(0)) await j.stop();
    await fake.close();
    await t.close();
  });

  async function openJudge(over: Partial<JudgeConfig> = {}): Promise<Judge> {
    const config: JudgeConfig = {
      baseUrl: fake.url,
      model: 'gpt-4o-mini',
      provider: 'openai',
      apiKey: 'sk-judge-test',
      concurrency: 2,
      ratePerMinute: 60_000,
      settleMs: 0,
      timeoutMs: 2_000,
      dailyBudgetUsd: 5,
      maxQueue: 1_000,
      ...over,
    };
    const judge = await Judge.open({
      config,
      store: t.ctx.store,
      pipeline: t.ctx.pipeline,
      pricer: t.ctx.pricer,
      evaluators: { evaluatorsOf: (p) => (p === 'default' ? evaluators : []) },
      metrics: t.ctx.metrics,
      logger: pino({ level: process.env.JUDGE_TEST_LOG ?? 'silent' }),
      queueDocument: new JsonFile<JudgeQueueDocument>(join(dir, 'judge-queue.json')),
    });
    t.ctx.pipeline.observe(judge);
    judges.push(judge);
    judge.start();
    return judge;
  }

  const ingest = (...spans: SpanRecord[]) => t.ctx.pipeline.submit({ spans, scores: [], logs: [] }, 'api');

  async function scoresOf(traceId: string) {
    await t.ctx.pipeline.caughtUp();
    return (await t.ctx.store.getTrace(P, traceId)).scores;
  }

  async function judgeSpans(): Promise<SpanRecord[]> {
    await t.ctx.pipeline.caughtUp();
    return (await t.ctx.store.listSpans(P, { feature: EVALUATION_FEATURE }, { limit: 100, offset: 0 })).spans;
  }

  async function counted(outcome: string): Promise<number> {
    const m = await t.ctx.metrics.evaluations.get();
    return m.values.find((v) => v.labels.kind === 'llm_judge' && v.labels.outcome === outcome)?.value ?? 0;
  }

  it('records the judge call as a priced span of feature lookout.evaluation, then the score with its metadata', async () => {
    await openJudge();
    const traceId = hex(16);
    await ingest(call(traceId));
    const [score] = await until('the score', async () => ((await scoresOf(traceId)).length ? scoresOf(traceId) : undefined));
    expect(fake.requests).toHaveLength(1);
    const req = fake.requests[0];
    expect(req.authorization).toBe('Bearer sk-judge-test');
    expect(req.body.model).toBe('gpt-4o-mini');
    expect(req.body.response_format.type).toBe('json_schema');
    expect(req.prompt).toContain('How long is the refund window?');
    expect(req.prompt).toContain('Thirty days from delivery.');

    const [span] = await judgeSpans();
    expect(span).toMatchObject({ kind: 'generation', provider: 'openai', requestModel: 'gpt-4o-mini', status: 'ok' });
    expect(span.attribution).toMatchObject({ feature: EVALUATION_FEATURE, application: 'lookout' });
    expect(span.cost.status).toBe('priced');
    expect(span.cost.totalNanoUsd).toBeGreaterThan(0);
    expect(span.usage.input + span.usage.output).toBe(450);

    expect(score).toMatchObject({ source: 'llm_judge', name: 'correctness', numericValue: 0.8, comment: 'accurate and complete', feature: 'support', model: 'gpt-4o-mini' });
    expect(score.metadata).toMatchObject({
      [SCORE_METADATA.evaluatorId]: 'ev-correctness',
      [SCORE_METADATA.criterion]: 'correctness',
      [SCORE_METADATA.templateVersion]: 'correctness-v1',
      [SCORE_METADATA.judgeTraceId]: span.traceId,
      [SCORE_METADATA.judgeModel]: 'gpt-4o-mini',
    });
    expect(Number(score.metadata[SCORE_METADATA.judgeCostUsd])).toBeCloseTo(span.cost.totalNanoUsd! / 1e9, 12);
    expect(await counted('scored')).toBe(1);
  });

  it('judges a trace once: a re-sent batch and later calls of the judged trace ask nothing more', async () => {
    const judge = await openJudge();
    const traceId = hex(16);
    const first = call(traceId);
    await ingest(first);
    await until('the score', async () => ((await scoresOf(traceId)).length ? true : undefined));
    await until('the emptied queue', () => (judge.queueDepth === 0 ? true : undefined));
    await ingest(first); // the same batch again: a duplicate for the pipeline
    await ingest(call(traceId)); // a later call of the same trace: not even queued
    expect(judge.queueDepth).toBe(0);
    await new Promise((r) => setTimeout(r, 200));
    expect(fake.requests).toHaveLength(1);
    expect(await scoresOf(traceId)).toHaveLength(1);
    expect(await judgeSpans()).toHaveLength(1);
  });

  it('samples nothing for spans of the judge itself, other projects, disabled or filtered-out evaluators', async () => {
    evaluators = [evaluator({ id: 'off', enabled: false }), evaluator({ id: 'billing-only', filter: { feature: 'billing' } }), evaluator({ id: 'h', kind: 'heuristic', criterion: 'empty_output' })];
    await openJudge();
    await ingest(call(), call(hex(16), { projectId: 'other' }));
    // The judge's own calls are never judged, whatever the evaluators select.
    evaluators = [evaluator()];
    const own = call(hex(16), { attribution: { ...emptyAttribution(), feature: EVALUATION_FEATURE, application: 'lookout' } });
    await t.ctx.pipeline.submit({ spans: [own], scores: [], logs: [] }, 'judge');
    await new Promise((r) => setTimeout(r, 200));
    expect(fake.requests).toHaveLength(0);
  });

  it('asks again once when the answer is malformed, then records a failed evaluation and never a score', async () => {
    replies = () => ({ content: 'The answer looks good to me, 8/10.' });
    await openJudge();
    const traceId = hex(16);
    await ingest(call(traceId));
    const log = await until('the failed evaluation', async () => {
      await t.ctx.pipeline.caughtUp();
      return (await t.ctx.store.getTrace(P, traceId)).logs.find((l) => l.attributes['event.name'] === EVALUATION_EVENT_NAME);
    });
    expect(log.attributes['lookout.evaluation.type']).toBe('failed');
    expect(log.body).toContain('not JSON');
    expect(fake.requests).toHaveLength(2);
    expect(await scoresOf(traceId)).toHaveLength(0);
    // Both calls cost money: both are recorded, and priced.
    const spans = await judgeSpans();
    expect(spans).toHaveLength(2);
    for (const s of spans) expect(s.cost.totalNanoUsd).toBeGreaterThan(0);
    expect(await counted('failed')).toBe(1);
  });

  it('takes the second answer when only the first is malformed', async () => {
    replies = (i) => (i === 0 ? { content: '{"score": "high"}' } : { score: 0.4, reasoning: 'misses the exception' });
    await openJudge();
    const traceId = hex(16);
    await ingest(call(traceId));
    const [score] = await until('the score', async () => ((await scoresOf(traceId)).length ? scoresOf(traceId) : undefined));
    expect(score.numericValue).toBe(0.4);
    expect(fake.requests).toHaveLength(2);
  });

  it('waits as long as a 429 says in Retry-After before asking again', async () => {
    replies = (i) => (i === 0 ? { status: 429, retryAfter: '1' } : { score: 0.9 });
    await openJudge();
    const traceId = hex(16);
    const times: number[] = [];
    const started = Date.now();
    await ingest(call(traceId));
    await until('the score', async () => ((await scoresOf(traceId)).length ? true : undefined));
    times.push(Date.now() - started);
    expect(fake.requests).toHaveLength(2);
    expect(times[0]).toBeGreaterThanOrEqual(1_000);
    expect(await counted('retried')).toBe(1);
  });

  it('retries a timed-out call with back-off and gives up after the last attempt with a failed evaluation', async () => {
    replies = (i) => (i === 0 ? { score: 0.7, delayMs: 1_500 } : { status: 503, retryAfter: '0' });
    await openJudge({ timeoutMs: 300 });
    const traceId = hex(16);
    await ingest(call(traceId));
    const log = await until('the failed evaluation', async () => {
      await t.ctx.pipeline.caughtUp();
      return (await t.ctx.store.getTrace(P, traceId)).logs.find((l) => l.attributes['event.name'] === EVALUATION_EVENT_NAME);
    });
    expect(fake.requests).toHaveLength(MAX_CALL_ATTEMPTS);
    expect(log.body).toContain(`after ${MAX_CALL_ATTEMPTS} attempts`);
    const spans = await judgeSpans();
    expect(spans.map((s) => s.errorClass)).toEqual(expect.arrayContaining(['timeout', 'server']));
    expect(await scoresOf(traceId)).toHaveLength(0);
  });

  it('stops sampling with one event when the day\'s judge budget is spent, and knows the spend after a restart', async () => {
    // One judgement (400 + 50 tokens of gpt-4o-mini) costs $0.00009: past this budget.
    const judge = await openJudge({ dailyBudgetUsd: 0.00005 });
    const first = hex(16);
    await ingest(call(first));
    await until('the score', async () => ((await scoresOf(first)).length ? true : undefined));
    expect(judge.spentTodayUsd('default')).toBeCloseTo(0.00009, 9);
    await ingest(call());
    await ingest(call());
    await new Promise((r) => setTimeout(r, 200));
    expect(fake.requests).toHaveLength(1);
    expect(await counted('budget_reached')).toBe(2);
    await t.ctx.pipeline.caughtUp();
    const events = (await t.ctx.store.listLogs(P, {}, { limit: 100, offset: 0 })).filter((l) => l.attributes['lookout.evaluation.type'] === 'budget_reached');
    expect(events).toHaveLength(1);
    expect(events[0].body).toContain('no trace is sampled for judging until the next UTC day');

    await judge.stop();
    const again = await openJudge({ dailyBudgetUsd: 0.00005 });
    expect(again.spentTodayUsd('default')).toBeCloseTo(0.00009, 9);
    await ingest(call());
    await new Promise((r) => setTimeout(r, 200));
    expect(fake.requests).toHaveLength(1);
  });

  it('judges after a restart what was sampled but not judged, once', async () => {
    const before = await openJudge({ settleMs: 60_000 });
    const traces = Array.from({ length: 5 }, () => hex(16));
    for (const id of traces) await ingest(call(id));
    expect(before.queueDepth).toBe(5);
    await before.stop();
    const doc = JSON.parse(readFileSync(join(dir, 'judge-queue.json'), 'utf8')) as JudgeQueueDocument;
    expect(doc.jobs.map((j) => j.traceId).sort()).toEqual([...traces].sort());
    // As if the settle delay had passed while the server was down.
    writeFileSync(join(dir, 'judge-queue.json'), JSON.stringify({ ...doc, jobs: doc.jobs.map((j) => ({ ...j, dueMs: 0 })) }));

    const after = await openJudge({ settleMs: 60_000 });
    for (const id of traces) await until(`the score of ${id}`, async () => ((await scoresOf(id)).length ? true : undefined));
    expect(fake.requests).toHaveLength(5);
    await until('the emptied queue', () => (after.queueDepth === 0 ? true : undefined));
    await after.stop();
    expect((JSON.parse(readFileSync(join(dir, 'judge-queue.json'), 'utf8')) as JudgeQueueDocument).jobs).toEqual([]);

    // A crash after a score was acknowledged but before the queue was written: the job comes
    // back, and the stored score says it was judged.
    writeFileSync(join(dir, 'judge-queue.json'), JSON.stringify({ ...doc, jobs: doc.jobs.map((j) => ({ ...j, dueMs: 0 })) }));
    const third = await openJudge();
    await until('the emptied queue', () => (third.queueDepth === 0 ? true : undefined));
    expect(fake.requests).toHaveLength(5);
    expect(await counted('duplicate')).toBe(5);
  });

  it('tries an evaluator on a trace without recording anything', async () => {
    const judge = await openJudge();
    evaluators = [];
    const traceId = hex(16);
    await ingest(call(traceId));
    await t.ctx.pipeline.caughtUp();
    const trial = await judge.trial('default', evaluator({ criterion: 'faithfulness' }), traceId);
    expect(trial).toMatchObject({ outcome: 'not_applicable', error: 'the trace has no retrieval span with captured documents' });
    const scored = await judge.trial('default', evaluator(), traceId);
    expect(scored).toMatchObject({ outcome: 'scored', value: 0.8, reasoning: 'accurate and complete', spanId: expect.any(String) });
    expect(scored.costUsd).toBeCloseTo(0.00009, 9);
    expect(await judgeSpans()).toHaveLength(0);
    expect(await scoresOf(traceId)).toHaveLength(0);
  });

  it('judges against the reference answer of the root span and the documents of retrieval spans', async () => {
    const judge = await openJudge();
    evaluators = [];
    const traceId = hex(16);
    const root = makeSpan({ traceId, kind: 'agent', requestModel: null, metadata: { reference: 'Refunds within 30 days of delivery.' }, content: { input: 'refund window?', output: null } });
    const retrieval = makeSpan({ traceId, parentSpanId: root.spanId, kind: 'retrieval', requestModel: null, content: { input: 'refund', output: 'Policy: refunds are accepted for 30 days.' } });
    await ingest(root, retrieval, call(traceId, { parentSpanId: root.spanId }));
    await t.ctx.pipeline.caughtUp();
    expect((await judge.trial('default', evaluator({ criterion: 'reference_correctness' }), traceId)).outcome).toBe('scored');
    expect(fake.requests[0].prompt).toContain('<reference>\nRefunds within 30 days of delivery.\n</reference>');
    expect(fake.requests[0].prompt).toContain('<input>\nrefund window?\n</input>');
    expect((await judge.trial('default', evaluator({ criterion: 'faithfulness' }), traceId)).outcome).toBe('scored');
    expect(fake.requests[1].prompt).toContain('[1] Policy: refunds are accepted for 30 days.');
    expect(fake.requests[1].prompt).toContain('Thirty days from delivery.');
  });
});
