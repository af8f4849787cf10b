import type { ClickHouseSettings } from '@clickhouse/client';
import { nanoToUsd } from '../../domain/money.ts';
import type { SpanRecord } from '../../domain/span.ts';
import type { LogRecord, ScoreRecord } from '../../domain/score.ts';
import type { Page, ProjectId, ScoreFilter, ScoreLogReads, SpanFilter, SpanPage, SpanReads, TraceDetail, TracePage, TraceSummary } from '../store.ts';
import type { Ch, Params } from './client.ts';
import { evaluationScope, rangeConditions, spanFilterSql, spanMatchConditions, timeConditions } from './filters.ts';
import { LOG_COLUMNS, rowToLog, rowToScore, rowToSpan, SCORE_COLUMNS, SPAN_COLUMNS, SPAN_COLUMNS_WITHOUT_CONTENT, type ChRow } from './rows.ts';

// Span, trace, score and log reads. Lists find their page by the few columns they sort and filter
// on first, then read the whole rows (content included) of that page only.

// A trace lives on one shard (event tables are sharded by trace id), so a subquery over a trace's
// spans runs on each shard's own table.
const TRACE_SETTINGS: ClickHouseSettings = { distributed_product_mode: 'local' };
// For the same reason a trace's group is complete on its shard: each shard groups, filters, sorts
// and cuts its own page, and only those rows travel, merged in order by the node asked.
const TRACE_PAGE_SETTINGS: ClickHouseSettings = { ...TRACE_SETTINGS, distributed_group_by_no_merge: '2' };
// A read of given traces asks only the shards that hold them.
const ONE_TRACE_SETTINGS: ClickHouseSettings = { optimize_skip_unused_shards: 1 };

const SPAN_ORDER = { start: 'start_time DESC', duration: 'duration_ms DESC', cost: 'cost_nano DESC NULLS LAST' } as const;
const TRACE_ORDER = { start: 't_start_us DESC', duration: 't_duration_ms DESC', cost: 't_cost_nano DESC NULLS LAST' } as const;

// A trace's totals over its spans in the range, as the page query sorts and filters by them.
const TRACE_START_US = 'toUnixTimestamp64Micro(min(start_time))';
const TRACE_DURATION_MS = '(toUnixTimestamp64Micro(max(end_time)) - toUnixTimestamp64Micro(min(start_time))) / 1000';
const TRACE_COST_USD = 'sum(cost_nano) / 1000000000';

const HOUR_US = 3_600_000_000;
// How far before a newest-traces window to look for a trace's earlier spans (see listTraces).
const TRACE_LOOKBACK_US = HOUR_US;

interface SpanKey {
  trace_id: string;
  span_id: string;
  start_us: string;
}

const CALL_KINDS = "kind IN ('generation', 'embedding')";

// The summary of each trace of a page (TraceSummary), over all its spans in the range. The first
// user and session are the earliest span's that has one, so every node names the same.
const TRACE_SUMMARY = `trace_id,
  argMin(name, (isNotNull(parent_span_id), start_time, span_id)) AS t_name,
  ${TRACE_START_US} AS t_start_us,
  ${TRACE_DURATION_MS} AS t_duration_ms,
  count() AS t_spans,
  countIf(${CALL_KINDS}) AS t_calls,
  sum(cost_nano) AS t_cost_nano,
  countIf(cost_status = 'unknown_model') AS t_unknown_cost_calls,
  sumIf(total_tokens, ${CALL_KINDS}) AS t_tokens,
  max(status = 'error') AS t_has_error,
  argMinIf(user_id, (start_time, span_id), isNotNull(user_id)) AS t_user_id,
  argMinIf(session_id, (start_time, span_id), isNotNull(session_id)) AS t_session_id,
  arraySort(groupUniqArray(model)) AS t_models`;

