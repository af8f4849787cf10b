import { existsSync, mkdtempSync } from 'node:fs';
import { unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listValue, type DuckDBValue } from '@duckdb/node-api';
import type { SpanRecord } from '../../domain/span.ts';
import { nanoToDecimal } from '../../domain/money.ts';
import type {
  ApiKeyInfo,
  CallAggregateRange,
  CallAggregateRow,
  LocalBackup,
  EncodedBatch,
  ScoreAggregateRow,
  LoadFiles,
  MetricNameSummary,
  StoredFlags,
  ItemOutcome,
  KeyScope,
  Page,
  ContentCapture,
  ContentPurge,
  ContentPurgeResult,
  Project,
  ProjectId,
  ScoreFilter,
  SpanFilter,
  SpanPage,
  SpendQuery,
  SpendResult,
  Store,
  StoredPriceOverride,
  TraceDetail,
  TracePage,
  UnknownModel,
  WriteBatch,
  WriteResult,
  ApiKeyImport,
  EventCursor,
  MetricPointCursor,
  SpanCursor,
  StoredApiKey,
} from '../store.ts';
import { hashApiKey, mintApiKey } from '../api-keys.ts';
import { eventKey, firstOccurrences, spanKey, spanWindow } from '../batch.ts';
import { repriceSpans, type RepriceFilter, type RepriceOptions, type RepriceTarget } from '../reprice.ts';
import { DuckDb, type DuckDbOptions, type Row, type SqlParams } from './db.ts';
import { INGEST_READS, runAsReadTenant, runAsServer } from '../read-tenant.ts';
import { ensurePrivateDir, PRIVATE_FILE_MODE } from '../../state/private-files.ts';
import { COMPACT_PENDING_FILE, COMPACTED_FILE, compactDatabase, compactPending, DATABASE_FILE, markCompactPending } from './compact.ts';
import { aggregateCalls, aggregateScores, contextWindows, eachCallAggregate, eachScoreAggregate } from './rollup-source.ts';
import { catalogContextWindow, type ContextWindowOf, type PairWindow } from '../context-windows.ts';
import { aggregateRetrieval } from './drift.ts';
import type { RetrievalAggregateRange, RetrievalAggregateRow } from '../drift.ts';
import { promptRepeats } from './prompt-repeats.ts';
import type { PromptRepeatQuery, PromptRepeatRow } from '../prompt-repeats.ts';
import { experimentGroups } from './experiments.ts';
import type { ExperimentGroupStats, ExperimentQuery } from '../experiments.ts';
import { spendByAttribution } from './spend-source.ts';
import {
  METRIC_COLUMNS,
  METRIC_JSON,
  metricRow,
  rowToMetricPoint,
  LOG_COLUMNS,
  LOG_JSON,
  logRow,
  readJsonSelect,
  sqlFileList,
  SCORE_JSON,
  scoreRow,
  SPAN_JSON,
  spanRow,
  rowToLog,
  rowToScore,
  rowToSpan,
  SCORE_COLUMNS,
  SPAN_COLUMNS,
  SPAN_COLUMNS_WITHOUT_CONTENT,
} from './rows.ts';
import { HOUR_US, HourRollups } from './hour-rollups.ts';
import { fillLoadedScores, fillScoresOfLoadedSpans } from './score-context.ts';
import { DuckDbAnalytics } from './analytics.ts';
import { DuckDbProjectExport } from './project-export.ts';
import { DuckDbExport } from './export.ts';
import { DuckDbSecurityEvents } from './security-events.ts';
import { DuckDbQuality } from './quality.ts';
import type { LogRecord, ScoreRecord } from '../../domain/score.ts';
import type { MetricPointRecord } from '../../domain/metric.ts';
import { APPLICATION_SPANS_SQL, applicationSpansSql, listingAsksForEvaluation } from '../evaluation-scope.ts';
import { rangeSql, scoreFilterSql, spanFilterSql, spanMatchSql, timeSql } from './span-filters.ts';
import { copyDatabaseTo } from './backup.ts';
import { purgeStoredContent } from './content-purge.ts';
import { DuckDbErasure } from './erasure.ts';
import { DuckDbRetention } from './retention.ts';
import { deleteProjectRows } from './project-deletion.ts';
import { DuckDbPrompts } from './prompts.ts';
import { CachedPromptRegistry } from '../prompt-cache.ts';
import { DuckDbPeople } from './people.ts';
import { DuckDbAudit } from './audit.ts';

function repriceWhere(filter: RepriceFilter): { where: string; params: Record<string, DuckDBValue | string> } {
  const clauses = ["cost_status <> 'provider_reported'"];
  const params: Record<string, DuckDBValue | string> = {};
  if (filter.onlyUnknown) clauses.push("cost_status = 'unknown_model'");
  if (filter.models) {
    clauses.push('list_contains($models, model)');
    params.models = listValue(filter.models);
  }
  return { where: clauses.join(' AND '), params };
}

// What the passes of a load after its first read of the files read instead of parsing them again
// (see loadUnlocked): the spans' keys and start times (project_id, trace_id, start_us), and the
// scores' rows in the scores table's columns. Temporary tables live on the writer's connection only.
const LOADED_SPANS_NAME = 'loaded_span_keys';
const LOADED_SPANS = `temp.${LOADED_SPANS_NAME}`;
const LOADED_SCORES_NAME = 'loaded_scores';
const LOADED_SCORES = `temp.${LOADED_SCORES_NAME}`;

// How far before a trace-list window to look for a trace's earlier spans (see #newestTraces).
const TRACE_LOOKBACK_US = HOUR_US;

// How long after a write (or the store's opening) closed hours are summed.
const HOUR_ROLLUP_DELAY_MS = 2_000;

const SPAN_ORDER = { start: 'start_time DESC', duration: 'duration_ms DESC', cost: 'cost_usd DESC NULLS LAST' } as const;
const TRACE_ORDER = { start: 'start_us DESC', duration: 'duration_ms DESC', cost: 'cost_usd DESC NULLS LAST' } as const;

