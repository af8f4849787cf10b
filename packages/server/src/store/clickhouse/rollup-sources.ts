import { MODEL_CALL_KINDS } from '../../query/contract.ts';
import { SKETCH_GAMMA, SKETCH_MIN_VALUE, SKETCH_ZERO_INDEX } from '../../rollups/sketch.ts';
import type { CallAggregateRange, CallAggregateRow, ProjectId, RollupSources, ScoreAggregateRow, SpendQuery, SpendResult } from '../store.ts';
import type { Ch } from './client.ts';
import { SECURITY_MARKS_SQL, nearLimitSql } from '../rollup-sources.ts';
import { MAX_MODEL_PAIRS_READ, catalogContextWindow, pairWindows, type ContextWindowOf, type PairWindow } from '../context-windows.ts';
import { QUALITY_METADATA } from '../../domain/quality.ts';
import { APPLICATION_SPANS_SQL, applicationSpansSql } from '../evaluation-scope.ts';

// The rollups' and budgets' start-up sources (store/duckdb/rollup-source.ts and spend-source.ts
// on DuckDB), over the current version of each row (FINAL). Costs are summed as integers in
// nano-dollars; spend is summed in 128 bits and read as text, so it reaches JavaScript exactly.
// Neither counts the judge's calls (evaluation-scope.ts): they are not the application's.

const LN_GAMMA = Math.log(SKETCH_GAMMA);
const MODEL_CALLS_SQL = `kind IN (${MODEL_CALL_KINDS.map((k) => `'${k}'`).join(', ')})`;
// Spans the processor chain marked (store/rollup-sources.ts): they count for the security
// measures whatever their kind. A Map without the key gives ''.
const PII_FOUND_SQL = 'match(metadata[{redactionKey:String}], {foundPattern:String})';
const INJECTION_SQL = "metadata[{injectionKey:String}] != ''";

// rollups/sketch.ts's sketchIndex in ClickHouse SQL: the same bucket as sketchIndexSql gives on
// DuckDB. `if` evaluates both branches, and ln(0) converted to an integer is an error, so the
// logarithm is taken of a value kept above the minimum.
export function sketchIndexChSql(column: string): string {
  return `if(${column} > ${SKETCH_MIN_VALUE}, toInt32(ceil(ln(greatest(${column}, ${SKETCH_MIN_VALUE})) / ${LN_GAMMA})), ${SKETCH_ZERO_INDEX})`;
}

// A map of sketch bucket -> count, as ClickHouse's JSON gives it (keys and 64-bit counts as text).
function pairs(value: unknown): [number, number][] {
  if (!value || typeof value !== 'object') return [];
  return Object.entries(value as Record<string, unknown>).map(([k, v]) => [Number(k), Number(v)]);
}

function counts(value: unknown): Record<string, number> {
  const out: Record<string, number> = {};
  if (value && typeof value === 'object') for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = Number(v);
  return out;
}

const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

const CALL_DIMENSIONS = {
  all: { select: 'provider, model, feature, team, application', group: ', provider, model, feature, team, application' },
  application: { select: 'NULL AS provider, NULL AS model, NULL AS feature, NULL AS team, application', group: ', application' },
  model: { select: 'provider, model, NULL AS feature, NULL AS team, NULL AS application', group: ', provider, model' },
} as const;

export class ChRollupSources implements RollupSources {
  private readonly ch: Ch;
  private readonly windowOf: ContextWindowOf;

  constructor(ch: Ch, windowOf: ContextWindowOf = catalogContextWindow) {
    this.ch = ch;
    this.windowOf = windowOf;
  }

  async contextWindows(fromMs: number): Promise<PairWindow[]> {
    const pairs = await this.ch.query(
      `SELECT DISTINCT provider, request_model, model FROM ${this.ch.database}.spans AS s
        WHERE start_time >= fromUnixTimestamp64Micro({fromUs:Int64}) AND s.model IS NOT NULL AND ${MODEL_CALLS_SQL} AND ${applicationSpansSql('s.feature')}
        LIMIT ${MAX_MODEL_PAIRS_READ}`,
      { fromUs: Math.trunc(fromMs * 1000) },
    );
    return pairWindows(pairs.map((r) => ({ provider: str(r.provider), requestModel: str(r.request_model), model: str(r.model) })), this.windowOf);
  }

