import { readFileSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createClient, type ClickHouseClient, type ClickHouseSettings } from '@clickhouse/client';
import type { ClickHouseConfig } from '../../config/config.ts';
import { LookoutError } from '../../errors.ts';
import { ReadGate } from '../read-gate.ts';
import type { ReadRefusal } from '../store.ts';

// One HTTP client per listed endpoint (one per shard). Reads and writes go to one endpoint (the
// Distributed tables fan out from there); schema changes and control-plane writes go to every
// shard. Values reach SQL only as bound query parameters.

export type Params = Record<string, unknown>;

export interface ChOptions {
  queryTimeoutMs: number;
  // storage.readConnections: one project runs at most all but two of these reads at a time (at
  // least one), as on DuckDB.
  readConnections?: number;
  onReadRefused?: (reason: ReadRefusal) => void;
}

// As on DuckDB (duckdb/db.ts): a project's reads waiting beyond these are refused (429).
const MAX_QUEUED_READS_PER_TENANT = 64;
const MAX_QUEUED_READS = 512;

// Every read sees each row once: ReplacingMergeTree tables are read with FINAL, which merges
// versions at read time; partitions never share a row's versions, so they are merged apart.
const READ_SETTINGS: ClickHouseSettings = {
  do_not_merge_across_partitions_select_final: 1,
  // Distributed reads on a cluster with a shard down fail loudly rather than answer short.
  skip_unavailable_shards: 0,
  output_format_json_quote_64bit_integers: 1,
  date_time_output_format: 'iso',
};

// Writes through a Distributed table return once every shard has the rows, so an
// acknowledged load is on the shard that owns it, not queued on the node that received it.
const WRITE_SETTINGS: ClickHouseSettings = {
  insert_distributed_sync: 1,
  date_time_input_format: 'best_effort',
  input_format_skip_unknown_fields: 0,
};

const UNREACHABLE_CODES = ['209', '210', '279'];

// Bound parameters travel in the URL, where ClickHouse takes a value of at most 128 KiB
// (http_max_field_value_size) by default: a long list of ids is sent in parts of this size.
const MAX_PARAM_BYTES = 48 * 1024;

// `values` split into parts whose URL-encoded size stays under MAX_PARAM_BYTES.
export function paramChunks(values: readonly string[], maxBytes = MAX_PARAM_BYTES): string[][] {
  const parts: string[][] = [];
  let part: string[] = [];
  let bytes = 0;
  for (const v of values) {
    // Array(String) text: quotes, a comma, and the value escaped, then URL-encoded.
    const size = encodeURIComponent(v).length * 2 + 4;
    if (part.length && bytes + size > maxBytes) {
      parts.push(part);
      part = [];
      bytes = 0;
    }
    part.push(v);
    bytes += size;
  }
  if (part.length) parts.push(part);
  return parts;
}

export class Ch {
  readonly clients: ClickHouseClient[];
  readonly urls: readonly string[];
  readonly database: string;
  readonly cluster: string | null;
  readonly onCluster: boolean;
  private readonly options: ChOptions;
  private readonly gate: ReadGate;
  private next = 0;

  constructor(config: ClickHouseConfig, options: ChOptions) {
    const ca = config.caFile ? readFileSync(config.caFile) : undefined;
    this.clients = config.url.map((url) =>
      createClient({
        url,
        username: config.user,
        password: config.password,
        request_timeout: options.queryTimeoutMs + 5_000,
        max_open_connections: 16,
        ...(ca ? { tls: { ca_cert: ca } } : {}),
        clickhouse_settings: {
          max_execution_time: Math.ceil(options.queryTimeoutMs / 1000),
          // A long query keeps its connection busy with progress headers, so a proxy or load
          // balancer between here and ClickHouse does not close it as idle.
          send_progress_in_http_headers: 1,
          http_headers_progress_interval_ms: '10000',
        },
      }),
    );
    this.urls = config.url;
    this.database = config.database;
    this.cluster = config.url.length > 1 || config.onCluster ? config.cluster : null;
    this.onCluster = config.onCluster;
    this.options = options;
    this.gate = new ReadGate(
      { perTenant: Math.max(1, (options.readConnections ?? 4) - 2), queuedPerTenant: MAX_QUEUED_READS_PER_TENANT, queued: MAX_QUEUED_READS },
      options.onReadRefused,
    );
  }

  get sharded(): boolean {
    return this.cluster !== null;
  }

  // Round robin over the endpoints: any node of the cluster can serve a Distributed read.
  private pick(): ClickHouseClient {
    const c = this.clients[this.next % this.clients.length];
    this.next = (this.next + 1) % this.clients.length;
    return c;
  }

  // A read, in its project's share of the store (read-gate.ts).
  query<T = Record<string, unknown>>(sql: string, params: Params = {}, settings: ClickHouseSettings = {}): Promise<T[]> {
    return this.gate.run(() => this.queryNow<T>(sql, params, settings));
  }

  private async queryNow<T>(sql: string, params: Params, settings: ClickHouseSettings): Promise<T[]> {
    try {
      const rs = await this.pick().query({
        query: sql,
        query_params: params,
        format: 'JSONEachRow',
        clickhouse_settings: { ...READ_SETTINGS, ...settings },
      });
      return await rs.json<T>();
    } catch (err) {
      throw this.translate(err);
    }
  }

