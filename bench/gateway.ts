import { mkdtempSync, rmSync } from 'node:fs';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'undici';
import { emit, envInt, latencySummary, log, machine, round, sleep, startServer } from './lib.ts';

// Gateway overhead (DESIGN.md: added p50 ≤ 0.5 ms, p99 ≤ 2 ms at 500 req/s; ≥ 2,000 req/s).
// A fake OpenAI upstream (bench/gateway-upstream.ts, its own process) answers after a fixed
// delay (JSON) or streams SSE chunks (first chunk after the delay). The same open-loop load (requests started on a fixed schedule, not waiting
// for answers) goes directly to the upstream and through a Lookout child process's gateway, in
// alternating phases of one run, so both see the same machine. Reported: latency (and, for
// streams, time to first chunk) percentiles each way and the difference. Then a closed loop of
// CONCURRENCY clients through the gateway gives the sustained request rate.
//
// Client, gateway and upstream are three processes on the machine's 2 cores: the added latency
// includes the gateway's CPU competing with the client's and the upstream's.

const RATE = envInt('BENCH_GATEWAY_RATE', 500);
const PHASE_S = envInt('BENCH_GATEWAY_PHASE_SECONDS', 8);
const PHASES = 2; // per side, alternating
const DELAY_MS = envInt('BENCH_GATEWAY_UPSTREAM_DELAY_MS', 20);
const STREAM_CHUNKS = 20;
const UPSTREAM_SCRIPT = fileURLToPath(new URL('./gateway-upstream.ts', import.meta.url));
const CONCURRENCY = envInt('BENCH_GATEWAY_CONCURRENCY', 64);
const MAX_SECONDS = envInt('BENCH_GATEWAY_MAX_SECONDS', 10);
const WARMUP = 200;

const CHAT_BODY = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say hello in five words.' }] });
const STREAM_BODY = JSON.stringify({ model: 'gpt-4o-mini', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'Count to twenty.' }] });

function startUpstreamProcess(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [UPSTREAM_SCRIPT], {
    env: { ...process.env, BENCH_UPSTREAM_DELAY_MS: String(DELAY_MS), BENCH_UPSTREAM_CHUNKS: String(STREAM_CHUNKS) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString('utf8');
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve({ child, url: m[1] });
    });
    child.once('exit', (code) => reject(new Error(`the fake upstream exited with ${code}`)));
  });
}

interface Sample {
  totalMs: number;
  firstChunkMs: number;
}

async function one(pool: Pool, path: string, body: string): Promise<Sample> {
  const t0 = performance.now();
  const res = await pool.request({ method: 'POST', path, headers: { 'content-type': 'application/json', authorization: 'Bearer sk-bench' }, body });
  let first = -1;
  for await (const _chunk of res.body) if (first < 0) first = performance.now() - t0;
  if (res.statusCode !== 200) throw new Error(`${path} answered ${res.statusCode}`);
  return { totalMs: performance.now() - t0, firstChunkMs: first };
}

// Starts requests at RATE per second for `seconds`, without waiting for answers.
async function openLoop(pool: Pool, path: string, body: string, seconds: number): Promise<Sample[]> {
  const samples: Sample[] = [];
  const pending: Promise<void>[] = [];
  const start = performance.now();
  const total = RATE * seconds;
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    pending.push(one(pool, path, body).then((s) => void samples.push(s)));
  }
  await Promise.all(pending);
  return samples;
}

