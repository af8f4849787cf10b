import { readFile } from 'node:fs/promises';
import type { ScoreRecord } from '../../domain/score.ts';
import { SCORE_CONTEXT_COLUMNS, SCORE_CONTEXT_LEAD_US, SCORE_CONTEXT_LOOKBACK_US } from '../score-context.ts';
import { paramChunks, type Ch } from './client.ts';
import { rowToScore, SCORE_COLUMNS, scoreRow, type ChRow } from './rows.ts';
import { nextVersion } from './version.ts';

// Fills the feature, model and application of stored scores that lack them from the stored spans
// of their trace (store/score-context.ts): a new version of each score filled, as the trace
// attribution fill writes spans. Once for the scores just loaded, once for the scores of the
// traces whose spans were just loaded. The context of a trace: its root's feature and application
// (else the earliest span's that has one) and the effective model of its latest generation.

interface TraceContext {
  feature: string | null;
  application: string | null;
  model: string | null;
}

interface ContextRow {
  project_id: string;
  trace_id: string;
  // Aliases apart from the column names: ClickHouse would read an alias named as a column
  // wherever that column is used in the query.
  c_feature: string | null;
  c_application: string | null;
  c_model: string | null;
  // How many spans had each (64-bit counts arrive as strings).
  features: string;
  applications: string;
  models: string;
}

const lacking = SCORE_CONTEXT_COLUMNS.map((c) => `${c} IS NULL`).join(' OR ');
const key = (projectId: string, traceId: string) => `${projectId}\u0000${traceId}`;

export class ChScoreContext {
  private readonly ch: Ch;

  constructor(ch: Ch) {
    this.ch = ch;
  }

  private table(name: string): string {
    return `${this.ch.database}.${name}`;
  }

  // Scores just written or loaded (their rows as sent), from the spans around their times.
  async fillScores(scores: readonly Pick<ScoreRecord, 'projectId' | 'id' | 'timestampUs' | 'feature' | 'model' | 'application'>[]): Promise<void> {
    const wanting = scores.filter((s) => s.feature === null || s.model === null || s.application === null);
    if (!wanting.length) return;
    const projects = [...new Set(wanting.map((s) => s.projectId))];
    const current: ScoreRecord[] = [];
    for (const ids of paramChunks(wanting.map((s) => s.id))) {
      const rows = await this.ch.query<ChRow>(
        `SELECT ${SCORE_COLUMNS} FROM ${this.table('scores')} FINAL
         WHERE project_id IN {projects:Array(String)} AND id IN {ids:Array(String)} AND (${lacking})`,
        { projects, ids },
      );
      current.push(...rows.map(rowToScore));
    }
    if (!current.length) return;
    const times = current.map((s) => s.timestampUs);
    await this.fill(current, Math.min(...times) - SCORE_CONTEXT_LOOKBACK_US, Math.max(...times) + SCORE_CONTEXT_LEAD_US);
  }

  // Scores of the traces whose spans were just loaded, the spans starting within `window`.
  async fillTraces(traces: readonly { projectId: string; traceId: string }[], window: [number, number]): Promise<void> {
    if (!traces.length) return;
    const projects = [...new Set(traces.map((t) => t.projectId))];
    const wanted = new Set(traces.map((t) => key(t.projectId, t.traceId)));
    const params = { projects, lo: window[0] - SCORE_CONTEXT_LEAD_US, hi: window[1] + SCORE_CONTEXT_LOOKBACK_US };
    const where = `project_id IN {projects:Array(String)} AND trace_id IN {traces:Array(String)}
      AND timestamp BETWEEN fromUnixTimestamp64Micro({lo:Int64}, 'UTC') AND fromUnixTimestamp64Micro({hi:Int64}, 'UTC') AND (${lacking})`;
    const current: ScoreRecord[] = [];
    for (const chunk of paramChunks([...new Set(traces.map((t) => t.traceId))])) {
      // Usually no score of these traces lacks anything: one read without FINAL says so.
      const any = await this.ch.query<{ n: string }>(`SELECT count() AS n FROM ${this.table('scores')} WHERE ${where}`, { ...params, traces: chunk });
      if (Number(any[0]?.n ?? 0) === 0) continue;
      const rows = await this.ch.query<ChRow>(`SELECT ${SCORE_COLUMNS} FROM ${this.table('scores')} FINAL WHERE ${where}`, { ...params, traces: chunk });
      current.push(...rows.map(rowToScore).filter((s) => wanted.has(key(s.projectId, s.traceId))));
    }
    if (current.length) await this.fill(current, window[0] - SCORE_CONTEXT_LEAD_US, window[1] + SCORE_CONTEXT_LEAD_US);
  }

