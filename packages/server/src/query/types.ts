import { z } from 'zod';
import type { ProjectId } from '../store/store.ts';
import { LookoutError } from '../errors.ts';
import { DAY_MS, HOUR_MS, MAX_INSTANT_MS, MIN_INSTANT_MS, MINUTE_MS, parseInstant, parseRange as parseTimeRange, WEEK_MS } from '../domain/time.ts';

// Analytics (B3, B4, B5, C1, C2, C5): one query model — measures × dimensions × filters over a
// time range, optionally bucketed in time — plus the fixed reports built on it (daily trend,
// top spenders, model efficiency, forecast, chargeback). Implemented once per storage backend.
// This file holds the contract, the whitelists every name is checked against, and the parsing
// of the HTTP query parameters; it has no I/O.

// ---------------------------------------------------------------------------------------------
// Measures

export const MEASURE_UNITS = ['usd', 'count', 'tokens', 'ms', 'fraction', 'ratio', 'tokens_per_usd', 'usd_per_mtok', 'score'] as const;
export type MeasureUnit = (typeof MEASURE_UNITS)[number];

export interface MeasureSpec {
  unit: MeasureUnit;
  // Additive measures are 0 over no rows (and in gap-filled buckets); the others are null.
  additive: boolean;
  description: string;
}

export const MEASURES = {
  cost: { unit: 'usd', additive: true, description: 'Sum of known costs. Calls whose cost is unknown add nothing here; they are counted in unknown_cost_requests.' },
  unknown_cost_requests: { unit: 'count', additive: true, description: "Calls whose model has no price (cost_status 'unknown_model'): cost unknown, not $0." },
  requests: { unit: 'count', additive: true, description: 'Number of calls.' },
  input_tokens: { unit: 'tokens', additive: true, description: 'Uncached input tokens.' },
  output_tokens: { unit: 'tokens', additive: true, description: 'Output tokens, reasoning excluded.' },
  cache_read_tokens: { unit: 'tokens', additive: true, description: 'Input tokens read from the prompt cache.' },
  cache_write_tokens: { unit: 'tokens', additive: true, description: 'Input tokens written to the prompt cache.' },
  reasoning_tokens: { unit: 'tokens', additive: true, description: 'Output tokens spent on reasoning.' },
  audio_tokens: { unit: 'tokens', additive: true, description: 'Audio tokens (input and output).' },
  total_tokens: { unit: 'tokens', additive: true, description: 'All token buckets; they never overlap, so each token is counted once.' },
  tokens_per_request: { unit: 'tokens', additive: false, description: 'total_tokens / requests.' },
  input_output_ratio: { unit: 'ratio', additive: false, description: '(input + cache read + cache write) / (output + reasoning); null when there is no output.' },
  latency_avg: { unit: 'ms', additive: false, description: 'Mean call duration.' },
  latency_p50: { unit: 'ms', additive: false, description: 'Exact median call duration (continuous quantile, linear interpolation).' },
  latency_p95: { unit: 'ms', additive: false, description: 'Exact 95th percentile call duration.' },
  latency_p99: { unit: 'ms', additive: false, description: 'Exact 99th percentile call duration.' },
  ttft_p50: { unit: 'ms', additive: false, description: 'Exact median time to first token, over calls that report it (streaming).' },
  ttft_p95: { unit: 'ms', additive: false, description: 'Exact 95th percentile time to first token.' },
  ttft_p99: { unit: 'ms', additive: false, description: 'Exact 99th percentile time to first token.' },
  errors: { unit: 'count', additive: true, description: "Calls with status 'error'." },
  error_rate: { unit: 'fraction', additive: false, description: 'errors / requests, from 0 to 1.' },
  cost_per_request: { unit: 'usd', additive: false, description: 'cost / calls whose cost is known (unknown costs do not dilute it).' },
  tokens_per_dollar: { unit: 'tokens_per_usd', additive: false, description: 'Tokens of priced calls / cost; null when the cost is 0.' },
  usd_per_mtok: { unit: 'usd_per_mtok', additive: false, description: 'cost × 1,000,000 / tokens of priced calls.' },
  score_avg: { unit: 'score', additive: false, description: 'Mean numeric score (booleans as 0/1) on the traces of the group; scoreName narrows it to one score.' },
} as const satisfies Record<string, MeasureSpec>;

