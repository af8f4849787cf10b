import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { SpanRecord } from '../../domain/span.ts';
import { LookoutError } from '../../errors.ts';
import { lookoutSpanId, lookoutTraceId, traceRootSpanId } from '../../ingest/langfuse/ids.ts';
import type { ProjectId, SpanFilter } from '../../store/store.ts';
import { requireScope, type AppContext } from '../context.ts';
import { errorResponses } from '../openapi.ts';
import {
  langfuseObservationListSchema,
  langfuseObservationSchema,
  langfuseScoreCreatedSchema,
  langfuseScoreListSchema,
  langfuseTraceDetailSchema,
  langfuseTraceListSchema,
} from '../schemas/langfuse.ts';
import { LANGFUSE_METADATA, scoreRecord, toMicros } from '../../ingest/langfuse/map.ts';
import { scoreBodySchema } from '../../ingest/langfuse/schema.ts';
import {
  isLangfuseRoot,
  langfuseTraceIdOf,
  observationIdOf,
  observationsOfTrace,
  presentObservation,
  presentScore,
  presentTrace,
  rootOf,
  TRACE_ROOT_TYPE,
  traceTotals,
} from '../langfuse/present.ts';
import { meta, metadataOf, observationListQuery, offsetOf, rangeOf, scoreListQuery, single, traceListQuery, traceOrder } from '../langfuse/params.ts';
import { MAX_TRACE_ITEMS } from './spans.ts';

// The Langfuse public API's read endpoints and scores, in Langfuse's response shapes, over the
// same store reads as /api/v1 (every read scoped to the caller's project, every page bounded).

// Spans and scores read per trace of a list page, for their ids (a page holds up to 100 traces).
const LIST_TRACE_ITEMS = 1_000;
const TAG = 'langfuse';
// POST here writes a score (ingest: it does not wait for loads); GET reads them.
export const LANGFUSE_SCORES_PATH = '/api/public/scores';
// A Langfuse trace's own span is not one of its observations.
const NOT_TRACE_ROOT = { [LANGFUSE_METADATA.observationType]: TRACE_ROOT_TYPE };

// Langfuse observation types stored as a Lookout span kind; the others are known by their metadata.
const KIND_OF_TYPE: Record<string, string> = { GENERATION: 'generation' };

