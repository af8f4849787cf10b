import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { documentedOnly, errorResponses, errorSchema } from '../../server/openapi.ts';
import { requireScope, type AppContext } from '../../server/context.ts';
import type { SpanRecord } from '../../domain/span.ts';
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
const MIN_RETRY_BACKOFF_MS = 1_000;
const MAX_RETRY_BACKOFF_MS = 30_000;

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
  const pending = new PendingObservations({ idleMs, maxEntries: MAX_PENDING_ENTRIES, maxBytes: MAX_PENDING_BYTES, captures: (projectId) => ctx.content.captures(projectId) });
  const logger = ctx.logger.child({ component: 'langfuse-ingest' });

  const write = (spans: SpanRecord[]) => ctx.pipeline.submit({ spans, scores: [], logs: [] }, 'langfuse');
  const lost = (count: number, why: string, err: unknown) => {
    // The SDK was answered when the events arrived: nobody else is left to retry them.
    ctx.metrics.dropped.inc({ reason: 'langfuse_pending' }, count);
    logger.warn({ event: 'langfuse_pending_lost', spans: count, why, err: (err as Error).message }, 'could not write Langfuse observations that were waiting for their end');
  };

  // Idle entries that could not be written (the write queue full, the disk failing) go back into
  // the buffer and are tried again after a growing pause; the buffer's bounds still hold them.
  let sweeping: Promise<void> | null = null;
  let retryAtMs = 0;
  let backoffMs = 0;
  const timer = setInterval(() => {
    if (sweeping || Date.now() < retryAtMs) return;
    const taken = pending.takeIdle(Date.now());
    if (!taken.spans.length) return;
    sweeping = write(taken.spans)
      .then(() => {
        backoffMs = 0;
      })
      .catch((err: unknown) => {
        pending.restore(taken);
        backoffMs = Math.min(MAX_RETRY_BACKOFF_MS, Math.max(MIN_RETRY_BACKOFF_MS, backoffMs * 2));
        retryAtMs = Date.now() + backoffMs;
        ctx.metrics.ingestItems.inc({ source: 'langfuse', type: 'pending', outcome: 'retry' }, taken.spans.length);
        logger.warn({ event: 'langfuse_pending_retry', spans: taken.spans.length, retryInMs: backoffMs, err: (err as Error).message }, 'could not write idle Langfuse observations; keeping them to try again');
      })
      .finally(() => (sweeping = null));
  }, Math.min(MAX_SWEEP_INTERVAL_MS, Math.max(10, Math.floor(idleMs / 4))));
  timer.unref();
  fastify.addHook('onClose', async () => {
    clearInterval(timer);
    // A sweep in flight hands back what it could not write: wait for it, then write everything.
    await sweeping;
    const spans = pending.takeAll(Date.now());
    if (spans.length) await write(spans).catch((err: unknown) => lost(spans.length, 'shutdown', err));
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
      if (overflow.spans.length) ctx.metrics.ingestItems.inc({ source: 'langfuse', type: 'pending', outcome: 'overflow' }, overflow.spans.length);
      const spans = [...read.spans, ...overflow.spans];
      if (spans.length || read.scores.length) {
        try {
          await ctx.pipeline.submit({ spans, scores: read.scores, logs: [] }, 'langfuse');
        } catch (err) {
          // The SDK retries this batch and its events are merged again; observations it completed
          // that were held from earlier batches go back to wait for the retry. What overflowed
          // the bounds cannot go back without breaking them.
          pending.restore(read.whole);
          if (overflow.spans.length) lost(overflow.spans.length, 'overflow', err);
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
