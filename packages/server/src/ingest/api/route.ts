import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { SpanRecord } from '../../domain/span.ts';
import type { LogRecord, ScoreRecord } from '../../domain/score.ts';
import { requireScope, type AppContext } from '../../server/context.ts';
import { LookoutError, describeIssue } from '../../errors.ts';
import { logFromItem, scoreFromItem, spanFromItem } from './map.ts';
import { checkIngestItem, prepareItemValidators } from './fast-validate.ts';
import { ingestBodySchema, ingestItemSchema, type ItemResult } from './schema.ts';
import { documentedOnly, errorResponses, errorSchema } from '../../server/openapi.ts';
import { ingestBatchSchema, ingestPartialResultSchema, ingestResultSchema } from '../../server/schemas/ingest.ts';

// The JSON Schema of what the ingest API accepts, generated from the schemas it validates with.
let ingestJsonSchema: Record<string, unknown> | null = null;
export function ingestSchemaDocument(): Record<string, unknown> {
  ingestJsonSchema ??= {
    ...z.toJSONSchema(z.object({ batch: z.array(ingestItemSchema) }), { io: 'input', unrepresentable: 'any' }),
    title: 'Lookout ingest batch',
    description: 'POST /api/v1/ingest. Timestamps are ISO-8601 strings or epoch milliseconds.',
  };
  return ingestJsonSchema;
}

export function registerIngestRoutes(fastify: FastifyInstance, ctx: AppContext): void {
  prepareItemValidators();
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/api/v1/schema/ingest',
    {
      config: { scope: 'ingest' },
      schema: {
        summary: 'The JSON Schema of an ingest batch',
        tags: ['ingest'],
        response: { 200: z.record(z.string(), z.unknown()).describe('a JSON Schema (draft 2020-12)'), ...errorResponses },
      },
    },
    async () => ingestSchemaDocument(),
  );

  app.post(
    '/api/v1/ingest',
    { config: { scope: 'ingest' },
      schema: {
        summary: 'Store a batch of generations, spans, scores and logs; each item is accepted or refused on its own',
        description:
          '200: every item stored (or stored before); 207: some refused, the others stored; 400: every item refused. A 2xx is sent once the accepted items are on disk; a batch sent again is recognised item by item (by id, or traceId and spanId) as duplicate.',
        tags: ['ingest'],
        // Read by the handler after the key's scope: the batch's shape first, then item by item.
        body: documentedOnly(ingestBatchSchema),
        response: {
          ...errorResponses,
          200: ingestResultSchema,
          207: ingestPartialResultSchema,
          400: z.union([ingestPartialResultSchema, errorSchema]).describe('every item refused (see results[].error), or the body is not a batch'),
          413: errorSchema,
        },
      },
    },
    async (request, reply) => {
      const project = requireScope(request, 'ingest');
      const body = ingestBodySchema.safeParse(request.body);
      if (!body.success) {
        const issue = body.error.issues[0];
        throw new LookoutError('invalid_request', describeIssue(issue.path, issue.message, 'body') + ' (expected {"batch": [ ... ]})');
      }
      const raw = body.data.batch;
      if (raw.length > ctx.config.ingest.maxBatchItems) {
        throw new LookoutError(
          'batch_too_large',
          `the batch has ${raw.length} items; at most ${ctx.config.ingest.maxBatchItems} are accepted per request: split it`,
        );
      }
      const now = Date.now();
      const results: ItemResult[] = new Array(raw.length);
      const spans: SpanRecord[] = [];
      const spanIdx: number[] = [];
      const scores: ScoreRecord[] = [];
      const scoreIdx: number[] = [];
      const logs: LogRecord[] = [];
      const logIdx: number[] = [];
      let rejected = 0;
      raw.forEach((item, index) => {
        const checked = checkIngestItem(item, index);
        if (!checked.ok) {
          results[index] = { index, type: checked.type, status: 'rejected', error: checked.error };
          rejected++;
          return;
        }
        const it = checked.item;
        if (it.type === 'generation' || it.type === 'span') {
          const span = spanFromItem(it, project);
          spans.push(span);
          spanIdx.push(index);
          results[index] = { index, type: it.type, status: 'rejected', ...(it.id ? { id: it.id } : {}), traceId: span.traceId, spanId: span.spanId };
        } else if (it.type === 'score') {
          scores.push(scoreFromItem(it, project, now));
          scoreIdx.push(index);
          results[index] = { index, type: it.type, status: 'rejected', id: it.id };
        } else {
          logs.push(logFromItem(it, project, now));
          logIdx.push(index);
          results[index] = { index, type: it.type, status: 'rejected', id: it.id };
        }
      });
      if (rejected) ctx.metrics.ingestItems.inc({ source: 'api', type: 'any', outcome: 'rejected' }, rejected);

      const outcome = await ctx.pipeline.submit({ spans, scores, logs }, 'api');
      outcome.spans.forEach((o, i) => (results[spanIdx[i]].status = o));
      outcome.scores.forEach((o, i) => (results[scoreIdx[i]].status = o));
      outcome.logs.forEach((o, i) => (results[logIdx[i]].status = o));

      const accepted = results.filter((r) => r.status === 'accepted').length;
      const duplicates = results.filter((r) => r.status === 'duplicate').length;
      // 200: everything stored (or already stored); 207: some items refused; 400: every item refused.
      const status = rejected === 0 ? 200 : rejected === raw.length ? 400 : 207;
      reply.code(status);
      return {
        accepted,
        duplicates,
        rejected,
        results,
        ...(rejected ? { error: { code: 'invalid_request', message: `${rejected} of ${raw.length} items were rejected; see results[].error`, retryable: false } } : {}),
      };
    },
  );
}