function toSummary(r: ChRow): TraceSummary {
  return {
    traceId: String(r.trace_id),
    name: String(r.t_name),
    startUs: Number(r.t_start_us),
    durationMs: Number(r.t_duration_ms),
    spans: Number(r.t_spans),
    calls: Number(r.t_calls),
    costUsd: r.t_cost_nano === null ? null : nanoToUsd(BigInt(String(r.t_cost_nano))),
    unknownCostCalls: Number(r.t_unknown_cost_calls),
    tokens: Number(r.t_tokens),
    hasError: Number(r.t_has_error) === 1,
    userId: r.t_user_id === null ? null : String(r.t_user_id),
    sessionId: r.t_session_id === null ? null : String(r.t_session_id),
    models: Array.isArray(r.t_models) ? (r.t_models as unknown[]).filter((m) => m !== null).map(String) : [],
  };
}

export class ChSpanReads implements SpanReads, ScoreLogReads {
  readonly ch: Ch;
  constructor(ch: Ch) {
    this.ch = ch;
  }

  private table(name: 'spans' | 'scores' | 'logs'): string {
    return `${this.ch.database}.${name}`;
  }

  async listSpans(project: ProjectId, filter: SpanFilter, page: Page, options: { total?: boolean } = {}): Promise<SpanPage> {
    const { where, params } = spanFilterSql(project, filter);
    const spans = this.table('spans');
    const pageOf = (windowStartUs: number | null) =>
      this.ch.query<SpanKey>(
        `SELECT trace_id, span_id, toUnixTimestamp64Micro(start_time) AS start_us FROM ${spans} FINAL
         WHERE ${where}${windowStartUs === null ? '' : " AND start_time >= fromUnixTimestamp64Micro({windowUs:Int64}, 'UTC')"}
         ORDER BY ${SPAN_ORDER[filter.orderBy ?? 'start']}, span_id LIMIT {limit:UInt64} OFFSET {offset:UInt64}`,
        { ...params, ...(windowStartUs === null ? {} : { windowUs: windowStartUs }), limit: page.limit, offset: page.offset },
      );
    // Newest first: the spans outside a window all start before every span in it, so a window
    // that holds the whole page holds exactly the page.
    const [keys, count] = await Promise.all([
      (filter.orderBy ?? 'start') === 'start' ? this.newest(project, filter, page, pageOf) : pageOf(null),
      options.total === false ? Promise.resolve(null) : this.ch.query<{ n: string }>(`SELECT count() AS n FROM ${spans} FINAL WHERE ${where}`, params),
    ]);
    return { spans: await this.spansOf(project, keys), total: count === null ? null : Number(count[0].n) };
  }

  // The newest rows of a range without sorting the whole range: read the last hour of it, then
  // four times as much, and so on, until a window holds a full page; the last window is the whole
  // range (`read(null)`). The range's ends are taken as given (no scan to find the last span);
  // without a start, the project's first span, looked up only when the first window falls short.
  private async newest<T>(project: ProjectId, filter: SpanFilter, page: Page, read: (windowStartUs: number | null) => Promise<T[]>): Promise<T[]> {
    const hi = filter.toMs !== undefined ? Math.trunc(filter.toMs * 1000) : Date.now() * 1000;
    let lo = filter.fromMs !== undefined ? Math.trunc(filter.fromMs * 1000) : null;
    for (let lengthUs = HOUR_US; ; lengthUs *= 4) {
      const startUs = hi - lengthUs;
      if (lo !== null && startUs <= lo) return read(null);
      const rows = await read(startUs);
      if (rows.length === page.limit) return rows;
      if (lo === null) {
        lo = await this.firstStartUs(project);
        if (lo === null) return [];
      }
    }
  }

  private async firstStartUs(project: ProjectId): Promise<number | null> {
    // start_time is in the sorting key, the same in every version of a row: no FINAL needed.
    const rows = await this.ch.query<{ lo: string | null }>(
      `SELECT toUnixTimestamp64Micro(minOrNull(start_time)) AS lo FROM ${this.table('spans')} WHERE project_id = {project:String}`,
      { project },
    );
    return rows[0]?.lo === null || rows[0]?.lo === undefined ? null : Number(rows[0].lo);
  }

