import { EVALUATION_FEATURE, JUDGE_SUBJECT_METADATA_KEY, SCORE_METADATA } from '../../domain/quality.ts';
import type { DataErasure, ErasureCounts, ErasureResult, ErasureTarget } from '../erasure.ts';
import type { ProjectId } from '../project.ts';
import { paramChunks, type Ch, type Params } from './client.ts';
import type { ChHourTotals } from './hour-totals.ts';
import { RowDeletes } from './row-deletes.ts';
import { CALL_HOUR_RETAINED_TABLE, CALL_HOUR_TABLE, LOG_TABLE, METRIC_POINT_TABLE, SCORE_TABLE, SPAN_TABLE } from './schema.ts';

// Erasure on ClickHouse (store/erasure.ts). The traces a user or session is in are found from the
// rows that carry its id, a page of trace ids at a time; each page's logs, and the spans and
// scores without the id, are deleted first, and the rows that carry the id last, so a run that
// stops half way finds every remaining trace again when it is run once more. Every version of a
// row goes (an older one may still hold content), and the parts that held them are rewritten
// before eraseRecords returns (row-deletes.ts).
//
// The hourly totals (hour-totals.ts) of the erased spans' hours are marked dirty before the spans
// go, so no query reads totals that still count them, summed again once they are gone, and marked
// again after, so a refresh that read the spans before the delete cannot leave its sums standing.
// A run stopped between the delete and the sum leaves the marks, and the refresher sums them.
// The judge's calls about an erased trace go with it (eraseJudgeCalls).

type Identified = { spans: string; scores: string | null; params: Params };

// Which rows carry the target's id (SQL over one row of spans or scores); scores have no session.
function identified(target: Exclude<ErasureTarget, { kind: 'project' }>): Identified {
  const params = { id: target.id };
  if (target.kind === 'user') return { spans: 'user_id = {id:String}', scores: 'user_id = {id:String}', params };
  if (target.kind === 'session') return { spans: 'session_id = {id:String}', scores: null, params };
  return { spans: 'trace_id = {id:String}', scores: 'trace_id = {id:String}', params };
}

// A trace id page's bound parameters travel in the URL: pages stay well under its limit, with
// room for the judge's calls found from them.
const MAX_PAGE_TRACES = 2_000;
const PAGE_PARAM_BYTES = 32 * 1024;

const zeroCounts = (): ErasureCounts => ({ spans: 0, scores: 0, logs: 0, metricPoints: 0, rollupHours: 0 });

export class ChErasure implements DataErasure {
  private readonly ch: Ch;
  private readonly hours: ChHourTotals;

  constructor(ch: Ch, hours: ChHourTotals) {
    this.ch = ch;
    this.hours = hours;
  }

  private table(name: string): string {
    return `${this.ch.database}.${name}`;
  }

  private async count(sql: string, params: Params): Promise<number> {
    const rows = await this.ch.query<{ n: string }>(sql, params);
    return Number(rows[0]?.n ?? 0);
  }

  async eraseRecords(project: ProjectId, target: ErasureTarget, options: { chunkRows: number }): Promise<ErasureResult> {
    const counts = target.kind === 'project' ? await this.eraseProject(project) : await this.eraseTraces(project, target, options.chunkRows);
    return { counts, compactsOnStop: false };
  }

