import { z } from 'zod';
import { ATTRIBUTION_KEYS, COST_STATUSES, ERROR_CLASSES, SPAN_KINDS, SPAN_STATUSES, USAGE_BUCKETS, type SpanRecord } from '../../domain/span.ts';
import { LOG_SEVERITIES, SCORE_DATA_TYPES, SCORE_SOURCES, type LogRecord, type ScoreRecord } from '../../domain/score.ts';
import type { MetricNameSummary, TraceSummary } from '../../store/store.ts';
import type { MetricSeries } from '../../query/otel-metrics.ts';
import type { Assert, Extends } from './check.ts';

// The records as the API answers with them. Each schema is checked against its TypeScript type
// at compile time (below), and every response is checked against its schema in the tests.

const nullableString = z.string().nullable();

export const usageSchema = z.object(Object.fromEntries(USAGE_BUCKETS.map((b) => [b, z.number().int()])) as Record<(typeof USAGE_BUCKETS)[number], z.ZodNumber>).meta({
  id: 'Usage',
  description: 'Tokens in six buckets that never overlap; their sum is the total once.',
});

export const costSchema = z
  .object({
    status: z.enum(COST_STATUSES),
    totalNanoUsd: z.number().int().nullable().describe('integer nano-dollars (1e-9 USD); null when the cost is not known'),
    byBucketNanoUsd: z.partialRecord(z.enum(USAGE_BUCKETS), z.number().int()),
    priceRowId: nullableString.describe("the price row that produced the cost: 'catalog:openai/gpt-4o' or 'override:<id>'"),
    catalogVersion: nullableString,
  })
  .meta({ id: 'Cost' });

export const attributionSchema = z
  .object(Object.fromEntries(ATTRIBUTION_KEYS.map((k) => [k, nullableString])) as Record<(typeof ATTRIBUTION_KEYS)[number], typeof nullableString>)
  .meta({ id: 'Attribution' });

export const spanSchema = z
  .object({
    projectId: z.string(),
    traceId: z.string().describe('32 lowercase hex characters'),
    spanId: z.string().describe('16 lowercase hex characters'),
    parentSpanId: nullableString,
    name: z.string(),
    kind: z.enum(SPAN_KINDS),
    startUs: z.number().describe('microseconds since the Unix epoch, UTC'),
    endUs: z.number(),
    provider: nullableString,
    requestModel: nullableString,
    responseModel: nullableString,
    usage: usageSchema,
    cost: costSchema,
    status: z.enum(SPAN_STATUSES),
    errorClass: z.enum(ERROR_CLASSES).nullable(),
    errorMessage: nullableString,
    finishReason: nullableString,
    ttftMs: z.number().nullable(),
    attribution: attributionSchema,
    tags: z.array(z.string()),
    metadata: z.record(z.string(), z.string()),
    content: z.object({ input: nullableString, output: nullableString }).nullable(),
    promptHash: nullableString,
    responseHash: nullableString,
    requestId: nullableString,
  })
  .meta({ id: 'Span' });

export const scoreSchema = z
  .object({
    projectId: z.string(),
    id: z.string(),
    traceId: z.string(),
    spanId: nullableString,
    name: z.string(),
    dataType: z.enum(SCORE_DATA_TYPES),
    numericValue: z.number().nullable(),
    stringValue: nullableString,
    comment: nullableString,
    source: z.enum(SCORE_SOURCES),
    timestampUs: z.number(),
    userId: nullableString,
    feature: nullableString.describe("the scored trace's feature, filled by Lookout from its spans; null while unknown"),
    model: nullableString.describe("the effective model of the scored trace's latest generation; null while unknown"),
    application: nullableString.describe("the scored trace's application; null while unknown"),
    metadata: z.record(z.string(), z.string()).describe('what the evaluator says about its score (evaluator id, criterion, judge cost, ...)'),
  })
  .meta({ id: 'Score' });

export const logSchema = z
  .object({
    projectId: z.string(),
    id: z.string(),
    traceId: nullableString,
    spanId: nullableString,
    timestampUs: z.number(),
    severity: z.enum(LOG_SEVERITIES),
    body: z.string(),
    attributes: z.record(z.string(), z.string()),
  })
  .meta({ id: 'Log' });

export const traceSummarySchema = z
  .object({
    traceId: z.string(),
    name: z.string().describe("the root span's name (the earliest span's when the root is missing)"),
    startUs: z.number(),
    durationMs: z.number(),
    spans: z.number().int(),
    calls: z.number().int().describe('generation and embedding spans'),
    costUsd: z.number().nullable().describe('null when no call in the trace has a known cost'),
    unknownCostCalls: z.number().int(),
    tokens: z.number().int(),
    hasError: z.boolean(),
    userId: nullableString,
    sessionId: nullableString,
    models: z.array(z.string()),
  })
  .meta({ id: 'TraceSummary' });

export const metricNameSchema = z
  .object({ name: z.string(), unit: z.string(), kind: z.string(), series: z.number().int(), points: z.number().int(), lastSeen: z.string() })
  .meta({ id: 'MetricName' });

export const metricSeriesSchema = z
  .object({
    attributes: z.record(z.string(), z.string()),
    service: nullableString,
    kind: z.string(),
    temporality: z.string(),
    points: z.number().int(),
    value: z.number().nullable().describe('sums and gauges'),
    count: z.number().nullable().describe('histograms'),
    sum: z.number().nullable(),
    avg: z.number().nullable(),
    min: z.number().nullable(),
    max: z.number().nullable(),
    bounds: z.array(z.number()),
    bucketCounts: z.array(z.number()),
  })
  .meta({ id: 'MetricSeries' });

// Compile-time: each record type is what its schema says, both ways.
export type RecordChecks = [
  Assert<Extends<SpanRecord, z.output<typeof spanSchema>>>,
  Assert<Extends<z.output<typeof spanSchema>, SpanRecord>>,
  Assert<Extends<ScoreRecord, z.output<typeof scoreSchema>>>,
  Assert<Extends<z.output<typeof scoreSchema>, ScoreRecord>>,
  Assert<Extends<LogRecord, z.output<typeof logSchema>>>,
  Assert<Extends<z.output<typeof logSchema>, LogRecord>>,
  Assert<Extends<TraceSummary, z.output<typeof traceSummarySchema>>>,
  Assert<Extends<MetricNameSummary, z.output<typeof metricNameSchema>>>,
  Assert<Extends<MetricSeries, z.output<typeof metricSeriesSchema>>>,
];
