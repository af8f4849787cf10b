// Content capture below `full` on every ingest path, through the real app: the native API, OTLP
// traces and logs (bodies from the official OTel SDK and serializers), and the gateway in front
// of a fake OpenAI upstream. Whatever was sent, the marker must not come back from any read.
import type { AddressInfo } from 'node:net';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeUpstream } from '../../../../test/e2e/fake-openai.ts';
import type { ContentCapture } from '../store/store.ts';
import { generation, makeTestApp, type TestApp } from '../testing/app.ts';
import { hex } from '../testing/fixtures.ts';

// Letters only: the error classifier reads digits such as '503' in a message as an HTTP status.
const letters = (bytes: number) => hex(bytes).replace(/[0-9]/g, (d) => 'ghijklmnop'[Number(d)]);
import { contentLogsProtobuf, emitContentSpans, UNDECLARED_SCOPE, UNDECLARED_TEXT_KEYS } from './otlp/conventions/content-fixtures.testing.ts';

let t: TestApp;
let oai: FakeUpstream;
let base = '';

beforeAll(async () => {
  oai = await startFakeOpenAI();
  t = await makeTestApp({ 'gateway.openaiBaseUrl': `${oai.url}/v1` });
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await t.close();
  await oai.close();
});

interface Sent {
  traceIds: string[];
  sessionId: string;
}

