import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { DEFAULT_LATENCY_TARGET_MS, HEALTH_WEIGHTS, healthScore, medianCostPerRequest } from '../../domain/health.ts';
import type { Evaluator } from '../../domain/quality.ts';
import type { HealthGrouping } from '../../store/store.ts';
import { requireScope, type AppContext } from '../context.ts';
import { errorResponses } from '../openapi.ts';
import { healthQuerySchema, healthScoresSchema, topIssuesQuerySchema, topIssuesSchema } from '../schemas/quality.ts';
import { qualityRange } from '../../query/quality-range.ts';

// D6 top issues (recurring errors, low scores, each with its traces) and D4 health scores per
// feature or application (domain/health.ts has the formula).

const iso = (us: number) => new Date(Math.trunc(us / 1000)).toISOString();

// A group's p95 target: the tightest enabled latency_slo evaluator that selects it (by its own
// feature or application, or the whole project), else the default.
function latencyTargetOf(evaluators: readonly Evaluator[], by: HealthGrouping, key: string | null): number {
  let target: number | null = null;
  for (const e of evaluators) {
    if (e.criterion !== 'latency_slo' || e.params.maxLatencyMs === undefined) continue;
    const selected = e.filter[by];
    if (selected !== undefined && selected !== key) continue;
    target = target === null ? e.params.maxLatencyMs : Math.min(target, e.params.maxLatencyMs);
  }
  return target ?? DEFAULT_LATENCY_TARGET_MS;
}

export function registerQualityRoutes(fastify: FastifyInstance, ctx: AppContext): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/api/v1/quality/top-issues',
    {
      config: { scope: 'read' },
      schema: {
        summary: 'Top issues: recurring errors grouped by fingerprint and low scores grouped by feature and score name, each with counts, first and last seen, and traces',
        tags: ['quality'],
        querystring: topIssuesQuerySchema,
        response: { 200: topIssuesSchema, ...errorResponses },
      },
    },
    async (request) => {
      const project = requireScope(request, 'read');
      const q = request.query;
      const range = qualityRange(q, Date.now());
      const [errors, lowScores] = await Promise.all([
        ctx.store.topErrors(project, range, q.limit),
        ctx.store.lowScores(project, range, { threshold: q.threshold, limit: q.limit }),
      ]);
      return {
        from: iso(range.fromUs),
        to: iso(range.toUs),
        threshold: q.threshold,
        errors: errors.map(({ firstSeenUs, lastSeenUs, ...g }) => ({ ...g, firstSeen: iso(firstSeenUs), lastSeen: iso(lastSeenUs) })),
        lowScores: lowScores.map(({ firstSeenUs, lastSeenUs, ...g }) => ({ ...g, firstSeen: iso(firstSeenUs), lastSeen: iso(lastSeenUs) })),
      };
    },
  );

  app.get(
    '/api/v1/quality/health',
    {
      config: { scope: 'read' },
      schema: {
        summary: 'Health score (0-100) per feature or application, from quality, latency, errors and cost efficiency',
        description: 'The formula and its weights are in docs/quality.md (Health score). A component a group lacks is left out and the others reweighted.',
        tags: ['quality'],
        querystring: healthQuerySchema,
        response: { 200: healthScoresSchema, ...errorResponses },
      },
    },
    async (request) => {
      const project = requireScope(request, 'read');
      const q = request.query;
      const range = qualityRange(q, Date.now());
      const inputs = await ctx.store.healthInputs(project, range, q.by, q.limit);
      const median = medianCostPerRequest(inputs.map((g) => g.costPerRequestUsd));
      const inForce = ctx.evaluators.evaluatorsOf(project);
      return {
        from: iso(range.fromUs),
        to: iso(range.toUs),
        by: q.by,
        weights: { ...HEALTH_WEIGHTS },
        medianCostPerRequestUsd: median,
        groups: inputs.map((g) => {
          const latencyTargetMs = q.latencyTargetMs ?? latencyTargetOf(inForce, q.by, g.key);
          const h = healthScore(g, { latencyTargetMs, medianCostPerRequestUsd: median });
          return { ...g, health: h.score, components: h.components, errorRate: g.requests > 0 ? g.errors / g.requests : null, latencyTargetMs };
        }),
      };
    },
  );
}