  // `scores`: current versions lacking something; their traces' spans are read within [lo, hi].
  private async fill(scores: ScoreRecord[], lo: number, hi: number): Promise<void> {
    const projects = [...new Set(scores.map((s) => s.projectId))];
    const contexts = new Map<string, TraceContext>();
    const attribution = (c: string) =>
      `if(countIf(parent_span_id IS NULL AND ${c} IS NOT NULL) > 0,
          argMinIf(${c}, start_time, parent_span_id IS NULL AND ${c} IS NOT NULL),
          argMinIf(${c}, start_time, ${c} IS NOT NULL)) AS c_${c}`;
    for (const traces of paramChunks([...new Set(scores.map((s) => s.traceId))])) {
      const rows = await this.ch.query<ContextRow>(
        `SELECT project_id, trace_id, ${attribution('feature')}, ${attribution('application')},
           argMaxIf(model, start_time, kind = 'generation' AND model IS NOT NULL) AS c_model,
           countIf(kind = 'generation' AND model IS NOT NULL) AS models,
           countIf(feature IS NOT NULL) AS features, countIf(application IS NOT NULL) AS applications
         FROM ${this.table('spans')} FINAL
         WHERE project_id IN {projects:Array(String)} AND trace_id IN {traces:Array(String)}
           AND start_time BETWEEN fromUnixTimestamp64Micro({lo:Int64}, 'UTC') AND fromUnixTimestamp64Micro({hi:Int64}, 'UTC')
         GROUP BY project_id, trace_id`,
        { projects, traces, lo, hi },
      );
      for (const r of rows) {
        // An aggregate over no matching row answers the type's default, not NULL: the counts say which.
        contexts.set(key(r.project_id, r.trace_id), {
          feature: Number(r.features) > 0 ? r.c_feature : null,
          application: Number(r.applications) > 0 ? r.c_application : null,
          model: Number(r.models) > 0 ? r.c_model : null,
        });
      }
    }
    const version = nextVersion();
    const rows: ChRow[] = [];
    for (const s of scores) {
      const c = contexts.get(key(s.projectId, s.traceId));
      if (!c) continue;
      const filled = { ...s, feature: s.feature ?? c.feature, model: s.model ?? c.model, application: s.application ?? c.application };
      if (filled.feature === s.feature && filled.model === s.model && filled.application === s.application) continue;
      rows.push(scoreRow(filled, version));
    }
    if (rows.length) await this.ch.insert(this.table('scores'), rows);
  }
}

// The scores of journal files, as the fill needs them (a load streams the files unchanged).
export async function scoresOfFiles(files: readonly string[]): Promise<Pick<ScoreRecord, 'projectId' | 'id' | 'timestampUs' | 'feature' | 'model' | 'application'>[]> {
  const out: Pick<ScoreRecord, 'projectId' | 'id' | 'timestampUs' | 'feature' | 'model' | 'application'>[] = [];
  for (const file of files) {
    for (const line of (await readFile(file, 'utf8')).split('\n')) {
      if (!line) continue;
      const r = JSON.parse(line) as ChRow;
      const [sec, frac] = String(r.timestamp).split('.');
      out.push({
        projectId: String(r.project_id),
        id: String(r.id),
        timestampUs: Number(sec) * 1_000_000 + Number(frac ?? 0),
        feature: (r.feature as string | null | undefined) ?? null,
        model: (r.model as string | null | undefined) ?? null,
        application: (r.application as string | null | undefined) ?? null,
      });
    }
  }
  return out;
}
