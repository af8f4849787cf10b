import * as zlib from 'node:zlib';
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../../testing/app.ts';
import { CHAT_ATTRIBUTES, LOG_TRACE, logsFixture, metricsFixture, traceFixture } from './otel-fixtures.testing.ts';
import { AggregationTemporality } from '@opentelemetry/sdk-metrics';

let t: TestApp;

beforeEach(async () => {
  t = await makeTestApp();
});
afterEach(async () => {
  await t.close();
});

const zstdCompressSync = (zlib as { zstdCompressSync?: (b: Buffer) => Buffer }).zstdCompressSync;

interface StoredSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  name: string;
  requestModel: string | null;
  status: string;
  errorMessage: string | null;
  usage: Record<string, number>;
  metadata: Record<string, string>;
}
const bySpanId = (a: { spanId: string }, b: { spanId: string }) => a.spanId.localeCompare(b.spanId);

const post = (url: string, payload: Buffer, headers: Record<string, string>) => t.app.inject({ method: 'POST', url, payload, headers });

describe('OTLP/HTTP routes', () => {
  it.each([
    ['protobuf', 'application/x-protobuf'],
    ['json', 'application/json'],
  ] as const)('stores spans exported as %s, priced and mapped, and answers in the same encoding', async (encoding, contentType) => {
    const fixture = await traceFixture();
    const res = await post('/v1/traces', fixture[encoding], { 'content-type': contentType });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain(contentType);
    const chat = fixture.spans.find((s) => s.attributes['gen_ai.request.model'] === 'gpt-4o')!;
    const traceId = chat.spanContext().traceId;
    const trace = (await t.app.inject(`/api/v1/traces/${traceId}`)).json();
    expect(trace.spans).toHaveLength(fixture.spans.length);
    const stored = trace.spans.find((s: { spanId: string }) => s.spanId === chat.spanContext().spanId);
    expect(stored).toMatchObject({ kind: 'generation', requestModel: 'gpt-4o', attribution: { application: 'checkout', environment: 'test' } });
    expect(stored.usage.input + stored.usage.cacheRead).toBe(1234);
    expect(stored.usage.output).toBe(56);
    expect(stored.cost.status).toBe('priced');
    // The catalog's gpt-4o prices ($2.50 in, $10 out per 1M tokens), not Lookout's pricer:
    // 1,234 × 2.50 × 1000 + 56 × 10 × 1000 nano-dollars.
    expect(stored.cost.totalNanoUsd).toBe(3_085_000 + 560_000);
    // Exported again (an exporter retry): stored once.
    await post('/v1/traces', fixture[encoding], { 'content-type': contentType });
    expect((await t.app.inject(`/api/v1/spans?traceId=${traceId}`)).json().total).toBe(fixture.spans.length);
  });

  it('accepts gzip bodies and refuses undecodable ones, unknown types and gzip bombs per the spec', async () => {
    const fixture = await traceFixture();
    const gz = await post('/v1/traces', gzipSync(fixture.protobuf), { 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' });
    expect(gz.statusCode).toBe(200);
    const bad = await post('/v1/traces', Buffer.from('{"resourceSpans": 5}'), { 'content-type': 'application/json' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toBeTruthy();
    const random = await post('/v1/traces', Buffer.from([0xff, 0x01, 0x02, 0x99, 0x88]), { 'content-type': 'application/x-protobuf' });
    expect(random.statusCode).toBe(400);
    const xml = await post('/v1/traces', Buffer.from('<x/>'), { 'content-type': 'application/xml' });
    expect(xml.statusCode).toBe(415);
    const bomb = gzipSync(Buffer.alloc(t.ctx.config.ingest.maxBodyBytes * 10));
    const boom = await post('/v1/traces', bomb, { 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' });
    expect(boom.statusCode).toBe(413);
  });

  // Every Content-Encoding the server takes, each on a trace of its own (so a body that decoded
  // wrong cannot pass as a duplicate of an earlier one), read back through the span API.
  it.each([
    ['gzip', (b: Buffer) => gzipSync(b)],
    ['x-gzip', (b: Buffer) => gzipSync(b)],
    ['deflate', (b: Buffer) => deflateSync(b)],
    ['deflate (raw)', (b: Buffer) => deflateRawSync(b)],
    ['br', (b: Buffer) => brotliCompressSync(b)],
    ...(zstdCompressSync ? [['zstd', (b: Buffer) => zstdCompressSync!(b)] as const] : []),
  ] as const)('stores exactly the spans of a %s body, protobuf and JSON', async (coding, compress) => {
    const header = coding.replace(' (raw)', '');
    for (const [encoding, contentType] of [['protobuf', 'application/x-protobuf'], ['json', 'application/json']] as const) {
      const fixture = await traceFixture();
      const body = compress(fixture[encoding]);
      expect(body.equals(fixture[encoding])).toBe(false);
      const res = await post('/v1/traces', body, { 'content-type': contentType, 'content-encoding': header });
      expect(res.statusCode, `${coding} ${encoding}: ${res.body}`).toBe(200);
      const traceId = fixture.spans[0]!.spanContext().traceId;
      const stored = (await t.app.inject(`/api/v1/spans?traceId=${traceId}&limit=10`)).json().spans as StoredSpan[];
      const sent = fixture.spans.map((s) => ({ traceId: s.spanContext().traceId, spanId: s.spanContext().spanId, parentSpanId: s.parentSpanContext?.spanId ?? null, name: s.name }));
      expect(stored.map((s) => ({ traceId: s.traceId, spanId: s.spanId, parentSpanId: s.parentSpanId, name: s.name })).sort(bySpanId)).toEqual(sent.sort(bySpanId));
      const chat = stored.find((s) => s.name === 'chat gpt-4o')!;
      expect(chat).toMatchObject({ requestModel: 'gpt-4o', status: 'error', errorMessage: 'rate limited', attribution: { application: 'checkout', environment: 'test' } });
      expect(chat.usage.input + chat.usage.cacheRead).toBe(CHAT_ATTRIBUTES['gen_ai.usage.input_tokens']);
      expect(chat.usage.output).toBe(CHAT_ATTRIBUTES['gen_ai.usage.output_tokens']);
      expect(chat.metadata).toMatchObject({ 'lookout.unicode': CHAT_ATTRIBUTES['lookout.unicode'], 'lookout.int_array': '[1,2,3]', 'gen_ai.request.temperature': '0.25' });
      expect(stored.find((s) => s.name === 'execute_tool get_weather')!.metadata['gen_ai.tool.name']).toBe('get_weather');
    }
  });

  it('stores log records linked to their trace', async () => {
    const fixture = await logsFixture();
    const res = await post('/v1/logs', fixture.protobuf, { 'content-type': 'application/x-protobuf' });
    expect(res.statusCode).toBe(200);
    const logs = (await t.app.inject('/api/v1/logs')).json().logs as { traceId: string | null; attributes: Record<string, string> }[];
    expect(logs).toHaveLength(fixture.records.length);
    expect(logs.some((l) => l.traceId === LOG_TRACE.traceId)).toBe(true);
    await post('/v1/logs', fixture.protobuf, { 'content-type': 'application/x-protobuf' });
    expect((await t.app.inject('/api/v1/logs')).json().logs).toHaveLength(fixture.records.length);
  });

  it('stores GenAI metrics and answers per series, cumulative and delta alike', async () => {
    for (const temporality of [AggregationTemporality.CUMULATIVE, AggregationTemporality.DELTA]) {
      const local = await makeTestApp();
      try {
        const fixture = await metricsFixture(temporality);
        const send = () => local.app.inject({ method: 'POST', url: '/v1/metrics', payload: fixture.protobuf, headers: { 'content-type': 'application/x-protobuf' } });
        expect((await send()).statusCode).toBe(200);
        expect((await send()).statusCode).toBe(200); // a retried export stores nothing new
        const names = (await local.app.inject('/api/v1/otel-metrics?from=3650d')).json().metrics as { name: string; points: number }[];
        expect(names.find((m) => m.name === 'gen_ai.client.token.usage')?.points).toBe(2);
        const usage = (await local.app.inject('/api/v1/otel-metrics/gen_ai.client.token.usage?from=3650d')).json();
        const input = usage.series.find((s: { attributes: Record<string, string> }) => s.attributes['gen_ai.token.type'] === 'input');
        expect(input).toMatchObject({ kind: 'histogram', count: 2, sum: 1334, min: 100, max: 1234, service: 'checkout' });
        expect(input.bucketCounts.reduce((a: number, b: number) => a + b, 0)).toBe(2);
        const duration = (await local.app.inject('/api/v1/otel-metrics/gen_ai.client.operation.duration?from=3650d')).json();
        expect(duration.series[0]).toMatchObject({ count: 2, sum: 3.75, avg: 1.875 });
        expect((await local.app.inject('/api/v1/otel-metrics/no.such.metric?from=3650d')).statusCode).toBe(404);
      } finally {
        await local.close();
      }
    }
  });

  it('attaches GenAI events that arrive as logs to their span, whichever came first', async () => {
    const traceId = 'a'.repeat(32);
    const spanId = 'b'.repeat(16);
    const start = Date.now() - 2_000;
    const span = { type: 'generation', traceId, spanId, startTime: start, durationMs: 500, provider: 'openai', model: 'gpt-4o-mini', usage: { input: 10, output: 5 } };
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: { batch: [span] } })).statusCode).toBe(200);
    const event = (name: string, body: unknown): Record<string, unknown> => ({
      timeUnixNano: String(BigInt(start) * 1_000_000n),
      eventName: name,
      traceId,
      spanId,
      body: { kvlistValue: { values: Object.entries(body as Record<string, unknown>).map(([key, v]) => ({ key, value: typeof v === 'string' ? { stringValue: v } : { intValue: String(v) } })) } },
    });
    const logs = {
      resourceLogs: [{ resource: { attributes: [] }, scopeLogs: [{ scope: { name: 'openai' }, logRecords: [
        event('gen_ai.user.message', { content: 'Where is my order?' }),
        event('gen_ai.choice', { index: 0, finish_reason: 'stop' }),
      ] }] }],
    };
    // The choice event's message is nested; send it as the body's JSON form the SDKs use.
    logs.resourceLogs[0].scopeLogs[0].logRecords[1].body = { kvlistValue: { values: [
      { key: 'index', value: { intValue: '0' } },
      { key: 'finish_reason', value: { stringValue: 'stop' } },
      { key: 'message', value: { kvlistValue: { values: [{ key: 'role', value: { stringValue: 'assistant' } }, { key: 'content', value: { stringValue: 'It ships tomorrow.' } }] } } },
    ] } };
    const res = await post('/v1/logs', Buffer.from(JSON.stringify(logs)), { 'content-type': 'application/json' });
    expect(res.statusCode).toBe(200);
    const stored = (await t.app.inject(`/api/v1/spans/${spanId}`)).json();
    expect(stored.content.input).toContain('Where is my order?');
    expect(stored.content.output).toContain('It ships tomorrow.');
    expect(stored.promptHash).toMatch(/^[0-9a-f]+$/);
    const trace = (await t.app.inject(`/api/v1/traces/${traceId}`)).json();
    expect(trace.spans[0].content.output).toContain('It ships tomorrow.');
    expect(trace.logs).toHaveLength(2);
  });
});
