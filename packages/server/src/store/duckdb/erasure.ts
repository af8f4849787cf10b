import { listValue } from '@duckdb/node-api';
import { EVALUATION_FEATURE, JUDGE_SUBJECT_METADATA_KEY, SCORE_METADATA } from '../../domain/quality.ts';
import type { DataErasure, ErasureCounts, ErasureResult, ErasureTarget, ProjectId } from '../store.ts';
import { runAsServer } from '../read-tenant.ts';
import type { DuckDb } from './db.ts';
import type { HourRollups } from './hour-rollups.ts';
import { checkChunkRows, checkpoint, deleteInChunks, type NamedParams } from './chunked-delete.ts';

// I4 on DuckDB: a user's, a session's or one trace's records deleted whole trace by trace, or a
// whole project's. Spans go a chunk per transaction; the summed hours that lose spans are marked
// dirty in the same transaction (as a late span marks its hour) and summed again before the
// erasure returns, so long-range totals agree with the spans at every commit.
//
// The judge's calls about an erased trace go with it: each is a trace of its own whose prompt
// holds the judged trace's content (quality/judge).
//
// A crash may stop it anywhere; running it again finishes the work. That needs everything still
// to be found until it is gone, so each row goes only after the rows it is found by:
// - a page's traces are found by the rows that carry the id: within a trace, those go last;
// - a judge call is found by its subject's scores (one names the call it came from) or by its own
//   span naming the subject trace: the judge calls go before any row of the page's traces;
// - a judge call's scores and logs are found by its span: they go before it.

// Which rows carry the target's id, by table (SQL over the row; false: none).
const CARRIES: Record<'user' | 'session' | 'trace', { spans: string; scores: string }> = {
  user: { spans: 'user_id = $id', scores: 'user_id = $id' },
  session: { spans: 'session_id = $id', scores: 'false' },
  trace: { spans: 'false', scores: 'false' },
};

// The judge's calls about the page's traces ($traces). Only the judge writes spans of
// EVALUATION_FEATURE: a score naming any other trace cannot make that trace go.
const JUDGE_SPANS = `project_id = $project AND feature = '${EVALUATION_FEATURE}' AND (
  metadata[$subjectKey] IN (SELECT unnest($traces))
  OR trace_id IN (SELECT metadata[$judgeKey] FROM scores WHERE project_id = $project AND trace_id IN (SELECT unnest($traces))))`;
const IN_JUDGE_TRACES = `project_id = $project AND trace_id IN (SELECT trace_id FROM spans WHERE ${JUDGE_SPANS})`;

export class DuckDbErasure implements DataErasure {
  private readonly db: DuckDb;
  private readonly hours: HourRollups;
  // Told how many rows were deleted; answers whether the file is rewritten on close.
  private readonly afterDeletes: (rows: number) => boolean;

  constructor(db: DuckDb, hours: HourRollups, afterDeletes: (rows: number) => boolean) {
    this.db = db;
    this.hours = hours;
    this.afterDeletes = afterDeletes;
  }

  async eraseRecords(project: ProjectId, target: ErasureTarget, options: { chunkRows: number }): Promise<ErasureResult> {
    checkChunkRows(options.chunkRows);
    const counts: ErasureCounts = { spans: 0, scores: 0, logs: 0, metricPoints: 0, rollupHours: 0 };
    if (target.kind === 'project') {
      await this.eraseProject(project, options.chunkRows, counts);
    } else {
      const lostHours = new Set<number>();
      for (;;) {
        // Traces are looked for again after each page is gone: a page's traces never come back.
        const traces = target.kind === 'trace' ? [target.id] : await this.tracesOf(project, target, options.chunkRows);
        if (!traces.length) break;
        await this.eraseTraces(project, traces, target, options.chunkRows, counts, lostHours);
        if (target.kind === 'trace') break;
      }
      await this.hours.sumDirty();
      // Hours below the retention mark keep no per-span detail: they are not summed again.
      const retained = this.hours.retainedUntilOf(project);
      counts.rollupHours = [...lostHours].filter((h) => h >= retained).length;
    }
    await checkpoint(this.db);
    const rows = counts.spans + counts.scores + counts.logs + counts.metricPoints + counts.rollupHours;
    return { counts, compactsOnStop: this.afterDeletes(rows) };
  }

