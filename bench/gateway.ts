import { mkdtempSync, rmSync } from 'node:fs';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { Pool } from 'undici';
import { emit, envInt, latencySummary, log, machine, REPO_ROOT, round, sleep, startServer } from './lib.ts';

// Gateway overhead (DESIGN.md: added p50 ≤ 0.5 ms, p99 ≤ 2 ms at 500 req/s; ≥ 2,000 req/s).
// A fake OpenAI upstream (bench/gateway-upstream.ts, its own process) answers after a fixed
// delay (JSON) or streams SSE chunks (first chunk after the delay). Three paths reach it: directly,
// through a Lookout child process's gateway (which records every call), and through Portkey's
// open-source gateway (`@portkey-ai/gateway`, a child process; it records nothing), so that all
// three see the same machine in the same run.
//
// 1. Open loop: requests started on a fixed schedule (RATE per second, not waiting for answers),
//    in alternating phases per path. Reported: latency (and, for streams, time to first chunk)
//    percentiles each way and what each gateway adds over the direct path.
// 2. One user's app: the official `openai` client making sequential calls, JSON and streamed,
//    rounds alternating between the paths; added p50/p95/p99 per path.
// 3. A closed loop of CONCURRENCY clients through Lookout's gateway gives the sustained rate.
//
// Client, gateways and upstream are processes on the machine's 2 cores: the added latency
// includes each gateway's CPU competing with the client's and the upstream's.

const RATE = envInt('BENCH_GATEWAY_RATE', 500);
const PHASE_S = envInt('BENCH_GATEWAY_PHASE_SECONDS', 8);
const PHASES = 2; // per path, alternating
const DELAY_MS = envInt('BENCH_GATEWAY_UPSTREAM_DELAY_MS', 20);
const STREAM_CHUNKS = 20;
const UPSTREAM_SCRIPT = fileURLToPath(new URL('./gateway-upstream.ts', import.meta.url));
const PORTKEY_SCRIPT = join(REPO_ROOT, 'node_modules', '@portkey-ai', 'gateway', 'build', 'start-server.js');
const PORTKEY_START_TIMEOUT_MS = 30_000;
const CONCURRENCY = envInt('BENCH_GATEWAY_CONCURRENCY', 64);
const MAX_SECONDS = envInt('BENCH_GATEWAY_MAX_SECONDS', 10);
// Sequential calls of the openai client per path and kind, in CLIENT_ROUNDS alternating rounds.
const CLIENT_CALLS = envInt('BENCH_GATEWAY_CLIENT_CALLS', 300);
const CLIENT_ROUNDS = 3;
const WARMUP = 200;

const MESSAGES = [{ role: 'user' as const, content: 'Say hello in five words.' }];
const CHAT_BODY = JSON.stringify({ model: 'gpt-4o-mini', messages: MESSAGES });
const STREAM_BODY = JSON.stringify({ model: 'gpt-4o-mini', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'Count to twenty.' }] });

type PathName = 'direct' | 'lookout' | 'portkey';
interface Target {
  name: PathName;
  pool: Pool;
  path: string; // of chat completions
  baseURL: string; // for the openai client
  headers: Record<string, string>;
}

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

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

// Portkey's gateway as its users start it (`npx @portkey-ai/gateway`), without its console UI.
async function startPortkey(): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  const child = spawn(process.execPath, [PORTKEY_SCRIPT, `--port=${port}`, '--headless'], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  let errors = '';
  child.stderr!.on('data', (c: Buffer) => (errors = (errors + c.toString('utf8')).slice(-4000)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + PORTKEY_START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`Portkey's gateway exited with ${child.exitCode}:\n${errors}`);
    const up = await fetch(url).then(
      () => true,
      () => false,
    );
    if (up) return { child, url };
    await sleep(100);
  }
  child.kill('SIGKILL');
  throw new Error(`Portkey's gateway did not answer on ${url} within ${PORTKEY_START_TIMEOUT_MS} ms:\n${errors}`);
}

interface Sample {
  totalMs: number;
  firstChunkMs: number;
}

async function one(t: Target, body: string): Promise<Sample> {
  const t0 = performance.now();
  const res = await t.pool.request({ method: 'POST', path: t.path, headers: { 'content-type': 'application/json', authorization: 'Bearer sk-bench', ...t.headers }, body });
  let first = -1;
  for await (const _chunk of res.body) if (first < 0) first = performance.now() - t0;
  if (res.statusCode !== 200) throw new Error(`${t.name} ${t.path} answered ${res.statusCode}`);
  return { totalMs: performance.now() - t0, firstChunkMs: first };
}

// Whether a path answers this kind of call at all (Portkey's streaming fails on some versions).
async function probe(t: Target, body: string): Promise<string | null> {
  try {
    const s = await one(t, body);
    return body === STREAM_BODY && s.firstChunkMs < 0 ? 'no chunk' : null;
  } catch (err) {
    return (err as Error).message;
  }
}

