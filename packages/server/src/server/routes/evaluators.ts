import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import type { EvaluationTrial, Evaluator } from '../../domain/quality.ts';
import { evaluateSpan } from '../../enrich/quality/heuristics/index.ts';
import { LookoutError, NotFoundError } from '../../errors.ts';
import { auditChange } from '../audit-hook.ts';
import { filterMismatch } from '../../quality/evaluators/filter.ts';
import { evaluatorFrom, MAX_EVALUATORS_PER_PROJECT } from '../../quality/evaluators/schema.ts';
import type { EvaluatorOrigin } from '../../quality/evaluators/service.ts';
import type { ProjectId } from '../../store/store.ts';
import { requireScope, type AppContext } from '../context.ts';
import { errorResponses, errorSchema } from '../openapi.ts';
import {
  evaluatorBodySchema,
  evaluatorIdParams,
  evaluatorListSchema,
  evaluatorSchema,
  evaluatorTryAnswerSchema,
  evaluatorTryBodySchema,
  evaluatorTryUnsavedBodySchema,
} from '../schemas/evaluators.ts';

// D2: a project's evaluators (heuristics and LLM judges), and "try on this trace": what one would
// score on a stored trace, recorded nowhere. Trying costs a judge call for llm_judge, so it needs
// an admin key like the changes do.

// Generation calls of one trace tried at most; the answer says when there were more.
const MAX_TRIED_CALLS = 100;
// Spans of the trace read at most to find them.
const MAX_TRACE_SPANS = 2_000;

type WireEvaluator = z.output<typeof evaluatorSchema>;
const conflictResponse = { 409: errorSchema };

function wire(evaluator: Evaluator, origin: EvaluatorOrigin): WireEvaluator {
  const { judge, ...rest } = evaluator;
  if (judge === null) return { ...rest, judge: null, origin };
  const { apiKey, ...settings } = judge;
  return { ...rest, judge: { ...settings, apiKeySet: apiKey !== undefined }, origin };
}

