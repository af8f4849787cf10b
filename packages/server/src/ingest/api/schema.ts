import { z } from 'zod';
import {
  MAX_PROMPT_NAME_CHARS,
  MAX_PROMPT_VARIABLE_NAME_CHARS,
  MAX_PROMPT_VARIABLES,
  MAX_PROMPT_VARIABLES_CHARS,
  MAX_PROMPT_VARIANT_CHARS,
  MAX_PROMPT_VERSION_CHARS,
  PROMPT_METADATA,
} from '../../domain/prompt-identity.ts';
import { ERROR_CLASSES, SPAN_KINDS, SPAN_STATUSES } from '../../domain/span.ts';
import { LOG_SEVERITIES, SCORE_SOURCES } from '../../domain/score.ts';
import type { ItemOutcome } from '../../store/store.ts';
import { DAY_MS, EPOCH_SECONDS_BELOW, MIN_INSTANT_MS, readInstant, SECOND_MS } from '../../domain/time.ts';

// The native ingest API (A1): POST /api/v1/ingest { "batch": [ item, ... ] }.
// Every item is validated on its own; one bad item never costs the others.

export const EARLIEST_TIMESTAMP_MS = MIN_INSTANT_MS;
export const MAX_FUTURE_SKEW_MS = DAY_MS;
// The most a cost the caller reports for one call may be: more is a unit mistake.
export const MAX_REPORTED_COST_USD = 1e6;

const MAX_ID_CHARS = 200;
const MAX_NAME_CHARS = 1_000;
const MAX_LABEL_CHARS = 500;
const MAX_TAGS = 50;
export const MAX_METADATA_KEYS = 100;
// Metadata and log attribute values: labels and short texts, not documents (content has its own fields).
const MAX_VALUE_CHARS = 10_000;

// A time as the API reads every time (domain/time.ts): RFC 3339 with Z or an offset (a date-time
// without one is refused, never read in the server's zone), a date (UTC midnight), or epoch
// seconds (below 1e11) or milliseconds, as a number or digits. At most a day ahead of now, so a
// clock or unit mistake is caught at the door rather than stored as a call from the future.
// Returns the epoch milliseconds, or what is wrong (a message without the field's name).
export function readTimestamp(value: string | number): number | string {
  const now = Date.now();
  const ms =
    typeof value === 'number'
      ? Number.isFinite(value) && value >= 0
        ? value < EPOCH_SECONDS_BELOW
          ? value * SECOND_MS
          : value
        : `${JSON.stringify(value)} is not a time`
      : readInstant(value, now);
  if (typeof ms === 'string') return ms;
  if (ms < EARLIEST_TIMESTAMP_MS) return `is before 2000-01-01 (${new Date(ms).toISOString()})`;
  if (ms > now + MAX_FUTURE_SKEW_MS) return `is more than 24 hours in the future (${new Date(ms).toISOString()})`;
  return ms;
}

export const timestampSchema = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const ms = readTimestamp(value);
  if (typeof ms === 'string') {
    ctx.addIssue({ code: 'custom', message: ms });
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
    input: tokenCount.optional().describe('prompt tokens'),
    output: tokenCount.optional().describe('completion tokens'),
    cacheRead: tokenCount.optional().describe('prompt tokens read from the provider cache'),
    cacheWrite: tokenCount.optional().describe('prompt tokens written to the provider cache'),
    reasoning: tokenCount.optional().describe('reasoning tokens'),
    audio: tokenCount.optional().describe('audio tokens'),
    inputIncludesCache: z
      .boolean()
      .optional()
      .describe('`input` counts the cached tokens too (as OpenAI\'s `prompt_tokens`); default true, false for provider `anthropic`'),
    outputIncludesReasoning: z.boolean().optional().describe('`output` counts the reasoning tokens too (as OpenAI\'s `completion_tokens`); default true'),
  })
  .strict()
  .describe('token counts: whole, non-negative');

const attributionFields = {
  userId: optionalLabel.describe('attribution: the end user'),
  sessionId: optionalLabel.describe('attribution: the conversation or session'),
  feature: optionalLabel.describe('attribution: the product feature'),
  team: optionalLabel.describe('attribution: the owning team'),
  department: optionalLabel.describe('attribution: the owning department'),
  application: optionalLabel.describe('attribution: the application'),
  environment: optionalLabel.describe('attribution: e.g. production, staging'),
};

// Span and score metadata: bounded label maps.
const metadataSchema = z
  .record(z.string().max(MAX_LABEL_CHARS), scalarValue)
  .refine((m) => Object.keys(m).length <= MAX_METADATA_KEYS, `at most ${MAX_METADATA_KEYS} keys`)
  .default({});

