import { join } from 'node:path';
import { DuckDBConnection, DuckDBInstance, type DuckDBValue } from '@duckdb/node-api';
import { LookoutError } from '../../errors.ts';
import { ensurePrivateDir, tightenPrivateFile } from '../../state/private-files.ts';
import { currentReadTenant, isServerRead } from '../read-tenant.ts';
import type { ReadRefusal } from '../store.ts';
import { MIGRATIONS } from './migrations.ts';

export type SqlParams = Record<string, DuckDBValue | string | number | boolean | null> | (DuckDBValue | string | number | boolean | null)[];
export type Row = Record<string, unknown>;

export const DEFAULT_QUERY_TIMEOUT_MS = 30_000;
// DuckDB's vector size: a streamed result arrives in chunks of at most this many rows (each()).
export const READ_CHUNK_ROWS = 2048;
// Three: one kept for the server's own reads, and two for the projects, so that one busy
// project never delays another's reads (see all()).
export const DEFAULT_READ_CONNECTIONS = 4;
// Reads of one project waiting for a connection beyond this are refused (429), so that a client
// firing queries in a loop cannot grow the queue without bound.
export const MAX_QUEUED_READS_PER_TENANT = 64;
// And of all projects together: a client with many projects (or many clients) cannot either.
// The server's own reads are not counted: there are a few at a time (one duplicate check of the
// ingest batch, one alert evaluation, one refresh of the hourly totals).
export const MAX_QUEUED_READS = 512;
const RETRY_AFTER_BUSY_S = 1;

export type { ReadRefusal };

export interface DuckDbOptions {
  readers?: number;
  memoryLimit?: string;
  // A read running longer than this is interrupted and answered with query_timeout.
  queryTimeoutMs?: number;
  // Told of each read refused, for /metrics.
  onReadRefused?: (reason: ReadRefusal) => void;
}

// A read waiting for a reader: `work` runs on the reader it gets, under the query timeout.
interface PendingRead {
  work: (connection: DuckDBConnection) => Promise<unknown>;
  tenant: string;
  resolve: (value: never) => void;
  reject: (err: unknown) => void;
}

// One DuckDB instance with a dedicated writer connection (all writes are serialised through
// it, which is what DuckDB wants), a small pool of reader connections, so that reports
// and dashboards never wait behind an ingest transaction (DuckDB's MVCC gives them a snapshot),
// and one control connection for the point lookups every request depends on (API keys), so that
// a key check never waits behind an analytics scan.
export class DuckDb {
  readonly instance: DuckDBInstance;
  readonly writer: DuckDBConnection;
  readonly path: string | null;
  private readonly readers: DuckDBConnection[];
  // The tenant each reader is serving, null while idle.
  private readonly readerTenants: (string | null)[];
  // Reads not yet started, oldest first (see all()): the server's own, and the projects'.
  private readonly serverWaiting: PendingRead[] = [];
  private readonly tenantWaiting: PendingRead[] = [];
  private readonly runningPerTenant = new Map<string, number>();
  private readonly waitingPerTenant = new Map<string, number>();
  // When each project last started a read (a counter, not a clock): the longest unserved goes
  // first. One entry per project that has read since the start.
  private readonly lastStartOf = new Map<string, number>();
  private starts = 0;
  private tenantReadsRunning = 0;
  private readonly tenantReaders: number;
  private readonly readsPerTenant: number;
  private readonly queryTimeoutMs: number;
  private readonly onReadRefused: (reason: ReadRefusal) => void;
  private readonly controlConnection: DuckDBConnection;
  private controlChain: Promise<unknown> = Promise.resolve();
  private writeChain: Promise<unknown> = Promise.resolve();

  private constructor(
    instance: DuckDBInstance,
    path: string | null,
    writer: DuckDBConnection,
    readers: DuckDBConnection[],
    control: DuckDBConnection,
    options: DuckDbOptions,
  ) {
    this.instance = instance;
    this.path = path;
    this.writer = writer;
    this.readers = readers;
    this.readerTenants = readers.map(() => null);
    this.controlConnection = control;
    // Projects together never hold every reader, so the server's reads never wait behind them;
    // and with three or more readers one project never holds all the projects' share.
    this.tenantReaders = readers.length - 1;
    this.readsPerTenant = Math.max(1, readers.length - 2);
    this.queryTimeoutMs = options.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS;
    this.onReadRefused = options.onReadRefused ?? (() => undefined);
  }

