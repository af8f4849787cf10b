import { afterEach, describe, expect, it } from 'vitest';
import { generation, makeTestApp, type TestApp } from '../../testing/app.ts';
import { IngestWorkers } from '../workers/pool.ts';
import type { BatchTaskArgs } from './batch.ts';

// The native API's batches are read, validated and mapped on an ingest worker thread.

const CRASH_MARKER = 'crash-the-worker'; // a body naming it kills the test worker (test-worker.testing.ts)
const pools: IngestWorkers[] = [];
let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

function pool(size: number, script?: URL): IngestWorkers {
  const p = new IngestWorkers({ size, maxInFlightBytes: 1 << 20, ...(script ? { script } : {}) });
  pools.push(p);
  return p;
}

const args: BatchTaskArgs = { projectId: 'p', maxBatchItems: 100, nowMs: Date.UTC(2026, 0, 2) };
const startTime = Date.UTC(2026, 0, 1);
// Every item type, accepted and refused, ids given and derived; content as text and as JSON.
const batch = [
  { type: 'generation', id: 'g-1', startTime, durationMs: 120, provider: 'openai', model: 'gpt-4o', usage: { input: 10, output: 5 }, input: [{ role: 'user', content: 'hi' }], output: 'hello', metadata: { a: 1, b: true }, tags: ['x'] },
  { type: 'span', id: 's-1', kind: 'tool', name: 'search', startTime: new Date(startTime).toISOString(), endTime: startTime + 5, traceId: 'AB'.repeat(16), spanId: 'cd'.repeat(8) },
  { type: 'generation', startTime, model: 'gpt-4o-mini', traceId: 'ab'.repeat(16), spanId: 'ef'.repeat(8), costUsd: 0.25, status: 'error' },
  { type: 'score', id: 'sc-1', traceId: 'ab'.repeat(16), name: 'helpful', value: true },
  { type: 'score', id: 'sc-2', traceId: 'ab'.repeat(16), name: 'stars', value: 4, timestamp: startTime },
  { type: 'log', id: 'l-1', severity: 'warn', body: 'slow', attributes: { ms: 900 } },
  { type: 'generation', startTime: 'yesterday' },
  { type: 'mystery' },
  42,
];

describe('native ingest on the worker threads', { timeout: 30_000 }, () => {
  it('reads, validates and maps a batch in a worker exactly as on the main thread', async () => {
    const real = pool(1); // the production entry
    for (const body of [{ batch }, { batch: [] }, { items: [] }, { batch: Array.from({ length: 101 }, () => ({})) }]) {
      const bytes = Buffer.from(JSON.stringify(body));
      const inline = await pool(0).run('nativeIngest', 'p', bytes, args);
      expect(await real.run('nativeIngest', 'p', Buffer.from(bytes), args)).toStrictEqual(inline);
    }
    const mapped = await pool(0).run('nativeIngest', 'p', Buffer.from(JSON.stringify({ batch })), args);
    expect('batch' in mapped && mapped.batch).toMatchObject({ items: 9, rejected: 3, spanIdx: [0, 1, 2], scoreIdx: [3, 4], logIdx: [5] });
    for (const bytes of ['', '{"batch": [', '\xff']) {
      const inline = await pool(0).run('nativeIngest', 'p', Buffer.from(bytes, 'latin1'), args);
      expect('unreadable' in inline).toBe(true);
      expect(await real.run('nativeIngest', 'p', Buffer.from(bytes, 'latin1'), args)).toStrictEqual(inline);
    }
  });

  it('answers 413 (not retryable) for the batch whose worker died reading it, and takes the next batch', async () => {
    t = await makeTestApp();
    t.ctx.workers = pool(1, new URL('../workers/test-worker.testing.ts', import.meta.url));
    const post = (items: unknown[]) => t!.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: { batch: items } });
    const crashed = await post([generation({ id: 'g-crash', metadata: { note: CRASH_MARKER } })]);
    // Sent again, it would kill the thread again.
    expect(crashed.statusCode).toBe(413);
    expect(crashed.headers['retry-after']).toBeUndefined();
    expect(crashed.json().error).toMatchObject({ code: 'body_too_large', retryable: false });
    expect(crashed.json().error.message).toMatch(/could not be processed: the worker handling it stopped/);
    const next = await post([generation({ id: 'g-next' })]);
    expect(next.statusCode).toBe(200);
    expect(next.json()).toMatchObject({ accepted: 1, rejected: 0 });
  });
});