export class DuckDbStore implements Store {
  readonly backend = 'duckdb';
  // One process owns the database file.
  readonly sharedWriters = false;
  // One process: its documents are files in its state directory.
  readonly documents = null;
  readonly analytics: DuckDbAnalytics;
  private readonly db: DuckDb;
  private readonly stagingDir: string;

  private readonly hours: HourRollups;
  private readonly exporter: DuckDbExport;
  readonly projectExport: DuckDbProjectExport;
  readonly erasure: DuckDbErasure;
  readonly retention: DuckDbRetention;
  // Resolved versions stay in memory until a write: this process is the database's only writer.
  readonly prompts: CachedPromptRegistry;
  // E4: people, their roles and sessions; the audit log.
  readonly people: DuckDbPeople;
  readonly audit: DuckDbAudit;
  private readonly securityEvents: DuckDbSecurityEvents;
  private readonly quality: DuckDbQuality;
  private hoursTimer: NodeJS.Timeout | null = null;
  private autoHourRollups = true;
  private closed = false;
  private dataDir: string | null = null;
  // Set by a purge, an erasure or retention: the database file is rewritten on close so the old
  // rows leave its free blocks.
  private compactOnClose = false;

  // C4: each model's context window, for the analytics and the rollups' start-up source.
  private readonly windowOf: ContextWindowOf;

  private constructor(db: DuckDb, stagingDir: string, hours: HourRollups, windowOf: ContextWindowOf) {
    this.db = db;
    this.stagingDir = stagingDir;
    this.hours = hours;
    this.windowOf = windowOf;
    this.analytics = new DuckDbAnalytics(db, hours, windowOf);
    this.exporter = new DuckDbExport(db);
    this.projectExport = new DuckDbProjectExport(db);
    this.securityEvents = new DuckDbSecurityEvents(db);
    this.quality = new DuckDbQuality(db, this.analytics);
    this.erasure = new DuckDbErasure(db, hours, (rows) => this.compactAfterDeletes(rows));
    this.retention = new DuckDbRetention(db, hours, (rows) => this.compactAfterDeletes(rows));
    this.prompts = new CachedPromptRegistry(new DuckDbPrompts(db), { maxAgeMs: Infinity });
    this.people = new DuckDbPeople(db);
    this.audit = new DuckDbAudit(db);
  }

  // `dir` null: an in-memory database, for tests.
  // `hourRollups: 'manual'`: hours are summed only when refreshHourRollups() is called (tests).
  // `contextWindowOf`: the models' context windows (the catalog's when absent).
  static async open(dir: string | null, options: DuckDbOptions & { hourRollups?: 'auto' | 'manual'; contextWindowOf?: ContextWindowOf } = {}): Promise<DuckDbStore> {
    // A purge whose rewrite a crash prevented (compact.ts).
    if (dir !== null && compactPending(dir) && existsSync(join(dir, DATABASE_FILE))) await compactDatabase(dir);
    const db = await DuckDb.open(dir, options);
    const stagingDir = dir === null ? mkdtempSync(join(tmpdir(), 'lookout-staging-')) : join(dir, 'staging');
    ensurePrivateDir(stagingDir);
    const store = new DuckDbStore(db, stagingDir, await HourRollups.open(db), options.contextWindowOf ?? catalogContextWindow);
    store.dataDir = dir;
    store.autoHourRollups = options.hourRollups !== 'manual';
    store.scheduleHourRollups();
    return store;
  }

  // Sums the hours closed since the last time, and dirty ones again (hour-rollups.ts). Runs by
  // itself after writes; tests call it with their clock.
  refreshHourRollups(nowMs = Date.now()): Promise<void> {
    return this.hours.refresh(nowMs);
  }

  private scheduleHourRollups(): void {
    if (!this.autoHourRollups || this.closed || this.hoursTimer !== null || !this.hours.due(Date.now())) return;
    // Scheduled by whichever load found the hours due, often inside an ingest request: the timer
    // would run the refresh's reads as that request's project.
    this.hoursTimer = runAsServer(() => setTimeout(() => {
      // A failed refresh leaves the hours unsummed or dirty, which queries read from the spans;
      // the next write tries again.
      this.hours
        .refresh(Date.now())
        .catch(() => undefined)
        .finally(() => {
          this.hoursTimer = null;
        });
    }, HOUR_ROLLUP_DELAY_MS));
    this.hoursTimer.unref();
  }

  async write(batch: WriteBatch): Promise<WriteResult> {
    const spans = firstOccurrences(batch.spans, spanKey);
    const scores = firstOccurrences(batch.scores, eventKey);
    const logs = firstOccurrences(batch.logs, eventKey);
    const unique: WriteBatch = { spans: spans.unique, scores: scores.unique, logs: logs.unique };
    await this.db.exclusive(async () => {
      const stored = await this.findStoredWith(unique, (sql, params) => this.db.writeAll(sql, params));
      const fresh: WriteBatch = {
        spans: unique.spans.filter((_, i) => !stored.spans[i]),
        scores: unique.scores.filter((_, i) => !stored.scores[i]),
        logs: unique.logs.filter((_, i) => !stored.logs[i]),
      };
      const encoded = this.encode(fresh, Date.now() * 1000);
      const files: LoadFiles = { spans: [], scores: [], logs: [] };
      for (const kind of ['spans', 'scores', 'logs'] as const) {
        if (!encoded[kind]) continue;
        const file = join(this.stagingDir, `${kind}.ndjson`);
        await writeFile(file, encoded[kind], { mode: PRIVATE_FILE_MODE });
        files[kind].push(file);
      }
      // Staging files hold the rows as sent (prompts included): they do not outlive the load.
      try {
        await this.loadUnlocked(files, encoded.spanWindowUs);
      } finally {
        for (const kind of ['spans', 'scores', 'logs'] as const) for (const f of files[kind]) await unlink(f).catch(() => undefined);
      }
      for (const [group, items] of [
        [spans, fresh.spans.map(spanKey)],
        [scores, fresh.scores.map(eventKey)],
        [logs, fresh.logs.map(eventKey)],
      ] as const) {
        for (const k of items) group.outcome[group.index.get(k)!] = 'accepted';
      }
    });
    return { spans: spans.outcome, scores: scores.outcome, logs: logs.outcome };
  }

