import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { SPAN_KINDS, SPAN_STATUSES } from '../../domain/span.ts';
import { requireScope, type AppContext } from '../context.ts';
import { LookoutError } from '../../errors.ts';
import { parseInstant } from '../../domain/time.ts';
import { summarizeSeries } from '../../query/otel-metrics.ts';
import { withGenAiEvents } from '../../ingest/otlp/events.ts';
import { SPAN_FILTER_BOUNDS } from '../../store/span-reads.ts';
import { METADATA_KEY_PATTERN } from '../../query/contract.ts';
import { PROMPT_METADATA } from '../../domain/prompt-identity.ts';
import type { SpanFilter } from '../../store/store.ts';
import { errorResponses } from '../openapi.ts';
import { logSchema, metricNameSchema, metricSeriesSchema, scoreSchema, spanSchema, traceSummarySchema } from '../schemas/records.ts';
import { costExplanationSchema } from '../schemas/pricing.ts';

export const MAX_PAGE = 1_000;
// Skipping rows still reads them: deep pages come from a narrower time range, not a larger offset.
export const MAX_OFFSET = 10_000;
// Spans (and scores, and logs) of one trace returned at most; past it the answer says truncated.
export const MAX_TRACE_ITEMS = 10_000;
const MAX_METRIC_POINTS = 50_000;

const pageSchema = {
  limit: z.coerce.number().int().min(1, 'must be at least 1').max(MAX_PAGE, `must be at most ${MAX_PAGE}`).default(50).describe(`rows per page, at most ${MAX_PAGE}`),
  offset: z.coerce
    .number()
    .int()
    .min(0, 'must not be negative')
    .max(MAX_OFFSET, `must be at most ${MAX_OFFSET}; to page further back, narrow the time range with 'to'`)
    .default(0)
    .describe(`rows to skip, at most ${MAX_OFFSET}; page further back by moving 'to' to the oldest row seen`),
};

// A non-negative number (cost in USD, duration in ms) given in the query string, up to `max`.
const amount = (max: number) => z.coerce.number({ message: 'must be a number' }).finite('must be a number').min(0, 'must not be negative').max(max, `must be at most ${max}`).optional();
const usdAmount = amount(SPAN_FILTER_BOUNDS.maxCostUsd);
const msAmount = amount(SPAN_FILTER_BOUNDS.maxDurationMs);

// Metadata entries asked for with `metadata=<key>:<value>` (split at the first ':', which no key
// holds), and the prompt's name asked for with `prompt=<name>` (the entry lookout.prompt.name), as
// SpanFilter.metadata; undefined when none. A span carries one value per key, so a key asked for
// twice is refused rather than one of its values silently dropped.
export const MAX_METADATA_FILTERS = 10;
export function metadataFilter(raw: string | string[] | undefined, prompt?: string): Record<string, string> | undefined {
  if (raw === undefined && prompt === undefined) return undefined;
  const entries = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  if (entries.length > MAX_METADATA_FILTERS) throw new LookoutError('invalid_parameter', `metadata: at most ${MAX_METADATA_FILTERS} entries`);
  const out: Record<string, string> = {};
  for (const entry of entries) {
    const at = entry.indexOf(':');
    const key = at > 0 ? entry.slice(0, at) : '';
    if (!METADATA_KEY_PATTERN.test(key)) throw new LookoutError('invalid_parameter', `metadata: '${entry}' is not <key>:<value> with a key of 1-128 letters, digits and _ . - / @`);
    if (key in out) throw new LookoutError('invalid_parameter', `metadata: '${key}' is asked for twice; a span has one value per key`);
    out[key] = entry.slice(at + 1);
  }
  if (prompt !== undefined) {
    if (PROMPT_METADATA.name in out && out[PROMPT_METADATA.name] !== prompt) {
      throw new LookoutError('invalid_parameter', `prompt: '${prompt}' contradicts metadata ${PROMPT_METADATA.name}:${out[PROMPT_METADATA.name]}`);
    }
    out[PROMPT_METADATA.name] = prompt;
  }
  return out;
}

