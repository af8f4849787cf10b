import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EVALUATION_FEATURE, type Evaluator, type JudgeSettings } from '../../domain/quality.ts';
import { emptyAttribution } from '../../domain/span.ts';
import { JsonFile } from '../../state/json-file.ts';
import { projectId } from '../../store/store.ts';
import { makeTestApp, type TestApp } from '../../testing/app.ts';
import { startFakeJudge, type FakeJudge } from '../../testing/fake-judge.ts';
import { hex, makeSpan } from '../../testing/fixtures.ts';
import { Judge } from './judge.ts';
import type { JudgeQueueDocument } from './queue.ts';
import { EVALUATION_EVENT_NAME } from './records.ts';

// An evaluator's own judge endpoint is its project's choice: it is held to the outbound policy of
// the alert receivers and never sent the instance's key. The instance's endpoint is the
// operator's, trusted, on loopback here.

const P = projectId('default');
const INSTANCE_KEY = 'sk-instance-secret';
const REFUSED = "refused: the judge's host is a loopback address; allow it in alerts.notifications.allowedHosts";

function evaluator(judge: JudgeSettings): Evaluator {
  return {
    id: 'ev-own-endpoint',
    name: 'correctness',
    kind: 'llm_judge',
    criterion: 'correctness',
    sampleRate: 1,
    filter: {},
    enabled: true,
    params: {},
    judge,
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
  };
}

describe("an evaluator's own judge endpoint", () => {
  let t: TestApp;
  let instance: FakeJudge;
  let own: FakeJudge;
  let evaluators: Evaluator[];
  const judges: Judge[] = [];

  beforeEach(async () => {
    t = await makeTestApp();
    instance = await startFakeJudge(() => ({ score: 0.8 }));
    own = await startFakeJudge(() => ({ score: 0.3, reasoning: 'from the project endpoint' }));
    evaluators = [];
  });

  afterEach(async () => {
    for (const j of judges.splice(0)) await j.stop();
    await instance.close();
    await own.close();
    await t.close();
  });

  async function openJudge(allowedHosts: string[] = []): Promise<Judge> {
    const judge = await Judge.open({
      config: {
        baseUrl: instance.url,
        model: 'gpt-4o-mini',
        provider: 'openai',
        apiKey: INSTANCE_KEY,
        concurrency: 2,
        ratePerMinute: 60_000,
        settleMs: 0,
        timeoutMs: 2_000,
        dailyBudgetUsd: 5,
        maxQueue: 1_000,
      },
      store: t.ctx.store,
      pipeline: t.ctx.pipeline,
      pricer: t.ctx.pricer,
      evaluators: { evaluatorsOf: (p) => (p === 'default' ? evaluators : []) },
      metrics: t.ctx.metrics,
      logger: pino({ level: 'silent' }),
      queueDocument: new JsonFile<JudgeQueueDocument>(join(mkdtempSync(join(tmpdir(), 'lookout-judge-')), 'judge-queue.json')),
      allowedHosts,
    });
    t.ctx.pipeline.observe(judge);
    judges.push(judge);
    judge.start();
    return judge;
  }

  async function storedTrace(): Promise<string> {
    const traceId = hex(16);
    const span = makeSpan({ traceId, requestModel: 'gpt-4o-mini', attribution: { ...emptyAttribution(), feature: 'support' }, content: { input: 'Refund window?', output: 'Thirty days.' } });
    await t.ctx.pipeline.submit({ spans: [span], scores: [], logs: [] }, 'api');
    await t.ctx.pipeline.caughtUp();
    return traceId;
  }

  it('on a loopback address is refused before anything is sent, by address or by a name that resolves to one', async () => {
    const judge = await openJudge();
    const traceId = await storedTrace();
    const byAddress = await judge.trial('default', evaluator({ baseUrl: own.url }), traceId);
    expect(byAddress).toMatchObject({ outcome: 'failed', value: null, error: REFUSED });
    // A name is checked by what it resolves to when the connection is made.
    const byName = await judge.trial('default', evaluator({ baseUrl: own.url.replace('127.0.0.1', 'localhost'), apiKey: 'sk-own' }), traceId);
    expect(byName).toMatchObject({ outcome: 'failed', error: "refused: the judge's host resolves to a loopback address; allow it in alerts.notifications.allowedHosts" });
    expect(own.requests).toHaveLength(0);
    expect(instance.requests).toHaveLength(0);
  });

  it('refused in the worker is a failed evaluation naming the refusal, not retried, with no judge span', async () => {
    await openJudge();
    evaluators = [evaluator({ baseUrl: own.url })];
    const traceId = await storedTrace();
    const deadline = Date.now() + 10_000;
    let log;
    while (!(log = (await t.ctx.store.getTrace(P, traceId)).logs.find((l) => l.attributes['event.name'] === EVALUATION_EVENT_NAME))) {
      if (Date.now() > deadline) throw new Error('no failed evaluation was recorded');
      await new Promise((r) => setTimeout(r, 20));
      await t.ctx.pipeline.caughtUp();
    }
    expect(log.attributes['lookout.evaluation.type']).toBe('failed');
    expect(log.body).toContain(REFUSED);
    expect(own.requests).toHaveLength(0);
    const m = await t.ctx.metrics.evaluations.get();
    expect(m.values.find((v) => v.labels.kind === 'llm_judge' && v.labels.outcome === 'retried')).toBeUndefined();
    expect((await t.ctx.store.listSpans(P, { feature: EVALUATION_FEATURE }, { limit: 10, offset: 0 })).spans).toHaveLength(0);
  });

  it('allow-listed, is called with its own key or none, never the instance key', async () => {
    const judge = await openJudge(['127.0.0.1']);
    const traceId = await storedTrace();
    const keyless = await judge.trial('default', evaluator({ baseUrl: own.url }), traceId);
    expect(keyless).toMatchObject({ outcome: 'scored', value: 0.3, reasoning: 'from the project endpoint', error: null });
    const keyed = await judge.trial('default', evaluator({ baseUrl: own.url, apiKey: 'sk-own' }), traceId);
    expect(keyed.outcome).toBe('scored');
    expect(own.requests.map((r) => r.authorization)).toEqual([undefined, 'Bearer sk-own']);
    expect(instance.requests).toHaveLength(0);
  });

  it("is the instance's own when it names the instance's URL: trusted, and sent the instance key", async () => {
    const judge = await openJudge();
    const traceId = await storedTrace();
    const trial = await judge.trial('default', evaluator({ baseUrl: `${instance.url}/` }), traceId);
    expect(trial).toMatchObject({ outcome: 'scored', value: 0.8 });
    expect(instance.requests.map((r) => r.authorization)).toEqual([`Bearer ${INSTANCE_KEY}`]);
    // Without an override the instance's endpoint and key are used, as before.
    await judge.trial('default', evaluator({}), traceId);
    expect(instance.requests.map((r) => r.authorization)).toEqual([`Bearer ${INSTANCE_KEY}`, `Bearer ${INSTANCE_KEY}`]);
  });
});