  async latestSpanStartUs(): Promise<number | null> {
    const rows = await this.db.all('SELECT epoch_us(max(start_time)) AS us FROM spans');
    return rows[0].us === null ? null : Number(rows[0].us);
  }

  findStored(batch: WriteBatch): Promise<StoredFlags> {
    // Ingest's duplicate check serves every client whose records share the batch: its own share
    // of the readers, not that of whichever request happened to start the batch.
    return runAsReadTenant(INGEST_READS, () => this.findStoredWith(batch, (sql, params) => this.db.all(sql, params)));
  }

  // Spans: retries carry the same start time, so the lookup only needs the batch's time window,
  // where the zone maps skip older row groups. Scores and logs: their primary key.
  private async findStoredWith(batch: WriteBatch, run: (sql: string, params: SqlParams) => Promise<Row[]>): Promise<StoredFlags> {
    const out: StoredFlags = { spans: batch.spans.map(() => false), scores: batch.scores.map(() => false), logs: batch.logs.map(() => false) };
    if (batch.spans.length) {
      const [lo, hi] = spanWindow(batch.spans)!;
      const rows = await run(
        `SELECT project_id, trace_id, span_id FROM spans
         WHERE start_time BETWEEN make_timestamp($lo) AND make_timestamp($hi) AND span_id IN (SELECT unnest($ids))`,
        { lo, hi, ids: listValue(batch.spans.map((s) => s.spanId)) },
      );
      if (rows.length) {
        const stored = new Set(rows.map((r) => `${r.project_id}\u0000${r.trace_id}\u0000${r.span_id}`));
        batch.spans.forEach((s, i) => (out.spans[i] = stored.has(spanKey(s))));
      }
    }
    for (const kind of ['scores', 'logs'] as const) {
      const records = batch[kind];
      if (!records.length) continue;
      const rows = await run(`SELECT project_id, id FROM ${kind} WHERE id IN (SELECT unnest($ids))`, {
        ids: listValue(records.map((r) => r.id)),
      });
      if (rows.length) {
        const stored = new Set(rows.map((r) => `${r.project_id}\u0000${r.id}`));
        records.forEach((r, i) => (out[kind][i] = stored.has(eventKey(r))));
      }
    }
    return out;
  }

  encode(batch: WriteBatch, ingestedAtUs: number): EncodedBatch {
    let spans = '';
    for (const s of batch.spans) spans += JSON.stringify(spanRow(s, ingestedAtUs)) + '\n';
    let scores = '';
    for (const s of batch.scores) scores += JSON.stringify(scoreRow(s)) + '\n';
    let logs = '';
    for (const l of batch.logs) logs += JSON.stringify(logRow(l)) + '\n';
    return { spans, scores, logs, spanWindowUs: spanWindow(batch.spans) };
  }

  // Attribution is usually set on a trace's root span (OpenTelemetry users put user.id or the
  // feature there), while the cost is on its LLM spans. So that cost by user, team or feature
  // counts them, spans of the traces just loaded take the root's attribution where they have
  // none. Only the root gives (a sibling's user is not the trace's), and arrival order does not
  // matter: whichever of root and child is loaded last, its load fills the trace. Spans are looked
  // for within an hour of the loaded window. Lookout's judge feature is never given
  // (domain/attribution.ts).
  private async fillTraceAttribution(window: [number, number] | null): Promise<void> {
    if (window === null) return;
    const fields = ['user_id', 'session_id', 'feature', 'team', 'department', 'application', 'environment'];
    await this.db.run(
      `UPDATE spans SET ${fields.map((f) => `${f} = coalesce(spans.${f}, t.${f})`).join(', ')}
       FROM (
         SELECT s.project_id, s.trace_id,
           ${fields.map((f) => `any_value(s.${f}) FILTER (WHERE s.${f} IS NOT NULL${f === 'feature' ? ` AND ${applicationSpansSql('s.feature')}` : ''}) AS ${f}`).join(',\n           ')}
         FROM spans s
         WHERE s.parent_span_id IS NULL AND s.start_time BETWEEN make_timestamp($lo) AND make_timestamp($hi)
           AND (s.project_id, s.trace_id) IN (SELECT (project_id, trace_id) FROM ${LOADED_SPANS})
         GROUP BY s.project_id, s.trace_id
       ) t
       WHERE spans.project_id = t.project_id AND spans.trace_id = t.trace_id
         AND spans.start_time BETWEEN make_timestamp($lo) AND make_timestamp($hi)
         AND (${fields.map((f) => `(spans.${f} IS NULL AND t.${f} IS NOT NULL)`).join(' OR ')})`,
      { lo: window[0] - HOUR_US, hi: window[1] + HOUR_US },
    );
  }

  load(files: LoadFiles, spanWindowUs: [number, number] | null, options: { replay?: boolean } = {}): Promise<void> {
    return this.db.exclusive(() => this.loadUnlocked(files, spanWindowUs, options.replay ?? false));
  }

