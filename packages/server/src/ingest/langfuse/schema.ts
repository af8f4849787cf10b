import { z } from 'zod';
import { EARLIEST_TIMESTAMP_MS, MAX_FUTURE_SKEW_MS, MAX_REPORTED_COST_USD as MAX_COST_USD } from '../api/schema.ts';

// The batch the Langfuse v3 SDKs send to POST /api/public/ingestion (langfuse-js 3.x
// langfuse-core `IngestionEvent`, Python `langfuse<3`). Bodies are read leniently: fields Lookout
// does not use pass unchecked, so a newer SDK's additions never refuse an event; fields it uses
// must have their documented type.

const text = z.string().nullish();
// As the native API bounds its ids: a Langfuse id is a UUID, or a caller's own short key.
const MAX_ID_CHARS = 200;
const id = z.string().min(1, 'must not be empty').max(MAX_ID_CHARS);
const optionalId = id.nullish();
// Bounded as the native API bounds its times: from 2000 to a day ahead of now.
const time = z
  .string()
  .superRefine((s, ctx) => {
    const ms = Date.parse(s);
    if (!Number.isFinite(ms)) ctx.addIssue({ code: 'custom', message: 'must be an ISO-8601 date-time' });
    else if (ms < EARLIEST_TIMESTAMP_MS) ctx.addIssue({ code: 'custom', message: `is before 2000-01-01 (${s})` });
    else if (ms > Date.now() + MAX_FUTURE_SKEW_MS) ctx.addIssue({ code: 'custom', message: `is more than 24 hours in the future (${s})` });
  })
  .nullish();
// As the native API bounds token counts and a known cost.
const MAX_COUNT = 1e12;
const count = z.number().finite().nonnegative().max(MAX_COUNT, 'is implausibly large').nullish();
const costUsd = z.number().finite().nonnegative().max(MAX_COST_USD, `must be at most ${MAX_COST_USD} USD`);

export const LEVELS = ['DEBUG', 'DEFAULT', 'WARNING', 'ERROR'] as const;

export const usageSchema = z
  .looseObject({
    input: count,
    output: count,
    total: count,
    unit: text,
    inputCost: costUsd.nullish(),
    outputCost: costUsd.nullish(),
    totalCost: costUsd.nullish(),
    promptTokens: count,
    completionTokens: count,
    totalTokens: count,
  })
  .nullish();

const observationFields = {
  id: optionalId,
  traceId: optionalId,
  name: text,
  startTime: time,
  endTime: time,
  completionStartTime: time,
  metadata: z.unknown().optional(),
  input: z.unknown().optional(),
  output: z.unknown().optional(),
  level: z.enum(LEVELS).nullish(),
  statusMessage: text,
  parentObservationId: optionalId,
  version: text,
  environment: text,
  model: text,
  modelParameters: z.record(z.string(), z.unknown()).nullish(),
  usage: usageSchema,
  usageDetails: z.record(z.string(), z.unknown()).nullish(),
  // Negative parts are read as zero (map.ts reportedCostUsd); the cost they make is bounded.
  costDetails: z
    .record(z.string(), z.number().finite().max(MAX_COST_USD, `must be at most ${MAX_COST_USD} USD`))
    .refine((d) => d.total !== undefined || Object.values(d).reduce((sum, v) => sum + Math.max(0, v), 0) <= MAX_COST_USD, `its parts add up to more than ${MAX_COST_USD} USD`)
    .nullish(),
  calculatedTotalCost: costUsd.nullish(),
  promptName: text,
  promptVersion: z.number().int().nullish(),
  // observation-create / observation-update name the type in the body.
  type: text,
};

export const observationBodySchema = z.looseObject(observationFields);
export type ObservationBody = z.infer<typeof observationBodySchema>;

// An update names the observation it changes.
export const observationUpdateSchema = z.looseObject({ ...observationFields, id });

export const traceBodySchema = z.looseObject({
  id: optionalId,
  timestamp: time,
  name: text,
  userId: text,
  sessionId: text,
  input: z.unknown().optional(),
  output: z.unknown().optional(),
  release: text,
  version: text,
  metadata: z.unknown().optional(),
  tags: z.array(z.string()).nullish(),
  environment: text,
  public: z.boolean().nullish(),
});
export type TraceBody = z.infer<typeof traceBodySchema>;

export const scoreBodySchema = z.looseObject({
  id: optionalId,
  traceId: optionalId,
  sessionId: text,
  observationId: optionalId,
  // The native API's bounds for a score's name, string value and comment.
  name: z.string().min(1, 'must not be empty').max(500),
  value: z.union([z.number().finite(), z.string().max(500), z.boolean()]),
  comment: z.string().max(10_000).nullish(),
  metadata: z.unknown().optional(),
  dataType: z.enum(['NUMERIC', 'CATEGORICAL', 'BOOLEAN']).nullish(),
  environment: text,
  configId: text,
  // When the score was given; else the event's timestamp (or the time it arrived).
  timestamp: time,
});
export type ScoreBody = z.infer<typeof scoreBodySchema>;

export const EVENT_TYPES = [
  'trace-create',
  'span-create',
  'span-update',
  'generation-create',
  'generation-update',
  'event-create',
  'observation-create',
  'observation-update',
  'score-create',
  'sdk-log',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const envelopeSchema = z.looseObject({
  id,
  type: z.enum(EVENT_TYPES),
  timestamp: time,
  body: z.record(z.string(), z.unknown()),
  metadata: z.unknown().optional(),
});
export type Envelope = z.infer<typeof envelopeSchema>;

export const batchSchema = z.looseObject({ batch: z.array(z.unknown()), metadata: z.unknown().optional() });
