// Caller-path overhead of wrapOpenAI: the same chat.completions.create, wrapped and unwrapped,
// against a fake upstream, interleaved in blocks. Spans go through the real BatchSpanProcessor and
// OTLP/protobuf exporter to a local sink. Prints one JSON line.
//   node packages/sdk/bench/overhead.ts [calls=4000]
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { init, withContext, wrapOpenAI } from '../src/index.ts';
import { fakeOpenAIFetch } from '../src/testing/fakes.ts';

const calls = Number(process.argv[2] ?? 4000);
const block = 250;

async function listen(server: Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

// The fake upstream over HTTP (the same answer as test/e2e/fake-openai.ts's non-streamed chat).
const payload = JSON.stringify({
  id: 'chatcmpl-1', object: 'chat.completion', created: 1, model: 'gpt-4o-mini-2024-07-18',
  choices: [{ index: 0, message: { role: 'assistant', content: 'It ships tomorrow.' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 1200, completion_tokens: 80, total_tokens: 1280, prompt_tokens_details: { cached_tokens: 1024 } },
});
const upstream = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(payload);
  });
});
let exportedBatches = 0;
const sink = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    exportedBatches++;
    res.writeHead(200, { 'content-type': 'application/x-protobuf' });
    res.end();
  });
});
const upstreamUrl = await listen(upstream);
const sinkUrl = await listen(sink);
// BENCH_EXPORTER=noop drops spans at the exporter: separates the caller path from the background
// protobuf encoding and export, which shares the event loop.
const noop = process.env.BENCH_EXPORTER === 'noop';
const sdk = init({
  endpoint: sinkUrl,
  scheduledDelayMs: 200,
  maxQueueSize: 8192,
  exporter: noop ? { export: (_spans, cb) => cb({ code: 0 }), shutdown: async () => {} } : undefined,
});

const params = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'When does it ship?' }] };

async function measure(label: string, makeClient: () => OpenAI): Promise<Record<string, number | string>> {
  const plain = makeClient();
  const wrapped = wrapOpenAI(makeClient());
  const run = async (client: OpenAI, n: number) => {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) await client.chat.completions.create(params);
    return Number(process.hrtime.bigint() - t0) / 1000;
  };
  await withContext({ userId: 'bench', feature: 'bench' }, async () => {
    await run(plain, 300);
    await run(wrapped, 300);
  });
  let plainUs = 0;
  let wrappedUs = 0;
  await withContext({ userId: 'bench', feature: 'bench' }, async () => {
    for (let done = 0; done < calls; done += block) {
      plainUs += await run(plain, block);
      wrappedUs += await run(wrapped, block);
    }
  });
  const n = Math.ceil(calls / block) * block;
  return {
    upstream: label,
    calls: n,
    unwrappedUsPerCall: Math.round((plainUs / n) * 10) / 10,
    wrappedUsPerCall: Math.round((wrappedUs / n) * 10) / 10,
    overheadUsPerCall: Math.round(((wrappedUs - plainUs) / n) * 10) / 10,
  };
}

const http = await measure('http', () => new OpenAI({ apiKey: 'sk-test', baseURL: `${upstreamUrl}/v1`, maxRetries: 0 }));
const fake = fakeOpenAIFetch();
const inProcess = await measure('in-process fetch', () => new OpenAI({ apiKey: 'sk-test', baseURL: 'http://fake/v1', fetch: fake.fetch, maxRetries: 0 }));
await sdk.flush();
const stats = sdk.stats();
await sdk.shutdown();
upstream.close();
sink.close();
console.log(JSON.stringify({ bench: 'sdk-overhead', exporter: noop ? 'noop' : 'otlp-proto', targetUs: 50, http, inProcess, spansExported: stats.exported, dropped: stats.dropped, exportFailures: stats.exportFailures, exportedBatches }));