  // The whole rows of a page of spans, in the page's order.
  private async spansOf(project: ProjectId, keys: SpanKey[]): Promise<SpanRecord[]> {
    if (!keys.length) return [];
    const starts = keys.map((k) => BigInt(k.start_us));
    const lo = starts.reduce((a, b) => (b < a ? b : a));
    const hi = starts.reduce((a, b) => (b > a ? b : a));
    const rows = await this.ch.query(
      `SELECT ${SPAN_COLUMNS} FROM ${this.table('spans')} FINAL
       WHERE project_id = {project:String}
         AND start_time >= fromUnixTimestamp64Micro({lo:Int64}, 'UTC') AND start_time <= fromUnixTimestamp64Micro({hi:Int64}, 'UTC')
         AND trace_id IN {traces:Array(String)} AND span_id IN {spans:Array(String)}`,
      { project, lo: String(lo), hi: String(hi), traces: [...new Set(keys.map((k) => k.trace_id))], spans: [...new Set(keys.map((k) => k.span_id))] },
      ONE_TRACE_SETTINGS,
    );
    const byKey = new Map(rows.map((r) => [`${String(r.trace_id)}/${String(r.span_id)}`, r]));
    return keys.flatMap((k) => {
      const r = byKey.get(`${k.trace_id}/${k.span_id}`);
      return r ? [rowToSpan(r)] : [];
    });
  }

  async getSpan(project: ProjectId, spanId: string): Promise<SpanRecord | null> {
    const rows = await this.ch.query(
      `SELECT ${SPAN_COLUMNS} FROM ${this.table('spans')} FINAL WHERE project_id = {project:String} AND span_id = {spanId:String} LIMIT 1`,
      { project, spanId },
    );
    return rows.length ? rowToSpan(rows[0]) : null;
  }

  async getTrace(project: ProjectId, traceId: string, limit?: number, options: { content?: boolean } = {}): Promise<TraceDetail> {
    const params = { project, traceId, limit: limit ?? 0 };
    const columns = options.content === false ? SPAN_COLUMNS_WITHOUT_CONTENT : SPAN_COLUMNS;
    const where = 'WHERE project_id = {project:String} AND trace_id = {traceId:String}';
    // LIMIT 0 would read nothing: without a limit, no LIMIT clause.
    const cut = limit === undefined ? '' : ' LIMIT {limit:UInt64}';
    const [spans, scores, logs] = await Promise.all([
      this.ch.query(`SELECT ${columns} FROM ${this.table('spans')} FINAL ${where} ORDER BY start_time, span_id${cut}`, params, ONE_TRACE_SETTINGS),
      this.ch.query(`SELECT ${SCORE_COLUMNS} FROM ${this.table('scores')} FINAL ${where} ORDER BY timestamp, id${cut}`, params, ONE_TRACE_SETTINGS),
      this.ch.query(`SELECT ${LOG_COLUMNS} FROM ${this.table('logs')} FINAL ${where} ORDER BY timestamp, id${cut}`, params, ONE_TRACE_SETTINGS),
    ]);
    return { spans: spans.map(rowToSpan), scores: scores.map(rowToScore), logs: logs.map(rowToLog) };
  }

