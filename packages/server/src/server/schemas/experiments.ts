import { z } from 'zod';
import type { Comparison } from '../../query/experiments/compare.ts';

// The experiments comparison as the API gives it (query/experiments/compare.ts): one column per
// group, the baseline first, each with one cell per metric in the order of `metrics`.

const TESTS = ['welch_t', 'mann_whitney_u', 'quantile_exceedance_z', 'quantile_exceedance_fisher', 'two_proportion_z', 'fisher_exact'] as const;
const VERDICTS = ['better', 'worse', 'higher', 'lower', 'no_significant_difference', 'insufficient_data'] as const;

const interval = z
  .object({
    low: z.number().nullable().describe('null: the data bound no end on this side'),
    high: z.number().nullable(),
  })
  .describe('the 95% confidence interval');

const metricSpecSchema = z.object({
  metric: z.string().describe('cost_per_call, input_tokens_per_call, output_tokens_per_call, latency_p50, latency_p95, error_rate, or score:<name>'),
  label: z.string(),
  unit: z.enum(['usd', 'tokens', 'ms', 'ratio', 'score']),
  better: z.enum(['lower', 'higher']).nullable().describe('which way a difference counts as better; null for a score whose direction is not known (its differences read higher or lower)'),
  betterFrom: z
    .enum(['metric', 'parameter', 'evaluator'])
    .nullable()
    .describe("where `better` comes from: the metric itself, the request's lowerIsBetter/higherIsBetter, or a Lookout evaluator of the score's name (1 = best); null when unknown"),
  estimate: z.enum(['mean', 'median', 'p95', 'proportion']),
  minimumSample: z.number().int().describe('a cell resting on fewer values carries a warning'),
});

const comparisonSchema = z
  .object({
    test: z
      .enum(TESTS)
      .describe('welch_t for means; quantile_exceedance_z or _fisher for p50 (the median test) and p95; two_proportion_z or fisher_exact for the error rate (mann_whitney_u is no longer given)'),
    statistic: z.number().describe("the test's statistic; positive when this group's figure is the larger"),
    pValue: z.number().describe('two-sided, before adjustment'),
    adjustedPValue: z.number().describe('Holm-adjusted over every test of the comparison'),
    significant: z.boolean().describe('adjustedPValue below significanceLevel'),
    difference: z.number().nullable().describe("this group's figure minus the baseline's"),
    relativeDifference: z.number().nullable().describe("difference over the baseline's figure (-0.3: 30% below); null when that is 0"),
    differenceInterval: interval.nullable().describe('of the difference, for means; null for the other figures'),
    verdict: z
      .enum(VERDICTS)
      .describe('better/worse: significant, in a metric whose better direction is known; higher/lower: significant, in a score whose direction is not; insufficient_data: a side has too few values to test'),
  })
  .describe('against the baseline');

const cellSchema = z.object({
  metric: z.string(),
  n: z.number().int().describe('the values the figure rests on'),
  value: z.number().nullable(),
  interval: interval.nullable(),
  lowSample: z.boolean().describe('fewer values than the metric\'s minimumSample'),
  warning: z.string().nullable(),
  comparison: comparisonSchema.nullable().describe("null in the baseline's own column"),
});

const groupSchema = z.object({
  value: z.string().describe("the group's value of `by`"),
  baseline: z.boolean(),
  calls: z.number().int(),
  errors: z.number().int(),
  firstMs: z.number().describe("the group's first call in the range, epoch ms"),
  lastMs: z.number(),
  metrics: z.array(cellSchema).describe('one cell per metric, in the order of `metrics`'),
  latencySampled: z.boolean().describe('the latency figures rest on a deterministic sample of the calls, not every one'),
  latencySampleSize: z.number().int(),
  warnings: z.array(z.string()).describe('the cells resting on too few values'),
  traces: z.record(z.string(), z.string()).describe("the group's calls: the query of GET /api/v1/traces and of the UI's /traces"),
  errorTraces: z.record(z.string(), z.string()).describe("the group's failed calls, likewise"),
  sampleTraceIds: z.array(z.string()).describe("the group's newest traces (/traces/<id>)"),
});

export const comparisonResponseSchema = z.object({
  fromMs: z.number(),
  toMs: z.number(),
  by: z.string(),
  feature: z.string().nullable(),
  prompt: z.string().nullable().describe('the prompt whose calls are compared, when asked'),
  baseline: z.object({
    value: z.string().nullable().describe('null when the baseline group has no calls in the range (then no group is tested)'),
    chosenBy: z.enum(['baseline_parameter', 'first_value', 'earliest_first_call']).describe('the baseline parameter, the first of values, or else the group whose first call in the range came first'),
  }),
  confidenceLevel: z.number(),
  significanceLevel: z.number(),
  correction: z.literal('holm'),
  metrics: z.array(metricSpecSchema),
  groups: z.array(groupSchema).describe('the baseline first'),
  warnings: z.array(z.string()).describe('what makes the whole comparison doubtful: by prompt_version without prompt, groups holding the calls of several prompts'),
}).meta({ id: 'Comparison' }) satisfies z.ZodType<Comparison>;
