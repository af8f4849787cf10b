import { z } from 'zod';
import { ERROR_CLASSES, SPAN_KINDS, SPAN_STATUSES } from '../../domain/span.ts';
import { LOG_SEVERITIES, SCORE_SOURCES } from '../../domain/score.ts';
import type { ItemOutcome } from '../../store/store.ts';
import { DAY_MS, MIN_INSTANT_MS } from '../../domain/time.ts';

// The native ingest API (A1): POST /api/v1/ingest { "batch": [ item, ... ] }.
// Every item is validated on its own; one bad item never costs the others.

export const EARLIEST_TIMESTAMP_MS = MIN_INSTANT_MS;
export const MAX_FUTURE_SKEW_MS = DAY_MS;

const MAX_ID_CHARS = 200;
const MAX_NAME_CHARS = 1_000;
const MAX_LABEL_CHARS = 500;
const MAX_TAGS = 50;
const MAX_METADATA_KEYS = 100;
// Metadata and log attribute values: labels and short texts, not documents (content has its own fields).
const MAX_VALUE_CHARS = 10_000;

// ISO-8601 string or epoch milliseconds. Validated against a plausible window so that a
// seconds-for-milliseconds mix-up (1970) or a typo in the year (2100) is caught at the door.
export const timestampSchema = z
  .union([z.string(), z.number()])
  .transform((value, ctx) => {
    const ms = typeof value === 'number' ? value : Date.parse(value);
    if (!Number.isFinite(ms)) {
      ctx.addIssue({ code: 'custom', message: `is not a valid timestamp (use ISO-8601 or epoch milliseconds): ${JSON.stringify(value)}` });
      return z.NEVER;
    }
    if (ms < EARLIEST_TIMESTAMP_MS) {
      ctx.addIssue({ code: 'custom', message: `is before 2000-01-01 (${new Date(ms).toISOString()}); epoch values are milliseconds, not seconds` });
      return z.NEVER;
    }
    if (ms > Date.now() + MAX_FUTURE_SKEW_MS) {
      ctx.addIssue({ code: 'custom', message: `is more than 24 hours in the future (${new Date(ms).toISOString()})` });
      return z.NEVER;
    }
    return ms;
  });

const tokenCount = z
  .number({ error: 'must be a number' })
  .int('must be a whole number of tokens')
  .nonnegative('must not be negative')
  .max(1e12, 'is implausibly large');

const label = z.string().max(MAX_LABEL_CHARS);
const scalarValue = z.union([z.string().max(MAX_VALUE_CHARS, `must be at most ${MAX_VALUE_CHARS} characters`), z.number(), z.boolean()]);
const optionalLabel = label.nullish();
const hexId = (chars: number) =>
  z
    .string()
    .regex(new RegExp(`^[0-9a-fA-F]{${chars}}$`), `must be ${chars} hex characters`)
    .transform((s) => s.toLowerCase());

const contentSchema = z
  .union([z.string(), z.array(z.unknown()), z.record(z.string(), z.unknown())])
  .transform((v) => (typeof v === 'string' ? v : JSON.stringify(v)));

export const usageSchema = z
  .object({
    input: tokenCount.optional(),
    output: tokenCount.optional(),
    cacheRead: tokenCount.optional(),
    cacheWrite: tokenCount.optional(),
    reasoning: tokenCount.optional(),
    audio: tokenCount.optional(),
    inputIncludesCache: z.boolean().optional(),
    outputIncludesReasoning: z.boolean().optional(),
  })
  .strict();

const attributionFields = {
  userId: optionalLabel,
  sessionId: optionalLabel,
  feature: optionalLabel,
  team: optionalLabel,
  department: optionalLabel,
  application: optionalLabel,
  environment: optionalLabel,
};

const spanFields = {
  id: z.string().min(1).max(MAX_ID_CHARS).optional(),
  traceId: hexId(32).optional(),
  spanId: hexId(16).optional(),
  parentSpanId: hexId(16).nullish(),
  name: z.string().min(1).max(MAX_NAME_CHARS).optional(),
  startTime: timestampSchema,
  endTime: timestampSchema.optional(),
  durationMs: z.number().nonnegative('must not be negative').max(DAY_MS, 'is longer than a day').optional(),
  status: z.enum(SPAN_STATUSES).default('ok'),
  errorClass: z.enum(ERROR_CLASSES).nullish(),
  errorMessage: z.string().max(10_000).nullish(),
  ...attributionFields,
  tags: z.array(label).max(MAX_TAGS, `at most ${MAX_TAGS} tags`).default([]),
  metadata: z
    .record(z.string().max(MAX_LABEL_CHARS), scalarValue)
    .refine((m) => Object.keys(m).length <= MAX_METADATA_KEYS, `at most ${MAX_METADATA_KEYS} keys`)
    .default({}),
  input: contentSchema.nullish(),
  output: contentSchema.nullish(),
  requestId: optionalLabel,
};

