import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { BodyTemplate, emit, envInt, log, machine, median, nextTracePrefix, postIngest, processRssMb, REPO_ROOT, round, sleep, startServer, TIME_HOLE, TRACE_PREFIX_HOLE } from './lib.ts';
import { buildSyntheticStore } from './synthetic-store.ts';

// Where a server's memory goes with 1M and 10M calls stored. The real server (bench/memory-server.ts:
// `lookout serve` with a sampler beside it) opens a copy of a synthetic store (bench/synthetic-store.ts,
// built once and kept in BENCH_MEMORY_CACHE_DIR) and goes through four phases: idle after start
// (the rollups rebuilt), the dashboard queries over HTTP in a loop, ingest (clients posting batches
// with content), idle again. Every second it samples process.memoryUsage() beside DuckDB's
// duckdb_memory() and the sizes of its caches; at the end, what the rollups hold in the heap.
// The breakdown of RSS: JS heap (heapTotal), external (Buffers and other memory V8 is told of),
// DuckDB (duckdb_memory(): its buffer pool), and the rest: the allocator's free memory, code,
// thread stacks and everything no one accounts for.
//
// Environment: BENCH_MEMORY_ROWS ("1000000,10000000"), BENCH_MEMORY_IDLE_SECONDS (15),
// BENCH_MEMORY_QUERY_SECONDS (30), BENCH_MEMORY_INGEST_SECONDS (20), BENCH_MEMORY_INGEST_CLIENTS (4),
// BENCH_MEMORY_INGEST_BATCH (500), BENCH_MEMORY_CACHE_DIR (tmpdir()/lookout-bench-cache), and
// LOOKOUT_* settings (e.g. LOOKOUT_MEMORY_LIMIT) passed through to the server, and
// BENCH_DUCKDB_SETTINGS (bench/memory-server.ts) to try DuckDB settings.

const DAY_MS = 86_400_000;
const MAX_ROWS = 50_000_000;
// A cached store older than this no longer ends near now: the last-24-hour queries would find nothing.
const CACHE_MAX_AGE_MS = 6 * 3_600_000;
const SERVER_SCRIPT = join(REPO_ROOT, 'bench', 'memory-server.ts');
// At 10M calls the server rebuilds its rollups from the store before it listens (about a minute
// on a busy 2-core machine).
const SERVER_START_TIMEOUT_MS = 10 * 60_000;
const idleSeconds = envInt('BENCH_MEMORY_IDLE_SECONDS', 15);
const querySeconds = envInt('BENCH_MEMORY_QUERY_SECONDS', 30);
const ingestSeconds = envInt('BENCH_MEMORY_INGEST_SECONDS', 20);
const ingestClients = envInt('BENCH_MEMORY_INGEST_CLIENTS', 4, 1, 64);
const ingestBatch = envInt('BENCH_MEMORY_INGEST_BATCH', 500, 1, 10_000);
const cacheDir = process.env.BENCH_MEMORY_CACHE_DIR || join(tmpdir(), 'lookout-bench-cache');

interface Sample {
  t: number;
  rss: number;
  heapTotal: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
  duckdb: Record<string, number>;
  duckdbTotal: number;
  caches: Record<string, number | null>;
}

function rowCounts(): number[] {
  return (process.env.BENCH_MEMORY_ROWS ?? '1000000,10000000').split(',').map((s) => {
    const n = Number(s.trim().replace(/_/g, ''));
    if (!Number.isInteger(n) || n < 1_000 || n > MAX_ROWS) throw new Error(`BENCH_MEMORY_ROWS: '${s}' must be a whole number from 1000 to ${MAX_ROWS}`);
    return n;
  });
}