async function compare(direct: Pool, gateway: Pool, directPath: string, gatewayPath: string, body: string) {
  const d: Sample[] = [];
  const g: Sample[] = [];
  for (let p = 0; p < PHASES; p++) {
    d.push(...(await openLoop(direct, directPath, body, PHASE_S)));
    g.push(...(await openLoop(gateway, gatewayPath, body, PHASE_S)));
  }
  const ds = latencySummary(d.map((s) => s.totalMs));
  const gs = latencySummary(g.map((s) => s.totalMs));
  const df = latencySummary(d.map((s) => s.firstChunkMs));
  const gf = latencySummary(g.map((s) => s.firstChunkMs));
  const added = (a: number | null, b: number | null) => (a === null || b === null ? null : round(b - a, 3));
  return {
    requests: { direct: d.length, gateway: g.length },
    directMs: ds,
    gatewayMs: gs,
    addedMs: { p50: added(ds.p50, gs.p50), p95: added(ds.p95, gs.p95), p99: added(ds.p99, gs.p99) },
    ratioP50: ds.p50 && gs.p50 ? round(gs.p50 / ds.p50, 3) : null,
    firstChunk: { directMs: df, gatewayMs: gf, addedMs: { p50: added(df.p50, gf.p50), p99: added(df.p99, gf.p99) } },
  };
}

async function closedLoop(pool: Pool, path: string, body: string, seconds: number): Promise<{ requests: number; perSecond: number }> {
  let done = 0;
  const until = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < until) {
        await one(pool, path, body);
        done++;
      }
    }),
  );
  return { requests: done, perSecond: round(done / seconds, 0) ?? 0 };
}

// The upstream runs in its own process, so that neither path shares an event loop with the load.
const upstream = await startUpstreamProcess();
const dir = mkdtempSync(join(tmpdir(), 'lookout-bench-gateway-'));
const server = await startServer(join(dir, 'data'), { LOOKOUT_OPENAI_BASE_URL: `${upstream.url}/v1` });
const direct = new Pool(upstream.url, { connections: 256, pipelining: 1 });
const gateway = new Pool(server.url, { connections: 256, pipelining: 1 });
try {
  log(`gateway bench: upstream delay ${DELAY_MS} ms, ${RATE} req/s open loop, ${PHASES}×${PHASE_S} s per side`);
  for (let i = 0; i < WARMUP; i++) {
    await one(direct, '/v1/chat/completions', CHAT_BODY);
    await one(gateway, '/proxy/openai/v1/chat/completions', CHAT_BODY);
  }
  const json = await compare(direct, gateway, '/v1/chat/completions', '/proxy/openai/v1/chat/completions', CHAT_BODY);
  log(`  JSON: added p50 ${json.addedMs.p50} ms, p99 ${json.addedMs.p99} ms`);
  const stream = await compare(direct, gateway, '/v1/chat/completions', '/proxy/openai/v1/chat/completions', STREAM_BODY);
  log(`  SSE: first chunk added p50 ${stream.firstChunk.addedMs.p50} ms, p99 ${stream.firstChunk.addedMs.p99} ms`);
  const max = await closedLoop(gateway, '/proxy/openai/v1/chat/completions', CHAT_BODY, MAX_SECONDS);
  log(`  sustained through the gateway: ${max.perSecond} req/s with ${CONCURRENCY} clients`);
  // Every call through the gateway is recorded: the spans must be there.
  const stored = await fetch(`${server.url}/api/v1/analytics/query?measures=requests&from=1h`).then((r) => r.json() as Promise<{ rows: { requests: number }[] }>);
  emit({
    bench: 'gateway',
    date: new Date().toISOString(),
    machine: machine(),
    settings: { rate: RATE, phaseSeconds: PHASE_S, phases: PHASES, upstreamDelayMs: DELAY_MS, streamChunks: STREAM_CHUNKS, concurrency: CONCURRENCY },
    json,
    stream,
    sustained: max,
    recordedCalls: stored.rows?.[0]?.requests ?? null,
    targets: {
      addedP50Ms: { target: 0.5, measured: json.addedMs.p50, met: json.addedMs.p50 !== null && json.addedMs.p50 <= 0.5 },
      addedP99Ms: { target: 2, measured: json.addedMs.p99, met: json.addedMs.p99 !== null && json.addedMs.p99 <= 2 },
      sustainedPerSecond: { target: 2000, measured: max.perSecond, met: max.perSecond >= 2000 },
    },
  });
} finally {
  await direct.close();
  await gateway.close();
  await server.stop();
  upstream.child.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}
