import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../../testing/app.ts';
import { projectId } from '../../store/store.ts';
import { traceFixture } from './otel-fixtures.testing.ts';
import { LANGFUSE_OTEL_TRACES_PATH } from './route.ts';

// The Langfuse SDKs built on OpenTelemetry export to <baseUrl>/api/public/otel/v1/traces with
// "Authorization: Basic base64(publicKey:secretKey)". The path is the OTLP/HTTP traces handler.

let t: TestApp;
let ingestKey = '';
let readKey = '';

beforeEach(async () => {
  t = await makeTestApp({ requireApiKeys: 'always' });
  ingestKey = (await t.ctx.store.createApiKey(projectId('acme'), 'ingest', null)).key;
  readKey = (await t.ctx.store.createApiKey(projectId('acme'), 'read', null)).key;
});
afterEach(async () => {
  await t.close();
});

const basic = (publicKey: string, secretKey: string) => `Basic ${Buffer.from(`${publicKey}:${secretKey}`).toString('base64')}`;

describe(`POST ${LANGFUSE_OTEL_TRACES_PATH}`, () => {
  it('stores protobuf, JSON and gzip exports in the project of the key given as the secret', async () => {
    for (const [encoding, contentType, gzip] of [
      ['protobuf', 'application/x-protobuf', false],
      ['json', 'application/json', false],
      ['protobuf', 'application/x-protobuf', true],
    ] as const) {
      const fixture = await traceFixture();
      const body = gzip ? gzipSync(fixture[encoding]) : fixture[encoding];
      const headers: Record<string, string> = { 'content-type': contentType, authorization: basic('pk-lf-any-public-key', ingestKey) };
      if (gzip) headers['content-encoding'] = 'gzip';
      const res = await t.app.inject({ method: 'POST', url: LANGFUSE_OTEL_TRACES_PATH, payload: body, headers });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers['content-type']).toContain(contentType);
      const traceId = fixture.spans[0]!.spanContext().traceId;
      const stored = await t.app.inject({ url: `/api/v1/spans?traceId=${traceId}`, headers: { authorization: `Bearer ${readKey}` } });
      expect(stored.json().total, `${encoding}${gzip ? ' gzip' : ''}`).toBe(fixture.spans.length);
      expect(stored.json().spans.find((s: { requestModel: string | null }) => s.requestModel === 'gpt-4o')).toMatchObject({ kind: 'generation', cost: { status: 'priced' } });
    }
  });

  it('answers as /v1/traces does: 401 for a secret that is no key, 400 undecodable, 415 unknown type', async () => {
    const fixture = await traceFixture();
    const wrong = await t.app.inject({ method: 'POST', url: LANGFUSE_OTEL_TRACES_PATH, payload: fixture.protobuf, headers: { 'content-type': 'application/x-protobuf', authorization: basic('pk-lf-x', 'sk-lf-not-a-lookout-key') } });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.headers['content-type']).toContain('application/x-protobuf');
    const none = await t.app.inject({ method: 'POST', url: LANGFUSE_OTEL_TRACES_PATH, payload: fixture.json, headers: { 'content-type': 'application/json' } });
    expect(none.statusCode).toBe(401);
    const auth = { authorization: basic('pk-lf-x', ingestKey) };
    const bad = await t.app.inject({ method: 'POST', url: LANGFUSE_OTEL_TRACES_PATH, payload: '{"resourceSpans": 5}', headers: { ...auth, 'content-type': 'application/json' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toBeTruthy();
    const xml = await t.app.inject({ method: 'POST', url: LANGFUSE_OTEL_TRACES_PATH, payload: '<x/>', headers: { ...auth, 'content-type': 'application/xml' } });
    expect(xml.statusCode).toBe(415);
  });

  it('is ingest: not held back until earlier writes are loaded, as reads under /api/ are', async () => {
    t.ctx.pipeline.caughtUp = () => new Promise(() => {});
    const fixture = await traceFixture();
    const res = await t.app.inject({ method: 'POST', url: LANGFUSE_OTEL_TRACES_PATH, payload: fixture.protobuf, headers: { 'content-type': 'application/x-protobuf', authorization: basic('pk-lf-x', ingestKey) } });
    expect(res.statusCode).toBe(200);
  });

  it('a generation with cost_details keeps the provider\'s cost through the pipeline; one with usage only is priced from the catalog', async () => {
    const traceId = '5b8aa5a2d2c872e8321cf37308d69df2';
    const attr = (key: string, value: string) => ({ key, value: { stringValue: value } });
    const span = (spanId: string, attributes: ReturnType<typeof attr>[]) => ({
      traceId, spanId, name: spanId, kind: 1, startTimeUnixNano: '1767323045000000000', endTimeUnixNano: '1767323046000000000', attributes,
    });
    const generation = [attr('langfuse.observation.type', 'generation'), attr('langfuse.observation.model.name', 'gpt-4o'), attr('langfuse.observation.usage_details', '{"input":1000,"output":100}')];
    const body = {
      resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ scope: { name: 'langfuse-sdk', version: '5.11.1' }, spans: [
        span('00000000000000a1', generation),
        span('00000000000000a2', [...generation, attr('langfuse.observation.cost_details', '{"input":0.01,"output":0.02}')]),
      ] }] }],
    };
    const res = await t.app.inject({ method: 'POST', url: LANGFUSE_OTEL_TRACES_PATH, payload: JSON.stringify(body), headers: { 'content-type': 'application/json', authorization: basic('pk-lf-x', ingestKey) } });
    expect(res.statusCode, res.body).toBe(200);
    const spans = (await t.app.inject({ url: `/api/v1/spans?traceId=${traceId}`, headers: { authorization: `Bearer ${readKey}` } })).json().spans as { spanId: string; cost: { status: string; totalNanoUsd: number } }[];
    const cost = Object.fromEntries(spans.map((s) => [s.spanId, s.cost]));
    // The catalog's gpt-4o: $2.50 in, $10 out per 1M tokens.
    expect(cost['00000000000000a1']).toMatchObject({ status: 'priced', totalNanoUsd: 1000 * 2_500 + 100 * 10_000 });
    expect(cost['00000000000000a2']).toMatchObject({ status: 'provider_reported', totalNanoUsd: 30_000_000 });
  });
});
