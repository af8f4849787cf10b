import { z } from 'zod';

// The Langfuse public API's response shapes (its OpenAPI: Trace, TraceWithDetails,
// TraceWithFullDetails, ObservationsView, ScoreV1, GetScoresResponseData, utilsMetaResponse), as
// Lookout answers them. Money is in US dollars, durations in seconds, as Langfuse reports them.

const isoTime = z.string().describe('ISO 8601, UTC');
const numbers = z.record(z.string(), z.number());

export const langfuseMetaSchema = z.object({
  page: z.number().int(),
  limit: z.number().int(),
  totalItems: z.number().int(),
  totalPages: z.number().int(),
});

const traceFields = {
  id: z.string().describe('the id the trace was sent with (a Langfuse id), else its Lookout trace id'),
  timestamp: isoTime,
  name: z.string().nullable(),
  input: z.unknown(),
  output: z.unknown(),
  sessionId: z.string().nullable(),
  release: z.string().nullable(),
  version: z.string().nullable(),
  userId: z.string().nullable(),
  metadata: z.unknown(),
  tags: z.array(z.string()),
  public: z.boolean(),
  environment: z.string(),
  htmlPath: z.string().describe("the trace's page in Lookout's web UI"),
  latency: z.number().describe('seconds, first start to last end'),
  totalCost: z.number().describe('USD, the sum of the known costs of its observations'),
};

export const langfuseUsageSchema = z.object({
  input: z.number().int(),
  output: z.number().int(),
  total: z.number().int(),
  unit: z.literal('TOKENS'),
  inputCost: z.number().nullable(),
  outputCost: z.number().nullable(),
  totalCost: z.number().nullable(),
});

export const langfuseObservationSchema = z.object({
  id: z.string(),
  traceId: z.string(),
  type: z.string().describe('GENERATION, SPAN, EVENT, or the other Langfuse observation types'),
  name: z.string().nullable(),
  startTime: isoTime,
  endTime: isoTime.nullable(),
  completionStartTime: isoTime.nullable(),
  model: z.string().nullable(),
  modelParameters: z.record(z.string(), z.unknown()).nullable(),
  input: z.unknown(),
  output: z.unknown(),
  version: z.string().nullable(),
  metadata: z.unknown(),
  usage: langfuseUsageSchema,
  usageDetails: numbers,
  costDetails: numbers,
  level: z.enum(['DEBUG', 'DEFAULT', 'WARNING', 'ERROR']),
  statusMessage: z.string().nullable(),
  parentObservationId: z.string().nullable(),
  promptId: z.string().nullable(),
  promptName: z.string().nullable(),
  promptVersion: z.number().int().nullable(),
  modelId: z.string().nullable(),
  inputPrice: z.number().nullable(),
  outputPrice: z.number().nullable(),
  totalPrice: z.number().nullable(),
  calculatedInputCost: z.number().nullable(),
  calculatedOutputCost: z.number().nullable(),
  calculatedTotalCost: z.number().nullable(),
  latency: z.number().describe('seconds'),
  timeToFirstToken: z.number().nullable().describe('seconds'),
  environment: z.string(),
});

export const langfuseScoreSchema = z.object({
  id: z.string(),
  traceId: z.string(),
  observationId: z.string().nullable(),
  name: z.string(),
  value: z.number().nullable(),
  stringValue: z.string().optional(),
  dataType: z.enum(['NUMERIC', 'BOOLEAN', 'CATEGORICAL']),
  source: z.enum(['API', 'ANNOTATION', 'EVAL']),
  timestamp: isoTime,
  createdAt: isoTime,
  updatedAt: isoTime,
  authorUserId: z.string().nullable(),
  comment: z.string().nullable(),
  metadata: z.unknown(),
  configId: z.null(),
  queueId: z.null(),
  environment: z.string(),
});

export const langfuseTraceSchema = z.object({
  ...traceFields,
  observations: z.array(z.string()).describe('observation ids'),
  scores: z.array(z.string()).describe('score ids'),
});

export const langfuseTraceDetailSchema = z.object({
  ...traceFields,
  observations: z.array(langfuseObservationSchema),
  scores: z.array(langfuseScoreSchema),
});

export const langfuseTraceListSchema = z.object({ data: z.array(langfuseTraceSchema), meta: langfuseMetaSchema });
export const langfuseObservationListSchema = z.object({ data: z.array(langfuseObservationSchema), meta: langfuseMetaSchema });
export const langfuseScoreListSchema = z.object({ data: z.array(langfuseScoreSchema), meta: langfuseMetaSchema });
export const langfuseScoreCreatedSchema = z.object({ id: z.string() });

export type LangfuseTrace = z.infer<typeof langfuseTraceSchema>;
export type LangfuseTraceDetail = z.infer<typeof langfuseTraceDetailSchema>;
export type LangfuseObservation = z.infer<typeof langfuseObservationSchema>;
export type LangfuseScore = z.infer<typeof langfuseScoreSchema>;
