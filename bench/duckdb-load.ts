import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SpanRecord } from '../packages/server/src/domain/span.ts';
import type { DuckDb } from '../packages/server/src/store/duckdb/db.ts';
import { DuckDbStore } from '../packages/server/src/store/duckdb/store.ts';
import { compareAppender } from './duckdb-append.ts';
import { emit, envInt, log, machine, median, processRssMb, round } from './lib.ts';

// The DuckDB store's load path in-process: generation spans with prompts and responses, encoded to
// NDJSON by the store's own encode() as the ingest pipeline journals them, then loaded by
// store.load() into a database file, as the pipeline's background load does. Per size (default
// 2,000 / 20,000 / 100,000 rows): the median over BENCH_DUCKDB_LOAD_RUNS loads of fresh rows of the
// µs per row, split by the load's SQL statements ("passes"); and one replay of late spans (older
// than the summed hours, window unknown) as start-up recovery loads them. Then the Appender
// comparison (duckdb-append.ts). Prints one JSON line.
//   BENCH_DUCKDB_LOAD_SIZES=2000,20000 BENCH_DUCKDB_LOAD_RUNS=3 node bench/duckdb-load.ts

const HOUR_US = 3_600_000_000;
const SIZES = (process.env.BENCH_DUCKDB_LOAD_SIZES ?? '2000,20000,100000').split(',').map((s) => Number(s.trim()));
const RUNS = envInt('BENCH_DUCKDB_LOAD_RUNS', 3, 1, 50);
const APPEND_ROWS = envInt('BENCH_DUCKDB_APPEND_ROWS', 20_000, 0, 1_000_000);
// Spans of one trace: an untimed root carrying the attribution, then generations.
const SPANS_PER_TRACE = 4;
if (SIZES.some((n) => !Number.isInteger(n) || n < SPANS_PER_TRACE)) throw new Error(`BENCH_DUCKDB_LOAD_SIZES must list whole numbers ≥ ${SPANS_PER_TRACE}`);

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0').slice(-width);
const SYSTEM = 'You are a support assistant for an online shop. Answer briefly, cite the order number, never invent tracking data. '.repeat(5);
const FILLER = 'The parcel was marked as delivered yesterday but nothing arrived at the door and the neighbours have not seen it either. ';

// ~1.6 KB prompt (chat messages as JSON, the way the mappers store them) and ~450 B response.
export function makeSpans(count: number, seed: number, startUs: number): SpanRecord[] {
  const out: SpanRecord[] = [];
  for (let i = 0; i < count; i++) {
    const n = seed * 10_000_000 + i;
    const trace = Math.floor(n / SPANS_PER_TRACE);
    const root = i % SPANS_PER_TRACE === 0;
    const s0 = startUs + i * 50;
    const input = 1_000 + (n % 3_000);
    const output = 100 + (n % 400);
    out.push({
      projectId: 'default',
      traceId: hex(trace, 32),
      spanId: hex(n, 16),
      parentSpanId: root ? null : hex(trace * SPANS_PER_TRACE, 16),
      name: root ? 'answer-ticket' : 'chat gpt-4o-mini',
      kind: root ? 'chain' : 'generation',
      startUs: s0,
      endUs: s0 + 800_000 + (n % 700) * 1_000,
      provider: root ? null : 'openai',
      requestModel: root ? null : 'gpt-4o-mini',
      responseModel: root ? null : 'gpt-4o-mini-2024-07-18',
      usage: root ? { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, reasoning: 0, audio: 0 } : { input, output, cacheRead: 0, cacheWrite: 0, reasoning: 0, audio: 0 },
      cost: root
        ? { status: 'not_applicable', totalNanoUsd: null, byBucketNanoUsd: {}, priceRowId: null, catalogVersion: null }
        : {
            status: 'priced',
            totalNanoUsd: input * 150 + output * 600,
            byBucketNanoUsd: { input: input * 150, output: output * 600 },
            priceRowId: 'catalog:openai/gpt-4o-mini',
            catalogVersion: 'genai-prices@0.1.8',
          },
      status: 'ok',
      errorClass: null,
      errorMessage: null,
      finishReason: root ? null : 'stop',
      ttftMs: root ? null : 180 + (n % 300),
      attribution: {
        userId: root ? `usr_${n % 1000}` : null,
        sessionId: root ? `sess_${trace % 5000}` : null,
        feature: root ? `feature-${n % 10}` : null,
        team: root ? `team-${n % 20}` : null,
        department: null,
        application: root ? 'portal' : null,
        environment: 'production',
      },
      tags: n % 4 === 0 ? ['ab:variant-b'] : [],
      metadata: { 'user.tier': ['free', 'pro', 'enterprise'][n % 3], 'prompt.version': 'v3' },
      content: root
        ? null
        : {
            input: JSON.stringify([
              { role: 'system', content: SYSTEM },
              { role: 'user', content: `Ticket ${n}: ${FILLER.repeat(8)}` },
            ]),
            output: `Order ${n}: ${FILLER.repeat(3)}`,
          },
      promptHash: root ? null : hex(n * 31, 16).repeat(4),
      responseHash: root ? null : hex(n * 37, 16).repeat(4),
      requestId: root ? null : `req_${hex(n, 12)}`,
    });
  }
  return out;
}

