import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generation, makeTestApp, type TestApp } from '../../testing/app.ts';
import { hex } from '../../testing/fixtures.ts';

let t: TestApp;

async function ingest(batch: unknown[], headers: Record<string, string> = {}) {
  return t.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: { batch }, headers });
}

describe('POST /api/v1/ingest', () => {
  beforeEach(async () => {
    t = await makeTestApp();
  });
  afterEach(async () => {
    await t.close();
  });

  it('stores a generation, prices it from the catalog and explains the cost', async () => {
    const spanId = hex(8);
    const res = await ingest([generation({ spanId, traceId: hex(16), usage: { input: 1_000_000, output: 100_000, cacheRead: 200_000 } })]);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ accepted: 1, duplicates: 0, rejected: 0 });
    const span = (await t.app.inject(`/api/v1/spans/${spanId}`)).json();
    // OpenAI prompt tokens include cached ones: 800k uncached at $2.50/M, 200k cached at $1.25/M, 100k out at $10/M.
    expect(span.usage).toMatchObject({ input: 800_000, cacheRead: 200_000, output: 100_000 });
    expect(span.cost.totalNanoUsd).toBe(2_000_000_000 + 250_000_000 + 1_000_000_000);
    const cost = (await t.app.inject(`/api/v1/spans/${spanId}/cost`)).json();
    expect(cost.priceRowId).toMatch(/^catalog:openai\/gpt-4o/);
    expect(cost.catalogVersion).toMatch(/^genai-prices@/);
    expect(cost.lines.map((l: { bucket: string }) => l.bucket).sort()).toEqual(['cacheRead', 'input', 'output']);
  });

  it('echoes a given x-request-id and makes one when absent', async () => {
    const given = await ingest([generation()], { 'x-request-id': 'req-abc-123' });
    expect(given.headers['x-request-id']).toBe('req-abc-123');
    const made = await ingest([generation()]);
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('never double-counts a retried batch', async () => {
    const batch = [
      generation({ id: 'evt-1' }),
      generation({ spanId: hex(8), traceId: hex(16) }),
      { type: 'score', id: 'score-1', traceId: hex(16), name: 'thumbs', value: true },
      { type: 'log', id: 'log-1', body: 'hello' },
    ];
    const first = await ingest(batch);
    expect(first.json()).toMatchObject({ accepted: 4, duplicates: 0 });
    const retry = await ingest(batch);
    expect(retry.statusCode).toBe(200);
    expect(retry.json()).toMatchObject({ accepted: 0, duplicates: 4 });
    const list = (await t.app.inject('/api/v1/spans')).json();
    expect(list.total).toBe(2);
  });

  it("stores a score's metadata and gives it its trace's feature, application and model", async () => {
    const traceId = hex(16);
    const res = await ingest([
      generation({ traceId, spanId: hex(8), feature: 'doc-search', application: 'helpdesk', model: 'gpt-4o' }),
      { type: 'score', id: 'score-ctx', traceId, name: 'relevance', value: 0.4, metadata: { rubric: 'v2', strict: true } },
    ]);
    expect(res.statusCode).toBe(200);
    const { scores } = (await t.app.inject(`/api/v1/scores?traceId=${traceId}`)).json();
    expect(scores).toMatchObject([{ id: 'score-ctx', feature: 'doc-search', application: 'helpdesk', model: 'gpt-4o', metadata: { rubric: 'v2', strict: 'true' } }]);
  });

  it('answers 207 with a per-item error naming the field, and keeps the good items', async () => {
    const good = hex(8);
    const res = await ingest([
      generation({ spanId: good }),
      generation({ usage: { input: -5, output: 1 } }),
      generation({ usage: { input: Number.NaN } }),
      { type: 'teleport' },
    ]);
    expect(res.statusCode).toBe(207);
    const body = res.json();
    expect(body).toMatchObject({ accepted: 1, rejected: 3 });
    expect(body.results[0].status).toBe('accepted');
    expect(body.results[1].error).toContain('batch[1].usage.input: must not be negative');
    expect(body.results[2].error).toContain('batch[2].usage.input');
    expect(body.results[3].error).toContain("batch[3].type: unknown event type \"teleport\"");
    expect((await t.app.inject(`/api/v1/spans/${good}`)).statusCode).toBe(200);
  });

  it.each([
    ['a wrong type', generation({ model: 42 }), 'batch[0].model'],
    ['a missing start time', { type: 'generation', model: 'gpt-4o' }, 'batch[0].startTime'],
    ['a timestamp in 1998', generation({ startTime: 900_000_000_000 }), 'before 2000-01-01'],
    ['a date-time without an offset', generation({ startTime: '2026-01-02T10:00:00' }), "batch[0].startTime: '2026-01-02T10:00:00' has no offset: add Z for UTC"],
    ['a timestamp in 2100', generation({ startTime: '2100-01-01T00:00:00Z' }), 'in the future'],
    ['an end before the start', generation({ startTime: '2026-01-02T00:00:00Z', endTime: '2026-01-01T00:00:00Z', durationMs: undefined }), 'batch[0].endTime: is before startTime'],
    ['fractional tokens', generation({ usage: { input: 1.5 } }), 'whole number'],
    ['an unknown field', generation({ colour: 'red' }), 'colour'],
    ['a bad trace id', generation({ traceId: 'xyz' }), 'batch[0].traceId: must be 32 hex characters'],
    ['a score of the wrong type', { type: 'score', id: 's', traceId: hex(16), name: 'n', value: 'x', dataType: 'numeric' }, 'batch[0].value'],
    ['a metadata value over 10,000 characters', generation({ metadata: { note: 'x'.repeat(10_001) } }), 'batch[0].metadata.note: must be at most 10000 characters'],
    ['a log attribute value over 10,000 characters', { type: 'log', id: 'l1', body: 'b', attributes: { a: 'x'.repeat(10_001) } }, 'batch[0].attributes.a: must be at most 10000 characters'],
    ['a score with over 100 metadata keys', { type: 'score', id: 's2', traceId: hex(16), name: 'n', value: 1, metadata: Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`k${i}`, i])) }, 'batch[0].metadata: at most 100 keys'],
    ['a score naming its own feature (Lookout fills it from the trace)', { type: 'score', id: 's3', traceId: hex(16), name: 'n', value: 1, feature: 'chat' }, 'feature'],
    ['a log with over 100 attributes', { type: 'log', id: 'l2', body: 'b', attributes: Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`k${i}`, i])) }, 'batch[0].attributes: at most 100 keys'],
  ])('rejects %s with a 400 naming the problem', async (_name, item, expected) => {
    const res = await ingest([item]);
    expect(res.statusCode).toBe(400);
    expect(res.json().results[0].error).toContain(expected);
  });

  it('reads a time as every route does: an offset, epoch seconds and epoch milliseconds give the same instant', async () => {
    const at = Date.UTC(2026, 0, 2, 10, 0, 0);
    const spellings = ['2026-01-02T10:00:00Z', '2026-01-02T11:00:00+01:00', at / 1000, at, String(at / 1000)];
    const res = await ingest(spellings.map((startTime, i) => generation({ id: `time-spelling-${i}`, startTime, durationMs: 10 })));
    expect(res.statusCode).toBe(200);
    const starts = await Promise.all(
      res.json().results.map(async (r: { spanId: string }) => (await t.app.inject(`/api/v1/spans/${r.spanId}`)).json().startUs),
    );
    expect(starts).toEqual(spellings.map(() => at * 1000));
  });

  it('rejects invalid JSON, invalid UTF-8, a body that is not a batch, and other content types with clear 4xx', async () => {
    const bad = await t.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: '{"batch": [', headers: { 'content-type': 'application/json' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({ code: 'invalid_json' });
    const utf = await t.app.inject({
      method: 'POST',
      url: '/api/v1/ingest',
      payload: Buffer.from([0x7b, 0x22, 0x62, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]),
      headers: { 'content-type': 'application/json' },
    });
    expect(utf.statusCode).toBe(400);
    expect(utf.json().error.code).toBe('invalid_utf8');
    const shape = await t.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: { items: [] } });
    expect(shape.statusCode).toBe(400);
    expect(shape.json().error.message).toContain('batch');
    const xml = await t.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: '<batch/>', headers: { 'content-type': 'application/xml' } });
    expect(xml.statusCode).toBe(415);
    const gz = await t.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: gzipSync('{"batch":[]}'), headers: { 'content-type': 'application/octet-stream' } });
    expect(gz.statusCode).toBe(415);
  });
});

