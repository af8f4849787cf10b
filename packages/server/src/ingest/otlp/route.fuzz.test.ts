import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../../testing/app.ts';
import { traceFixture } from './otel-fixtures.testing.ts';

// 10,000+ malformed OTLP bodies through the real route: every answer is a 2xx/4xx per the
// spec (never a 5xx), the server keeps serving, and the valid spans sent between them are all
// stored.

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
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

describe('OTLP/HTTP under malformed input', () => {
  it('answers 10,000 malformed bodies with 2xx/4xx and keeps every valid span', { timeout: 240_000 }, async () => {
    const fixture = await traceFixture();
    const random = rng(20261123);
    const statuses = new Map<number, number>();
    const validTraceIds = new Set(fixture.spans.map((s) => s.spanContext().traceId));
    for (let i = 0; i < 10_000; i++) {
      const encoding = random() < 0.5 ? 'protobuf' : 'json';
      let body = mutate(fixture[encoding], random);
      const headers: Record<string, string> = { 'content-type': encoding === 'protobuf' ? 'application/x-protobuf' : 'application/json' };
      if (random() < 0.1) {
        body = gzipSync(body);
        headers['content-encoding'] = 'gzip';
      }
      const res = await t.app.inject({ method: 'POST', url: '/v1/traces', payload: body, headers });
      statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
      expect(res.statusCode, `body ${i} got ${res.statusCode}: ${res.body.slice(0, 200)}`).toBeLessThan(500);
    }
    // Malformed bodies were mostly refused, not silently accepted.
    expect(statuses.get(400) ?? 0).toBeGreaterThan(5_000);
    const ok = await t.app.inject({ method: 'POST', url: '/v1/traces', payload: fixture.protobuf, headers: { 'content-type': 'application/x-protobuf' } });
    expect(ok.statusCode).toBe(200);
    // Each original span is stored exactly once. A mutation that still decodes is a valid span
    // of its own: a flipped byte in a span id makes another span, and one in a timestamp makes a
    // span with the same ids and another start time, which de-duplication (keyed within the start
    // time, as retries carry identical bytes) also keeps apart.
    for (const traceId of validTraceIds) {
      const trace = (await t.app.inject(`/api/v1/traces/${traceId}`)).json() as { spans: { spanId: string; startUs: number }[] };
      for (const original of fixture.spans.filter((s) => s.spanContext().traceId === traceId)) {
        const startUs = original.startTime[0] * 1e6 + Math.floor(original.startTime[1] / 1000);
        expect(trace.spans.filter((s) => s.spanId === original.spanContext().spanId && s.startUs === startUs)).toHaveLength(1);
      }
    }
  });
});
