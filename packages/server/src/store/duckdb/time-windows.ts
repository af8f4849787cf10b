import { runAsServer } from '../read-tenant.ts';
import type { DuckDb } from './db.ts';
import { checkpoint, type NamedParams } from './chunked-delete.ts';
import { HOUR_US } from './hour-rollups.ts';

// Bulk changes (retention, content purges) one time window per write transaction. A statement
// bounded by `time >= lo AND time < hi` reads only the row groups whose zone maps overlap the
// window: rows are appended roughly in time order, so its cost follows the window's rows, not the
// table's. A statement picking its rows by `rowid IN (… LIMIT n)` instead passes over the whole
// table every time, however few rows it changes.
//
// The work is found first on a reader (one pass, outside the writer): how many rows to change in
// each hour. Hours become windows of about `chunkRows` rows: small neighbours merged, a crowded
// hour split into equal slices of time.

// Rows that arrive for a window's time after the reader counted (late spans) are caught by
// counting again; a few passes bound the run even if ingest keeps adding such rows.
const MAX_PASSES = 3;
// A checkpoint writes every row group changed since the last one, holding the writer meanwhile:
// taken about once per row group's worth of changed rows (DuckDB's row groups hold 122,880), each
// holds it for a row group or so, rather than one at the end for all of them.
const CHECKPOINT_EVERY_ROWS = 100_000;

export interface TimeBucket {
  startUs: number;
  rows: number;
}

export interface TimeWindow {
  loUs: number;
  hiUs: number;
  rows: number;
}

// Windows over `buckets` (sorted, each `bucketUs` wide, rows > 0) of about `chunkRows` rows each.
// Together they cover the time from the first bucket to the end of the last without a gap, so a
// row arriving for that time later is still in one.
export function planWindows(buckets: readonly TimeBucket[], bucketUs: number, chunkRows: number): TimeWindow[] {
  const pieces: TimeWindow[] = [];
  for (const b of buckets) {
    const slices = Math.min(Math.ceil(b.rows / chunkRows), bucketUs);
    const widthUs = Math.floor(bucketUs / slices);
    for (let i = 0; i < slices; i++) {
      const loUs = b.startUs + i * widthUs;
      pieces.push({ loUs, hiUs: i === slices - 1 ? b.startUs + bucketUs : loUs + widthUs, rows: b.rows / slices });
    }
  }
  const windows: TimeWindow[] = [];
  for (const p of pieces) {
    const last = windows.at(-1);
    if (last && last.rows + p.rows <= chunkRows) {
      last.hiUs = p.hiUs;
      last.rows += p.rows;
    } else {
      // An empty stretch before this piece joins the window before it.
      if (last) last.hiUs = p.loUs;
      windows.push({ ...p });
    }
  }
  for (const w of windows) w.rows = Math.round(w.rows);
  return windows;
}

export interface WindowedChange {
  table: string;
  // The table's time column, which rows are appended in the order of.
  time: string;
  // The rows to change (a condition they no longer meet once changed or deleted).
  where: string;
  params: NamedParams;
  chunkRows: number;
}

// The rows of `change.where`, counted per hour on a reader.
export async function countByHour(db: DuckDb, change: WindowedChange): Promise<TimeBucket[]> {
  const rows = await runAsServer(() =>
    db.all(
      `SELECT (epoch_us(${change.time}) // ${HOUR_US}) * ${HOUR_US} AS start_us, count(*) AS n FROM ${change.table}
       WHERE ${change.where} GROUP BY ALL ORDER BY start_us`,
      change.params,
    ),
  );
  return rows.map((r) => ({ startUs: Number(r.start_us), rows: Number(r.n) }));
}

// Runs `write` once per window, each in its own write transaction, with `where` narrowed to the
// window (its bounds are $windowLo and $windowHi, in µs). `write` answers how many rows it
// changed; the total is returned. Idempotent as long as `where` no longer holds for changed rows.
export async function changeInTimeWindows(
  db: DuckDb,
  change: WindowedChange,
  write: (where: string, params: NamedParams, window: TimeWindow) => Promise<number>,
): Promise<number> {
  const where = `(${change.where}) AND ${change.time} >= make_timestamp($windowLo) AND ${change.time} < make_timestamp($windowHi)`;
  let changed = 0;
  let sinceCheckpoint = 0;
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const windows = planWindows(await countByHour(db, change), HOUR_US, change.chunkRows);
    if (!windows.length) break;
    let inPass = 0;
    for (const w of windows) {
      const n = await db.transaction(() => write(where, { ...change.params, windowLo: w.loUs, windowHi: w.hiUs }, w));
      inPass += n;
      sinceCheckpoint += n;
      if (sinceCheckpoint >= CHECKPOINT_EVERY_ROWS) {
        await checkpoint(db);
        sinceCheckpoint = 0;
      }
    }
    changed += inPass;
    if (inPass === 0) break;
  }
  return changed;
}

// Runs an UPDATE or DELETE on the writer and answers how many rows it changed. Without RETURNING:
// returning even a constant makes DuckDB fetch every column of each changed row.
export async function changedRows(db: DuckDb, sql: string, params: NamedParams): Promise<number> {
  const rows = await db.writeAll(sql, params);
  return Number(rows[0]?.Count ?? 0);
}