export function registerEvaluatorRoutes(fastify: FastifyInstance, ctx: AppContext): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/api/v1/evaluators',
    {
      config: { scope: 'read' },
      schema: { summary: "The project's evaluators: its own and those of the config file", tags: ['quality'], response: { 200: evaluatorListSchema, ...errorResponses } },
    },
    async (request) => {
      const project = requireScope(request, 'read');
      return { evaluators: ctx.evaluators.list(project).map((l) => wire(l.evaluator, l.origin)), maxEvaluators: MAX_EVALUATORS_PER_PROJECT };
    },
  );

  app.post(
    '/api/v1/evaluators',
    {
      config: { scope: 'admin' },
      schema: {
        summary: 'Adds an evaluator; it applies to what the project receives from now on',
        tags: ['quality'],
        body: evaluatorBodySchema,
        response: { 201: evaluatorSchema, ...errorResponses, ...conflictResponse },
      },
    },
    async (request, reply) => {
      const project = requireScope(request, 'admin');
      const created = await ctx.evaluators.create(project, request.body);
      auditChange(request, { target: created.id, after: wire(created, 'api') });
      request.log.info({ event: 'evaluator_created', project, evaluator: created.id, kind: created.kind, criterion: created.criterion }, 'evaluator created');
      reply.code(201);
      return wire(created, 'api');
    },
  );

  app.get(
    '/api/v1/evaluators/:id',
    {
      config: { scope: 'read' },
      schema: { summary: 'One evaluator', tags: ['quality'], params: evaluatorIdParams, response: { 200: evaluatorSchema, ...errorResponses } },
    },
    async (request) => {
      const found = ctx.evaluators.get(requireScope(request, 'read'), request.params.id);
      return wire(found.evaluator, found.origin);
    },
  );

  app.put(
    '/api/v1/evaluators/:id',
    {
      config: { scope: 'admin' },
      schema: {
        summary: 'Replaces an evaluator\'s definition (the judge\'s API key is kept unless judge.apiKey is given, or null to remove it)',
        tags: ['quality'],
        params: evaluatorIdParams,
        body: evaluatorBodySchema,
        response: { 200: evaluatorSchema, ...errorResponses, ...conflictResponse },
      },
    },
    async (request) => {
      const project = requireScope(request, 'admin');
      const before = ctx.evaluators.list(project).find((l) => l.evaluator.id === request.params.id);
      const updated = await ctx.evaluators.update(project, request.params.id, request.body);
      auditChange(request, { before: before ? wire(before.evaluator, before.origin) : null, after: wire(updated, 'api') });
      request.log.info({ event: 'evaluator_changed', project, evaluator: updated.id, enabled: updated.enabled }, 'evaluator changed');
      return wire(updated, 'api');
    },
  );

  app.delete(
    '/api/v1/evaluators/:id',
    {
      config: { scope: 'admin' },
      schema: {
        summary: 'Removes an evaluator; the scores it wrote stay',
        tags: ['quality'],
        params: evaluatorIdParams,
        response: { 200: evaluatorSchema, ...errorResponses, ...conflictResponse },
      },
    },
    async (request) => {
      const project = requireScope(request, 'admin');
      const removed = await ctx.evaluators.remove(project, request.params.id);
      auditChange(request, { before: wire(removed, 'api') });
      request.log.info({ event: 'evaluator_deleted', project, evaluator: removed.id }, 'evaluator deleted');
      return wire(removed, 'api');
    },
  );

  const trySchema = {
    tags: ['quality'],
    description:
      'Heuristics run on each generation call of the trace (sampling aside; calls its filter leaves out are not_applicable); an llm_judge evaluator asks the judge now (one call, at its cost). Nothing is recorded.',
    response: { 200: evaluatorTryAnswerSchema, ...errorResponses, ...conflictResponse },
  };

  app.post(
    '/api/v1/evaluators/:id/try',
    { config: { scope: 'admin', audit: false }, schema: { ...trySchema, summary: 'What an evaluator would score on a stored trace', params: evaluatorIdParams, body: evaluatorTryBodySchema } },
    async (request) => {
      const project = requireScope(request, 'admin');
      return tryOn(ctx, project, ctx.evaluators.get(project, request.params.id).evaluator, request.body.traceId);
    },
  );

  app.post(
    '/api/v1/evaluators/try',
    { config: { scope: 'admin', audit: false }, schema: { ...trySchema, summary: 'What a definition not saved yet would score on a stored trace', body: evaluatorTryUnsavedBodySchema } },
    async (request) => {
      const project = requireScope(request, 'admin');
      const evaluator = evaluatorFrom(request.body.evaluator, 'unsaved', new Date().toISOString(), null);
      return tryOn(ctx, project, evaluator, request.body.traceId);
    },
  );
}

async function tryOn(ctx: AppContext, project: ProjectId, evaluator: Evaluator, traceId: string): Promise<z.output<typeof evaluatorTryAnswerSchema>> {
  // The trace of the caller's project only: another project's trace is as absent as an unknown one.
  const trace = await ctx.store.getTrace(project, traceId, MAX_TRACE_SPANS);
  if (trace.spans.length === 0) throw new NotFoundError(`no trace ${traceId} in project ${project}`);
  if (evaluator.kind === 'llm_judge') {
    if (!ctx.judge) throw new LookoutError('conflict', 'no judge is configured on this server: set LOOKOUT_JUDGE_BASE_URL (and LOOKOUT_JUDGE_MODEL) to try llm_judge evaluators');
    return { traceId, trials: [await ctx.judge.trial(project, evaluator, traceId)], truncated: false };
  }
  const calls = trace.spans.filter((s) => s.kind === 'generation');
  if (calls.length === 0) return { traceId, trials: [notApplicable(evaluator, traceId, null, 'the trace has no generation call for a heuristic to look at')], truncated: false };
  const trials: EvaluationTrial[] = calls.slice(0, MAX_TRIED_CALLS).map((span) => {
    const mismatch = filterMismatch(evaluator.filter, span);
    return mismatch === null ? evaluateSpan(evaluator, span) : notApplicable(evaluator, traceId, span.spanId, mismatch);
  });
  return { traceId, trials, truncated: calls.length > MAX_TRIED_CALLS };
}

function notApplicable(evaluator: Evaluator, traceId: string, spanId: string | null, why: string): EvaluationTrial {
  return { evaluatorId: evaluator.id, traceId, spanId, outcome: 'not_applicable', value: null, reasoning: why, costUsd: null, error: null };
}
