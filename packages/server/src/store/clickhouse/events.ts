import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { SpanRecord } from '../../domain/span.ts';
import { eventKey, firstOccurrences, spanKey, spanWindow } from '../batch.ts';
import type { EncodedBatch, EventStore, LoadFiles, StoredFlags, WriteBatch, WriteResult } from '../store.ts';
import { paramChunks, type Ch } from './client.ts';
import { logRow, rowToSpan, scoreRow, SPAN_COLUMNS, spanRow, type ChRow } from './rows.ts';
import { nextVersion } from './version.ts';
import type { ChHourTotals } from './hour-totals.ts';
import { ChScoreContext, scoresOfFiles } from './score-context.ts';
import { EVALUATION_FEATURE } from '../../domain/quality.ts';

// Events in. Rows are inserted as they come (ReplacingMergeTree keeps one row per identity), so
// loading a journal file twice, or the same batch on two nodes, stores each row once; reads use
// FINAL. The duplicate check before acknowledging (findStored) is what lets ingest answer
// 'duplicate' to a retry.

const HOUR_US = 3_600_000_000;
// Attribution a trace's root span gives to its other spans (see fillTraceAttribution).
const ATTRIBUTION = ['user_id', 'session_id', 'feature', 'team', 'department', 'application', 'environment'] as const;