// The synthetic store of `rows` calls, built once per CACHE_MAX_AGE_MS and copied for each run
// (ingest writes to the copy).
async function cachedStore(rows: number): Promise<{ dir: string; nowMs: number }> {
  const dir = join(cacheDir, `synthetic-${rows}`);
  const marker = join(dir, 'built.json');
  if (existsSync(marker)) {
    const built = JSON.parse(readFileSync(marker, 'utf8')) as { rows: number; nowMs: number };
    if (built.rows === rows && Date.now() - built.nowMs < CACHE_MAX_AGE_MS) return { dir, nowMs: built.nowMs };
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const nowMs = Date.now();
  log(`  building ${rows.toLocaleString('en-US')} calls in ${dir}`);
  const built = await buildSyntheticStore(dir, rows, nowMs);
  writeFileSync(marker, JSON.stringify({ rows, nowMs, seconds: built.seconds }));
  return { dir, nowMs };
}

const MB = 1024 * 1024;
const mb = (bytes: number) => round(bytes / MB, 1);

// A phase's samples: the peak and last RSS, and the breakdown at the sample of peak RSS.
function summarise(samples: Sample[]) {
  if (samples.length === 0) return null;
  const peak = samples.reduce((a, b) => (b.rss > a.rss ? b : a));
  const last = samples[samples.length - 1];
  const breakdown = (s: Sample) => ({
    rssMb: mb(s.rss),
    jsHeapTotalMb: mb(s.heapTotal),
    jsHeapUsedMb: mb(s.heapUsed),
    externalMb: mb(s.external),
    arrayBuffersMb: mb(s.arrayBuffers),
    duckdbMb: mb(s.duckdbTotal),
    duckdbByTagMb: Object.fromEntries(Object.entries(s.duckdb).map(([k, v]) => [k, mb(v)])),
    restMb: mb(s.rss - s.heapTotal - s.external - s.duckdbTotal),
    caches: s.caches,
  });
  return { samples: samples.length, medianRssMb: mb(median(samples.map((s) => s.rss)) ?? 0), atPeak: breakdown(peak), last: breakdown(last) };
}

const QUERIES: [string, string][] = [
  ['costByTeam30d', 'measures=cost&groupBy=team&from=30d'],
  ['costByUser30d', 'measures=cost&groupBy=user&from=30d'],
  ['latencyPercentilesByModel30d', 'measures=latency_p50,latency_p95,latency_p99&groupBy=model&from=30d'],
  ['costByTeamDaily30d', 'measures=cost&groupBy=team&bucket=day&from=30d'],
  ['last24hFeatureAggregate', 'measures=requests,cost,latency_p95&filter=feature:feature-3&from=24h'],
  ['last24hCostByModel', 'measures=cost,requests&groupBy=model&from=24h'],
];

async function queryPhase(url: string, seconds: number): Promise<Record<string, number | null>> {
  const times = new Map<string, number[]>();
  const end = Date.now() + seconds * 1000;
  const one = async (name: string, path: string) => {
    const t = performance.now();
    const r = await fetch(`${url}${path}`);
    await r.arrayBuffer();
    if (!r.ok) throw new Error(`${path} answered ${r.status}`);
    const list = times.get(name) ?? [];
    list.push(performance.now() - t);
    times.set(name, list);
  };
  while (Date.now() < end) {
    for (const [name, q] of QUERIES) await one(name, `/api/v1/analytics/query?${q}`);
    await one('last24hFeatureList', '/api/v1/spans?feature=feature-3&from=24h&limit=50');
  }
  return Object.fromEntries([...times].map(([k, v]) => [k, round(median(v))]));
}

function ingestTemplate(seed: number): BodyTemplate {
  const batch: Record<string, unknown>[] = [];
  for (let i = 0; i < ingestBatch; i++) {
    batch.push({
      type: 'generation',
      traceId: `${TRACE_PREFIX_HOLE}${(seed * 100_000 + i).toString(16).padStart(16, '0')}`,
      spanId: (i + 1).toString(16).padStart(16, '0'),
      name: 'chat gpt-4o-mini',
      startTime: TIME_HOLE,
      durationMs: 300 + ((i * 31) % 4000),
      provider: 'openai',
      model: i % 2 ? 'gpt-4o-mini' : 'gpt-4o',
      usage: { input: 200 + ((i * 7919 + seed) % 4000), output: 20 + ((i * 104729 + seed) % 600) },
      userId: `usr_${i % 1000}`,
      feature: `feature-${i % 10}`,
      team: `team-${i % 20}`,
      application: 'portal',
      metadata: { 'user.tier': 'pro' },
      input: [{ role: 'user', content: `Question ${i}: where is my order? ${'context '.repeat(40)}` }],
      output: `Answer ${i}: it ships on Thursday.`,
    });
  }
  return new BodyTemplate(batch);
}

async function ingestPhase(url: string, seconds: number): Promise<{ spansPerSecond: number | null; accepted: number }> {
  const end = Date.now() + seconds * 1000;
  let accepted = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: ingestClients }, async (_, c) => {
      const template = ingestTemplate(c + 1);
      while (Date.now() < end) {
        const r = await postIngest(`${url}/api/v1/ingest`, template.render(nextTracePrefix(), Date.now()));
        accepted += r.accepted;
        if (r.retryAfterMs !== null) await sleep(r.retryAfterMs);
      }
    }),
  );
  return { spansPerSecond: round(accepted / ((performance.now() - started) / 1000), 0), accepted };
}

