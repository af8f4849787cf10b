import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  analyticsQueryParamsSchema,
  chargebackParamsSchema,
  forecastParamsSchema,
  parseChargebackParams,
  parseForecastParams,
  parseRangeQuery,
  parseTopSpendersParams,
  rangeParamsSchema,
  topSpendersParamsSchema,
} from '../../query/params.ts';
import { requireScope, type AppContext } from '../context.ts';
import type { AnalyticsReport, Dimension, TimeRange } from '../../query/contract.ts';
import { answerAnalyticsQuery } from '../../query/answer.ts';
import { forecastRanges } from '../../query/forecast.ts';
import { billedChargeback } from '../../query/chargeback-billing.ts';
import { chargebackToCsv } from '../../query/formats.ts';
import { retentionNote, type RetentionBounds } from '../../query/retention.ts';
import type { ProjectId } from '../../store/store.ts';
import { errorResponses } from '../openapi.ts';
import {
  analyticsResultSchema,
  chargebackReportSchema,
  costForecastSchema,
  dailyTrendSchema,
  latencyDistributionSchema,
  modelEfficiencySchema,
  topSpendersSchema,
} from '../schemas/analytics.ts';

// B3/B4/B5/C1/C2/C5: the analytics API. The route schemas check the shape of the parameters;
// the parse functions of query/params.ts then check what a schema cannot (time ranges, measures ×
// groupBy, list sizes) and hand a typed query to the store's analytics backend. A bad parameter
// is a 400 invalid_parameter that names it.

export function registerAnalyticsRoutes(fastify: FastifyInstance, ctx: AppContext): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const analytics = () => ctx.store.analytics;
  // I3: where the project's spans and hourly totals stop, and how an answer reaching past that was given.
  const bounds = (project: ProjectId): RetentionBounds => ctx.retention.policy.horizonOf(project);
  const note = (range: TimeRange, retention: RetentionBounds, report: AnalyticsReport, dimension?: Dimension) =>
    retentionNote(range, retention, analytics().answersFromRollups?.(report, dimension) ?? false);

  app.get(
    '/api/v1/analytics/query',
    { config: { scope: 'read' },
      schema: {
        summary: 'Measures grouped by dimensions and filtered, over a time range, optionally bucketed in time',
        tags: ['analytics'],
        querystring: analyticsQueryParamsSchema,
        response: { 200: analyticsResultSchema, ...errorResponses },
      },
    },
    async (request) => {
      const project = requireScope(request, 'read');
      return answerAnalyticsQuery(analytics(), project, request.query, bounds(project), Date.now());
    },
  );

  app.get(
    '/api/v1/analytics/daily',
    { config: { scope: 'read' },
      schema: {
        summary: 'Cost, calls and tokens per UTC day',
        tags: ['analytics'],
        querystring: rangeParamsSchema,
        response: { 200: dailyTrendSchema, ...errorResponses },
      },
    },
    async (request) => {
      const project = requireScope(request, 'read');
      const range = parseRangeQuery(request.query, Date.now());
      const retention = bounds(project);
      return { ...range, days: await analytics().dailyTrend(project, { ...range, retention }), retention: note(range, retention, 'daily') };
    },
  );

  app.get(
    '/api/v1/analytics/top-spenders',
    { config: { scope: 'read' },
      schema: {
        summary: 'The values of one dimension that spent the most',
        tags: ['analytics'],
        querystring: topSpendersParamsSchema,
        response: { 200: topSpendersSchema, ...errorResponses },
      },
    },
    async (request) => {
      const project = requireScope(request, 'read');
      const params = { ...parseTopSpendersParams(request.query, Date.now()), retention: bounds(project) };
      const rows = await analytics().topSpenders(project, params);
      return { by: params.dimension, fromMs: params.fromMs, toMs: params.toMs, rows, retention: note(params, params.retention, 'top-spenders', params.dimension) };
    },
  );

  app.get(
    '/api/v1/analytics/model-efficiency',
    { config: { scope: 'read' },
      schema: {
        summary: 'Cost, tokens and latency per model',
        tags: ['analytics'],
        querystring: rangeParamsSchema,
        response: { 200: modelEfficiencySchema, ...errorResponses },
      },
    },
    async (request) => {
      const project = requireScope(request, 'read');
      const range = parseRangeQuery(request.query, Date.now());
      const retention = bounds(project);
      return { ...range, models: await analytics().modelEfficiency(project, { ...range, retention }), retention: note(range, retention, 'model-efficiency') };
    },
  );

  app.get(
    '/api/v1/analytics/latency-distribution',
    { config: { scope: 'read' },
      schema: {
        summary: 'How many model calls took how long, in fixed duration bands',
        tags: ['analytics'],
        querystring: rangeParamsSchema,
        response: { 200: latencyDistributionSchema, ...errorResponses },
      },
    },
    async (request) => {
      const project = requireScope(request, 'read');
      const range = parseRangeQuery(request.query, Date.now());
      const retention = bounds(project);
      return { ...range, bands: await analytics().latencyDistribution(project, { ...range, retention }), retention: note(range, retention, 'latency-distribution') };
    },
  );

  app.get(
    '/api/v1/analytics/forecast',
    { config: { scope: 'read' },
      schema: {
        summary: 'Spend projected to the end of the month, the next 7 days and the year',
        tags: ['analytics'],
        querystring: forecastParamsSchema,
        response: { 200: costForecastSchema, ...errorResponses },
      },
    },
    async (request) => {
      const project = requireScope(request, 'read');
      const params = { ...parseForecastParams(request.query, Date.now()), retention: bounds(project) };
      const forecast = await analytics().forecast(project, params);
      return { ...forecast, retention: note(forecastRanges(params).days, params.retention, 'forecast') };
    },
  );

  app.get(
    '/api/v1/reports/chargeback',
    { config: { scope: 'read' },
      schema: {
        summary: 'Cost and bill of one month per department, team, application or feature (calls, markup, other costs), as JSON or a CSV download',
        tags: ['analytics', 'reports'],
        querystring: chargebackParamsSchema,
        response: {
          200: {
            description: 'the report: JSON, or with format=csv a CSV file (RFC 4180) with one line per row',
            content: {
              'application/json': { schema: chargebackReportSchema },
              'text/csv': { schema: z.string() },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const project = requireScope(request, 'read');
      const { format, ...params } = parseChargebackParams(request.query, Date.now());
      const report = await billedChargeback(analytics(), project, params, await ctx.chargeback.of(project));
      if (format === 'json') return { ...report, retention: note(report, bounds(project), 'chargeback') };
      const csv = chargebackToCsv(report);
      reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="lookout-chargeback-${params.month}-${params.by.join('-')}.csv"`);
      return csv;
    },
  );
}