export type Measure = keyof typeof MEASURES;
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
] as const;
export type BaseDimension = (typeof BASE_DIMENSIONS)[number];
export type MetadataDimension = `metadata.${string}`;
export type Dimension = BaseDimension | MetadataDimension;

// Metadata keys reach SQL only as bound parameters; the pattern keeps them printable and free of
// ':' and ',' so that `filter=metadata.<key>:<value>` stays unambiguous.
export const METADATA_KEY_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.\-/@]{0,127}$/;
export const METADATA_PREFIX = 'metadata.';

export function metadataKeyOf(d: Dimension): string | null {
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
  scoreName?: string; // narrows score_avg to one score name
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
}

export interface TimeRange {
  fromMs: number;
  toMs: number;
}

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

export const CHARGEBACK_DIMENSIONS = ['department', 'team', 'application'] as const;
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
};

export interface ChargebackReport {
  month: string;
  by: ChargebackDimension[];
  fromMs: number;
  toMs: number;
  currency: 'USD';
  rows: ChargebackRow[];
  totals: { requests: number; inputTokens: number; outputTokens: number; totalTokens: number; costUsd: number; costUsdDecimal: string; unknownCostRequests: number };
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
  ping(project: ProjectId): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Validation. Backends call validateQuery on every query; the HTTP layer turns the error into
// invalid_parameter with the parameter's name.

// The message names the parameter: "measures: 'colour' is not a measure".
export class AnalyticsInputError extends LookoutError {
  override name = 'AnalyticsInputError';
  readonly parameter: string;
  readonly reason: string;
  constructor(parameter: string, reason: string) {
    super('invalid_parameter', `${parameter}: ${reason}`);
    this.parameter = parameter;
    this.reason = reason;
  }
}

const BUCKET_MS: Record<TimeBucket, number> = { minute: MINUTE_MS, hour: HOUR_MS, day: DAY_MS, week: WEEK_MS, month: 28 * DAY_MS };

export function validateRange(range: TimeRange, names: { from: string; to: string } = { from: 'from', to: 'to' }): void {
  for (const [name, v] of [[names.from, range.fromMs], [names.to, range.toMs]] as const) {
    if (!Number.isFinite(v)) throw new AnalyticsInputError(name, 'must be a finite time');
    if (v < MIN_INSTANT_MS || v > MAX_INSTANT_MS) throw new AnalyticsInputError(name, `${new Date(v).toISOString()} is outside 2000-01-01..2100-01-01`);
  }
  if (range.fromMs >= range.toMs) throw new AnalyticsInputError(names.from, `must be before ${names.to} (${new Date(range.fromMs).toISOString()} >= ${new Date(range.toMs).toISOString()})`);
  if (range.toMs - range.fromMs > QUERY_LIMITS.maxRangeDays * DAY_MS) {
    throw new AnalyticsInputError(names.from, `the range may span at most ${QUERY_LIMITS.maxRangeDays} days`);
  }
}

function validateDimension(parameter: string, d: string): void {
  const problem = dimensionProblem(d);
  if (problem) throw new AnalyticsInputError(parameter, problem);
}

export function validateQuery(q: AnalyticsQuery): void {
  if (!Array.isArray(q.measures) || q.measures.length === 0) throw new AnalyticsInputError('measures', 'at least one measure is required');
  const seen = new Set<string>();
  for (const m of q.measures) {
    if (!isMeasure(m)) throw new AnalyticsInputError('measures', `'${m}' is not a measure; use one of ${MEASURE_NAMES.join(', ')}`);
    if (seen.has(m)) throw new AnalyticsInputError('measures', `'${m}' is listed twice`);
    seen.add(m);
  }
  if (q.groupBy.length > QUERY_LIMITS.maxGroupBy) throw new AnalyticsInputError('groupBy', `at most ${QUERY_LIMITS.maxGroupBy} dimensions`);
  const dims = new Set<string>();
  for (const d of q.groupBy) {
    validateDimension('groupBy', d);
    if (dims.has(d)) throw new AnalyticsInputError('groupBy', `'${d}' is listed twice`);
    dims.add(d);
  }
  if (q.filters.length > QUERY_LIMITS.maxFilters) throw new AnalyticsInputError('filter', `at most ${QUERY_LIMITS.maxFilters} filters`);
  for (const f of q.filters) {
    validateDimension('filter', f.dimension);
    if (!Array.isArray(f.values) || f.values.length === 0) throw new AnalyticsInputError('filter', `${f.dimension}: at least one value is required`);
    if (f.values.length > QUERY_LIMITS.maxFilterValues) throw new AnalyticsInputError('filter', `${f.dimension}: at most ${QUERY_LIMITS.maxFilterValues} values`);
    for (const v of f.values) {
      if (typeof v !== 'string' || v.length === 0 || v.length > QUERY_LIMITS.maxValueChars) {
        throw new AnalyticsInputError('filter', `${f.dimension}: values must be 1-${QUERY_LIMITS.maxValueChars} characters`);
      }
    }
  }
  validateRange(q);
  if (q.bucket !== undefined) {
    if (!(TIME_BUCKETS as readonly string[]).includes(q.bucket)) throw new AnalyticsInputError('bucket', `'${q.bucket}' is not one of ${TIME_BUCKETS.join(', ')}`);
    const buckets = Math.ceil((q.toMs - q.fromMs) / BUCKET_MS[q.bucket]);
    if (buckets > QUERY_LIMITS.maxBuckets) {
      throw new AnalyticsInputError('bucket', `${q.bucket} buckets over this range make ${buckets} buckets; at most ${QUERY_LIMITS.maxBuckets} — use a larger bucket or a shorter range`);
    }
  }
  if (q.orderBy !== undefined) {
    if (!seen.has(q.orderBy.measure)) throw new AnalyticsInputError('orderBy', `'${q.orderBy.measure}' must be one of the requested measures`);
    if (q.orderBy.dir !== 'asc' && q.orderBy.dir !== 'desc') throw new AnalyticsInputError('orderBy', "direction must be 'asc' or 'desc'");
  }
  if (q.limit !== undefined && (!Number.isInteger(q.limit) || q.limit < 1 || q.limit > QUERY_LIMITS.maxLimit)) {
    throw new AnalyticsInputError('limit', `must be an integer from 1 to ${QUERY_LIMITS.maxLimit}`);
  }
  if (q.scoreName !== undefined && (q.scoreName.length === 0 || q.scoreName.length > QUERY_LIMITS.maxValueChars)) {
    throw new AnalyticsInputError('scoreName', `must be 1-${QUERY_LIMITS.maxValueChars} characters`);
  }
}

export const MONTH_PATTERN = /^(\d{4})-(0[1-9]|1[0-2])$/;

// [first instant of the month, first instant of the next), UTC.
export function monthRange(month: string): TimeRange {
  const m = MONTH_PATTERN.exec(month);
  if (!m) throw new AnalyticsInputError('month', `'${month}' is not a month; use YYYY-MM, e.g. 2026-11`);
  const year = Number(m[1]);
  const index = Number(m[2]) - 1;
  const range = { fromMs: Date.UTC(year, index, 1), toMs: Date.UTC(year, index + 1, 1) };
  validateRange(range, { from: 'month', to: 'month' });
  return range;
}

export function validateChargeback(p: ChargebackParams): TimeRange {
  const range = monthRange(p.month);
  if (!Array.isArray(p.by) || p.by.length === 0) throw new AnalyticsInputError('by', `at least one of ${CHARGEBACK_DIMENSIONS.join(', ')}`);
  const seen = new Set<string>();
  for (const d of p.by) {
    if (!(CHARGEBACK_DIMENSIONS as readonly string[]).includes(d)) throw new AnalyticsInputError('by', `'${d}' is not one of ${CHARGEBACK_DIMENSIONS.join(', ')}`);
    if (seen.has(d)) throw new AnalyticsInputError('by', `'${d}' is listed twice`);
    seen.add(d);
  }
  return range;
}

// ---------------------------------------------------------------------------------------------
// HTTP query parameters. Repeated parameters arrive as arrays; lists may also be comma-separated.

const list = z.union([z.string(), z.array(z.string())]).optional();
const integer = z.string().regex(/^\d{1,9}$/, 'must be a whole number').optional();

export function splitList(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
}

// The descriptions are the parameters' documentation in the API reference.
const from = z.string().optional().describe("start of the range (inclusive): an instant or a duration back from now ('24h', '7d'); default: 7 days before `to`");
const to = z.string().optional().describe('end of the range (exclusive): an instant or a duration back from now; default: now');
const limitParam = (what: string) => integer.describe(`${what}, at most ${QUERY_LIMITS.maxLimit}`);

export const rangeParamsSchema = z.object({ from, to }).strict();

export const analyticsQueryParamsSchema = z
  .object({
    measures: list.describe(`measures to compute, comma-separated or repeated (required): ${MEASURE_NAMES.join(', ')}`),
    groupBy: list.describe(`dimensions to group by, at most ${QUERY_LIMITS.maxGroupBy}: ${BASE_DIMENSIONS.join(', ')} or metadata.<key>`),
    filter: list.describe("<dimension>:<value>[,<value>...], repeated for several filters; e.g. 'team:core', 'model:gpt-4o,gpt-4o-mini'"),
    from,
    to,
    bucket: z.enum(TIME_BUCKETS).optional().describe('bucket the rows in time'),
    orderBy: z.string().optional().describe('<measure>[:asc|:desc], one of the requested measures; default descending'),
    limit: limitParam(`rows at most (default ${QUERY_LIMITS.defaultLimit})`),
    scoreName: z.string().optional().describe('narrows score_avg to one score name'),
  })
  .strict();

export const topSpendersParamsSchema = z
  .object({ by: z.string().optional().describe('the dimension (default user)'), from, to, limit: limitParam('rows (default 10)') })
  .strict();

export const DEFAULT_LOOKBACK_DAYS = 30;
export const MAX_LOOKBACK_DAYS = 366;

export const forecastParamsSchema = z
  .object({
    lookbackDays: integer.describe(`complete days before today the fit uses (default ${DEFAULT_LOOKBACK_DAYS}, at most ${MAX_LOOKBACK_DAYS})`),
    now: z.string().optional().describe('the instant to forecast from (default: now)'),
  })
  .strict();

export const chargebackParamsSchema = z
  .object({
    month: z.string().optional().describe('YYYY-MM, UTC (default: the current month)'),
    by: list.describe(`dimensions, comma-separated: ${CHARGEBACK_DIMENSIONS.join(', ')} (default department)`),
    format: z.enum(['json', 'csv']).optional().describe('json (default) or csv, a download'),
  })
  .strict();

function parseWith<T extends z.ZodType>(schema: T, raw: unknown): z.output<T> {
  const parsed = schema.safeParse(raw ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  if (issue.code === 'unrecognized_keys') throw new AnalyticsInputError(issue.keys.join(', '), 'unknown parameter');
  throw new AnalyticsInputError(issue.path.map(String).join('.') || 'query', issue.message);
}

export const DEFAULT_RANGE_MS = 7 * DAY_MS;

export function parseRangeParams(raw: { from?: string; to?: string }, nowMs: number): TimeRange {
  const range = parseTimeRange(raw, nowMs, { spanMs: DEFAULT_RANGE_MS });
  validateRange(range);
  return range;
}

// "team:core" -> {team, [core]}; "model:gpt-4o,gpt-4o-mini" -> in-list; splits at the first ':'
// so that values may contain ':' (fine-tuned model names do).
export function parseFilter(text: string): Filter {
  const at = text.indexOf(':');
  if (at <= 0) throw new AnalyticsInputError('filter', `'${text}' is not <dimension>:<value>[,<value>...]`);
  const dimension = text.slice(0, at).trim();
  validateDimension('filter', dimension);
  const values = text.slice(at + 1).split(',').map((v) => v.trim()).filter((v) => v !== '');
  if (values.length === 0) throw new AnalyticsInputError('filter', `'${text}' has no value`);
  return { dimension: dimension as Dimension, values };
}

export function parseAnalyticsQueryParams(raw: unknown, nowMs: number): AnalyticsQuery {
  const p = parseWith(analyticsQueryParamsSchema, raw);
  const measures = splitList(p.measures);
  if (measures.length === 0) throw new AnalyticsInputError('measures', 'at least one measure is required, e.g. measures=cost,requests');
  for (const m of measures) if (!isMeasure(m)) throw new AnalyticsInputError('measures', `'${m}' is not a measure; use one of ${MEASURE_NAMES.join(', ')}`);
  const groupBy = splitList(p.groupBy);
  for (const d of groupBy) validateDimension('groupBy', d);
  const filters = (p.filter === undefined ? [] : Array.isArray(p.filter) ? p.filter : [p.filter]).map(parseFilter);
  const q: AnalyticsQuery = {
    measures: measures as Measure[],
    groupBy: groupBy as Dimension[],
    filters,
    ...parseRangeParams(p, nowMs),
  };
  if (p.bucket) q.bucket = p.bucket;
  if (p.orderBy !== undefined) {
    const m = /^([a-z0-9_]+)(?::(asc|desc))?$/.exec(p.orderBy.trim());
    if (!m || !isMeasure(m[1])) throw new AnalyticsInputError('orderBy', `'${p.orderBy}' is not <measure>[:asc|:desc]`);
    q.orderBy = { measure: m[1], dir: m[2] === 'asc' ? 'asc' : 'desc' };
  }
  if (p.limit !== undefined) q.limit = Number(p.limit);
  if (p.scoreName !== undefined) q.scoreName = p.scoreName;
  validateQuery(q);
  return q;
}

export function parseTopSpendersParams(raw: unknown, nowMs: number): TopSpendersParams {
  const p = parseWith(topSpendersParamsSchema, raw);
  const dimension = (p.by ?? 'user').trim();
  validateDimension('by', dimension);
  const limit = p.limit === undefined ? 10 : Number(p.limit);
  if (limit < 1 || limit > QUERY_LIMITS.maxLimit) throw new AnalyticsInputError('limit', `must be from 1 to ${QUERY_LIMITS.maxLimit}`);
  return { dimension: dimension as Dimension, limit, ...parseRangeParams(p, nowMs) };
}

export function parseRange(raw: unknown, nowMs: number): TimeRange {
  return parseRangeParams(parseWith(rangeParamsSchema, raw), nowMs);
}

export function validateForecast(p: ForecastParams): void {
  if (!Number.isInteger(p.lookbackDays) || p.lookbackDays < 1 || p.lookbackDays > MAX_LOOKBACK_DAYS) {
    throw new AnalyticsInputError('lookbackDays', `must be a whole number of days from 1 to ${MAX_LOOKBACK_DAYS}`);
  }
  validateRange({ fromMs: p.nowMs - p.lookbackDays * DAY_MS, toMs: p.nowMs }, { from: 'lookbackDays', to: 'now' });
}

export function parseForecastParams(raw: unknown, nowMs: number): ForecastParams {
  const p = parseWith(forecastParamsSchema, raw);
  const params = {
    nowMs: p.now === undefined ? nowMs : parseInstant(p.now, nowMs, { name: 'now', relative: true }),
    lookbackDays: p.lookbackDays === undefined ? DEFAULT_LOOKBACK_DAYS : Number(p.lookbackDays),
  };
  validateForecast(params);
  return params;
}

export function currentMonth(nowMs: number): string {
  return new Date(nowMs).toISOString().slice(0, 7);
}

export function parseChargebackParams(raw: unknown, nowMs: number): ChargebackParams & { format: 'json' | 'csv' } {
  const p = parseWith(chargebackParamsSchema, raw);
  const by = splitList(p.by);
  const params = {
    month: p.month ?? currentMonth(nowMs),
    by: (by.length ? by : ['department']) as ChargebackDimension[],
    format: p.format ?? 'json',
  };
  validateChargeback(params);
  return params;
}

// ---------------------------------------------------------------------------------------------
// CSV (RFC 4180): CRLF line ends; a field with a comma, quote, CR or LF is quoted and its quotes
// doubled. A text field that a spreadsheet would run as a formula (= + - @ at the start) gets a
// leading apostrophe, so that a team named "=HYPERLINK(...)" stays text.

export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLines(header: string[], rows: unknown[][]): string {
  let out = header.map(csvField).join(',') + '\r\n';
  for (const r of rows) out += r.map(csvField).join(',') + '\r\n';
  return out;
}