// The prompt a call was made from (domain/prompt-identity.ts). The variables are prompt content:
// stored only under full content capture.
const promptSchema = z
  .object({
    name: z.string().min(1).max(MAX_PROMPT_NAME_CHARS).optional().describe('the prompt\'s name, e.g. support-answer'),
    version: z
      .union([z.string().min(1).max(MAX_PROMPT_VERSION_CHARS), z.number().int().nonnegative()])
      .optional()
      .describe('its version, e.g. 5 or v5'),
    variant: z.string().min(1).max(MAX_PROMPT_VARIANT_CHARS).optional().describe('the experiment variant the call belongs to, e.g. B'),
    variables: z
      .record(z.string().max(MAX_PROMPT_VARIABLE_NAME_CHARS), scalarValue)
      .optional()
      .describe(`the template variables it was filled with: content, kept under full capture only, at most ${MAX_PROMPT_VARIABLES} and ${MAX_PROMPT_VARIABLES_CHARS / 1024} KiB as JSON (the rest is left out)`),
  })
  .strict();

const spanFields = {
  id: z
    .string()
    .min(1)
    .max(MAX_ID_CHARS)
    .optional()
    .describe('event id; traceId and spanId, when absent, are derived from it so that a retry is recognised'),
  traceId: hexId(32).optional().describe('32 hex characters; generated when absent (derived from id when given)'),
  spanId: hexId(16).optional().describe('16 hex characters; generated when absent (derived from id when given)'),
  parentSpanId: hexId(16).nullish().describe('16 hex characters: the span this one is part of'),
  name: z.string().min(1).max(MAX_NAME_CHARS).optional().describe('default "<kind> <model>"'),
  startTime: timestampSchema.describe('a time (docs/api.md, times and durations): RFC 3339 with Z or an offset, or epoch seconds or milliseconds; after 2000-01-01 and at most 24 h in the future'),
  endTime: timestampSchema.optional().describe('a time, as startTime; not before startTime; or give durationMs'),
  durationMs: z
    .number()
    .nonnegative('must not be negative')
    .max(DAY_MS, 'is longer than a day')
    .optional()
    .describe('milliseconds, at most a day; instead of endTime'),
  status: z.enum(SPAN_STATUSES).default('ok'),
  errorClass: z.enum(ERROR_CLASSES).nullish().describe('what kind of failure, when status is error'),
  errorMessage: z.string().max(10_000).nullish().describe('kept below content capture full only when a bare type name or code'),
  ...attributionFields,
  tags: z.array(label).max(MAX_TAGS, `at most ${MAX_TAGS} tags`).default([]).describe(`at most ${MAX_TAGS}; filter with ?tag=`),
  metadata: metadataSchema.describe(
    `at most ${MAX_METADATA_KEYS} keys, strings at most ${MAX_VALUE_CHARS.toLocaleString('en-US')} characters; group and filter by metadata.<key>`,
  ),
  input: contentSchema.nullish().describe('the prompt, text or JSON; stored per the project\'s content capture, its hash kept'),
  output: contentSchema.nullish().describe('the response, text or JSON; stored per the project\'s content capture, its hash kept'),
  requestId: optionalLabel.describe('your request id, for correlation'),
  prompt: promptSchema.nullish().describe('the prompt the call was made from; group and filter analytics by prompt, prompt_version and variant'),
};

const modelFields = {
  provider: optionalLabel.describe('e.g. openai, anthropic'),
  model: optionalLabel.describe('the model asked for'),
  responseModel: optionalLabel.describe('the model that served the call; priced in preference to model'),
  usage: usageSchema.default({}),
  // A cost the provider or caller already knows; used instead of the catalog when given.
  costUsd: z
    .number()
    .nonnegative('must not be negative')
    .max(MAX_REPORTED_COST_USD)
    .nullish()
    .describe('USD, a cost you already know: stored as provider_reported instead of priced from the catalog'),
  finishReason: optionalLabel.describe('why the model stopped, as the provider says'),
  ttftMs: z.number().nonnegative('must not be negative').max(DAY_MS).nullish().describe('milliseconds to the first token of a streamed call'),
};

// Checks that need more than one field, shared with the compiled validator (fast-validate.ts).
interface FieldProblem {
  path: string;
  message: string;
}

export function timesProblems(item: { startTime: number; endTime?: number; durationMs?: number }): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (item.endTime !== undefined && item.endTime < item.startTime) problems.push({ path: 'endTime', message: 'is before startTime' });
  if (item.endTime !== undefined && item.durationMs !== undefined) problems.push({ path: 'durationMs', message: 'give endTime or durationMs, not both' });
  return problems;
}

const SCORE_VALUE_TYPES = { numeric: 'number', boolean: 'boolean', categorical: 'string' } as const;

export function scoreValueProblem(item: { value: unknown; dataType?: keyof typeof SCORE_VALUE_TYPES }): FieldProblem | null {
  const expected = item.dataType ? SCORE_VALUE_TYPES[item.dataType] : undefined;
  if (expected === undefined || typeof item.value === expected) return null;
  return { path: 'value', message: `must be a ${expected} for a ${item.dataType} score` };
}

