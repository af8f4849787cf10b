import { nanoToUsd } from '../../domain/money.ts';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../../domain/time.ts';
import {
  COUNTER_INDEX,
  RollupRangeError,
  WorkBudget,
  type CallGroup,
  type RangeQuery,
  type RollupReader,
  type ScoreGroup,
} from '../../rollups/rollups.ts';
import { isCounterMeasure, isDistributionMeasure, isDriftMeasure, isGaugeMeasure, type CounterMeasure, type GaugeMeasure } from '../../domain/measures.ts';
import type { DriftReader } from '../../rollups/retrieval.ts';
import { driftValues } from './drift.ts';
import {
  type Dimension,
  type Operator,
  RULE_LIMITS,
  type Rule,
} from '../rules/schema.ts';

// F1: one rule over one project's data at one instant. Pure apart from reading its sources:
// the same inputs always give the same outcome, whatever the wall clock says.

export interface BudgetStatusLike {
  budget: { id: string; scope: string; period: string; setByMember?: true };
  subject: string | null;
  limitUsd: number;
  spentUsd: number;
  percent: number;
  forecastUsd: number;
}

export interface EvaluationSources {
  rollups: RollupReader;
  budgets?: { statuses(projectId: string, nowMs: number): BudgetStatusLike[] };
  // Instant values of the server; null: not measured (the rule reports no data).
  gauge?: (name: GaugeMeasure) => number | null;
  // D5: the rollups' retrieval and embedding drift cells; without them drift rules have no data.
  drift?: DriftReader;
}

export interface GroupOutcome {
  labels: Record<string, string>; // the group's dimension labels
  value: number | null; // null: no data for the group
  active: boolean; // the condition holds
}

export interface RuleOutcome {
  groups: GroupOutcome[];
  // True when nothing could be measured at all (e.g. a signal nobody feeds yet).
  noData: boolean;
}

const DEFAULT_ABSENCE_LOOKBACK_MS = HOUR_MS;
// One evaluation runs on the event loop: it reads at most this many rollup cells (a few ms of
// work, measured in evaluate.test.ts) and reports at most this many series.
export const MAX_CELLS_PER_EVALUATION = 100_000;
export const MAX_SERIES_PER_RULE = 10_000;

export function compare(value: number, op: Operator, threshold: number): boolean {
  switch (op) {
    case '>':
      return value > threshold;
    case '>=':
      return value >= threshold;
    case '<':
      return value < threshold;
    case '<=':
      return value <= threshold;
  }
}

const isScoreMeasure = (m: string | undefined) => m === 'score' || m === 'scores';

function counterValue(g: CallGroup, m: CounterMeasure): number {
  const v = g.cell.counters[COUNTER_INDEX[m]];
  return m === 'cost' ? nanoToUsd(v) : v;
}

// One value per group of a counter measure over [fromMs, toMs); scores come from score cells.
async function counterGroups(reader: Reader, rule: Rule, measure: CounterMeasure, fromMs: number, toMs: number) {
  const q = { fromMs, toMs, filter: rule.query.filter, groupBy: rule.query.groupBy };
  if (measure === 'scores') {
    return (await reader.scores(q)).map((g) => ({ key: groupKey(g.labels), labels: g.labels, value: g.cell.values.count, samples: g.cell.values.count }));
  }
  return (await reader.calls(q)).map((g) => ({
    key: g.key,
    labels: g.labels,
    value: counterValue(g, measure),
    samples: g.cell.counters[COUNTER_INDEX.requests],
  }));
}

const groupKey = (labels: Record<string, string>) => JSON.stringify(Object.entries(labels).sort());

function outcome(rule: Rule, labels: Record<string, string>, value: number | null): GroupOutcome {
  if (value === null || !Number.isFinite(value)) return { labels, value: null, active: false };
  return { labels, value, active: rule.threshold === undefined ? false : compare(value, rule.op, rule.threshold) };
}

// Hands the event loop back once a slice of work has run: a rule reads the rollups many times
// (an anomaly baseline once per period), and each read is bounded by the cell budget.
const SLICE_MS = 3;
async function yieldIfLong(slice: { startedMs: number }): Promise<void> {
  if (performance.now() - slice.startedMs < SLICE_MS) return;
  await new Promise<void>((resolve) => setImmediate(resolve));
  slice.startedMs = performance.now();
}

