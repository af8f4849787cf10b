import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { documentedOnly, errorResponses, errorSchema } from '../../server/openapi.ts';
import { requireScope, type AppContext } from '../../server/context.ts';
import { LookoutError } from '../../errors.ts';
import { parseJsonBody } from '../json-body.ts';
import { PendingObservations } from './pending.ts';
import { readBatch, type IngestionResponse } from './batch.ts';

// The Langfuse v3 SDKs' ingestion endpoint (POST /api/public/ingestion) and GET /api/public/health.
// Auth is the app's: HTTP Basic publicKey:secretKey with a Lookout key as the secret.

export const LANGFUSE_INGESTION_PATH = '/api/public/ingestion';
export const LANGFUSE_HEALTH_PATH = '/api/public/health';

// How long an unfinished observation or a trace waits for more events before it is written as it is.
export const DEFAULT_LANGFUSE_IDLE_MS = 30_000;
// Bounds of what waits: about one minute of a busy application's open observations.
const MAX_PENDING_ENTRIES = 100_000;
const MAX_PENDING_BYTES = 128 * 1024 * 1024;
const MAX_SWEEP_INTERVAL_MS = 1_000;

const ingestionResponseSchema = z.object({
  successes: z.array(z.object({ id: z.string(), status: z.number().int() })),
  errors: z.array(z.object({ id: z.string(), status: z.number().int(), message: z.string(), error: z.string() })),
});

const INGESTION_ROUTE = {
  summary: 'A batch of Langfuse v3 SDK events (trace-create, span/generation create and update, event-create, score-create, sdk-log)',
  description:
    'Langfuse-compatible: answered 207 with one result per event; a malformed event is listed in errors (400) while the others are taken. Observations are written once they have ended (or after ingest.langfuseIdleMs without events); docs/migrate-from-langfuse.md.',
  tags: ['langfuse'],
  body: documentedOnly(z.object({ batch: z.array(z.object({ id: z.string(), type: z.string(), timestamp: z.string(), body: z.record(z.string(), z.unknown()) })), metadata: z.unknown().optional() })),
  response: { ...errorResponses, 207: ingestionResponseSchema, 413: errorSchema },
};

export function registerLangfuseIngestRoutes(fastify: FastifyInstance, ctx: AppContext): void {
  const idleMs = ctx.config.ingest.langfuseIdleMs ?? DEFAULT_LANGFUSE_IDLE_MS;
  const pending = new PendingObservations({ idleMs, maxEntries: MAX_PENDING_ENTRIES, maxBytes: MAX_PENDING_BYTES });
  const logger = ctx.logger.child({ component: 'langfuse-ingest' });

  const write = async (spans: Parameters<typeof ctx.pipeline.submit>[0]['spans'], why: string) => {
    if (!spans.length) return;
    try {
      await ctx.pipeline.submit({ spans, scores: [], logs: [] }, 'langfuse');
    } catch (err) {
      // The SDK was answered when the events arrived: nobody is left to retry them.
      ctx.metrics.dropped.inc({ reason: 'langfuse_pending' }, spans.length);
      logger.warn({ event: 'langfuse_pending_lost', spans: spans.length, why, err: (err as Error).message }, 'could not write Langfuse observations that were waiting for their end');
    }
  };

  let sweeping = false;
  const timer = setInterval(() => {
    if (sweeping) return;
    const spans = pending.takeIdle(Date.now());
    if (!spans.length) return;
    sweeping = true;
    void write(spans, 'idle').finally(() => (sweeping = false));
  }, Math.min(MAX_SWEEP_INTERVAL_MS, Math.max(10, Math.floor(idleMs / 4))));
  timer.unref();
  fastify.addHook('onClose', async () => {
    clearInterval(timer);
    await write(pending.takeAll(Date.now()), 'shutdown');
  });

  fastify.withTypeProvider<ZodTypeProvider>().get(
    LANGFUSE_HEALTH_PATH,
    { schema: { summary: 'Health, as the Langfuse SDKs ask for it', tags: ['langfuse'], response: { 200: z.object({ status: z.literal('OK') }) } } },
    async () => ({ status: 'OK' as const }),
  );

  fastify.register(async (scoped) => {
    scoped.removeAllContentTypeParsers();
    scoped.addContentTypeParser(['application/json', 'text/json'], { parseAs: 'buffer', bodyLimit: ctx.config.ingest.maxBodyBytes }, async (_req: FastifyRequest, body: Buffer) =>
      parseJsonBody(body),
    );
    scoped.addContentTypeParser('*', { parseAs: 'buffer' }, (req, _body, done) => {
      done(new LookoutError('unsupported_media_type', `content type '${req.headers['content-type'] ?? ''}' is not supported here; send application/json`), undefined);
    });
    scoped.withTypeProvider<ZodTypeProvider>().post(LANGFUSE_INGESTION_PATH, { config: { scope: 'ingest' }, schema: INGESTION_ROUTE }, async (request, reply): Promise<IngestionResponse> => {
      const projectId = requireScope(request, 'ingest');
      const nowMs = Date.now();
      const read = readBatch(request.body, { projectId, maxBatchItems: ctx.config.ingest.maxBatchItems, nowMs }, pending);
      const overflow = pending.takeOverflow(nowMs);
      if (overflow.length) ctx.metrics.ingestItems.inc({ source: 'langfuse', type: 'pending', outcome: 'overflow' }, overflow.length);
      const spans = [...read.spans, ...overflow];
      if (spans.length || read.scores.length) {
        try {
          await ctx.pipeline.submit({ spans, scores: read.scores, logs: [] }, 'langfuse');
        } catch (err) {
          // The SDK retries this batch, and its events are merged again; the spans written early
          // for other batches' events are not sent again.
          if (overflow.length) ctx.metrics.dropped.inc({ reason: 'langfuse_pending' }, overflow.length);
          throw err;
        }
      }
      if (read.response.errors.length) ctx.metrics.ingestItems.inc({ source: 'langfuse', type: 'any', outcome: 'rejected' }, read.response.errors.length);
      // Langfuse answers every batch with 207 and one result per event.
      reply.code(207);
      return read.response;
    });
  });
}
