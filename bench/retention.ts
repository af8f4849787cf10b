import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contentPurgeSpec, ContentPolicy } from '../packages/server/src/ingest/content-policy.ts';
import { cutoffsAt } from '../packages/server/src/lifecycle/retention-policy.ts';
import { RETENTION_CHUNK_ROWS } from '../packages/server/src/lifecycle/retention.ts';
import type { DuckDb } from '../packages/server/src/store/duckdb/db.ts';
import { DuckDbStore } from '../packages/server/src/store/duckdb/store.ts';
import { projectId } from '../packages/server/src/store/store.ts';
import { makeSpan } from '../packages/server/src/testing/fixtures.ts';
import { buildSyntheticStore } from './synthetic-store.ts';
import { duckDbBytes, emit, envInt, latencySummary, log, machine, round, sleep } from './lib.ts';

// Retention benchmark: a synthetic DuckDB store of BENCH_RETENTION_ROWS calls (default 1M) spread
// over 60 days, each with a prompt and a response, and the default tiers (content 7 days, spans
// 30, rollups 400). One run of the store's retention (the job's call) is timed while a writer
// keeps storing small batches, as ingest would. Reported: the database file before and after (the
// file is rewritten when the store closes), the run's time, how long each of the run's write
// transactions held the writer (the longest is what an ingest load can wait behind; `runHoldsMs`
// counts the run's own, `writerHoldsMs` the ingest batches' too), and the latency of the batches
// written meanwhile.

const P = projectId('default');
const INGEST_EVERY_MS = 50;

async function main() {
  const rows = envInt('BENCH_RETENTION_ROWS', 1_000_000);
  const chunkRows = envInt('BENCH_RETENTION_CHUNK_ROWS', RETENTION_CHUNK_ROWS);
  const dir = mkdtempSync(join(tmpdir(), 'lookout-bench-retention-'));
  const nowMs = Date.now();
  try {
    log(`building a store of ${rows.toLocaleString('en-US')} calls over 60 days, with content`);
    const build = await buildSyntheticStore(dir, rows, nowMs, { days: 60, content: true });
    const before = duckDbBytes(dir);
    log(`  ${(before.databaseBytes / 1e6).toFixed(0)} MB in ${build.seconds} s`);

    const store = await DuckDbStore.open(dir, { hourRollups: 'manual' });
    const summing = performance.now();
    await store.refreshHourRollups(nowMs);
    const rollupSeconds = round((performance.now() - summing) / 1000, 1);
    log(`  hourly totals summed in ${rollupSeconds} s`);

    // Every hold of the writer during the run, as the time from taking it to giving it back.
    const db = (store as unknown as { db: DuckDb }).db;
    const exclusive = db.exclusive.bind(db);
    const holdsMs: number[] = [];
    // The same, of the run's own transactions only (without the ingest batches').
    const runHoldsMs: number[] = [];
    const ingestContext = new AsyncLocalStorage<true>();
    let measuring = false;
    // The slowest statement of each hold, so the longest holds say what they were.
    let slowest: { ms: number; sql: string } = { ms: 0, sql: '' };
    const longest: { ms: number; statement: string; statementMs: number }[] = [];
    db.exclusive = <T>(fn: () => Promise<T>) => {
      const fromIngest = ingestContext.getStore() === true;
      return exclusive(async () => {
        const t = performance.now();
        slowest = { ms: 0, sql: '' };
        try {
          return await fn();
        } finally {
          const ms = performance.now() - t;
          if (measuring) {
            holdsMs.push(ms);
            if (!fromIngest) runHoldsMs.push(ms);
            longest.push({ ms: round(ms, 1) ?? 0, statement: slowest.sql.replace(/\s+/g, ' ').slice(0, 120), statementMs: round(slowest.ms, 1) ?? 0 });
            longest.sort((x, y) => y.ms - x.ms).splice(5);
          }
        }
      });
    };
    for (const method of ['run', 'writeAll'] as const) {
      const original = db[method].bind(db) as (sql: string, params?: unknown) => Promise<unknown>;
      (db as unknown as Record<string, unknown>)[method] = async (sql: string, params?: unknown) => {
        const t = performance.now();
        try {
          return await original(sql, params);
        } finally {
          const ms = performance.now() - t;
          if (ms > slowest.ms) slowest = { ms, sql };
        }
      };
    }

    // Small batches stored meanwhile, as ingest would (their own holds are counted too).
    const writesMs: number[] = [];
    let writing = true;
    const writer = ingestContext.run(true, async () => {
      while (writing) {
        const t = performance.now();
        await store.write({ spans: Array.from({ length: 20 }, () => makeSpan()), scores: [], logs: [] });
        writesMs.push(performance.now() - t);
        await sleep(INGEST_EVERY_MS);
      }
    });

    const cutoffs = cutoffsAt(nowMs, { contentDays: 7, spansDays: 30, rollupsDays: 400 });
    log(`running retention (chunks of ${chunkRows} rows)`);
    measuring = true;
    const started = performance.now();
    const result = await store.retention!.enforceRetention(P, { cutoffs, content: contentPurgeSpec('metadata', new ContentPolicy(), chunkRows), chunkRows });
    const runSeconds = round((performance.now() - started) / 1000, 1);
    measuring = false;
    writing = false;
    await writer;
    log(`  done in ${runSeconds} s: ${JSON.stringify(result)}`);

    const afterRun = duckDbBytes(dir);
    const closing = performance.now();
    await store.close();
    const closeSeconds = round((performance.now() - closing) / 1000, 1);
    const after = duckDbBytes(dir);
    log(`  ${(after.databaseBytes / 1e6).toFixed(0)} MB after compaction on close (${closeSeconds} s)`);

    const holds = latencySummary(holdsMs);
    emit({
      bench: 'retention',
      date: new Date().toISOString(),
      machine: machine(),
      rows,
      days: 60,
      tiers: { contentDays: 7, spansDays: 30, rollupsDays: 400 },
      chunkRows,
      buildSeconds: build.seconds,
      rollupSeconds,
      run: { seconds: runSeconds, contentStripped: result.contentStripped, deleted: result.deleted },
      writerHoldsMs: { ...holds, count: holdsMs.length, over10ms: holdsMs.filter((h) => h > 10).length, over50ms: holdsMs.filter((h) => h > 50).length },
      runHoldsMs: { ...latencySummary(runHoldsMs), count: runHoldsMs.length, over10ms: runHoldsMs.filter((h) => h > 10).length, over50ms: runHoldsMs.filter((h) => h > 50).length },
      longestHolds: longest,
      ingestWriteMs: latencySummary(writesMs),
      databaseMb: { before: round(before.databaseBytes / 1e6, 1), afterRun: round((afterRun.databaseBytes + afterRun.walBytes) / 1e6, 1), afterCompaction: round(after.databaseBytes / 1e6, 1) },
      closeSeconds,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
