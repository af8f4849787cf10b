// C6: an application's own cache lookups, sent as spans by the official OpenTelemetry JS SDK
// (seed 004's `cache.<operation>` span with `cache.operation` and a boolean `cache.hit`) and by
// the native API, counted as hits and misses in the analytics and on /metrics.
import { randomUUID } from 'node:crypto';
import { ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { QUALITY_METADATA } from '../../domain/quality.ts';
import { makeTestApp, type TestApp } from '../../testing/app.ts';

let t: TestApp;
const LANGFUSE_IDLE_MS = 150;
beforeEach(async () => {
  t = await makeTestApp({ ingest: { langfuseIdleMs: LANGFUSE_IDLE_MS } });
});
afterEach(async () => {
  await t.close();
});

const CACHE_MEASURES = 'app_cache_lookups,app_cache_hits,app_cache_misses,app_cache_hit_rate';
const range = () => `from=${new Date(Date.now() - 3_600_000).toISOString()}&to=${new Date(Date.now() + 60_000).toISOString()}`;
const query = async (qs: string) => t.app.inject(`/api/v1/analytics/query?${qs}&${range()}`);

// One request of the application: two cached answers, then a miss that calls the model.
async function exportCacheTrace(): Promise<{ protobuf: Buffer; json: Buffer; traceId: string }> {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ resource: resourceFromAttributes({ 'service.name': 'faq-bot' }), spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  const tracer = provider.getTracer('faq-bot');
  const startS = Math.floor(Date.now() / 1000) - 60;
  const root = tracer.startSpan('answer', { startTime: [startS, 0], attributes: { 'lookout.feature': 'faq' } });
  const ctx = trace.setSpan(ROOT_CONTEXT, root);
  let at = startS;
  const lookup = (hit: boolean) => {
    const span = tracer.startSpan('cache.get', { kind: SpanKind.INTERNAL, startTime: [at, 0], attributes: { 'cache.operation': 'get' } }, ctx);
    span.setAttribute('cache.hit', hit);
    span.end([at, 2_000_000]);
    at += 1;
  };
  lookup(true);
  lookup(true);
  lookup(false);
  const chat = tracer.startSpan(
    'chat gpt-4o-mini',
    { kind: SpanKind.CLIENT, startTime: [at, 0], attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.usage.input_tokens': 100, 'gen_ai.usage.output_tokens': 20 } },
    ctx,
  );
  chat.end([at + 1, 0]);
  root.end([at + 2, 0]);
  await provider.forceFlush();
  const spans = exporter.getFinishedSpans();
  await provider.shutdown();
  const buffer = (b: Uint8Array | undefined) => Buffer.from(b!);
  return { protobuf: buffer(ProtobufTraceSerializer.serializeRequest(spans)), json: buffer(JsonTraceSerializer.serializeRequest(spans)), traceId: root.spanContext().traceId };
}

describe('application cache lookups', () => {
  it.each([
    ['protobuf', 'application/x-protobuf'],
    ['json', 'application/json'],
  ] as const)('counts OTLP cache spans exported as %s as hits and misses, by feature, apart from the LLM calls', async (encoding, contentType) => {
    const exported = await exportCacheTrace();
    const res = await t.app.inject({ method: 'POST', url: '/v1/traces', payload: exported[encoding], headers: { 'content-type': contentType } });
    expect(res.statusCode).toBe(200);

    const spans = (await t.app.inject(`/api/v1/spans?traceId=${exported.traceId}`)).json().spans as { name: string; metadata: Record<string, string> }[];
    expect(spans.filter((s) => s.name === 'cache.get').map((s) => s.metadata[QUALITY_METADATA.appCacheLookup]).sort()).toEqual(['hit', 'hit', 'miss']);

    const byFeature = await query(`measures=${CACHE_MEASURES}&groupBy=feature`);
    expect(byFeature.statusCode).toBe(200);
    expect(byFeature.json().rows).toEqual([{ feature: 'faq', app_cache_lookups: 3, app_cache_hits: 2, app_cache_misses: 1, app_cache_hit_rate: 2 / 3 }]);
    // The cache spans are no LLM calls: one request, the chat's.
    expect((await query('measures=requests,total_tokens')).json().rows).toEqual([{ requests: 1, total_tokens: 120 }]);

    const metrics = (await t.app.inject('/metrics')).body;
    expect(metrics).toContain('lookout_app_cache_lookups_total{result="hit"} 2');
    expect(metrics).toContain('lookout_app_cache_lookups_total{result="miss"} 1');
  });

  it('counts native API spans whose metadata says cache.hit, and ignores a client writing the mark itself', async () => {
    const startTime = new Date(Date.now() - 30_000).toISOString();
    const span = (metadata: Record<string, unknown>) => ({ type: 'span', kind: 'other', name: 'cache.get', startTime, durationMs: 2, feature: 'search', metadata });
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/ingest',
      payload: { batch: [span({ 'cache.hit': true }), span({ 'cache.hit': 'false' }), span({ 'cache.hit': 'FALSE' }), span({ [QUALITY_METADATA.appCacheLookup]: 'hit' })] },
    });
    expect(res.statusCode).toBe(200);
    expect((await query(`measures=${CACHE_MEASURES}`)).json().rows).toEqual([{ app_cache_lookups: 3, app_cache_hits: 1, app_cache_misses: 2, app_cache_hit_rate: 1 / 3 }]);
    expect((await query('measures=requests')).json().rows).toEqual([{ requests: 0 }]);
  });

  it('counts Langfuse observations whose metadata says cache.hit', async () => {
    const traceId = randomUUID();
    const at = (s: number) => new Date(Date.now() - 30_000 + s * 1000).toISOString();
    const ev = (type: string, body: Record<string, unknown>) => ({ id: randomUUID(), type, timestamp: at(0), body });
    const lookup = (hit: boolean, s: number) => ev('span-create', { id: randomUUID(), traceId, name: 'cache.get', startTime: at(s), endTime: at(s + 1), metadata: { 'cache.hit': hit } });
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/public/ingestion',
      payload: { batch: [ev('trace-create', { id: traceId, name: 'faq' }), lookup(true, 1), lookup(false, 2), lookup(true, 3)], metadata: { sdk_name: 'test' } },
    });
    expect(res.statusCode).toBe(207);
    await new Promise((r) => setTimeout(r, LANGFUSE_IDLE_MS * 4));
    expect((await query(`measures=${CACHE_MEASURES}`)).json().rows).toEqual([{ app_cache_lookups: 3, app_cache_hits: 2, app_cache_misses: 1, app_cache_hit_rate: 2 / 3 }]);
  });

  it('refuses a query that mixes lookups with the LLM calls measures, 400 naming measures', async () => {
    const res = await query('measures=app_cache_hit_rate,cache_hit_rate');
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('invalid_parameter');
    expect(res.json().error.message).toMatch(/^measures: app_cache_hit_rate count application cache lookups, not LLM calls/);
  });
});
