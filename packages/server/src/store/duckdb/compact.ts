import { existsSync, openSync, closeSync, fsyncSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { PRIVATE_FILE_MODE, tightenPrivateFile } from '../../state/private-files.ts';

// After a content purge, the old versions of the changed rows stay in the database file's free
// blocks (DuckDB reuses them later, it does not clear them), where anyone who can read the file
// can still find the text. Rewriting the database into a fresh file leaves them behind. That
// needs the database closed, so a purge leaves a note and the rewrite happens when the store
// closes, or, after a crash, before it opens.

export const DATABASE_FILE = 'lookout.duckdb';
export const COMPACT_PENDING_FILE = 'compact-pending';
export const COMPACTED_FILE = 'lookout.compacted.duckdb';

export function markCompactPending(dir: string): void {
  writeFileSync(join(dir, COMPACT_PENDING_FILE), `${new Date().toISOString()}\n`, { mode: PRIVATE_FILE_MODE });
}

export function compactPending(dir: string): boolean {
  return existsSync(join(dir, COMPACT_PENDING_FILE));
}

// Copies every table of the (closed) database into a new file and puts it in its place.
export async function compactDatabase(dir: string): Promise<void> {
  const path = join(dir, DATABASE_FILE);
  const fresh = join(dir, COMPACTED_FILE);
  rmSync(fresh, { force: true });
  rmSync(`${fresh}.wal`, { force: true });
  const instance = await DuckDBInstance.create(path, { threads: '2' });
  const conn = await instance.connect();
  try {
    const name = String((await conn.runAndReadAll('SELECT current_database() AS name')).getRowObjectsJson()[0].name);
    await conn.run(`ATTACH '${fresh.replaceAll("'", "''")}' AS compacted`);
    await conn.run(`COPY FROM DATABASE "${name.replaceAll('"', '""')}" TO compacted`);
    await conn.run('DETACH compacted');
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
  tightenPrivateFile(fresh);
  syncFile(fresh);
  renameSync(fresh, path);
  rmSync(`${path}.wal`, { force: true });
  syncFile(dir);
  rmSync(join(dir, COMPACT_PENDING_FILE), { force: true });
}

function syncFile(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
