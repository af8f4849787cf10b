import { COUNTER_INDEX, HOUR_MS, type CallGroup, type RollupReader } from '../../rollups/rollups.ts';
import {
  COUNTER_MEASURES,
  DISTRIBUTION_MEASURES,
  GAUGE_MEASURES,
  type CounterMeasure,
  type GaugeMeasure,
  type Operator,
  type Rule,
} from '../rules/schema.ts';

// F1: one rule over one project's data at one instant. Pure apart from reading its sources:
// the same inputs always give the same outcome, whatever the wall clock says.

export interface BudgetStatusLike {
  budget: { id: string; scope: string; period: string };
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

const NANO_PER_USD = 1e9;
// Signals no part of Lookout feeds yet (PII and injection detection come with the security
// pipeline): rules over them report "no data" instead of a reassuring zero.
export const UNFED_MEASURES: ReadonlySet<string> = new Set(['pii_detections', 'injection_attempts']);
const DEFAULT_ABSENCE_LOOKBACK_MS = HOUR_MS;

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

const isCounter = (m: string | undefined): m is CounterMeasure => m !== undefined && (COUNTER_MEASURES as readonly string[]).includes(m);
const isGauge = (m: string | undefined): m is GaugeMeasure => m !== undefined && (GAUGE_MEASURES as readonly string[]).includes(m);
const isScoreMeasure = (m: string | undefined) => m === 'score' || m === 'scores';

function counterValue(g: CallGroup, m: CounterMeasure): number {
  const v = g.cell.counters[COUNTER_INDEX[m]];
  return m === 'cost_usd' ? v / NANO_PER_USD : v;
}

// One value per group of a counter measure over [fromMs, toMs); scores come from score cells.
function counterGroups(sources: EvaluationSources, projectId: string, rule: Rule, measure: CounterMeasure, fromMs: number, toMs: number) {
  const q = { fromMs, toMs, filter: rule.query.filter, groupBy: rule.query.groupBy };
  if (measure === 'scores') {
    return sources.rollups.scores(projectId, q).map((g) => ({ labels: g.labels, value: g.cell.values.count, samples: g.cell.values.count }));
  }
  return sources.rollups.calls(projectId, q).map((g) => ({
    labels: g.labels,
    value: counterValue(g, measure),
    samples: g.cell.counters[COUNTER_INDEX.requests],
    group: g,
  }));
}

const groupKey = (labels: Record<string, string>) => JSON.stringify(Object.entries(labels).sort());

function outcome(rule: Rule, labels: Record<string, string>, value: number | null): GroupOutcome {
  if (value === null || !Number.isFinite(value)) return { labels, value: null, active: false };
  return { labels, value, active: rule.threshold === undefined ? false : compare(value, rule.op, rule.threshold) };
}

export function evaluateRule(rule: Rule, projectId: string, nowMs: number, sources: EvaluationSources): RuleOutcome {
  const q = rule.query;
  const windowMs = rule.window ?? 0;
  const fromMs = nowMs - windowMs;
  const minSamples = Math.max(rule.minSamples, 1);
  const done = (groups: GroupOutcome[]): RuleOutcome => ({ groups, noData: groups.every((g) => g.value === null) });

  if ([q.measure, q.numerator, q.denominator].some((m) => m !== undefined && UNFED_MEASURES.has(m))) return { groups: [], noData: true };
  switch (rule.kind) {
    case 'threshold':
    case 'rate': {
      const m = q.measure!;
      if (isGauge(m)) {
        const v = sources.gauge?.(m) ?? null;
        return done([outcome(rule, {}, v)]);
      }
      if ((DISTRIBUTION_MEASURES as readonly string[]).includes(m)) {
        return done(distributionGroups(rule, projectId, fromMs, nowMs, sources).map((g) => outcome(rule, g.labels, g.count >= minSamples ? g.mean : null)));
      }
      const seconds = windowMs / 1000;
      return done(
        counterGroups(sources, projectId, rule, m as CounterMeasure, fromMs, nowMs).map((g) => {
          if (rule.minSamples > 0 && g.samples < rule.minSamples) return outcome(rule, g.labels, null);
          return outcome(rule, g.labels, rule.kind === 'rate' ? g.value / seconds : g.value);
        }),
      );
    }
    case 'ratio': {
      const groups = sources.rollups.calls(projectId, { fromMs, toMs: nowMs, filter: q.filter, groupBy: q.groupBy });
      // With a look-back, only groups whose numerator was non-zero at some point in it count
      // (e.g. a cache hit rate only for models that use the cache at all).
      let used: Set<string> | null = null;
      if (rule.lookback !== undefined) {
        used = new Set();
        for (const g of sources.rollups.calls(projectId, { fromMs: fromMs - rule.lookback, toMs: nowMs, filter: q.filter, groupBy: q.groupBy })) {
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
        distributionGroups(rule, projectId, fromMs, nowMs, sources).map((g) =>
          outcome(rule, g.labels, g.count >= minSamples ? g.sketch.quantile(q.percentile! / 100) : null),
        ),
      );
    }
    case 'absence': {
      const lookbackMs = rule.lookback ?? DEFAULT_ABSENCE_LOOKBACK_MS;
      const seen = sources.rollups.lastSeen(projectId, q.groupBy, fromMs - lookbackMs);
      const filtered = seen.filter((s) => Object.entries(q.filter).every(([d, want]) => s.labels[d] === undefined || (Array.isArray(want) ? want.includes(s.labels[d]) : s.labels[d] === want)));
      // The value is the minutes since the group's last call; active once no call is in the window.
      return done(filtered.map((s) => ({ labels: s.labels, value: (nowMs - s.lastMs) / 60_000, active: s.lastMs < fromMs })));
    }
    case 'anomaly': {
      const m = q.measure as CounterMeasure;
      const current = counterGroups(sources, projectId, rule, m, fromMs, nowMs);
      const b = rule.baseline!;
      const history = new Map<string, number[]>();
      const periods: [number, number][] = [];
      if (b.kind === 'same_hour') {
        for (let d = 1; d <= b.days; d++) periods.push([fromMs - d * 86_400_000, nowMs - d * 86_400_000]);
      } else {
        // The look-back before the window, cut into window-sized periods.
        const lookback = b.lookback!;
        for (let t = fromMs - lookback; t + windowMs <= fromMs; t += windowMs) periods.push([t, t + windowMs]);
      }
      for (const [i, [pFrom, pTo]] of periods.entries()) {
        for (const g of counterGroups(sources, projectId, rule, m, pFrom, pTo)) {
          const k = groupKey(g.labels);
          const list = history.get(k) ?? new Array<number>(periods.length).fill(0);
          list[i] = g.value;
          history.set(k, list);
        }
      }
      return done(
        current.map((g) => {
          const past = history.get(groupKey(g.labels));
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
      const statuses = sources.budgets.statuses(projectId, nowMs).filter((s) => s.budget.scope === ref.scope && s.budget.period === ref.period && s.limitUsd > 0);
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

function distributionGroups(rule: Rule, projectId: string, fromMs: number, toMs: number, sources: EvaluationSources) {
  const q = rule.query;
  const range = { fromMs, toMs, filter: q.filter, groupBy: q.groupBy, distributions: true };
  if (isScoreMeasure(q.measure)) {
    return sources.rollups.scores(projectId, range).map((g) => {
      const sk = g.cell.values;
      return { labels: g.labels, sketch: sk, count: sk.count, mean: sk.mean() };
    });
  }
  return sources.rollups.calls(projectId, range).map((g) => {
    const sk = (q.measure === 'ttft_ms' ? g.cell.ttft : g.cell.latency)!; // query cells always carry sketches
    return { labels: g.labels, sketch: sk, count: sk.count, mean: sk.mean() };
  });
}
