import { z } from 'zod';
import { DAY_MS, formatDuration, HOUR_MS, readDuration } from '../../domain/time.ts';
import {
  canonicalRuleMeasure,
  COUNTER_MEASURES,
  DISTRIBUTION_MEASURES,
  isCounterMeasure,
  isDistributionMeasure,
  isDriftMeasure,
  isGaugeMeasure,
  MEASURE_ALIASES,
  RULE_MEASURES,
} from '../../domain/measures.ts';

// F1: what an alert rule is, for rule files (YAML) and the API alike. Rules are evaluated by the
// engine (alerts/engine/) over the per-minute rollups (rollups/), the budget book (budgets/) and
// a few gauges of the server itself.

export const SEVERITIES = ['info', 'warning', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];
export const CATEGORIES = ['cost', 'performance', 'availability', 'quality', 'security'] as const;
export type Category = (typeof CATEGORIES)[number];

// The measures a rule may use (counters a window sums, distributions percentile rules read,
// gauges of the server itself) are named in the shared catalog, domain/measures.ts.

// What a rule may filter on and group by. `score_name` applies to the score measures only, which
// group by score_name, feature, model and application (of the scored trace).
export const DIMENSIONS = ['provider', 'model', 'feature', 'team', 'application', 'score_name'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export const RULE_KINDS = ['threshold', 'rate', 'ratio', 'percentile', 'absence', 'anomaly', 'budget', 'forecast'] as const;
export type RuleKind = (typeof RULE_KINDS)[number];

export const OPERATORS = ['>', '>=', '<', '<='] as const;
export type Operator = (typeof OPERATORS)[number];

// What one rule may ask of the rollups (rollups/rollups.ts). They keep minute cells for 2 hours
// and hour cells for 8 days (by feature or team, 26 hours), so no rule can see further back than
// that: a rule that reaches further is refused rather than silently reading zeros. The other
// bounds keep the work of one evaluation small (it runs on the event loop) and the state small.
export const RULE_LIMITS = {
  // window + look-back (or window + days of a same-hour baseline): the hour cells' retention.
  maxReachMs: 8 * DAY_MS,
  // Hour cells by feature and team are kept 26 hours; a whole hour is read from them.
  maxDetailReachMs: 24 * HOUR_MS,
  minWindowMs: 1_000,
  // A preceding baseline is cut into window-sized periods; each is a read of the rollups.
  maxBaselinePeriods: 168,
  maxForMs: 30 * DAY_MS,
  maxCooldownMs: 30 * DAY_MS,
  maxMinSamples: 1_000_000_000,
  maxFilterValues: 100,
  maxValueChars: 512,
  maxLabels: 30,
  maxLabelValueChars: 1_024,
  maxAnnotations: 20,
  maxAnnotationChars: 4_096,
} as const;
const DETAIL_DIMENSIONS: readonly string[] = ['feature', 'team'];

// Written as text (docs/api.md "Times and durations"), held in milliseconds, and written back
// as text by ruleToWire.
const duration = (what: string) =>
  z.string({ error: `${what} must be a duration such as 30s, 5m, 1h30m or 7d` }).transform((text, ctx) => {
    const ms = readDuration(text);
    if (typeof ms === 'string') {
      ctx.addIssue({ code: 'custom', message: ms });
      return z.NEVER;
    }
    return ms;
  });

// Older spellings (MEASURE_ALIASES) are read as the canonical name before the check, so a parsed
// rule only ever carries canonical names; the document and the messages list those only.
const canonical = (v: unknown) => (typeof v === 'string' ? canonicalRuleMeasure(v) : v);
const OLD_SPELLINGS = `older spellings are accepted and read as these names: ${Object.entries(MEASURE_ALIASES).map(([old, name]) => `${old} (${name})`).join(', ')}`;
const measure = z
  .preprocess(canonical, z.enum(RULE_MEASURES, { error: (i) => `unknown measure ${JSON.stringify(i.input)}; one of: ${RULE_MEASURES.join(', ')}` }))
  .describe(`a measure (docs/alerts.md); ${OLD_SPELLINGS}`);
const counterMeasure = z
  .preprocess(
    canonical,
    z.enum(COUNTER_MEASURES, { error: (i) => `${JSON.stringify(i.input)} is not a counter measure; one of: ${COUNTER_MEASURES.join(', ')}` }),
  )
  .describe(`a counter measure (docs/alerts.md); ${OLD_SPELLINGS}`);
const dimension = z.enum(DIMENSIONS, { error: (i) => `unknown dimension ${JSON.stringify(i.input)}; one of: ${DIMENSIONS.join(', ')}` });
const labelName = z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'a label name is letters, digits and _ and does not start with a digit');