  private async eraseTraces(project: ProjectId, target: Exclude<ErasureTarget, { kind: 'project' }>, chunkRows: number): Promise<ErasureCounts> {
    const ident = identified(target);
    const deletes = new RowDeletes(this.ch);
    const counts = zeroCounts();
    const hours = new Set<number>();
    const base = { ...ident.params, project };
    const pageSize = Math.max(1, Math.min(chunkRows, MAX_PAGE_TRACES));
    // Any version carrying the id makes its trace the target's: an old version is stored data too.
    const carriers = `SELECT trace_id FROM ${this.table('spans')} WHERE project_id = {project:String} AND ${ident.spans}
      ${ident.scores ? `UNION ALL SELECT trace_id FROM ${this.table('scores')} WHERE project_id = {project:String} AND ${ident.scores}` : ''}`;
    let after = '';
    for (;;) {
      const page = await this.ch.query<{ trace_id: string }>(
        `SELECT DISTINCT trace_id FROM (${carriers}) WHERE trace_id > {after:String} ORDER BY trace_id LIMIT {limit:UInt32}`,
        { ...base, after, limit: pageSize },
      );
      if (!page.length) break;
      after = page[page.length - 1].trace_id;
      for (const ids of paramChunks(page.map((r) => r.trace_id), PAGE_PARAM_BYTES)) await this.eraseChunk(project, ident, ids, counts, deletes, hours);
      if (page.length < pageSize) break;
    }
    await this.hours.resum(hours);
    await this.hours.markLate(hours);
    // The summed hours summed again; those before the retention mark keep no per-span detail and
    // are not.
    const retained = (await this.hours.retainedHorizon())(project);
    const summedUntil = (await this.hours.summedUntil()) ?? 0;
    counts.rollupHours = [...hours].filter((h) => h >= retained && h < summedUntil).length;
    await deletes.purgeDeleted();
    return counts;
  }

  // These traces whole. A delete's condition is kept as text in ClickHouse's record of it
  // (system.mutations, the last `finished_mutations_to_keep` of them), values included: the
  // deletes name trace, span and score ids only, never the user or session id. The rows carrying
  // that id are listed first (by a read) so they can go last.
  private async eraseChunk(project: ProjectId, ident: Identified, ids: string[], counts: ErasureCounts, deletes: RowDeletes, hours: Set<number>): Promise<void> {
    const base = { ...ident.params, project, ids };
    const inTraces = 'project_id = {project:String} AND trace_id IN {ids:Array(String)}';
    const carrying = async (table: string, key: string, where: string | null) =>
      where === null ? [] : (await this.ch.query<{ k: string }>(`SELECT DISTINCT ${key} AS k FROM ${this.table(table)} WHERE ${inTraces} AND ${where}`, base)).map((r) => r.k);
    const spans = await carrying('spans', 'span_id', ident.spans);
    const scores = await carrying('scores', 'id', ident.scores);
    if (ids.length > 1 && paramChunks([...ids, ...spans, ...scores], PAGE_PARAM_BYTES).length > 1) {
      const half = Math.ceil(ids.length / 2);
      await this.eraseChunk(project, ident, ids.slice(0, half), counts, deletes, hours);
      await this.eraseChunk(project, ident, ids.slice(half), counts, deletes, hours);
      return;
    }
    await this.eraseJudgeCalls(project, ids, counts, deletes);
    const p = { project, ids, spans, scores };
    counts.spans += await this.count(`SELECT count() AS n FROM ${this.table('spans')} FINAL WHERE ${inTraces}`, p);
    counts.scores += await this.count(`SELECT count() AS n FROM ${this.table('scores')} FINAL WHERE ${inTraces}`, p);
    counts.logs += await this.count(`SELECT count() AS n FROM ${this.table('logs')} FINAL WHERE ${inTraces}`, p);
    const chunkHours = (await this.ch.query<{ h: string }>(`SELECT DISTINCT toUnixTimestamp(toStartOfHour(start_time)) AS h FROM ${this.table('spans')} WHERE ${inTraces}`, p)).map((r) => Number(r.h));
    for (const h of chunkHours) hours.add(h);
    await this.hours.markLate(chunkHours);
    await deletes.delete(LOG_TABLE, inTraces, p);
    // One trace with more carrying rows than a statement can list goes without that order.
    if (paramChunks([...ids, ...spans, ...scores], PAGE_PARAM_BYTES).length === 1) {
      await deletes.delete(SCORE_TABLE, `${inTraces} AND id NOT IN {scores:Array(String)}`, p);
      await deletes.delete(SPAN_TABLE, `${inTraces} AND span_id NOT IN {spans:Array(String)}`, p);
    }
    await deletes.delete(SCORE_TABLE, inTraces, p);
    await deletes.delete(SPAN_TABLE, inTraces, p);
  }