  // One transaction. Rows already stored are skipped: spans by an anti-join inside the time
  // window, scores and logs by their primary key.
  private async loadUnlocked(files: LoadFiles, spanWindowUs: [number, number] | null, replay = false): Promise<void> {
    const distinct = (rows: string, key: string) => (replay ? `SELECT DISTINCT ON (${key}) * FROM (${rows})` : rows);
    const source = (cols: typeof SPAN_JSON, paths: string[], key: string) => distinct(readJsonSelect(cols, paths), key);
    if (!files.spans.length && !files.scores.length && !files.logs.length) return;
    await this.db.run('BEGIN TRANSACTION');
    try {
      let window = spanWindowUs;
      if (files.spans.length) {
        // Every line carries its prompt and response. The files are read twice: whole by the
        // insert, and for their keys once, here, for the window and every fill below. Copying the
        // whole rows into a temporary table for the insert to read cost more than this read.
        await this.db.run(
          `CREATE OR REPLACE TEMP TABLE ${LOADED_SPANS_NAME} AS SELECT project_id, trace_id, start_us
           FROM read_json(${sqlFileList(files.spans)}, format = 'newline_delimited', columns = {project_id: 'VARCHAR', trace_id: 'VARCHAR', start_us: 'BIGINT'})`,
        );
        if (window === null) {
          const r = await this.db.writeAll(`SELECT min(start_us) AS lo, max(start_us) AS hi FROM ${LOADED_SPANS}`);
          window = [Number(r[0].lo), Number(r[0].hi)];
        }
        await this.db.run(
          `INSERT INTO spans BY NAME
           SELECT s.* FROM (${source(SPAN_JSON, files.spans, 'project_id, trace_id, span_id')}) s
           WHERE NOT EXISTS (
             SELECT 1 FROM spans t
             WHERE t.start_time BETWEEN make_timestamp($lo) AND make_timestamp($hi)
               AND t.project_id = s.project_id AND t.trace_id = s.trace_id AND t.span_id = s.span_id)`,
          { lo: window[0], hi: window[1] },
        );
        await this.hours.markLate(LOADED_SPANS, window);
      }
      if (files.spans.length) await this.fillTraceAttribution(window);
      if (files.scores.length) {
        // Read once, like the spans: the insert and the fill below both need them.
        await this.db.run(`CREATE OR REPLACE TEMP TABLE ${LOADED_SCORES_NAME} AS ${readJsonSelect(SCORE_JSON, files.scores)}`);
        await this.db.run(`INSERT OR IGNORE INTO scores BY NAME ${distinct(`SELECT * FROM ${LOADED_SCORES}`, 'project_id, id')}`);
        // A score takes its trace's feature, model and application from the stored spans,
        // whichever of them is loaded last.
        await fillLoadedScores(this.db, LOADED_SCORES);
      }
      if (files.spans.length && window !== null) await fillScoresOfLoadedSpans(this.db, LOADED_SPANS, window);
      if (files.logs.length) await this.db.run(`INSERT OR IGNORE INTO logs BY NAME ${source(LOG_JSON, files.logs, 'project_id, id')}`);
      // What was staged leaves memory with the load.
      if (files.spans.length) await this.db.run(`DROP TABLE ${LOADED_SPANS}`);
      if (files.scores.length) await this.db.run(`DROP TABLE ${LOADED_SCORES}`);
      await this.db.run('COMMIT');
      this.scheduleHourRollups();
    } catch (err) {
      await this.db.run('ROLLBACK').catch(() => undefined);
      throw err;
    }
  }

  async listSpans(project: ProjectId, filter: SpanFilter, page: Page, options: { total?: boolean } = {}): Promise<SpanPage> {
    const { where, params } = spanFilterSql(project, filter);
    const [rows, count] = await Promise.all([
      this.db.all(
        `SELECT ${SPAN_COLUMNS} FROM spans WHERE ${where} ORDER BY ${SPAN_ORDER[filter.orderBy ?? 'start']}, span_id LIMIT $limit OFFSET $offset`,
        { ...params, limit: page.limit, offset: page.offset },
      ),
      options.total === false ? Promise.resolve(null) : this.db.all(`SELECT count(*) AS n FROM spans WHERE ${where}`, params),
    ]);
    return { spans: rows.map(rowToSpan), total: count === null ? null : Number(count[0].n) };
  }

  async getSpan(project: ProjectId, spanId: string): Promise<SpanRecord | null> {
    const rows = await this.db.all(`SELECT ${SPAN_COLUMNS} FROM spans WHERE project_id = $project AND span_id = $spanId LIMIT 1`, {
      project,
      spanId,
    });
    return rows.length ? rowToSpan(rows[0]) : null;
  }

  async getTrace(project: ProjectId, traceId: string, limit?: number, options: { content?: boolean } = {}): Promise<TraceDetail> {
    const p = { project, traceId, limit: limit ?? null };
    const columns = options.content === false ? SPAN_COLUMNS_WITHOUT_CONTENT : SPAN_COLUMNS;
    const [spans, scores, logs] = await Promise.all([
      this.db.all(`SELECT ${columns} FROM spans WHERE project_id = $project AND trace_id = $traceId ORDER BY start_time, span_id LIMIT $limit`, p),
      this.db.all(`SELECT ${SCORE_COLUMNS} FROM scores WHERE project_id = $project AND trace_id = $traceId ORDER BY timestamp, id LIMIT $limit`, p),
      this.db.all(`SELECT ${LOG_COLUMNS} FROM logs WHERE project_id = $project AND trace_id = $traceId ORDER BY timestamp, id LIMIT $limit`, p),
    ]);
    return { spans: spans.map(rowToSpan), scores: scores.map(rowToScore), logs: logs.map(rowToLog) };
  }

