import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { DataPointType, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { DEFAULT_PROJECT } from '../../store/store.ts';
import { generation, makeTestApp, type TestApp } from '../../testing/app.ts';
import { LOG_TRACE, logsFixture, metricsFixture, RESOURCE_ATTRIBUTES, traceFixture, type LogsFixture, type MetricsFixture, type TraceFixture } from './otel-fixtures.testing.ts';

// Thousands of malformed bodies to every ingest route, over a real socket: every answer is a
// 2xx/4xx per the spec (never a 5xx), the server keeps serving, and the valid items sent between
// them (each made unique: a fresh trace id, or service name) are stored with the content they
// were sent with, read back through the API and compared field by field with what the official
// SDK produced. Seeded, so a failure reproduces.

let t: TestApp;
let base: string;
beforeAll(async () => {
  t = await makeTestApp();
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await t.close();
});

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let x = Math.imul(s ^ (s >>> 15), 1 | s);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

function mutate(valid: Buffer, random: () => number): Buffer {
  const b = Buffer.from(valid);
  const choice = Math.floor(random() * 5);
  if (choice === 0) return b.subarray(0, Math.floor(random() * b.length)); // truncated
  if (choice === 1) {
    for (let i = 0; i < 1 + random() * 20; i++) b[Math.floor(random() * b.length)] = Math.floor(random() * 256); // flipped bytes
    return b;
  }
  if (choice === 2) return Buffer.from(Array.from({ length: Math.floor(random() * 512) }, () => Math.floor(random() * 256))); // noise
  if (choice === 3) return Buffer.concat([b, b.subarray(0, Math.floor(random() * b.length))]); // trailing garbage
  const i = Math.floor(random() * b.length); // a slice moved
  return Buffer.concat([b.subarray(i), b.subarray(0, i)]);
}

const hex = (random: () => number, chars: number): string => Array.from({ length: chars }, () => Math.floor(random() * 16).toString(16)).join('');

// Every occurrence of `from` replaced: as hex text in OTLP/JSON, as raw bytes in protobuf (ids)
// or UTF-8 (strings of the same length, so no length prefix changes).
function replaceAll(body: Buffer, from: Buffer, to: Buffer): Buffer {
  expect(to.length).toBe(from.length);
  const out = Buffer.from(body);
  let found = 0;
  for (let at = out.indexOf(from); at !== -1; at = out.indexOf(from, at + from.length)) {
    to.copy(out, at);
    found++;
  }
  expect(found).toBeGreaterThan(0);
  return out;
}

type Encoding = 'protobuf' | 'json';
const contentTypes: Record<Encoding, string> = { protobuf: 'application/x-protobuf', json: 'application/json' };

async function post(path: string, body: Buffer, headers: Record<string, string>): Promise<{ status: number; text: string }> {
  const res = await fetch(`${base}${path}`, { method: 'POST', body: new Uint8Array(body), headers });
  return { status: res.status, text: await res.text() };
}

async function getJson<T>(path: string): Promise<T> {
  const res = await fetch(`${base}${path}`);
  expect(res.status, path).toBe(200);
  return (await res.json()) as T;
}

const usOf = (time: [number, number]): number => time[0] * 1e6 + Math.floor(time[1] / 1000);
const asText = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

// What a route is fuzzed with, how a valid item is made unique, and how its stored content is
// read back and compared with what was sent.
interface Route<Sent> {
  path: string;
  fuzzed: number;
  seed: number;
  garbageFrom: Record<Encoding, Buffer> | { json: Buffer };
  valid(random: () => number, i: number): { body: Buffer; encoding: Encoding; sent: Sent };
  check(sent: Sent): Promise<void>;
}

interface StoredSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  name: string;
  startUs: number;
  endUs: number;
  status: string;
  errorMessage: string | null;
  requestModel: string | null;
  usage: { input: number; output: number; cacheRead: number };
  metadata: Record<string, string>;
  attribution: Record<string, string | null>;
}

// Attributes no convention maps, kept as metadata with their values as text.
const PLAIN_ATTRIBUTES = ['lookout.unicode', 'lookout.int_array', 'lookout.double_array', 'lookout.bool_array', 'gen_ai.request.temperature', 'gen_ai.tool.name'];

