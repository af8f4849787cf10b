import { SCORE_CONTEXT_COLUMNS, SCORE_CONTEXT_LEAD_US, SCORE_CONTEXT_LOOKBACK_US } from '../score-context.ts';
import type { DuckDb } from './db.ts';

// Fills the feature, model and application of stored scores that lack them from the stored spans
// of their trace (store/score-context.ts), inside the load's transaction: once for the scores just
// loaded, once for the scores of the traces whose spans were just loaded. The context of a trace:
// its root's feature and application (else the earliest span's that has one) and the effective
// model of its latest generation.

function contextSql(traces: string): string {
  const attribution = (c: string) =>
    `coalesce(first(${c} ORDER BY start_time) FILTER (WHERE parent_span_id IS NULL AND ${c} IS NOT NULL),
              first(${c} ORDER BY start_time) FILTER (WHERE ${c} IS NOT NULL)) AS ${c}`;
  return `SELECT project_id, trace_id, ${attribution('feature')}, ${attribution('application')},
      arg_max(model, start_time) FILTER (WHERE kind = 'generation' AND model IS NOT NULL) AS model
    FROM spans
    WHERE start_time BETWEEN make_timestamp($spansFrom) AND make_timestamp($spansTo)
      AND (project_id, trace_id) IN (${traces})
    GROUP BY project_id, trace_id`;
}

function updateSql(traces: string, scoresWhere: string): string {
  return `UPDATE scores SET ${SCORE_CONTEXT_COLUMNS.map((c) => `${c} = coalesce(scores.${c}, c.${c})`).join(', ')}
    FROM (${contextSql(traces)}) c
    WHERE scores.project_id = c.project_id AND scores.trace_id = c.trace_id AND ${scoresWhere}
      AND (${SCORE_CONTEXT_COLUMNS.map((col) => `(scores.${col} IS NULL AND c.${col} IS NOT NULL)`).join(' OR ')})`;
}

const lacking = `(${SCORE_CONTEXT_COLUMNS.map((c) => `scores.${c} IS NULL`).join(' OR ')})`;

// Scores just loaded (the table `scores`, in the scores table's columns), from spans around their
// times.
export async function fillLoadedScores(db: DuckDb, scores: string): Promise<void> {
  const [range] = await db.writeAll(
    `SELECT epoch_us(min(timestamp)) AS lo, epoch_us(max(timestamp)) AS hi, count(*) FILTER (WHERE ${SCORE_CONTEXT_COLUMNS.map((c) => `${c} IS NULL`).join(' OR ')}) AS lacking
     FROM ${scores}`,
  );
  if (range.lo === null || Number(range.lacking) === 0) return;
  const ids = `SELECT (project_id, id) FROM ${scores}`;
  const traces = `SELECT (project_id, trace_id) FROM ${scores}`;
  await db.run(updateSql(traces, `(scores.project_id, scores.id) IN (${ids}) AND ${lacking}`), {
    spansFrom: Number(range.lo) - SCORE_CONTEXT_LOOKBACK_US,
    spansTo: Number(range.hi) + SCORE_CONTEXT_LEAD_US,
  });
}

// Scores of the traces whose spans were just loaded (the table `spans`), starting within `window`.
export async function fillScoresOfLoadedSpans(db: DuckDb, spans: string, window: [number, number]): Promise<void> {
  const traces = `SELECT (project_id, trace_id) FROM ${spans}`;
  const scoresWhere = `scores.timestamp BETWEEN make_timestamp($scoresFrom) AND make_timestamp($scoresTo) AND ${lacking}`;
  const scoresRange = { scoresFrom: window[0] - SCORE_CONTEXT_LEAD_US, scoresTo: window[1] + SCORE_CONTEXT_LOOKBACK_US };
  // Usually every score of these traces was filled at ingest: one look at the scores says so,
  // before the spans are read.
  const waiting = await db.writeAll(`SELECT 1 FROM scores WHERE ${scoresWhere} AND (scores.project_id, scores.trace_id) IN (${traces}) LIMIT 1`, scoresRange);
  if (!waiting.length) return;
  await db.run(updateSql(traces, scoresWhere), { ...scoresRange, spansFrom: window[0] - SCORE_CONTEXT_LEAD_US, spansTo: window[1] + SCORE_CONTEXT_LEAD_US });
}
