import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generation, makeTestApp, type TestApp } from '../../testing/app.ts';
import { hex } from '../../testing/fixtures.ts';
import { projectId } from '../../store/store.ts';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { contentAttributeCases, emitContentSpans } from '../../ingest/otlp/conventions/content-fixtures.testing.ts';

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
});
afterEach(async () => {
  await t.close();
});

const setCapture = (mode: string) => t.app.inject({ method: 'PATCH', url: '/api/v1/project', payload: { contentCapture: mode } });

async function sendWithContent(): Promise<{ content: unknown; promptHash: string | null; responseHash: string | null }> {
  const spanId = hex(8);
  await t.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: { batch: [generation({ spanId, traceId: hex(16), input: 'my secret prompt', output: 'the answer' })] } });
  return (await t.app.inject(`/api/v1/spans/${spanId}`)).json();
}

describe('content capture per project (E5)', () => {
  it('keeps content and hashes by default, hashes only with metadata, neither with off', async () => {
    expect((await t.app.inject('/api/v1/project')).json().project.contentCapture).toBe('full');
    const full = await sendWithContent();
    expect(full.content).toEqual({ input: 'my secret prompt', output: 'the answer' });
    expect(full.promptHash).toMatch(/^[0-9a-f]+$/);

    expect((await setCapture('metadata')).json().project.contentCapture).toBe('metadata');
    const metadata = await sendWithContent();
    expect(metadata.content).toBeNull();
    expect(metadata.promptHash).toBe(full.promptHash);

    await setCapture('off');
    const off = await sendWithContent();
    expect(off).toMatchObject({ content: null, promptHash: null, responseHash: null });
    expect(JSON.stringify((await t.app.inject('/api/v1/spans?limit=10')).json())).toContain('my secret prompt'); // the one stored while full
  });

  it('applies to OTLP too: each convention\'s prompt and response text is kept under full only', async () => {
    const kept: Record<string, boolean[]> = {};
    for (const mode of ['full', 'metadata', 'off'] as const) {
      expect((await setCapture(mode)).statusCode).toBe(200);
      // Letters only: the error classifier reads digits in a message as an HTTP status.
      const mark = `zq-${mode}-${hex(6).replace(/[0-9]/g, (d) => 'ghijklmnop'[Number(d)])}`;
      const exporter = new InMemorySpanExporter();
      const provider = new TracerProvider({ resource: resourceFromAttributes({ 'service.name': 'content-test' }), spanProcessors: [new SimpleSpanProcessor({ exporter })] });
      const { traceIds } = emitContentSpans(provider, 'content-test', mark);
      await provider.forceFlush();
      const spans = exporter.getFinishedSpans();
      await provider.shutdown();
      const res = await t.app.inject({ method: 'POST', url: '/v1/traces', payload: Buffer.from(ProtobufTraceSerializer.serializeRequest(spans) as Uint8Array), headers: { 'content-type': 'application/x-protobuf' } });
      expect(res.statusCode).toBe(200);
      // One span per convention case (and the undeclared Chroma span), each read back whole.
      expect(traceIds).toHaveLength(Object.keys(contentAttributeCases(mark)).length + 1);
      kept[mode] = [];
      for (const traceId of traceIds) {
        const trace = (await t.app.inject(`/api/v1/traces/${traceId}`)).json() as { spans: { spanId: string; name: string }[] };
        expect(trace.spans, traceId).toHaveLength(1);
        const span = (await t.app.inject(`/api/v1/spans/${trace.spans[0]!.spanId}`)).json();
        const text = JSON.stringify(trace) + JSON.stringify(span);
        kept[mode].push(text.includes(mark));
        // Content attributes of a span whose convention is not detected are not kept, even under full.
        if (mode === 'full') {
          if (!trace.spans[0]!.name.endsWith('(undetected)')) expect(text, `${trace.spans[0]!.name} under full`).toContain(mark);
        } else expect(text, `${trace.spans[0]!.name} under ${mode}`).not.toContain(mark);
      }
    }
    expect(kept.full!.filter(Boolean).length).toBeGreaterThanOrEqual(11);
    expect([...kept.metadata!, ...kept.off!].some(Boolean)).toBe(false);
  });

  it('refuses a bad value and a key without admin scope', async () => {
    const bad = await setCapture('everything');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toContain('contentCapture');
    const { key } = await t.ctx.store.createApiKey(projectId('default'), 'read', null);
    const denied = await t.app.inject({ method: 'PATCH', url: '/api/v1/project', payload: { contentCapture: 'off' }, headers: { authorization: `Bearer ${key}` } });
    expect(denied.statusCode).toBe(403);
  });
});