function expectedSpan(s: ReadableSpan, traceId: string) {
  const a = s.attributes;
  const metadata = Object.fromEntries(PLAIN_ATTRIBUTES.filter((k) => a[k] !== undefined).map((k) => [k, asText(a[k])]));
  return {
    traceId,
    spanId: s.spanContext().spanId,
    parentSpanId: s.parentSpanContext?.spanId ?? null,
    name: s.name,
    startUs: usOf(s.startTime),
    endUs: usOf(s.endTime),
    status: s.status.code === 2 ? 'error' : 'ok',
    errorMessage: s.status.code === 2 ? (s.status.message ?? null) : null,
    requestModel: (a['gen_ai.request.model'] as string | undefined) ?? null,
    usage: { input: (a['gen_ai.usage.input_tokens'] as number | undefined) ?? 0, output: (a['gen_ai.usage.output_tokens'] as number | undefined) ?? 0 },
    metadata: expect.objectContaining(metadata),
    attribution: expect.objectContaining({ application: RESOURCE_ATTRIBUTES['service.name'], environment: RESOURCE_ATTRIBUTES['deployment.environment.name'] }),
  };
}

function tracesRoute(fixture: TraceFixture): Route<{ traceId: string }> {
  const original = fixture.spans[0]!.spanContext().traceId;
  return {
    path: '/v1/traces',
    fuzzed: 3_000,
    seed: 20261123,
    garbageFrom: { protobuf: fixture.protobuf, json: fixture.json },
    valid(random, i) {
      const traceId = hex(random, 32);
      const encoding: Encoding = i % 2 ? 'json' : 'protobuf';
      const [from, to] = encoding === 'json' ? [Buffer.from(original), Buffer.from(traceId)] : [Buffer.from(original, 'hex'), Buffer.from(traceId, 'hex')];
      return { body: replaceAll(fixture[encoding], from, to), encoding, sent: { traceId } };
    },
    async check({ traceId }) {
      const stored = (await getJson<{ spans: StoredSpan[] }>(`/api/v1/traces/${traceId}`)).spans;
      const pick = (s: StoredSpan) => ({
        traceId: s.traceId,
        spanId: s.spanId,
        parentSpanId: s.parentSpanId,
        name: s.name,
        startUs: s.startUs,
        endUs: s.endUs,
        status: s.status,
        errorMessage: s.errorMessage,
        requestModel: s.requestModel,
        usage: { input: s.usage.input + s.usage.cacheRead, output: s.usage.output },
        metadata: s.metadata,
        attribution: s.attribution,
      });
      const bySpanId = (x: { spanId: string }, y: { spanId: string }) => x.spanId.localeCompare(y.spanId);
      expect(stored.map(pick).sort(bySpanId), `trace ${traceId}`).toEqual(fixture.spans.map((s) => expectedSpan(s, traceId)).sort(bySpanId));
    },
  };
}

interface StoredLog {
  traceId: string | null;
  spanId: string | null;
  timestampUs: number;
  severity: string;
  body: string;
  attributes: Record<string, string>;
}

function logsRoute(fixture: LogsFixture): Route<{ traceId: string }> {
  const linked = fixture.records.find((r) => r.spanContext?.traceId === LOG_TRACE.traceId) as ReadableLogRecord;
  return {
    path: '/v1/logs',
    fuzzed: 2_000,
    seed: 7,
    garbageFrom: { protobuf: fixture.protobuf, json: fixture.json },
    valid(random, i) {
      const traceId = hex(random, 32);
      const encoding: Encoding = i % 2 ? 'json' : 'protobuf';
      const [from, to] = encoding === 'json' ? [Buffer.from(LOG_TRACE.traceId), Buffer.from(traceId)] : [Buffer.from(LOG_TRACE.traceId, 'hex'), Buffer.from(traceId, 'hex')];
      return { body: replaceAll(fixture[encoding], from, to), encoding, sent: { traceId } };
    },
    async check({ traceId }) {
      const stored = (await getJson<{ logs: StoredLog[] }>(`/api/v1/logs?traceId=${traceId}`)).logs;
      expect(stored, `logs of trace ${traceId}`).toHaveLength(1);
      const log = stored[0]!;
      expect({ traceId: log.traceId, spanId: log.spanId, timestampUs: log.timestampUs, severity: log.severity }).toEqual({
        traceId,
        spanId: LOG_TRACE.spanId,
        timestampUs: usOf(linked.hrTime),
        severity: String(linked.severityText).toLowerCase(),
      });
      expect(JSON.parse(log.body)).toEqual(linked.body);
      expect(log.attributes).toMatchObject(Object.fromEntries(Object.entries(linked.attributes).map(([k, v]) => [k, asText(v)])));
    },
  };
}

