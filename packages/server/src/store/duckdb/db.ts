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
  // Reads queue per connection in the order they were asked (see all()).
  private readonly readerQueues: { tail: Promise<unknown>; pending: number }[];
  private writeChain: Promise<unknown> = Promise.resolve();

  private constructor(instance: DuckDBInstance, writer: DuckDBConnection, readers: DuckDBConnection[]) {
    this.instance = instance;
    this.writer = writer;
    this.readers = readers;
    this.readerQueues = readers.map(() => ({ tail: Promise.resolve(), pending: 0 }));
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

  // Reads: rows as JSON-friendly objects (BIGINT and DECIMAL come back as strings). Each read
  // goes to the connection with the fewest reads waiting and runs after those, first asked first
  // served: a page's first, cheap query is answered before the heavier ones it sent after it,
  // instead of all of them sharing the cores and finishing together.
  async all(sql: string, params?: SqlParams): Promise<Row[]> {
    let i = 0;
    for (let j = 1; j < this.readerQueues.length; j++) if (this.readerQueues[j].pending < this.readerQueues[i].pending) i = j;
    const queue = this.readerQueues[i];
    queue.pending++;
    const run = queue.tail.then(() => this.readers[i].runAndReadAll(sql, params as never));
    queue.tail = run.catch(() => undefined);
    try {
      return (await run).getRowObjectsJson() as Row[];
    } finally {
      queue.pending--;
    }
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
