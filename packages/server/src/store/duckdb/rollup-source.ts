import { NANO_PER_USD } from '../../domain/money.ts';
import { QUALITY_METADATA } from '../../domain/quality.ts';
import { sketchIndexSql } from '../../rollups/sketch.ts';
import type { CallAggregateRange, CallAggregateRow, ScoreAggregateRow } from '../store.ts';
import { SECURITY_MARKS_SQL, nearLimitSql } from '../rollup-sources.ts';
import { MAX_MODEL_PAIRS_READ, catalogContextWindow, pairWindows, type ContextWindowOf, type PairWindow } from '../context-windows.ts';
import { APPLICATION_SPANS_SQL } from '../evaluation-scope.ts';
import type { DuckDb, Row } from './db.ts';

// I3: the rollups' start-up source. One aggregate pass per resolution over the recent spans and
// scores of every project; the quantile-sketch bucket of each latency is computed in SQL with the
// same formula the in-memory sketch uses. The judge's calls are not the application's: left out.

// DuckDB MAP values come back from getRowObjectsJson as [{key, value}] lists.
function mapPairs(value: unknown): [number, number][] {
  if (!Array.isArray(value)) return [];
  return value.map((e: { key: unknown; value: unknown }) => [Number(e.key), Number(e.value)]);
}

function mapRecord(value: unknown): Record<string, number> {
  const out: Record<string, number> = {};
  if (Array.isArray(value)) for (const e of value as { key: string; value: unknown }[]) out[e.key] = Number(e.value);
  return out;
}

// LLM calls feed every column; any span the processor chain marked feeds the last two.
const LLM = "kind IN ('generation', 'embedding')";
const PII_FOUND = "regexp_matches(coalesce(metadata[$redactionKey], ''), $foundPattern)";
const INJECTION = "coalesce(metadata[$injectionKey], '') <> ''";
const TOKEN_COLUMNS = [
  ['input_tokens', 't_input'],
  ['output_tokens', 't_output'],
  ['cache_read_tokens', 't_cache_read'],
  ['cache_write_tokens', 't_cache_write'],
  ['reasoning_tokens', 't_reasoning'],
  ['audio_tokens', 't_audio'],
] as const;

type CallRange = CallAggregateRange;
type ScoreRange = { fromMs: number; bucketMs: number };

export async function aggregateCalls(db: DuckDb, range: CallRange, windowOf: ContextWindowOf = catalogContextWindow): Promise<CallAggregateRow[]> {
  const out: CallAggregateRow[] = [];
  await eachCallAggregate(db, range, (rows) => {
    for (const r of rows) out.push(r);
  }, windowOf);
  return out;
}

export async function aggregateScores(db: DuckDb, range: ScoreRange): Promise<ScoreAggregateRow[]> {
  const out: ScoreAggregateRow[] = [];
  await eachScoreAggregate(db, range, (rows) => {
    for (const r of rows) out.push(r);
  });
  return out;
}

// The rows of aggregateCalls, handed to `visit` one DuckDB chunk at a time (DuckDb.each): the
// start-up read of every project's hours holds one chunk of JavaScript rows, not the result.
export async function eachCallAggregate(db: DuckDb, range: CallRange, visit: (rows: CallAggregateRow[]) => void, windowOf: ContextWindowOf = catalogContextWindow): Promise<number> {
  const from = Math.trunc(range.fromMs * 1000);
  // C4: the windows of the range's models written into the near-limit condition (qualified: the
  // select list below may name NULL provider and model).
  const windows = range.windows ?? (await contextWindows(db, range.fromMs, windowOf));
  const windowParams: Record<string, string> = {};
  const near = nearLimitSql(
    windows,
    (v) => {
      const name = `cw${Object.keys(windowParams).length}`;
      windowParams[name] = v;
      return `$${name}`;
    },
    { provider: 'spans.provider', requestModel: 'spans.request_model', model: 'spans.model' },
  );
  const dims = {
    all: 'provider, model, feature, team, application',
    application: 'NULL AS provider, NULL AS model, NULL AS feature, NULL AS team, application',
    model: 'provider, model, NULL AS feature, NULL AS team, NULL AS application',
  }[range.detail];
  return db.each(
    `SELECT project_id, (epoch_ms(start_time) // $bucket) * $bucket AS bucket_ms,
            ${dims},
            count(*) FILTER (WHERE ${LLM}) AS requests,
            count(*) FILTER (WHERE ${LLM} AND status = 'error') AS errors,
            histogram(coalesce(error_class, 'other')) FILTER (WHERE ${LLM} AND status = 'error') AS errors_by_class,
            CAST(round(coalesce(sum(cost_usd) FILTER (WHERE ${LLM}), 0) * ${NANO_PER_USD}) AS BIGINT) AS cost_nano,
            count(*) FILTER (WHERE ${LLM} AND cost_status = 'unknown_model') AS unknown_cost,
            ${TOKEN_COLUMNS.map(([column, as]) => `coalesce(sum(${column}) FILTER (WHERE ${LLM}), 0) AS ${as}`).join(', ')},
            histogram(${sketchIndexSql('duration_ms')}) FILTER (WHERE ${LLM}) AS latency,
            coalesce(sum(duration_ms) FILTER (WHERE ${LLM}), 0) AS latency_sum,
            histogram(${sketchIndexSql('ttft_ms')}) FILTER (WHERE ${LLM} AND ttft_ms IS NOT NULL) AS ttft,
            coalesce(sum(ttft_ms) FILTER (WHERE ${LLM}), 0) AS ttft_sum,
            coalesce(epoch_ms(max(start_time) FILTER (WHERE ${LLM})), 0) AS last_ms,
            count(*) FILTER (WHERE ${PII_FOUND}) AS pii,
            count(*) FILTER (WHERE ${INJECTION}) AS injection,
            count(*) FILTER (WHERE ${LLM} AND metadata[$refusalKey] = 'true') AS refusals,
            count(*) FILTER (WHERE ${LLM} AND ${near}) AS near_limit
       FROM spans
      WHERE start_time >= make_timestamp($from) AND (${LLM} OR ${PII_FOUND} OR ${INJECTION}) AND ${APPLICATION_SPANS_SQL}
      GROUP BY ALL`,
    { ...windowParams, bucket: range.bucketMs, from, redactionKey: SECURITY_MARKS_SQL.redactionKey, injectionKey: SECURITY_MARKS_SQL.injectionKey, foundPattern: SECURITY_MARKS_SQL.foundPattern, refusalKey: QUALITY_METADATA.refusal },
    (rows) => visit(rows.map(callRow)),
  );
}