// The span filters, shared by the span and trace lists and the export (routes/export.ts).
export const spanFilterFields = {
  from: z.string().optional().describe('start of the range (inclusive): a time, or a duration back from now such as 24h'),
  to: z.string().optional().describe('end of the range (exclusive): a time or a duration back from now; default now'),
  traceId: z.string().regex(/^[0-9a-f]{32}$/, 'must be 32 lowercase hex characters').optional().describe('32 lowercase hex characters'),
  userId: z.string().optional(),
  sessionId: z.string().optional(),
  model: z.string().optional(),
  provider: z.string().optional(),
  feature: z.string().optional(),
  team: z.string().optional(),
  department: z.string().optional(),
  application: z.string().optional(),
  environment: z.string().optional(),
  status: z.enum(SPAN_STATUSES).optional(),
  kind: z.enum(SPAN_KINDS).optional(),
  tag: z.string().optional().describe("one of the call's tags"),
  prompt: z.string().min(1, 'must not be empty').optional().describe('the name of the prompt the call was made from (metadata lookout.prompt.name)'),
  metadata: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .describe(`<key>:<value>, repeated for several (at most ${MAX_METADATA_FILTERS}): a span carrying each entry; the prompt's version is lookout.prompt.version:<version>`),
  q: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(256, 'must be at most 256 characters')
    .optional()
    .describe('free text on ids, at most 256 characters: a trace id or its first characters, a span or request id, a user or a session'),
  minCostUsd: usdAmount.describe('USD, at least'),
  maxCostUsd: usdAmount.describe('USD, at most; not below minCostUsd'),
  minDurationMs: msAmount.describe('milliseconds, at least'),
  maxDurationMs: msAmount.describe('milliseconds, at most; not below minDurationMs'),
};

const spanListSchema = z
  .object({
    ...pageSchema,
    ...spanFilterFields,
    orderBy: z
      .enum(['start', 'duration', 'cost'], { message: "must be one of 'start', 'duration', 'cost'" })
      .optional()
      .describe('start (default): newest first; duration or cost: largest first'),
    // total=false: the page without counting every match (a trace list over a long range).
    total: z
      .enum(['true', 'false'], { message: "must be 'true' or 'false'" })
      .default('true')
      .describe('false: skip counting every match (total is null), which is cheaper over a long range'),
  })
  .strict()
  .refine((q) => q.minCostUsd === undefined || q.maxCostUsd === undefined || q.minCostUsd <= q.maxCostUsd, {
    message: 'must not be below minCostUsd',
    path: ['maxCostUsd'],
  })
  .refine((q) => q.minDurationMs === undefined || q.maxDurationMs === undefined || q.minDurationMs <= q.maxDurationMs, {
    message: 'must not be below minDurationMs',
    path: ['maxDurationMs'],
  });

const linkedListSchema = z.object({ ...pageSchema, traceId: z.string().optional().describe('only those of this trace') }).strict();

// Fastify bounds path parameters (maxParamLength); an id of any other length is simply not found.
const spanIdParams = z.object({ spanId: z.string() });
const traceIdParams = z.object({ traceId: z.string() });
const pageFields = { total: z.number().int().nullable().describe("null when asked with total=false"), limit: z.number().int(), offset: z.number().int() };

