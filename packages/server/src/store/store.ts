import type { SpanRecord, Usage } from '../domain/span.ts';
import type { LogRecord, ScoreRecord } from '../domain/score.ts';
import type { MetricPointRecord } from '../domain/metric.ts';
import type { PriceOverride } from '../enrich/pricing/types.ts';
import type { AnalyticsBackend } from '../query/contract.ts';

// The storage contract. Every read takes the project id as a required, typed argument: there is
// no query without a scope. Writes carry the project id inside each record.

declare const projectIdBrand: unique symbol;
export type ProjectId = string & { readonly [projectIdBrand]: true };
export function projectId(id: string): ProjectId {
  return id as ProjectId;
}
export const DEFAULT_PROJECT = projectId('default');

export interface WriteBatch {
  spans: SpanRecord[];
  scores: ScoreRecord[];
  logs: LogRecord[];
}

export type ItemOutcome = 'accepted' | 'duplicate';

export interface WriteResult {
  spans: ItemOutcome[];
  scores: ItemOutcome[];
  logs: ItemOutcome[];
}

// Rows encoded in a store's bulk-load format (newline-delimited JSON, one text per table), as
// the ingest journal keeps them on disk until they are loaded.
export interface EncodedBatch {
  spans: string;
  scores: string;
  logs: string;
  // Earliest and latest span start in the batch (µs), so a load can bound its duplicate check.
  spanWindowUs: [number, number] | null;
}

export interface LoadFiles {
  spans: string[];
  scores: string[];
  logs: string[];
}

export interface StoredFlags {
  spans: boolean[];
  scores: boolean[];
  logs: boolean[];
}

export interface SpanFilter {
  fromMs?: number;
  toMs?: number;
  traceId?: string;
  userId?: string;
  sessionId?: string;
  model?: string;
  provider?: string;
  feature?: string;
  team?: string;
  department?: string;
  application?: string;
  environment?: string;
  status?: string;
  kind?: string;
  // One of the call's tags.
  tag?: string;
  // Free text on ids: a trace, span or request id (or a trace id's first characters), a user or a session.
  q?: string;
  // Ranges: on the span for spans, on the whole trace (its cost sum, its duration) for traces.
  minCostUsd?: number;
  maxCostUsd?: number;
  minDurationMs?: number;
  maxDurationMs?: number;
  // Newest first by default; 'duration' and 'cost' put the largest first.
  orderBy?: 'start' | 'duration' | 'cost';
}

export interface Page {
  limit: number;
  offset: number;
}

export interface SpanPage {
  spans: SpanRecord[];
  total: number | null; // null when not asked for
}

export interface TraceSummary {
  traceId: string;
  name: string; // the root span's name (the earliest span's when the root is missing)
  startUs: number;
  durationMs: number;
  spans: number;
  calls: number; // generation and embedding spans
  costUsd: number | null; // null when no call in the trace has a known cost
  unknownCostCalls: number;
  tokens: number;
  hasError: boolean;
  userId: string | null;
  sessionId: string | null;
  models: string[];
}

export interface TracePage {
  traces: TraceSummary[];
  // null when not asked for (counting every trace of a long range costs more than a page).
  total: number | null;
}

export interface MetricNameSummary {
  name: string;
  unit: string;
  kind: string;
  series: number;
  points: number;
  lastSeen: string;
}

export interface TraceDetail {
  spans: SpanRecord[];
  scores: ScoreRecord[];
  logs: LogRecord[];
}

export const KEY_SCOPES = ['ingest', 'read', 'admin'] as const;
export type KeyScope = (typeof KEY_SCOPES)[number];

export interface ApiKeyInfo {
  id: string;
  projectId: ProjectId;
  prefix: string;
  scope: KeyScope;
  name: string | null;
  createdAt: string;
  revokedAt: string | null;
}

// E5: what of prompts and responses a project keeps. full: content and hashes; metadata: hashes
// only (duplicate prompts still show); off: neither.
export const CONTENT_CAPTURE_MODES = ['full', 'metadata', 'off'] as const;
export type ContentCapture = (typeof CONTENT_CAPTURE_MODES)[number];

// What a purge of stored content removes from a project's spans and logs once capture is turned
// down: the prompt and response text, metadata and log attributes named as content (exact names,
// name prefixes, whole-name patterns), the bodies of GenAI event logs, error messages that do not
// match `errorMessageKept` (a whole-value pattern), and the prompt, response and retrieval query
// hashes: all, or those of rows ingested before a time. Rows are changed `chunkRows` at a time,
// one transaction each.
export interface ContentPurge {
  hashes: 'all' | { ingestedBefore: Date };
  names: readonly string[];
  prefixes: readonly string[];
  patterns: readonly string[];
  errorMessageKept: string;
  // Spans mapped from OTLP (their metadata has `marker`) and all logs: an entry stays only if its
  // name is listed (exact or prefix) or its value matches `valuePattern`, as OTLP is mapped below
  // `full` today. The user's metadata on such spans, and native logs' attributes, cannot be told
  // apart from unknown attributes and go with them.
  otlpMetadata: { marker: string; names: readonly string[]; prefixes: readonly string[]; valuePattern: string };
  chunkRows: number;
}

export interface ContentPurgeResult {
  spans: number; // rows changed
  logs: number;
  // The database file still holds the old row versions in free blocks; it is rewritten when the
  // server stops.
  compactsOnStop: boolean;
}

