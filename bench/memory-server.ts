import { appendFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { loadConfig } from '../packages/server/src/config/config.ts';
import { startServer } from '../packages/server/src/server/serve.ts';
import type { DuckDb } from '../packages/server/src/store/duckdb/db.ts';
import { DEFAULT_PROJECT } from '../packages/server/src/store/store.ts';

// The real server (`lookout serve`, the same config and startServer) with a sampler beside it for
// bench/memory.ts: every second one JSON line appended to BENCH_MEMORY_SAMPLES with
// process.memoryUsage(), DuckDB's own accounting (duckdb_memory(), read on a connection of its own
// so that it never waits behind the queries being measured) and the sizes of the server's caches.
// SIGUSR2 measures what the rollups hold: the heap after a full collection, with and without them
// (they are dropped, so it is the last step of a run). Nothing here changes what the server does.

const SAMPLE_INTERVAL_MS = 1_000;
const START_SAMPLE_INTERVAL_MS = 250;
const samplesPath = process.env.BENCH_MEMORY_SAMPLES;
if (!samplesPath) throw new Error('BENCH_MEMORY_SAMPLES must name the file for the samples');

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

// BENCH_MEMORY_ALLOCATIONS=file: V8's sampling heap profile of everything allocated from here until
// SIGUSR2, garbage included (what start-up and the phases allocate, not only what stays).
const allocations = process.env.BENCH_MEMORY_ALLOCATIONS ? new Session() : null;
if (allocations) {
  allocations.connect();
  await allocations.post('HeapProfiler.startSampling', { samplingInterval: 64 * 1024, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
}

// While the server starts (rollups and budgets rebuilt from the store): the JS figures only, as
// often as the start-up's awaits let the timer run.
const startSampler = setInterval(() => {
  const m = process.memoryUsage();
  appendFileSync(samplesPath, `${JSON.stringify({ t: Date.now(), starting: true, rss: m.rss, heapTotal: m.heapTotal, heapUsed: m.heapUsed, external: m.external })}\n`);
}, START_SAMPLE_INTERVAL_MS);
const server = await startServer(loadConfig({}));
clearInterval(startSampler);
const { ctx } = server;
const db = (ctx.store as unknown as { db?: DuckDb }).db;
if (!db) throw new Error('the memory benchmark needs the DuckDB store');
const sampler = await db.instance.connect();
// BENCH_DUCKDB_SETTINGS="name=value,...": global DuckDB settings to try, applied once the server
// has started (e.g. allocator_flush_threshold=32MB).
for (const pair of (process.env.BENCH_DUCKDB_SETTINGS ?? '').split(',').filter(Boolean)) {
  const [name, value] = pair.split('=');
  if (!/^[a-z_]+$/.test(name) || value === undefined) throw new Error(`BENCH_DUCKDB_SETTINGS: '${pair}' is not name=value`);
  await sampler.run(`SET GLOBAL ${name} = '${value.replace(/'/g, "''")}'`);
}

const sizeOf = (o: unknown, field: string): number | null => {
  const v = (o as Record<string, unknown>)[field];
  return v instanceof Map || v instanceof Set ? v.size : null;
};

// Cells of every resolution of the call and score rollups (rollups/rollups.ts).
function rollupCells(): number {
  const rollups = ctx.alerting.rollups as unknown as { projects?: Map<string, unknown> };
  let cells = 0;
  const walk = (o: unknown, depth: number) => {
    if (depth > 8 || o === null || typeof o !== 'object') return;
    if (o instanceof Map) {
      for (const v of o.values()) {
        if (v instanceof Map) cells += v.size;
        else walk(v, depth + 1);
      }
      return;
    }
    for (const v of Object.values(o)) if (v instanceof Map || (typeof v === 'object' && v !== null && !ArrayBuffer.isView(v))) walk(v, depth + 1);
  };
  walk(rollups.projects ?? rollups, 0);
  return cells;
}

async function duckdbMemory(): Promise<Record<string, number>> {
  const rows = (await sampler.runAndReadAll('SELECT tag, memory_usage_bytes, temporary_storage_bytes FROM duckdb_memory()')).getRowObjectsJson();
  const out: Record<string, number> = {};
  for (const r of rows) {
    const bytes = Number(r.memory_usage_bytes);
    if (bytes > 0) out[String(r.tag)] = bytes;
    const temp = Number(r.temporary_storage_bytes);
    if (temp > 0) out[`${String(r.tag)}_temporary`] = temp;
  }
  return out;
}

let sampling = false;
async function sample(): Promise<void> {
  if (sampling) return;
  sampling = true;
  try {
    const m = process.memoryUsage();
    const duck = await duckdbMemory();
    const pipeline = ctx.pipeline as unknown as Record<string, unknown>;
    appendFileSync(
      samplesPath!,
      `${JSON.stringify({
        t: Date.now(),
        rss: m.rss,
        heapTotal: m.heapTotal,
        heapUsed: m.heapUsed,
        external: m.external,
        arrayBuffers: m.arrayBuffers,
        duckdb: duck,
        duckdbTotal: Object.entries(duck).reduce((s, [k, v]) => (k.endsWith('_temporary') ? s : s + v), 0),
        caches: {
          recentSpanKeys: sizeOf(pipeline, 'recentSpanKeys'),
          journaledKeys: sizeOf(pipeline, 'journaledKeys'),
          rollupCells: rollupCells(),
        },
      })}\n`,
    );
  } finally {
    sampling = false;
  }
}

const timer = setInterval(() => void sample().catch(() => undefined), SAMPLE_INTERVAL_MS);
timer.unref();

process.on('SIGUSR2', async () => {
  if (allocations) {
    const { profile } = await allocations.post('HeapProfiler.stopSampling');
    writeFileSync(process.env.BENCH_MEMORY_ALLOCATIONS!, JSON.stringify(profile));
  }
  gc();
  const withRollups = process.memoryUsage();
  for (const p of ctx.alerting.rollups.projectIds()) ctx.alerting.rollups.forgetProject(p);
  ctx.alerting.rollups.forgetProject(DEFAULT_PROJECT);
  gc();
  const without = process.memoryUsage();
  appendFileSync(samplesPath, `${JSON.stringify({ t: Date.now(), attribution: { rollupsHeapBytes: withRollups.heapUsed - without.heapUsed, heapUsedAfterGc: withRollups.heapUsed, rssAfterGc: withRollups.rss } })}\n`);
});

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  clearInterval(timer);
  sampler.closeSync();
  server.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