  // A read whose answer is written as it arrives to `out` in the format its SQL names (FORMAT ...),
  // in its project's share of the store; the summary ClickHouse sends once the query has ended.
  queryToStream(sql: string, params: Params, settings: ClickHouseSettings, out: Writable): Promise<{ resultRows: number }> {
    return this.gate.run(async () => {
      try {
        const result = await this.pick().exec({ query: sql, query_params: params, clickhouse_settings: { ...READ_SETTINGS, ...settings, wait_end_of_query: 1 } });
        await pipeline(result.stream, out);
        const summary = result.response_headers['x-clickhouse-summary'];
        const text = Array.isArray(summary) ? summary[summary.length - 1] : summary;
        return { resultRows: Number((JSON.parse(text ?? '{}') as { result_rows?: string }).result_rows ?? 0) };
      } catch (err) {
        out.destroy();
        throw this.translate(err);
      }
    });
  }

  // A statement without rows to read back (INSERT ... SELECT, ALTER), on one endpoint.
  async command(sql: string, params: Params = {}, settings: ClickHouseSettings = {}): Promise<void> {
    try {
      await this.pick().command({ query: sql, query_params: params, clickhouse_settings: { ...WRITE_SETTINGS, ...settings } });
    } catch (err) {
      throw this.translate(err);
    }
  }

  // The same statement on every shard (schema, control-plane writes).
  async everyShard(sql: string, params: Params = {}, settings: ClickHouseSettings = {}): Promise<void> {
    await Promise.all(
      this.clients.map(async (c) => {
        try {
          await c.command({ query: sql, query_params: params, clickhouse_settings: { ...WRITE_SETTINGS, ...settings } });
        } catch (err) {
          throw this.translate(err);
        }
      }),
    );
  }

  // The same rows into every shard's copy of a control-plane table.
  // Every shard's insert has ended (written or refused) when this returns or throws, so that a
  // caller undoing a write that failed on one shard does not race the others still in flight.
  async insertEveryShard(table: string, rows: readonly Record<string, unknown>[]): Promise<void> {
    const results = await Promise.allSettled(this.clients.map((c) => this.insert(table, rows, c)));
    for (const r of results) if (r.status === 'rejected') throw r.reason;
  }

  // A control-plane read: every shard holds the whole table, so the first endpoint that answers
  // will do, and a stopped shard does not stop authentication.
  async queryControl<T = Record<string, unknown>>(sql: string, params: Params = {}): Promise<T[]> {
    let failure: unknown;
    for (const c of this.clients) {
      try {
        const rs = await c.query({ query: sql, query_params: params, format: 'JSONEachRow', clickhouse_settings: READ_SETTINGS });
        return await rs.json<T>();
      } catch (err) {
        failure = this.translate(err);
        if (!(failure instanceof LookoutError && failure.code === 'store_unavailable')) throw failure;
      }
    }
    throw failure;
  }

  // Rows as objects, or a stream of JSONEachRow text (a journal file as it is on disk).
  async insert(table: string, values: readonly Record<string, unknown>[] | Readable, client = this.pick()): Promise<void> {
    if (Array.isArray(values) && !values.length) return;
    try {
      await client.insert({ table, values: values as never, format: 'JSONEachRow', clickhouse_settings: WRITE_SETTINGS });
    } catch (err) {
      throw this.translate(err);
    }
  }

  // Newline-delimited JSON text as it is on disk (a journal file), streamed as the request body.
  async insertText(table: string, text: Readable): Promise<void> {
    try {
      const result = await this.pick().exec({
        query: `INSERT INTO ${table} FORMAT JSONEachRow`,
        values: text,
        clickhouse_settings: WRITE_SETTINGS,
      });
      result.stream.resume();
    } catch (err) {
      throw this.translate(err);
    }
  }

  async ping(): Promise<boolean> {
    const results = await Promise.all(this.clients.map((c) => c.ping().then((r) => r.success)));
    return results.every(Boolean);
  }

  async close(): Promise<void> {
    await Promise.all(this.clients.map((c) => c.close()));
  }

  translate(err: unknown): Error {
    const e = err as Error & { code?: string; type?: string };
    // TIMEOUT_EXCEEDED (159): max_execution_time ran out on the server.
    if (e.code === '159' || e.type === 'TIMEOUT_EXCEEDED' || /Timeout exceeded/i.test(e.message ?? '')) {
      this.options.onReadRefused?.('timeout');
      const seconds = Math.round(this.options.queryTimeoutMs / 1000);
      return new LookoutError('query_timeout', `the query took longer than ${seconds} s and was stopped; narrow the time range or the filters`, { cause: err });
    }
    // The endpoint itself is unreachable, or it could not reach another shard: NETWORK_ERROR (210),
    // SOCKET_TIMEOUT (209), ALL_CONNECTION_TRIES_FAILED (279).
    if (
      ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', ...UNREACHABLE_CODES].includes(e.code ?? '') ||
      /socket hang up|Timeout error/i.test(e.message ?? '')
    ) {
      return new LookoutError('store_unavailable', `ClickHouse is unreachable: ${e.message}`, { cause: err });
    }
    return e instanceof Error ? e : new Error(String(err));
  }
}
