import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { trace } from '@opentelemetry/api';
import { InMemorySpanExporter, TracerProvider } from '@opentelemetry/sdk-trace';
import { afterEach, describe, expect, it } from 'vitest';
import { init, score, traceTool, withContext, type LookoutHandle } from './index.ts';

let sdk: LookoutHandle | undefined;
afterEach(async () => {
  await sdk?.shutdown();
  sdk = undefined;
});

describe('queue, sampling, provider', () => {
  it('bounds the queue and counts what it drops', async () => {
    const exporter = new InMemorySpanExporter();
    sdk = init({ exporter, maxQueueSize: 3, scheduledDelayMs: 60_000 });
    const before = sdk.stats().dropped;
    for (let i = 0; i < 8; i++) traceTool(`t${i}`, () => i);
    const dropped = sdk.stats().dropped - before;
    expect(dropped).toBeGreaterThan(0);
    expect(sdk.stats().queued).toBeLessThanOrEqual(3);
    await sdk.flush();
    // every span is either exported or counted as dropped
    expect(exporter.getFinishedSpans().length + dropped).toBe(8);
    expect(sdk.stats().queued).toBe(0);
  });

  it('samples: at rate 0 nothing is recorded and calls still work', async () => {
    const exporter = new InMemorySpanExporter();
    sdk = init({ exporter, sampleRate: 0, scheduledDelayMs: 10 });
    expect(await traceTool('x', async () => 42)).toBe(42);
    await sdk.flush();
    expect(exporter.getFinishedSpans()).toHaveLength(0);
  });

  it('joins a tracer provider the application already registered', async () => {
    const exporter = new InMemorySpanExporter();
    const { SimpleSpanProcessor } = await import('@opentelemetry/sdk-trace');
    const theirs = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
    trace.setGlobalTracerProvider(theirs);
    try {
      const handle = init({ scheduledDelayMs: 10 });
      expect(handle.joinedExistingProvider).toBe(true);
      withContext({ userId: 'bob' }, () => traceTool('x', () => 1));
      expect(exporter.getFinishedSpans()[0].attributes).toMatchObject({ 'lookout.user.id': 'bob', 'lookout.span.kind': 'tool' });
      await handle.shutdown();
    } finally {
      trace.disable();
      await theirs.shutdown();
    }
  });

  it('sends scores to the ingest API in the background and counts failures', async () => {
    const bodies: unknown[] = [];
    const auth: (string | undefined)[] = [];
    let status = 200;
    const server: Server = createServer((req, res) => {
      let b = '';
      req.on('data', (c) => (b += c));
      req.on('end', () => {
        bodies.push(JSON.parse(b));
        auth.push(req.headers.authorization);
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end('{}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const { port } = server.address() as AddressInfo;
      sdk = init({ endpoint: `http://127.0.0.1:${port}`, apiKey: 'lk_test', exporter: new InMemorySpanExporter() });
      const s0 = sdk.stats();
      const traceId = 'a'.repeat(32);
      expect(score({ traceId, name: 'helpful', value: 1, comment: 'great' })).toBe(true);
      let inner: boolean | undefined;
      traceTool('t', () => {
        inner = score({ name: 'thumbs', value: true });
      });
      expect(inner).toBe(true);
      expect(score({ traceId: 'not-a-trace', name: 'x', value: 1 })).toBe(false);
      await sdk.flush();
      expect(bodies).toHaveLength(1);
      const batch = (bodies[0] as { batch: Record<string, unknown>[] }).batch;
      expect(batch[0]).toMatchObject({ type: 'score', traceId, name: 'helpful', value: 1, comment: 'great', source: 'sdk' });
      expect(batch[1]).toMatchObject({ type: 'score', name: 'thumbs', value: true });
      expect(batch[1].traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(batch[1].spanId).toMatch(/^[0-9a-f]{16}$/);
      expect(auth[0]).toBe('Bearer lk_test');
      status = 500;
      score({ traceId, name: 'helpful', value: 0 });
      await sdk.flush();
      const s1 = sdk.stats();
      expect(s1.scoresSent - s0.scoresSent).toBe(2);
      expect(s1.scoresFailed - s0.scoresFailed).toBe(1);
      expect(s1.scoresDropped - s0.scoresDropped).toBe(1);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
