import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getHeapStatistics } from 'node:v8';
import pino from 'pino';
import { rebuildSpend } from '../packages/server/src/budgets/rebuild.ts';
import { Spend } from '../packages/server/src/budgets/spend.ts';
import { Rollups } from '../packages/server/src/rollups/rollups.ts';
import { DuckDbStore } from '../packages/server/src/store/duckdb/store.ts';

// The start-up rebuilds alone (rollups, then budget spend) over a copy of bench/memory.ts's cached
// synthetic store, in this process: the time they take, the process's peak RSS, and the heap after.
// Run it under a small heap (`node --max-old-space-size=N bench/memory-rebuild.ts`) to find the
// least heap they complete in: rows held whole die there of "heap out of memory".
// Environment: BENCH_MEMORY_ROWS (1000000), BENCH_MEMORY_CACHE_DIR (tmpdir()/lookout-bench-cache).

const rows = Number(process.env.BENCH_MEMORY_ROWS ?? 1_000_000);
const cached = join(process.env.BENCH_MEMORY_CACHE_DIR || join(tmpdir(), 'lookout-bench-cache'), `synthetic-${rows}`);
const { nowMs } = JSON.parse(readFileSync(join(cached, 'built.json'), 'utf8')) as { nowMs: number };
const dir = mkdtempSync(join(tmpdir(), 'lookout-rebuild-'));
copyFileSync(join(cached, 'lookout.duckdb'), join(dir, 'lookout.duckdb'));
const MB = 1024 * 1024;
try {
  const store = await DuckDbStore.open(dir, { hourRollups: 'manual' });
  const t0 = performance.now();
  const counted = await new Rollups({ now: () => nowMs }).rebuild(store);
  const t1 = performance.now();
  await rebuildSpend(new Spend({ maxSeriesPerProject: 10_000, maxTraces: 10_000 }), store, [], nowMs, pino({ level: 'silent' }));
  const t2 = performance.now();
  const heap = getHeapStatistics();
  console.log(
    JSON.stringify({
      rows,
      heapLimitMb: Math.round(heap.heap_size_limit / MB),
      rollupsMs: Math.round(t1 - t0),
      budgetsMs: Math.round(t2 - t1),
      ...counted,
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      heapUsedMb: Math.round(heap.used_heap_size / MB),
      heapTotalMb: Math.round(heap.total_heap_size / MB),
    }),
  );
  await store.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