describe('limits', () => {
  afterEach(async () => {
    await t.close();
  });

  it('answers 413 for a body over the limit and for too many items', async () => {
    t = await makeTestApp({ ingest: { maxBodyBytes: 2_000, maxBatchItems: 3 } });
    const big = await ingest([generation({ input: 'x'.repeat(5_000) })]);
    expect(big.statusCode).toBe(413);
    expect(big.json().error.message).toContain('2000 bytes');
    const many = await ingest([generation(), generation(), generation(), generation()]);
    expect(many.statusCode).toBe(413);
    expect(many.json().error.message).toContain('at most 3');
  });

  it('answers 429 with Retry-After when the write queue is full, and loses nothing it accepted', async () => {
    t = await makeTestApp({ ingest: { maxQueueRows: 5 } });
    const responses = await Promise.all(Array.from({ length: 8 }, () => ingest([generation(), generation(), generation()])));
    const codes = responses.map((r) => r.statusCode);
    expect(codes).toContain(429);
    const refused = responses.find((r) => r.statusCode === 429)!;
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.json().error.code).toBe('queue_full');
    const acceptedCount = responses.filter((r) => r.statusCode === 200).reduce((n, r) => n + r.json().accepted, 0);
    expect(acceptedCount).toBeGreaterThan(0);
    expect((await t.app.inject('/api/v1/spans')).json().total).toBe(acceptedCount);
    expect(await t.app.inject('/metrics').then((r) => r.body)).toMatch(/lookout_ingest_dropped_total\{reason="queue_full"\} [1-9]/);
  });
});
