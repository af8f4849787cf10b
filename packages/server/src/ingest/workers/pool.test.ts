import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config/config.ts';
import { LookoutError } from '../../errors.ts';
import { traceFixture } from '../otlp/otel-fixtures.testing.ts';
import type { TracesOutcome, TracesTaskArgs } from '../otlp/traces.ts';
import { defaultWorkerCount, IngestWorkers, workerHeapLimitMb, type IngestWorkersOptions } from './pool.ts';

// The real worker, whose answers name their thread, and which dies on a task of CRASH_PROJECT.
const SCRIPT = new URL('./test-worker.testing.ts', import.meta.url);
const CRASH_PROJECT = 'crash-the-worker';
const pools: IngestWorkers[] = [];
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

function pool(size: number, maxInFlightBytes = 64 * 1024 * 1024, more: Partial<IngestWorkersOptions> = {}): IngestWorkers {
  const p = new IngestWorkers({ size, maxInFlightBytes, script: SCRIPT, ...more });
  pools.push(p);
  return p;
}

// An OTLP/JSON export of `spans` spans, padded with spaces to at least `minBytes`.
function exportOf(spans: number, minBytes = 0): Buffer {
  const startNs = BigInt(Date.now() - 60_000) * 1_000_000n;
  const list = Array.from({ length: spans }, (_, i) => ({
    traceId: randomBytes(16).toString('hex'),
    spanId: randomBytes(8).toString('hex'),
    name: `chat ${i}`,
    startTimeUnixNano: String(startNs),
    endTimeUnixNano: String(startNs + 1_000_000n),
    attributes: [{ key: 'gen_ai.request.model', value: { stringValue: 'gpt-4o' } }],
  }));
  const text = JSON.stringify({ resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ spans: list }] }] });
  return Buffer.from(text.padEnd(minBytes, ' '));
}

const args = (projectId: string): TracesTaskArgs => ({ encoding: 'json', projectId, captureContent: false, maxSpans: 100_000 });
type Answer = TracesOutcome & { threadId: number; traces: { decoded: number } };
const run = (p: IngestWorkers, projectId: string, body: Buffer) => p.run('otlpTraces', projectId, body, args(projectId)) as Promise<Answer>;

// Two project ids that the pool sends to different workers.
function projectsOnTwoWorkers(p: IngestWorkers): [string, string] {
  const a = 'project-a';
  for (let i = 0; ; i++) if (p.workerOf(`project-${i}`) !== p.workerOf(a)) return [a, `project-${i}`];
}

