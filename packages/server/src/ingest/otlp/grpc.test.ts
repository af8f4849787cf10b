import { Client, credentials, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { projectId } from '../../store/store.ts';
import { makeTestApp, type TestApp } from '../../testing/app.ts';
import { startOtlpGrpc, OTLP_GRPC_SERVICES, type OtlpGrpcServer } from './grpc.ts';
import { LOG_TRACE, logsFixture, metricsFixture, traceFixture } from './otel-fixtures.testing.ts';
import { decodeMessage, encodeMessage, ExportLogsServiceRequest, ExportLogsServiceResponse, ExportTraceServiceRequest, ExportTraceServiceResponse, RpcStatus } from './proto.ts';

let t: TestApp | undefined;
let server: OtlpGrpcServer | undefined;
let client: Client | undefined;
let gzipClient: Client | undefined;

afterEach(async () => {
  client?.close();
  gzipClient?.close();
  gzipClient = undefined;
  await server?.close();
  await t?.close();
  client = server = t = undefined;
});

async function start(flags: Parameters<typeof makeTestApp>[0] = {}): Promise<void> {
  t = await makeTestApp(flags);
  server = await startOtlpGrpc(t.ctx, { host: '127.0.0.1', port: 0 });
  client = new Client(`127.0.0.1:${server.port}`, credentials.createInsecure());
}

interface Reply {
  error: ServiceError | null;
  response: Buffer | undefined;
}

// A unary Export call with raw bytes both ways: the identity (de)serializers the server uses.
// With gzip, a client that compresses its messages (grpc-encoding: gzip) makes the call.
function exportCall(signal: keyof typeof OTLP_GRPC_SERVICES, body: Buffer, metadata = new Metadata(), gzip = false): Promise<Reply> {
  const identity = (b: Buffer) => b;
  const via = gzip ? (gzipClient ??= new Client(`127.0.0.1:${server!.port}`, credentials.createInsecure(), { 'grpc.default_compression_algorithm': 2 })) : client!;
  return new Promise((resolve) => {
    via.makeUnaryRequest(`/${OTLP_GRPC_SERVICES[signal]}/Export`, identity, identity, body, metadata, (error, response) =>
      resolve({ error: error ?? null, response }),
    );
  });
}

function bearer(key: string): Metadata {
  const m = new Metadata();
  m.set('authorization', `Bearer ${key}`);
  return m;
}

describe('OTLP/gRPC', () => {
  it('stores spans exported with the official serializer, gzip-compressed or not, once', async () => {
    await start();
    const fixture = await traceFixture();
    const res = await exportCall('traces', fixture.protobuf);
    expect(res.error).toBeNull();
    expect(res.response!.length).toBe(0); // full success: partial_success unset
    const chat = fixture.spans.find((s) => s.attributes['gen_ai.request.model'] === 'gpt-4o')!;
    const traceId = chat.spanContext().traceId;
    // OK means stored: the read sees them at once.
    const trace = (await t!.app.inject(`/api/v1/traces/${traceId}`)).json();
    expect(trace.spans).toHaveLength(fixture.spans.length);
    const stored = trace.spans.find((s: { spanId: string }) => s.spanId === chat.spanContext().spanId);
    expect(stored).toMatchObject({ kind: 'generation', requestModel: 'gpt-4o', attribution: { application: 'checkout' } });
    expect(stored.cost.status).toBe('priced');
    const again = await exportCall('traces', fixture.protobuf, new Metadata(), true);
    expect(again.error).toBeNull();
    expect((await t!.app.inject(`/api/v1/spans?traceId=${traceId}`)).json().total).toBe(fixture.spans.length);
  });

  it('stores log records', async () => {
    await start();
    const fixture = await logsFixture();
    const res = await exportCall('logs', fixture.protobuf);
    expect(res.error).toBeNull();
    const logs = (await t!.app.inject('/api/v1/logs')).json().logs as { traceId: string | null }[];
    expect(logs).toHaveLength(fixture.records.length);
    expect(logs.some((l) => l.traceId === LOG_TRACE.traceId)).toBe(true);
  });

  it('reports rejected spans in partial_success', async () => {
    await start();
    const now = BigInt(Date.now()) * 1_000_000n;
    const span = (traceId: Buffer) => ({
      traceId,
      spanId: Buffer.alloc(8, 2),
      name: 'work',
      startTimeUnixNano: String(now - 1_000_000n),
      endTimeUnixNano: String(now),
    });
    const body = encodeMessage(ExportTraceServiceRequest, {
      resourceSpans: [{ scopeSpans: [{ spans: [span(Buffer.alloc(16, 1)), span(Buffer.alloc(3, 1))] }] }],
    });
    const res = await exportCall('traces', body);
    expect(res.error).toBeNull();
    const decoded = decodeMessage(ExportTraceServiceResponse, res.response!).toJSON();
    expect(decoded.partialSuccess).toMatchObject({ rejectedSpans: '1' });
    expect(decoded.partialSuccess.errorMessage).toMatch(/^1 span rejected: /);
  });

  it('turns gen_ai.evaluation.result log records into scores and reports a malformed one in partial_success', async () => {
    await start();
    const now = BigInt(Date.now()) * 1_000_000n;
    const evaluation = (name: string | null) => ({
      timeUnixNano: String(now),
      eventName: 'gen_ai.evaluation.result',
      traceId: Buffer.alloc(16, 7),
      spanId: Buffer.alloc(8, 7),
      attributes: [...(name === null ? [] : [{ key: 'gen_ai.evaluation.name', value: { stringValue: name } }]), { key: 'gen_ai.evaluation.score.value', value: { doubleValue: 0.5 } }],
    });
    const body = encodeMessage(ExportLogsServiceRequest, { resourceLogs: [{ scopeLogs: [{ logRecords: [evaluation('relevance'), evaluation(null)] }] }] });
    const res = await exportCall('logs', body);
    expect(res.error).toBeNull();
    const decoded = decodeMessage(ExportLogsServiceResponse, res.response!).toJSON();
    expect(decoded.partialSuccess).toMatchObject({ rejectedLogRecords: '1', errorMessage: '1 log record rejected: gen_ai.evaluation.result has no gen_ai.evaluation.name' });
    const scores = (await t!.app.inject(`/api/v1/scores?traceId=${'07'.repeat(16)}`)).json().scores;
    expect(scores).toMatchObject([{ name: 'relevance', numericValue: 0.5, spanId: '07'.repeat(8), source: 'evaluator' }]);
  });

  it('answers INVALID_ARGUMENT for bytes that are not an export request, RESOURCE_EXHAUSTED above the size limit', async () => {
    await start({ ingest: { maxBodyBytes: 64 * 1024 } });
    const garbage = await exportCall('traces', Buffer.from([0xff, 0x01, 0x02, 0x99, 0x88]));
    expect(garbage.error?.code).toBe(status.INVALID_ARGUMENT);
    expect(garbage.error?.details).toBeTruthy();
    const big = await exportCall('logs', Buffer.alloc(65 * 1024));
    expect(big.error?.code).toBe(status.RESOURCE_EXHAUSTED);
    // Small on the wire, too large once inflated: refused while inflating.
    const bomb = await exportCall('traces', Buffer.alloc(1024 * 1024), new Metadata(), true);
    expect(bomb.error?.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(bomb.error?.details).toContain('decompresses');
  });

  it('stores metrics, and a re-sent export once', async () => {
    await start();
    const fixture = await metricsFixture();
    expect((await exportCall('metrics', fixture.protobuf)).error).toBeFalsy();
    expect((await exportCall('metrics', fixture.protobuf)).error).toBeFalsy();
    const res = (await t!.app.inject('/api/v1/otel-metrics/gen_ai.client.token.usage?from=3650d')).json();
    expect(res.series.reduce((n: number, s: { count: number }) => n + s.count, 0)).toBe(3);
  });

  it('requires a key when keys are required, and files the data under the key’s project', async () => {
    await start({ host: '0.0.0.0' });
    const refused: unknown[] = [];
    t!.ctx.refusals.onRefusal((r) => refused.push(r));
    const fixture = await traceFixture();
    const missing = await exportCall('traces', fixture.protobuf);
    expect(missing.error?.code).toBe(status.UNAUTHENTICATED);
    expect(missing.error?.details).toContain('Authorization: Bearer');
    const wrong = await exportCall('traces', fixture.protobuf, bearer('lk_nope'));
    expect(wrong.error?.code).toBe(status.UNAUTHENTICATED);
    // Counted as refusals like their HTTP twins, of no project.
    expect(refused).toEqual([
      { kind: 'auth_failure', reason: 'missing_key', projectId: null, route: 'grpc:traces' },
      { kind: 'auth_failure', reason: 'invalid_key', projectId: null, route: 'grpc:traces' },
    ]);

    const { key: ingestKey } = await t!.ctx.store.createApiKey(projectId('acme'), 'ingest', null);
    const { key: readKey } = await t!.ctx.store.createApiKey(projectId('acme'), 'read', null);
    const { key: otherKey } = await t!.ctx.store.createApiKey(projectId('other'), 'read', null);
    const ok = await exportCall('traces', fixture.protobuf, bearer(ingestKey));
    expect(ok.error).toBeNull();
    const traceId = fixture.spans[0].spanContext().traceId;
    const read = (key: string) => t!.app.inject({ url: `/api/v1/spans?traceId=${traceId}`, headers: { authorization: `Bearer ${key}` } });
    expect((await read(readKey)).json().total).toBe(fixture.spans.length);
    expect((await read(otherKey)).json().total).toBe(0);
  });

  it('answers UNAVAILABLE with a RetryInfo once the pipeline is shutting down', async () => {
    await start();
    await t!.ctx.pipeline.drain();
    const res = await exportCall('traces', (await traceFixture()).protobuf);
    expect(res.error?.code).toBe(status.UNAVAILABLE);
    const [details] = res.error!.metadata.get('grpc-status-details-bin') as Buffer[];
    const rpc = decodeMessage(RpcStatus, details).toJSON();
    expect(rpc).toMatchObject({ code: status.UNAVAILABLE, details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: { seconds: '1' } }] });
  });
});
