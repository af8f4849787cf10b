import { durationMs } from '../../../domain/span.ts';
import { formatUsd, usdToNano } from '../../../domain/money.ts';
import { failed, notApplicable, passed, unusable, type Heuristic } from './verdict.ts';

// latency_slo and cost_slo: one call against the objective the evaluator sets for the calls it
// selects (its filter names the feature, model or application the objective is for).

export const latencySlo: Heuristic = (span, params) => {
  const max = params.maxLatencyMs;
  if (max === undefined) return unusable('a latency_slo evaluator needs maxLatencyMs');
  const ms = durationMs(span);
  return ms <= max ? passed(`the call took ${ms} ms, within ${max} ms`) : failed(`the call took ${ms} ms, over the ${max} ms objective`);
};

export const costSlo: Heuristic = (span, params) => {
  const max = params.maxCostUsd;
  if (max === undefined) return unusable('a cost_slo evaluator needs maxCostUsd');
  const nano = span.cost.totalNanoUsd;
  if (nano === null) return notApplicable(`the call's cost is unknown (cost status '${span.cost.status}')`);
  // Compared in integer nano-dollars, as costs are kept: no float rounding at the boundary.
  const maxNano = usdToNano(max);
  return nano <= maxNano ? passed(`the call cost ${formatUsd(nano)}, within ${formatUsd(maxNano)}`) : failed(`the call cost ${formatUsd(nano)}, over the ${formatUsd(maxNano)} objective`);
};
