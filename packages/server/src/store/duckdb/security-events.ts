import type { LogRecord } from '../../domain/score.ts';
import { SECURITY_EVENT_NAME, SECURITY_LOG_ATTRIBUTES } from '../../domain/security.ts';
import type { ProjectId, SecurityEventCounts, SecurityEventCursor, SecurityEventFilter, SecurityEventReads } from '../store.ts';
import { countsFrom } from '../security-events.ts';
import type { DuckDb, SqlParams } from './db.ts';
import { LOG_COLUMNS, rowToLog } from './rows.ts';

// The security event log on DuckDB: log records of the event name `lookout.security`.

const A = SECURITY_LOG_ATTRIBUTES;

function where(project: ProjectId, f: SecurityEventFilter): { sql: string; params: Record<string, string | number> } {
  const params: Record<string, string | number> = { project, name: SECURITY_EVENT_NAME, from: Math.trunc(f.fromUs), to: Math.trunc(f.toUs) };
  let sql = `project_id = $project AND attributes['event.name'] = $name AND timestamp >= make_timestamp($from) AND timestamp < make_timestamp($to)`;
  if (f.type !== undefined) {
    sql += ` AND attributes['${A.type}'] = $type`;
    params.type = f.type;
  }
  if (f.userId !== undefined) {
    sql += ` AND attributes['${A.user}'] = $user`;
    params.user = f.userId;
  }
  if (f.traceId !== undefined) {
    sql += ' AND trace_id = $trace';
    params.trace = f.traceId;
  }
  return { sql, params };
}

export class DuckDbSecurityEvents implements SecurityEventReads {
  private readonly db: DuckDb;

  constructor(db: DuckDb) {
    this.db = db;
  }

  async listSecurityEvents(project: ProjectId, filter: SecurityEventFilter, page: { limit: number; after: SecurityEventCursor | null }): Promise<LogRecord[]> {
    const w = where(project, filter);
    const params: SqlParams = { ...w.params, limit: Math.trunc(page.limit) };
    let sql = w.sql;
    if (page.after) {
      sql += ' AND (timestamp < make_timestamp($cts) OR (timestamp = make_timestamp($cts) AND id < $cid))';
      params.cts = Math.trunc(page.after.timestampUs);
      params.cid = page.after.id;
    }
    const rows = await this.db.all(`SELECT ${LOG_COLUMNS} FROM logs WHERE ${sql} ORDER BY timestamp DESC, id DESC LIMIT $limit`, params);
    return rows.map(rowToLog);
  }

  async securityEventCounts(project: ProjectId, filter: SecurityEventFilter, options: { bucketUs: number; topUsers: number }): Promise<SecurityEventCounts> {
    const w = where(project, filter);
    const [series, users] = await Promise.all([
      this.db.all(
        `SELECT (epoch_us(timestamp) // $bucket) * $bucket AS bucket, attributes['${A.type}'] AS type,
           count(*) AS events, sum(coalesce(TRY_CAST(attributes['${A.count}'] AS BIGINT), 1)) AS n
         FROM logs WHERE ${w.sql} GROUP BY ALL ORDER BY bucket, type`,
        { ...w.params, bucket: Math.trunc(options.bucketUs) },
      ),
      this.db.all(
        `SELECT attributes['${A.user}'] AS user_id, count(*) AS events, list(DISTINCT attributes['${A.type}'] ORDER BY attributes['${A.type}']) AS types
         FROM logs WHERE ${w.sql} AND attributes['${A.user}'] IS NOT NULL
         GROUP BY 1 ORDER BY events DESC, user_id LIMIT $top`,
        { ...w.params, top: Math.trunc(options.topUsers) },
      ),
    ]);
    return countsFrom(
      series.map((r) => ({ bucketStartUs: Number(r.bucket), type: r.type, events: Number(r.events), values: Number(r.n) })),
      users.map((r) => ({ userId: String(r.user_id), events: Number(r.events), types: (r.types as unknown[]).map(String) })),
    );
  }
}
