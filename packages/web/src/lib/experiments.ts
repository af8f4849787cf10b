import type { Schemas } from '@lookout/client';
import { count, ms, pct, usd } from '../format.ts';

// The Experiments page's address and how it writes the comparison's figures
// (GET /api/v1/experiments/compare, docs/prompts.md#comparing-versions-the-statistics).
// docs/web.md#the-experiments-page lists the parameters.

export type Comparison = Schemas['Comparison'];
export type ComparisonGroup = Comparison['groups'][number];
export type MetricSpec = Comparison['metrics'][number];
export type MetricCell = ComparisonGroup['metrics'][number];
export type Verdict = NonNullable<MetricCell['comparison']>['verdict'];

// The dimensions the form offers; any other the API compares works from the address.
export const OFFERED_DIMENSIONS = ['prompt_version', 'variant', 'prompt', 'model'] as const;
export const DEFAULT_DIMENSION = 'prompt_version';
export const MIN_GROUPS = 2;
export const MAX_GROUPS = 10;

export interface ExperimentAddress {
  feature: string | null;
  // Only this prompt's calls (its name): by=prompt_version then compares its versions.
  prompt: string | null;
  by: string;
  // null: the API's default, the groups with the most calls.
  values: string[] | null;
  baseline: string | null;
  // Score names whose higher (lower) values are better: their differences read better/worse.
  higherIsBetter: string[];
  lowerIsBetter: string[];
}

const list = (v: string | null) => (v === null ? [] : v.split(',').map((x) => x.trim()).filter((x) => x !== ''));

// The comparison the address asks for. The API checks the values (2 to 10, no repeats) and the
// score names: its message is what the page shows for a bad address.
export function readAddress(search: URLSearchParams): ExperimentAddress {
  const text = (name: string) => {
    const v = search.get(name)?.trim();
    return v ? v : null;
  };
  const values = text('values');
  return {
    feature: text('feature'),
    prompt: text('prompt'),
    by: text('by') ?? DEFAULT_DIMENSION,
    values: values === null ? null : list(values),
    baseline: text('baseline'),
    higherIsBetter: list(text('higherIsBetter')),
    lowerIsBetter: list(text('lowerIsBetter')),
  };
}

// The address's parameters for a comparison: null removes one (defaults are left out).
export function addressParams(a: ExperimentAddress): Record<string, string | null> {
  return {
    feature: a.feature,
    prompt: a.prompt,
    by: a.by === DEFAULT_DIMENSION ? null : a.by,
    values: a.values && a.values.length > 0 ? a.values.join(',') : null,
    baseline: a.baseline,
    higherIsBetter: a.higherIsBetter.length > 0 ? a.higherIsBetter.join(',') : null,
    lowerIsBetter: a.lowerIsBetter.length > 0 ? a.lowerIsBetter.join(',') : null,
  };
}

// The address with a score's better direction set (null: left to the API, i.e. to an evaluator of
// that name or unknown).
export function withDirection(a: ExperimentAddress, score: string, better: 'higher' | 'lower' | null): ExperimentAddress {
  const higher = a.higherIsBetter.filter((s) => s !== score);
  const lower = a.lowerIsBetter.filter((s) => s !== score);
  if (better === 'higher') higher.push(score);
  if (better === 'lower') lower.push(score);
  return { ...a, higherIsBetter: higher, lowerIsBetter: lower };
}

// Which way a metric's differences count as better, and why, in words.
export function directionText(spec: Pick<MetricSpec, 'better' | 'betterFrom'>): string {
  if (spec.better === null) return 'direction unknown: differences read higher or lower';
  const from = spec.betterFrom === 'parameter' ? ' (set in the address)' : spec.betterFrom === 'evaluator' ? " (the Lookout evaluator's scale)" : '';
  return `${spec.better} is better${from}`;
}

const tokens = (v: number) => v.toLocaleString('en-US', { maximumFractionDigits: 1 });

// A figure in its metric's unit; '—' when there is none.
export function metricValue(unit: MetricSpec['unit'], v: number | null): string {
  if (v === null) return '—';
  switch (unit) {
    case 'usd':
      return usd(v);
    case 'tokens':
      return tokens(v);
    case 'ms':
      return ms(v);
    case 'ratio':
      return pct(v, 1);
    case 'score':
      return v.toFixed(3);
  }
}

// The 95% interval; an end the data cannot bound is '—'.
export function intervalText(unit: MetricSpec['unit'], interval: MetricCell['interval']): string {
  if (interval === null) return '';
  return `95% CI ${metricValue(unit, interval.low)} – ${metricValue(unit, interval.high)}`;
}

// The difference relative to the baseline, signed: "−30.2%", "+4.0%".
export function relativeText(rel: number | null): string {
  if (rel === null) return '—';
  const text = pct(Math.abs(rel), 1);
  // Below what one decimal shows, no sign: "0.0%", not "−0.0%".
  if (text === pct(0, 1)) return text;
  return rel > 0 ? `+${text}` : `−${text}`;
}

// A p-value as it is read: two significant digits, below 0.0001 as a bound.
export function pText(p: number): string {
  if (p < 0.0001) return 'p < 0.0001';
  return `p = ${Number(p.toPrecision(2))}`;
}

export const VERDICT_TEXT: Record<Verdict, string> = {
  better: 'better',
  worse: 'worse',
  higher: 'higher',
  lower: 'lower',
  no_significant_difference: 'no significant difference',
  insufficient_data: 'too few values',
};
// neutral: a significant difference in a score whose better direction is unknown — neither good
// nor bad.
export const VERDICT_TONE: Record<Verdict, 'good' | 'bad' | 'neutral' | '' | 'warn'> = {
  better: 'good',
  worse: 'bad',
  higher: 'neutral',
  lower: 'neutral',
  no_significant_difference: '',
  insufficient_data: 'warn',
};
export const VERDICT_MARK: Record<Verdict, string> = {
  better: '✓',
  worse: '✗',
  higher: '↑',
  lower: '↓',
  no_significant_difference: '≈',
  insufficient_data: '?',
};

export const TEST_NAME: Record<NonNullable<MetricCell['comparison']>['test'], string> = {
  welch_t: "Welch's t-test",
  mann_whitney_u: 'Mann–Whitney U',
  quantile_exceedance_z: 'quantile exceedance test (z)',
  quantile_exceedance_fisher: "quantile exceedance test (Fisher's exact)",
  two_proportion_z: 'two-proportion z-test',
  fisher_exact: "Fisher's exact test",
};

// The test as it is named for its metric: the quantile exceedance test at the median is Mood's
// median test.
export function testName(metric: string, test: NonNullable<MetricCell['comparison']>['test']): string {
  if (metric === 'latency_p50' && test === 'quantile_exceedance_z') return "Mood's median test (z)";
  if (metric === 'latency_p50' && test === 'quantile_exceedance_fisher') return "Mood's median test (Fisher's exact)";
  return TEST_NAME[test];
}

// The calls of a group: the API's trace-list query as the address of /traces.
export function tracesHref(filter: Record<string, string>): string {
  return `/traces?${new URLSearchParams(filter)}`;
}

export const callsText = (n: number) => count(n);
