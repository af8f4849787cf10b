import { LookoutError } from '../errors.ts';
import { DAY_MS, HOUR_MS, MAX_INSTANT_MS, MIN_INSTANT_MS, MINUTE_MS, WEEK_MS } from '../domain/time.ts';
import { isAppCacheMeasure } from '../domain/measures.ts';
import {
  CHARGEBACK_DIMENSIONS,
  dimensionProblem,
  isMeasure,
  MEASURE_NAMES,
  QUERY_LIMITS,
  TIME_BUCKETS,
  type AnalyticsQuery,
  type ChargebackParams,
  type ForecastParams,
  type TimeBucket,
  type TimeRange,
} from './contract.ts';

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

export function validateDimension(parameter: string, d: string): void {
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
  const cacheMeasures = q.measures.filter(isAppCacheMeasure);
  if (cacheMeasures.length > 0 && cacheMeasures.length < q.measures.length) {
    throw new AnalyticsInputError(
      'measures',
      `${cacheMeasures.join(', ')} count application cache lookups, not LLM calls; ask for them in a query of their own (without ${q.measures.filter((m) => !isAppCacheMeasure(m)).join(', ')})`,
    );
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

export const MAX_LOOKBACK_DAYS = 366;

export function validateForecast(p: ForecastParams): void {
  if (!Number.isInteger(p.lookbackDays) || p.lookbackDays < 1 || p.lookbackDays > MAX_LOOKBACK_DAYS) {
    throw new AnalyticsInputError('lookbackDays', `must be a whole number of days from 1 to ${MAX_LOOKBACK_DAYS}`);
  }
  validateRange({ fromMs: p.nowMs - p.lookbackDays * DAY_MS, toMs: p.nowMs }, { from: 'lookbackDays', to: 'now' });
}
