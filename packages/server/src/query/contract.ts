import { ANALYTICS_MEASURES, MEASURE_UNITS, measureSpecs, type AnalyticsMeasure, type MeasureSpec, type MeasureUnit } from '../domain/measures.ts';
import { PROMPT_METADATA } from '../domain/prompt-identity.ts';
import type { ProjectId } from '../store/store.ts';
import type { RetentionBounds, RetentionNote } from './retention.ts';

// Analytics (B3, B4, B5, C1, C2, C5): one query model — measures × dimensions × filters over a
// time range, optionally bucketed in time — plus the fixed reports built on it (daily trend,
// top spenders, model efficiency, forecast, chargeback). Implemented once per storage backend.
// This file holds the contract and the whitelists every name is checked against; checking a
// query is in validate.ts, reading one from HTTP parameters in params.ts, output formats in
// formats.ts.

// ---------------------------------------------------------------------------------------------
// Measures

// The names and units are the shared measure catalog's (domain/measures.ts); analytics may ask
// for the subset computed from stored spans.
export { MEASURE_UNITS, type MeasureSpec, type MeasureUnit };
export const MEASURES = measureSpecs(ANALYTICS_MEASURES);
export type Measure = AnalyticsMeasure;
export const MEASURE_NAMES = Object.keys(MEASURES) as Measure[];

export function isMeasure(name: string): name is Measure {
  return Object.hasOwn(MEASURES, name);
}

// ---------------------------------------------------------------------------------------------
// Dimensions

export const BASE_DIMENSIONS = [
  'model',
  'provider',
  'user',
  'session',
  'feature',
  'team',
  'department',
  'application',
  'environment',
  'kind',
  'status',
  'error_class',
  'finish_reason',
  'tag',
  'prompt',
  'prompt_version',
  'variant',
] as const;
export type BaseDimension = (typeof BASE_DIMENSIONS)[number];
// The prompt a call was made from (domain/prompt-identity.ts): dimensions every backend reads from
// the metadata keys each ingest path writes, exactly as metadata.<key> would.
export const PROMPT_DIMENSION_KEYS = {
  prompt: PROMPT_METADATA.name,
  prompt_version: PROMPT_METADATA.version,
  variant: PROMPT_METADATA.variant,
} as const;
export type PromptDimension = keyof typeof PROMPT_DIMENSION_KEYS;
// The base dimensions that are columns of the spans.
export type ColumnDimension = Exclude<BaseDimension, 'tag' | PromptDimension>;
export type MetadataDimension = `metadata.${string}`;
export type Dimension = BaseDimension | MetadataDimension;

// Metadata keys reach SQL only as bound parameters; the pattern keeps them printable and free of
// ':' and ',' so that `filter=metadata.<key>:<value>` stays unambiguous.
export const METADATA_KEY_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.\-/@]{0,127}$/;
export const METADATA_PREFIX = 'metadata.';

// The metadata key a dimension reads: metadata.<key>'s, or a prompt dimension's.
export function metadataKeyOf(d: Dimension): string | null {
  if (Object.hasOwn(PROMPT_DIMENSION_KEYS, d)) return PROMPT_DIMENSION_KEYS[d as PromptDimension];
  return d.startsWith(METADATA_PREFIX) ? d.slice(METADATA_PREFIX.length) : null;
}

// null when `name` is a dimension, otherwise what is wrong with it.
export function dimensionProblem(name: string): string | null {
  if ((BASE_DIMENSIONS as readonly string[]).includes(name)) return null;
  if (name.startsWith(METADATA_PREFIX)) {
    const key = name.slice(METADATA_PREFIX.length);
    if (METADATA_KEY_PATTERN.test(key)) return null;
    return `'${name}' is not a valid metadata key: keys are 1-128 characters of letters, digits and _ . - / @`;
  }
  return `'${name}' is not a dimension; use one of ${BASE_DIMENSIONS.join(', ')} or metadata.<key>`;
}

export function isDimension(name: string): name is Dimension {
  return dimensionProblem(name) === null;
}

// ---------------------------------------------------------------------------------------------
// Query

export const TIME_BUCKETS = ['minute', 'hour', 'day', 'week', 'month'] as const;
export type TimeBucket = (typeof TIME_BUCKETS)[number];

