import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireScope, type AppContext } from '../../server/context.ts';
import { LookoutError } from '../../errors.ts';
import { prepareItemValidators } from './fast-validate.ts';
import { mapBatch, type BatchOutcome } from './batch.ts';
import { ingestItemSchema } from './schema.ts';
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

  // Encapsulated: this route reads its body raw, and the project's ingest worker reads it as JSON,
  // validates and maps it (batch.ts). A body that is not JSON is refused while the body is read,
  // with the app's JSON parser's answer; anything else is answered by the handler.
  fastify.register(async (scoped) => {
    scoped.removeAllContentTypeParsers();
    scoped.addContentTypeParser(['application/json', 'text/json'], { parseAs: 'buffer', bodyLimit: ctx.config.ingest.maxBodyBytes }, async (request: FastifyRequest, body: Buffer) => {
      const projectId = request.auth.projectId;
      const args = { projectId, maxBatchItems: ctx.config.ingest.maxBatchItems, nowMs: Date.now() };
      const outcome = await ctx.workers.run('nativeIngest', projectId, body, args);
      if ('unreadable' in outcome) throw new LookoutError(outcome.unreadable.code, outcome.unreadable.message);
      return outcome;
    });
    scoped.addContentTypeParser('*', { parseAs: 'buffer' }, (req, _body, done) => {
      done(new LookoutError('unsupported_media_type', `content type '${req.headers['content-type'] ?? ''}' is not supported here; send application/json`), undefined);
    });
    registerIngestPost(scoped, ctx);
  });
}

function registerIngestPost(fastify: FastifyInstance, ctx: AppContext): void {
  fastify.withTypeProvider<ZodTypeProvider>().post(
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
      // A request without a body has no content type, so its body was not read by a worker.
      const outcome =
        request.body === undefined
          ? mapBatch(undefined, { projectId: project, maxBatchItems: ctx.config.ingest.maxBatchItems, nowMs: Date.now() })
          : (request.body as unknown as BatchOutcome);
      if ('unreadable' in outcome) throw new LookoutError(outcome.unreadable.code, outcome.unreadable.message);
      if ('refused' in outcome) throw new LookoutError(outcome.refused.code, outcome.refused.message);
      const { items, rejected, results, spans, spanIdx, scores, scoreIdx, logs, logIdx } = outcome.batch;
      if (rejected) ctx.metrics.ingestItems.inc({ source: 'api', type: 'any', outcome: 'rejected' }, rejected);

      const done = await ctx.pipeline.submit({ spans, scores, logs }, 'api');
      done.spans.forEach((o, i) => (results[spanIdx[i]].status = o));
      done.scores.forEach((o, i) => (results[scoreIdx[i]].status = o));
      done.logs.forEach((o, i) => (results[logIdx[i]].status = o));

      const accepted = results.filter((r) => r.status === 'accepted').length;
      const duplicates = results.filter((r) => r.status === 'duplicate').length;
      // 200: everything stored (or already stored); 207: some items refused; 400: every item refused.
      const status = rejected === 0 ? 200 : rejected === items ? 400 : 207;
      reply.code(status);
      return {
        accepted,
        duplicates,
        rejected,
        results,
        ...(rejected ? { error: { code: 'invalid_request', message: `${rejected} of ${items} items were rejected; see results[].error`, retryable: false } } : {}),
      };
    },
  );
}
