import { auditAtMs, auditBeforeMs, auditDetailsText, auditEntryOf, auditLimit, isActionPrefix, type AuditEntry, type AuditLog, type AuditQuery } from '../audit.ts';
import type { DuckDb, SqlParams } from './db.ts';

// The audit log in one table of the database (migration 7). Entries are only ever inserted (in one
// transaction per append, on the writer) and deleted whole by purgeBefore. Listing reads on the
// reader pool, in the asking project's share, newest first by (at, id).

const COLUMNS = `id, epoch_ms("at") AS at_ms, project_id, actor_kind, actor_id, actor_email, ip, user_agent, action, target, method, path, status, details`;

// Rows per INSERT statement of an append.
const ROWS_PER_INSERT = 200;

export class DuckDbAudit implements AuditLog {
  private readonly db: DuckDb;

  constructor(db: DuckDb) {
    this.db = db;
  }

  async append(entries: AuditEntry[]): Promise<void> {
    if (!entries.length) return;
    const rows = entries.map((e) => ({ e, atUs: auditAtMs(e) * 1000, details: auditDetailsText(e.details) }));
    await this.db.transaction(async () => {
      for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
        const values: string[] = [];
        const params: SqlParams = {};
        rows.slice(i, i + ROWS_PER_INSERT).forEach(({ e, atUs, details }, j) => {
          const fields = {
            id: e.id, at: atUs, project: e.projectId, kind: e.actor.kind, actorId: e.actor.id, actorEmail: e.actor.email, ip: e.ip, ua: e.userAgent,
            action: e.action, target: e.target, method: e.method, path: e.path, status: e.status, details,
          };
          values.push(`(${Object.keys(fields).map((k) => (k === 'at' ? `make_timestamp($at_${j})` : `$${k}_${j}`)).join(', ')})`);
          for (const [k, v] of Object.entries(fields)) params[`${k}_${j}`] = v;
        });
        await this.db.run(
          `INSERT INTO audit_log (id, "at", project_id, actor_kind, actor_id, actor_email, ip, user_agent, action, target, method, path, status, details) VALUES ${values.join(', ')}`,
          params,
        );
      }
    });
  }

  async list(q: AuditQuery): Promise<AuditEntry[]> {
    const where = ['"at" >= make_timestamp($from)', '"at" < make_timestamp($to)'];
    const params: SqlParams = { from: q.fromMs * 1000, to: q.toMs * 1000, limit: auditLimit(q.limit) };
    if (q.projectId !== null) {
      where.push('project_id = $project');
      params.project = q.projectId;
    }
    if (q.actor !== undefined) {
      where.push('(actor_id = $actor OR lower(actor_email) = lower($actor))');
      params.actor = q.actor;
    }
    if (q.action !== undefined) {
      where.push(isActionPrefix(q.action) ? 'starts_with(action, $action)' : 'action = $action');
      params.action = q.action;
    }
    if (q.before !== undefined) {
      where.push('("at" < make_timestamp($beforeAt) OR ("at" = make_timestamp($beforeAt) AND id < $beforeId))');
      params.beforeAt = auditBeforeMs(q.before) * 1000;
      params.beforeId = q.before.id;
    }
    const rows = await this.db.all(`SELECT ${COLUMNS} FROM audit_log WHERE ${where.join(' AND ')} ORDER BY "at" DESC, id DESC LIMIT $limit`, params);
    return rows.map(auditEntryOf);
  }

  // Counted, then deleted, on the writer: nothing of the rows deleted is held in memory (the first
  // purge after lowering the retention may delete most of a large log).
  async purgeBefore(cutoffMs: number): Promise<number> {
    const params = { cutoff: cutoffMs * 1000 };
    return this.db.exclusive(async () => {
      const [row] = await this.db.writeAll('SELECT count(*) AS n FROM audit_log WHERE "at" < make_timestamp($cutoff)', params);
      const n = Number(row?.n ?? 0);
      if (n > 0) await this.db.run('DELETE FROM audit_log WHERE "at" < make_timestamp($cutoff)', params);
      return n;
    });
  }
}
