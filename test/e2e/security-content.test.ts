// Content capture against a real `lookout serve`: with capture off, prompts and responses sent
// through every ingest path (the official OTLP/HTTP protobuf exporter with every convention's
// content attributes, OTLP logs with GenAI events, the native API, the Lookout SDK and the
// gateway) are stored nowhere: not in any file under the data dir (database, its write-ahead
// log, the journal, staging) and not in any API answer. And turning capture off with --purge
// removes what was stored while it was full.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { ROOT_CONTEXT } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { init, traceRetrieval } from '@lookout/sdk';
import { afterAll, describe, expect, it } from 'vitest';
import { contentLogsProtobuf, emitContentSpans } from '../../packages/server/src/ingest/otlp/conventions/content-fixtures.testing.ts';
import { filesHolding, tablesHolding } from './data-dir.ts';
import { startFakeOpenAI, type FakeUpstream } from './fake-openai.ts';
import { makeTempDir, removeTempDir, runLookout, startLookout, type LookoutServer } from './harness.ts';

const servers: LookoutServer[] = [];
const dirs: string[] = [];
let upstream: FakeUpstream | undefined;

afterAll(async () => {
  for (const s of servers) await s.stop();
  await upstream?.close();
  for (const d of dirs) await removeTempDir(d);
});

async function start(reuseDir?: string): Promise<LookoutServer> {
  const dataDir = reuseDir ?? (await makeTempDir('lookout-content-'));
  if (reuseDir === undefined) dirs.push(dataDir);
  upstream ??= await startFakeOpenAI();
  const server = await startLookout({ dataDir, env: { LOOKOUT_OPENAI_BASE_URL: `${upstream.url}/v1`, LOOKOUT_GATEWAY_RECORD_FLUSH_MS: '10' } });
  servers.push(server);
  return server;
}

async function capture(server: LookoutServer, ...args: string[]): Promise<string> {
  const run = await runLookout(['content-capture', ...args, '--url', server.url]);
  expect(run.code, run.output).toBe(0);
  return run.stdout;
}