  async listTraces(project: ProjectId, filter: SpanFilter, page: Page, options: { total?: boolean } = {}): Promise<TracePage> {
    const params: Record<string, string | number> = { project };
    // The judge's own traces are listed only when asked for (evaluation-scope.ts).
    const inRange = ['project_id = $project', ...timeSql(filter, params), ...(listingAsksForEvaluation(filter) ? [] : [APPLICATION_SPANS_SQL])].join(' AND ');
    // A span-level filter selects the traces that have a matching span in the range (a semi-join,
    // so that only those traces are grouped); cost and duration ranges apply to the trace's totals.
    const where = [inRange, ...spanMatchSql(filter, params).map((p) => `trace_id IN (SELECT trace_id FROM spans WHERE ${inRange} AND ${p})`)].join(' AND ');
    const having = [
      ...rangeSql('sum(cost_usd)', filter.minCostUsd, filter.maxCostUsd, 'cost', params),
      ...rangeSql('(epoch_us(max(end_time)) - epoch_us(min(start_time))) / 1000.0', filter.minDurationMs, filter.maxDurationMs, 'duration', params),
    ];
    const grouped = (extraWhere: string) => `SELECT trace_id,
        arg_min(name, (parent_span_id IS NOT NULL, start_time)) AS name,
        epoch_us(min(start_time)) AS start_us,
        (epoch_us(max(end_time)) - epoch_us(min(start_time))) / 1000.0 AS duration_ms,
        count(*) AS spans,
        count(*) FILTER (WHERE kind IN ('generation', 'embedding')) AS calls,
        sum(cost_usd) AS cost_usd,
        count(*) FILTER (WHERE cost_status = 'unknown_model') AS unknown_cost_calls,
        coalesce(sum(total_tokens) FILTER (WHERE kind IN ('generation', 'embedding')), 0) AS tokens,
        bool_or(status = 'error') AS has_error,
        any_value(user_id) FILTER (WHERE user_id IS NOT NULL) AS user_id,
        any_value(session_id) FILTER (WHERE session_id IS NOT NULL) AS session_id,
        list_sort(list_distinct(list(model) FILTER (WHERE model IS NOT NULL))) AS models
      FROM spans WHERE ${where}${extraWhere}
      GROUP BY trace_id ${having.length ? `HAVING ${having.join(' AND ')}` : ''}`;
    const pageSql = (extraWhere: string) =>
      `${grouped(extraWhere)} ORDER BY ${TRACE_ORDER[filter.orderBy ?? 'start']}, trace_id LIMIT $limit OFFSET $offset`;
    // Without a condition on the trace's totals, a distinct count (no per-trace groups to build).
    const countSql = having.length
      ? `SELECT count(*) AS n FROM (SELECT trace_id FROM spans WHERE ${where} GROUP BY trace_id HAVING ${having.join(' AND ')})`
      : `SELECT count(DISTINCT trace_id) AS n FROM spans WHERE ${where}`;
    const [rows, count] = await Promise.all([
      (filter.orderBy ?? 'start') === 'start'
        ? this.#newestTraces(filter, params, page, pageSql)
        : this.db.all(pageSql(''), { ...params, limit: page.limit, offset: page.offset }),
      options.total === false ? Promise.resolve(null) : this.db.all(countSql, params),
    ]);
    return {
      total: count === null ? null : Number(count[0].n),
      traces: rows.map((r) => ({
        traceId: String(r.trace_id),
        name: String(r.name),
        startUs: Number(r.start_us),
        durationMs: Number(r.duration_ms),
        spans: Number(r.spans),
        calls: Number(r.calls),
        costUsd: r.cost_usd === null ? null : Number(r.cost_usd),
        unknownCostCalls: Number(r.unknown_cost_calls),
        tokens: Number(r.tokens),
        hasError: Boolean(r.has_error),
        userId: r.user_id === null ? null : String(r.user_id),
        sessionId: r.session_id === null ? null : String(r.session_id),
        models: (r.models as string[] | null) ?? [],
      })),
    };
  }

