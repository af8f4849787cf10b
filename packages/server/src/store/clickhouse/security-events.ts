import type { LogRecord } from '../../domain/score.ts';
import { SECURITY_EVENT_NAME, SECURITY_LOG_ATTRIBUTES } from '../../domain/security.ts';
import type { ProjectId, SecurityEventCounts, SecurityEventCursor, SecurityEventFilter, SecurityEventReads } from '../store.ts';
import { countsFrom } from '../security-events.ts';
import type { Ch, Params } from './client.ts';
import { LOG_COLUMNS, rowToLog } from './rows.ts';

// The security event log on ClickHouse: log records of the event name `lookout.security`, read
// with FINAL (a retried event is one row).

const A = SECURITY_LOG_ATTRIBUTES;

function where(project: ProjectId, f: SecurityEventFilter): { sql: string; params: Params } {
  const params: Params = { project, name: SECURITY_EVENT_NAME, fromUs: Math.trunc(f.fromUs), toUs: Math.trunc(f.toUs) };
  let sql = `project_id = {project:String} AND attributes['event.name'] = {name:String}
    AND timestamp >= fromUnixTimestamp64Micro({fromUs:Int64}, 'UTC') AND timestamp < fromUnixTimestamp64Micro({toUs:Int64}, 'UTC')`;
  if (f.type !== undefined) {
    sql += ` AND attributes['${A.type}'] = {type:String}`;
    params.type = f.type;
  }
  if (f.userId !== undefined) {
    sql += ` AND attributes['${A.user}'] = {user:String}`;
    params.user = f.userId;
  }
  if (f.traceId !== undefined) {
    sql += ' AND trace_id = {trace:String}';
    params.trace = f.traceId;
  }
  return { sql, params };
}

export class ChSecurityEvents implements SecurityEventReads {
  private readonly ch: Ch;

  constructor(ch: Ch) {
    this.ch = ch;
  }

  private get logs(): string {
    return `${this.ch.database}.logs`;
  }

  async listSecurityEvents(project: ProjectId, filter: SecurityEventFilter, page: { limit: number; after: SecurityEventCursor | null }): Promise<LogRecord[]> {
    const w = where(project, filter);
    const params: Params = { ...w.params, limit: Math.trunc(page.limit) };
    let sql = w.sql;
    if (page.after) {
      sql += ` AND (timestamp < fromUnixTimestamp64Micro({cts:Int64}, 'UTC') OR (timestamp = fromUnixTimestamp64Micro({cts:Int64}, 'UTC') AND id < {cid:String}))`;
      params.cts = Math.trunc(page.after.timestampUs);
      params.cid = page.after.id;
    }
    const rows = await this.ch.query(`SELECT ${LOG_COLUMNS} FROM ${this.logs} FINAL WHERE ${sql} ORDER BY timestamp DESC, id DESC LIMIT {limit:UInt64}`, params);
    return rows.map(rowToLog);
  }

  async securityEventCounts(project: ProjectId, filter: SecurityEventFilter, options: { bucketUs: number; topUsers: number }): Promise<SecurityEventCounts> {
    const w = where(project, filter);
    const [series, users] = await Promise.all([
      this.ch.query(
        `SELECT intDiv(toUnixTimestamp64Micro(timestamp), {bucket:Int64}) * {bucket:Int64} AS bucket, attributes['${A.type}'] AS type,
           count() AS events, sum(ifNull(toInt64OrNull(attributes['${A.count}']), 1)) AS n
         FROM ${this.logs} FINAL WHERE ${w.sql} GROUP BY bucket, type ORDER BY bucket, type`,
        { ...w.params, bucket: Math.trunc(options.bucketUs) },
      ),
      this.ch.query(
        `SELECT attributes['${A.user}'] AS user_id, count() AS events, arraySort(groupUniqArray(attributes['${A.type}'])) AS types
         FROM ${this.logs} FINAL WHERE ${w.sql} AND mapContains(attributes, '${A.user}')
         GROUP BY user_id ORDER BY events DESC, user_id LIMIT {top:UInt64}`,
        { ...w.params, top: Math.trunc(options.topUsers) },
      ),
    ]);
    return countsFrom(
      series.map((r) => ({ bucketStartUs: Number(r.bucket), type: r.type, events: Number(r.events), values: Number(r.n) })),
      users.map((r) => ({ userId: String(r.user_id), events: Number(r.events), types: (r.types as unknown[]).map(String) })),
    );
  }
}
