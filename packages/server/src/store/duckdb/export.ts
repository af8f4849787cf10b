import type { MetricPointRecord } from '../../domain/metric.ts';
import type { LogRecord, ScoreRecord } from '../../domain/score.ts';
import type { SpanRecord } from '../../domain/span.ts';
import type { ApiKeyImport, EventCursor, EventExport, KeyScope, MetricPointCursor, ProjectId, SpanCursor, StoredApiKey } from '../store.ts';
import type { DuckDb, Row } from './db.ts';
import { LOG_COLUMNS, METRIC_COLUMNS, rowToLog, rowToMetricPoint, rowToScore, rowToSpan, SCORE_COLUMNS, SPAN_COLUMNS } from './rows.ts';

// Reading the whole store out in time order (store/export.ts). Each page starts with a bound on
// the time column alone, so DuckDB's zone maps skip the row groups already passed; the rest of
// the cursor only orders records of the same instant.

function rowToStoredKey(r: Row): StoredApiKey {
  return {
    id: String(r.id),
    projectId: String(r.project_id) as ProjectId,
    prefix: String(r.key_prefix),
    scope: r.scope as KeyScope,
    name: r.name === null ? null : String(r.name),
    createdAt: String(r.created_at),
    revokedAt: r.revoked_at === null ? null : String(r.revoked_at),
    hash: String(r.key_hash),
  };
}

const usOf = (iso: string): number => Date.parse(iso) * 1000;

export class DuckDbExport implements EventExport {
  private readonly db: DuckDb;

  constructor(db: DuckDb) {
    this.db = db;
  }

  // The next page of `table` after the cursor (time, project, then the rest of the identity).
  private page(table: string, columns: string, time: string, rest: string[], after: { us: number; projectId: string; rest: string[] } | null, limit: number): Promise<Row[]> {
    const order = [time, 'project_id', ...rest].join(', ');
    const lim = Math.trunc(limit);
    if (after === null) return this.db.all(`SELECT ${columns} FROM ${table} ORDER BY ${order} LIMIT ${lim}`);
    const params: Record<string, string | number> = { us: after.us, project: after.projectId };
    rest.forEach((_, i) => (params[`k${i}`] = after.rest[i]));
    const tuple = `(project_id, ${rest.join(', ')}) > ($project, ${rest.map((_, i) => `$k${i}`).join(', ')})`;
    return this.db.all(
      `SELECT ${columns} FROM ${table}
       WHERE ${time} >= make_timestamp($us) AND (${time} > make_timestamp($us) OR ${tuple})
       ORDER BY ${order} LIMIT ${lim}`,
      params,
    );
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
    const rows = await this.db.all(`SELECT id, project_id, key_hash, key_prefix, scope, name,
      strftime(created_at, '%Y-%m-%dT%H:%M:%SZ') AS created_at, strftime(revoked_at, '%Y-%m-%dT%H:%M:%SZ') AS revoked_at
      FROM api_keys ORDER BY created_at, id`);
    return rows.map(rowToStoredKey);
  }

  importApiKeys(keys: StoredApiKey[]): Promise<ApiKeyImport> {
    return this.db.transaction(async () => {
      const out: ApiKeyImport = { imported: 0, skipped: 0 };
      for (const k of keys) {
        const stored = await this.db.writeAll('SELECT id, revoked_at FROM api_keys WHERE id = $id OR key_hash = $hash', { id: k.id, hash: k.hash });
        if (!stored.length) {
          await this.db.run(
            `INSERT INTO api_keys (id, project_id, key_hash, key_prefix, scope, name, created_at, revoked_at)
             VALUES ($id, $project, $hash, $prefix, $scope, $name, make_timestamp($createdUs), ${k.revokedAt === null ? 'NULL' : 'make_timestamp($revokedUs)'})`,
            {
              id: k.id, project: k.projectId, hash: k.hash, prefix: k.prefix, scope: k.scope, name: k.name, createdUs: usOf(k.createdAt),
              ...(k.revokedAt === null ? {} : { revokedUs: usOf(k.revokedAt) }),
            },
          );
          out.imported++;
        } else if (k.revokedAt !== null && stored.some((r) => r.revoked_at === null)) {
          await this.db.run('UPDATE api_keys SET revoked_at = make_timestamp($revokedUs) WHERE (id = $id OR key_hash = $hash) AND revoked_at IS NULL', {
            id: k.id, hash: k.hash, revokedUs: usOf(k.revokedAt),
          });
          out.imported++;
        } else out.skipped++;
      }
      return out;
    });
  }
}