  // Two steps: the page's trace ids, grouped from the few columns that sort and filter them within
  // the project's time range; then the summaries of those traces only.
  async listTraces(project: ProjectId, filter: SpanFilter, page: Page, options: { total?: boolean } = {}): Promise<TracePage> {
    const params: Params = { f_project: project };
    const inRange = ['project_id = {f_project:String}', ...timeConditions(filter, params), ...evaluationScope(filter)].join(' AND ');
    const matches = spanMatchConditions(filter, params);
    // Traces with a span meeting each condition (each may be met by a different span), from one
    // pass over the filtered columns.
    const where =
      matches.length === 0
        ? inRange
        : matches.length === 1
          ? `${inRange} AND trace_id IN (SELECT trace_id FROM ${this.table('spans')} FINAL WHERE ${inRange} AND ${matches[0]})`
          : `${inRange} AND trace_id IN (SELECT trace_id FROM ${this.table('spans')} FINAL WHERE ${inRange} AND (${matches.join(' OR ')})
              GROUP BY trace_id HAVING ${matches.map((m) => `countIf(${m}) > 0`).join(' AND ')})`;
    const having = rangeConditions(filter, params, { costUsd: TRACE_COST_USD, durationMs: TRACE_DURATION_MS });
    const havingSql = having.length ? `HAVING ${having.join(' AND ')}` : '';
    const spans = this.table('spans');

    const order = filter.orderBy ?? 'start';
    // Only the totals the page is sorted by. A trace's start, end and id are the same in every
    // version of its rows and a repeated row changes no minimum or maximum, so only a cost needs
    // the rows merged (FINAL): re-pricing writes a newer version with another cost.
    const totals = { start: '', duration: `, ${TRACE_DURATION_MS} AS t_duration_ms`, cost: ', sum(cost_nano) AS t_cost_nano' }[order];
    const final = order === 'cost' || filter.minCostUsd !== undefined || filter.maxCostUsd !== undefined ? 'FINAL' : '';
    const pageOf = (windowStartUs: number | null) => {
      // A trace is taken from a window when none of its spans starts in the hour before it, so its
      // summary and filters are over all its spans; a trace whose spans are more than an hour
      // apart may be listed with only its later spans when the window cuts it.
      const window =
        windowStartUs === null
          ? ''
          : ` AND start_time >= fromUnixTimestamp64Micro({windowUs:Int64}, 'UTC') AND trace_id NOT IN (SELECT trace_id FROM ${spans}
              WHERE project_id = {f_project:String} AND start_time >= fromUnixTimestamp64Micro({lookbackUs:Int64}, 'UTC')
                AND start_time < fromUnixTimestamp64Micro({windowUs:Int64}, 'UTC'))`;
      return this.ch.query<{ trace_id: string; t_start_us: string }>(
        `SELECT trace_id, ${TRACE_START_US} AS t_start_us${totals}
         FROM ${spans} ${final} WHERE ${where}${window} GROUP BY trace_id ${havingSql}
         ORDER BY ${TRACE_ORDER[order]}, trace_id LIMIT {limit:UInt64} OFFSET {offset:UInt64}`,
        { ...params, ...(windowStartUs === null ? {} : { windowUs: windowStartUs, lookbackUs: windowStartUs - TRACE_LOOKBACK_US }), limit: page.limit, offset: page.offset },
        TRACE_PAGE_SETTINGS,
      );
    };
    // Without a condition on the trace's totals, a distinct count (no per-trace groups to build).
    const countSql = having.length
      ? `SELECT count() AS n FROM (SELECT trace_id FROM ${spans} ${final} WHERE ${where} GROUP BY trace_id ${havingSql})`
      : `SELECT uniqExact(trace_id) AS n FROM ${spans} WHERE ${where}`;
    const [ids, count] = await Promise.all([
      order === 'start' ? this.newest(project, filter, page, pageOf) : pageOf(null),
      options.total === false ? Promise.resolve(null) : this.ch.query<{ n: string }>(countSql, params, TRACE_SETTINGS),
    ]);
    return { traces: await this.summaries(filter, params, ids), total: count === null ? null : Number(count[0].n) };
  }