interface StoredPoint {
  name: string;
  service: string | null;
  attributes: Record<string, string>;
  value: number | null;
  count: number | null;
  sum: number | null;
  min: number | null;
  max: number | null;
  bucketCounts: number[];
  bounds: number[];
}

// Each point the SDK collected, as the store should hold it.
function expectedPoints(resourceMetrics: ResourceMetrics, service: string) {
  const out: unknown[] = [];
  for (const scope of resourceMetrics.scopeMetrics) {
    for (const metric of scope.metrics) {
      for (const p of metric.dataPoints) {
        const attributes = Object.fromEntries(Object.entries(p.attributes).map(([k, v]) => [k, asText(v)]));
        if (metric.dataPointType === DataPointType.HISTOGRAM) {
          const h = p.value as { count: number; sum?: number; min?: number; max?: number; buckets: { boundaries: number[]; counts: number[] } };
          out.push({ name: metric.descriptor.name, service, attributes, value: null, count: h.count, sum: h.sum ?? null, min: h.min ?? null, max: h.max ?? null, bucketCounts: h.buckets.counts, bounds: h.buckets.boundaries });
        } else {
          out.push({ name: metric.descriptor.name, service, attributes, value: p.value as number, count: null, sum: null, min: null, max: null, bucketCounts: [], bounds: [] });
        }
      }
    }
  }
  return out;
}

function metricsRoute(fixture: MetricsFixture): Route<{ service: string }> {
  const original = String(RESOURCE_ATTRIBUTES['service.name']);
  const names = fixture.resourceMetrics.scopeMetrics.flatMap((s) => s.metrics.map((m) => m.descriptor.name));
  return {
    path: '/v1/metrics',
    fuzzed: 2_000,
    seed: 11,
    garbageFrom: { protobuf: fixture.protobuf, json: fixture.json },
    valid(random, i) {
      const service = `s${hex(random, original.length - 1)}`;
      const encoding: Encoding = i % 2 ? 'json' : 'protobuf';
      return { body: replaceAll(fixture[encoding], Buffer.from(original), Buffer.from(service)), encoding, sent: { service } };
    },
    async check({ service }) {
      const stored: unknown[] = [];
      for (const name of names) {
        const points = await t.ctx.store.metricPoints(DEFAULT_PROJECT, name, { fromMs: 0, toMs: Date.now() + 3_600_000 }, 10_000);
        for (const p of points as StoredPoint[]) {
          if (p.service !== service) continue;
          stored.push({ name: p.name, service: p.service, attributes: p.attributes, value: p.value, count: p.count, sum: p.sum, min: p.min, max: p.max, bucketCounts: p.bucketCounts, bounds: p.bounds });
        }
      }
      const byKey = (x: unknown, y: unknown) => JSON.stringify(x).localeCompare(JSON.stringify(y));
      expect(stored.sort(byKey), `metrics of service ${service}`).toEqual(expectedPoints(fixture.resourceMetrics, service).sort(byKey));
    },
  };
}

interface IngestSent {
  item: Record<string, unknown>;
}

