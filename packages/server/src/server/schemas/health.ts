import { z } from 'zod';
import { errorSchema } from '../openapi.ts';

// Health and readiness, for load balancers and orchestrators: public, and cheap to answer.

export const healthSchema = z.object({ status: z.literal('ok') }).meta({ id: 'Health' });

export const readySchema = z
  .object({
    status: z.literal('ready'),
    store: z.string().describe('the storage backend'),
    queueDepth: z.number().int().describe('rows acknowledged but not yet in the store'),
    loads: z
      .object({
        status: z.enum(['ok', 'failing']).describe('failing: the store is not taking loads; ingest is still acknowledged into the journal up to ingest.maxQueueRows'),
        failingSince: z.string().nullable().describe('when loads started failing (ISO 8601)'),
        error: z.string().nullable().describe('the last load error'),
      })
      .describe('loading acknowledged rows from the journal into the store'),
  })
  .meta({ id: 'Ready' });

export const notReadySchema = z.object({ status: z.literal('shutting down') }).meta({ id: 'NotReady' });

export const prometheusText = {
  description: 'the Prometheus text exposition format, or OpenMetrics (with trace-id exemplars) when the Accept header prefers application/openmetrics-text',
  content: {
    'text/plain': { schema: z.string().describe('metrics in the Prometheus text format 0.0.4') },
    'application/openmetrics-text': { schema: z.string().describe('metrics in OpenMetrics 1.0.0, histogram buckets with trace-id exemplars') },
  },
};

// The route schemas of /healthz, /readyz and /metrics.
export const HEALTHZ_ROUTE = {
  summary: 'The server is up',
  tags: ['meta'],
  security: [],
  response: { 200: healthSchema },
};

export const READYZ_ROUTE = {
  summary: 'The server takes requests (503 while it is stopping)',
  tags: ['meta'],
  security: [],
  response: { 200: readySchema, 503: notReadySchema },
};

export const METRICS_ROUTE = {
  summary: "The server's own metrics, for Prometheus (with metrics.requireKey: a read or admin key of the default project)",
  tags: ['meta'],
  response: { 200: prometheusText, 401: errorSchema, 403: errorSchema },
};
