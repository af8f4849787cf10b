import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DAY_MS, parseRange } from '../../domain/time.ts';
import { DEFAULT_RECOMMENDATION_DAYS, MAX_RECOMMENDATION_DAYS, RECOMMENDERS, recommend } from '../../query/recommendations/index.ts';
import { AnalyticsInputError, validateRange } from '../../query/validate.ts';
import { requireScope, type AppContext } from '../context.ts';
import { errorResponses } from '../openapi.ts';
import { recommendationsBody, recommendationsSchema } from '../schemas/recommendations.ts';

// B7: what to change to spend less, each with its evidence, a monthly saving in dollars with its
// formula, and a confidence (query/recommendations/).

const paramsSchema = z
  .object({
    from: z.string().optional().describe(`start of the range (inclusive): an instant or a duration back from now ('7d'); default: ${DEFAULT_RECOMMENDATION_DAYS} days before \`to\``),
    to: z.string().optional().describe('end of the range (exclusive): an instant or a duration back from now; default: now'),
  })
  .strict();

export function registerRecommendationRoutes(fastify: FastifyInstance, ctx: AppContext): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/api/v1/recommendations',
    {
      config: { scope: 'read' },
      schema: {
        summary: 'What to change to spend less: each recommendation with its saving in dollars, formula, evidence and confidence',
        tags: ['analytics'],
        querystring: paramsSchema,
        response: { 200: recommendationsSchema, ...errorResponses },
      },
    },
    async (request) => {
      const project = requireScope(request, 'read');
      const nowMs = Date.now();
      const range = parseRange(request.query, nowMs, { spanMs: DEFAULT_RECOMMENDATION_DAYS * DAY_MS });
      validateRange(range);
      if (range.toMs - range.fromMs > MAX_RECOMMENDATION_DAYS * DAY_MS) {
        throw new AnalyticsInputError('from', `the range may span at most ${MAX_RECOMMENDATION_DAYS} days`);
      }
      const deps = {
        analytics: ctx.store.analytics,
        spans: ctx.store,
        scores: ctx.store,
        prompts: ctx.store,
        pricer: ctx.pricer,
        retention: ctx.retention.policy.horizonOf(project),
        nowMs,
      };
      const answer = await recommend(deps, project, { fromUs: range.fromMs * 1000, toUs: range.toMs * 1000 });
      return recommendationsBody(answer, RECOMMENDERS.map((r) => r.kind));
    },
  );
}