// The models of the LLM calls since fromMs that have a context window (RollupSources.contextWindows).
export async function contextWindows(db: DuckDb, fromMs: number, windowOf: ContextWindowOf = catalogContextWindow): Promise<PairWindow[]> {
  const pairs = await db.all(
    `SELECT DISTINCT provider, request_model, model FROM spans
      WHERE start_time >= make_timestamp($from) AND model IS NOT NULL AND ${LLM} AND ${APPLICATION_SPANS_SQL} LIMIT ${MAX_MODEL_PAIRS_READ}`,
    { from: Math.trunc(fromMs * 1000) },
  );
  const str = (v: unknown) => (v === null || v === undefined ? null : String(v));
  return pairWindows(pairs.map((r) => ({ provider: str(r.provider), requestModel: str(r.request_model), model: str(r.model) })), windowOf);
}

function callRow(r: Row): CallAggregateRow {
  return {
    projectId: String(r.project_id),
    bucketStartMs: Number(r.bucket_ms),
    provider: (r.provider as string | null) ?? null,
    model: (r.model as string | null) ?? null,
    feature: (r.feature as string | null) ?? null,
    team: (r.team as string | null) ?? null,
    application: (r.application as string | null) ?? null,
    requests: Number(r.requests),
    errors: Number(r.errors),
    errorsByClass: mapRecord(r.errors_by_class),
    costNanoUsd: Number(r.cost_nano),
    unknownCostRequests: Number(r.unknown_cost),
    tokens: {
      input: Number(r.t_input),
      output: Number(r.t_output),
      cacheRead: Number(r.t_cache_read),
      cacheWrite: Number(r.t_cache_write),
      reasoning: Number(r.t_reasoning),
      audio: Number(r.t_audio),
    },
    latencyBuckets: mapPairs(r.latency),
    latencySumMs: Number(r.latency_sum),
    ttftBuckets: mapPairs(r.ttft),
    ttftSumMs: Number(r.ttft_sum),
    lastStartMs: Number(r.last_ms),
    piiDetections: Number(r.pii),
    injectionAttempts: Number(r.injection),
    refusals: Number(r.refusals),
    nearContextLimit: Number(r.near_limit),
  };
}

export function eachScoreAggregate(db: DuckDb, range: ScoreRange, visit: (rows: ScoreAggregateRow[]) => void): Promise<number> {
  return db.each(
    `SELECT project_id, (epoch_ms(timestamp) // $bucket) * $bucket AS bucket_ms, name, feature, model, application,
            sum(numeric_value) AS total, histogram(${sketchIndexSql('numeric_value')}) AS buckets
       FROM scores
      WHERE timestamp >= make_timestamp($from) AND numeric_value IS NOT NULL
      GROUP BY ALL`,
    { bucket: range.bucketMs, from: Math.trunc(range.fromMs * 1000) },
    (rows) => visit(rows.map(scoreRow)),
  );
}

function scoreRow(r: Row): ScoreAggregateRow {
  return {
    projectId: String(r.project_id),
    bucketStartMs: Number(r.bucket_ms),
    name: String(r.name),
    feature: r.feature === null ? null : String(r.feature),
    model: r.model === null ? null : String(r.model),
    application: r.application === null ? null : String(r.application),
    sum: Number(r.total),
    buckets: mapPairs(r.buckets),
  };
}