const modelFields = {
  provider: optionalLabel,
  model: optionalLabel,
  responseModel: optionalLabel,
  usage: usageSchema.default({}),
  // A cost the provider or caller already knows; used instead of the catalog when given.
  costUsd: z.number().nonnegative('must not be negative').max(1e6).nullish(),
  finishReason: optionalLabel,
  ttftMs: z.number().nonnegative('must not be negative').max(DAY_MS).nullish(),
};

// Checks that need more than one field.
function checkTimes(item: { startTime: number; endTime?: number; durationMs?: number }, ctx: z.RefinementCtx): void {
  if (item.endTime !== undefined && item.endTime < item.startTime) {
    ctx.addIssue({ code: 'custom', path: ['endTime'], message: 'is before startTime' });
  }
  if (item.endTime !== undefined && item.durationMs !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['durationMs'], message: 'give endTime or durationMs, not both' });
  }
}

export const generationItemSchema = z
  .object({ type: z.literal('generation'), ...spanFields, ...modelFields })
  .strict()
  .superRefine(checkTimes);

export const spanItemSchema = z
  .object({
    type: z.literal('span'),
    kind: z.enum(SPAN_KINDS).default('other'),
    ...spanFields,
    ...modelFields,
  })
  .strict()
  .superRefine(checkTimes);

export const scoreItemSchema = z
  .object({
    type: z.literal('score'),
    id: z.string().min(1).max(MAX_ID_CHARS),
    traceId: hexId(32),
    spanId: hexId(16).nullish(),
    name: z.string().min(1).max(MAX_LABEL_CHARS),
    value: z.union([z.number().refine(Number.isFinite, 'must be a finite number'), z.string().max(MAX_LABEL_CHARS), z.boolean()]),
    dataType: z.enum(['numeric', 'categorical', 'boolean']).optional(),
    comment: z.string().max(10_000).nullish(),
    source: z.enum(SCORE_SOURCES).default('api'),
    timestamp: timestampSchema.optional(),
    userId: optionalLabel,
  })
  .strict()
  .superRefine((item, ctx) => {
    const expected = { numeric: 'number', boolean: 'boolean', categorical: 'string' } as const;
    if (item.dataType && typeof item.value !== expected[item.dataType]) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: `must be a ${expected[item.dataType]} for a ${item.dataType} score` });
    }
  });

export const logItemSchema = z
  .object({
    type: z.literal('log'),
    id: z.string().min(1).max(MAX_ID_CHARS),
    traceId: hexId(32).nullish(),
    spanId: hexId(16).nullish(),
    timestamp: timestampSchema.optional(),
    severity: z.enum(LOG_SEVERITIES).default('info'),
    body: z.string().max(100_000),
    attributes: z
      .record(z.string().max(MAX_LABEL_CHARS), scalarValue)
      .refine((m) => Object.keys(m).length <= MAX_METADATA_KEYS, `at most ${MAX_METADATA_KEYS} keys`)
      .default({}),
  })
  .strict();

export const ITEM_TYPES = ['generation', 'span', 'score', 'log'] as const;

export const ingestItemSchema = z.discriminatedUnion('type', [
  generationItemSchema,
  spanItemSchema,
  scoreItemSchema,
  logItemSchema,
]);

export type GenerationItem = z.output<typeof generationItemSchema>;
export type SpanItem = z.output<typeof spanItemSchema>;
export type ScoreItem = z.output<typeof scoreItemSchema>;
export type LogItem = z.output<typeof logItemSchema>;
export type IngestItem = z.output<typeof ingestItemSchema>;
export type IngestItemInput = z.input<typeof ingestItemSchema>;

// The batch is checked only for its shape here; items are validated one by one.
export const ingestBodySchema = z
  .object({ batch: z.array(z.unknown()) })
  .strict();

// What became of one item of a batch, in the order of the batch.
export interface ItemResult {
  index: number;
  type: string | null;
  status: ItemOutcome | 'rejected';
  id?: string;
  traceId?: string;
  spanId?: string;
  error?: string;
}