// What each SQL statement of a load is: the passes the µs are split by.
function passOf(sql: string): string {
  const s = sql.trim();
  if (/^BEGIN/i.test(s)) return 'begin';
  if (/^COMMIT/i.test(s)) return 'commit';
  if (/^DROP/i.test(s)) return 'dropStaging';
  if (/^CREATE/i.test(s)) return 'staging';
  if (/^INSERT INTO spans/i.test(s)) return 'insert';
  if (/call_hours_dirty|DISTINCT \(start_us/.test(s)) return 'markLate';
  if (/AS lo\b/.test(s)) return 'window';
  if (/^UPDATE spans/i.test(s)) return 'attribution';
  if (/^UPDATE scores/i.test(s)) return 'scoresFill';
  if (/FROM scores/i.test(s)) return 'scoresCheck';
  return 'other';
}

// Times every statement the store runs on its writer, by pass: wall ms, and the process's CPU ms
// (DuckDB's threads included) under `cpu:<pass>`. Statements run one at a time.
function instrument(store: DuckDbStore): Map<string, number> {
  const passes = new Map<string, number>();
  const db = (store as unknown as { db: DuckDb }).db;
  for (const method of ['run', 'writeAll'] as const) {
    const original = db[method].bind(db) as (sql: string, params?: unknown) => Promise<unknown>;
    (db as unknown as Record<string, unknown>)[method] = async (sql: string, params?: unknown) => {
      const t = performance.now();
      const cpu0 = process.cpuUsage();
      try {
        return await original(sql, params);
      } finally {
        const pass = passOf(sql);
        const cpu = process.cpuUsage(cpu0);
        passes.set(pass, (passes.get(pass) ?? 0) + (performance.now() - t));
        passes.set(`cpu:${pass}`, (passes.get(`cpu:${pass}`) ?? 0) + (cpu.user + cpu.system) / 1000);
      }
    };
  }
  return passes;
}

interface LoadTiming {
  encodeUsPerRow: number;
  loadUsPerRow: number;
  cpuUsPerRow: number;
  // µs per row of each pass's wall time, and of its CPU time (all threads) under `cpu:<pass>`.
  passes: Record<string, number>;
}

let seed = 1;
async function timedLoad(store: DuckDbStore, passes: Map<string, number>, dir: string, rows: number, startUs: number, replay: boolean): Promise<LoadTiming> {
  const spans = makeSpans(rows, seed++, startUs);
  const t0 = performance.now();
  const encoded = store.encode({ spans, scores: [], logs: [] }, Date.now() * 1000);
  const encodeMs = performance.now() - t0;
  const file = join(dir, `${String(seed).padStart(12, '0')}.spans.ndjson`);
  writeFileSync(file, encoded.spans);
  passes.clear();
  const cpu0 = process.cpuUsage();
  const t1 = performance.now();
  await store.load({ spans: [file], scores: [], logs: [] }, replay ? null : encoded.spanWindowUs, { replay });
  const loadMs = performance.now() - t1;
  const cpu = process.cpuUsage(cpu0);
  rmSync(file);
  const perRow = (ms: number) => round((ms * 1000) / rows, 2) ?? 0;
  return {
    encodeUsPerRow: perRow(encodeMs),
    loadUsPerRow: perRow(loadMs),
    // Every thread of the process (DuckDB's included) during the load.
    cpuUsPerRow: round((cpu.user + cpu.system) / rows, 2) ?? 0,
    passes: Object.fromEntries([...passes].map(([k, ms]) => [k, perRow(ms)])),
  };
}

function medianOf(timings: LoadTiming[]): LoadTiming {
  const m = (xs: number[]) => round(median(xs), 2) ?? 0;
  const names = new Set(timings.flatMap((t) => Object.keys(t.passes)));
  return {
    encodeUsPerRow: m(timings.map((t) => t.encodeUsPerRow)),
    loadUsPerRow: m(timings.map((t) => t.loadUsPerRow)),
    cpuUsPerRow: m(timings.map((t) => t.cpuUsPerRow)),
    passes: Object.fromEntries([...names].map((k) => [k, m(timings.map((t) => t.passes[k] ?? 0))])),
  };
}

async function bySize(rows: number): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'lookout-bench-load-'));
  const journal = join(dir, 'journal');
  const store = await DuckDbStore.open(join(dir, 'data'), { hourRollups: 'manual' });
  try {
    const passes = instrument(store);
    mkdirSync(journal);
    const nowUs = Date.now() * 1000;
    // Warm-up: the tables exist and hold rows, as on a running server.
    await timedLoad(store, passes, journal, Math.min(rows, 2_000), nowUs - 60_000_000, false);
    const live: LoadTiming[] = [];
    for (let r = 0; r < RUNS; r++) {
      live.push(await timedLoad(store, passes, journal, rows, nowUs + r * rows * 50, false));
      log(`  ${rows} rows, live load ${r + 1}/${RUNS}: ${live[r].loadUsPerRow} µs/row ${JSON.stringify(live[r].passes)}`);
    }
    // Start-up replay of spans three hours old, in hours already summed.
    await store.refreshHourRollups(Date.now());
    const replay = await timedLoad(store, passes, journal, rows, nowUs - 3 * HOUR_US, true);
    log(`  ${rows} rows, late replay: ${replay.loadUsPerRow} µs/row ${JSON.stringify(replay.passes)}`);
    return { rows, live: medianOf(live), replayLate: replay, rssMb: processRssMb(process.pid).rssMb };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const started = Date.now();
const loads: Record<string, unknown>[] = [];
for (const rows of SIZES) {
  log(`load of ${rows.toLocaleString('en-US')} rows`);
  loads.push(await bySize(rows));
}
const appender = APPEND_ROWS > 0 ? await compareAppender(APPEND_ROWS, makeSpans) : null;
emit({
  bench: 'duckdb-load',
  date: new Date().toISOString(),
  machine: machine(),
  runs: RUNS,
  spansPerTrace: SPANS_PER_TRACE,
  loads,
  appender,
  seconds: Math.round((Date.now() - started) / 1000),
});
