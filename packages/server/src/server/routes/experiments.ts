import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DAY_MS, parseRange } from '../../domain/time.ts';
import { COMPARE_DIMENSIONS, DEFAULT_COMPARE_DAYS, DEFAULT_COMPARE_GROUPS, MAX_COMPARE_DAYS, MAX_DIRECTION_NAMES, compareGroups } from '../../query/experiments/compare.ts';
import type { Evaluator } from '../../domain/quality.ts';
import { splitList } from '../../query/params.ts';
import { AnalyticsInputError } from '../../query/validate.ts';
import { MAX_EXPERIMENT_GROUPS } from '../../store/experiments.ts';
import type { Dimension } from '../../query/contract.ts';
import { requireScope, type AppContext } from '../context.ts';
import { errorResponses } from '../openapi.ts';
import { comparisonResponseSchema } from '../schemas/experiments.ts';

// Issue 23's experiments: a feature's calls grouped by prompt version, variant, model..., side by
// side with intervals, tests against the baseline and the calls behind each group
// (query/experiments/compare.ts).

const paramsSchema = z
  .object({
    by: z.string({ message: 'is required: the dimension whose values are compared, e.g. prompt_version' }).describe(`the dimension whose values are the groups: ${COMPARE_DIMENSIONS.join(', ')} or metadata.<key>`),
    feature: z.string().min(1, 'must not be empty').optional().describe('only the calls of this feature'),
    prompt: z
      .string()
      .min(1, 'must not be empty')
      .optional()
      .describe('only the calls of this prompt (its name): by=prompt_version compares its versions; without it, version 5 of every prompt in the range is one group'),
    values: z
      .union([z.string(), z.array(z.string())])
      .optional()
      .describe(
        `the groups, 2 to ${MAX_EXPERIMENT_GROUPS}: comma-separated, or the parameter repeated once per group (then a value may hold a comma); the first is the baseline unless baseline names another. Default: the groups with the most calls`,
      ),
    lowerIsBetter: z
      .union([z.string(), z.array(z.string())])
      .optional()
      .describe(`score names whose lower values are better (hallucination, toxicity...), comma-separated or repeated, at most ${MAX_DIRECTION_NAMES}`),
    higherIsBetter: z
      .union([z.string(), z.array(z.string())])
      .optional()
      .describe(
        `score names whose higher values are better, comma-separated or repeated, at most ${MAX_DIRECTION_NAMES}. The scores of Lookout's evaluators are higher-is-better unless named in lowerIsBetter; any other score's significant difference reads higher or lower, not better or worse`,
      ),
    baseline: z.string().min(1, 'must not be empty').optional().describe('the group the others are tested against; default: the first of values, else the group whose first call in the range came first'),
    limit: z
      .string()
      .regex(/^\d{1,2}$/, 'must be a whole number')
      .optional()
      .describe(`without values: how many groups, the most calls first (default ${DEFAULT_COMPARE_GROUPS}, 2 to ${MAX_EXPERIMENT_GROUPS})`),
    from: z.string().optional().describe(`start of the range (inclusive): an instant or a duration back from now ('7d'); default: ${DEFAULT_COMPARE_DAYS} days before \`to\`; at most ${MAX_COMPARE_DAYS} days`),
    to: z.string().optional().describe('end of the range (exclusive): an instant or a duration back from now; default: now'),
  })
  .strict();

export function registerExperimentRoutes(fastify: FastifyInstance, ctx: AppContext): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/api/v1/experiments/compare',
    {
      config: { scope: 'read' },
      schema: {
        summary: "Groups of a feature's calls (prompt versions, variants, models) side by side, with 95% intervals and significance tests against the baseline",
        description:
          'Per group: calls, cost and tokens per call, latency p50 and p95, error rate and each score name\'s mean, each with its 95% interval; against the baseline, each metric\'s test, p-value (Holm-adjusted over the table) and verdict, a warning where a figure rests on too few calls, and the trace-list filter of the calls behind it. The tests: docs/prompts.md#comparing-versions-the-statistics.',
        tags: ['analytics'],
        querystring: paramsSchema,
        response: { 200: comparisonResponseSchema, ...errorResponses },
      },
    },
    async (request) => {
      const project = requireScope(request, 'read');
      const q = request.query;
      const range = parseRange(q, Date.now(), { spanMs: DEFAULT_COMPARE_DAYS * DAY_MS });
      // Repeated, each parameter is one group, whole; given once, a comma-separated list.
      const values = q.values === undefined ? null : Array.isArray(q.values) ? q.values.map((v) => v.trim()).filter((v) => v !== '') : splitList(q.values);
      if (values !== null && values.length === 0) throw new AnalyticsInputError('values', 'name at least two groups, comma-separated');
      return compareGroups(ctx.store, project, {
        ...range,
        by: q.by.trim() as Dimension,
        feature: q.feature ?? null,
        prompt: q.prompt ?? null,
        values,
        baseline: q.baseline ?? null,
        limit: q.limit === undefined ? DEFAULT_COMPARE_GROUPS : Number(q.limit),
        lowerIsBetter: splitList(q.lowerIsBetter),
        higherIsBetter: splitList(q.higherIsBetter),
        // Disabled evaluators too: the scores they wrote keep their meaning.
        evaluatorScores: ctx.evaluators
          .list(project)
          .map((l) => l.evaluator)
          .filter(scoresBestHigh)
          .map((e) => e.name),
      });
    },
  );
}

// An evaluator whose scores Lookout defines as 1 for the best answer and 0 for the worst: every
// heuristic (1 = passed) and a judge on a shipped template. A judge on a template of its own says
// what its numbers mean in words Lookout does not read.
function scoresBestHigh(e: Evaluator): boolean {
  if (e.kind === 'heuristic') return true;
  return e.criterion !== 'custom' && e.judge?.template === undefined;
}