// Equality (one value) or in-list (several) on a dimension. On `tag` it means "the span carries
// one of these tags"; on `metadata.<key>` it means "the key's value is one of these".
export interface Filter {
  dimension: Dimension;
  values: string[];
}

export interface AnalyticsQuery {
  measures: Measure[];
  groupBy: Dimension[];
  filters: Filter[];
  fromMs: number; // inclusive, on the span's start time
  toMs: number; // exclusive
  bucket?: TimeBucket;
  orderBy?: { measure: Measure; dir: 'asc' | 'desc' };
  limit?: number;
  scoreName?: string; // narrows score_avg and score_count to one score name
  // Where the project's spans and hourly totals stop (query/retention.ts): before the spans'
  // cutoff the answer comes from the hourly totals where it can.
  retention?: RetentionBounds;
}

export const QUERY_LIMITS = {
  maxMeasures: MEASURE_NAMES.length,
  maxGroupBy: 4,
  maxFilters: 20,
  maxFilterValues: 100,
  maxValueChars: 512,
  defaultLimit: 1_000,
  maxLimit: 10_000,
  maxBuckets: 50_000,
  maxRangeDays: 3_660,
} as const;

// Spans that are model calls. The analytics count these unless the query filters or groups by
// `kind` itself: agent/chain spans often repeat the usage of the calls under them, so counting
// every span would count those tokens and costs twice.
export const MODEL_CALL_KINDS = ['generation', 'embedding'] as const;

export interface AnalyticsColumn {
  name: string; // 'bucket', a dimension, or a measure
  kind: 'bucket' | 'dimension' | 'measure';
  unit?: MeasureUnit;
}

export type AnalyticsValue = string | number | null;
export type AnalyticsRow = Record<string, AnalyticsValue>;

export interface AnalyticsResult {
  fromMs: number;
  toMs: number;
  bucket: TimeBucket | null;
  columns: AnalyticsColumn[];
  // One object per row keyed by column name. `bucket` is the bucket's start as ISO-8601 UTC;
  // a dimension without a value (no team, no tags) is null.
  rows: AnalyticsRow[];
  // More rows matched than `limit`.
  truncated: boolean;
  // Set when the range reaches past the spans' retention: how that part was answered.
  retention?: RetentionNote | null;
}

export interface TimeRange {
  fromMs: number;
  toMs: number;
  // As AnalyticsQuery.retention.
  retention?: RetentionBounds;
}

// The fixed reports; a backend says which of them answer the part of a range past the spans'
// retention from the hourly totals.
export type AnalyticsReport = 'daily' | 'top-spenders' | 'model-efficiency' | 'latency-distribution' | 'forecast' | 'chargeback';

export interface DailyTrendRow {
  date: string; // YYYY-MM-DD, UTC
  costUsd: number;
  requests: number;
  totalTokens: number;
  unknownCostRequests: number;
}

export interface TopSpendersParams extends TimeRange {
  dimension: Dimension;
  limit: number;
}

export interface TopSpenderRow {
  key: string | null;
  requests: number;
  costUsd: number;
  costPerRequestUsd: number | null;
  totalTokens: number;
  unknownCostRequests: number;
  // Share of the project's known cost in the range (grouping by tag can sum past 100).
  sharePct: number;
}

// The lower edges of the duration bands, in ms; the last band has no upper edge.
export const LATENCY_BANDS_MS = [0, 100, 250, 500, 1000, 2500, 5000, 10_000, 20_000, 30_000, 60_000] as const;

export interface LatencyBand {
  fromMs: number;
  toMs: number | null; // exclusive; null for the last band
  requests: number;
}

export interface ModelEfficiencyRow {
  model: string | null;
  provider: string | null;
  requests: number;
  costUsd: number;
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  tokensPerRequest: number | null;
  costPerRequestUsd: number | null;
  usdPerMtok: number | null;
  usdPer1kTokens: number | null;
  tokensPerDollar: number | null;
  latencyAvgMs: number | null;
  unknownCostRequests: number;
}

export interface ForecastParams {
  nowMs: number;
  lookbackDays: number;
  retention?: RetentionBounds;
}

