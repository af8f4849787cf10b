import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BodyTemplate,
  duckDbBytes,
  emit,
  envInt,
  histogramTotals,
  latencySummary,
  log,
  machine,
  nextTracePrefix as nextPrefix,
  postIngest as post,
  processRssMb,
  round,
  sleep,
  startServer,
  TIME_HOLE,
  TRACE_PREFIX_HOLE,
} from './lib.ts';
import { startClickHouse } from '../packages/server/src/testing/clickhouse.ts';

// Ingest benchmark (DESIGN.md "Performance targets"): the real server as a child process,
// the native JSON API (POST /api/v1/ingest), durable acks (the server answers after commit).
//   (i)  throughput: N closed-loop clients posting batches of 500 generations for a while;
//        counts spans acknowledged as accepted per second.
//   (ii) ack latency at a fixed offered load (default 5,000 spans/s = 50 batches/s of 100),
//        sent open-loop on a schedule so that a slow server cannot slow the offered load down;
//        latency is measured both from the actual send and from the scheduled send time.
//
// Bodies are built once as templates; a request only splices in a fresh trace-id prefix and a
// timestamp, so the client spends its CPU on sending, not on JSON.stringify.
//
// Environment: BENCH_INGEST_CLIENTS (8), BENCH_INGEST_SECONDS (15), BENCH_INGEST_BATCH (500),
// BENCH_LATENCY_SPANS_PER_SEC (5000), BENCH_LATENCY_BATCH (100), BENCH_LATENCY_SECONDS (10),
// BENCH_INGEST_CONTENT (1: include short prompt/response text; 0: none).
// BENCH_INGEST_STORAGE (duckdb | clickhouse: servers of the engine from scripts/clickhouse, on this
// machine), BENCH_INGEST_SHARDS (ClickHouse shards, 1), BENCH_INGEST_NODES (Lookout nodes sharing
// the ClickHouse store, 1; clients and scheduled requests go to them in turn).

const clients = envInt('BENCH_INGEST_CLIENTS', 8, 1, 64);
const throughputSeconds = envInt('BENCH_INGEST_SECONDS', 15, 1, 600);
const warmupSeconds = 2;
const throughputBatch = envInt('BENCH_INGEST_BATCH', 500, 1, 10_000);
const offeredSpansPerSec = envInt('BENCH_LATENCY_SPANS_PER_SEC', 5_000, 1, 1_000_000);
const latencyBatch = envInt('BENCH_LATENCY_BATCH', 100, 1, 10_000);
const latencySeconds = envInt('BENCH_LATENCY_SECONDS', 10, 1, 600);
const withContent = envInt('BENCH_INGEST_CONTENT', 1, 0, 1) === 1;
const MAX_IN_FLIGHT = 1_000;
const storage = process.env.BENCH_INGEST_STORAGE ?? 'duckdb';
const shards = envInt('BENCH_INGEST_SHARDS', 1, 1, 8);
const nodes = envInt('BENCH_INGEST_NODES', 1, 1, 4);
if (storage !== 'duckdb' && storage !== 'clickhouse') throw new Error(`BENCH_INGEST_STORAGE: '${storage}' must be duckdb or clickhouse`);
if (storage === 'duckdb' && (nodes > 1 || shards > 1)) throw new Error('BENCH_INGEST_NODES and BENCH_INGEST_SHARDS need BENCH_INGEST_STORAGE=clickhouse');

const MODELS = [
  ['openai', 'gpt-4o-mini'],
  ['openai', 'gpt-4o'],
  ['anthropic', 'claude-sonnet-4-20250514'],
  ['anthropic', 'claude-3-5-haiku-20241022'],
  ['openai', 'o4-mini'],
] as const;
const TEAMS = ['search', 'platform', 'support-ops', 'growth'];
const FEATURES = ['support-chat', 'doc-search', 'summarize', 'code-review', 'ticket-triage'];

// One batch body with fresh ids and a current timestamp per request, from a template.
function makeTemplate(items: number, seed: number): BodyTemplate {
  const batch: Record<string, unknown>[] = [];
  for (let i = 0; i < items; i++) {
    const [provider, model] = MODELS[(i + seed) % MODELS.length];
    const input = 200 + ((i * 7919 + seed) % 4000);
    const output = 20 + ((i * 104729 + seed) % 600);
    batch.push({
      type: 'generation',
      traceId: `${TRACE_PREFIX_HOLE}${(seed * 100_000 + i).toString(16).padStart(16, '0')}`,
      spanId: (i + 1).toString(16).padStart(16, '0'),
      name: `chat ${model}`,
      startTime: TIME_HOLE,
      durationMs: 300 + ((i * 31) % 4000),
      provider,
      model,
      usage: provider === 'openai' ? { input, output, cacheRead: i % 3 === 0 ? 128 * Math.floor(input / 256) : 0 } : { input, output, cacheRead: i % 2 ? 1024 : 0 },
      finishReason: 'stop',
      ttftMs: i % 2 ? 150 + (i % 400) : null,
      userId: `usr_${i % 1000}`,
      sessionId: `sess_${i % 5000}`,
      feature: FEATURES[i % FEATURES.length],
      team: TEAMS[i % TEAMS.length],
      department: i % 2 ? 'engineering' : 'customer-success',
      application: 'bench-app',
      environment: 'production',
      tags: i % 4 === 0 ? ['ab:variant-b'] : [],
      metadata: { 'user.tier': 'pro', 'prompt.version': 'v3' },
      ...(withContent
        ? {
            input: [{ role: 'system', content: 'You are a helpful assistant.' }, { role: 'user', content: `Question ${i}: where is my order?` }],
            output: `Answer ${i}: it ships on Thursday.`,
          }
        : {}),
    });
  }
  return new BodyTemplate(batch);
}