// The identity and start of each span row of a journal file, read without parsing whole rows:
// spanRow writes project_id, trace_id first and start_time as a decimal-seconds string.
const SPAN_HEAD = /^\{"project_id":("(?:[^"\\]|\\.)*"),"trace_id":("(?:[^"\\]|\\.)*")/;
const SPAN_START = /"start_time":"(\d+)\.(\d{6})"/;

interface LoadedSpans {
  traces: Map<string, { projectId: string; traceId: string }>;
  window: [number, number] | null;
  // Epoch seconds of the hours the spans start in.
  hours: Set<number>;
}

function scanSpanText(text: string, into: LoadedSpans): void {
  let lo = into.window?.[0] ?? Infinity;
  let hi = into.window?.[1] ?? -Infinity;
  for (const line of text.split('\n')) {
    if (!line) continue;
    const head = SPAN_HEAD.exec(line);
    if (head) {
      const projectId = JSON.parse(head[1]) as string;
      const traceId = JSON.parse(head[2]) as string;
      into.traces.set(`${projectId}\u0000${traceId}`, { projectId, traceId });
    }
    const start = SPAN_START.exec(line);
    if (start) {
      const us = Number(start[1]) * 1_000_000 + Number(start[2]);
      into.hours.add(Math.floor(us / HOUR_US) * 3600);
      if (us < lo) lo = us;
      if (us > hi) hi = us;
    }
  }
  into.window = lo <= hi ? [lo, hi] : null;
}

export class ChEvents implements Omit<EventStore, 'sharedWriters'> {
  private readonly ch: Ch;
  private readonly hours: ChHourTotals;
  private readonly scoreContext: ChScoreContext;
  // Writes of this node one at a time, so that two writes of the same record cannot both find it
  // unstored and both answer 'accepted'.
  private writing: Promise<unknown> = Promise.resolve();

  constructor(ch: Ch, hours: ChHourTotals) {
    this.ch = ch;
    this.hours = hours;
    this.scoreContext = new ChScoreContext(ch);
  }

  private table(name: string): string {
    return `${this.ch.database}.${name}`;
  }

  write(batch: WriteBatch): Promise<WriteResult> {
    const run = this.writing.then(() => this.writeNow(batch));
    this.writing = run.catch(() => undefined);
    return run;
  }

  private async writeNow(batch: WriteBatch): Promise<WriteResult> {
    const spans = firstOccurrences(batch.spans, spanKey);
    const scores = firstOccurrences(batch.scores, eventKey);
    const logs = firstOccurrences(batch.logs, eventKey);
    const unique: WriteBatch = { spans: spans.unique, scores: scores.unique, logs: logs.unique };
    const stored = await this.findStored(unique);
    const fresh: WriteBatch = {
      spans: unique.spans.filter((_, i) => !stored.spans[i]),
      scores: unique.scores.filter((_, i) => !stored.scores[i]),
      logs: unique.logs.filter((_, i) => !stored.logs[i]),
    };
    const version = nextVersion();
    // Late spans change hours already summed (hour-totals.ts): marked before and after.
    const hours = fresh.spans.map((s) => Math.floor(s.startUs / HOUR_US) * 3600);
    await this.hours.markLate(hours);
    await this.ch.insert(this.table('spans'), fresh.spans.map((s) => spanRow(s, version)));
    await this.hours.markLate(hours);
    await this.ch.insert(this.table('scores'), fresh.scores.map((s) => scoreRow(s, version)));
    await this.ch.insert(this.table('logs'), fresh.logs.map((l) => logRow(l, version)));
    if (fresh.spans.length) {
      const traces = new Map(fresh.spans.map((s) => [`${s.projectId}\u0000${s.traceId}`, { projectId: s.projectId, traceId: s.traceId }]));
      await this.fillTraceAttribution({ traces, window: spanWindow(fresh.spans), hours: new Set() });
    }
    // A score takes its trace's feature, model and application from the stored spans, whichever
    // of them is loaded last.
    await this.scoreContext.fillScores(fresh.scores);
    if (fresh.spans.length) await this.scoreContext.fillTraces(fresh.spans, spanWindow(fresh.spans)!);
    for (const [group, keys] of [
      [spans, fresh.spans.map(spanKey)],
      [scores, fresh.scores.map(eventKey)],
      [logs, fresh.logs.map(eventKey)],
    ] as const) {
      for (const k of keys) group.outcome[group.index.get(k)!] = 'accepted';
    }
    return { spans: spans.outcome, scores: scores.outcome, logs: logs.outcome };
  }

  async latestSpanStartUs(): Promise<number | null> {
    const rows = await this.ch.query<{ us: string | null }>(
      `SELECT if(count() = 0, NULL, toUnixTimestamp64Micro(max(start_time))) AS us FROM ${this.table('spans')}`,
    );
    return rows[0]?.us === null || rows[0]?.us === undefined ? null : Number(rows[0].us);
  }

  // Spans: retries carry the same start time, so the lookup is bounded by the batch's window
  // (the sorting key's hour), and by the projects in it. Scores and logs: their identity.
  async findStored(batch: WriteBatch): Promise<StoredFlags> {
    const out: StoredFlags = { spans: batch.spans.map(() => false), scores: batch.scores.map(() => false), logs: batch.logs.map(() => false) };
    if (batch.spans.length) {
      const [lo, hi] = spanWindow(batch.spans)!;
      const projects = [...new Set(batch.spans.map((s) => s.projectId))];
      const stored = new Set<string>();
      for (const ids of paramChunks(batch.spans.map((s) => s.spanId))) {
        const rows = await this.ch.query<{ project_id: string; trace_id: string; span_id: string }>(
          `SELECT DISTINCT project_id, trace_id, span_id FROM ${this.table('spans')}
           WHERE project_id IN {projects:Array(String)}
             AND start_time BETWEEN fromUnixTimestamp64Micro({lo:Int64}, 'UTC') AND fromUnixTimestamp64Micro({hi:Int64}, 'UTC')
             AND span_id IN {ids:Array(String)}`,
          { projects, lo, hi, ids },
        );
        for (const r of rows) stored.add(`${r.project_id}\u0000${r.trace_id}\u0000${r.span_id}`);
      }
      if (stored.size) batch.spans.forEach((s, i) => (out.spans[i] = stored.has(spanKey(s))));
    }
    for (const kind of ['scores', 'logs'] as const) {
      const records = batch[kind];
      if (!records.length) continue;
      const projects = [...new Set(records.map((r) => r.projectId))];
      const stored = new Set<string>();
      for (const ids of paramChunks(records.map((r) => r.id))) {
        const rows = await this.ch.query<{ project_id: string; id: string }>(
          `SELECT DISTINCT project_id, id FROM ${this.table(kind)} WHERE project_id IN {projects:Array(String)} AND id IN {ids:Array(String)}`,
          { projects, ids },
        );
        for (const r of rows) stored.add(`${r.project_id}\u0000${r.id}`);
      }
      if (stored.size) records.forEach((r, i) => (out[kind][i] = stored.has(eventKey(r))));
    }
    return out;
  }

  // The journal keeps these lines as they are; a load streams them to ClickHouse unchanged.
  encode(batch: WriteBatch, ingestedAtUs: number): EncodedBatch {
    let spans = '';
    for (const s of batch.spans) spans += JSON.stringify(spanRow(s, ingestedAtUs)) + '\n';
    let scores = '';
    for (const s of batch.scores) scores += JSON.stringify(scoreRow(s, ingestedAtUs)) + '\n';
    let logs = '';
    for (const l of batch.logs) logs += JSON.stringify(logRow(l, ingestedAtUs)) + '\n';
    return { spans, scores, logs, spanWindowUs: spanWindow(batch.spans) };
  }

  // The files are the node's own journal: read here and streamed to the server. A replay may
  // repeat rows; the table's identity keeps one of each either way.
  async load(files: LoadFiles, _spanWindowUs: [number, number] | null, _options: { replay?: boolean } = {}): Promise<void> {
    const loaded: LoadedSpans = { traces: new Map(), window: null, hours: new Set() };
    for (const file of files.spans) {
      const text = await readFile(file, 'utf8');
      scanSpanText(text, loaded);
      // Late spans change hours already summed (hour-totals.ts): marked before and after.
      await this.hours.markLate(loaded.hours);
      await this.ch.insertText(this.table('spans'), Readable.from([text]));
    }
    await this.hours.markLate(loaded.hours);
    for (const file of files.scores) await this.ch.insertText(this.table('scores'), createReadStream(file));
    for (const file of files.logs) await this.ch.insertText(this.table('logs'), createReadStream(file));
    if (loaded.traces.size) await this.fillTraceAttribution(loaded);
    if (files.scores.length) await this.scoreContext.fillScores(await scoresOfFiles(files.scores));
    if (loaded.traces.size && loaded.window) await this.scoreContext.fillTraces([...loaded.traces.values()], loaded.window);
  }

  // Attribution is usually set on a trace's root span, while the cost is on its LLM spans; so
  // that cost by user, team or feature counts them, the other spans of the traces just loaded
  // take the root's attribution where they have none (a new version of each such row). Only a
  // root (a span without a parent) gives, and whichever of root and child arrives last fills the
  // trace. Spans are looked
  // for within an hour of the loaded window.
  private async fillTraceAttribution(loaded: LoadedSpans): Promise<void> {
    if (!loaded.window || !loaded.traces.size) return;
    const projects = [...new Set([...loaded.traces.values()].map((t) => t.projectId))];
    for (const traces of paramChunks([...new Set([...loaded.traces.values()].map((t) => t.traceId))])) {
      await this.fillTraces(loaded, { projects, traces, lo: loaded.window[0] - HOUR_US, hi: loaded.window[1] + HOUR_US });
    }
  }

  private async fillTraces(loaded: LoadedSpans, params: { projects: string[]; traces: string[]; lo: number; hi: number }): Promise<void> {
    const window = `project_id IN {projects:Array(String)} AND trace_id IN {traces:Array(String)}
      AND start_time BETWEEN fromUnixTimestamp64Micro({lo:Int64}, 'UTC') AND fromUnixTimestamp64Micro({hi:Int64}, 'UTC')`;
    const lacking = ATTRIBUTION.map((f) => `${f} IS NULL`).join(' OR ');
    // Usually no span of these traces lacks anything: one read without FINAL (an old version
    // lacking what a newer one has only costs a second look) says so and ends it.
    const candidates = await this.ch.query<{ project_id: string; trace_id: string }>(
      `SELECT DISTINCT project_id, trace_id FROM ${this.table('spans')} WHERE ${window} AND (${lacking})`,
      params,
    );
    const traces = candidates.filter((r) => loaded.traces.has(`${r.project_id}\u0000${r.trace_id}`));
    if (!traces.length) return;
    const narrowed = { ...params, traces: [...new Set(traces.map((t) => t.trace_id))] };
    const roots = await this.ch.query<ChRow>(
      `SELECT project_id, trace_id, ${ATTRIBUTION.map((f) => `anyIf(${f}, ${f} IS NOT NULL) AS ${f}`).join(', ')}
       FROM ${this.table('spans')} FINAL
       WHERE ${window} AND parent_span_id IS NULL
       GROUP BY project_id, trace_id
       HAVING ${ATTRIBUTION.map((f) => `${f} IS NOT NULL`).join(' OR ')}`,
      narrowed,
    );
    const byTrace = new Map(roots.filter((r) => loaded.traces.has(`${r.project_id}\u0000${r.trace_id}`)).map((r) => [`${r.project_id}\u0000${r.trace_id}`, r]));
    if (!byTrace.size) return;
    // The current version of each span to fill: a new version carries every other column as is.
    const children = await this.ch.query<ChRow>(
      `SELECT ${SPAN_COLUMNS}, toUnixTimestamp64Micro(ingested_at) AS ingested_us
       FROM ${this.table('spans')} FINAL
       WHERE ${window} AND (${lacking})`,
      narrowed,
    );
    const version = nextVersion();
    const rows: ChRow[] = [];
    for (const c of children) {
      const root = byTrace.get(`${c.project_id}\u0000${c.trace_id}`);
      if (!root) continue;
      const span: SpanRecord = rowToSpan(c);
      const a = span.attribution;
      const fill = (own: string | null, field: (typeof ATTRIBUTION)[number]) => own ?? (root[field] as string | null);
      const filled = {
        userId: fill(a.userId, 'user_id'),
        sessionId: fill(a.sessionId, 'session_id'),
        // Lookout's judge feature is never given (domain/attribution.ts).
        feature: a.feature ?? (root.feature === EVALUATION_FEATURE ? null : (root.feature as string | null)),
        team: fill(a.team, 'team'),
        department: fill(a.department, 'department'),
        application: fill(a.application, 'application'),
        environment: fill(a.environment, 'environment'),
      };
      if (Object.entries(filled).every(([k, v]) => a[k as keyof typeof a] === v)) continue;
      rows.push({ ...spanRow({ ...span, attribution: filled }, Number(c.ingested_us)), version });
    }
    await this.ch.insert(this.table('spans'), rows);
  }
}
