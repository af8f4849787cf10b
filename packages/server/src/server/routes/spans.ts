import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { SPAN_KINDS, SPAN_STATUSES } from '../../domain/span.ts';
import { requireScope, type AppContext } from '../context.ts';
import { LookoutError, parseWith } from '../../errors.ts';
import { parseTimeParam } from './params.ts';
import { summarizeSeries } from '../../query/otel-metrics.ts';
import { withGenAiEvents } from '../../ingest/otlp/events.ts';
import type { SpanFilter } from '../../store/store.ts';

export const MAX_PAGE = 1_000;
// Skipping rows still reads them: deep pages come from a narrower time range, not a larger offset.
export const MAX_OFFSET = 10_000;
// Spans (and scores, and logs) of one trace returned at most; past it the answer says truncated.
export const MAX_TRACE_ITEMS = 10_000;
const MAX_METRIC_POINTS = 50_000;

const pageSchema = {
  limit: z.coerce.number().int().min(1, 'must be at least 1').max(MAX_PAGE, `must be at most ${MAX_PAGE}`).default(50),
  offset: z.coerce
    .number()
    .int()
    .min(0, 'must not be negative')
    .max(MAX_OFFSET, `must be at most ${MAX_OFFSET}; to page further back, narrow the time range with 'to'`)
    .default(0),
};

// A non-negative number (cost in USD, duration in ms) given in the query string.
const amount = z.coerce.number({ message: 'must be a number' }).finite('must be a number').min(0, 'must not be negative').optional();

const spanListSchema = z
  .object({
    ...pageSchema,
    from: z.string().optional(),
    to: z.string().optional(),
    traceId: z.string().regex(/^[0-9a-f]{32}$/, 'must be 32 lowercase hex characters').optional(),
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
    tag: z.string().optional(),
    q: z.string().trim().min(1, 'must not be empty').max(256, 'must be at most 256 characters').optional(),
    minCostUsd: amount,
    maxCostUsd: amount,
    minDurationMs: amount,
    maxDurationMs: amount,
    orderBy: z.enum(['start', 'duration', 'cost'], { message: "must be one of 'start', 'duration', 'cost'" }).optional(),
    // total=false: the page without counting every match (a trace list over a long range).
    total: z.enum(['true', 'false'], { message: "must be 'true' or 'false'" }).default('true'),
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

const linkedListSchema = z.object({ ...pageSchema, traceId: z.string().optional() }).strict();

export function parseQuery<T extends z.ZodType>(schema: T, query: unknown): z.output<T> {
  return parseWith(schema, query, 'invalid_parameter');
}

export function registerSpanRoutes(app: FastifyInstance, ctx: AppContext): void {
  const spanFilter = (query: unknown) => {
    const q = parseQuery(spanListSchema, query);
    const now = Date.now();
    const { limit, offset, from, to, total, ...rest } = q;
    const filter: SpanFilter = {
      ...rest,
      fromMs: from ? parseTimeParam('from', from, now) : undefined,
      toMs: to ? parseTimeParam('to', to, now) : undefined,
    };
    return { filter, page: { limit, offset }, total: total === 'true' };
  };

  app.get('/api/v1/spans', async (request) => {
    const project = requireScope(request, 'read');
    const { filter, page, total } = spanFilter(request.query);
    const result = await ctx.store.listSpans(project, filter, page, { total });
    return { total: result.total, ...page, spans: result.spans };
  });

  // Traces with a span matching each filter, newest first, one summary row each.
  app.get('/api/v1/traces', async (request) => {
    const project = requireScope(request, 'read');
    const { filter, page, total } = spanFilter(request.query);
    const result = await ctx.store.listTraces(project, filter, page, { total });
    return { total: result.total, ...page, traces: result.traces };
  });

  app.get<{ Params: { spanId: string } }>('/api/v1/spans/:spanId', async (request) => {
    const project = requireScope(request, 'read');
    const span = await ctx.store.getSpan(project, request.params.spanId.toLowerCase());
    if (!span) throw new LookoutError('not_found', `no span ${request.params.spanId} in project ${project}`);
    const logs = await ctx.store.listLogs(project, { traceId: span.traceId }, { limit: MAX_PAGE, offset: 0 });
    return withGenAiEvents([span], logs, { captureContent: ctx.content.captures(project), hash: (text) => ctx.content.hash(project, text) })[0];
  });

  // B1: the cost of one span, line by line, from the price row that produced it.
  app.get<{ Params: { spanId: string } }>('/api/v1/spans/:spanId/cost', async (request) => {
    const project = requireScope(request, 'read');
    const span = await ctx.store.getSpan(project, request.params.spanId.toLowerCase());
    if (!span) throw new LookoutError('not_found', `no span ${request.params.spanId} in project ${project}`);
    return { spanId: span.spanId, traceId: span.traceId, usage: span.usage, ...ctx.pricer.explain(span, span.cost) };
  });

  app.get<{ Params: { traceId: string } }>('/api/v1/traces/:traceId', async (request) => {
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
      // The first MAX_TRACE_ITEMS of each by time; the rest are in /spans?traceId=...
      ...(truncated ? { truncated: true, maxItems: MAX_TRACE_ITEMS } : {}),
    };
  });

  // A4: OTLP metrics received (e.g. gen_ai.client.token.usage, gen_ai.client.operation.duration).
  const metricRangeSchema = z.object({ from: z.string().default('24h'), to: z.string().default('now') }).strict();
  const metricRange = (query: unknown) => {
    const q = parseQuery(metricRangeSchema, query);
    const now = Date.now();
    return { fromMs: parseTimeParam('from', q.from, now), toMs: parseTimeParam('to', q.to, now) };
  };
  app.get('/api/v1/otel-metrics', async (request) => {
    const project = requireScope(request, 'read');
    return { metrics: await ctx.store.listMetricNames(project, metricRange(request.query)) };
  });
  app.get<{ Params: { name: string } }>('/api/v1/otel-metrics/:name', async (request) => {
    const project = requireScope(request, 'read');
    const points = await ctx.store.metricPoints(project, request.params.name, metricRange(request.query), MAX_METRIC_POINTS + 1);
    if (!points.length) throw new LookoutError('not_found', `no points of metric '${request.params.name}' in that range`);
    return {
      name: request.params.name,
      unit: points[0].unit,
      truncated: points.length > MAX_METRIC_POINTS,
      series: summarizeSeries(points.slice(0, MAX_METRIC_POINTS)),
    };
  });

  app.get('/api/v1/scores', async (request) => {
    const project = requireScope(request, 'read');
    const q = parseQuery(linkedListSchema, request.query);
    return { scores: await ctx.store.listScores(project, { traceId: q.traceId }, q) };
  });

  app.get('/api/v1/logs', async (request) => {
    const project = requireScope(request, 'read');
    const q = parseQuery(linkedListSchema, request.query);
    return { logs: await ctx.store.listLogs(project, { traceId: q.traceId }, q) };
  });
}

