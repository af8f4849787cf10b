import { BASE_DIMENSIONS, dimensionProblem, metadataKeyOf, type Dimension, type Filter } from '../contract.ts';
import { AnalyticsInputError, validateRange } from '../validate.ts';
import { DAY_MS } from '../../domain/time.ts';
import {
  EXPERIMENT_SAMPLE_CAP,
  MAX_EXPERIMENT_GROUPS,
  type ExperimentGroupStats,
  type ExperimentReads,
  type Moments,
} from '../../store/experiments.ts';
import type { ProjectId } from '../../store/project.ts';
import {
  meanInterval,
  quantileInterval,
  quantileSorted,
  quantileTest,
  twoProportionTest,
  welchTest,
  wilsonInterval,
  holm,
  type Interval,
  type TestName,
  type TestResult,
} from './stats.ts';

// The experiments comparison (issue 23): groups of a feature's calls — prompt versions, variants,
// models — side by side over a range, each figure with its 95% interval and, against the
// baseline group, a test of the difference, its p-value adjusted across the whole table (Holm),
// and a verdict. docs/prompts.md#comparing-versions-the-statistics says which test and why.

export const MAX_COMPARE_DAYS = 92;
export const DEFAULT_COMPARE_DAYS = 7;
export const DEFAULT_COMPARE_GROUPS = 5;
export const CONFIDENCE_LEVEL = 0.95;
export const SIGNIFICANCE = 0.05;
// Below these many values a figure is flagged: the normal approximations behind the intervals
// and tests are rough, and one odd call moves the figure.
export const MIN_SAMPLE = { mean: 30, p50: 30, p95: 100, rate: 100 } as const;

// Dimensions that describe the calls' outcome or a person rather than what was tried are not
// compared; a tag is not one group per call.
const NOT_COMPARABLE = new Set<string>(['user', 'session', 'kind', 'status', 'error_class', 'finish_reason', 'tag']);
export const COMPARE_DIMENSIONS = BASE_DIMENSIONS.filter((d) => !NOT_COMPARABLE.has(d));

export type MetricUnit = 'usd' | 'tokens' | 'ms' | 'ratio' | 'score';
// better/worse: a significant difference in a metric whose better direction is known; higher/lower:
// a significant difference in a score whose direction is not known (Lookout does not guess it).
export type Verdict = 'better' | 'worse' | 'higher' | 'lower' | 'no_significant_difference' | 'insufficient_data';
// Where a metric's better direction comes from: the metric itself (cost, tokens, latency, errors),
// the request (lowerIsBetter / higherIsBetter), a Lookout evaluator of the score's name (its scores
// are 1 for the best answer, 0 for the worst), or nowhere (null: unknown).
export type DirectionSource = 'metric' | 'parameter' | 'evaluator';
// Score names a request may give a direction for, at most.
export const MAX_DIRECTION_NAMES = 50;

export interface MetricSpec {
  metric: string; // cost_per_call, ..., score:<name>
  label: string;
  unit: MetricUnit;
  // null: a score whose direction is not known; its significant differences read higher/lower.
  better: 'lower' | 'higher' | null;
  betterFrom: DirectionSource | null;
  // How the figure is estimated and its interval made, and how two groups' figures are tested.
  estimate: 'mean' | 'median' | 'p95' | 'proportion';
  minimumSample: number;
}

export interface MetricComparison {
  test: TestName;
  statistic: number;
  pValue: number;
  // Holm-adjusted over every test of the comparison; significant below SIGNIFICANCE.
  adjustedPValue: number;
  significant: boolean;
  // This group's figure minus the baseline's, and that over the baseline's (null when it is 0).
  difference: number | null;
  relativeDifference: number | null;
  // Of the difference, for means (Welch); null for the other figures.
  differenceInterval: Interval | null;
  verdict: Verdict;
}

export interface MetricCell {
  metric: string;
  n: number; // the values the figure rests on
  value: number | null;
  interval: Interval | null;
  // The figure rests on fewer than the metric's minimum sample.
  lowSample: boolean;
  warning: string | null;
  // Against the baseline; null in the baseline's own column.
  comparison: MetricComparison | null;
}