// Starts requests at RATE per second for `seconds`, without waiting for answers.
async function openLoop(t: Target, body: string, seconds: number, errors: { count: number }): Promise<Sample[]> {
  const samples: Sample[] = [];
  const pending: Promise<void>[] = [];
  const start = performance.now();
  const total = RATE * seconds;
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    pending.push(
      one(t, body).then(
        (s) => void samples.push(s),
        () => void errors.count++,
      ),
    );
  }
  await Promise.all(pending);
  return samples;
}

const added = (a: number | null, b: number | null) => (a === null || b === null ? null : round(b - a, 3));
const addedOf = (d: ReturnType<typeof latencySummary>, g: ReturnType<typeof latencySummary>) => ({ p50: added(d.p50, g.p50), p95: added(d.p95, g.p95), p99: added(d.p99, g.p99) });

async function compare(targets: Target[], body: string) {
  const samples = new Map<PathName, Sample[]>(targets.map((t) => [t.name, []]));
  const errors = new Map<PathName, { count: number }>(targets.map((t) => [t.name, { count: 0 }]));
  for (let p = 0; p < PHASES; p++) for (const t of targets) samples.get(t.name)!.push(...(await openLoop(t, body, PHASE_S, errors.get(t.name)!)));
  const total = (n: PathName) => latencySummary(samples.get(n)!.map((s) => s.totalMs));
  const first = (n: PathName) => latencySummary(samples.get(n)!.map((s) => s.firstChunkMs));
  const ds = total('direct');
  const df = first('direct');
  const out: Record<string, unknown> = { requests: Object.fromEntries(targets.map((t) => [t.name, samples.get(t.name)!.length])), directMs: ds, firstChunkDirectMs: df };
  for (const t of targets) {
    if (t.name === 'direct') continue;
    const gs = total(t.name);
    const gf = first(t.name);
    out[t.name] = { ms: gs, addedMs: addedOf(ds, gs), ratioP50: ds.p50 && gs.p50 ? round(gs.p50 / ds.p50, 3) : null, firstChunk: { ms: gf, addedMs: addedOf(df, gf) }, errors: errors.get(t.name)!.count };
  }
  return out;
}

// One user's app: the official client, one call after the other, JSON and streamed.
async function clientCalls(targets: Target[], streamTargets: Target[]) {
  const clients = new Map(targets.map((t) => [t.name, new OpenAI({ apiKey: 'sk-bench', baseURL: t.baseURL, defaultHeaders: t.headers, maxRetries: 0 })]));
  const json = new Map<PathName, number[]>(targets.map((t) => [t.name, []]));
  const stream = new Map<PathName, { totalMs: number[]; firstMs: number[] }>(targets.map((t) => [t.name, { totalMs: [], firstMs: [] }]));
  const perRound = Math.ceil(CLIENT_CALLS / CLIENT_ROUNDS);
  for (const t of targets) for (let i = 0; i < 20; i++) await clients.get(t.name)!.chat.completions.create({ model: 'gpt-4o-mini', messages: MESSAGES });
  for (let r = 0; r < CLIENT_ROUNDS; r++) {
    for (const t of targets) {
      const client = clients.get(t.name)!;
      for (let i = 0; i < perRound; i++) {
        const t0 = performance.now();
        await client.chat.completions.create({ model: 'gpt-4o-mini', messages: MESSAGES });
        json.get(t.name)!.push(performance.now() - t0);
      }
    }
    for (const t of streamTargets) {
      const client = clients.get(t.name)!;
      const into = stream.get(t.name)!;
      for (let i = 0; i < perRound; i++) {
        const t0 = performance.now();
        let first = -1;
        const s = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: MESSAGES, stream: true, stream_options: { include_usage: true } });
        for await (const _chunk of s) if (first < 0) first = performance.now() - t0;
        into.firstMs.push(first);
        into.totalMs.push(performance.now() - t0);
      }
    }
  }
  const dj = latencySummary(json.get('direct')!);
  const dst = latencySummary(stream.get('direct')!.totalMs);
  const dsf = latencySummary(stream.get('direct')!.firstMs);
  const out: Record<string, unknown> = { callsPerPath: perRound * CLIENT_ROUNDS, direct: { jsonMs: dj, streamMs: dst, streamFirstChunkMs: dsf } };
  for (const t of targets) {
    if (t.name === 'direct') continue;
    const gj = latencySummary(json.get(t.name)!);
    const entry: Record<string, unknown> = { jsonMs: gj, jsonAddedMs: addedOf(dj, gj) };
    if (streamTargets.includes(t)) {
      const gst = latencySummary(stream.get(t.name)!.totalMs);
      const gsf = latencySummary(stream.get(t.name)!.firstMs);
      Object.assign(entry, { streamMs: gst, streamAddedMs: addedOf(dst, gst), streamFirstChunkMs: gsf, streamFirstChunkAddedMs: addedOf(dsf, gsf) });
    }
    out[t.name] = entry;
  }
  return out;
}

async function closedLoop(t: Target, body: string, seconds: number): Promise<{ requests: number; perSecond: number }> {
  let done = 0;
  const until = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < until) {
        await one(t, body);
        done++;
      }
    }),
  );
  return { requests: done, perSecond: round(done / seconds, 0) ?? 0 };
}

