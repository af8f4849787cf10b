import type { MetricPointRecord } from '../../domain/metric.ts';
import type { LogRecord, ScoreRecord } from '../../domain/score.ts';
import type { SpanRecord } from '../../domain/span.ts';
import type { ApiKeyImport, EventCursor, EventExport, KeyScope, MetricPointCursor, ProjectId, SpanCursor, StoredApiKey } from '../store.ts';
import type { Ch, Params } from './client.ts';
import { chTime, LOG_COLUMNS, METRIC_COLUMNS, rowToLog, rowToMetricPoint, rowToScore, rowToSpan, SCORE_COLUMNS, SPAN_COLUMNS, type ChRow } from './rows.ts';
import { nextVersion } from './version.ts';

// Reading the whole store out in time order (store/export.ts), each row once (FINAL). A page
// starts with a bound on the time column alone, which prunes partitions and granules already
// passed; the rest of the cursor only orders rows of the same instant.

const KEY_COLUMNS = `id, project_id, key_hash, key_prefix, scope, name,
  toUnixTimestamp64Milli(created_at) AS created_ms, toUnixTimestamp64Milli(revoked_at) AS revoked_ms`;

// Whole seconds, as the control plane reports key times.
const isoSeconds = (ms: unknown): string => `${new Date(Number(ms)).toISOString().slice(0, 19)}Z`;
const msText = (iso: string): string => chTime(Date.parse(iso) * 1000);

function rowToStoredKey(r: ChRow): StoredApiKey {
  return {
    id: String(r.id),
    projectId: String(r.project_id) as ProjectId,
    prefix: String(r.key_prefix),
    scope: r.scope as KeyScope,
    name: r.name === null || r.name === undefined ? null : String(r.name),
    createdAt: isoSeconds(r.created_ms),
    revokedAt: r.revoked_ms === null || r.revoked_ms === undefined ? null : isoSeconds(r.revoked_ms),
    hash: String(r.key_hash),
  };
}

export class ChExport implements EventExport {
  private readonly ch: Ch;

  constructor(ch: Ch) {
    this.ch = ch;
  }

  private table(name: string): string {
    return `${this.ch.database}.${name}`;
  }

  // The next page of `table` after the cursor (time, project, then the rest of the identity).
  private page(table: string, columns: string, time: string, rest: string[], after: { us: number; projectId: string; rest: string[] } | null, limit: number): Promise<ChRow[]> {
    const order = [time, 'project_id', ...rest].join(', ');
    const params: Params = { limit: Math.trunc(limit) };
    let where = '';
    if (after !== null) {
      params.us = after.us;
      params.project = after.projectId;
      rest.forEach((_, i) => (params[`k${i}`] = after.rest[i]));
      const at = "fromUnixTimestamp64Micro({us:Int64}, 'UTC')";
      const tuple = `(project_id, ${rest.join(', ')}) > ({project:String}, ${rest.map((_, i) => `{k${i}:String}`).join(', ')})`;
      where = `WHERE ${time} >= ${at} AND (${time} > ${at} OR ${tuple})`;
    }
    return this.ch.query<ChRow>(`SELECT ${columns} FROM ${this.table(table)} FINAL ${where} ORDER BY ${order} LIMIT {limit:UInt64}`, params);
  }

  async exportSpans(after: SpanCursor | null, limit: number): Promise<SpanRecord[]> {
    const cursor = after && { us: Math.trunc(after.startUs), projectId: after.projectId, rest: [after.traceId, after.spanId] };
    return (await this.page('spans', SPAN_COLUMNS, 'start_time', ['trace_id', 'span_id'], cursor, limit)).map(rowToSpan);
  }

  async exportScores(after: EventCursor | null, limit: number): Promise<ScoreRecord[]> {
    const cursor = after && { us: Math.trunc(after.timestampUs), projectId: after.projectId, rest: [after.id] };
    return (await this.page('scores', SCORE_COLUMNS, 'timestamp', ['id'], cursor, limit)).map(rowToScore);
  }

  async exportLogs(after: EventCursor | null, limit: number): Promise<LogRecord[]> {
    const cursor = after && { us: Math.trunc(after.timestampUs), projectId: after.projectId, rest: [after.id] };
    return (await this.page('logs', LOG_COLUMNS, 'timestamp', ['id'], cursor, limit)).map(rowToLog);
  }

  async exportMetricPoints(after: MetricPointCursor | null, limit: number): Promise<MetricPointRecord[]> {
    const cursor = after && { us: Math.trunc(after.timeUs), projectId: after.projectId, rest: [after.id] };
    return (await this.page('metric_points', METRIC_COLUMNS, 'time', ['id'], cursor, limit)).map(rowToMetricPoint);
  }

  async exportApiKeys(): Promise<StoredApiKey[]> {
    const rows = await this.ch.queryControl<ChRow>(`SELECT ${KEY_COLUMNS} FROM ${this.table('api_keys')} FINAL WHERE deleted = 0 ORDER BY created_at, id`);
    return rows.map(rowToStoredKey);
  }

  async importApiKeys(keys: StoredApiKey[]): Promise<ApiKeyImport> {
    const out: ApiKeyImport = { imported: 0, skipped: 0 };
    if (!keys.length) return out;
    const stored = (
      await this.ch.queryControl<ChRow>(
        `SELECT ${KEY_COLUMNS} FROM ${this.table('api_keys')} FINAL
         WHERE deleted = 0 AND (id IN {ids:Array(String)} OR key_hash IN {hashes:Array(String)})`,
        { ids: keys.map((k) => k.id), hashes: keys.map((k) => k.hash) },
      )
    ).map(rowToStoredKey);
    const version = nextVersion();
    const rows: ChRow[] = [];
    const row = (k: StoredApiKey, revokedAt: string | null): ChRow => ({
      id: k.id, project_id: k.projectId, key_hash: k.hash, key_prefix: k.prefix, scope: k.scope, name: k.name,
      created_at: msText(k.createdAt), revoked_at: revokedAt === null ? null : msText(revokedAt), version, deleted: 0,
    });
    for (const k of keys) {
      const same = stored.filter((s) => s.id === k.id || s.hash === k.hash);
      if (!same.length) rows.push(row(k, k.revokedAt));
      else if (k.revokedAt !== null && same.some((s) => s.revokedAt === null)) {
        for (const s of same) if (s.revokedAt === null) rows.push(row(s, k.revokedAt));
      } else {
        out.skipped++;
        continue;
      }
      out.imported++;
    }
    await this.ch.insertEveryShard(this.table('api_keys'), rows);
    return out;
  }
}