  // Up to `limit` traces in which a span or score carries the user's or session's id.
  private async tracesOf(project: ProjectId, target: { kind: 'user' | 'session'; id: string }, limit: number): Promise<string[]> {
    const carries = CARRIES[target.kind];
    const sources = [`SELECT trace_id FROM spans WHERE project_id = $project AND ${carries.spans}`];
    if (carries.scores !== 'false') sources.push(`SELECT trace_id FROM scores WHERE project_id = $project AND ${carries.scores}`);
    const rows = await runAsServer(() =>
      this.db.all(`SELECT DISTINCT trace_id FROM (${sources.join(' UNION ALL ')}) LIMIT $limit`, { project, id: target.id, limit }),
    );
    return rows.map((r) => String(r.trace_id));
  }

  private async eraseTraces(
    project: ProjectId,
    traces: string[],
    target: { kind: 'user' | 'session' | 'trace'; id: string },
    chunkRows: number,
    counts: ErasureCounts,
    lostHours: Set<number>,
  ): Promise<void> {
    const inTraces = 'project_id = $project AND trace_id IN (SELECT unnest($traces))';
    const params: NamedParams = { project, traces: listValue(traces), id: target.id, subjectKey: JUDGE_SUBJECT_METADATA_KEY, judgeKey: SCORE_METADATA.judgeTraceId };
    const carries = CARRIES[target.kind];
    // A statement is given only the parameters it names.
    const bind = (where: string): NamedParams => Object.fromEntries(Object.entries(params).filter(([name]) => new RegExp(`\\$${name}\\b`).test(where)));
    const spans = async (where: string) => {
      counts.spans += await deleteInChunks(this.db, 'spans', where, bind(where), chunkRows, {
        returning: 'epoch_us(start_time) AS us',
        fn: async (rows) => {
          for (const h of await this.hours.markErased(rows.map((r) => Number(r.us)))) lostHours.add(h);
        },
      });
    };
    // The judge's spans are never in the hourly totals (hourSumsSql leaves them out): no hour to mark.
    counts.logs += await deleteInChunks(this.db, 'logs', IN_JUDGE_TRACES, bind(IN_JUDGE_TRACES), chunkRows);
    counts.scores += await deleteInChunks(this.db, 'scores', IN_JUDGE_TRACES, bind(IN_JUDGE_TRACES), chunkRows);
    counts.spans += await deleteInChunks(this.db, 'spans', JUDGE_SPANS, bind(JUDGE_SPANS), chunkRows);
    counts.logs += await deleteInChunks(this.db, 'logs', inTraces, bind(inTraces), chunkRows);
    const scoresLeft = `${inTraces} AND NOT coalesce(${carries.scores}, false)`;
    counts.scores += await deleteInChunks(this.db, 'scores', scoresLeft, bind(scoresLeft), chunkRows);
    await spans(`${inTraces} AND NOT coalesce(${carries.spans}, false)`);
    counts.scores += await deleteInChunks(this.db, 'scores', inTraces, bind(inTraces), chunkRows);
    await spans(inTraces);
  }

  // Every record of the project. The hourly totals go last: a refresh running meanwhile sums
  // only the spans still there.
  private async eraseProject(project: ProjectId, chunkRows: number, counts: ErasureCounts): Promise<void> {
    const where = 'project_id = $project';
    const params = { project };
    counts.spans = await deleteInChunks(this.db, 'spans', where, params, chunkRows);
    counts.scores = await deleteInChunks(this.db, 'scores', where, params, chunkRows);
    counts.logs = await deleteInChunks(this.db, 'logs', where, params, chunkRows);
    counts.metricPoints = await deleteInChunks(this.db, 'metric_points', where, params, chunkRows);
    const hours = await runAsServer(() => this.db.all('SELECT count(DISTINCT hour) AS n FROM call_hours WHERE project_id = $project', params));
    counts.rollupHours = Number(hours[0].n);
    await deleteInChunks(this.db, 'call_hours', where, params, chunkRows);
    await this.db.transaction(() => this.hours.forgetProject(project));
  }
}
