import { gzipSync } from 'node:zlib';
import {
  JsonLogsSerializer,
  JsonMetricsSerializer,
  JsonTraceSerializer,
  ProtobufLogsSerializer,
  ProtobufMetricsSerializer,
  ProtobufTraceSerializer,
} from '@opentelemetry/otlp-transformer';
import { beforeAll, describe, expect, it } from 'vitest';
import { LookoutError } from '../../errors.ts';
import type { DecodedTraces } from './decode.ts';
import { encodeExportResponse, encodeStatus } from './encode.ts';
import { handleOtlpHttp, type OtlpHttpLimits } from './http.ts';
import { logsFixture, metricsFixture, traceFixture, type TraceFixture } from './otel-fixtures.testing.ts';
import { RpcBadRequest, RpcStatus } from './proto.ts';

const limits: OtlpHttpLimits = { maxBodyBytes: 1024 * 1024, maxDecompressedBytes: 4 * 1024 * 1024 };
const PROTOBUF = 'application/x-protobuf';
const JSON_TYPE = 'application/json';

function decodeStatus(body: Buffer): { code: number; message: string; details: { type_url: string; value: Uint8Array }[] } {
  return RpcStatus.toObject(RpcStatus.decode(body), { defaults: true }) as never;
}

describe('encodeExportResponse, read back by the official OpenTelemetry JS deserializers', () => {
  it('leaves partial_success unset on full success', () => {
    expect(encodeExportResponse('traces', 'protobuf')).toHaveLength(0);
    expect(ProtobufTraceSerializer.deserializeResponse(encodeExportResponse('traces', 'protobuf'))).toEqual({});
    expect(JsonTraceSerializer.deserializeResponse(encodeExportResponse('traces', 'json'))).toEqual({});
    expect(encodeExportResponse('logs', 'json', { rejected: 0, errorMessage: '' }).toString()).toBe('{}');
  });

  it('reports rejected spans, log records and data points with a message', () => {
    const partial = { rejected: 3, errorMessage: '3 spans rejected: bad ids' };
    expect(ProtobufTraceSerializer.deserializeResponse(encodeExportResponse('traces', 'protobuf', partial)).partialSuccess).toMatchObject({
      rejectedSpans: 3,
      errorMessage: partial.errorMessage,
    });
    expect(JSON.parse(encodeExportResponse('traces', 'json', partial).toString())).toEqual({
      partialSuccess: { rejectedSpans: '3', errorMessage: partial.errorMessage },
    });
    expect(ProtobufLogsSerializer.deserializeResponse(encodeExportResponse('logs', 'protobuf', partial)).partialSuccess).toMatchObject({
      rejectedLogRecords: 3,
    });
    expect(JsonLogsSerializer.deserializeResponse(encodeExportResponse('logs', 'json', partial)).partialSuccess).toMatchObject({
      rejectedLogRecords: '3',
    });
    expect(ProtobufMetricsSerializer.deserializeResponse(encodeExportResponse('metrics', 'protobuf', partial)).partialSuccess).toMatchObject({
      rejectedDataPoints: 3,
    });
    expect(JsonMetricsSerializer.deserializeResponse(encodeExportResponse('metrics', 'json', partial)).partialSuccess).toMatchObject({
      rejectedDataPoints: '3',
    });
  });
});