async function sendEverywhere(mark: string): Promise<Sent> {
  const traceIds: string[] = [];
  // Native API: content fields and content attributes in metadata.
  const nativeTrace = hex(16);
  traceIds.push(nativeTrace);
  const native = await t.app.inject({
    method: 'POST',
    url: '/api/v1/ingest',
    payload: {
      batch: [
        generation({ traceId: nativeTrace, input: `${mark} native input`, output: `${mark} native output`, metadata: { 'input.value': `${mark} native metadata`, 'ai.prompt': `${mark} native prompt` } }),
        generation({ traceId: nativeTrace, status: 'error', errorMessage: `the model refused: "${mark} native error"` }),
        { type: 'log', id: hex(8), traceId: nativeTrace, severity: 'info', body: `${mark} native log body`, attributes: { 'event.name': 'gen_ai.user.message', 'gen_ai.input.messages': `${mark} native log` } },
      ],
    },
  });
  expect(native.statusCode).toBe(200);

  // OTLP traces: one span per convention case.
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ resource: resourceFromAttributes({ 'service.name': 'content-test' }), spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  traceIds.push(...emitContentSpans(provider, 'content-test', mark).traceIds);
  await provider.forceFlush();
  const spans = exporter.getFinishedSpans();
  await provider.shutdown();
  const traces = await t.app.inject({
    method: 'POST',
    url: '/v1/traces',
    payload: Buffer.from(ProtobufTraceSerializer.serializeRequest(spans) as Uint8Array),
    headers: { 'content-type': 'application/x-protobuf' },
  });
  expect(traces.statusCode).toBe(200);

  // OTLP logs: GenAI events for the first OTLP span.
  const link = { traceId: spans[0].spanContext().traceId, spanId: spans[0].spanContext().spanId };
  const logs = await t.app.inject({ method: 'POST', url: '/v1/logs', payload: await contentLogsProtobuf(mark, link), headers: { 'content-type': 'application/x-protobuf' } });
  expect(logs.statusCode).toBe(200);

  // The gateway.
  const sessionId = `content-${hex(4)}`;
  const res = await fetch(`${base}/proxy/openai/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test', 'x-lookout-session': sessionId },
    body: JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: `${mark} gateway prompt` }] }),
  });
  expect(res.status).toBe(200);
  await res.text();
  return { traceIds, sessionId };
}

async function everythingRead(sent: Sent): Promise<{ all: string; own: string }> {
  const deadline = Date.now() + 10_000;
  let gateway: unknown[] = [];
  while (gateway.length === 0 && Date.now() < deadline) {
    gateway = (await t.app.inject(`/api/v1/spans?sessionId=${sent.sessionId}&limit=10`)).json().spans;
    if (gateway.length === 0) await new Promise((r) => setTimeout(r, 20));
  }
  expect(gateway).toHaveLength(1);
  const reads: unknown[] = [gateway];
  for (const traceId of sent.traceIds) {
    const trace = (await t.app.inject(`/api/v1/traces/${traceId}`)).json() as { spans: { spanId: string }[] };
    expect(trace.spans.length, traceId).toBeGreaterThan(0);
    reads.push(trace);
    for (const s of trace.spans) reads.push((await t.app.inject(`/api/v1/spans/${s.spanId}`)).json());
  }
  const own = JSON.stringify(reads);
  const lists = JSON.stringify((await t.app.inject('/api/v1/spans?limit=500')).json()) + JSON.stringify((await t.app.inject('/api/v1/logs?limit=500')).json());
  return { all: own + lists, own };
}

async function withheldCounts(): Promise<{ traces: number; logs: number }> {
  const text = (await t.app.inject('/metrics')).body;
  const count = (signal: string) => Number(new RegExp(`^lookout_content_attributes_dropped_total\\{signal="${signal}"\\} (\\d+)`, 'm').exec(text)?.[1] ?? 0);
  return { traces: count('traces'), logs: count('logs') };
}

const setCapture = async (mode: ContentCapture) =>
  expect((await t.app.inject({ method: 'PATCH', url: '/api/v1/project', payload: { contentCapture: mode } })).statusCode).toBe(200);

describe('content capture on every ingest path (#6)', { timeout: 30_000 }, () => {
  it('full keeps the text (the check below can see it)', async () => {
    await setCapture('full');
    const mark = `zq-full-${letters(6)}`;
    const sent = await sendEverywhere(mark);
    expect((await everythingRead(sent)).own).toContain(mark);
    // Unknown attributes are metadata as sent; the exception's message is the error message.
    const chroma = (await t.app.inject(`/api/v1/traces/${sent.traceIds[1]}`)).json().spans[0] as { metadata: Record<string, string>; errorMessage: string | null };
    expect(chroma.metadata['mlflow.spanInputs']).toContain(mark);
    expect(chroma.errorMessage).toContain(mark);
  });

  for (const mode of ['metadata', 'off'] as const) {
    it(`${mode}: no prompt or response text comes back from any read`, async () => {
      await setCapture(mode);
      const withheldBefore = await withheldCounts();
      const mark = `zq-${mode}-${letters(6)}`;
      const sent = await sendEverywhere(mark);
      const read = await everythingRead(sent);
      expect(read.all).not.toContain(mark);
      // The Chroma span: its numbers and the names known to hold no text stay, the failure is
      // still classed, and the withheld attributes are counted on the span and on /metrics.
      const chroma = (await t.app.inject(`/api/v1/traces/${sent.traceIds[1]}`)).json().spans[0] as { metadata: Record<string, string>; errorClass: string; errorMessage: string | null };
      expect(chroma.metadata).toMatchObject({ 'otel.scope.name': UNDECLARED_SCOPE, 'db.system': 'chroma', 'db.operation': 'query', 'db.chroma.query.n_results': '3', 'app.retries': '2', 'app.cached': 'true', 'app.scores': '[0.25,0.5]' });
      for (const key of UNDECLARED_TEXT_KEYS) expect(chroma.metadata[key], key).toBeUndefined();
      expect(Number(chroma.metadata['lookout.attributes_withheld'])).toBeGreaterThanOrEqual(4);
      expect(chroma).toMatchObject({ errorClass: 'invalid_request', errorMessage: 'ValueError' });
      const withheld = await withheldCounts();
      expect(withheld.traces - withheldBefore.traces).toBeGreaterThanOrEqual(4);
      expect(withheld.logs - withheldBefore.logs).toBeGreaterThanOrEqual(4);
      const hashes = read.own.match(/"promptHash":"[0-9a-f]{32}"/g) ?? [];
      if (mode === 'metadata') expect(hashes.length).toBeGreaterThan(0);
      else expect(hashes).toEqual([]);
    });
  }
});