function ingestRoute(): Route<IngestSent> {
  const startMs = Date.now() - 60_000;
  const template = generation({ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), name: 'chat', startTime: startMs, metadata: { tier: 'gold', attempt: 1 } });
  return {
    path: '/api/v1/ingest',
    fuzzed: 2_000,
    seed: 3,
    garbageFrom: { json: Buffer.from(JSON.stringify({ batch: [template] })) },
    valid(random, i) {
      const item = {
        ...template,
        traceId: hex(random, 32),
        spanId: hex(random, 16),
        name: `chat ${i} ${hex(random, 6)}`,
        startTime: startMs + i,
        durationMs: 100 + Math.floor(random() * 5_000),
        model: random() < 0.5 ? 'gpt-4o' : 'gpt-4o-mini',
        usage: { input: Math.floor(random() * 10_000), output: Math.floor(random() * 1_000) },
        metadata: { tier: hex(random, 8), attempt: i },
      };
      return { body: Buffer.from(JSON.stringify({ batch: [item] })), encoding: 'json', sent: { item } };
    },
    async check({ item }) {
      const stored = await getJson<StoredSpan & { provider: string; model: string | null }>(`/api/v1/spans/${String(item.spanId)}`);
      const usage = item.usage as { input: number; output: number };
      expect({
        traceId: stored.traceId,
        name: stored.name,
        startUs: stored.startUs,
        endUs: stored.endUs,
        provider: stored.provider,
        requestModel: stored.requestModel ?? stored.model,
        usage: { input: stored.usage.input + stored.usage.cacheRead, output: stored.usage.output },
        metadata: stored.metadata,
      }).toEqual({
        traceId: item.traceId,
        name: item.name,
        startUs: (item.startTime as number) * 1000,
        endUs: ((item.startTime as number) + (item.durationMs as number)) * 1000,
        provider: item.provider,
        requestModel: item.model,
        usage,
        metadata: Object.fromEntries(Object.entries(item.metadata as Record<string, unknown>).map(([k, v]) => [k, asText(v)])),
      });
    },
  };
}

// One valid item after every VALID_EVERY malformed bodies.
const VALID_EVERY = 40;

async function fuzzRoute<Sent>(route: Route<Sent>): Promise<void> {
  const random = rng(route.seed);
  const statuses = new Map<number, number>();
  const sent: Sent[] = [];
  const encodings = Object.keys(route.garbageFrom) as Encoding[];
  for (let i = 0; i < route.fuzzed; i++) {
    if (i % VALID_EVERY === VALID_EVERY - 1) {
      const valid = route.valid(random, sent.length);
      const res = await post(route.path, valid.body, { 'content-type': contentTypes[valid.encoding] });
      expect(res.status, `${route.path} valid item ${sent.length}: ${res.text.slice(0, 300)}`).toBe(200);
      sent.push(valid.sent);
    }
    const encoding = encodings[Math.floor(random() * encodings.length)]!;
    let body = mutate((route.garbageFrom as Record<Encoding, Buffer>)[encoding], random);
    const headers: Record<string, string> = { 'content-type': contentTypes[encoding] };
    if (random() < 0.1) {
      body = gzipSync(body);
      headers['content-encoding'] = 'gzip';
    }
    const res = await post(route.path, body, headers);
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    expect(res.status, `${route.path} body ${i} got ${res.status}: ${res.text.slice(0, 200)}`).toBeLessThan(500);
  }
  // Malformed bodies were mostly refused, not silently accepted.
  expect(statuses.get(400) ?? 0, JSON.stringify([...statuses])).toBeGreaterThan(route.fuzzed / 2);
  expect(sent.length).toBe(Math.floor(route.fuzzed / VALID_EVERY));
  await t.ctx.pipeline.settled();
  for (const item of sent) await route.check(item);
}

describe('ingest routes under malformed input', () => {
  it('/v1/traces: answers malformed bodies with 2xx/4xx and stores every valid span sent between them as sent', { timeout: 240_000 }, async () => {
    await fuzzRoute(tracesRoute(await traceFixture()));
  });

  it('/v1/logs: answers malformed bodies with 2xx/4xx and stores every valid log record sent between them as sent', { timeout: 240_000 }, async () => {
    await fuzzRoute(logsRoute(await logsFixture()));
  });

  it('/v1/metrics: answers malformed bodies with 2xx/4xx and stores every valid point sent between them as sent', { timeout: 240_000 }, async () => {
    await fuzzRoute(metricsRoute(await metricsFixture()));
  });

  it('/api/v1/ingest: answers malformed bodies with 2xx/4xx and stores every valid item sent between them as sent', { timeout: 240_000 }, async () => {
    await fuzzRoute(ingestRoute());
  });
});