async function throughputPhase(endpoints: string[]) {
  const templates = Array.from({ length: clients }, (_, i) => makeTemplate(throughputBatch, i + 1));
  const started = performance.now();
  const warmEnd = started + warmupSeconds * 1000;
  const end = warmEnd + throughputSeconds * 1000;
  let accepted = 0;
  let requests = 0;
  let backPressure = 0;
  const latencies: number[] = [];
  let lastReport = started;
  const client = async (id: number) => {
    while (performance.now() < end) {
      const body = templates[id].render(nextPrefix(), Date.now() - 1_000);
      const r = await post(endpoints[id % endpoints.length], body);
      // Counted by completion time inside the measured window: an unbiased rate.
      const doneAt = performance.now();
      const measured = doneAt >= warmEnd && doneAt <= end;
      if (r.status === 429 || r.status === 503) {
        if (measured) backPressure++;
        await sleep(r.retryAfterMs ?? 500);
        continue;
      }
      if (measured) {
        accepted += r.accepted;
        requests++;
        latencies.push(r.ms);
      }
      const now = performance.now();
      if (now - lastReport > 3_000) {
        lastReport = now;
        const elapsed = Math.max(0.001, (now - warmEnd) / 1000);
        if (now > warmEnd) log(`  throughput: ${Math.round(accepted / elapsed)} spans/s so far (${requests} requests)`);
      }
    }
  };
  await Promise.all(Array.from({ length: clients }, (_, i) => client(i)));
  const seconds = throughputSeconds;
  return {
    clients,
    batchItems: throughputBatch,
    seconds,
    warmupSeconds,
    acceptedSpans: accepted,
    requests,
    spansPerSec: Math.round(accepted / seconds),
    backPressureResponses: backPressure,
    requestLatencyMs: latencySummary(latencies),
  };
}

async function latencyPhase(endpoints: string[]) {
  const batchesPerSec = offeredSpansPerSec / latencyBatch;
  const intervalMs = 1000 / batchesPerSec;
  const total = Math.max(1, Math.round(batchesPerSec * latencySeconds));
  const templates = Array.from({ length: 8 }, (_, i) => makeTemplate(latencyBatch, 100 + i));
  const service: number[] = [];
  const corrected: number[] = [];
  let accepted = 0;
  let backPressure = 0;
  let skipped = 0;
  let inFlight = 0;
  const pending: Promise<void>[] = [];
  const start = performance.now() + 50;
  for (let i = 0; i < total; i++) {
    const due = start + i * intervalMs;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    if (inFlight >= MAX_IN_FLIGHT) {
      skipped++;
      continue;
    }
    const body = templates[i % templates.length].render(nextPrefix(), Date.now() - 1_000);
    inFlight++;
    pending.push(
      post(endpoints[i % endpoints.length], body).then((r) => {
        inFlight--;
        if (r.status === 429 || r.status === 503) {
          backPressure++;
          return;
        }
        accepted += r.accepted;
        service.push(r.ms);
        corrected.push(performance.now() - due);
      }),
    );
  }
  await Promise.all(pending);
  const actualSeconds = (performance.now() - start) / 1000;
  return {
    offeredSpansPerSec,
    batchItems: latencyBatch,
    batchesPerSec: round(batchesPerSec),
    seconds: latencySeconds,
    requests: total,
    acceptedSpans: accepted,
    achievedSpansPerSec: Math.round(accepted / actualSeconds),
    backPressureResponses: backPressure,
    notSentInFlightLimit: skipped,
    latencyMs: latencySummary(service),
    latencyFromScheduleMs: latencySummary(corrected),
  };
}

// The server's own account of its commits (lookout_store_write_*), to show where the time goes.
async function storeWriteTotals(url: string) {
  const [seconds, rows] = await Promise.all([
    histogramTotals(url, 'lookout_store_write_duration_seconds'),
    histogramTotals(url, 'lookout_store_write_batch_rows'),
  ]);
  return { seconds, rows };
}