export const querySchema = z
  .object({
    measure: measure.optional(),
    // ratio: numerator / denominator, both counters over the same window and groups.
    numerator: counterMeasure.optional(),
    denominator: counterMeasure.optional(),
    // percentile: 0 < p < 100.
    percentile: z.number().gt(0).lt(100).optional(),
    filter: z
      .partialRecord(
        dimension,
        z.union([
          z.string().min(1).max(RULE_LIMITS.maxValueChars),
          z.array(z.string().min(1).max(RULE_LIMITS.maxValueChars)).min(1).max(RULE_LIMITS.maxFilterValues),
        ]),
      )
      .default({}),
    groupBy: z.array(dimension).max(DIMENSIONS.length).default([]),
  })
  .strict();

export const baselineSchema = z
  .object({
    // same_hour: the same hour of day over the last `days` days (seed 002's cost baseline);
    // preceding: the `lookback` right before the window (seed 002's token spike).
    kind: z.enum(['same_hour', 'preceding']),
    days: z.number().int().min(1).max(7).default(7),
    lookback: duration('baseline.lookback').optional(),
    // Fire when current > factor × baseline, or when (current - mean) / stddev > zScore.
    factor: z.number().positive().optional(),
    zScore: z.number().positive().optional(),
  })
  .strict();

export const budgetRefSchema = z
  .object({
    scope: z.enum(['project', 'team', 'department', 'user']),
    period: z.enum(['daily', 'monthly']),
  })
  .strict();

export const ruleSchemaBase = z
  .object({
    name: z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'a rule name is letters, digits and _ and starts with a letter (it becomes the alertname label)'),
    // Unique within the project; by default `<name>` or `<name>:<severity>` when a name has levels.
    id: z.string().regex(/^[A-Za-z0-9_.:-]+$/).max(128).optional(),
    kind: z.enum(RULE_KINDS, { error: (i) => `unknown kind ${JSON.stringify(i.input)}; one of: ${RULE_KINDS.join(', ')}` }),
    query: querySchema.default({ filter: {}, groupBy: [] }),
    // The window a counter is summed over, a percentile taken over, or (absence) with no calls.
    window: duration('window').optional(),
    // absence: only fire for groups that had calls within this look-back before the window.
    lookback: duration('lookback').optional(),
    op: z.enum(OPERATORS).default('>'),
    threshold: z.number({ error: 'threshold must be a number' }).optional(),
    baseline: baselineSchema.optional(),
    budget: budgetRefSchema.optional(),
    for: duration('for').default(0),
    // seed 004's debounce: fewer events than this in the window is "no data", not an alert.
    minSamples: z.number().int().min(0).max(RULE_LIMITS.maxMinSamples).default(0),
    // seed 004's debounce: after a resolve, the same alert does not fire again for this long.
    cooldown: duration('cooldown').default(0),
    severity: z.enum(SEVERITIES),
    category: z.enum(CATEGORIES),
    labels: z.record(labelName, z.string().max(RULE_LIMITS.maxLabelValueChars)).default({}),
    annotations: z
      .object({ summary: z.string().min(1).max(RULE_LIMITS.maxAnnotationChars), description: z.string().max(RULE_LIMITS.maxAnnotationChars).default('') })
      .catchall(z.string().max(RULE_LIMITS.maxAnnotationChars))
      .optional(),
    runbook: z.string().min(1).max(2_048).optional(),
    enabled: z.boolean().default(true),
  })
  .strict();

