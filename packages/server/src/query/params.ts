import { z } from 'zod';
import { DAY_MS, parseInstant, parseRange as parseTimeRange } from '../domain/time.ts';
import {
  BASE_DIMENSIONS,
  CHARGEBACK_DIMENSIONS,
  isMeasure,
  MEASURE_NAMES,
  QUERY_LIMITS,
  TIME_BUCKETS,
  type AnalyticsQuery,
  type ChargebackDimension,
  type ChargebackParams,
  type Dimension,
  type Filter,
  type ForecastParams,
  type Measure,
  type TimeRange,
  type TopSpendersParams,
} from './contract.ts';
import { AnalyticsInputError, MAX_LOOKBACK_DAYS, validateChargeback, validateDimension, validateForecast, validateQuery, validateRange } from './validate.ts';

// HTTP query parameters: the zod schemas of the analytics routes and the parsing of what a schema
// cannot check into the typed queries of contract.ts. Repeated parameters arrive as arrays; lists may also be
// comma-separated.

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
    scoreName: z.string().optional().describe('narrows score_avg and score_count to one score name'),
  })
  .strict();

export const topSpendersParamsSchema = z
  .object({ by: z.string().optional().describe('the dimension (default user)'), from, to, limit: limitParam('rows (default 10)') })
  .strict();

export const DEFAULT_LOOKBACK_DAYS = 30;

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

export function parseRangeQuery(raw: unknown, nowMs: number): TimeRange {
  return parseRangeParams(parseWith(rangeParamsSchema, raw), nowMs);
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
