import type { ClickHouseSettings } from '@clickhouse/client';
import { auditAtMs, auditBeforeMs, auditDetailsText, auditEntryOf, auditLimit, isActionPrefix, type AuditEntry, type AuditLog, type AuditQuery } from '../audit.ts';
import type { Ch, Params } from './client.ts';
import { chTime } from './rows.ts';

// The audit log in one append-only table (schema.ts, AUDIT_TABLE, which says why every shard
// keeps a full copy): an append goes to every shard, a list to the first shard that answers,
// newest first by (at, id). Nothing changes an entry; purgeBefore deletes old ones whole
// (lightweight deletes on every shard's copy).

const DELETE_SETTINGS: ClickHouseSettings = { lightweight_deletes_sync: '2' };

const COLUMNS = `id, toUnixTimestamp64Milli(at) AS at_ms, project_id, actor_kind, actor_id, actor_email, ip, user_agent, action, target, method, path, status, details`;
const msTime = (ms: number): string => chTime(ms * 1000);

export class ChAudit implements AuditLog {
  private readonly ch: Ch;

  constructor(ch: Ch) {
    this.ch = ch;
  }

  private get table(): string {
    return `${this.ch.database}.audit_log`;
  }

  async append(entries: AuditEntry[]): Promise<void> {
    if (!entries.length) return;
    const rows = entries.map((e) => ({
      id: e.id, at: msTime(auditAtMs(e)), project_id: e.projectId, actor_kind: e.actor.kind, actor_id: e.actor.id, actor_email: e.actor.email,
      ip: e.ip, user_agent: e.userAgent, action: e.action, target: e.target, method: e.method, path: e.path, status: e.status, details: auditDetailsText(e.details),
    }));
    await this.ch.insertEveryShard(this.table, rows);
  }

  async list(q: AuditQuery): Promise<AuditEntry[]> {
    const where = ['at >= fromUnixTimestamp64Milli({from:Int64})', 'at < fromUnixTimestamp64Milli({to:Int64})'];
    const params: Params = { from: Math.trunc(q.fromMs), to: Math.trunc(q.toMs), limit: auditLimit(q.limit) };
    if (q.projectId !== null) {
      where.push('project_id = {project:String}');
      params.project = q.projectId;
    }
    if (q.actor !== undefined) {
      where.push('(actor_id = {actor:String} OR lower(actor_email) = lower({actor:String}))');
      params.actor = q.actor;
    }
    if (q.action !== undefined) {
      where.push(isActionPrefix(q.action) ? 'startsWith(action, {action:String})' : 'action = {action:String}');
      params.action = q.action;
    }
    if (q.before !== undefined) {
      where.push('(at < fromUnixTimestamp64Milli({beforeAt:Int64}) OR (at = fromUnixTimestamp64Milli({beforeAt:Int64}) AND id < {beforeId:String}))');
      params.beforeAt = auditBeforeMs(q.before);
      params.beforeId = q.before.id;
    }
    const rows = await this.ch.queryControl(`SELECT ${COLUMNS} FROM ${this.table} WHERE ${where.join(' AND ')} ORDER BY at DESC, id DESC LIMIT {limit:UInt32}`, params);
    return rows.map(auditEntryOf);
  }

  async purgeBefore(cutoffMs: number): Promise<number> {
    const params = { cutoff: Math.trunc(cutoffMs) };
    const [n] = await this.ch.queryControl<{ n: string }>(`SELECT count() AS n FROM ${this.table} WHERE at < fromUnixTimestamp64Milli({cutoff:Int64})`, params);
    if (Number(n?.n ?? 0) === 0) return 0;
    await this.ch.everyShard(`DELETE FROM ${this.table} WHERE at < fromUnixTimestamp64Milli({cutoff:Int64})`, params, DELETE_SETTINGS);
    return Number(n.n);
  }
}
