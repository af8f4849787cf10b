import { z } from 'zod';
import { LookoutError } from '../../errors.ts';
import { parseInstant } from '../../domain/time.ts';
import { MAX_OFFSET } from '../routes/spans.ts';

// The query parameters of the Langfuse public API's list endpoints, as Langfuse names them.

// Langfuse's own bound on a page.
export const MAX_LANGFUSE_LIMIT = 100;
const DEFAULT_LIMIT = 50;

const oneOrMany = z.union([z.string(), z.array(z.string())]);

export const pageFields = {
  page: z.coerce.number({ message: 'must be a whole number' }).int('must be a whole number').min(1, 'must be at least 1 (pages start at 1)').default(1),
  limit: z.coerce
    .number({ message: 'must be a whole number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(MAX_LANGFUSE_LIMIT, `must be at most ${MAX_LANGFUSE_LIMIT}`)
    .default(DEFAULT_LIMIT),
};

export const traceListQuery = z
  .object({
    ...pageFields,
    userId: z.string().optional(),
    name: z.string().optional(),
    sessionId: z.string().optional(),
    fromTimestamp: z.string().optional().describe('ISO 8601; traces with a span starting at or after it'),
    toTimestamp: z.string().optional().describe('ISO 8601; traces with a span starting before it'),
    orderBy: z.string().optional().describe('only timestamp.desc (the default): newest first'),
    tags: oneOrMany.optional().describe('one tag'),
    version: z.string().optional(),
    release: z.string().optional(),
    environment: oneOrMany.optional().describe('one environment'),
    fields: z.string().optional().describe('accepted and ignored: every field is always included'),
  })
  .strict();

export const observationListQuery = z
  .object({
    ...pageFields,
    traceId: z.string().optional(),
    name: z.string().optional(),
    userId: z.string().optional(),
    type: z.string().optional().describe('GENERATION, SPAN, EVENT, ...'),
    parentObservationId: z.string().optional(),
    fromStartTime: z.string().optional().describe('ISO 8601, inclusive'),
    toStartTime: z.string().optional().describe('ISO 8601, exclusive'),
    version: z.string().optional(),
    environment: oneOrMany.optional().describe('one environment'),
  })
  .strict();

export const SCORE_DATA_TYPES = ['NUMERIC', 'BOOLEAN', 'CATEGORICAL'] as const;

export const scoreListQuery = z
  .object({
    ...pageFields,
    traceId: z.string().optional(),
    name: z.string().optional(),
    dataType: z.enum(SCORE_DATA_TYPES, { message: `must be one of ${SCORE_DATA_TYPES.join(', ')}` }).optional(),
    fromTimestamp: z.string().optional().describe('ISO 8601, inclusive'),
    toTimestamp: z.string().optional().describe('ISO 8601, exclusive'),
  })
  .strict();

// Skipping rows still reads them: a page past MAX_OFFSET rows comes from a narrower range instead.
export function offsetOf(q: { page: number; limit: number }, rangeParam: string): number {
  const offset = (q.page - 1) * q.limit;
  if (offset > MAX_OFFSET) {
    throw new LookoutError('invalid_parameter', `page: pages reach at most ${MAX_OFFSET} rows back; to page further, move '${rangeParam}' to the oldest row seen`);
  }
  return offset;
}

export function meta(q: { page: number; limit: number }, totalItems: number): { page: number; limit: number; totalItems: number; totalPages: number } {
  return { page: q.page, limit: q.limit, totalItems, totalPages: Math.ceil(totalItems / q.limit) };
}

// A time range's ends in epoch milliseconds.
export function rangeOf(from: string | undefined, to: string | undefined, names: [string, string]): { fromMs?: number; toMs?: number } {
  const now = Date.now();
  const fromMs = from === undefined ? undefined : parseInstant(from, now, { name: names[0] });
  const toMs = to === undefined ? undefined : parseInstant(to, now, { name: names[1] });
  if (fromMs !== undefined && toMs !== undefined && toMs < fromMs) throw new LookoutError('invalid_parameter', `${names[1]}: must not be before ${names[0]}`);
  return { fromMs, toMs };
}

// A parameter Langfuse lets repeat, of which Lookout filters on one value.
export function single(value: string | string[] | undefined, name: string): string | undefined {
  if (value === undefined) return undefined;
  const values = [...new Set(Array.isArray(value) ? value : [value])].filter((v) => v !== '');
  if (values.length > 1) throw new LookoutError('invalid_parameter', `${name}: give one value; filtering on several is not supported`);
  return values[0];
}

export function traceOrder(orderBy: string | undefined): void {
  if (orderBy === undefined || orderBy === '' || orderBy.toLowerCase() === 'timestamp.desc') return;
  throw new LookoutError('invalid_parameter', `orderBy: only 'timestamp.desc' (newest first) is supported, not '${orderBy}'`);
}

// Metadata filters from optional values, only those given.
export function metadataOf(entries: Record<string, string | undefined>): Record<string, string> | undefined {
  const out = Object.fromEntries(Object.entries(entries).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== ''));
  return Object.keys(out).length ? out : undefined;
}