  // The newest traces without grouping the whole range: group the last hour of it, then four
  // times as much, and so on, until a window holds a full page. A trace is taken from a window
  // when none of its spans starts in the hour before the window, so its summary and filters are
  // computed over all its spans; a trace whose spans are more than an hour apart may be listed
  // with only its later spans when the window cuts it (the trace view always shows all of them).
  // The last window is the whole range, grouped as it is.
  async #newestTraces(
    filter: SpanFilter,
    params: Record<string, string | number>,
    page: Page,
    pageSql: (extraWhere: string) => string,
  ): Promise<Record<string, unknown>[]> {
    // The range's ends as given (no scan to find the first and last span); without a start, the
    // first span stored.
    const hi = filter.toMs !== undefined ? Math.trunc(filter.toMs * 1000) : Date.now() * 1000;
    let lo = filter.fromMs !== undefined ? Math.trunc(filter.fromMs * 1000) : null;
    if (lo === null) {
      const first = await this.db.all('SELECT epoch_us(min(start_time)) AS lo FROM spans WHERE project_id = $project', { project: params.project });
      if (first[0].lo === null) return [];
      lo = Number(first[0].lo);
    }
    for (let windowUs = HOUR_US; ; windowUs *= 4) {
      const startUs = hi - windowUs;
      if (startUs <= lo) return this.db.all(pageSql(''), { ...params, limit: page.limit, offset: page.offset });
      const rows = await this.db.all(
        pageSql(
          ` AND start_time >= make_timestamp($windowUs) AND trace_id NOT IN (SELECT trace_id FROM spans WHERE project_id = $project
              AND start_time >= make_timestamp($lookbackUs) AND start_time < make_timestamp($windowUs))`,
        ),
        { ...params, windowUs: startUs, lookbackUs: startUs - TRACE_LOOKBACK_US, limit: page.limit, offset: page.offset },
      );
      if (rows.length === page.limit) return rows;
    }
  }

  async writeMetricPoints(points: MetricPointRecord[]): Promise<{ accepted: number; duplicates: number }> {
    if (!points.length) return { accepted: 0, duplicates: 0 };
    const unique = firstOccurrences(points, eventKey).unique;
    const inserted = await this.db.exclusive(async () => {
      const file = join(this.stagingDir, 'metrics.ndjson');
      let text = '';
      for (const p of unique) text += JSON.stringify(metricRow(p)) + '\n';
      await writeFile(file, text, { mode: PRIVATE_FILE_MODE });
      try {
        return await this.db.writeAll(`INSERT OR IGNORE INTO metric_points BY NAME ${readJsonSelect(METRIC_JSON, file)} RETURNING id`);
      } finally {
        await unlink(file).catch(() => undefined);
      }
    });
    return { accepted: inserted.length, duplicates: points.length - inserted.length };
  }

  async listMetricNames(project: ProjectId, range: { fromMs: number; toMs: number }): Promise<MetricNameSummary[]> {
    const rows = await this.db.all(
      `SELECT name, any_value(unit) AS unit, any_value(kind) AS kind, count(DISTINCT series) AS series, count(*) AS points,
         strftime(max(time), '%Y-%m-%dT%H:%M:%SZ') AS last_seen
       FROM metric_points WHERE project_id = $project AND time >= make_timestamp($from) AND time < make_timestamp($to)
       GROUP BY name ORDER BY name`,
      { project, from: Math.trunc(range.fromMs * 1000), to: Math.trunc(range.toMs * 1000) },
    );
    return rows.map((r) => ({ name: String(r.name), unit: String(r.unit), kind: String(r.kind), series: Number(r.series), points: Number(r.points), lastSeen: String(r.last_seen) }));
  }

  async metricPoints(project: ProjectId, name: string, range: { fromMs: number; toMs: number }, limit: number): Promise<MetricPointRecord[]> {
    const rows = await this.db.all(
      `SELECT ${METRIC_COLUMNS} FROM metric_points
       WHERE project_id = $project AND name = $name AND time >= make_timestamp($from) AND time < make_timestamp($to)
       ORDER BY time, id LIMIT $limit`,
      { project, name, from: Math.trunc(range.fromMs * 1000), to: Math.trunc(range.toMs * 1000), limit },
    );
    return rows.map(rowToMetricPoint);
  }

  async listScores(project: ProjectId, filter: ScoreFilter, page: Page): Promise<ScoreRecord[]> {
    const { where, params } = scoreFilterSql(project, filter);
    const rows = await this.db.all(`SELECT ${SCORE_COLUMNS} FROM scores WHERE ${where} ORDER BY timestamp DESC, id LIMIT $limit OFFSET $offset`, {
      ...params,
      limit: page.limit,
      offset: page.offset,
    });
    return rows.map(rowToScore);
  }

  async countScores(project: ProjectId, filter: ScoreFilter): Promise<number> {
    const { where, params } = scoreFilterSql(project, filter);
    return Number((await this.db.all(`SELECT count(*) AS n FROM scores WHERE ${where}`, params))[0].n);
  }

  async listLogs(project: ProjectId, filter: { traceId?: string }, page: Page): Promise<LogRecord[]> {
    return (await this.listLinked('logs', LOG_COLUMNS, project, filter, page)).map(rowToLog);
  }

  // Scores and logs: newest first, optionally of one trace.
  private listLinked(table: 'scores' | 'logs', columns: string, project: ProjectId, filter: { traceId?: string }, page: Page): Promise<Row[]> {
    const params: SqlParams = { project, limit: page.limit, offset: page.offset };
    let where = 'project_id = $project';
    if (filter.traceId) {
      where += ' AND trace_id = $traceId';
      params.traceId = filter.traceId;
    }
    return this.db.all(`SELECT ${columns} FROM ${table} WHERE ${where} ORDER BY timestamp DESC, id LIMIT $limit OFFSET $offset`, params);
  }

  async listProjects(): Promise<Project[]> {
    const rows = await this.db.all("SELECT id, name, strftime(created_at, '%Y-%m-%dT%H:%M:%SZ') AS created_at, content_capture FROM projects ORDER BY id");
    return rows.map((r) => ({
      id: String(r.id) as ProjectId,
      name: String(r.name),
      createdAt: String(r.created_at),
      contentCapture: r.content_capture as ContentCapture,
    }));
  }

  async setContentCapture(project: ProjectId, mode: ContentCapture): Promise<Project | null> {
    const rows = await this.db.exclusive(() =>
      this.db.writeAll('UPDATE projects SET content_capture = $mode WHERE id = $project RETURNING id', { project, mode }),
    );
    if (!rows.length) return null;
    return (await this.listProjects()).find((p) => p.id === project) ?? null;
  }

  async purgeContent(project: ProjectId, purge: ContentPurge): Promise<ContentPurgeResult> {
    const changed = await purgeStoredContent(this.db, project, purge);
    return { ...changed, compactsOnStop: this.compactAfterDeletes(changed.spans + changed.logs) };
  }

  // Rows changed or deleted leave their old versions in free blocks: the file is rewritten when
  // the store closes (compact.ts). Whether it will be.
  private compactAfterDeletes(rows: number): boolean {
    if (rows > 0 && this.dataDir !== null) {
      markCompactPending(this.dataDir);
      this.compactOnClose = true;
    }
    return this.compactOnClose;
  }

  async createProject(id: ProjectId, name: string): Promise<Project> {
    await this.db.exclusive(() => this.db.run('INSERT OR IGNORE INTO projects (id, name) VALUES ($id, $name)', { id, name }));
    const p = (await this.listProjects()).find((x) => x.id === id);
    if (!p) throw new Error(`project ${id} could not be created`);
    return p;
  }

  async createApiKey(project: ProjectId, scope: KeyScope, name: string | null): Promise<{ info: ApiKeyInfo; key: string }> {
    const { id, key, hash, prefix } = mintApiKey();
    await this.db.exclusive(async () => {
      const exists = await this.db.writeAll('SELECT 1 FROM projects WHERE id = $project', { project });
      if (!exists.length) await this.db.run('INSERT INTO projects (id, name) VALUES ($project, $project)', { project });
      await this.db.run(
        'INSERT INTO api_keys (id, project_id, key_hash, key_prefix, scope, name) VALUES ($id, $project, $hash, $prefix, $scope, $name)',
        { id, project, hash, prefix, scope, name },
      );
    });
    const info = (await this.listApiKeys(project)).find((k) => k.id === id);
    if (!info) throw new Error('api key was not stored');
    return { info, key };
  }

  private static rowToKey(r: Row): ApiKeyInfo {
    return {
      id: String(r.id),
      projectId: String(r.project_id) as ProjectId,
      prefix: String(r.key_prefix),
      scope: r.scope as KeyScope,
      name: r.name === null ? null : String(r.name),
      createdAt: String(r.created_at),
      revokedAt: r.revoked_at === null ? null : String(r.revoked_at),
    };
  }

  private static readonly KEY_COLUMNS = `id, project_id, key_prefix, scope, name,
    strftime(created_at, '%Y-%m-%dT%H:%M:%SZ') AS created_at, strftime(revoked_at, '%Y-%m-%dT%H:%M:%SZ') AS revoked_at`;

  async resolveApiKey(key: string): Promise<ApiKeyInfo | null> {
    const rows = await this.db.control(
      `SELECT ${DuckDbStore.KEY_COLUMNS} FROM api_keys WHERE key_hash = $hash AND revoked_at IS NULL`,
      { hash: hashApiKey(key) },
    );
    return rows.length ? DuckDbStore.rowToKey(rows[0]) : null;
  }

  async listApiKeys(project: ProjectId): Promise<ApiKeyInfo[]> {
    const rows = await this.db.all(`SELECT ${DuckDbStore.KEY_COLUMNS} FROM api_keys WHERE project_id = $project ORDER BY created_at`, { project });
    return rows.map(DuckDbStore.rowToKey);
  }

  async revokeApiKey(project: ProjectId, keyId: string): Promise<boolean> {
    const rows = await this.db.exclusive(() =>
      this.db.writeAll(
        'UPDATE api_keys SET revoked_at = current_timestamp WHERE project_id = $project AND id = $id AND revoked_at IS NULL RETURNING id',
        { project, id: keyId },
      ),
    );
    return rows.length > 0;
  }

  async deleteProject(project: ProjectId): Promise<boolean> {
    try {
      return await deleteProjectRows(this.db, project);
    } finally {
      this.prompts.forget(project);
    }
  }

  async countApiKeys(): Promise<number> {
    const rows = await this.db.all('SELECT count(*) AS n FROM api_keys WHERE revoked_at IS NULL');
    return Number(rows[0].n);
  }

  async listPriceOverrides(): Promise<StoredPriceOverride[]> {
    const rows = await this.db.all(`SELECT id, provider, model,
      strftime(effective_from, '%Y-%m-%dT%H:%M:%S.%gZ') AS effective_from, strftime(effective_to, '%Y-%m-%dT%H:%M:%S.%gZ') AS effective_to,
      input_per_mtok_usd, output_per_mtok_usd, cache_read_per_mtok_usd, cache_write_per_mtok_usd, reasoning_per_mtok_usd, audio_per_mtok_usd, source
      FROM price_overrides ORDER BY effective_from, id`);
    const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
    return rows.map((r) => ({
      id: String(r.id),
      provider: r.provider === null ? null : String(r.provider),
      model: String(r.model),
      effectiveFrom: String(r.effective_from),
      effectiveTo: r.effective_to === null ? null : String(r.effective_to),
      inputPerMtokUsd: Number(r.input_per_mtok_usd),
      outputPerMtokUsd: Number(r.output_per_mtok_usd),
      cacheReadPerMtokUsd: num(r.cache_read_per_mtok_usd),
      cacheWritePerMtokUsd: num(r.cache_write_per_mtok_usd),
      reasoningPerMtokUsd: num(r.reasoning_per_mtok_usd),
      audioPerMtokUsd: num(r.audio_per_mtok_usd),
      source: r.source as 'file' | 'api',
    }));
  }

  async upsertPriceOverride(o: StoredPriceOverride): Promise<void> {
    await this.db.exclusive(() =>
      this.db.run(
        `INSERT OR REPLACE INTO price_overrides (id, provider, model, effective_from, effective_to, input_per_mtok_usd, output_per_mtok_usd,
           cache_read_per_mtok_usd, cache_write_per_mtok_usd, reasoning_per_mtok_usd, audio_per_mtok_usd, source)
         VALUES ($id, $provider, $model, $from::TIMESTAMPTZ::TIMESTAMP, $to::TIMESTAMPTZ::TIMESTAMP, $input, $output, $cacheRead, $cacheWrite, $reasoning, $audio, $source)`,
        {
          id: o.id,
          provider: o.provider,
          model: o.model,
          from: o.effectiveFrom,
          to: o.effectiveTo,
          input: o.inputPerMtokUsd,
          output: o.outputPerMtokUsd,
          cacheRead: o.cacheReadPerMtokUsd ?? null,
          cacheWrite: o.cacheWritePerMtokUsd ?? null,
          reasoning: o.reasoningPerMtokUsd ?? null,
          audio: o.audioPerMtokUsd ?? null,
          source: o.source,
        },
      ),
    );
  }

  async deletePriceOverride(id: string): Promise<boolean> {
    const rows = await this.db.exclusive(() => this.db.writeAll('DELETE FROM price_overrides WHERE id = $id RETURNING id', { id }));
    return rows.length > 0;
  }

  async listUnknownModels(project: ProjectId): Promise<UnknownModel[]> {
    const rows = await this.db.all(
      `SELECT provider, model, count(*) AS calls, sum(total_tokens) AS tokens,
         strftime(min(start_time), '%Y-%m-%dT%H:%M:%SZ') AS first_seen, strftime(max(start_time), '%Y-%m-%dT%H:%M:%SZ') AS last_seen
       FROM spans WHERE project_id = $project AND cost_status = 'unknown_model'
       GROUP BY ALL ORDER BY calls DESC, model`,
      { project },
    );
    return rows.map((r) => ({
      provider: r.provider === null ? null : String(r.provider),
      model: r.model === null ? null : String(r.model),
      calls: Number(r.calls),
      totalTokens: Number(r.tokens),
      firstSeen: String(r.first_seen),
      lastSeen: String(r.last_seen),
    }));
  }

  reprice(price: (span: SpanRecord) => SpanRecord['cost'], options: RepriceOptions): Promise<{ updated: number }> {
    return repriceSpans(this.repriceTarget, price, options);
  }

  private readonly repriceTarget: RepriceTarget = {
    countCandidates: async (filter) => {
      const { where, params } = repriceWhere(filter);
      return Number((await this.db.all(`SELECT count(*) AS n FROM spans WHERE ${where}`, params))[0].n);
    },
    candidatesAfter: async (filter, after, limit) => {
      const { where, params } = repriceWhere(filter);
      // Keyset pagination over the primary identity.
      const rows = await this.db.all(
        `SELECT ${SPAN_COLUMNS} FROM spans WHERE ${where} AND (project_id, trace_id, span_id) > ($ap, $at, $as)
         ORDER BY project_id, trace_id, span_id LIMIT ${Math.trunc(limit)}`,
        { ...params, ap: after?.projectId ?? '', at: after?.traceId ?? '', as: after?.spanId ?? '' },
      );
      return rows.map(rowToSpan);
    },
    applyCosts: (changes) =>
      this.db.transaction(async () => {
        await this.db.run('CREATE TEMP TABLE IF NOT EXISTS reprice_staging (project_id VARCHAR, trace_id VARCHAR, span_id VARCHAR, cost_status VARCHAR, cost_usd DECIMAL(18,9), cost_breakdown VARCHAR, price_row_id VARCHAR, catalog_version VARCHAR)');
        await this.db.run('DELETE FROM temp.reprice_staging');
        const a = await this.db.writer.createAppender('reprice_staging', 'main', 'temp');
        for (const { span, cost } of changes) {
          a.appendVarchar(span.projectId);
          a.appendVarchar(span.traceId);
          a.appendVarchar(span.spanId);
          a.appendVarchar(cost.status);
          if (cost.totalNanoUsd === null) a.appendNull();
          else a.appendVarchar(nanoToDecimal(cost.totalNanoUsd));
          if (Object.keys(cost.byBucketNanoUsd).length) a.appendVarchar(JSON.stringify(cost.byBucketNanoUsd));
          else a.appendNull();
          if (cost.priceRowId === null) a.appendNull();
          else a.appendVarchar(cost.priceRowId);
          if (cost.catalogVersion === null) a.appendNull();
          else a.appendVarchar(cost.catalogVersion);
          a.endRow();
        }
        a.closeSync();
        await this.hours.invalidate();
        await this.db.run(`UPDATE spans SET cost_status = r.cost_status, cost_usd = r.cost_usd, cost_breakdown = r.cost_breakdown,
            price_row_id = r.price_row_id, catalog_version = r.catalog_version
          FROM temp.reprice_staging r
          WHERE spans.project_id = r.project_id AND spans.trace_id = r.trace_id AND spans.span_id = r.span_id`);
      }),
  };

  listSecurityEvents(...args: Parameters<DuckDbSecurityEvents['listSecurityEvents']>): Promise<LogRecord[]> {
    return this.securityEvents.listSecurityEvents(...args);
  }

  securityEventCounts(...args: Parameters<DuckDbSecurityEvents['securityEventCounts']>): ReturnType<DuckDbSecurityEvents['securityEventCounts']> {
    return this.securityEvents.securityEventCounts(...args);
  }

  topErrors(...args: Parameters<DuckDbQuality['topErrors']>): ReturnType<DuckDbQuality['topErrors']> {
    return this.quality.topErrors(...args);
  }

  lowScores(...args: Parameters<DuckDbQuality['lowScores']>): ReturnType<DuckDbQuality['lowScores']> {
    return this.quality.lowScores(...args);
  }

  healthInputs(...args: Parameters<DuckDbQuality['healthInputs']>): ReturnType<DuckDbQuality['healthInputs']> {
    return this.quality.healthInputs(...args);
  }

  exportSpans(after: SpanCursor | null, limit: number): Promise<SpanRecord[]> {
    return this.exporter.exportSpans(after, limit);
  }

  exportScores(after: EventCursor | null, limit: number): Promise<ScoreRecord[]> {
    return this.exporter.exportScores(after, limit);
  }

  exportLogs(after: EventCursor | null, limit: number): Promise<LogRecord[]> {
    return this.exporter.exportLogs(after, limit);
  }

  exportMetricPoints(after: MetricPointCursor | null, limit: number): Promise<MetricPointRecord[]> {
    return this.exporter.exportMetricPoints(after, limit);
  }

  exportApiKeys(): Promise<StoredApiKey[]> {
    return this.exporter.exportApiKeys();
  }

  importApiKeys(keys: StoredApiKey[]): Promise<ApiKeyImport> {
    return this.exporter.importApiKeys(keys);
  }

  contextWindows(fromMs: number): Promise<PairWindow[]> {
    return contextWindows(this.db, fromMs, this.windowOf);
  }

  aggregateCalls(range: CallAggregateRange): Promise<CallAggregateRow[]> {
    return aggregateCalls(this.db, range, this.windowOf);
  }

  aggregateRetrieval(range: RetrievalAggregateRange): Promise<RetrievalAggregateRow[]> {
    return aggregateRetrieval(this.db, range);
  }

  promptRepeats(project: ProjectId, q: PromptRepeatQuery): Promise<PromptRepeatRow[]> {
    return promptRepeats(this.db, project, q);
  }

  experimentGroups(project: ProjectId, q: ExperimentQuery): Promise<ExperimentGroupStats[]> {
    return experimentGroups(this.db, project, q);
  }

  aggregateScores(range: { fromMs: number; bucketMs: number }): Promise<ScoreAggregateRow[]> {
    return aggregateScores(this.db, range);
  }

  eachCallAggregate(range: CallAggregateRange, visit: (rows: CallAggregateRow[]) => void): Promise<number> {
    return eachCallAggregate(this.db, range, visit, this.windowOf);
  }

  eachScoreAggregate(range: { fromMs: number; bucketMs: number }, visit: (rows: ScoreAggregateRow[]) => void): Promise<number> {
    return eachScoreAggregate(this.db, range, visit);
  }

  spendByAttribution(project: ProjectId, query: SpendQuery): Promise<SpendResult> {
    return spendByAttribution(this.db, project, query);
  }

  // A consistent copy of the whole database in a new file (docs/data-lifecycle.md#backup-and-restore).
  readonly localBackup: LocalBackup = {
    databaseFile: DATABASE_FILE,
    liveEntries: [DATABASE_FILE, `${DATABASE_FILE}.wal`, COMPACTED_FILE, `${COMPACTED_FILE}.wal`, COMPACT_PENDING_FILE, 'staging'],
    backupTo: (file: string) => copyDatabaseTo(this.db, file),
  };

  async close(): Promise<void> {
    this.closed = true;
    if (this.hoursTimer !== null) clearTimeout(this.hoursTimer);
    await this.db.exclusive(async () => {
      await this.db.run('CHECKPOINT').catch(() => undefined);
      this.db.close();
    });
    if (this.compactOnClose && this.dataDir !== null) await compactDatabase(this.dataDir);
  }
}
