import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../../testing/app.ts';
import { lookoutSpanId, lookoutTraceId, traceRootSpanId } from './ids.ts';

let t: TestApp;
const IDLE_MS = 150;

function ev(type: string, body: Record<string, unknown>, timestamp = new Date().toISOString()) {
  return { id: randomUUID(), type, timestamp, body };
}

async function ingest(batch: unknown[]) {
  return t.app.inject({ method: 'POST', url: '/api/public/ingestion', payload: { batch, metadata: { sdk_name: 'test' } } });
}

async function trace(langfuseTraceId: string) {
  const res = await t.app.inject(`/api/v1/traces/${lookoutTraceId(langfuseTraceId)}`);
  return res.statusCode === 200 ? res.json() : null;
}

const waitIdle = () => new Promise((r) => setTimeout(r, IDLE_MS * 3));

describe('POST /api/public/ingestion', () => {
  beforeEach(async () => {
    t = await makeTestApp({ ingest: { langfuseIdleMs: IDLE_MS } });
  });
  afterEach(async () => {
    await t.close();
  });

  it('answers 207 per event: a malformed event is an error entry and the others are taken', async () => {
    const traceId = randomUUID();
    const good = ev('trace-create', { id: traceId, name: 'chat' });
    const badBody = ev('generation-create', { id: randomUUID(), traceId, usage: { input: -3 } });
    const unknownType = { id: 'e-3', type: 'dataset-create', timestamp: new Date().toISOString(), body: {} };
    const log = ev('sdk-log', { log: 'hello' });
    const res = await ingest([good, badBody, unknownType, log, 'not an event']);
    expect(res.statusCode).toBe(207);
    const body = res.json();
    expect(body.successes).toEqual([
      { id: good.id, status: 201 },
      { id: log.id, status: 201 },
    ]);
    expect(body.errors).toHaveLength(3);
    expect(body.errors[0]).toMatchObject({ id: badBody.id, status: 400, error: 'invalid_request' });
    expect(body.errors[0].message).toMatch(/^batch\[1\]\.body\.usage\.input: /);
    expect(body.errors[1]).toMatchObject({ id: 'e-3', status: 400 });
    expect(body.errors[1].message).toMatch(/batch\[2\]\.type/);
    expect(body.errors[2]).toMatchObject({ id: '4', status: 400 });
  });

  it('refuses a body that is not a batch, a batch over ingest.maxBatchItems and a body over ingest.maxBodyBytes', async () => {
    const notBatch = await t.app.inject({ method: 'POST', url: '/api/public/ingestion', payload: { events: [] } });
    expect(notBatch.statusCode).toBe(400);
    expect(notBatch.json().error.message).toMatch(/batch/);
    await t.close();
    t = await makeTestApp({ ingest: { maxBatchItems: 2 } });
    const big = await ingest([ev('sdk-log', {}), ev('sdk-log', {}), ev('sdk-log', {})]);
    expect(big.statusCode).toBe(413);
    expect(big.json().error.code).toBe('batch_too_large');
    await t.close();
    t = await makeTestApp({ ingest: { maxBodyBytes: 1_000 } });
    const heavy = await ingest([ev('sdk-log', { log: 'x'.repeat(2_000) })]);
    expect(heavy.statusCode).toBe(413);
    expect(heavy.json().error.code).toBe('body_too_large');
  });

  it('merges an update sent before its create in one batch, and prices the generation from the catalog', async () => {
    const traceId = randomUUID();
    const genId = randomUUID();
    const start = new Date(Date.now() - 2000);
    const end = new Date(start.getTime() + 1500);
    const res = await ingest([
      ev('trace-create', { id: traceId, name: 'chat', userId: 'u-1', sessionId: 's-1', tags: ['beta'], metadata: { plan: 'pro' } }),
      // langfuse@3 can put the update first: its fields must win over the create's.
      ev('generation-update', { id: genId, traceId, name: 'llm', endTime: end.toISOString(), output: { role: 'assistant', content: 'hi' }, usageDetails: { input: 1000, output: 200 } }, end.toISOString()),
      ev('generation-create', { id: genId, traceId, name: 'draft', startTime: start.toISOString(), model: 'gpt-4o-mini', modelParameters: { temperature: 0.2 }, input: 'hello', completionStartTime: new Date(start.getTime() + 300).toISOString() }, end.toISOString()),
    ]);
    expect(res.json().errors).toEqual([]);
    const got = await trace(traceId);
    const gen = got.spans.find((s: { spanId: string }) => s.spanId === lookoutSpanId(genId));
    expect(gen).toMatchObject({
      name: 'llm',
      kind: 'generation',
      parentSpanId: traceRootSpanId(traceId),
      requestModel: 'gpt-4o-mini',
      usage: { input: 1000, output: 200 },
      ttftMs: 300,
      attribution: { userId: 'u-1', sessionId: 's-1' },
      metadata: {
        'langfuse.trace_id': traceId,
        'langfuse.observation_id': genId,
        'langfuse.observation_type': 'generation',
        'langfuse.model_parameters.temperature': '0.2',
      },
    });
    // gpt-4o-mini: $0.15/M input, $0.60/M output.
    expect(gen.cost).toMatchObject({ status: 'priced', totalNanoUsd: 1000 * 150 + 200 * 600 });
    expect(gen.endUs - gen.startUs).toBe(1_500_000);
  });

  it('holds a created observation until its end arrives in a later batch, then writes it once', async () => {
    const traceId = randomUUID();
    const spanId = randomUUID();
    const start = new Date(Date.now() - 5000);
    await ingest([ev('trace-create', { id: traceId, name: 't' }), ev('span-create', { id: spanId, traceId, name: 'step', startTime: start.toISOString(), input: { q: 1 } })]);
    expect(await trace(traceId)).toBeNull();
    await ingest([ev('span-update', { id: spanId, traceId, endTime: new Date(start.getTime() + 800).toISOString(), output: 'done' })]);
    const got = await trace(traceId);
    expect(got.spans).toHaveLength(1);
    expect(got.spans[0]).toMatchObject({ name: 'step', kind: 'other', content: { output: 'done' } });
    expect(got.spans[0].endUs - got.spans[0].startUs).toBe(800_000);
    await waitIdle();
    const after = await trace(traceId);
    const root = after.spans.find((s: { spanId: string }) => s.spanId === traceRootSpanId(traceId));
    expect(root).toMatchObject({ name: 't', kind: 'chain', parentSpanId: null, metadata: { 'langfuse.observation_type': 'trace', 'langfuse.trace_id': traceId } });
    expect(after.spans).toHaveLength(2);
  });

  it('takes calculatedTotalCost as provider-reported, and a level ERROR as a failed span', async () => {
    const traceId = randomUUID();
    const genId = randomUUID();
    const now = new Date().toISOString();
    await ingest([
      ev('generation-create', {
        id: genId, traceId, startTime: now, endTime: now, model: 'gpt-4o-mini', usage: { input: 10, output: 5, unit: 'TOKENS' },
        calculatedTotalCost: 0.0123, level: 'ERROR', statusMessage: 'rate limited',
      }),
    ]);
    const gen = (await trace(traceId)).spans[0];
    expect(gen.cost).toMatchObject({ status: 'provider_reported', totalNanoUsd: 12_300_000 });
    expect(gen).toMatchObject({ status: 'error', errorMessage: 'rate limited', usage: { input: 10, output: 5 }, metadata: { 'langfuse.level': 'ERROR' } });
  });

  it('stores a score on the trace and an observation, and refuses one without a trace', async () => {
    const traceId = randomUUID();
    const obsId = randomUUID();
    const now = new Date().toISOString();
    const score = ev('score-create', { id: 'score-1', traceId, observationId: obsId, name: 'quality', value: 0.9, comment: 'good' });
    const bool = ev('score-create', { traceId, name: 'ok', value: 1, dataType: 'BOOLEAN' });
    const sessionOnly = ev('score-create', { sessionId: 's', name: 'x', value: 1 });
    const wrongType = ev('score-create', { traceId, name: 'x', value: 'yes', dataType: 'NUMERIC' });
    const res = await ingest([ev('event-create', { id: obsId, traceId, name: 'clicked', startTime: now }), score, bool, sessionOnly, wrongType]);
    expect(res.json().errors.map((e: { id: string }) => e.id)).toEqual([sessionOnly.id, wrongType.id]);
    const got = await trace(traceId);
    expect(got.spans[0]).toMatchObject({ name: 'clicked', metadata: { 'langfuse.observation_type': 'event' } });
    const byName = Object.fromEntries(got.scores.map((s: { name: string }) => [s.name, s]));
    expect(byName.quality).toMatchObject({ id: 'score-1', spanId: lookoutSpanId(obsId), dataType: 'numeric', numericValue: 0.9, comment: 'good' });
    expect(byName.ok).toMatchObject({ id: bool.id, dataType: 'boolean', numericValue: 1 });
  });

  it('writes what is still waiting when the server closes', async () => {
    const traceId = randomUUID();
    const spanId = randomUUID();
    await t.close();
    t = await makeTestApp({ ingest: { langfuseIdleMs: 3_600_000 } });
    await ingest([ev('trace-create', { id: traceId, name: 't' }), ev('span-create', { id: spanId, traceId, startTime: new Date().toISOString() })]);
    const written: string[] = [];
    t.ctx.pipeline.observe({ onAccepted: (spans) => written.push(...spans.map((s) => s.spanId)) });
    await t.app.close();
    expect(written.sort()).toEqual([lookoutSpanId(spanId), traceRootSpanId(traceId)].sort());
  });
});

describe('GET /api/public/health', () => {
  it('answers OK without a key', async () => {
    t = await makeTestApp();
    const res = await t.app.inject('/api/public/health');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'OK' });
    await t.close();
  });
});
