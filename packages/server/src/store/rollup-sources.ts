import type { Usage } from '../domain/span.ts';
import type { ProjectId } from './project.ts';
import { SECURITY_METADATA } from '../domain/security.ts';
import { NEAR_LIMIT_SQL, contextWindowSql, withContextWindows, type PairColumns, type PairWindow } from './context-windows.ts';

// What the in-memory rollups and the budgets rebuild themselves from at start.

// I3: LLM calls (generation and embedding spans) of every project summed per time bucket and
// group, for rebuilding the in-memory rollups at start. Latencies come as quantile-sketch bucket
// counts (rollups/sketch.ts: sketchIndexSql). Spans of any kind the processor chain marked
// (domain/security.ts SECURITY_METADATA) count in piiDetections and injectionAttempts only: a
// group may have those and no call (requests 0, lastStartMs 0).
export interface CallAggregateRow {
  projectId: string;
  bucketStartMs: number;
  provider: string | null;
  model: string | null;
  feature: string | null;
  team: string | null;
  application: string | null;
  requests: number;
  errors: number;
  errorsByClass: Record<string, number>;
  costNanoUsd: number;
  unknownCostRequests: number;
  tokens: Usage;
  latencyBuckets: [number, number][];
  latencySumMs: number;
  ttftBuckets: [number, number][];
  ttftSumMs: number;
  lastStartMs: number; // of the group's LLM calls; 0 without one
  piiDetections: number; // spans with at least one sensitive value found
  injectionAttempts: number; // spans with a prompt injection or jailbreak detected
  refusals: number; // generations marked as refusals (QUALITY_METADATA.refusal)
  nearContextLimit: number; // LLM calls past 90% of their model's context window (C4)
}

// near_context_limit in the rollups' start-up read: the same condition as the analytics'
// (context-windows.ts NEAR_LIMIT_SQL), with the windows of the pairs the retained range holds
// written in (RollupSources.contextWindows: up to MAX_CONTEXT_MODELS pairs that have one).
export function nearLimitSql(windows: readonly PairWindow[], bind: (value: string) => string, columns: PairColumns): string {
  return withContextWindows(NEAR_LIMIT_SQL, contextWindowSql(windows, bind, columns));
}

// How both backends tell, in SQL, that a span was marked (domain/security.ts securityFactsOf):
// `lookout.redaction` lists `type=count` pairs, and some count is above zero; the injection key
// is set at all.
export const SECURITY_MARKS_SQL = {
  redactionKey: SECURITY_METADATA.redaction,
  injectionKey: SECURITY_METADATA.injection,
  foundPattern: '=0*[1-9]',
} as const;

export interface ScoreAggregateRow {
  projectId: string;
  bucketStartMs: number;
  name: string;
  // What the scored traces ran as (domain/score.ts), null where unknown.
  feature: string | null;
  model: string | null;
  application: string | null;
  sum: number;
  buckets: [number, number][];
}

// The budgets' start-up source (budgets/rebuild.ts): the known cost of one project's model calls
// (generation and embedding spans) per UTC day or minute and (user, team, department), in exact
// integer nano-dollars. The first `limit` rows by bucket, then cost, largest first.
export interface SpendQuery {
  fromMs: number;
  toMs: number; // exclusive
  bucket: 'day' | 'minute';
  limit: number;
}

export interface SpendRow {
  bucketStartMs: number;
  user: string | null;
  team: string | null;
  department: string | null;
  costNanoUsd: bigint | null; // null: no call of the group has a known cost
}

export interface SpendResult {
  rows: SpendRow[];
  truncated: boolean; // more rows matched than `limit`
}

// A read of the call aggregates. `windows`: the models' context windows to count near_context_limit
// with (contextWindows over a range at least as wide); read by the call itself when absent.
export interface CallAggregateRange {
  fromMs: number;
  bucketMs: number;
  detail: 'model' | 'application' | 'all';
  windows?: readonly PairWindow[];
}

export interface RollupSources {
  // C4: the models of the LLM calls since fromMs (every project) that have a context window, each
  // with it: the first MAX_CONTEXT_MODELS of up to MAX_MODEL_PAIRS_READ distinct pairs. The
  // start-up read looks them up once and hands them to each aggregate read.
  contextWindows(fromMs: number): Promise<PairWindow[]>;
  // Rollup sources since fromMs (every project), one row per bucket of bucketMs and group.
  // detail 'model': feature, team and application are null (summed over them); 'application':
  // only application is kept.
  aggregateCalls(range: CallAggregateRange): Promise<CallAggregateRow[]>;
  aggregateScores(range: { fromMs: number; bucketMs: number }): Promise<ScoreAggregateRow[]>;
  // The same rows, handed to `visit` a batch at a time as the backend produces them (the
  // rollups' start-up read): each batch is garbage once `visit` returns. Returns the row count.
  eachCallAggregate(range: CallAggregateRange, visit: (rows: CallAggregateRow[]) => void): Promise<number>;
  eachScoreAggregate(range: { fromMs: number; bucketMs: number }, visit: (rows: ScoreAggregateRow[]) => void): Promise<number>;
  spendByAttribution(project: ProjectId, query: SpendQuery): Promise<SpendResult>;
}
