import { LookoutError } from '../../errors.ts';
import { KEEP_HASHES } from '../content-maintenance.ts';
import type { ProjectId } from '../project.ts';
import type { RetentionBackstop, RetentionEnforcement, RetentionResult, RetentionRun } from '../retention.ts';
import type { Ch, Params } from './client.ts';
import type { ChContentMaintenance } from './content-maintenance.ts';
import type { ChDocuments } from './documents.ts';
import type { ChHourTotals } from './hour-totals.ts';
import { RowDeletes } from './row-deletes.ts';
import { CALL_HOUR_TABLE, LOG_TABLE, METRIC_POINT_TABLE, SCORE_TABLE, SPAN_TABLE } from './schema.ts';
import { applyTtlBackstop } from './ttl.ts';

// Retention tiers on ClickHouse (store/retention.ts), one project at a time: the content purge
// (content-maintenance.ts) for rows that started before contentBefore, which writes each row again
// without its content (the old versions leave when their parts next merge); lightweight deletes
// (row-deletes.ts) for events before spansBefore and hourly totals before rollupsBefore, after
// which the parts that held the deleted rows are rewritten before this returns. The tables' TTL
// (ttl.ts, applyBackstop) is the server-wide backstop that expires old rows in ClickHouse's own
// merges when no node runs this.
//
// Before spans go, every hour up to the one holding spansBefore is summed and clean in the hourly
// totals and becomes retained for the project (hour-totals.ts), so long ranges keep their answers
// from the totals, and summing such an hour again never drops them.

const toUs = (d: Date) => d.getTime() * 1000;
const toS = (d: Date) => Math.floor(d.getTime() / 1000);
const HOUR_S = 3600;

export class ChRetention implements RetentionEnforcement {
  private readonly ch: Ch;
  private readonly hours: ChHourTotals;
  private readonly content: ChContentMaintenance;
  private readonly documents: ChDocuments;

  constructor(ch: Ch, hours: ChHourTotals, content: ChContentMaintenance, documents: ChDocuments) {
    this.ch = ch;
    this.hours = hours;
    this.content = content;
    this.documents = documents;
  }

  // The tables' TTL (ttl.ts).
  async applyBackstop(longest: RetentionBackstop | null): Promise<void> {
    await applyTtlBackstop(this.ch, this.documents, this.hours, longest);
  }

  private async count(sql: string, params: Params, control = false): Promise<number> {
    const rows = control ? await this.ch.queryControl<{ n: string }>(sql, params) : await this.ch.query<{ n: string }>(sql, params);
    return Number(rows[0]?.n ?? 0);
  }

  async enforceRetention(project: ProjectId, run: RetentionRun): Promise<RetentionResult> {
    const { contentBefore, spansBefore, rollupsBefore } = run.cutoffs;
    const result: RetentionResult = {
      contentStripped: { spans: 0, logs: 0 },
      deleted: { spans: 0, scores: 0, logs: 0, metricPoints: 0, rollupHours: 0 },
      compactsOnStop: false,
    };
    const db = this.ch.database;
    const deletes = new RowDeletes(this.ch);
    if (contentBefore) {
      const stripped = await this.content.purgeContent(project, { ...run.content, hashes: KEEP_HASHES, startedBefore: contentBefore, chunkRows: run.chunkRows });
      result.contentStripped = { spans: stripped.spans, logs: stripped.logs };
    }
    if (spansBefore) {
      // The hour holding the cutoff too: its totals were summed with all its spans, the later of
      // which stay and are read from the spans for a range ending inside it.
      const retainedS = Math.ceil(toS(spansBefore) / HOUR_S) * HOUR_S;
      if (!(await this.hours.summedBefore(retainedS))) {
        throw new LookoutError('store_unavailable', 'the hourly totals of the hours past retention are still being summed by another node; retention runs again later');
      }
      await this.hours.retainBefore(project, retainedS);
      const p = { project, before: toUs(spansBefore) };
      const older = (column: string) => `project_id = {project:String} AND ${column} < fromUnixTimestamp64Micro({before:Int64}, 'UTC')`;
      const steps = [
        { table: SPAN_TABLE, where: older('start_time'), key: 'spans' },
        { table: SCORE_TABLE, where: older('timestamp'), key: 'scores' },
        { table: LOG_TABLE, where: older('timestamp'), key: 'logs' },
        { table: METRIC_POINT_TABLE, where: older('time'), key: 'metricPoints' },
      ] as const;
      for (const step of steps) {
        result.deleted[step.key] = await this.count(`SELECT count() AS n FROM ${db}.${step.table.name} FINAL WHERE ${step.where}`, p);
        if (result.deleted[step.key] > 0) await deletes.delete(step.table, step.where, p);
      }
    }
    if (rollupsBefore) {
      const p = { project, before: Math.floor(toS(rollupsBefore) / HOUR_S) * HOUR_S };
      await this.hours.retainBefore(project, p.before);
      const where = "project_id = {project:String} AND hour < toDateTime({before:UInt32}, 'UTC')";
      result.deleted.rollupHours = await this.count(`SELECT uniqExact(hour) AS n FROM ${db}.call_hours FINAL WHERE ${where}`, p, true);
      if (result.deleted.rollupHours > 0) await deletes.delete(CALL_HOUR_TABLE, where, p);
    }
    await deletes.purgeDeleted();
    return result;
  }
}
