// What wrapOpenAI costs the application, with the caller's path measured apart from the batched
// export. Prints one JSON line.
//   npm run bench -w @lookout/sdk -- [calls=4000]
//   (node --conditions=@lookout/source packages/sdk/bench/overhead.ts: the SDK from its source)
//
// callerPath: the same chat.completions.create, wrapped and unwrapped, interleaved in blocks.
//   Spans go through the real BatchSpanProcessor to an exporter that drops them, so the figure is
//   what the SDK adds inside the call (span start, attributes, the promise
//   observers, span end and the processor's queue), with the fake upstream's and the client's own
//   time cancelled by the subtraction. Wall time from hrtime, CPU time from process.cpuUsage (all
//   threads, GC included), both per call: the median of the per-block differences and the mean.
// isolated: the same, on a resource that answers at once with an object shaped like the clients'
//   APIPromise (no client, no I/O): the wrapper and OpenTelemetry's span alone, with warm caches.
// export: spans of wrapped calls through the real OTLP/protobuf exporter to a local sink, batch by batch,
//   as the BatchSpanProcessor hands them over: the synchronous encoding (the one piece that holds
//   the event loop) and the whole export until its callback, sink included, per span.
// withExport: the caller's figure again with that exporter running during the calls, as an
//   application sees it: the export is batched, but shares the thread.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import OpenAI from 'openai';
import { init, withContext, wrapOpenAI } from '../src/index.ts';
import { fakeOpenAIFetch } from '../src/testing/fakes.ts';

const calls = Number(process.argv[2] ?? 4000);
const keptSpansMax = 4096;
const exportBatchSize = 512;

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

const otlp = new OTLPTraceExporter({ url: `${sinkUrl}/v1/traces` });
const kept: ReadableSpan[] = [];
const dropping: SpanExporter = { export: (_spans, cb) => cb({ code: 0 }), shutdown: async () => {} };
const keeping: SpanExporter = {
  export(spans, cb) {
    for (const s of spans) if (kept.length < keptSpansMax) kept.push(s);
    cb({ code: 0 });
  },
  shutdown: async () => {},
};
let target: SpanExporter = dropping;
const sdk = init({
  endpoint: sinkUrl,
  scheduledDelayMs: 200,
  maxQueueSize: 8192,
  maxExportBatchSize: exportBatchSize,
  exporter: { export: (spans, cb) => target.export(spans, cb), shutdown: async () => {} },
});

const params = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'When does it ship?' }] };
const round1 = (v: number) => Math.round(v * 10) / 10;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const cpuUs = () => {
  const c = process.cpuUsage();
  return c.user + c.system;
};

async function measure(label: string, makeClient: () => OpenAI, block = 250, total = calls): Promise<Record<string, unknown>> {
  const plain = makeClient();
  const wrapped = wrapOpenAI(makeClient());
  const run = async (client: OpenAI, n: number) => {
    const c0 = cpuUs();
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) await client.chat.completions.create(params);
    return { wallUs: Number(process.hrtime.bigint() - t0) / 1000, cpuUs: cpuUs() - c0 };
  };
  const sum = { plainWall: 0, plainCpu: 0, wrappedWall: 0, wrappedCpu: 0 };
  const wallDiffs: number[] = [];
  const cpuDiffs: number[] = [];
  await withContext({ userId: 'bench', feature: 'bench' }, async () => {
    await run(plain, 4 * block);
    await run(wrapped, 4 * block);
    for (let done = 0; done < total; done += block) {
      // Alternate which goes first so neither always inherits the other's garbage.
      const first = done % (2 * block) === 0;
      const p1 = first ? await run(plain, block) : undefined;
      const w = await run(wrapped, block);
      const p = p1 ?? (await run(plain, block));
      sum.plainWall += p.wallUs;
      sum.plainCpu += p.cpuUs;
      sum.wrappedWall += w.wallUs;
      sum.wrappedCpu += w.cpuUs;
      wallDiffs.push((w.wallUs - p.wallUs) / block);
      cpuDiffs.push((w.cpuUs - p.cpuUs) / block);
    }
  });
  const n = wallDiffs.length * block;
  return {
    upstream: label,
    calls: n,
    unwrapped: { wallUs: round1(sum.plainWall / n), cpuUs: round1(sum.plainCpu / n) },
    wrapped: { wallUs: round1(sum.wrappedWall / n), cpuUs: round1(sum.wrappedCpu / n) },
    overheadCpuUs: { median: round1(median(cpuDiffs)), mean: round1((sum.wrappedCpu - sum.plainCpu) / n) },
    overheadWallUs: { median: round1(median(wallDiffs)), mean: round1((sum.wrappedWall - sum.plainWall) / n) },
  };
}