// The rollups as one evaluation reads them: within the cell and series budget, stepwise, with
// the event loop handed back between steps once a slice of work has run.
class Reader {
  readonly budget = new WorkBudget(MAX_CELLS_PER_EVALUATION, MAX_SERIES_PER_RULE);
  private readonly slice = { startedMs: performance.now() };
  private readonly sources: EvaluationSources;
  private readonly projectId: string;

  constructor(sources: EvaluationSources, projectId: string) {
    this.sources = sources;
    this.projectId = projectId;
  }

  async run<T>(steps: Generator<void, T>): Promise<T> {
    for (;;) {
      const next = steps.next();
      if (next.done) return next.value;
      await yieldIfLong(this.slice);
    }
  }

  calls(q: RangeQuery): Promise<CallGroup[]> {
    return this.run(this.sources.rollups.callSteps(this.projectId, { ...q, budget: this.budget }));
  }

  scores(q: RangeQuery): Promise<ScoreGroup[]> {
    return this.run(this.sources.rollups.scoreSteps(this.projectId, { ...q, budget: this.budget }));
  }

  lastSeen(groupBy: readonly Dimension[], sinceMs: number) {
    return this.run(this.sources.rollups.lastSeenSteps(this.projectId, groupBy, sinceMs, this.budget));
  }

  pause(): Promise<void> {
    return yieldIfLong(this.slice);
  }
}