const fmt = (a: { p50: number | null; p95?: number | null; p99: number | null }) => `p50 ${a.p50}${a.p95 === undefined ? '' : `, p95 ${a.p95}`}, p99 ${a.p99} ms`;

// Each process its own, so that no path shares an event loop with the load.
const upstream = await startUpstreamProcess();
const portkey = await startPortkey();
const dir = mkdtempSync(join(tmpdir(), 'lookout-bench-gateway-'));
const server = await startServer(join(dir, 'data'), { LOOKOUT_OPENAI_BASE_URL: `${upstream.url}/v1` });
const pool = (url: string) => new Pool(url, { connections: 256, pipelining: 1 });
const portkeyHeaders = { 'x-portkey-provider': 'openai', 'x-portkey-custom-host': `${upstream.url}/v1` };
const direct: Target = { name: 'direct', pool: pool(upstream.url), path: '/v1/chat/completions', baseURL: `${upstream.url}/v1`, headers: {} };
const lookout: Target = { name: 'lookout', pool: pool(server.url), path: '/proxy/openai/v1/chat/completions', baseURL: `${server.url}/proxy/openai/v1`, headers: {} };
const pk: Target = { name: 'portkey', pool: pool(portkey.url), path: '/v1/chat/completions', baseURL: `${portkey.url}/v1`, headers: portkeyHeaders };
const all = [direct, lookout, pk];
try {
  log(`gateway bench: upstream delay ${DELAY_MS} ms, ${RATE} req/s open loop, ${PHASES}×${PHASE_S} s per path; direct, Lookout, Portkey`);
  for (let i = 0; i < WARMUP; i++) for (const t of all) await one(t, CHAT_BODY);
  // Portkey's streaming answers 500 ("TypeError: immutable" in its response headers) on some
  // Node and @hono/node-server versions: measured when it works, reported when it does not.
  const portkeyStreamError = await probe(pk, STREAM_BODY);
  if (portkeyStreamError) log(`  Portkey does not stream here (${portkeyStreamError}): its SSE figures are left out`);
  const streamTargets = portkeyStreamError ? [direct, lookout] : all;
  const json = await compare(all, CHAT_BODY);
  for (const n of ['lookout', 'portkey'] as const) log(`  JSON, ${n}: added ${fmt((json[n] as { addedMs: { p50: number; p95: number; p99: number } }).addedMs)}`);
  const stream = await compare(streamTargets, STREAM_BODY);
  for (const t of streamTargets.slice(1)) log(`  SSE, ${t.name}: first chunk added ${fmt((stream[t.name] as { firstChunk: { addedMs: { p50: number; p95: number; p99: number } } }).firstChunk.addedMs)}`);
  const client = await clientCalls(all, streamTargets);
  for (const t of all.slice(1)) {
    const c = client[t.name] as { jsonAddedMs: { p50: number; p95: number; p99: number }; streamFirstChunkAddedMs?: { p50: number; p95: number; p99: number } };
    log(`  openai client, ${t.name}: JSON added ${fmt(c.jsonAddedMs)}${c.streamFirstChunkAddedMs ? `; stream first chunk added ${fmt(c.streamFirstChunkAddedMs)}` : ''}`);
  }
  const max = await closedLoop(lookout, CHAT_BODY, MAX_SECONDS);
  log(`  sustained through Lookout's gateway: ${max.perSecond} req/s with ${CONCURRENCY} clients`);
  // Every call through the gateway is recorded: the spans must be there.
  const stored = await fetch(`${server.url}/api/v1/analytics/query?measures=requests&from=1h`).then((r) => r.json() as Promise<{ rows: { requests: number }[] }>);
  const lookoutJson = json.lookout as { addedMs: { p50: number | null; p99: number | null } };
  emit({
    bench: 'gateway',
    date: new Date().toISOString(),
    machine: machine(),
    settings: { rate: RATE, phaseSeconds: PHASE_S, phases: PHASES, upstreamDelayMs: DELAY_MS, streamChunks: STREAM_CHUNKS, concurrency: CONCURRENCY, clientCalls: CLIENT_CALLS },
    json,
    stream,
    portkeyStreamError,
    openaiClient: client,
    sustained: max,
    recordedCalls: stored.rows?.[0]?.requests ?? null,
    targets: {
      addedP50Ms: { target: 0.5, measured: lookoutJson.addedMs.p50, met: lookoutJson.addedMs.p50 !== null && lookoutJson.addedMs.p50 <= 0.5 },
      addedP99Ms: { target: 2, measured: lookoutJson.addedMs.p99, met: lookoutJson.addedMs.p99 !== null && lookoutJson.addedMs.p99 <= 2 },
      sustainedPerSecond: { target: 2000, measured: max.perSecond, met: max.perSecond >= 2000 },
    },
  });
} finally {
  for (const t of all) await t.pool.close();
  await server.stop();
  portkey.child.kill('SIGTERM');
  upstream.child.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}