async function measureExport(): Promise<Record<string, number>> {
  let encodeCpu = 0;
  let totalCpu = 0;
  let totalWall = 0;
  let spans = 0;
  for (let i = 0; i + exportBatchSize <= kept.length; i += exportBatchSize) {
    const batch = kept.slice(i, i + exportBatchSize);
    const t0 = process.hrtime.bigint();
    const c0 = cpuUs();
    let code = -1;
    const done = new Promise<void>((resolve) =>
      otlp.export(batch, (r) => {
        code = r.code;
        resolve();
      }),
    );
    encodeCpu += cpuUs() - c0;
    await done;
    totalCpu += cpuUs() - c0;
    totalWall += Number(process.hrtime.bigint() - t0) / 1000;
    if (code !== 0) throw new Error('export to the local sink failed');
    spans += batch.length;
  }
  return {
    spans,
    batchSize: exportBatchSize,
    encodeCpuUsPerSpan: round1(encodeCpu / spans),
    cpuUsPerSpan: round1(totalCpu / spans),
    wallUsPerSpan: round1(totalWall / spans),
  };
}

// The clients' APIPromise: a response promise, a lazy parseResponse, then() through both.
class ApiPromiseShape {
  responsePromise = Promise.resolve(JSON.parse(payload) as unknown);
  parseResponse = async (data: unknown) => data;
  parsedPromise?: Promise<unknown>;
  then<A, B>(onValue?: (v: unknown) => A, onError?: (e: unknown) => B): Promise<A | B> {
    this.parsedPromise ??= this.responsePromise.then((d) => this.parseResponse(d));
    return this.parsedPromise.then(onValue, onError);
  }
}
const stubClient = () => ({ chat: { completions: { create: (_params: unknown) => new ApiPromiseShape() } } }) as unknown as OpenAI;

const isolated = await measure('none (stub resource)', stubClient, 2000, 40_000);
const fake = fakeOpenAIFetch();
const inProcessClient = () => new OpenAI({ apiKey: 'sk-test', baseURL: 'http://fake/v1', fetch: fake.fetch, maxRetries: 0 });
const inProcess = await measure('in-process fetch', inProcessClient);
const http = await measure('http', () => new OpenAI({ apiKey: 'sk-test', baseURL: `${upstreamUrl}/v1`, maxRetries: 0 }));
await sdk.flush();
target = keeping;
const sample = wrapOpenAI(inProcessClient());
await withContext({ userId: 'bench', feature: 'bench' }, async () => {
  for (let i = 0; i < keptSpansMax; i++) await sample.chat.completions.create(params);
});
await sdk.flush();
fake.bodies.length = 0;
const exportCost = await measureExport();
kept.length = 0;
target = otlp;
const withExport = await measure('in-process fetch', inProcessClient);
await sdk.flush();
const stats = sdk.stats();
await sdk.shutdown();
await otlp.shutdown();
upstream.close();
sink.close();
console.log(
  JSON.stringify({
    bench: 'sdk-overhead',
    targetCpuUs: 50,
    callerPath: { inProcess, http, isolated },
    export: exportCost,
    withExport,
    spansExported: stats.exported,
    dropped: stats.dropped,
    exportFailures: stats.exportFailures,
    exportedBatches,
  }),
);