export const ruleSchema = ruleSchemaBase.superRefine((rule, ctx) => {
  const need = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: path.split('.'), message });
  const q = rule.query;
  const windowed = rule.kind !== 'budget' && rule.kind !== 'forecast' && !isGaugeMeasure(q.measure);
  if (windowed && rule.window === undefined) need('window', `a ${rule.kind} rule needs a window, e.g. window: 5m`);
  if (rule.kind !== 'absence' && rule.kind !== 'anomaly' && rule.threshold === undefined) need('threshold', `a ${rule.kind} rule needs a threshold`);
  switch (rule.kind) {
    case 'threshold':
    case 'rate':
      if (!q.measure) need('query.measure', `a ${rule.kind} rule needs query.measure`);
      if (rule.kind === 'rate' && q.measure && !isCounterMeasure(q.measure)) {
        need('query.measure', `a rate rule needs a counter measure; '${q.measure}' is not one`);
      }
      break;
    case 'ratio':
      if (!q.numerator) need('query.numerator', 'a ratio rule needs query.numerator (a counter measure)');
      if (!q.denominator) need('query.denominator', 'a ratio rule needs query.denominator (a counter measure)');
      break;
    case 'percentile':
      if (!isDistributionMeasure(q.measure)) {
        need('query.measure', `a percentile rule needs a distribution measure: ${DISTRIBUTION_MEASURES.join(', ')}`);
      }
      if (q.percentile === undefined) need('query.percentile', 'a percentile rule needs query.percentile, e.g. 95');
      break;
    case 'absence':
      if (q.measure && !isCounterMeasure(q.measure)) need('query.measure', 'an absence rule counts a counter measure');
      break;
    case 'anomaly':
      if (!isCounterMeasure(q.measure)) need('query.measure', 'an anomaly rule needs a counter measure');
      if (!rule.baseline) need('baseline', 'an anomaly rule needs a baseline (kind same_hour or preceding, with factor or zScore)');
      else {
        if (rule.baseline.factor === undefined && rule.baseline.zScore === undefined) need('baseline', 'a baseline needs factor or zScore');
        if (rule.baseline.kind === 'preceding' && rule.baseline.lookback === undefined) need('baseline.lookback', 'a preceding baseline needs a lookback, e.g. 1h');
      }
      break;
    case 'budget':
    case 'forecast':
      if (!rule.budget) need('budget', `a ${rule.kind} rule needs budget: { scope: project|team|department|user, period: daily|monthly }`);
      break;
  }
  checkBounds(rule, need);
  const scoreDims = q.groupBy.includes('score_name') || q.filter.score_name !== undefined;
  const isScore = q.measure === 'score' || q.measure === 'scores';
  if (scoreDims && !isScore) need('query.groupBy', 'score_name applies to the score measures only');
  // Score cells are keyed by what the scored trace ran as (rollups/rollups.ts, SCORE_DIMENSIONS).
  const scoreDimension = (d: string) => d === 'score_name' || d === 'feature' || d === 'model' || d === 'application';
  if (isScore && q.groupBy.some((d) => !scoreDimension(d))) need('query.groupBy', 'score measures group by score_name, feature, model and application only');
  if (isScore && Object.keys(q.filter).some((d) => !scoreDimension(d))) need('query.filter', 'score measures filter by score_name, feature, model and application only');
  // D5: the drift cells are kept per feature only.
  if (isDriftMeasure(q.measure)) {
    if (rule.kind !== 'threshold') need('kind', `${q.measure} is read by threshold rules only`);
    if ([...q.groupBy, ...Object.keys(q.filter)].some((d) => d !== 'feature')) need('query.groupBy', `${q.measure} groups and filters by feature only`);
    if (q.measure === 'retrieval_score_psi' && rule.lookback === undefined) need('lookback', 'retrieval_score_psi compares the window with a baseline: give lookback, the period right before the window, e.g. 23h');
  }
});