export interface ForecastDay {
  date: string;
  costUsd: number;
  movingAverage7dUsd: number; // mean of this day and the (up to) 6 days before it in the window
  trendUsd: number; // the fitted line on this day, floored at 0
}

export interface CostForecast {
  asOf: string; // ISO-8601 of nowMs
  lookbackDays: number;
  // The complete UTC days before today the fit uses; today is partial and left out.
  series: ForecastDay[];
  daysWithData: number;
  movingAverage7dUsd: number;
  trend: { slopeUsdPerDay: number; interceptUsd: number; r2: number | null; todayUsd: number };
  monthToDateUsd: number;
  remainingDaysInMonth: number; // fractional: the rest of today plus the whole days after it
  projectedMonthEndUsd: { movingAverage: number; trend: number };
  projectedNext7DaysUsd: { movingAverage: number; trend: number };
  projectedAnnualUsd: { movingAverage: number; trend: number };
  confidence: 'low' | 'medium' | 'high';
}

export const CHARGEBACK_DIMENSIONS = ['department', 'team', 'application', 'feature'] as const;
export type ChargebackDimension = (typeof CHARGEBACK_DIMENSIONS)[number];
export const UNATTRIBUTED = '(unattributed)';

export interface ChargebackParams {
  month: string; // YYYY-MM
  by: ChargebackDimension[];
}

export type ChargebackRow = Partial<Record<ChargebackDimension, string>> & {
  requests: number;
  inputTokens: number; // input + cache read + cache write
  outputTokens: number; // output + reasoning
  totalTokens: number;
  costUsd: number;
  costUsdDecimal: string; // the exact DECIMAL sum, 9 decimals
  sharePct: number; // of the month's known cost; rounded to 0.01 so that the rows sum to exactly 100
  unknownCostRequests: number;
  // What the group is billed: the calls' cost, the markup of its tiers on it, the other costs
  // assigned to it (chargeback-billing.ts).
  tiers: string[]; // the markup tiers of the group's calls, by name
  markupUsd: number;
  markupUsdDecimal: string;
  otherCosts: ChargebackOtherCostLine[];
  otherCostUsd: number;
  otherCostUsdDecimal: string;
  billedUsd: number;
  billedUsdDecimal: string;
};

export interface ChargebackOtherCostLine {
  id: string;
  name: string;
  category: string;
  costUsd: number;
  costUsdDecimal: string;
}

export interface ChargebackReport {
  month: string;
  by: ChargebackDimension[];
  fromMs: number;
  toMs: number;
  currency: 'USD';
  rows: ChargebackRow[];
  totals: {
    requests: number;
    inputTokens: number;
    outputTokens: number;
    totalTokens: number;
    costUsd: number;
    costUsdDecimal: string;
    unknownCostRequests: number;
    markupUsd: number;
    markupUsdDecimal: string;
    otherCostUsd: number;
    otherCostUsdDecimal: string;
    billedUsd: number;
    billedUsdDecimal: string;
  };
}

export interface AnalyticsBackend {
  query(project: ProjectId, q: AnalyticsQuery): Promise<AnalyticsResult>;
  // Cost, calls and tokens per UTC day; days without traffic are present with zeros.
  dailyTrend(project: ProjectId, range: TimeRange): Promise<DailyTrendRow[]>;
  topSpenders(project: ProjectId, params: TopSpendersParams): Promise<TopSpenderRow[]>;
  modelEfficiency(project: ProjectId, range: TimeRange): Promise<ModelEfficiencyRow[]>;
  // How many model calls took how long: counts in fixed duration bands (LATENCY_BANDS_MS).
  latencyDistribution(project: ProjectId, range: TimeRange): Promise<LatencyBand[]>;
  forecast(project: ProjectId, params: ForecastParams): Promise<CostForecast>;
  chargeback(project: ProjectId, params: ChargebackParams): Promise<ChargebackReport>;
  chargebackCsv(project: ProjectId, params: ChargebackParams): Promise<string>;
  // Whether `report` (top spenders: by `dimension`) answers the part of a range before the spans'
  // cutoff from the hourly totals; absent: none does.
  answersFromRollups?(report: AnalyticsReport, dimension?: Dimension): boolean;
  ping(project: ProjectId): Promise<void>;
}