  // The summaries of a page of traces, in the page's order. No span of a trace starts before the
  // trace does, so the page's earliest start bounds the read from below.
  private async summaries(filter: SpanFilter, params: Params, ids: { trace_id: string; t_start_us: string }[]): Promise<TraceSummary[]> {
    if (!ids.length) return [];
    const lo = ids.map((r) => BigInt(r.t_start_us)).reduce((a, b) => (b < a ? b : a));
    const upper = filter.toMs !== undefined ? " AND start_time < fromUnixTimestamp64Micro({f_toUs:Int64}, 'UTC')" : '';
    const rows = await this.ch.query(
      `SELECT ${TRACE_SUMMARY} FROM ${this.table('spans')} FINAL
       WHERE project_id = {f_project:String} AND start_time >= fromUnixTimestamp64Micro({pageLoUs:Int64}, 'UTC')${upper}
         AND trace_id IN {pageIds:Array(String)}
       GROUP BY trace_id`,
      { f_project: params.f_project, ...(upper ? { f_toUs: params.f_toUs } : {}), pageLoUs: String(lo), pageIds: ids.map((r) => r.trace_id) },
      ONE_TRACE_SETTINGS,
    );
    const byId = new Map(rows.map((r) => [String(r.trace_id), r]));
    return ids.flatMap((r) => {
      const row = byId.get(r.trace_id);
      return row ? [toSummary(row)] : [];
    });
  }

  async listScores(project: ProjectId, filter: ScoreFilter, page: Page): Promise<ScoreRecord[]> {
    const { where, params } = scoreConditions(project, filter);
    const rows = await this.ch.query(
      `SELECT ${SCORE_COLUMNS} FROM ${this.table('scores')} FINAL WHERE ${where} ORDER BY timestamp DESC, id LIMIT {limit:UInt64} OFFSET {offset:UInt64}`,
      { ...params, limit: page.limit, offset: page.offset },
    );
    return rows.map(rowToScore);
  }

  async countScores(project: ProjectId, filter: ScoreFilter): Promise<number> {
    const { where, params } = scoreConditions(project, filter);
    const rows = await this.ch.query(`SELECT count() AS n FROM ${this.table('scores')} FINAL WHERE ${where}`, params);
    return Number(rows[0].n);
  }

  async listLogs(project: ProjectId, filter: { traceId?: string }, page: Page): Promise<LogRecord[]> {
    return (await this.listLinked('logs', LOG_COLUMNS, project, filter, page)).map(rowToLog);
  }

  // Scores and logs: newest first, optionally of one trace.
  private listLinked(table: 'scores' | 'logs', columns: string, project: ProjectId, filter: { traceId?: string }, page: Page): Promise<ChRow[]> {
    const params: Params = { project, limit: page.limit, offset: page.offset };
    let where = 'project_id = {project:String}';
    if (filter.traceId) {
      where += ' AND trace_id = {traceId:String}';
      params.traceId = filter.traceId;
    }
    return this.ch.query(`SELECT ${columns} FROM ${this.table(table)} FINAL WHERE ${where} ORDER BY timestamp DESC, id LIMIT {limit:UInt64} OFFSET {offset:UInt64}`, params);
  }
}

function scoreConditions(project: ProjectId, f: ScoreFilter): { where: string; params: Params } {
  const params: Params = { project };
  const clauses = ['project_id = {project:String}'];
  for (const [key, column] of [['traceId', 'trace_id'], ['name', 'name'], ['dataType', 'data_type']] as const) {
    const value = f[key];
    if (value === undefined || value === '') continue;
    clauses.push(`${column} = {f_${key}:String}`);
    params[`f_${key}`] = value;
  }
  if (f.fromMs !== undefined) {
    clauses.push("timestamp >= fromUnixTimestamp64Micro({f_fromUs:Int64}, 'UTC')");
    params.f_fromUs = Math.trunc(f.fromMs * 1000);
  }
  if (f.toMs !== undefined) {
    clauses.push("timestamp < fromUnixTimestamp64Micro({f_toUs:Int64}, 'UTC')");
    params.f_toUs = Math.trunc(f.toMs * 1000);
  }
  return { where: clauses.join(' AND '), params };
}