function readSamples(path: string): { samples: Sample[]; starting: Sample[]; attribution: Record<string, number> | null } {
  const samples: Sample[] = [];
  const starting: Sample[] = [];
  let attribution: Record<string, number> | null = null;
  if (!existsSync(path)) return { samples, starting, attribution };
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const o = JSON.parse(line) as Sample & { attribution?: Record<string, number>; starting?: boolean };
    if (o.attribution) attribution = o.attribution;
    else if (o.starting) starting.push(o);
    else samples.push(o);
  }
  return { samples, starting, attribution };
}

async function measure(rows: number) {
  const { dir: source } = await cachedStore(rows);
  const work = mkdtempSync(join(tmpdir(), 'lookout-bench-memory-'));
  const dataDir = join(work, 'data');
  mkdirSync(dataDir, { mode: 0o700 });
  copyFileSync(join(source, 'lookout.duckdb'), join(dataDir, 'lookout.duckdb'));
  const samplesPath = join(work, 'samples.jsonl');
  try {
    const startedAt = Date.now();
    const server = await startServer(dataDir, { BENCH_MEMORY_SAMPLES: samplesPath }, { script: SERVER_SCRIPT, startTimeoutMs: SERVER_START_TIMEOUT_MS });
    const pid = server.child.pid!;
    const marks: Record<string, number> = { ready: Date.now() };
    log(`  ${rows.toLocaleString('en-US')} rows: server ready in ${((marks.ready - startedAt) / 1000).toFixed(1)} s; idle ${idleSeconds} s`);
    let queryMs: Record<string, number | null> = {};
    let ingest = { spansPerSecond: null as number | null, accepted: 0 };
    try {
      await sleep(idleSeconds * 1000);
      marks.queries = Date.now();
      log(`  queries for ${querySeconds} s`);
      queryMs = await queryPhase(server.url, querySeconds);
      marks.ingest = Date.now();
      log(`  ingest for ${ingestSeconds} s`);
      ingest = await ingestPhase(server.url, ingestSeconds);
      marks.after = Date.now();
      log(`  idle again for ${idleSeconds} s`);
      await sleep(idleSeconds * 1000);
      marks.end = Date.now();
      server.child.kill('SIGUSR2');
      await sleep(3_000);
    } finally {
      const peak = processRssMb(pid);
      await server.stop();
      marks.peakRssMb = peak.peakRssMb ?? 0;
    }
    const { samples, starting, attribution } = readSamples(samplesPath);
    const startPeak = starting.reduce<Sample | null>((a, b) => (a === null || b.rss > a.rss ? b : a), null);
    const between = (a: number, b: number) => samples.filter((s) => s.t >= a && s.t < b);
    const result = {
      rows,
      databaseFileMb: round(statSync(join(source, 'lookout.duckdb')).size / 1e6, 0),
      startSeconds: round((marks.ready - startedAt) / 1000, 1),
      peakRssMb: marks.peakRssMb,
      // While starting: the JS heap only (DuckDB is read once the server is up).
      startPeak: startPeak && { rssMb: mb(startPeak.rss), jsHeapTotalMb: mb(startPeak.heapTotal), jsHeapUsedMb: mb(startPeak.heapUsed), externalMb: mb(startPeak.external) },
      phases: {
        idleAfterStart: summarise(between(marks.ready, marks.queries)),
        queries: summarise(between(marks.queries, marks.ingest)),
        ingest: summarise(between(marks.ingest, marks.after)),
        idleAfterIngest: summarise(between(marks.after, marks.end)),
      },
      rollupsHeapMb: attribution ? mb(attribution.rollupsHeapBytes) : null,
      queryMedianMs: queryMs,
      ingest,
    };
    const p = result.phases;
    log(`  RSS MB: idle ${p.idleAfterStart?.last.rssMb}, queries peak ${p.queries?.atPeak.rssMb}, ingest peak ${p.ingest?.atPeak.rssMb}, idle after ${p.idleAfterIngest?.last.rssMb}; process peak ${result.peakRssMb}; rollups ${result.rollupsHeapMb} MB of heap`);
    return result;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const results = [];
for (const rows of rowCounts()) results.push(await measure(rows));
emit({
  bench: 'memory',
  date: new Date().toISOString(),
  machine: machine(),
  settings: Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('LOOKOUT_') || k.startsWith('MALLOC_') || k === 'BENCH_DUCKDB_SETTINGS')),
  loadAverage: loadavg().map((x) => round(x)),
  results,
  target: { rows: results[results.length - 1]?.rows, rssMb: 500 },
});