  async aggregateCalls(range: CallAggregateRange): Promise<CallAggregateRow[]> {
    const dims = CALL_DIMENSIONS[range.detail];
    const fromUs = Math.trunc(range.fromMs * 1000);
    // C4: the windows of the range's models written into the near-limit condition (qualified:
    // ClickHouse reads a plain name as the select list's alias, NULL at some details).
    const windows = range.windows ?? (await this.contextWindows(range.fromMs));
    const windowParams: Record<string, string> = {};
    const near = nearLimitSql(
      windows,
      (v) => {
        const name = `cw${Object.keys(windowParams).length}`;
        windowParams[name] = v;
        return `{${name}:String}`;
      },
      { provider: 's.provider', requestModel: 's.request_model', model: 's.model' },
    );
    const rows = await this.ch.query(
      `WITH ${MODEL_CALLS_SQL} AS llm
       SELECT project_id, intDiv(toUnixTimestamp64Milli(start_time), {bucket:Int64}) * {bucket:Int64} AS bucket_ms,
              ${dims.select},
              countIf(llm) AS requests,
              countIf(llm AND status = 'error') AS errors,
              sumMapIf(map(toString(coalesce(error_class, 'other')), toUInt64(1)), llm AND status = 'error') AS errors_by_class,
              toString(coalesce(sumIf(cost_nano, llm), 0)) AS cost_nano,
              countIf(llm AND cost_status = 'unknown_model') AS unknown_cost,
              sumIf(input_tokens, llm) AS t_input, sumIf(output_tokens, llm) AS t_output,
              sumIf(cache_read_tokens, llm) AS t_cache_read, sumIf(cache_write_tokens, llm) AS t_cache_write,
              sumIf(reasoning_tokens, llm) AS t_reasoning, sumIf(audio_tokens, llm) AS t_audio,
              sumMapIf(map(${sketchIndexChSql('duration_ms')}, toUInt64(1)), llm) AS latency,
              sumIf(duration_ms, llm) AS latency_sum,
              sumMapIf(map(${sketchIndexChSql('assumeNotNull(ttft_ms)')}, toUInt64(1)), llm AND ttft_ms IS NOT NULL) AS ttft,
              coalesce(sumIf(ttft_ms, llm), 0) AS ttft_sum,
              if(countIf(llm) = 0, 0, toUnixTimestamp64Milli(maxIf(start_time, llm))) AS last_ms,
              countIf(${PII_FOUND_SQL}) AS pii,
              countIf(${INJECTION_SQL}) AS injection,
              countIf(llm AND metadata[{refusalKey:String}] = 'true') AS refusals,
              countIf(llm AND ${near}) AS near_limit
         FROM ${this.ch.database}.spans AS s FINAL
        WHERE start_time >= fromUnixTimestamp64Micro({fromUs:Int64}) AND (${MODEL_CALLS_SQL} OR ${PII_FOUND_SQL} OR ${INJECTION_SQL})
          AND ${applicationSpansSql('s.feature')}
        GROUP BY project_id, bucket_ms${dims.group}`,
      {
        ...windowParams,
        bucket: Math.trunc(range.bucketMs),
        fromUs,
        redactionKey: SECURITY_MARKS_SQL.redactionKey,
        injectionKey: SECURITY_MARKS_SQL.injectionKey,
        refusalKey: QUALITY_METADATA.refusal,
        foundPattern: SECURITY_MARKS_SQL.foundPattern,
      },
    );
    return rows.map(
      (r): CallAggregateRow => ({
        projectId: String(r.project_id),
        bucketStartMs: Number(r.bucket_ms),
        provider: str(r.provider),
        model: str(r.model),
        feature: str(r.feature),
        team: str(r.team),
        application: str(r.application),
        requests: Number(r.requests),
        errors: Number(r.errors),
        errorsByClass: counts(r.errors_by_class),
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
        latencyBuckets: pairs(r.latency),
        latencySumMs: Number(r.latency_sum),
        ttftBuckets: pairs(r.ttft),
        ttftSumMs: Number(r.ttft_sum),
        lastStartMs: Number(r.last_ms),
        piiDetections: Number(r.pii),
        injectionAttempts: Number(r.injection),
        refusals: Number(r.refusals),
        nearContextLimit: Number(r.near_limit),
      }),
    );
  }

