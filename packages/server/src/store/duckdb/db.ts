import { join } from 'node:path';
import { DuckDBConnection, DuckDBInstance, type DuckDBValue } from '@duckdb/node-api';
import { ApiError } from '../../server/errors.ts';
import { ensurePrivateDir, tightenPrivateFile } from '../../state/private-files.ts';
import { currentReadTenant } from '../read-tenant.ts';
import { MIGRATIONS } from './migrations.ts';

export type SqlParams = Record<string, DuckDBValue | string | number | boolean | null> | (DuckDBValue | string | number | boolean | null)[];
export type Row = Record<string, unknown>;

export const DEFAULT_QUERY_TIMEOUT_MS = 30_000;
// Three, so that one key (the operator of a keyless server, say) still runs two reads at a time.
export const DEFAULT_READ_CONNECTIONS = 3;
// Reads of one tenant waiting for a connection beyond this are refused (429), so that a client
// firing queries in a loop cannot grow the queue without bound.
export const MAX_QUEUED_READS_PER_TENANT = 64;
const RETRY_AFTER_BUSY_S = 1;

export type ReadRefusal = 'timeout' | 'busy';

export interface DuckDbOptions {
  readers?: number;
  memoryLimit?: string;
  // A read running longer than this is interrupted and answered with query_timeout.
  queryTimeoutMs?: number;
  // Told of each read refused, for /metrics.
  onReadRefused?: (reason: ReadRefusal) => void;
}

interface PendingRead {
  sql: string;
  params: SqlParams | undefined;
  tenant: string;
  resolve: (rows: Row[]) => void;
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
  // Reads not yet started, oldest first (see all()).
  private readonly waiting: PendingRead[] = [];
  private readonly runningPerTenant = new Map<string, number>();
  private readonly waitingPerTenant = new Map<string, number>();
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
    // One tenant never holds every reader: another tenant's read always finds one free, or
    // the next to come free.
    this.readsPerTenant = Math.max(1, readers.length - 1);
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

  // Reads: rows as JSON-friendly objects (BIGINT and DECIMAL come back as strings). Reads wait
  // in one queue and start on the first reader to come free, first asked first served: a page's
  // first, cheap query is answered before the heavier ones it sent after it. A tenant (API key,
  // see read-tenant.ts) runs on at most all readers but one, so one tenant's heavy scans cannot
  // stall everyone else's reads; its further reads wait their turn while other tenants' pass.
  all(sql: string, params?: SqlParams): Promise<Row[]> {
    const tenant = currentReadTenant();
    const queued = this.waitingPerTenant.get(tenant) ?? 0;
    if (queued >= MAX_QUEUED_READS_PER_TENANT) {
      this.onReadRefused('busy');
      return Promise.reject(
        new ApiError('too_many_queries', `${queued} queries of this API key are already waiting for the store; send fewer at once`, {
          retryAfterSeconds: RETRY_AFTER_BUSY_S,
        }),
      );
    }
    return new Promise<Row[]>((resolve, reject) => {
      this.waiting.push({ sql, params, tenant, resolve, reject });
      this.waitingPerTenant.set(tenant, queued + 1);
      this.startReads();
    });
  }

  private startReads(): void {
    for (let i = 0; i < this.readers.length; i++) {
      if (this.readerTenants[i] !== null) continue;
      const next = this.waiting.findIndex((r) => (this.runningPerTenant.get(r.tenant) ?? 0) < this.readsPerTenant);
      if (next < 0) return;
      const [read] = this.waiting.splice(next, 1);
      const left = this.waitingPerTenant.get(read.tenant)! - 1;
      if (left === 0) this.waitingPerTenant.delete(read.tenant);
      else this.waitingPerTenant.set(read.tenant, left);
      this.runningPerTenant.set(read.tenant, (this.runningPerTenant.get(read.tenant) ?? 0) + 1);
      this.readerTenants[i] = read.tenant;
      this.timed(this.readers[i], read.sql, read.params)
        .then(read.resolve, read.reject)
        .finally(() => {
          this.readerTenants[i] = null;
          const running = this.runningPerTenant.get(read.tenant)! - 1;
          if (running === 0) this.runningPerTenant.delete(read.tenant);
          else this.runningPerTenant.set(read.tenant, running);
          this.startReads();
        });
    }
  }

  // DuckDB has no statement timeout: a timer interrupts the connection, which stays usable.
  private async timed(connection: DuckDBConnection, sql: string, params: SqlParams | undefined): Promise<Row[]> {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      connection.interrupt();
    }, this.queryTimeoutMs);
    try {
      return (await connection.runAndReadAll(sql, params as never)).getRowObjectsJson() as Row[];
    } catch (err) {
      if (!timedOut) throw err;
      this.onReadRefused('timeout');
      const seconds = Math.round(this.queryTimeoutMs / 100) / 10;
      throw new ApiError('query_timeout', `the query took longer than ${seconds} s and was stopped; narrow the time range or the filters`);
    } finally {
      clearTimeout(timer);
    }
  }

  // Control-plane lookups (API keys): small indexed reads on their own connection, one at a time,
  // never queued behind analytics.
  control(sql: string, params?: SqlParams): Promise<Row[]> {
    const run = this.controlChain.then(() => this.timed(this.controlConnection, sql, params));
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