function checkTimes(item: { startTime: number; endTime?: number; durationMs?: number }, ctx: z.RefinementCtx): void {
  for (const p of timesProblems(item)) ctx.addIssue({ code: 'custom', path: [p.path], message: p.message });
}

// The prompt's name, version, variant and variables are stored as metadata keys
// (lookout.prompt.*): with them the span's metadata still holds at most MAX_METADATA_KEYS keys.
export function promptMetadataKeysProblem(item: { metadata?: Record<string, unknown>; prompt?: Record<string, unknown> | null }): string | null {
  if (!item.prompt) return null;
  const metadata = item.metadata ?? {};
  const added = PROMPT_KEYS_OF.filter(([field, key]) => item.prompt![field] !== undefined && !Object.hasOwn(metadata, key)).length;
  const total = Object.keys(metadata).length + added;
  return total > MAX_METADATA_KEYS ? `at most ${MAX_METADATA_KEYS} keys, counting the ${added} the prompt adds (lookout.prompt.*): ${total} given` : null;
}
function checkMetadataKeys(item: { metadata: Record<string, unknown>; prompt?: Record<string, unknown> | null }, ctx: z.RefinementCtx): void {
  const problem = promptMetadataKeysProblem(item);
  if (problem !== null) ctx.addIssue({ code: 'custom', path: ['metadata'], message: problem });
}
const PROMPT_KEYS_OF = [
  ['name', PROMPT_METADATA.name],
  ['version', PROMPT_METADATA.version],
  ['variant', PROMPT_METADATA.variant],
  ['variables', PROMPT_METADATA.variables],
] as const;
const checkItem = (item: Parameters<typeof checkTimes>[0] & Parameters<typeof checkMetadataKeys>[0], ctx: z.RefinementCtx) => {
  checkTimes(item, ctx);
  checkMetadataKeys(item, ctx);
};

export const generationItemSchema = z
  .object({ type: z.literal('generation'), ...spanFields, ...modelFields })
  .strict()
  .superRefine(checkItem);

export const spanItemSchema = z
  .object({
    type: z.literal('span'),
    kind: z.enum(SPAN_KINDS).default('other').describe('what the step does'),
    ...spanFields,
    ...modelFields,
  })
  .strict()
  .superRefine(checkItem);

export const scoreItemSchema = z
  .object({
    type: z.literal('score'),
    id: z.string().min(1).max(MAX_ID_CHARS).describe('score id; a score sent again with it is a duplicate'),
    traceId: hexId(32).describe('32 hex characters: the trace scored'),
    spanId: hexId(16).nullish().describe('16 hex characters: the span scored, if one'),
    name: z.string().min(1).max(MAX_LABEL_CHARS).describe('e.g. helpfulness'),
    value: z
      .union([z.number().refine(Number.isFinite, 'must be a finite number'), z.string().max(MAX_LABEL_CHARS), z.boolean()])
      .describe('a number, a category or a boolean, as dataType says'),
    dataType: z.enum(['numeric', 'categorical', 'boolean']).optional().describe('when given, value must be of that type'),
    comment: z.string().max(10_000).nullish(),
    source: z.enum(SCORE_SOURCES).default('api').describe('who gave the score'),
    timestamp: timestampSchema.optional().describe('a time, as startTime; default: when received'),
    userId: optionalLabel.describe('who gave the score'),
    metadata: metadataSchema.describe(
      `what the evaluator says about its score; at most ${MAX_METADATA_KEYS} keys, strings at most ${MAX_VALUE_CHARS.toLocaleString('en-US')} characters`,
    ),
  })
  .strict()
  .superRefine((item, ctx) => {
    const p = scoreValueProblem(item);
    if (p) ctx.addIssue({ code: 'custom', path: [p.path], message: p.message });
  });

export const logItemSchema = z
  .object({
    type: z.literal('log'),
    id: z.string().min(1).max(MAX_ID_CHARS).describe('log id; a log sent again with it is a duplicate'),
    traceId: hexId(32).nullish().describe('32 hex characters: the trace the record belongs to'),
    spanId: hexId(16).nullish().describe('16 hex characters: the span the record belongs to'),
    timestamp: timestampSchema.optional().describe('a time, as startTime; default: when received'),
    severity: z.enum(LOG_SEVERITIES).default('info'),
    body: z.string().max(100_000).describe('the message, at most 100,000 characters'),
    attributes: z
      .record(z.string().max(MAX_LABEL_CHARS), scalarValue)
      .refine((m) => Object.keys(m).length <= MAX_METADATA_KEYS, `at most ${MAX_METADATA_KEYS} keys`)
      .default({})
      .describe(`at most ${MAX_METADATA_KEYS}, values at most ${MAX_VALUE_CHARS.toLocaleString('en-US')} characters`),
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
