import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBConnection, DuckDBInstance, type DuckDBValue } from '@duckdb/node-api';
import { MIGRATIONS } from './migrations.ts';

export type SqlParams = Record<string, DuckDBValue | string | number | boolean | null> | (DuckDBValue | string | number | boolean | null)[];
export type Row = Record<string, unknown>;

// One DuckDB instance with a dedicated writer connection (all writes are serialised through
// it, which is what DuckDB wants) and a small pool of reader connections, so that reports
// and dashboards never wait behind an ingest transaction (DuckDB's MVCC gives them a snapshot).
export class DuckDb {
  readonly instance: DuckDBInstance;
  readonly writer: DuckDBConnection;
  private readonly readers: DuckDBConnection[];
  private nextReader = 0;
  private writeChain: Promise<unknown> = Promise.resolve();

  private constructor(instance: DuckDBInstance, writer: DuckDBConnection, readers: DuckDBConnection[]) {
    this.instance = instance;
    this.writer = writer;
    this.readers = readers;
  }

  // `dir` null opens an in-memory database (tests).
  static async open(dir: string | null, options: { readers?: number; memoryLimit?: string } = {}): Promise<DuckDb> {
    let path = ':memory:';
    if (dir !== null) {
      mkdirSync(dir, { recursive: true });
      path = join(dir, 'lookout.duckdb');
    }
    const instance = await DuckDBInstance.create(path, {
      memory_limit: options.memoryLimit ?? '1GB',
      threads: '2',
      // Each checkpoint rewrites the newest, partly filled row group; with the default 16 MB
      // write-ahead log that happened every few seconds under ingest. Replaying a 256 MB log at
      // start takes a few seconds.
      checkpoint_threshold: '256MB',
    });
    const writer = await instance.connect();
    const readers: DuckDBConnection[] = [];
    for (let i = 0; i < (options.readers ?? 2); i++) readers.push(await instance.connect());
    const db = new DuckDb(instance, writer, readers);
    await db.migrate();
    return db;
  }

  private async migrate(): Promise<void> {
    await this.writer.run(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp)',
    );
    const applied = new Set(
      (await this.writeAll('SELECT version FROM schema_migrations')).map((r) => Number(r.version)),
    );
    for (const m of MIGRATIONS) {
      if (applied.has(m.version)) continue;
      await this.writer.run('BEGIN TRANSACTION');
      try {
        await this.writer.run(m.sql);
        await this.writer.run('INSERT INTO schema_migrations (version, name) VALUES ($v, $n)', { v: m.version, n: m.name });
        await this.writer.run('COMMIT');
      } catch (err) {
        await this.writer.run('ROLLBACK');
        throw new Error(`schema migration ${m.version} (${m.name}) failed: ${(err as Error).message}`);
      }
    }
  }

  private reader(): DuckDBConnection {
    const c = this.readers[this.nextReader];
    this.nextReader = (this.nextReader + 1) % this.readers.length;
    return c;
  }

  // Reads: rows as JSON-friendly objects (BIGINT and DECIMAL come back as strings).
  async all(sql: string, params?: SqlParams): Promise<Row[]> {
    const reader = await this.reader().runAndReadAll(sql, params as never);
    return reader.getRowObjectsJson() as Row[];
  }

  async writeAll(sql: string, params?: SqlParams): Promise<Row[]> {
    const reader = await this.writer.runAndReadAll(sql, params as never);
    return reader.getRowObjectsJson() as Row[];
  }

  async run(sql: string, params?: SqlParams): Promise<void> {
    await this.writer.run(sql, params as never);
  }

  // Runs `fn` with the writer connection to itself: transactions on one connection must not
  // interleave, so every write goes through this queue.
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.writeChain.then(fn, fn);
    this.writeChain = result.catch(() => undefined);
    return result;
  }

  // One transaction on the writer, rolled back if `fn` throws.
  transaction<T>(fn: () => Promise<T>): Promise<T> {
    return this.exclusive(async () => {
      await this.writer.run('BEGIN TRANSACTION');
      try {
        const value = await fn();
        await this.writer.run('COMMIT');
        return value;
      } catch (err) {
        await this.writer.run('ROLLBACK').catch(() => undefined);
        throw err;
      }
    });
  }

  close(): void {
    for (const c of this.readers) c.closeSync();
    this.writer.closeSync();
    this.instance.closeSync();
  }
}