export interface Project {
  id: ProjectId;
  name: string;
  createdAt: string;
  contentCapture: ContentCapture;
}

export interface UnknownModel {
  provider: string | null;
  model: string | null;
  calls: number;
  totalTokens: number;
  firstSeen: string;
  lastSeen: string;
}

export interface StoredPriceOverride extends PriceOverride {
  source: 'file' | 'api';
}

export interface RepriceProgress {
  done: number;
  total: number;
}

// I3: LLM calls (generation and embedding spans) of every project summed per time bucket and
// group, for rebuilding the in-memory rollups at start. Latencies come as quantile-sketch bucket
// counts (rollups/sketch.ts: sketchIndexSql).
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
  lastStartMs: number;
}

export interface ScoreAggregateRow {
  projectId: string;
  bucketStartMs: number;
  name: string;
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

// Why a store turned a read away: it ran past the query timeout, or too many reads were waiting.
export type ReadRefusal = 'timeout' | 'busy';

export interface Store {
  readonly backend: string;
  // Resolves only once every record of the batch is committed durably.
  write(batch: WriteBatch): Promise<WriteResult>;

  // The bulk-load path the ingest journal uses: which records are stored already (read-only),
  // the load format, and one transaction that loads files of that format. Loading skips rows
  // that are stored already, so loading the same files twice (a replay after a crash) is harmless.
  findStored(batch: WriteBatch): Promise<StoredFlags>;
  // The latest span start time stored in any project (µs), or null when there is none.
  latestSpanStartUs(): Promise<number | null>;
  encode(batch: WriteBatch, ingestedAtUs: number): EncodedBatch;
  // `replay`: the files may repeat rows among themselves (a crash replay), so de-duplicate them
  // too; the acknowledgement path never journals the same row twice, so live loads skip that.
  load(files: LoadFiles, spanWindowUs: [number, number] | null, options?: { replay?: boolean }): Promise<void>;

  listSpans(project: ProjectId, filter: SpanFilter, page: Page, options?: { total?: boolean }): Promise<SpanPage>;
  getSpan(project: ProjectId, spanId: string): Promise<SpanRecord | null>;
  // At most `limit` spans, scores and logs each (the first by time), when given.
  getTrace(project: ProjectId, traceId: string, limit?: number): Promise<TraceDetail>;
  // Traces with at least one span matching every given filter (time bounds apply to the trace's
  // spans), newest first.
  listTraces(project: ProjectId, filter: SpanFilter, page: Page, options?: { total?: boolean }): Promise<TracePage>;
  listScores(project: ProjectId, filter: { traceId?: string }, page: Page): Promise<ScoreRecord[]>;
  listLogs(project: ProjectId, filter: { traceId?: string }, page: Page): Promise<LogRecord[]>;

  listProjects(): Promise<Project[]>;
  createProject(id: ProjectId, name: string): Promise<Project>;
  setContentCapture(project: ProjectId, mode: ContentCapture): Promise<Project | null>;
  purgeContent(project: ProjectId, purge: ContentPurge): Promise<ContentPurgeResult>;
  createApiKey(project: ProjectId, scope: KeyScope, name: string | null): Promise<{ info: ApiKeyInfo; key: string }>;
  resolveApiKey(key: string): Promise<ApiKeyInfo | null>;
  listApiKeys(project: ProjectId): Promise<ApiKeyInfo[]>;
  revokeApiKey(project: ProjectId, keyId: string): Promise<boolean>;
  countApiKeys(): Promise<number>;

  listPriceOverrides(): Promise<StoredPriceOverride[]>;
  upsertPriceOverride(override: StoredPriceOverride): Promise<void>;
  deletePriceOverride(id: string): Promise<boolean>;
  listUnknownModels(project: ProjectId): Promise<UnknownModel[]>;
  // Re-costs spans whose model matches one of `models` (or all unknown-cost spans when
  // `models` is null), in every project. `price` maps a stored span to its new cost.
  reprice(
    price: (span: SpanRecord) => SpanRecord['cost'],
    options: { onlyUnknown: boolean; models: string[] | null; onProgress?: (p: RepriceProgress) => void },
  ): Promise<{ updated: number }>;

  // OTLP metric points (A4): committed directly (their volume is a few points per series per
  // export interval); a re-sent point is a duplicate.
  writeMetricPoints(points: MetricPointRecord[]): Promise<{ accepted: number; duplicates: number }>;
  listMetricNames(project: ProjectId, range: { fromMs: number; toMs: number }): Promise<MetricNameSummary[]>;
  // Points of one metric in the range, oldest first, at most `limit`.
  metricPoints(project: ProjectId, name: string, range: { fromMs: number; toMs: number }, limit: number): Promise<MetricPointRecord[]>;

  readonly analytics: AnalyticsBackend;

  // Rollup sources since fromMs (every project), one row per bucket of bucketMs and group.
  // detail 'model': feature, team and application are null (summed over them); 'application':
  // only application is kept.
  aggregateCalls(range: { fromMs: number; bucketMs: number; detail: 'model' | 'application' | 'all' }): Promise<CallAggregateRow[]>;
  aggregateScores(range: { fromMs: number; bucketMs: number }): Promise<ScoreAggregateRow[]>;
  spendByAttribution(project: ProjectId, query: SpendQuery): Promise<SpendResult>;

  close(): Promise<void>;
}
