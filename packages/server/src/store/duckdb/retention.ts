import { KEEP_HASHES, type ProjectId, type RetentionEnforcement, type RetentionResult, type RetentionRun } from '../store.ts';
import { runAsServer } from '../read-tenant.ts';
import type { DuckDb } from './db.ts';
import { ceilHour, floorHour, hourSumsSql, type HourRollups } from './hour-rollups.ts';
import { checkChunkRows, checkpoint, deleteInChunks } from './chunked-delete.ts';
import { changedRows, changeInTimeWindows } from './time-windows.ts';
import { purgeStoredContent } from './content-purge.ts';

// I3 on DuckDB: one project's tiers applied, a time window of about chunkRows rows per
// transaction (time-windows.ts), so no write transaction passes over the whole table.
//
// Spans leave for good, but long-range totals must still count them: the project's hours before
// the cutoff become retained (hour-rollups.ts), and each window of spans deleted is summed into
// call_hours in the transaction that deletes it. At every commit an hour's total is the same,
// whether a crash stops the run or ingest goes on meanwhile.

const TOTALS = ['n', 'known_n', 'unknown_n', 'cost_usd', 'input_tokens', 'output_tokens', 'cache_read_tokens', 'cache_write_tokens', 'reasoning_tokens', 'audio_tokens', 'total_tokens', 'priced_tokens'];

export class DuckDbRetention implements RetentionEnforcement {
  private readonly db: DuckDb;
  private readonly hours: HourRollups;
  // Told how many rows were changed or deleted; answers whether the file is rewritten on close.
  private readonly afterDeletes: (rows: number) => boolean;

  constructor(db: DuckDb, hours: HourRollups, afterDeletes: (rows: number) => boolean) {
    this.db = db;
    this.hours = hours;
    this.afterDeletes = afterDeletes;
  }

  async enforceRetention(project: ProjectId, run: RetentionRun): Promise<RetentionResult> {
    checkChunkRows(run.chunkRows);
    const { contentBefore, spansBefore, rollupsBefore } = run.cutoffs;
    const result: RetentionResult = {
      contentStripped: { spans: 0, logs: 0 },
      deleted: { spans: 0, scores: 0, logs: 0, metricPoints: 0, rollupHours: 0 },
      compactsOnStop: false,
    };
    if (contentBefore !== null) {
      result.contentStripped = await purgeStoredContent(this.db, project, { ...run.content, hashes: KEEP_HASHES, startedBefore: contentBefore, chunkRows: run.chunkRows });
    }
    if (spansBefore !== null) await this.deleteEvents(project, spansBefore.getTime() * 1000, run.chunkRows, result.deleted);
    if (rollupsBefore !== null) result.deleted.rollupHours = await this.deleteHours(project, floorHour(rollupsBefore.getTime() * 1000), run.chunkRows);
    const { spans, scores, logs, metricPoints, rollupHours } = result.deleted;
    const rows = result.contentStripped.spans + result.contentStripped.logs + spans + scores + logs + metricPoints + rollupHours;
    if (rows > 0) await checkpoint(this.db);
    result.compactsOnStop = this.afterDeletes(rows);
    return result;
  }

  private async deleteEvents(project: ProjectId, beforeUs: number, chunkRows: number, deleted: RetentionResult['deleted']): Promise<void> {
    // The hour holding the cutoff is retained too: its earlier spans leave, its later ones stay
    // and count from the spans.
    await this.hours.retainBefore(project, ceilHour(beforeUs));
    deleted.spans = await this.moveSpans(project, beforeUs, chunkRows);
    const params = { project, before: beforeUs };
    const remove = (table: 'scores' | 'logs' | 'metric_points', time: string) =>
      changeInTimeWindows(this.db, { table, time, where: `project_id = $project AND ${time} < make_timestamp($before)`, params, chunkRows }, (where, windowParams) =>
        changedRows(this.db, `DELETE FROM ${table} WHERE ${where}`, windowParams),
      );
    deleted.scores = await remove('scores', 'timestamp');
    deleted.logs = await remove('logs', 'timestamp');
    deleted.metricPoints = await remove('metric_points', 'time');
  }

  // Deletes the project's spans before the cutoff a time window per transaction; the same
  // transaction sums the window's spans into call_hours and merges them with the rows already
  // there for those hours (one row per group again). Returns how many.
  private moveSpans(project: ProjectId, beforeUs: number, chunkRows: number): Promise<number> {
    const change = { table: 'spans', time: 'start_time', where: 'project_id = $project AND start_time < make_timestamp($before)', params: { project, before: beforeUs }, chunkRows };
    return changeInTimeWindows(this.db, change, async (where, params, window) => {
      await this.db.run(`INSERT INTO call_hours BY NAME ${hourSumsSql(where)}`, params);
      const gone = await changedRows(this.db, `DELETE FROM spans WHERE ${where}`, params);
      await this.mergeHours(project, floorHour(window.loUs), ceilHour(window.hiUs));
      return gone;
    });
  }

  // Inside a window's transaction: the project's rows of call_hours in [fromUs, toUs), one per
  // group, as the window added its own rows beside those of earlier windows and refreshes.
  private async mergeHours(project: ProjectId, fromUs: number, toUs: number): Promise<void> {
    const params = { project, from: fromUs, to: toUs };
    const range = 'project_id = $project AND hour >= make_timestamp($from) AND hour < make_timestamp($to)';
    await this.db.run(
      `CREATE OR REPLACE TEMP TABLE retention_hours AS SELECT project_id, hour, model, provider, kind, status, ${TOTALS.map((c) => `sum(${c}) AS ${c}`).join(', ')}
       FROM call_hours WHERE ${range} GROUP BY ALL`,
      params,
    );
    await this.db.run(`DELETE FROM call_hours WHERE ${range}`, params);
    await this.db.run('INSERT INTO call_hours BY NAME SELECT * FROM temp.retention_hours');
    await this.db.run('DROP TABLE temp.retention_hours');
  }

  // The project's hourly totals of hours before `untilUs`. Those hours are retained first, so no
  // refresh sums them again from spans that arrive late.
  private async deleteHours(project: ProjectId, untilUs: number, chunkRows: number): Promise<number> {
    await this.hours.retainBefore(project, untilUs);
    const params = { project, until: untilUs };
    const where = 'project_id = $project AND hour < make_timestamp($until)';
    const hours = await runAsServer(() => this.db.all(`SELECT count(DISTINCT hour) AS n FROM call_hours WHERE ${where}`, params));
    await deleteInChunks(this.db, 'call_hours', where, params, chunkRows);
    return Number(hours[0].n);
  }
}