// Starting a thread loads the decoder and the conventions: slow on a busy machine.
describe('IngestWorkers', { timeout: 30_000 }, () => {
  it('uses one thread on two cores or fewer, else one per core but one', () => {
    expect([1, 2, 3, 8].map((cores) => defaultWorkerCount(cores))).toEqual([1, 1, 2, 7]);
  });

  it('takes its size from ingest.workers or LOOKOUT_INGEST_WORKERS, unset meaning the default', () => {
    expect(loadConfig({ env: {} }).ingest.workers).toBeUndefined();
    expect(loadConfig({ env: { LOOKOUT_INGEST_WORKERS: '0' } }).ingest.workers).toBe(0);
    expect(loadConfig({ env: {}, flags: { ingest: { workers: 3 } } }).ingest.workers).toBe(3);
    expect(() => loadConfig({ env: { LOOKOUT_INGEST_WORKERS: '-1' } })).toThrow(ConfigError);
    // Empty is unset, as for every variable; blank is not a number of threads (nor 0).
    expect(loadConfig({ env: { LOOKOUT_INGEST_WORKERS: '' } }).ingest.workers).toBeUndefined();
    for (const blank of [' ', '\t'])
      expect(() => loadConfig({ env: { LOOKOUT_INGEST_WORKERS: blank } })).toThrow(/ingest\.workers: must be a whole number of threads.*LOOKOUT_INGEST_WORKERS/);
  });

  it('maps a trace export in a worker exactly as on the main thread', async () => {
    const fixture = await traceFixture();
    for (const encoding of ['protobuf', 'json'] as const) {
      const task = { encoding, projectId: 'p', captureContent: true, maxSpans: 100 };
      const inline = await pool(0).run('otlpTraces', 'p', Buffer.from(fixture[encoding]), task);
      const real = new IngestWorkers({ size: 1, maxInFlightBytes: 1 << 20 }); // the production entry
      pools.push(real);
      const threaded = await real.run('otlpTraces', 'p', Buffer.from(fixture[encoding]), task);
      expect('traces' in inline && inline.traces.spans.length).toBe(fixture.spans.length);
      expect(threaded).toStrictEqual(inline);
    }
  });

  it('sends a project to one worker, which answers in the order sent', async () => {
    const p = pool(2);
    const [a, b] = projectsOnTwoWorkers(p);
    // A slow export first: a worker that took the next ones in parallel would answer them first.
    const sizes = [2_000, 1, 1, 1, 1];
    const order: number[] = [];
    const answers = await Promise.all(sizes.map((n, i) => run(p, a, exportOf(n)).then((r) => (order.push(i), r))));
    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect(answers.map((r) => r.traces.decoded)).toEqual(sizes);
    expect(new Set(answers.map((r) => r.threadId)).size).toBe(1);
    const other = await run(p, b, exportOf(1));
    expect(other.threadId).not.toBe(answers[0]!.threadId);
  });

  it('answers the task that killed a worker 413 and the others it held 503, starts another and serves the next request', async () => {
    const p = pool(1);
    expect((await run(p, 'p', exportOf(1))).traces.decoded).toBe(1);
    // The crash and the task queued behind it are both in flight when the thread dies.
    const crashed = run(p, CRASH_PROJECT, exportOf(1));
    const queued = run(p, 'p', exportOf(1));
    const [poison, other] = (await Promise.allSettled([crashed, queued])).map((o) => (o.status === 'rejected' ? (o.reason as LookoutError) : null));
    // Sent again, the first would kill the thread again: it must not be retried.
    expect(poison).toBeInstanceOf(LookoutError);
    expect(poison).toMatchObject({ code: 'body_too_large', status: 413, retryable: false });
    expect(poison!.message).toMatch(/the request could not be processed: the worker handling it stopped/);
    expect(other).toBeInstanceOf(LookoutError);
    expect(other).toMatchObject({ code: 'store_unavailable', status: 503, retryable: true, retryAfterSeconds: 1 });
    expect(p.running).toBe(1);
    expect((await run(p, 'p', exportOf(2))).traces.decoded).toBe(2);
  });

  it('caps a worker heap: a task that fills it is answered 413 naming the memory, and the next is served', async () => {
    const p = pool(1, 64 * 1024 * 1024, { heapLimitMb: 32 });
    expect((await run(p, 'p', exportOf(1))).traces.decoded).toBe(1);
    await expect(run(p, 'exhaust-the-heap', exportOf(1))).rejects.toMatchObject({
      code: 'body_too_large',
      status: 413,
      retryable: false,
      message: expect.stringContaining('the worker handling it ran out of memory'),
    });
    expect((await run(p, 'p', exportOf(2))).traces.decoded).toBe(2);
    // Sized so that the largest body fits beside the decoder (a 15.5 MB OTLP/protobuf export of
    // small attributes needs over 256 MB), but never half the machine's memory.
    const GIB = 1024 * 1024 * 1024;
    expect(workerHeapLimitMb(16 * 1024 * 1024, 64 * GIB)).toBeGreaterThanOrEqual(384);
    expect(workerHeapLimitMb(128 * 1024 * 1024, 4 * GIB)).toBeLessThanOrEqual(2048);
  });

  it('waits longer before each restart of a worker that keeps dying, answering 503 meanwhile', async () => {
    const p = pool(1);
    expect((await run(p, 'p', exportOf(1))).traces.decoded).toBe(1);
    await expect(run(p, CRASH_PROJECT, exportOf(1))).rejects.toMatchObject({ status: 413 });
    // The first death restarts at once; the second in a row waits.
    await expect(run(p, CRASH_PROJECT, exportOf(1))).rejects.toMatchObject({ status: 413 });
    await expect(run(p, 'p', exportOf(1))).rejects.toMatchObject({ code: 'store_unavailable', status: 503, retryable: true, message: expect.stringContaining('starts again') });
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect((await run(p, 'p', exportOf(2))).traces.decoded).toBe(2);
    // An answer ends the run of deaths: the next death restarts at once again.
    await expect(run(p, CRASH_PROJECT, exportOf(1))).rejects.toMatchObject({ status: 413 });
    expect((await run(p, 'p', exportOf(3))).traces.decoded).toBe(3);
  });

  it('stops the threads at the close deadline and answers the tasks left 503', async () => {
    const p = pool(1, 64 * 1024 * 1024, { closeDeadlineMs: 200 });
    expect((await run(p, 'p', exportOf(1))).traces.decoded).toBe(1);
    const hung = run(p, 'hang-the-worker', exportOf(1));
    const queued = run(p, 'p', exportOf(1));
    const startedMs = Date.now();
    await p.close();
    expect(Date.now() - startedMs).toBeLessThan(5_000);
    for (const task of [hung, queued]) await expect(task).rejects.toMatchObject({ code: 'shutting_down', status: 503, retryable: true });
    expect(p.running).toBe(0);
  });

  it('answers 429 with Retry-After past the bytes in flight, and takes work again once they are answered', async () => {
    const p = pool(1, 10_000);
    // One task is always taken, even one over the bound.
    const big = run(p, 'p', exportOf(1, 12_000));
    await expect(run(p, 'p', exportOf(1, 100))).rejects.toMatchObject({ code: 'queue_full', status: 429, retryAfterSeconds: 1 });
    await big;
    const first = run(p, 'p', exportOf(1, 6_000));
    await expect(run(p, 'q', exportOf(1, 5_000))).rejects.toMatchObject({ code: 'queue_full' });
    const second = run(p, 'q', exportOf(1, 3_000));
    expect((await Promise.all([first, second])).map((r) => r.traces.decoded)).toEqual([1, 1]);
    expect((await run(p, 'p', exportOf(1, 9_000))).traces.decoded).toBe(1);
  });

  it('finishes the tasks in flight on close, then leaves no thread running and refuses new ones', async () => {
    const p = pool(2);
    p.start();
    expect(p.running).toBe(2);
    const [a, b] = projectsOnTwoWorkers(p);
    const inFlight = [run(p, a, exportOf(500)), run(p, b, exportOf(500))];
    await p.close();
    expect((await Promise.all(inFlight)).map((r) => r.traces.decoded)).toEqual([500, 500]);
    expect(p.running).toBe(0);
    await expect(run(p, a, exportOf(1))).rejects.toMatchObject({ code: 'shutting_down', status: 503 });
  });

  it('moves a body that owns its memory to the worker and copies one that does not', async () => {
    const p = pool(1);
    const owned = Buffer.from(exportOf(1));
    const whole = Buffer.alloc(owned.length);
    owned.copy(whole);
    await run(p, 'p', whole);
    expect(whole.byteLength).toBe(0); // transferred: detached here
    const larger = Buffer.alloc(owned.length + 16);
    owned.copy(larger, 8);
    const slice = larger.subarray(8, 8 + owned.length);
    await run(p, 'p', slice);
    expect(slice.equals(owned)).toBe(true); // copied: still readable here
  });
});
