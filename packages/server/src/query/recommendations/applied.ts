import { DAY_MS } from '../../domain/time.ts';
import type { AnalyticsRow } from '../contract.ts';
import type { ProjectId } from '../../store/project.ts';
import { averageUsage, costNanoOf, num, perMonth, priceCall, queryRows, rangeMs, str, USAGE_MEASURES } from './common.ts';
import type { RecommendationRange, RecommenderDeps } from './types.ts';

// A recommendation acted on: a feature whose calls moved from model X to a cheaper model Y of the
// same provider within the range. Day by day, the model carrying most of the feature's calls was
// X and, from some day on, is Y on every day with traffic. What moving saved is measured (cost per
// call before on X less cost per call after on Y, at the rate of calls since), and set against
// what a cheaper-model recommendation would have estimated from the calls before (X's tokens
// priced at Y).

export interface ModelSwitch {
  feature: string;
  provider: string;
  from: string;
  to: string;
  since: string; // ISO-8601, the start of the first UTC day Y carried
  callsBefore: number;
  callsAfter: number;
  daysBefore: number;
  daysAfter: number;
  costPerCallBeforeNano: number;
  costPerCallAfterNano: number;
  estimatedCostPerCallOnTargetNano: number;
  realisedMonthlyNano: number;
  estimatedMonthlyNano: number;
}

// Both sides need this many calls for the comparison to mean anything.
export const MIN_CALLS_EACH_SIDE = 10;

interface Day {
  startMs: number;
  byModel: Map<string, AnalyticsRow>;
  dominant: string;
}

export async function findSwitches(deps: RecommenderDeps, project: ProjectId, range: RecommendationRange): Promise<ModelSwitch[]> {
  const rows = await queryRows(deps, project, range, {
    measures: ['requests', 'unknown_cost_requests', 'cost', ...USAGE_MEASURES],
    groupBy: ['feature', 'provider', 'model'],
    bucket: 'day',
    filters: [{ dimension: 'kind', values: ['generation'] }],
  });
  const series = new Map<string, { feature: string; provider: string; days: Map<number, Day> }>();
  for (const row of rows) {
    const feature = str(row.feature);
    const provider = str(row.provider);
    const model = str(row.model);
    const bucket = str(row.bucket);
    if (feature === null || provider === null || model === null || bucket === null || num(row.requests) <= 0) continue;
    const key = `${feature}\u0000${provider}`;
    let s = series.get(key);
    if (!s) series.set(key, (s = { feature, provider, days: new Map() }));
    const startMs = Date.parse(bucket);
    let day = s.days.get(startMs);
    if (!day) s.days.set(startMs, (day = { startMs, byModel: new Map(), dominant: model }));
    day.byModel.set(model, row);
  }

  const { toMs } = rangeMs(range);
  const out: ModelSwitch[] = [];
  for (const s of series.values()) {
    const days = [...s.days.values()].sort((a, b) => a.startMs - b.startMs);
    for (const d of days) {
      let best = -1;
      for (const [model, row] of d.byModel) if (num(row.requests) > best) [best, d.dominant] = [num(row.requests), model];
    }
    const last = days.at(-1);
    if (!last) continue;
    let k = days.length - 1;
    while (k > 0 && days[k - 1].dominant === last.dominant) k--;
    if (k === 0) continue;
    const to = last.dominant;
    const from = days[k - 1].dominant;
    const before = sum(days.slice(0, k), from);
    const after = sum(days.slice(k), to);
    if (before.calls < MIN_CALLS_EACH_SIDE || after.calls < MIN_CALLS_EACH_SIDE || before.pricedCalls <= 0 || after.pricedCalls <= 0) continue;
    const costPerCallBefore = Math.round(before.costNano / before.pricedCalls);
    const costPerCallAfter = Math.round(after.costNano / after.pricedCalls);
    const onTarget = priceCall(deps, s.provider, to, averageUsage(before.tokens, before.calls), range.toUs);
    // Only a move to a cheaper model is a cheaper-model recommendation acted on.
    if (onTarget === null || onTarget >= costPerCallBefore) continue;
    const sinceMs = days[k].startMs;
    const daysBefore = (sinceMs - days[0].startMs) / DAY_MS;
    const daysAfter = (toMs - sinceMs) / DAY_MS;
    out.push({
      feature: s.feature,
      provider: s.provider,
      from,
      to,
      since: new Date(sinceMs).toISOString(),
      callsBefore: before.calls,
      callsAfter: after.calls,
      daysBefore,
      daysAfter,
      costPerCallBeforeNano: costPerCallBefore,
      costPerCallAfterNano: costPerCallAfter,
      estimatedCostPerCallOnTargetNano: onTarget,
      realisedMonthlyNano: perMonth((costPerCallBefore - costPerCallAfter) * after.calls, daysAfter),
      estimatedMonthlyNano: perMonth((costPerCallBefore - onTarget) * before.calls, daysBefore),
    });
  }
  return out;
}

function sum(days: Day[], model: string): { calls: number; pricedCalls: number; costNano: number; tokens: AnalyticsRow } {
  const tokens: AnalyticsRow = {};
  let calls = 0;
  let pricedCalls = 0;
  let costNano = 0;
  for (const d of days) {
    const row = d.byModel.get(model);
    if (!row) continue;
    calls += num(row.requests);
    pricedCalls += num(row.requests) - num(row.unknown_cost_requests);
    costNano += costNanoOf(row);
    for (const m of USAGE_MEASURES) tokens[m] = num(tokens[m]) + num(row[m]);
  }
  return { calls, pricedCalls, costNano, tokens };
}
