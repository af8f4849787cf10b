import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LookoutError } from '../../errors.ts';
import { makeTestApp, type TestApp } from '../../testing/app.ts';
import { lookoutSpanId, lookoutTraceId, traceRootSpanId } from './ids.ts';

// What the ingestion endpoint refuses, and what it keeps when a write is refused.

let t: TestApp;
const IDLE_MS = 150;

function ev(type: string, body: Record<string, unknown>, timestamp = new Date().toISOString()) {
  return { id: randomUUID(), type, timestamp, body };
}

async function ingest(batch: unknown[], payload: Record<string, unknown> = { metadata: {} }) {
  return t.app.inject({ method: 'POST', url: '/api/public/ingestion', payload: { ...payload, batch } });
}

async function trace(langfuseTraceId: string) {
  const res = await t.app.inject(`/api/v1/traces/${lookoutTraceId(langfuseTraceId)}`);
  return res.statusCode === 200 ? res.json() : null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const refused = () => new LookoutError('queue_full', 'the write queue is full', { retryAfterSeconds: 1 });

describe('POST /api/public/ingestion limits', () => {
  beforeEach(async () => {
    t = await makeTestApp({ ingest: { langfuseIdleMs: IDLE_MS } });
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await t.close();
  });

  it('refuses times before 2000 or more than a day ahead, in the body and the envelope, and the store keeps loading', async () => {
    const traceId = randomUUID();
    const now = new Date().toISOString();
    const gen = (startTime: string, endTime: string) => ev('generation-create', { id: randomUUID(), traceId, startTime, endTime, model: 'gpt-4o' });
    const cases = [
      gen('-271821-04-20T00:00:00Z', '+275760-09-13T00:00:00Z'),
      gen(now, '+275760-09-13T00:00:00Z'),
      gen('1900-01-01T00:00:00Z', now),
      gen(now, new Date(Date.now() + 2 * 86_400_000).toISOString()),
      ev('trace-create', { id: traceId, timestamp: '9999-01-01T00:00:00Z' }),
      ev('score-create', { traceId, name: 'q', value: 1 }, '-271821-04-20T00:00:00Z'),
    ];
    const good = ev('span-create', { id: randomUUID(), traceId, startTime: now, endTime: now });
    const res = await ingest([...cases, good]);
    expect(res.statusCode).toBe(207);
    const body = res.json();
    expect(body.successes).toEqual([{ id: good.id, status: 201 }]);
    expect(body.errors.map((e: { id: string; status: number }) => [e.id, e.status])).toEqual(cases.map((c) => [c.id, 400]));
    expect(body.errors[0].message).toMatch(/^batch\[0\]\.body\.startTime: is before 2000-01-01/);
    expect(body.errors[1].message).toMatch(/^batch\[1\]\.body\.endTime: is more than 24 hours in the future/);
    expect(body.errors[5].message).toMatch(/^batch\[5\]\.timestamp: is before 2000-01-01/);
    expect(await trace(traceId)).toMatchObject({ spans: [{ spanId: lookoutSpanId(good.body.id as string) }] });
    expect((await t.app.inject('/api/v1/traces')).statusCode).toBe(200);
  });

  it('refuses a reported cost over 1e6 USD, however it is given', async () => {
    const traceId = randomUUID();
    const now = new Date().toISOString();
    const gen = (extra: Record<string, unknown>) => ev('generation-create', { id: randomUUID(), traceId, startTime: now, endTime: now, model: 'gpt-4o', ...extra });
    const cases = [
      gen({ calculatedTotalCost: 1e300 }),
      gen({ costDetails: { total: 1e12 } }),
      gen({ costDetails: { input: 900_000, output: 900_000 } }),
      gen({ usage: { input: 1, output: 1, totalCost: 2e6 } }),
      gen({ usage: { input: 1e300 } }),
    ];
    const good = gen({ costDetails: { total: 0.5 } });
    const res = await ingest([...cases, good]);
    const body = res.json();
    expect(body.successes).toEqual([{ id: good.id, status: 201 }]);
    expect(body.errors.map((e: { id: string }) => e.id)).toEqual(cases.map((c) => c.id));
    expect(body.errors[0].message).toMatch(/calculatedTotalCost: must be at most 1000000 USD/);
    expect(body.errors[2].message).toMatch(/costDetails: its parts add up to more than 1000000 USD/);
    const got = await trace(traceId);
    expect(got.spans[0].cost).toMatchObject({ status: 'provider_reported', totalNanoUsd: 500_000_000 });
    expect((await t.app.inject('/api/v1/traces')).statusCode).toBe(200);
  });

  it('refuses an event nested deeper than the stack on its own, and takes a batch without metadata', async () => {
    const levels = 10_000;
    const deep = `${'{"d":'.repeat(levels)}"leaf"${'}'.repeat(levels)}`;
    const traceId = randomUUID();
    const bad = ev('trace-create', { id: randomUUID(), metadata: '<deep>' });
    const good = ev('trace-create', { id: traceId, name: 'fine' });
    const payload = JSON.stringify({ batch: [bad, good] }).replace('"<deep>"', deep);
    const res = await t.app.inject({ method: 'POST', url: '/api/public/ingestion', headers: { 'content-type': 'application/json' }, payload });
    expect(res.statusCode).toBe(207);
    expect(res.json().successes).toEqual([{ id: good.id, status: 201 }]);
    expect(res.json().errors).toMatchObject([{ id: bad.id, status: 400, message: 'batch[0].body: is nested too deeply' }]);
  });

  it('keeps a create held from an earlier batch when the write completing it is refused, and writes it on the retry', async () => {
    const traceId = randomUUID();
    const spanId = randomUUID();
    const start = new Date(Date.now() - 5000);
    await ingest([ev('span-create', { id: spanId, traceId, name: 'step', startTime: start.toISOString(), input: 'question' })]);
    const update = ev('span-update', { id: spanId, traceId, endTime: new Date(start.getTime() + 800).toISOString(), output: 'answer' });
    vi.spyOn(t.ctx.pipeline, 'submit').mockRejectedValueOnce(refused());
    expect((await ingest([update])).statusCode).toBe(429);
    // The SDK retries the same batch.
    expect((await ingest([update])).statusCode).toBe(207);
    const got = await trace(traceId);
    expect(got.spans).toHaveLength(1);
    expect(got.spans[0]).toMatchObject({ name: 'step', content: { input: 'question', output: 'answer' } });
    expect(got.spans[0].endUs - got.spans[0].startUs).toBe(800_000);
  });

  it('keeps idle spans when their write is refused and writes them on a later sweep', async () => {
    const traceId = randomUUID();
    const spanId = randomUUID();
    const submit = vi.spyOn(t.ctx.pipeline, 'submit').mockRejectedValueOnce(refused());
    await ingest([ev('trace-create', { id: traceId, name: 't' }), ev('span-create', { id: spanId, traceId, startTime: new Date().toISOString() })]);
    await vi.waitFor(() => expect(submit).toHaveBeenCalledTimes(1), { timeout: 2_000 });
    // Retried after a pause of at least a second.
    await vi.waitFor(async () => expect((await trace(traceId))?.spans).toHaveLength(2), { timeout: 5_000, interval: 100 });
    const spans = (await trace(traceId)).spans.map((s: { spanId: string }) => s.spanId).sort();
    expect(spans).toEqual([lookoutSpanId(spanId), traceRootSpanId(traceId)].sort());
  });
});