async function sendEverywhere(server: LookoutServer, mark: string): Promise<{ traceIds: string[]; spanIds: string[] }> {
  // The official OTLP/HTTP protobuf exporter: one span per convention's content attributes.
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'content-e2e' }),
    spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: `${server.url}/v1/traces` }) })],
  });
  const { traceIds } = emitContentSpans(provider, 'content-e2e', mark);
  await provider.forceFlush();
  await provider.shutdown();

  // OTLP logs: GenAI events linked to a span of their own.
  const link = { traceId: randomBytes(16).toString('hex'), spanId: randomBytes(8).toString('hex') };
  const logs = await fetch(`${server.url}/v1/logs`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body: await contentLogsProtobuf(mark, link) });
  expect(logs.status).toBe(200);

  // The native API, with content attributes in metadata and a GenAI event log.
  const nativeTrace = randomBytes(16).toString('hex');
  const nativeSpan = randomBytes(8).toString('hex');
  const native = await fetch(`${server.url}/api/v1/ingest`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      batch: [
        {
          type: 'generation',
          traceId: nativeTrace,
          spanId: nativeSpan,
          startTime: Date.now() - 1_000,
          durationMs: 500,
          model: 'gpt-4o',
          input: `${mark} native input`,
          output: `${mark} native output`,
          metadata: { 'traceloop.entity.input': `${mark} native metadata` },
        },
        { type: 'generation', traceId: nativeTrace, startTime: Date.now() - 1_000, durationMs: 100, model: 'gpt-4o', status: 'error', errorMessage: `the model refused: "${mark} native error"` },
        { type: 'log', id: randomBytes(8).toString('hex'), traceId: nativeTrace, spanId: nativeSpan, body: `${mark} native log`, attributes: { 'event.name': 'gen_ai.user.message' } },
      ],
    }),
  });
  expect(native.status).toBe(200);

  // The Lookout SDK: a retrieval with the user's query.
  const sdk = init({ endpoint: server.url, serviceName: 'content-e2e-sdk', scheduledDelayMs: 50 });
  let sdkTrace = '';
  await traceRetrieval({ index: 'docs', query: `${mark} sdk query` }, async (span) => {
    sdkTrace = span.spanContext().traceId;
    return [{ score: 0.9 }];
  });
  await sdk.flush();
  await sdk.shutdown();

  // The gateway.
  const session = `content-${randomBytes(4).toString('hex')}`;
  const gw = await fetch(`${server.url}/proxy/openai/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk-e2e', 'x-lookout-session': session },
    body: JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: `${mark} gateway prompt` }] }),
  });
  expect(gw.status).toBe(200);
  await gw.text();

  // Everything sent is stored (reads wait for what was acknowledged before them).
  const ids = [...traceIds, nativeTrace, sdkTrace];
  const deadline = Date.now() + 15_000;
  for (;;) {
    const spans = (await (await fetch(`${server.url}/api/v1/spans?sessionId=${session}`)).json()) as { spans: { traceId: string }[] };
    if (spans.spans.length === 1) {
      ids.push(spans.spans[0].traceId);
      break;
    }
    if (Date.now() > deadline) throw new Error('the gateway call was not recorded');
    await new Promise((r) => setTimeout(r, 50));
  }
  const spanIds: string[] = [];
  for (const id of ids) {
    const trace = (await (await fetch(`${server.url}/api/v1/traces/${id}`)).json()) as { spans: { spanId: string }[] };
    expect(trace.spans.length, `trace ${id}`).toBeGreaterThan(0);
    spanIds.push(...trace.spans.map((s) => s.spanId));
  }
  return { traceIds: ids, spanIds };
}

// Every answer the API gives about what was sent, as one text.
async function readBack(server: LookoutServer, sent: { traceIds: string[]; spanIds: string[] }): Promise<string> {
  const urls = [
    '/api/v1/spans?limit=500',
    ...sent.traceIds.map((id) => `/api/v1/traces/${id}`),
    ...sent.spanIds.map((id) => `/api/v1/spans/${id}`),
  ];
  let text = '';
  for (const u of urls) text += await (await fetch(`${server.url}${u}`)).text();
  return text;
}

describe('content capture and purge against lookout serve (#6)', { timeout: 120_000 }, () => {
  it('with capture off, no prompt or response reaches any file of the data dir or any read', async () => {
    const server = await start();
    expect(await capture(server, 'off')).toContain('default: off');
    const mark = `zqmark${randomBytes(6).toString('hex')}`;
    const sent = await sendEverywhere(server, mark);
    expect(sent.spanIds.length).toBeGreaterThan(12);
    expect(await readBack(server, sent)).not.toContain(mark);
    expect(await (await fetch(`${server.url}/api/v1/logs?limit=500`)).text()).not.toContain(mark);
    // The Chroma span kept what holds no text, and says how much it withheld.
    const chroma = (await (await fetch(`${server.url}/api/v1/traces/${sent.traceIds[0]}`)).json()) as { spans: { metadata: Record<string, string>; errorMessage: string | null }[] };
    expect(chroma.spans[0].metadata).toMatchObject({ 'db.system': 'chroma', 'app.retries': '2', 'lookout.attributes_withheld': '5' });
    expect(chroma.spans[0].errorMessage).toBe('ValueError');
    expect(await (await fetch(`${server.url}/metrics`)).text()).toMatch(/^lookout_content_attributes_dropped_total\{signal="traces"\} [1-9]/m);
    // While running: the database, its write-ahead log, the journal and staging.
    expect(await filesHolding(server.dataDir, mark)).toEqual([]);
    await server.stop();
    expect(await filesHolding(server.dataDir, mark)).toEqual([]);
    // A checkpoint compresses stored strings, so the file's bytes alone would not show one.
    expect(await tablesHolding(join(server.dataDir, 'lookout.duckdb'), { mark })).toEqual([]);
  });

  it('content-capture off --purge removes what was stored under full from the API and, once checkpointed, from the files', async () => {
    const server = await start();
    const mark = `zqmark${randomBytes(6).toString('hex')}`;
    const sent = await sendEverywhere(server, mark);
    expect(await readBack(server, sent)).toContain(mark);

    const out = await capture(server, 'off', '--purge');
    expect(out).toContain('default: off');
    const purged = /purged: (\d+) spans, (\d+) logs changed/.exec(out);
    expect(purged, out).not.toBeNull();
    expect(Number(purged![1])).toBeGreaterThan(10);
    expect(Number(purged![2])).toBeGreaterThan(0);
    // The operator learns that the file keeps the old text until the server stops.
    expect(out).toContain('rewritten without them when the server stops: restart lookout serve');
    const read = await readBack(server, sent);
    expect(read).not.toContain(mark);
    expect(read).not.toMatch(/"promptHash":"[0-9a-f]/);
    expect(await (await fetch(`${server.url}/api/v1/logs?limit=500`)).text()).not.toContain(mark);

    // The old row versions stay in the database file's free blocks even after a checkpoint;
    // the store rewrites the file when it closes after a purge, so after a stop they are gone.
    await server.stop();
    expect(await filesHolding(server.dataDir, mark)).toEqual([]);
    expect(await tablesHolding(join(server.dataDir, 'lookout.duckdb'), { mark })).toEqual([]);

    // The rewritten database is the same data.
    const again = await start(server.dataDir);
    const spans = (await (await fetch(`${again.url}/api/v1/spans?limit=500`)).json()) as { spans: unknown[] };
    expect(spans.spans.length).toBe(sent.spanIds.length);
    expect(await readBack(again, sent)).not.toContain(mark);
  });
});
