// Durable OTLP trace ingest: protobuf over HTTP (POST /v1/traces) and over gRPC
// (TraceService/Export), against a real server child process. Throughput with concurrent
// exporters, and acknowledgement latency at a fixed offered load. Bodies are GenAI chat spans
// (model, usage, finish reasons) encoded with the same protobuf definitions exporters use,
// built before the clock starts, each with its own trace ids so none is a duplicate.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, credentials, type ServiceError } from '@grpc/grpc-js';
import { ExportTraceServiceRequest } from '../packages/server/src/ingest/otlp/proto.ts';
import { emit, envInt, latencySummary, log, machine, round, sleep, startServer } from './lib.ts';

const clients = envInt('BENCH_OTLP_CLIENTS', 8, 1, 64);
const spansPerRequest = envInt('BENCH_OTLP_BATCH', 512, 1, 10_000);
const seconds = envInt('BENCH_OTLP_SECONDS', 10, 1, 600);
const offeredSpansPerSec = envInt('BENCH_OTLP_LATENCY_SPANS_PER_SEC', 5_000, 1, 1_000_000);
const latencyBatch = envInt('BENCH_OTLP_LATENCY_BATCH', 100, 1, 10_000);
const latencySeconds = envInt('BENCH_OTLP_LATENCY_SECONDS', 8, 1, 600);
const MAX_IN_FLIGHT = 64;

const str = (key: string, value: string) => ({ key, value: { stringValue: value } });
const int = (key: string, value: number) => ({ key, value: { intValue: value } });

function body(spans: number): Buffer {
  const nowNs = BigInt(Date.now() - 1_000) * 1_000_000n;
  const traceId = randomBytes(16);
  const list = Array.from({ length: spans }, (_, i) => ({
    traceId,
    spanId: randomBytes(8),
    name: 'chat gpt-4o-mini',
    kind: 3,
    startTimeUnixNano: String(nowNs + BigInt(i) * 1000n),
    endTimeUnixNano: String(nowNs + BigInt(i) * 1000n + 850_000_000n),
    attributes: [
      str('gen_ai.operation.name', 'chat'),
      str('gen_ai.provider.name', 'openai'),
      str('gen_ai.request.model', 'gpt-4o-mini'),
      str('gen_ai.response.model', 'gpt-4o-mini-2024-07-18'),
      int('gen_ai.usage.input_tokens', 1200),
      int('gen_ai.usage.output_tokens', 300),
      int('gen_ai.usage.cache_read.input_tokens', 512),
      str('lookout.user.id', `user-${i % 50}`),
      str('lookout.feature', `feature-${i % 5}`),
      str('lookout.team', `team-${i % 4}`),
    ],
    status: { code: 1 },
  }));
  const request = {
    resourceSpans: [{ resource: { attributes: [str('service.name', 'bench')] }, scopeSpans: [{ scope: { name: 'bench' }, spans: list }] }],
  };
  return Buffer.from(ExportTraceServiceRequest.encode(ExportTraceServiceRequest.fromObject(request)).finish());
}

type Sender = (payload: Buffer) => Promise<{ ok: boolean; retryable: boolean }>;

function httpSender(url: string): Sender {
  return async (payload) => {
    const res = await fetch(`${url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body: payload });
    await res.arrayBuffer();
    return { ok: res.status === 200, retryable: res.status === 429 || res.status === 503 };
  };
}

function grpcSender(address: string): { send: Sender; close(): void } {
  const client = new Client(address, credentials.createInsecure(), { 'grpc.max_send_message_length': 64 * 1024 * 1024 });
  const identity = (b: Buffer) => b;
  return {
    send: (payload) =>
      new Promise((resolve) =>
        client.makeUnaryRequest('/opentelemetry.proto.collector.trace.v1.TraceService/Export', identity, identity, payload, (err: ServiceError | null) =>
          resolve({ ok: !err, retryable: err?.code === 8 || err?.code === 14 }),
        ),
      ),
    close: () => client.close(),
  };
}

async function throughput(send: Sender) {
  const needed = Math.ceil((40_000 * (seconds + 2)) / spansPerRequest) + clients;
  log(`  building ${needed} bodies of ${spansPerRequest} spans`);
  const bodies = Array.from({ length: needed }, () => body(spansPerRequest));
  let next = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  let spans = 0;
  let refused = 0;
  const latencies: number[] = [];
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < end && next < bodies.length) {
        const payload = bodies[next++];
        const t = performance.now();
        const r = await send(payload);
        if (r.retryable) {
          refused++;
          await sleep(200);
          continue;
        }
        if (r.ok && performance.now() <= end) {
          spans += spansPerRequest;
          latencies.push(performance.now() - t);
        }
      }
    }),
  );
  return { clients, spansPerRequest, seconds, spansPerSec: Math.round(spans / seconds), backPressureResponses: refused, requestLatencyMs: latencySummary(latencies) };
}

async function ackLatency(send: Sender) {
  const perSec = offeredSpansPerSec / latencyBatch;
  const total = Math.round(perSec * latencySeconds);
  const bodies = Array.from({ length: total }, () => body(latencyBatch));
  const latencies: number[] = [];
  let inFlight = 0;
  let skipped = 0;
  let failed = 0;
  const pending: Promise<void>[] = [];
  const start = performance.now() + 50;
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / perSec;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    if (inFlight >= MAX_IN_FLIGHT) {
      skipped++;
      continue;
    }
    inFlight++;
    pending.push(
      send(bodies[i]).then((r) => {
        inFlight--;
        if (r.ok) latencies.push(performance.now() - due);
        else failed++;
      }),
    );
  }
  await Promise.all(pending);
  return { offeredSpansPerSec, spansPerRequest: latencyBatch, seconds: latencySeconds, failed, notSentInFlightLimit: skipped, latencyFromScheduleMs: latencySummary(latencies) };
}

const dataDir = mkdtempSync(join(tmpdir(), 'lookout-bench-otlp-'));
const server = await startServer(dataDir);
try {
  log(`OTLP/HTTP protobuf against ${server.url}`);
  const http = httpSender(server.url);
  const httpThroughput = await throughput(http);
  log(`  ${httpThroughput.spansPerSec} spans/s`);
  const httpLatency = await ackLatency(http);
  log(`  p99 at ${offeredSpansPerSec}/s: ${httpLatency.latencyFromScheduleMs.p99} ms`);
  let grpc: Record<string, unknown> | null = null;
  if (server.grpcAddress) {
    log(`OTLP/gRPC against ${server.grpcAddress}`);
    const g = grpcSender(server.grpcAddress);
    const grpcThroughput = await throughput(g.send);
    log(`  ${grpcThroughput.spansPerSec} spans/s`);
    const grpcLatency = await ackLatency(g.send);
    g.close();
    grpc = { throughput: grpcThroughput, ackLatency: grpcLatency };
  }
  emit({
    bench: 'otlp_ingest',
    date: new Date().toISOString(),
    machine: machine(),
    http: { throughput: httpThroughput, ackLatency: httpLatency },
    grpc,
    targets: {
      throughputSpansPerSec: { target: 20_000, http: httpThroughput.spansPerSec, grpc: (grpc?.throughput as { spansPerSec?: number } | undefined)?.spansPerSec ?? null },
      ackP99Ms: { target: 50, http: round(httpLatency.latencyFromScheduleMs.p99) },
    },
  });
} finally {
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