  // One batch: the result is read whole (the rollups' start-up read over ClickHouse still peaks
  // with it).
  async eachCallAggregate(range: CallAggregateRange, visit: (rows: CallAggregateRow[]) => void): Promise<number> {
    const rows = await this.aggregateCalls(range);
    visit(rows);
    return rows.length;
  }

  async eachScoreAggregate(range: { fromMs: number; bucketMs: number }, visit: (rows: ScoreAggregateRow[]) => void): Promise<number> {
    const rows = await this.aggregateScores(range);
    visit(rows);
    return rows.length;
  }

  async aggregateScores(range: { fromMs: number; bucketMs: number }): Promise<ScoreAggregateRow[]> {
    const rows = await this.ch.query(
      `SELECT project_id, intDiv(toUnixTimestamp64Milli(timestamp), {bucket:Int64}) * {bucket:Int64} AS bucket_ms, name, feature, model, application,
              sum(assumeNotNull(numeric_value)) AS total,
              sumMap(map(${sketchIndexChSql('assumeNotNull(numeric_value)')}, toUInt64(1))) AS buckets
         FROM ${this.ch.database}.scores FINAL
        WHERE timestamp >= fromUnixTimestamp64Micro({fromUs:Int64}) AND numeric_value IS NOT NULL
        GROUP BY project_id, bucket_ms, name, feature, model, application`,
      { bucket: Math.trunc(range.bucketMs), fromUs: Math.trunc(range.fromMs * 1000) },
    );
    return rows.map((r) => ({
      projectId: String(r.project_id),
      bucketStartMs: Number(r.bucket_ms),
      name: String(r.name),
      feature: str(r.feature),
      model: str(r.model),
      application: str(r.application),
      sum: Number(r.total),
      buckets: pairs(r.buckets),
    }));
  }

  async spendByAttribution(project: ProjectId, q: SpendQuery): Promise<SpendResult> {
    const fromUs = Math.trunc(q.fromMs) * 1000;
    const toUs = Math.trunc(q.toMs) * 1000;
    if (!Number.isSafeInteger(fromUs) || !Number.isSafeInteger(toUs)) throw new RangeError('spend range is not a valid time');
    if (!Number.isSafeInteger(q.limit) || q.limit < 1) throw new RangeError('spend limit must be a positive integer');
    // UTC days and minutes: whole multiples of the bucket since the epoch.
    const bucketMs = q.bucket === 'day' ? 86_400_000 : 60_000;
    const rows = await this.ch.query(
      `SELECT intDiv(toUnixTimestamp64Milli(start_time), ${bucketMs}) * ${bucketMs} AS b, user_id, team, department,
              sum(toInt128(cost_nano)) AS spend, toString(spend) AS spend_nano
         FROM ${this.ch.database}.spans FINAL
        WHERE project_id = {project:String}
          AND start_time >= fromUnixTimestamp64Micro({fromUs:Int64}) AND start_time < fromUnixTimestamp64Micro({toUs:Int64})
          AND ${MODEL_CALLS_SQL} AND ${APPLICATION_SPANS_SQL}
        GROUP BY b, user_id, team, department
        ORDER BY b ASC, spend DESC NULLS LAST, user_id ASC NULLS LAST, team ASC NULLS LAST, department ASC NULLS LAST
        LIMIT {limit:UInt64}`,
      { project, fromUs, toUs, limit: q.limit + 1 },
    );
    const truncated = rows.length > q.limit;
    return {
      truncated,
      rows: (truncated ? rows.slice(0, q.limit) : rows).map((r) => ({
        bucketStartMs: Number(r.b),
        user: str(r.user_id),
        team: str(r.team),
        department: str(r.department),
        costNanoUsd: r.spend_nano === null || r.spend_nano === undefined ? null : BigInt(String(r.spend_nano)),
      })),
    };
  }
}
