import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, rename, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';

// What the archive does to its Parquet files: an in-process DuckDB to split and rewrite them
// (the rows stream through DuckDB's own memory, never the server's heap), and the publication of
// a finished file: fsync, rename over the final name, fsync the directory.

// One thread and a small memory limit: the archive runs beside the server on the same cores.
const LOCAL_DUCKDB_OPTIONS = { threads: '1', memory_limit: '256MB' } as const;

export async function withLocalDuckDb<T>(fn: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
  const instance = await DuckDBInstance.create(':memory:', LOCAL_DUCKDB_OPTIONS);
  const connection = await instance.connect();
  try {
    // Days are UTC days, also for files whose timestamps are zone-adjusted (ClickHouse writes them so).
    await connection.run("SET TimeZone = 'UTC'");
    return await fn(connection);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

// A path as a SQL string literal. Paths are the archive's own (its directory and names it built).
export const sqlPath = (path: string): string => `'${path.replaceAll("'", "''")}'`;

export const PARQUET_OPTIONS = 'FORMAT parquet, COMPRESSION zstd';

async function fsyncPath(path: string): Promise<void> {
  const fh = await open(path, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

export async function publishFile(tmp: string, path: string): Promise<{ bytes: number; sha256: string }> {
  await fsyncPath(tmp);
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(tmp)) hash.update(chunk as Buffer);
  const { size } = await stat(tmp);
  await rename(tmp, path);
  await fsyncPath(dirname(path));
  return { bytes: size, sha256: hash.digest('hex') };
}