// How far back a rule reads: the window plus whatever it compares the window with.
export function ruleReachMs(rule: { kind: RuleKind; window?: number; lookback?: number; baseline?: { kind: string; days: number; lookback?: number } }): number {
  const windowMs = rule.window ?? 0;
  if (rule.kind === 'anomaly' && rule.baseline) {
    return windowMs + (rule.baseline.kind === 'same_hour' ? rule.baseline.days * DAY_MS : (rule.baseline.lookback ?? 0));
  }
  if (rule.kind === 'absence') return windowMs + (rule.lookback ?? HOUR_MS);
  return windowMs + (rule.lookback ?? 0);
}

function checkBounds(rule: z.output<typeof ruleSchemaBase>, need: (path: string, message: string) => void): void {
  const at = (ms: number) => formatDuration(ms);
  if (rule.window !== undefined && rule.window < RULE_LIMITS.minWindowMs) need('window', `at least ${at(RULE_LIMITS.minWindowMs)}`);
  if (rule.for > RULE_LIMITS.maxForMs) need('for', `at most ${at(RULE_LIMITS.maxForMs)}`);
  if (rule.cooldown > RULE_LIMITS.maxCooldownMs) need('cooldown', `at most ${at(RULE_LIMITS.maxCooldownMs)}`);
  if (Object.keys(rule.labels).length > RULE_LIMITS.maxLabels) need('labels', `at most ${RULE_LIMITS.maxLabels} labels`);
  if (rule.annotations && Object.keys(rule.annotations).length > RULE_LIMITS.maxAnnotations) need('annotations', `at most ${RULE_LIMITS.maxAnnotations} annotations`);
  const reach = ruleReachMs(rule);
  const b = rule.baseline;
  const field = rule.kind === 'anomaly' && b ? (b.kind === 'same_hour' ? 'baseline.days' : 'baseline.lookback') : rule.lookback !== undefined ? 'lookback' : 'window';
  if (reach > RULE_LIMITS.maxReachMs) {
    need(
      field,
      `the window and look-back together reach at most ${at(RULE_LIMITS.maxReachMs)}: hour rollups are kept for 8 days`,
    );
  } else {
    const q = rule.query;
    // Score cells by feature are kept as long as the others (8 days).
    const scoreRule = q.measure === 'score' || q.measure === 'scores';
    const detail = scoreRule ? [] : [...q.groupBy, ...Object.keys(q.filter)].filter((d) => DETAIL_DIMENSIONS.includes(d));
    if (detail.length > 0 && reach > RULE_LIMITS.maxDetailReachMs) {
      need(field, `grouping or filtering by ${detail.join(', ')}, the window and look-back together reach at most ${at(RULE_LIMITS.maxDetailReachMs)}: those hour rollups are kept for 26 hours`);
    }
  }
  // With the reach within bounds (one error per field is enough), the number of periods.
  if (reach <= RULE_LIMITS.maxReachMs && rule.kind === 'anomaly' && b?.kind === 'preceding' && b.lookback !== undefined && rule.window !== undefined && rule.window > 0) {
    const periods = Math.floor(b.lookback / rule.window);
    if (periods > RULE_LIMITS.maxBaselinePeriods) {
      need('baseline.lookback', `a preceding baseline has at most ${RULE_LIMITS.maxBaselinePeriods} periods of the window (lookback / window); this one has ${periods}: use a longer window or a shorter lookback`);
    }
    if (periods < 1) need('baseline.lookback', 'must be at least as long as the window');
  }
}

export type RuleInput = z.input<typeof ruleSchema>;
export type Rule = z.output<typeof ruleSchema> & { id: string };

export const ruleFileSchema = z.object({ rules: z.array(z.unknown()) }).strict();

// The default id: the name, with the severity appended when the same name has several levels.
export function ruleIdOf(rule: z.output<typeof ruleSchema>, nameHasLevels: boolean): string {
  return rule.id ?? (nameHasLevels ? `${rule.name}:${rule.severity}` : rule.name);
}