export interface ComparisonGroup {
  value: string;
  baseline: boolean;
  calls: number;
  errors: number;
  firstMs: number;
  lastMs: number;
  // The cells, in the order of Comparison.metrics.
  metrics: MetricCell[];
  // The latencies are a sample of the group's calls (EXPERIMENT_SAMPLE_CAP), not every one.
  latencySampled: boolean;
  latencySampleSize: number;
  warnings: string[];
  // The calls behind the numbers: the trace list's filter (GET /api/v1/traces, and the web UI's
  // /traces, take the same parameters), the same for the failed calls, and the newest traces.
  traces: Record<string, string>;
  errorTraces: Record<string, string>;
  sampleTraceIds: string[];
}

export interface Comparison {
  fromMs: number;
  toMs: number;
  by: string;
  feature: string | null;
  prompt: string | null;
  baseline: { value: string | null; chosenBy: 'baseline_parameter' | 'first_value' | 'earliest_first_call' };
  confidenceLevel: number;
  significanceLevel: number;
  correction: 'holm';
  metrics: MetricSpec[];
  groups: ComparisonGroup[];
  // What makes the whole comparison doubtful (calls of several prompts in one version's group).
  warnings: string[];
}

export interface CompareParams {
  fromMs: number;
  toMs: number;
  by: Dimension;
  feature: string | null;
  // Only the calls of this prompt (its name): a version number means something within one prompt.
  prompt: string | null;
  values: string[] | null;
  baseline: string | null;
  limit: number;
  // Score names whose lower / higher values are better, as the request gives them.
  lowerIsBetter: string[];
  higherIsBetter: string[];
  // Score names written by Lookout's own evaluators (1 = best): higher is better unless the request
  // says otherwise.
  evaluatorScores: string[];
}

const BASE_METRICS: MetricSpec[] = [
  { metric: 'cost_per_call', label: 'cost per call', unit: 'usd', better: 'lower', betterFrom: 'metric', estimate: 'mean', minimumSample: MIN_SAMPLE.mean },
  { metric: 'input_tokens_per_call', label: 'input tokens per call', unit: 'tokens', better: 'lower', betterFrom: 'metric', estimate: 'mean', minimumSample: MIN_SAMPLE.mean },
  { metric: 'output_tokens_per_call', label: 'output tokens per call', unit: 'tokens', better: 'lower', betterFrom: 'metric', estimate: 'mean', minimumSample: MIN_SAMPLE.mean },
  { metric: 'latency_p50', label: 'latency p50', unit: 'ms', better: 'lower', betterFrom: 'metric', estimate: 'median', minimumSample: MIN_SAMPLE.p50 },
  { metric: 'latency_p95', label: 'latency p95', unit: 'ms', better: 'lower', betterFrom: 'metric', estimate: 'p95', minimumSample: MIN_SAMPLE.p95 },
  { metric: 'error_rate', label: 'error rate', unit: 'ratio', better: 'lower', betterFrom: 'metric', estimate: 'proportion', minimumSample: MIN_SAMPLE.rate },
];