  // `dir` null opens an in-memory database (tests).
  static async open(dir: string | null, options: DuckDbOptions = {}): Promise<DuckDb> {
    let path: string | null = null;
    if (dir !== null) {
      ensurePrivateDir(dir);
      path = join(dir, 'lookout.duckdb');
    }
    const instance = await DuckDBInstance.create(path ?? ':memory:', {
      memory_limit: options.memoryLimit ?? '1GB',
      threads: '2',
      // Each checkpoint rewrites the newest, partly filled row group; with the default 16 MB
      // write-ahead log that happened every few seconds under ingest. Replaying a 256 MB log at
      // start takes a few seconds.
      checkpoint_threshold: '256MB',
    });
    const writer = await instance.connect();
    const readers: DuckDBConnection[] = [];
    for (let i = 0; i < Math.max(2, options.readers ?? DEFAULT_READ_CONNECTIONS); i++) readers.push(await instance.connect());
    const control = await instance.connect();
    const db = new DuckDb(instance, path, writer, readers, control, options);
    await db.migrate();
    db.tightenFiles();
    return db;
  }

  // DuckDB creates its files with the process umask; the server runs with 077 (serve.ts), but a
  // database made by an older version or another tool may be readable by others. The write-ahead
  // log is made again after each checkpoint, with the umask of the time.
  tightenFiles(): string[] {
    if (this.path === null) return [];
    return [this.path, `${this.path}.wal`].filter((f) => tightenPrivateFile(f));
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

  // Reads: rows as JSON-friendly objects (BIGINT and DECIMAL come back as strings). A read
  // starts on the first reader to come free, in this order:
  // - the server's own reads (INTERNAL_READS, INGEST_READS), oldest first, on any reader: the
  //   projects together hold at most readers - 1, so one is always idle or serving the server;
  // - then a project's read, if the projects hold fewer than readers - 1 and this one fewer than
  //   readers - 2 (at least one): of the projects waiting, the one running fewest reads, then the
  //   one that started a read longest ago; its oldest read. A project's read thus starts once as
  //   many reads end as there are projects ahead of it, whatever the others have queued and
  //   however many API keys they use (the tenant is the project, read-tenant.ts).
  all(sql: string, params?: SqlParams): Promise<Row[]> {
    return this.queue(async (connection) => (await connection.runAndReadAll(sql, params as never)).getRowObjectsJson() as Row[]);
  }

  // The same read as all(), handed over one DuckDB chunk (at most READ_CHUNK_ROWS rows) at a
  // time as DuckDB produces it: `visit` converts and keeps what it needs, and the chunk's row
  // objects are garbage once it returns, so a large result never sits whole in the JavaScript
  // heap. The reader stays taken until the last chunk: `visit` must not wait on other reads.
  // Returns the number of rows read.
  each(sql: string, params: SqlParams | undefined, visit: (rows: Row[]) => void): Promise<number> {
    return this.queue(async (connection) => {
      const result = await connection.stream(sql, params as never);
      let rows = 0;
      for await (const chunk of result.yieldRowObjectJson()) {
        rows += chunk.length;
        visit(chunk as Row[]);
      }
      return rows;
    });
  }

  private queue<T>(work: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    const tenant = currentReadTenant();
    if (isServerRead(tenant)) {
      return new Promise<T>((resolve, reject) => {
        this.serverWaiting.push({ work, tenant, resolve: resolve as (value: never) => void, reject });
        this.startReads();
      });
    }
    const queued = this.waitingPerTenant.get(tenant) ?? 0;
    if (queued >= MAX_QUEUED_READS_PER_TENANT) {
      return this.refuseBusy(`${queued} queries of this project are already waiting for the store (at most ${MAX_QUEUED_READS_PER_TENANT}); send fewer at once`);
    }
    if (this.tenantWaiting.length >= MAX_QUEUED_READS) {
      return this.refuseBusy(`${this.tenantWaiting.length} queries are already waiting for the store (at most ${MAX_QUEUED_READS} in all); retry shortly`);
    }
    return new Promise<T>((resolve, reject) => {
      this.tenantWaiting.push({ work, tenant, resolve: resolve as (value: never) => void, reject });
      this.waitingPerTenant.set(tenant, queued + 1);
      this.startReads();
    });
  }

  private refuseBusy(message: string): Promise<never> {
    this.onReadRefused('busy');
    return Promise.reject(new LookoutError('too_many_queries', message, { retryAfterSeconds: RETRY_AFTER_BUSY_S }));
  }

  // The index in tenantWaiting of the project read to start next, or -1.
  private nextTenantRead(): number {
    if (this.tenantReadsRunning >= this.tenantReaders) return -1;
    let best = -1;
    let bestRunning = 0;
    let bestLast = 0;
    const seen = new Set<string>();
    for (let j = 0; j < this.tenantWaiting.length; j++) {
      const { tenant } = this.tenantWaiting[j];
      // A project's oldest read stands for it.
      if (seen.has(tenant)) continue;
      seen.add(tenant);
      const running = this.runningPerTenant.get(tenant) ?? 0;
      if (running >= this.readsPerTenant) continue;
      const last = this.lastStartOf.get(tenant) ?? -1;
      if (best < 0 || running < bestRunning || (running === bestRunning && last < bestLast)) {
        best = j;
        bestRunning = running;
        bestLast = last;
      }
    }
    return best;
  }

  private startReads(): void {
    for (let i = 0; i < this.readers.length; i++) {
      if (this.readerTenants[i] !== null) continue;
      let read: PendingRead;
      const server = this.serverWaiting.length > 0;
      if (server) {
        read = this.serverWaiting.shift()!;
      } else {
        const next = this.nextTenantRead();
        if (next < 0) return;
        [read] = this.tenantWaiting.splice(next, 1);
        const left = this.waitingPerTenant.get(read.tenant)! - 1;
        if (left === 0) this.waitingPerTenant.delete(read.tenant);
        else this.waitingPerTenant.set(read.tenant, left);
        this.lastStartOf.set(read.tenant, this.starts++);
        this.tenantReadsRunning++;
      }
      this.runningPerTenant.set(read.tenant, (this.runningPerTenant.get(read.tenant) ?? 0) + 1);
      this.readerTenants[i] = read.tenant;
      const connection = this.readers[i];
      this.timed(connection, () => read.work(connection))
        .then(read.resolve as (value: unknown) => void, read.reject)
        .finally(() => {
          this.readerTenants[i] = null;
          if (!server) this.tenantReadsRunning--;
          const running = this.runningPerTenant.get(read.tenant)! - 1;
          if (running === 0) this.runningPerTenant.delete(read.tenant);
          else this.runningPerTenant.set(read.tenant, running);
          this.startReads();
        });
    }
  }

  // DuckDB has no statement timeout: a timer interrupts the connection, which stays usable.
  private async timed<T>(connection: DuckDBConnection, work: () => Promise<T>): Promise<T> {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      connection.interrupt();
    }, this.queryTimeoutMs);
    try {
      return await work();
    } catch (err) {
      if (!timedOut) throw err;
      this.onReadRefused('timeout');
      const seconds = Math.round(this.queryTimeoutMs / 100) / 10;
      throw new LookoutError('query_timeout', `the query took longer than ${seconds} s and was stopped; narrow the time range or the filters`);
    } finally {
      clearTimeout(timer);
    }
  }

  // Control-plane lookups (API keys): small indexed reads on their own connection, one at a time,
  // never queued behind analytics.
  control(sql: string, params?: SqlParams): Promise<Row[]> {
    const connection = this.controlConnection;
    const run = this.controlChain.then(() => this.timed(connection, async () => (await connection.runAndReadAll(sql, params as never)).getRowObjectsJson() as Row[]));
    this.controlChain = run.catch(() => undefined);
    return run;
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
    this.controlConnection.closeSync();
    this.writer.closeSync();
    this.instance.closeSync();
  }
}