function commitStats(before: Awaited<ReturnType<typeof storeWriteTotals>>, after: Awaited<ReturnType<typeof storeWriteTotals>>) {
  const commits = after.seconds.count - before.seconds.count;
  const seconds = after.seconds.sum - before.seconds.sum;
  const rows = after.rows.sum - before.rows.sum;
  return {
    commits,
    meanRowsPerCommit: commits ? Math.round(rows / commits) : null,
    meanCommitMs: commits ? round((seconds / commits) * 1000) : null,
    storeBusySeconds: round(seconds),
    rowsPerStoreSecond: seconds > 0 ? Math.round(rows / seconds) : null,
  };
}

async function main() {
  const harness = storage === 'clickhouse' ? await startClickHouse({ shards }) : null;
  const env: Record<string, string> = harness
    ? {
        LOOKOUT_STORAGE: 'clickhouse',
        LOOKOUT_CLICKHOUSE_URL: harness.urls.join(','),
        ...(shards > 1 ? { LOOKOUT_CLICKHOUSE_CLUSTER: harness.cluster } : {}),
        LOOKOUT_CLICKHOUSE_DATABASE: 'lookout_bench_ingest',
      }
    : {};
  const dataDirs = Array.from({ length: nodes }, () => mkdtempSync(join(tmpdir(), 'lookout-bench-ingest-')));
  log(`ingest bench: starting ${nodes} server(s) on ${storage}${harness ? `, ${shards} shard(s)` : ''} (data in ${dataDirs.join(', ')})`);
  const servers = [];
  for (const dir of dataDirs) servers.push(await startServer(dir, env));
  const server = servers[0];
  const endpoints = servers.map((s) => `${s.url}/api/v1/ingest`);
  try {
    // A first request so that connection set-up and JIT warm-up are not measured.
    for (const endpoint of endpoints) await post(endpoint, makeTemplate(10, 999).render(nextPrefix(), Date.now() - 1_000));
    log(`ingest bench: (i) throughput, ${clients} clients × batches of ${throughputBatch}, ${warmupSeconds}s warm-up + ${throughputSeconds}s`);
    const storeBefore = await storeWriteTotals(server.url);
    const throughput = await throughputPhase(endpoints);
    const storeAfter = await storeWriteTotals(server.url);
    const rssAfterThroughput = processRssMb(server.child.pid!);
    log(`  → ${throughput.spansPerSec} spans/s acknowledged; request p50 ${throughput.requestLatencyMs.p50} ms, p99 ${throughput.requestLatencyMs.p99} ms`);
    await sleep(2_000); // let the queue drain before the latency run
    log(`ingest bench: (ii) ack latency at ${offeredSpansPerSec} spans/s offered (${latencyBatch}/batch) for ${latencySeconds}s`);
    const latencyStoreBefore = await storeWriteTotals(server.url);
    const latency = await latencyPhase(endpoints);
    const latencyStoreAfter = await storeWriteTotals(server.url);
    log(`  → p50 ${latency.latencyMs.p50} ms, p95 ${latency.latencyMs.p95} ms, p99 ${latency.latencyMs.p99} ms (from schedule p99 ${latency.latencyFromScheduleMs.p99} ms)`);
    const rss = processRssMb(server.child.pid!);
    const exitCodes = [];
    for (const s of servers) exitCodes.push(await s.stop());
    const storedRows = throughput.acceptedSpans + latency.acceptedSpans;
    emit({
      bench: 'ingest',
      date: new Date().toISOString(),
      machine: machine(),
      path: 'native JSON API POST /api/v1/ingest (generation items), durable: acked after commit',
      storage: { backend: storage, shards: harness ? shards : null, nodes },
      content: withContent,
      // The first node's own account of its loads into the store.
      throughput: { ...throughput, storeCommits: commitStats(storeBefore, storeAfter) },
      ackLatency: { ...latency, storeCommits: commitStats(latencyStoreBefore, latencyStoreAfter) },
      server: {
        rssMbAfterThroughput: rssAfterThroughput.rssMb,
        peakRssMb: rss.peakRssMb,
        ...(harness ? {} : duckDbBytes(dataDirs[0])),
        rowsStoredInRun: storedRows,
        exitCode: exitCodes.find((c) => c !== 0) ?? exitCodes[0],
      },
      targets: {
        throughputSpansPerSec: { target: 20_000, stretch: 40_000, measured: throughput.spansPerSec, met: throughput.spansPerSec >= 20_000 },
        ackLatencyP99Ms: { target: 50, measured: latency.latencyMs.p99, met: latency.latencyMs.p99 !== null && latency.latencyMs.p99 <= 50 },
      },
    });
  } catch (err) {
    log(`ingest bench failed: ${(err as Error).stack}\nserver output:\n${server.output().slice(-4_000)}`);
    for (const s of servers) await s.stop();
    process.exitCode = 1;
  } finally {
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
    await harness?.stop();
  }
}

await main();