export async function evaluateRule(rule: Rule, projectId: string, nowMs: number, sources: EvaluationSources): Promise<RuleOutcome> {
  const q = rule.query;
  const windowMs = rule.window ?? 0;
  const fromMs = nowMs - windowMs;
  const minSamples = Math.max(rule.minSamples, 1);
  const reader = new Reader(sources, projectId);
  const done = (groups: GroupOutcome[]): RuleOutcome => {
    if (groups.length > MAX_SERIES_PER_RULE) {
      throw new RollupRangeError(`the rule yields ${groups.length} series; at most ${MAX_SERIES_PER_RULE}: group or filter by fewer dimensions`);
    }
    return { groups, noData: groups.every((g) => g.value === null) };
  };

  switch (rule.kind) {
    case 'threshold':
    case 'rate': {
      const m = q.measure!;
      if (isGaugeMeasure(m)) {
        const v = sources.gauge?.(m) ?? null;
        return done([outcome(rule, {}, v)]);
      }
      if (isDriftMeasure(m)) {
        if (!sources.drift) return { groups: [], noData: true };
        const values = await driftValues(rule, m, { fromMs, toMs: nowMs }, sources.drift, reader.budget, (steps) => reader.run(steps), projectId);
        return done(values.map((v) => outcome(rule, v.labels, v.value)));
      }
      if (isDistributionMeasure(m)) {
        return done((await distributionGroups(rule, reader, fromMs, nowMs)).map((g) => outcome(rule, g.labels, g.count >= minSamples ? g.mean : null)));
      }
      const seconds = windowMs / 1000;
      return done(
        (await counterGroups(reader, rule, m as CounterMeasure, fromMs, nowMs)).map((g) => {
          if (rule.minSamples > 0 && g.samples < rule.minSamples) return outcome(rule, g.labels, null);
          return outcome(rule, g.labels, rule.kind === 'rate' ? g.value / seconds : g.value);
        }),
      );
    }
    case 'ratio': {
      const groups = await reader.calls({ fromMs, toMs: nowMs, filter: q.filter, groupBy: q.groupBy });
      // With a look-back, only groups whose numerator was non-zero at some point in it count
      // (e.g. a cache hit rate only for models that use the cache at all).
      let used: Set<string> | null = null;
      if (rule.lookback !== undefined) {
        used = new Set();
        for (const g of await reader.calls({ fromMs: fromMs - rule.lookback, toMs: nowMs, filter: q.filter, groupBy: q.groupBy })) {
          if (counterValue(g, q.numerator!) > 0) used.add(groupKey(g.labels));
        }
      }
      return done(
        groups.map((g) => {
          const den = counterValue(g, q.denominator!);
          if (den <= 0 || den < rule.minSamples || (used && !used.has(groupKey(g.labels)))) return outcome(rule, g.labels, null);
          return outcome(rule, g.labels, counterValue(g, q.numerator!) / den);
        }),
      );
    }
    case 'percentile': {
      return done(
        (await distributionGroups(rule, reader, fromMs, nowMs)).map((g) =>
          outcome(rule, g.labels, g.count >= minSamples ? g.sketch.quantile(q.percentile! / 100) : null),
        ),
      );
    }
    case 'absence': {
      const lookbackMs = rule.lookback ?? DEFAULT_ABSENCE_LOOKBACK_MS;
      const seen = await reader.lastSeen(q.groupBy, fromMs - lookbackMs);
      const filtered = seen.filter((s) => Object.entries(q.filter).every(([d, want]) => s.labels[d] === undefined || (Array.isArray(want) ? want.includes(s.labels[d]) : s.labels[d] === want)));
      // The value is the minutes since the group's last call; active once no call is in the window.
      return done(filtered.map((s) => ({ labels: s.labels, value: (nowMs - s.lastMs) / MINUTE_MS, active: s.lastMs < fromMs })));
    }
    case 'anomaly': {
      const m = q.measure as CounterMeasure;
      const current = await counterGroups(reader, rule, m, fromMs, nowMs);
      const b = rule.baseline!;
      const history = new Map<string, number[]>();
      const periods: [number, number][] = [];
      if (b.kind === 'same_hour') {
        for (let d = 1; d <= b.days; d++) periods.push([fromMs - d * DAY_MS, nowMs - d * DAY_MS]);
      } else {
        // The look-back before the window, cut into window-sized periods.
        const lookback = b.lookback!;
        // The schema bounds this; a rule built any other way must not loop for hours either.
        if (windowMs <= 0 || lookback / windowMs > RULE_LIMITS.maxBaselinePeriods) {
          throw new RollupRangeError(`a preceding baseline has at most ${RULE_LIMITS.maxBaselinePeriods} periods of the window`);
        }
        for (let t = fromMs - lookback; t + windowMs <= fromMs; t += windowMs) periods.push([t, t + windowMs]);
      }
      for (const [i, [pFrom, pTo]] of periods.entries()) {
        await reader.pause();
        for (const g of await counterGroups(reader, rule, m, pFrom, pTo)) {
          const k = g.key;
          const list = history.get(k) ?? new Array<number>(periods.length).fill(0);
          list[i] = g.value;
          history.set(k, list);
        }
      }
      return done(
        current.map((g) => {
          const past = history.get(g.key);
          if (!past) return { labels: g.labels, value: null, active: false };
          const mean = past.reduce((a, v) => a + v, 0) / past.length;
          const sd = Math.sqrt(past.reduce((a, v) => a + (v - mean) ** 2, 0) / past.length);
          if (mean <= 0) return { labels: g.labels, value: null, active: false };
          const floorOk = rule.threshold === undefined || compare(g.value, rule.op, rule.threshold);
          if (b.factor !== undefined) {
            const ratio = g.value / mean;
            return { labels: g.labels, value: ratio, active: floorOk && ratio > b.factor };
          }
          if (sd === 0) return { labels: g.labels, value: null, active: false };
          const z = (g.value - mean) / sd;
          return { labels: g.labels, value: z, active: floorOk && z > b.zScore! };
        }),
      );
    }
    case 'budget':
    case 'forecast': {
      if (!sources.budgets) return { groups: [], noData: true };
      const ref = rule.budget!;
      // A member's budget (setByMember) warns them; it never fires a rule, so never an action.
      const statuses = sources.budgets.statuses(projectId, nowMs).filter((s) => s.budget.scope === ref.scope && s.budget.period === ref.period && s.limitUsd > 0 && !s.budget.setByMember);
      return done(
        statuses.map((s) => {
          const labels: Record<string, string> = { budget_id: s.budget.id, scope: s.budget.scope, period: s.budget.period };
          if (s.subject) labels[ref.scope === 'project' ? 'subject' : ref.scope] = s.subject;
          const value = rule.kind === 'budget' ? s.percent : (s.forecastUsd / s.limitUsd) * 100;
          return outcome(rule, labels, value);
        }),
      );
    }
  }
}

async function distributionGroups(rule: Rule, reader: Reader, fromMs: number, toMs: number) {
  const q = rule.query;
  const range = { fromMs, toMs, filter: q.filter, groupBy: q.groupBy, distributions: true };
  if (isScoreMeasure(q.measure)) {
    return (await reader.scores(range)).map((g) => {
      const sk = g.cell.values;
      return { labels: g.labels, sketch: sk, count: sk.count, mean: sk.mean() };
    });
  }
  return (await reader.calls(range)).map((g) => {
    const sk = (q.measure === 'ttft_ms' ? g.cell.ttft : g.cell.latency)!; // query cells always carry sketches
    return { labels: g.labels, sketch: sk, count: sk.count, mean: sk.mean() };
  });
}
