import type { DuckDBValue } from '@duckdb/node-api';
import { LookoutError } from '../../errors.ts';
import type { DuckDb, Row } from './db.ts';

export type NamedParams = Record<string, DuckDBValue | string | number | boolean | null>;

export type EventTable = 'spans' | 'scores' | 'logs' | 'metric_points' | 'call_hours';

// Deletes the rows of `table` matching `where`, `chunkRows` per transaction, so ingest and other
// writes get the writer between chunks. `returning` names what each deleted row hands to
// `inChunk`, which runs inside that chunk's transaction. Returns how many rows went.
export async function deleteInChunks(
  db: DuckDb,
  table: EventTable,
  where: string,
  params: NamedParams,
  chunkRows: number,
  inChunk?: { returning: string; fn: (rows: Row[]) => Promise<void> },
): Promise<number> {
  const sql = `DELETE FROM ${table} WHERE rowid IN (SELECT rowid FROM ${table} WHERE ${where} LIMIT $chunk) RETURNING ${inChunk?.returning ?? '1'}`;
  let deleted = 0;
  for (;;) {
    const n = await db.transaction(async () => {
      const rows = await db.writeAll(sql, { ...params, chunk: chunkRows });
      if (inChunk && rows.length) await inChunk.fn(rows);
      return rows.length;
    });
    deleted += n;
    if (n < chunkRows) return deleted;
  }
}

export function checkChunkRows(chunkRows: number): void {
  if (!Number.isSafeInteger(chunkRows) || chunkRows < 1) throw new LookoutError('invalid_request', `chunkRows must be a positive whole number, not ${chunkRows}`);
}

// Writes what the write-ahead log holds into the database file and empties the log, so deleted
// rows no longer sit in it.
export function checkpoint(db: DuckDb): Promise<void> {
  return db.exclusive(() => db.run('CHECKPOINT'));
}