describe('encodeStatus', () => {
  it('encodes a google.rpc.Status with a BadRequest detail in protobuf', () => {
    const status = decodeStatus(encodeStatus('protobuf', 400, 'bad body', [{ field: 'resourceSpans', description: 'expected an array' }]));
    expect(status.code).toBe(3);
    expect(status.message).toBe('bad body');
    expect(status.details).toHaveLength(1);
    expect(status.details[0].type_url).toBe('type.googleapis.com/google.rpc.BadRequest');
    expect(RpcBadRequest.toObject(RpcBadRequest.decode(status.details[0].value))).toEqual({
      fieldViolations: [{ field: 'resourceSpans', description: 'expected an array' }],
    });
  });

  it('encodes the proto3 JSON form, with the detail type in @type', () => {
    expect(JSON.parse(encodeStatus('json', 429, 'slow down').toString())).toEqual({ code: 8, message: 'slow down', details: [] });
    expect(JSON.parse(encodeStatus('json', 400, 'bad', [{ field: 'f', description: 'd' }]).toString()).details).toEqual([
      { '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: [{ field: 'f', description: 'd' }] },
    ]);
  });
});

describe('handleOtlpHttp', () => {
  let fixture: TraceFixture;
  beforeAll(async () => {
    fixture = await traceFixture();
  });

  it('accepts protobuf traces and answers an empty ExportTraceServiceResponse in protobuf', async () => {
    let received: DecodedTraces | undefined;
    const res = await handleOtlpHttp('traces', { contentType: PROTOBUF, contentEncoding: undefined, body: fixture.protobuf }, limits, async (decoded) => {
      received = decoded;
    });
    expect(res.status).toBe(200);
    expect(res.headers).toEqual({ 'content-type': PROTOBUF });
    expect(res.body).toHaveLength(0);
    expect(res.records).toEqual({ accepted: 2, rejected: 0 });
    expect(received?.spans).toHaveLength(2);
  });

  it('accepts gzipped JSON logs and metrics and answers in JSON', async () => {
    const logs = await logsFixture();
    const logRes = await handleOtlpHttp('logs', { contentType: 'application/json; charset=utf-8', contentEncoding: 'gzip', body: gzipSync(logs.json) }, limits, async (d) => {
      expect(d.logRecords).toHaveLength(2);
    });
    expect(logRes.status).toBe(200);
    expect(logRes.headers['content-type']).toBe(JSON_TYPE);
    expect(logRes.body.toString()).toBe('{}');

    const metrics = await metricsFixture();
    const metricRes = await handleOtlpHttp('metrics', { contentType: PROTOBUF, contentEncoding: 'gzip', body: gzipSync(metrics.protobuf) }, limits, async (d) => {
      expect(d.points.map((p) => p.name)).toContain('gen_ai.client.token.usage');
      expect(d.points.map((p) => p.name)).toContain('gen_ai.client.operation.duration');
    });
    expect(metricRes.status).toBe(200);
  });

  it('reports spans rejected by decoding and by the caller in partial_success', async () => {
    const body = Buffer.from(
      JSON.stringify({
        resourceSpans: [
          {
            scopeSpans: [
              {
                spans: [
                  { traceId: '5b8efff798038103d269b633813fc60c', spanId: 'eee19b7ec3c1b174', name: 'ok', startTimeUnixNano: '1700000000000000000', endTimeUnixNano: '1700000000000000001' },
                  { traceId: 'abc', spanId: 'eee19b7ec3c1b174', name: 'bad', startTimeUnixNano: '1700000000000000000', endTimeUnixNano: '1700000000000000001' },
                ],
              },
            ],
          },
        ],
      }),
    );
    const res = await handleOtlpHttp('traces', { contentType: JSON_TYPE, contentEncoding: undefined, body }, limits, async () => ({
      rejected: 1,
      messages: ['span eee19b7ec3c1b174: cost could not be computed'],
    }));
    expect(res.status).toBe(200);
    expect(res.records).toEqual({ accepted: 0, rejected: 2 });
    const response = JsonTraceSerializer.deserializeResponse(res.body);
    expect(response.partialSuccess?.rejectedSpans).toBe('2');
    expect(response.partialSuccess?.errorMessage).toMatch(/^2 spans rejected: resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[1\] \("bad"\): traceId: must be 32 hex/);
    expect(response.partialSuccess?.errorMessage).toMatch(/cost could not be computed$/);
  });

  it('answers 400 with a google.rpc.Status in the request encoding for an undecodable body', async () => {
    const pb = await handleOtlpHttp('traces', { contentType: PROTOBUF, contentEncoding: undefined, body: fixture.protobuf.subarray(0, 20) }, limits, async () => {
      throw new Error('must not be called');
    });
    expect(pb.status).toBe(400);
    expect(pb.headers['content-type']).toBe(PROTOBUF);
    expect(decodeStatus(pb.body).message).toMatch(/not a protobuf-encoded ExportTraceServiceRequest/);

    const json = await handleOtlpHttp('traces', { contentType: JSON_TYPE, contentEncoding: undefined, body: Buffer.from('{"resourceSpans": 1}') }, limits, async () => {});
    expect(json.status).toBe(400);
    const status = JSON.parse(json.body.toString());
    expect(status.message).toMatch(/resourceSpans: expected an array/);
    expect(status.details[0].fieldViolations[0].field).toBe('resourceSpans');

    const gz = await handleOtlpHttp('traces', { contentType: JSON_TYPE, contentEncoding: 'gzip', body: Buffer.from('nope') }, limits, async () => {});
    expect(gz.status).toBe(400);
  });

  it('answers 415 for an unknown content type, with a JSON Status', async () => {
    const res = await handleOtlpHttp('traces', { contentType: 'text/plain', contentEncoding: undefined, body: Buffer.from('hi') }, limits, async () => {});
    expect(res.status).toBe(415);
    expect(res.headers['content-type']).toBe(JSON_TYPE);
    expect(JSON.parse(res.body.toString()).message).toMatch(/text\/plain.*not supported/);
    const coding = await handleOtlpHttp('traces', { contentType: PROTOBUF, contentEncoding: 'compress', body: Buffer.from('hi') }, limits, async () => {});
    expect(coding.status).toBe(415);
    expect(coding.headers['content-type']).toBe(PROTOBUF);
  });

  it('answers 413 over the body limit and over the decompressed limit (gzip bomb)', async () => {
    const small = { maxBodyBytes: 2000, maxDecompressedBytes: 100_000 };
    const big = await handleOtlpHttp('traces', { contentType: PROTOBUF, contentEncoding: undefined, body: Buffer.alloc(2001) }, small, async () => {});
    expect(big.status).toBe(413);
    const bomb = gzipSync(Buffer.alloc(1_000_000));
    expect(bomb.length).toBeLessThan(2000);
    const res = await handleOtlpHttp('traces', { contentType: PROTOBUF, contentEncoding: 'gzip', body: bomb }, small, async () => {});
    expect(res.status).toBe(413);
    expect(decodeStatus(res.body)).toMatchObject({ code: 8, message: expect.stringMatching(/decompressed request body is larger/) });
  });

  it('turns an LookoutError from the caller into its status with Retry-After, and anything else into 500', async () => {
    const full = await handleOtlpHttp('traces', { contentType: PROTOBUF, contentEncoding: undefined, body: fixture.protobuf }, limits, async () => {
      throw new LookoutError('queue_full', 'the write queue is full', { retryAfterSeconds: 1 });
    });
    expect(full.status).toBe(429);
    expect(full.headers).toEqual({ 'content-type': PROTOBUF, 'retry-after': '1' });
    expect(decodeStatus(full.body)).toMatchObject({ code: 8, message: 'the write queue is full' });

    const down = await handleOtlpHttp('traces', { contentType: JSON_TYPE, contentEncoding: undefined, body: fixture.json }, limits, async () => {
      throw new LookoutError('store_unavailable', 'the store is down', { retryAfterSeconds: 5 });
    });
    expect(down.status).toBe(503);
    expect(down.headers['retry-after']).toBe('5');
    expect(JSON.parse(down.body.toString())).toMatchObject({ code: 14, message: 'the store is down' });

    const bug = new TypeError('oops');
    const crashed = await handleOtlpHttp('traces', { contentType: JSON_TYPE, contentEncoding: undefined, body: fixture.json }, limits, async () => {
      throw bug;
    });
    expect(crashed.status).toBe(500);
    expect(crashed.error).toBe(bug);
    expect(JSON.parse(crashed.body.toString()).message).not.toMatch(/oops/);
  });
});