export function registerLangfusePublicRoutes(fastify: FastifyInstance, ctx: AppContext): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  // The original ids of the spans' parents (null under a trace's own span), reading the parents
  // that are not among them.
  const parentIds = async (project: ProjectId, spans: SpanRecord[]): Promise<(span: SpanRecord) => string | null> => {
    const known = new Map(spans.map((s) => [s.spanId, s]));
    const langfuseRoot = (s: SpanRecord) => s.metadata[LANGFUSE_METADATA.traceId] !== undefined && s.parentSpanId === traceRootSpanId(langfuseTraceIdOf(s));
    const missing = [...new Set(spans.filter((s) => s.parentSpanId !== null && !known.has(s.parentSpanId) && !langfuseRoot(s)).map((s) => s.parentSpanId as string))];
    for (const parent of await Promise.all(missing.map((id) => ctx.store.getSpan(project, id)))) if (parent) known.set(parent.spanId, parent);
    return (span) => {
      if (span.parentSpanId === null || langfuseRoot(span)) return null;
      const parent = known.get(span.parentSpanId);
      if (parent === undefined) return span.parentSpanId;
      return isLangfuseRoot(parent) ? null : observationIdOf(parent);
    };
  };

  app.get(
    '/api/public/traces',
    {
      config: { scope: 'read' },
      schema: {
        summary: 'Langfuse: traces, newest first',
        description:
          "Langfuse's GET /api/public/traces. A filter selects the traces with a span that meets it (name: the trace's root span); tags and environment take one value; orderBy only timestamp.desc.",
        tags: [TAG],
        querystring: traceListQuery,
        response: { 200: langfuseTraceListSchema, ...errorResponses },
      },
    },
    async (request) => {
      const project = requireScope(request, 'read');
      const q = request.query;
      traceOrder(q.orderBy);
      const filter: SpanFilter = {
        ...rangeOf(q.fromTimestamp, q.toTimestamp, ['fromTimestamp', 'toTimestamp']),
        userId: q.userId,
        sessionId: q.sessionId,
        rootName: q.name,
        tag: single(q.tags, 'tags'),
        environment: single(q.environment, 'environment'),
        metadata: metadataOf({ [LANGFUSE_METADATA.release]: q.release, [LANGFUSE_METADATA.version]: q.version }),
      };
      const page = await ctx.store.listTraces(project, filter, { limit: q.limit, offset: offsetOf(q, 'toTimestamp') });
      // A trace's observations and scores are listed by id only: their content is not read, only
      // the root's, which the trace's input and output are.
      const details = await Promise.all(
        page.traces.map(async (t) => {
          const detail = await ctx.store.getTrace(project, t.traceId, LIST_TRACE_ITEMS, { content: false });
          const bare = rootOf(detail.spans);
          const full = bare && (await ctx.store.getSpan(project, bare.spanId));
          // A span id is unique within its trace only.
          return { ...detail, root: full && full.traceId === bare.traceId ? full : bare };
        }),
      );
      const data = page.traces.flatMap((summary, i) => {
        const { spans, scores, root } = details[i];
        if (root === undefined) return [];
        return [
          presentTrace(root, {
            latencyS: summary.durationMs / 1000,
            totalCostUsd: summary.costUsd ?? 0,
            observationIds: observationsOfTrace(spans).map(observationIdOf),
            scoreIds: scores.map((s) => s.id),
          }),
        ];
      });
      return { data, meta: meta(q, page.total ?? data.length) };
    },
  );

  app.get(
    '/api/public/traces/:traceId',
    {
      config: { scope: 'read' },
      schema: {
        summary: 'Langfuse: one trace with its observations and scores',
        description: `Langfuse's GET /api/public/traces/{traceId}: the id it was sent with, or a Lookout trace id. At most ${MAX_TRACE_ITEMS} observations and scores, the first by time.`,
        tags: [TAG],
        params: z.object({ traceId: z.string() }),
        response: { 200: langfuseTraceDetailSchema, ...errorResponses },
      },
    },
    async (request) => {
      const project = requireScope(request, 'read');
      const given = request.params.traceId;
      const { spans, scores } = await ctx.store.getTrace(project, lookoutTraceId(given), MAX_TRACE_ITEMS);
      const root = rootOf(spans);
      if (root === undefined) throw new LookoutError('not_found', `no trace ${given} in project ${project}`);
      const traceId = langfuseTraceIdOf(root);
      const observations = observationsOfTrace(spans);
      const parentOf = await parentIds(project, spans);
      return {
        ...presentTrace(root, { ...traceTotals(spans), observationIds: [], scoreIds: [] }),
        observations: observations.map((s) => presentObservation(s, parentOf(s))),
        scores: scores.map((s) => presentScore(s, () => traceId)),
      };
    },
  );

  app.get(
    '/api/public/observations',
    {
      config: { scope: 'read' },
      schema: {
        summary: 'Langfuse: observations, newest first',
        description:
          "Langfuse's GET /api/public/observations. Spans from any path are observations (a generation is a GENERATION, any other span a SPAN unless a Langfuse SDK said otherwise); environment takes one value.",
        tags: [TAG],
        querystring: observationListQuery,
        response: { 200: langfuseObservationListSchema, ...errorResponses },
      },
    },
    async (request) => {
      const project = requireScope(request, 'read');
      const q = request.query;
      const type = q.type?.toUpperCase();
      const kind = type === undefined ? undefined : KIND_OF_TYPE[type];
      const filter: SpanFilter = {
        ...rangeOf(q.fromStartTime, q.toStartTime, ['fromStartTime', 'toStartTime']),
        traceId: q.traceId === undefined ? undefined : lookoutTraceId(q.traceId),
        name: q.name,
        userId: q.userId,
        kind,
        parentSpanId: q.parentObservationId === undefined ? undefined : lookoutSpanId(q.parentObservationId),
        environment: single(q.environment, 'environment'),
        metadata: metadataOf({
          [LANGFUSE_METADATA.version]: q.version,
          [LANGFUSE_METADATA.observationType]: type !== undefined && kind === undefined ? type.toLowerCase() : undefined,
        }),
        metadataNot: NOT_TRACE_ROOT,
      };
      const page = await ctx.store.listSpans(project, filter, { limit: q.limit, offset: offsetOf(q, 'toStartTime') });
      const parentOf = await parentIds(project, page.spans);
      return { data: page.spans.map((s) => presentObservation(s, parentOf(s))), meta: meta(q, page.total ?? page.spans.length) };
    },
  );

  app.get(
    '/api/public/observations/:observationId',
    {
      config: { scope: 'read' },
      schema: {
        summary: 'Langfuse: one observation',
        tags: [TAG],
        params: z.object({ observationId: z.string() }),
        response: { 200: langfuseObservationSchema, ...errorResponses },
      },
    },
    async (request) => {
      const project = requireScope(request, 'read');
      const given = request.params.observationId;
      const span = await ctx.store.getSpan(project, lookoutSpanId(given));
      if (span === null || isLangfuseRoot(span)) throw new LookoutError('not_found', `no observation ${given} in project ${project}`);
      return presentObservation(span, (await parentIds(project, [span]))(span));
    },
  );

  for (const path of ['/api/public/scores', '/api/public/v2/scores']) {
    app.get(
      path,
      {
        config: { scope: 'read' },
        schema: {
          summary: 'Langfuse: scores, newest first',
          description: "Langfuse's GET /api/public/v2/scores (and the older /api/public/scores), with the filters Lookout keeps: traceId, name, dataType and a time range.",
          tags: [TAG],
          querystring: scoreListQuery,
          response: { 200: langfuseScoreListSchema, ...errorResponses },
        },
      },
      async (request) => {
        const project = requireScope(request, 'read');
        const q = request.query;
        const filter = {
          ...rangeOf(q.fromTimestamp, q.toTimestamp, ['fromTimestamp', 'toTimestamp']),
          traceId: q.traceId === undefined ? undefined : lookoutTraceId(q.traceId),
          name: q.name,
          dataType: q.dataType?.toLowerCase(),
        };
        const [scores, total] = await Promise.all([
          ctx.store.listScores(project, filter, { limit: q.limit, offset: offsetOf(q, 'toTimestamp') }),
          ctx.store.countScores(project, filter),
        ]);
        // A score sent by trace id alone names the trace by it.
        const named = q.traceId;
        return { data: scores.map((s) => presentScore(s, named === undefined ? undefined : () => named)), meta: meta(q, total) };
      },
    );
  }

  app.post(
    LANGFUSE_SCORES_PATH,
    {
      config: { scope: 'ingest' },
      schema: {
        summary: 'Langfuse: create a score of a trace or one of its observations',
        description:
          "Langfuse's POST /api/public/scores. Stored like a native score (acknowledged once on disk); a score sent again with the same id is kept as first sent. Session and dataset-run scores are not supported.",
        tags: [TAG],
        body: scoreBodySchema,
        response: { 200: langfuseScoreCreatedSchema, ...errorResponses },
      },
    },
    async (request) => {
      const project = requireScope(request, 'ingest');
      // As a score-create event of the ingestion endpoint is read.
      const at = request.body.timestamp ? toMicros(request.body.timestamp) : null;
      const score = scoreRecord(request.body, randomUUID(), at ?? Date.now() * 1000, project);
      if (typeof score === 'string') throw new LookoutError('invalid_request', score);
      await ctx.pipeline.submit({ spans: [], scores: [score], logs: [] }, 'langfuse');
      return { id: score.id };
    },
  );
}
