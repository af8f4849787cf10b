import type { FastifyInstance } from 'fastify';
import {
  parseAnalyticsQueryParams,
  parseChargebackParams,
  parseForecastParams,
  parseRange,
  parseTopSpendersParams,
} from '../../query/types.ts';
import { requireScope, type AppContext } from '../context.ts';

// B3/B4/B5/C1/C2/C5: the analytics API. Every handler resolves the project from the key first,
// parses its parameters with the schemas in query/types.ts, and hands a typed query to the
// store's analytics backend. A bad parameter is an AnalyticsInputError: a 400 that names it.


export function registerAnalyticsRoutes(app: FastifyInstance, ctx: AppContext): void {
  const analytics = () => ctx.store.analytics;

  // measures × groupBy × filter over [from, to), optionally bucketed in time.
  app.get('/api/v1/analytics/query', async (request) => {
    const project = requireScope(request, 'read');
    return analytics().query(project, parseAnalyticsQueryParams(request.query, Date.now()));
  });

  app.get('/api/v1/analytics/daily', async (request) => {
    const project = requireScope(request, 'read');
    const range = parseRange(request.query, Date.now());
    return { ...range, days: await analytics().dailyTrend(project, range) };
  });

  app.get('/api/v1/analytics/top-spenders', async (request) => {
    const project = requireScope(request, 'read');
    const params = parseTopSpendersParams(request.query, Date.now());
    return { by: params.dimension, fromMs: params.fromMs, toMs: params.toMs, rows: await analytics().topSpenders(project, params) };
  });

  app.get('/api/v1/analytics/model-efficiency', async (request) => {
    const project = requireScope(request, 'read');
    const range = parseRange(request.query, Date.now());
    return { ...range, models: await analytics().modelEfficiency(project, range) };
  });

  app.get('/api/v1/analytics/latency-distribution', async (request) => {
    const project = requireScope(request, 'read');
    const range = parseRange(request.query, Date.now());
    return { ...range, bands: await analytics().latencyDistribution(project, range) };
  });

  app.get('/api/v1/analytics/forecast', async (request) => {
    const project = requireScope(request, 'read');
    return analytics().forecast(project, parseForecastParams(request.query, Date.now()));
  });

  app.get('/api/v1/reports/chargeback', async (request, reply) => {
    const project = requireScope(request, 'read');
    const { format, ...params } = parseChargebackParams(request.query, Date.now());
    if (format === 'json') return analytics().chargeback(project, params);
    const csv = await analytics().chargebackCsv(project, params);
    reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="lookout-chargeback-${params.month}-${params.by.join('-')}.csv"`);
    return csv;
  });
}