// Checks what the query string cannot: the dimension, the values, the range's length.
export function validateCompare(p: CompareParams): void {
  validateRange(p);
  if (p.toMs - p.fromMs > MAX_COMPARE_DAYS * DAY_MS) throw new AnalyticsInputError('from', `the range may span at most ${MAX_COMPARE_DAYS} days`);
  const problem = dimensionProblem(p.by);
  if (problem !== null) throw new AnalyticsInputError('by', problem);
  if (p.by === 'feature' && p.feature !== null) throw new AnalyticsInputError('feature', 'by=feature compares features: leave feature out');
  if (p.by === 'prompt' && p.prompt !== null) throw new AnalyticsInputError('prompt', 'by=prompt compares prompts: leave prompt out');
  if (NOT_COMPARABLE.has(p.by)) throw new AnalyticsInputError('by', `'${p.by}' cannot be compared; use one of ${COMPARE_DIMENSIONS.join(', ')} or metadata.<key>`);
  if (p.values !== null) {
    if (p.values.length < 2) throw new AnalyticsInputError('values', 'name at least two groups to compare, or none for the groups with the most calls');
    if (p.values.length > MAX_EXPERIMENT_GROUPS) throw new AnalyticsInputError('values', `at most ${MAX_EXPERIMENT_GROUPS} groups`);
    if (new Set(p.values).size !== p.values.length) throw new AnalyticsInputError('values', 'a group is named twice');
    if (p.baseline !== null && !p.values.includes(p.baseline)) throw new AnalyticsInputError('baseline', `'${p.baseline}' is not one of the values`);
  }
  const tooLong = (name: string, values: string[]) => {
    if (values.some((v) => v.length > 512)) throw new AnalyticsInputError(name, 'a value is at most 512 characters');
  };
  tooLong('values', p.values ?? []);
  tooLong('baseline', p.baseline === null ? [] : [p.baseline]);
  tooLong('feature', p.feature === null ? [] : [p.feature]);
  tooLong('prompt', p.prompt === null ? [] : [p.prompt]);
  for (const [name, list] of [['lowerIsBetter', p.lowerIsBetter], ['higherIsBetter', p.higherIsBetter]] as const) {
    if (list.length > MAX_DIRECTION_NAMES) throw new AnalyticsInputError(name, `at most ${MAX_DIRECTION_NAMES} score names`);
    tooLong(name, list);
  }
  const both = p.lowerIsBetter.find((n) => p.higherIsBetter.includes(n));
  if (both !== undefined) throw new AnalyticsInputError('lowerIsBetter', `score '${both}' is also in higherIsBetter: name it in one of them`);
  if (!Number.isInteger(p.limit) || p.limit < 2 || p.limit > MAX_EXPERIMENT_GROUPS) throw new AnalyticsInputError('limit', `must be a whole number from 2 to ${MAX_EXPERIMENT_GROUPS}`);
}

export async function compareGroups(store: ExperimentReads, project: ProjectId, p: CompareParams): Promise<Comparison> {
  validateCompare(p);
  const filters: Filter[] = [];
  if (p.feature !== null) filters.push({ dimension: 'feature', values: [p.feature] });
  if (p.prompt !== null) filters.push({ dimension: 'prompt', values: [p.prompt] });
  // The baseline is read even when the groups with the most calls leave it out.
  const stats = await store.experimentGroups(project, {
    fromMs: p.fromMs,
    toMs: p.toMs,
    by: p.by,
    filters,
    values: p.values,
    ...(p.values === null && p.baseline !== null ? { include: p.baseline } : {}),
    limit: p.limit,
    sampleCap: EXPERIMENT_SAMPLE_CAP,
  });
  return buildComparison(p, stats);
}