export function registerSpanRoutes(fastify: FastifyInstance, ctx: AppContext): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const spanFilter = (q: z.output<typeof spanListSchema>) => {
    const now = Date.now();
    const { limit, offset, from, to, total, metadata, prompt, ...rest } = q;
    const filter: SpanFilter = {
      ...rest,
      metadata: metadataFilter(metadata, prompt),
      fromMs: from ? parseInstant(from, now, { name: 'from', relative: true }) : undefined,
      toMs: to ? parseInstant(to, now, { name: 'to', relative: true }) : undefined,
    };
    return { filter, page: { limit, offset }, total: total === 'true' };
  };

  app.get(
    '/api/v1/spans',
    { config: { scope: 'read' },
      schema: {
        summary: 'Spans matching every filter, newest first',
        tags: ['traces'],
        querystring: spanListSchema,
        response: { 200: z.object({ ...pageFields, spans: z.array(spanSchema) }), ...errorResponses },
      },
    },
    async (request) => {
      const project = requireScope(request, 'read');
      const { filter, page, total } = spanFilter(request.query);
      const result = await ctx.store.listSpans(project, filter, page, { total });
      return { total: result.total, ...page, spans: result.spans };
    },
  );

  // Traces with a span matching each filter, newest first, one summary row each.
  app.get(
    '/api/v1/traces',
    { config: { scope: 'read' },
      schema: {
        summary: 'Traces with a span matching every filter, newest first, one summary row each',
        description:
          "Each filter is met by one of the trace's spans; the cost and duration ranges apply to the whole trace (its summed cost, first start to last end). Paging and total=false: docs/api.md#traces-and-read-bounds.",
        tags: ['traces'],
        querystring: spanListSchema,
        response: { 200: z.object({ ...pageFields, traces: z.array(traceSummarySchema) }), ...errorResponses },
      },
    },
    async (request) => {
      const project = requireScope(request, 'read');
      const { filter, page, total } = spanFilter(request.query);
      const result = await ctx.store.listTraces(project, filter, page, { total });
      return { total: result.total, ...page, traces: result.traces };
    },
  );

  app.get(
    '/api/v1/spans/:spanId',
    { config: { scope: 'read' }, schema: { summary: 'One span, with its GenAI events', tags: ['traces'], params: spanIdParams, response: { 200: spanSchema, ...errorResponses } } },
    async (request) => {
      const project = requireScope(request, 'read');
      const span = await ctx.store.getSpan(project, request.params.spanId.toLowerCase());
      if (!span) throw new LookoutError('not_found', `no span ${request.params.spanId} in project ${project}`);
      const logs = await ctx.store.listLogs(project, { traceId: span.traceId }, { limit: MAX_PAGE, offset: 0 });
      return withGenAiEvents([span], logs, { captureContent: ctx.content.captures(project), hash: (text) => ctx.content.hash(project, text) })[0];
    },
  );

  // B1: the cost of one span, line by line, from the price row that produced it.
  app.get(
    '/api/v1/spans/:spanId/cost',
    { config: { scope: 'read' },
      schema: {
        summary: 'The cost of one span, line by line, from the price row that produced it',
        tags: ['traces', 'pricing'],
        params: spanIdParams,
        response: { 200: costExplanationSchema.extend({ spanId: z.string(), traceId: z.string(), usage: spanSchema.shape.usage }), ...errorResponses },
      },
    },
    async (request) => {
      const project = requireScope(request, 'read');
      const span = await ctx.store.getSpan(project, request.params.spanId.toLowerCase());
      if (!span) throw new LookoutError('not_found', `no span ${request.params.spanId} in project ${project}`);
      return { spanId: span.spanId, traceId: span.traceId, usage: span.usage, ...ctx.pricer.explain(span, span.cost) };
    },
  );

  app.get(
    '/api/v1/traces/:traceId',
    { config: { scope: 'read' },
      schema: {
        summary: 'One trace: its spans, scores and logs',
        description: `Build the tree from parentSpanId. At most ${MAX_TRACE_ITEMS} of each kind, the first by time; the rest of a larger trace is in /api/v1/spans?traceId=...`,
        tags: ['traces'],
        params: traceIdParams,
        response: {
          200: z.object({
            traceId: z.string(),
            spans: z.array(spanSchema),
            scores: z.array(scoreSchema),
            logs: z.array(logSchema),
            truncated: z.literal(true).optional().describe(`more than maxItems of one kind: the first ${MAX_TRACE_ITEMS} by time; the rest are in /spans?traceId=...`),
            maxItems: z.number().int().optional(),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const project = requireScope(request, 'read');
      const traceId = request.params.traceId.toLowerCase();
      const found = await ctx.store.getTrace(project, traceId, MAX_TRACE_ITEMS + 1);
      if (!found.spans.length && !found.scores.length && !found.logs.length) {
        throw new LookoutError('not_found', `no trace ${traceId} in project ${project}`);
      }
      const truncated = found.spans.length > MAX_TRACE_ITEMS || found.scores.length > MAX_TRACE_ITEMS || found.logs.length > MAX_TRACE_ITEMS;
      const trace = { spans: found.spans.slice(0, MAX_TRACE_ITEMS), scores: found.scores.slice(0, MAX_TRACE_ITEMS), logs: found.logs.slice(0, MAX_TRACE_ITEMS) };
      return {
        traceId,
        ...trace,
        spans: withGenAiEvents(trace.spans, trace.logs, { captureContent: ctx.content.captures(project), hash: (text) => ctx.content.hash(project, text) }),
        ...(truncated ? { truncated: true as const, maxItems: MAX_TRACE_ITEMS } : {}),
      };
    },
  );

  // A4: OTLP metrics received (e.g. gen_ai.client.token.usage, gen_ai.client.operation.duration).
  const metricRangeSchema = z.object({ from: z.string().default('24h'), to: z.string().default('now') }).strict();
  const metricRange = (q: z.output<typeof metricRangeSchema>) => {
    const now = Date.now();
    return { fromMs: parseInstant(q.from, now, { name: 'from', relative: true }), toMs: parseInstant(q.to, now, { name: 'to', relative: true }) };
  };
  app.get(
    '/api/v1/otel-metrics',
    { config: { scope: 'read' },
      schema: {
        summary: 'OTLP metrics received in a time range, by name',
        tags: ['metrics'],
        querystring: metricRangeSchema,
        response: { 200: z.object({ metrics: z.array(metricNameSchema) }), ...errorResponses },
      },
    },
    async (request) => {
      const project = requireScope(request, 'read');
      return { metrics: await ctx.store.listMetricNames(project, metricRange(request.query)) };
    },
  );
  app.get(
    '/api/v1/otel-metrics/:name',
    { config: { scope: 'read' },
      schema: {
        summary: 'The points of one OTLP metric, summarised per series',
        tags: ['metrics'],
        params: z.object({ name: z.string().max(256) }),
        querystring: metricRangeSchema,
        response: {
          200: z.object({ name: z.string(), unit: z.string(), truncated: z.boolean(), series: z.array(metricSeriesSchema) }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const project = requireScope(request, 'read');
      const points = await ctx.store.metricPoints(project, request.params.name, metricRange(request.query), MAX_METRIC_POINTS + 1);
      if (!points.length) throw new LookoutError('not_found', `no points of metric '${request.params.name}' in that range`);
      return {
        name: request.params.name,
        unit: points[0].unit,
        truncated: points.length > MAX_METRIC_POINTS,
        series: summarizeSeries(points.slice(0, MAX_METRIC_POINTS)),
      };
    },
  );

  app.get(
    '/api/v1/scores',
    { config: { scope: 'read' },
      schema: { summary: 'Scores, newest first', tags: ['traces'], querystring: linkedListSchema, response: { 200: z.object({ scores: z.array(scoreSchema) }), ...errorResponses } },
    },
    async (request) => {
      const project = requireScope(request, 'read');
      const q = request.query;
      return { scores: await ctx.store.listScores(project, { traceId: q.traceId }, q) };
    },
  );

  app.get(
    '/api/v1/logs',
    { config: { scope: 'read' }, schema: { summary: 'Logs, newest first', tags: ['traces'], querystring: linkedListSchema, response: { 200: z.object({ logs: z.array(logSchema) }), ...errorResponses } } },
    async (request) => {
      const project = requireScope(request, 'read');
      const q = request.query;
      return { logs: await ctx.store.listLogs(project, { traceId: q.traceId }, q) };
    },
  );
}
