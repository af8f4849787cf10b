import { Client, credentials, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../../testing/app.ts';
import { startOtlpGrpc, OTLP_GRPC_SERVICES, type OtlpGrpcServer } from './grpc.ts';
import { logsFixture, manySpans, metricsFixture } from './otel-fixtures.testing.ts';

// One export request carries at most ingest.maxBatchItems records, over HTTP and gRPC alike.

const MAX_ITEMS = 10;
let t: TestApp | undefined;
let server: OtlpGrpcServer | undefined;
let client: Client | undefined;

afterEach(async () => {
  client?.close();
  await server?.close();
  await t?.close();
  client = server = t = undefined;
});

async function start(maxBatchItems = MAX_ITEMS): Promise<TestApp> {
  t = await makeTestApp({ 'ingest.maxBatchItems': maxBatchItems });
  server = await startOtlpGrpc(t.ctx, { host: '127.0.0.1', port: 0 });
  client = new Client(`127.0.0.1:${server.port}`, credentials.createInsecure());
  return t;
}

function exportCall(signal: keyof typeof OTLP_GRPC_SERVICES, body: Buffer): Promise<ServiceError | null> {
  const identity = (b: Buffer) => b;
  return new Promise((resolve) => {
    client!.makeUnaryRequest(`/${OTLP_GRPC_SERVICES[signal]}/Export`, identity, identity, body, new Metadata(), (error) => resolve(error ?? null));
  });
}

const storedSpans = async (app: TestApp) => (await app.app.inject('/api/v1/spans?total=true')).json().total as number;

describe('OTLP items per request', () => {
  it('refuses a trace export over ingest.maxBatchItems with 413 over HTTP and naming the limit, and stores none of it', async () => {
    const app = await start();
    const over = await manySpans(MAX_ITEMS + 1);
    for (const [body, type] of [
      [over.protobuf, 'application/x-protobuf'],
      [over.json, 'application/json'],
    ] as const) {
      const res = await app.app.inject({ method: 'POST', url: '/v1/traces', payload: body, headers: { 'content-type': type } });
      expect(res.statusCode, type).toBe(413);
      if (type === 'application/json') {
        expect(res.json().message).toBe(`the export has ${MAX_ITEMS + 1} spans; at most ${MAX_ITEMS} per request (ingest.maxBatchItems); export smaller batches`);
      }
    }
    expect(await storedSpans(app)).toBe(0);
    const fits = await manySpans(MAX_ITEMS);
    expect((await app.app.inject({ method: 'POST', url: '/v1/traces', payload: fits.protobuf, headers: { 'content-type': 'application/x-protobuf' } })).statusCode).toBe(200);
    expect(await storedSpans(app)).toBe(MAX_ITEMS);
  });

  it('refuses a trace export over the limit over gRPC, not retryable, naming the limit', async () => {
    const app = await start();
    const error = await exportCall('traces', (await manySpans(MAX_ITEMS + 1)).protobuf);
    expect(error?.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(error?.details).toContain(`at most ${MAX_ITEMS} per request (ingest.maxBatchItems)`);
    // No RetryInfo: an OTLP exporter does not send the same batch again.
    expect(error?.metadata.get('grpc-status-details-bin')).toEqual([]);
    expect(await storedSpans(app)).toBe(0);
    expect(await exportCall('traces', (await manySpans(MAX_ITEMS)).protobuf)).toBeNull();
    expect(await storedSpans(app)).toBe(MAX_ITEMS);
  });

  it('counts log records and metric data points against the same limit', async () => {
    const app = await start(1);
    const logs = await logsFixture();
    expect(logs.records.length).toBeGreaterThan(1);
    const logRes = await app.app.inject({ method: 'POST', url: '/v1/logs', payload: logs.json, headers: { 'content-type': 'application/json' } });
    expect(logRes.statusCode).toBe(413);
    expect(logRes.json().message).toBe(`the export has ${logs.records.length} log records; at most 1 per request (ingest.maxBatchItems); export smaller batches`);
    expect((await exportCall('logs', logs.protobuf))?.code).toBe(status.RESOURCE_EXHAUSTED);
    const metrics = await metricsFixture();
    const metricRes = await app.app.inject({ method: 'POST', url: '/v1/metrics', payload: metrics.json, headers: { 'content-type': 'application/json' } });
    expect(metricRes.statusCode).toBe(413);
    expect(metricRes.json().message).toMatch(/^the export has \d+ data points; at most 1 per request/);
    expect((await exportCall('metrics', metrics.protobuf))?.details).toMatch(/data points; at most 1 per request/);
    expect((await app.app.inject('/api/v1/logs')).json().logs).toEqual([]);
  });
});