// The comparison of groups read from the store. A group's statistics over its 20,000 latencies
// take a few milliseconds; the event loop gets a turn between groups.
export async function buildComparison(p: CompareParams, stats: ExperimentGroupStats[]): Promise<Comparison> {
  const { baseline, chosenBy } = chooseBaseline(p, stats);
  // Baseline first, then as the store ordered them (the values' order, or most calls first).
  const ordered = baseline === null ? stats : [baseline, ...stats.filter((g) => g !== baseline)];
  const scoreNames = [...new Set(stats.flatMap((g) => g.scores.map((s) => s.name)))].sort();
  const metrics: MetricSpec[] = [
    ...BASE_METRICS,
    ...scoreNames.map((name): MetricSpec => ({ metric: `score:${name}`, label: `score ${name}`, unit: 'score', ...scoreDirection(p, name), estimate: 'mean', minimumSample: MIN_SAMPLE.mean })),
  ];

  const groups: ComparisonGroup[] = [];
  for (const g of ordered) {
    if (groups.length > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    const isBaseline = g === baseline;
    const cells = metrics.map((spec) => cellOf(spec, g, isBaseline || baseline === null ? null : baseline));
    const warnings = cells.filter((c) => c.warning !== null).map((c) => c.warning!);
    groups.push({
      value: g.value,
      baseline: isBaseline,
      calls: g.calls,
      errors: g.errors,
      firstMs: g.firstMs,
      lastMs: g.lastMs,
      metrics: cells,
      latencySampled: !g.latencyComplete,
      latencySampleSize: g.latencySample.length,
      warnings,
      traces: traceFilter(p, g.value),
      errorTraces: { ...traceFilter(p, g.value), status: 'error' },
      sampleTraceIds: g.sampleTraceIds,
    });
  }

  // Holm across every test in the table: the chance that any "significant" in it is a fluke stays
  // below SIGNIFICANCE.
  const tested = groups.flatMap((g) => g.metrics.filter((c) => c.comparison !== null && c.comparison.verdict !== 'insufficient_data'));
  const adjusted = holm(tested.map((c) => c.comparison!.pValue));
  tested.forEach((c, i) => {
    const cmp = c.comparison!;
    cmp.adjustedPValue = adjusted[i];
    cmp.significant = adjusted[i] < SIGNIFICANCE;
    const spec = metrics.find((m) => m.metric === c.metric)!;
    cmp.verdict = verdictOf(cmp, spec);
  });

  return {
    fromMs: p.fromMs,
    toMs: p.toMs,
    by: p.by,
    feature: p.feature,
    prompt: p.prompt,
    baseline: { value: baseline?.value ?? null, chosenBy },
    confidenceLevel: CONFIDENCE_LEVEL,
    significanceLevel: SIGNIFICANCE,
    correction: 'holm',
    metrics,
    groups,
    warnings: comparisonWarnings(p, ordered),
  };
}

// A significant difference is better or worse in the direction the metric prefers; in a score of
// unknown direction it is only higher or lower.
function verdictOf(cmp: MetricComparison, spec: MetricSpec): Verdict {
  if (!cmp.significant) return 'no_significant_difference';
  const higher = cmp.statistic > 0;
  if (spec.better === null) return higher ? 'higher' : 'lower';
  return higher === (spec.better === 'higher') ? 'better' : 'worse';
}

// Which way a score is better: as the request says, else higher for a Lookout evaluator's score,
// else unknown (a drop in 'hallucination' or 'toxicity' is good, in 'helpfulness' bad).
function scoreDirection(p: CompareParams, name: string): Pick<MetricSpec, 'better' | 'betterFrom'> {
  if (p.lowerIsBetter.includes(name)) return { better: 'lower', betterFrom: 'parameter' };
  if (p.higherIsBetter.includes(name)) return { better: 'higher', betterFrom: 'parameter' };
  if (p.evaluatorScores.includes(name)) return { better: 'higher', betterFrom: 'evaluator' };
  return { better: null, betterFrom: null };
}

// By prompt version without a prompt named, a group holding the calls of several prompts mixes
// their version numbers (version 5 of every prompt of the feature).
function comparisonWarnings(p: CompareParams, groups: ExperimentGroupStats[]): string[] {
  if (p.prompt !== null) return [];
  const mixed = groups.filter((g) => g.promptNames !== null && g.promptNames.count > 1);
  if (mixed.length === 0) return [];
  const example = mixed[0].promptNames!;
  const names = mixed.map((g) => `'${g.value}'`).join(', ');
  return [
    `${mixed.length === 1 ? `version ${names} holds` : `versions ${names} hold`} the calls of several prompts (${example.count} in '${mixed[0].value}', such as ${example.examples.map((n) => `'${n}'`).join(' and ')}): ` +
      'name one with prompt=<name> to compare its versions',
  ];
}

// The named baseline, else the first value named, else the group whose first call in the range
// came first (the incumbent a new version is tried against; ties: more calls).
function chooseBaseline(p: CompareParams, stats: ExperimentGroupStats[]): { baseline: ExperimentGroupStats | null; chosenBy: Comparison['baseline']['chosenBy'] } {
  if (p.baseline !== null) return { baseline: stats.find((g) => g.value === p.baseline) ?? null, chosenBy: 'baseline_parameter' };
  if (p.values !== null) return { baseline: stats.find((g) => g.value === p.values![0]) ?? null, chosenBy: 'first_value' };
  const earliest = [...stats].sort((a, b) => a.firstMs - b.firstMs || b.calls - a.calls)[0] ?? null;
  return { baseline: earliest, chosenBy: 'earliest_first_call' };
}

function momentsOf(spec: MetricSpec, g: ExperimentGroupStats): Moments {
  if (spec.metric === 'cost_per_call') return g.costUsd;
  if (spec.metric === 'input_tokens_per_call') return g.inputTokens;
  if (spec.metric === 'output_tokens_per_call') return g.outputTokens;
  const name = spec.metric.slice('score:'.length);
  return g.scores.find((s) => s.name === name) ?? { n: 0, mean: null, variance: null };
}

function cellOf(spec: MetricSpec, g: ExperimentGroupStats, base: ExperimentGroupStats | null): MetricCell {
  let n: number;
  let value: number | null;
  let interval: Interval | null;
  let test: TestResult | null = null;
  let difference: number | null = null;
  let differenceInterval: Interval | null = null;
  let baseValue: number | null = null;
  if (spec.estimate === 'mean') {
    const m = momentsOf(spec, g);
    n = m.n;
    value = m.mean;
    interval = meanInterval(m, CONFIDENCE_LEVEL);
    if (base !== null) {
      const bm = momentsOf(spec, base);
      baseValue = bm.mean;
      const w = welchTest(bm, m, CONFIDENCE_LEVEL);
      // Two constant groups: the difference is exact only if each rests on enough values; two
      // calls of the same cost each say nothing about the next call's.
      if (w !== null && !(w.constant && Math.min(bm.n, m.n) < spec.minimumSample)) {
        test = w;
        difference = w.difference;
        differenceInterval = w.interval;
      }
    }
  } else if (spec.estimate === 'proportion') {
    n = g.calls;
    value = g.calls > 0 ? g.errors / g.calls : null;
    interval = wilsonInterval(g.errors, g.calls, CONFIDENCE_LEVEL);
    if (base !== null) {
      baseValue = base.calls > 0 ? base.errors / base.calls : null;
      test = twoProportionTest(base.errors, base.calls, g.errors, g.calls);
    }
  } else {
    const q = spec.estimate === 'median' ? 0.5 : 0.95;
    n = g.latencySample.length;
    value = quantileSorted(g.latencySample, q);
    interval = quantileInterval(g.latencySample, q, CONFIDENCE_LEVEL);
    if (base !== null) {
      baseValue = quantileSorted(base.latencySample, q);
      // Mood's median test for p50, its generalisation to the 95th percentile for p95: each tests
      // the figure shown (a rank test would test stochastic dominance, not the median).
      test = quantileTest(base.latencySample, g.latencySample, q);
    }
  }
  if (difference === null && value !== null && baseValue !== null) difference = value - baseValue;
  const lowSample = n < spec.minimumSample;
  const warning = lowSample ? `${g.value}: ${spec.label} rests on ${n} value${n === 1 ? '' : 's'}, fewer than the ${spec.minimumSample} it needs to be read with confidence` : null;
  let comparison: MetricComparison | null = null;
  if (base !== null) {
    comparison = {
      test: test?.test ?? (spec.estimate === 'mean' ? 'welch_t' : spec.estimate === 'proportion' ? 'two_proportion_z' : 'quantile_exceedance_z'),
      statistic: test?.statistic ?? 0,
      pValue: test?.pValue ?? 1,
      adjustedPValue: test?.pValue ?? 1,
      significant: false,
      difference,
      relativeDifference: difference !== null && baseValue !== null && baseValue !== 0 ? difference / Math.abs(baseValue) : null,
      differenceInterval,
      verdict: test === null ? 'insufficient_data' : 'no_significant_difference',
    };
  }
  return { metric: spec.metric, n, value, interval, lowSample, warning, comparison };
}

// The trace list's filter for a group's calls (GET /api/v1/traces and /traces in the UI): the
// range, the feature, the prompt, and the group's value on its dimension.
export function traceFilter(p: Pick<CompareParams, 'fromMs' | 'toMs' | 'feature' | 'prompt' | 'by'>, value: string): Record<string, string> {
  const out: Record<string, string> = { from: new Date(p.fromMs).toISOString(), to: new Date(p.toMs).toISOString() };
  if (p.feature !== null) out.feature = p.feature;
  if (p.prompt !== null) out.prompt = p.prompt;
  const key = metadataKeyOf(p.by);
  if (key !== null) out.metadata = `${key}:${value}`;
  else out[TRACE_FILTER_OF[p.by] ?? p.by] = value;
  return out;
}

// The trace list's parameter for each column dimension that has another name there.
const TRACE_FILTER_OF: Record<string, string> = { user: 'userId', session: 'sessionId' };