  // The judge's calls about these traces, each a trace of its own whose prompt holds the judged
  // trace's content (quality/judge): found by a score of the judged trace naming the call, or by
  // the call's span naming its subject. They go before the judged traces' rows (which find them),
  // their scores and logs before their spans. Never in the hourly totals: no hour to sum again.
  private async eraseJudgeCalls(project: ProjectId, ids: string[], counts: ErasureCounts, deletes: RowDeletes): Promise<void> {
    const named = await this.ch.query<{ t: string }>(
      `SELECT DISTINCT metadata[{judgeKey:String}] AS t FROM ${this.table('scores')}
        WHERE project_id = {project:String} AND trace_id IN {ids:Array(String)} AND mapContains(metadata, {judgeKey:String})`,
      { project, ids, judgeKey: SCORE_METADATA.judgeTraceId },
    );
    const judge = await this.ch.query<{ trace_id: string }>(
      `SELECT DISTINCT trace_id FROM ${this.table('spans')} WHERE project_id = {project:String} AND feature = {feature:String}
        AND (metadata[{subjectKey:String}] IN {ids:Array(String)} OR trace_id IN {named:Array(String)})`,
      { project, ids, named: named.map((r) => r.t), feature: EVALUATION_FEATURE, subjectKey: JUDGE_SUBJECT_METADATA_KEY },
    );
    if (!judge.length) return;
    const p = { project, judge: judge.map((r) => r.trace_id) };
    const inJudge = 'project_id = {project:String} AND trace_id IN {judge:Array(String)}';
    counts.spans += await this.count(`SELECT count() AS n FROM ${this.table('spans')} FINAL WHERE ${inJudge}`, p);
    counts.scores += await this.count(`SELECT count() AS n FROM ${this.table('scores')} FINAL WHERE ${inJudge}`, p);
    counts.logs += await this.count(`SELECT count() AS n FROM ${this.table('logs')} FINAL WHERE ${inJudge}`, p);
    await deletes.delete(LOG_TABLE, inJudge, p);
    await deletes.delete(SCORE_TABLE, inJudge, p);
    await deletes.delete(SPAN_TABLE, inJudge, p);
  }

  // Every record of the project, its hourly totals included.
  private async eraseProject(project: ProjectId): Promise<ErasureCounts> {
    const deletes = new RowDeletes(this.ch);
    const p = { project };
    const where = 'project_id = {project:String}';
    const counts: ErasureCounts = {
      spans: await this.count(`SELECT count() AS n FROM ${this.table('spans')} FINAL WHERE ${where}`, p),
      scores: await this.count(`SELECT count() AS n FROM ${this.table('scores')} FINAL WHERE ${where}`, p),
      logs: await this.count(`SELECT count() AS n FROM ${this.table('logs')} FINAL WHERE ${where}`, p),
      metricPoints: await this.count(`SELECT count() AS n FROM ${this.table('metric_points')} FINAL WHERE ${where}`, p),
      rollupHours: Number(
        (await this.ch.queryControl<{ n: string }>(`SELECT uniqExact(hour) AS n FROM ${this.table('call_hours')} FINAL WHERE ${where}`, p))[0]?.n ?? 0,
      ),
    };
    // The hourly totals last: a refresh running meanwhile sums only the spans still there.
    for (const table of [LOG_TABLE, SCORE_TABLE, SPAN_TABLE, METRIC_POINT_TABLE, CALL_HOUR_TABLE, CALL_HOUR_RETAINED_TABLE]) await deletes.delete(table, where, p);
    await deletes.purgeDeleted();
    return counts;
  }
}
