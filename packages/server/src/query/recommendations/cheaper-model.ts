import type { AnalyticsRow } from '../contract.ts';
import type { SpanFilter } from '../../store/span-reads.ts';
import { findSwitches, type ModelSwitch } from './applied.ts';
import {
  averageUsage,
  costNanoOf,
  count,
  fmtDays,
  idPart,
  num,
  perMonth,
  priceCall,
  queryRows,
  rangeDays,
  topWithSamples,
  str,
  USAGE_MEASURES,
  usd,
} from './common.ts';
import type { Confidence, Recommendation, Recommender } from './types.ts';

// A feature that runs on model X while a cheaper model Y of the same provider does as well on it:
// Y's mean quality score on the feature's calls is at least X's less QUALITY_MARGIN, with enough
// scored calls on both. The saving is what the feature's calls on X cost less the same tokens at
// Y's prices. Where the feature has no scores to compare, the saving is still shown, with low
// confidence and a text that says quality is unknown.

// Scores run 0..1 in the evaluators Lookout ships; 0.05 is five points on a percentage scale.
export const QUALITY_MARGIN = 0.05;
// Fewer scored calls than this on either model leave the comparison to chance.
export const MIN_SCORED_CALLS = 20;
// Scored calls on both models from which a comparison within the margin counts as high confidence.
export const HIGH_CONFIDENCE_SCORED_CALLS = 100;
// A feature with fewer calls on X in the range is too small to recommend anything for.
export const MIN_CALLS = 10;
// Each candidate is priced for every feature, so the candidates per provider are bounded.
export const MAX_CANDIDATE_MODELS = 20;

interface Group {
  feature: string;
  provider: string;
  model: string;
  calls: number;
  pricedCalls: number;
  costNano: number;
  row: AnalyticsRow;
  scoreAvg: number | null;
  scored: number;
}

function groupsOf(rows: AnalyticsRow[]): Group[] {
  const out: Group[] = [];
  for (const row of rows) {
    const feature = str(row.feature);
    const provider = str(row.provider);
    const model = str(row.model);
    if (feature === null || provider === null || model === null) continue;
    const calls = num(row.requests);
    out.push({
      feature,
      provider,
      model,
      calls,
      pricedCalls: calls - num(row.unknown_cost_requests),
      costNano: costNanoOf(row),
      row,
      scoreAvg: typeof row.score_avg === 'number' ? row.score_avg : null,
      scored: num(row.score_count),
    });
  }
  return out;
}

interface Candidate {
  target: Group | { model: string; scoreAvg: null; scored: 0 };
  costPerCallOnTarget: number;
  savingsNano: number;
}

export const cheaperModel: Recommender = async (deps, project, range) => {
  // Generations only: an embedding model of the same provider is no replacement for a chat model
  // (nor the other way round), however cheap its tokens.
  const rows = await queryRows(deps, project, range, {
    measures: ['requests', 'unknown_cost_requests', 'cost', ...USAGE_MEASURES, 'score_avg', 'score_count'],
    groupBy: ['feature', 'provider', 'model'],
    filters: [{ dimension: 'kind', values: ['generation'] }],
  });
  const groups = groupsOf(rows);
  const days = rangeDays(range);
  const switches = await findSwitches(deps, project, range);
  const found: Found[] = [];
  const applied = switches.map(appliedRecommendation);
  const switched = new Set(switches.map((s) => `${s.feature}\u0000${s.provider}\u0000${s.from}`));

  // The models a provider serves in the project, the busiest MAX_CANDIDATE_MODELS of them, are the
  // candidates for that provider's features.
  const callsByModel = new Map<string, Map<string, number>>();
  const byKey = new Map<string, Group>();
  for (const g of groups) {
    const models = callsByModel.get(g.provider) ?? callsByModel.set(g.provider, new Map()).get(g.provider)!;
    models.set(g.model, (models.get(g.model) ?? 0) + g.calls);
    byKey.set(`${g.feature}\u0000${g.provider}\u0000${g.model}`, g);
  }
  const modelsByProvider = new Map(
    [...callsByModel].map(([provider, models]) => [provider, [...models].sort((a, b) => b[1] - a[1]).slice(0, MAX_CANDIDATE_MODELS).map(([m]) => m)]),
  );

  for (const x of groups) {
    if (x.calls < MIN_CALLS || x.pricedCalls <= 0 || x.costNano <= 0) continue;
    if (switched.has(`${x.feature}\u0000${x.provider}\u0000${x.model}`)) continue;
    const usage = averageUsage(x.row, x.calls);
    const costPerCallOnX = Math.round(x.costNano / x.pricedCalls);
    const candidates: Candidate[] = [];
    for (const model of modelsByProvider.get(x.provider) ?? []) {
      if (model === x.model) continue;
      const onTarget = priceCall(deps, x.provider, model, usage, range.toUs);
      if (onTarget === null || onTarget >= costPerCallOnX) continue;
      const sameFeature = byKey.get(`${x.feature}\u0000${x.provider}\u0000${model}`);
      candidates.push({
        target: sameFeature ?? { model, scoreAvg: null, scored: 0 },
        costPerCallOnTarget: onTarget,
        savingsNano: (costPerCallOnX - onTarget) * x.calls,
      });
    }
    candidates.sort((a, b) => b.savingsNano - a.savingsNano);

    // The biggest saving whose quality is shown to hold; failing that, the biggest one whose
    // quality is unknown. A model measured and found worse is never recommended.
    let chosen: { c: Candidate; confidence: Confidence; reason: string } | null = null;
    let unknown: Candidate | null = null;
    for (const c of candidates) {
      const compared = x.scored >= MIN_SCORED_CALLS && c.target.scored >= MIN_SCORED_CALLS && x.scoreAvg !== null && c.target.scoreAvg !== null;
      if (!compared) {
        unknown ??= c;
        continue;
      }
      if ((c.target.scoreAvg as number) < (x.scoreAvg as number) - QUALITY_MARGIN) continue;
      const many = Math.min(x.scored, c.target.scored) >= HIGH_CONFIDENCE_SCORED_CALLS;
      chosen = {
        c,
        confidence: many ? 'high' : 'medium',
        reason:
          `mean score ${fmtScore(c.target.scoreAvg)} on ${c.target.model} (${count(c.target.scored)} scores) vs ${fmtScore(x.scoreAvg)} on ${x.model} ` +
          `(${count(x.scored)} scores), within the ${QUALITY_MARGIN} margin` +
          (many ? '' : `; fewer than ${HIGH_CONFIDENCE_SCORED_CALLS} scores on one of them`),
      };
      break;
    }
    if (chosen === null && unknown !== null) {
      const missing = [x.scored < MIN_SCORED_CALLS ? x.model : null, unknown.target.scored < MIN_SCORED_CALLS ? unknown.target.model : null].filter((m) => m !== null);
      chosen = {
        c: unknown,
        confidence: 'low',
        reason: `no quality scores to compare: fewer than ${MIN_SCORED_CALLS} scored calls of '${x.feature}' on ${missing.join(' and ')}`,
      };
    }
    if (chosen === null) continue;
    found.push(recommendation(days, x, usage, costPerCallOnX, chosen.c, chosen.confidence, chosen.reason));
  }
  return [...(await topWithSamples(deps, project, range, applied)), ...(await topWithSamples(deps, project, range, found))];
};

type Found = { rec: Recommendation; calls: SpanFilter };

function recommendation(
  days: number,
  x: Group,
  usage: ReturnType<typeof averageUsage>,
  costPerCallOnX: number,
  c: Candidate,
  confidence: Confidence,
  confidenceReason: string,
): Found {
  const y = c.target.model;
  const monthly = perMonth(c.savingsNano, days);
  const quality =
    confidence === 'low'
      ? `Its quality on ${y} is unknown: there are no quality scores to compare, so check it (an experiment or an evaluator on both models) before switching.`
      : `Quality holds: ${confidenceReason}.`;
  const rec: Recommendation = {
    id: `cheaper_model:feature=${x.feature}:${x.model}→${y}`,
    kind: 'cheaper_model',
    title: `Run '${x.feature}' on ${y} instead of ${x.model}`,
    detail: `'${x.feature}' made ${count(x.calls)} calls on ${x.model} at ${usd(costPerCallOnX)} a call; the same tokens on ${y} cost ${usd(c.costPerCallOnTarget)}. ${quality}`,
    feature: x.feature,
    model: x.model,
    monthlySavingsNano: monthly,
    formula: `(${usd(costPerCallOnX)} on ${x.model} − ${usd(c.costPerCallOnTarget)} on ${y}) per call × ${count(x.calls)} calls × 30 d / ${fmtDays(days)} d`,
    confidence,
    confidenceReason,
    evidence: {
      calls: x.calls,
      sampleTraceIds: [],
      figures: {
        provider: x.provider,
        fromModel: x.model,
        toModel: y,
        calls: x.calls,
        rangeDays: Number(days.toFixed(4)),
        costPerCallNano: costPerCallOnX,
        costPerCallOnTargetNano: c.costPerCallOnTarget,
        avgInputTokens: usage.input,
        avgOutputTokens: usage.output,
        avgCacheReadTokens: usage.cacheRead,
        avgCacheWriteTokens: usage.cacheWrite,
        avgReasoningTokens: usage.reasoning,
        scoreAvg: roundScore(x.scoreAvg),
        scoredCalls: x.scored,
        targetScoreAvg: roundScore(c.target.scoreAvg),
        targetScoredCalls: c.target.scored,
        qualityMargin: QUALITY_MARGIN,
      },
    },
    applied: null,
  };
  return { rec, calls: { feature: x.feature, model: x.model } };
}

// A feature that already moved to the cheaper model: nothing left to save on it, and the saving
// realised since the move against what was estimated before it.
function appliedRecommendation(sw: ModelSwitch): Found {
  const rec: Recommendation = {
    id: `cheaper_model:feature=${idPart(sw.feature)}:${sw.from}→${sw.to}`,
    kind: 'cheaper_model',
    title: `Applied: '${sw.feature}' moved from ${sw.from} to ${sw.to}`,
    detail:
      `Since ${sw.since.slice(0, 10)} '${sw.feature}' runs on ${sw.to}. At its rate since then it saves ${usd(sw.realisedMonthlyNano)} a month ` +
      `against ${usd(sw.estimatedMonthlyNano)} estimated from its calls on ${sw.from} before the move.`,
    feature: sw.feature,
    model: sw.to,
    monthlySavingsNano: 0,
    formula:
      `realised: (${usd(sw.costPerCallBeforeNano)} on ${sw.from} − ${usd(sw.costPerCallAfterNano)} on ${sw.to}) per call × ${count(sw.callsAfter)} calls × 30 d / ${fmtDays(sw.daysAfter)} d; ` +
      `estimated: (${usd(sw.costPerCallBeforeNano)} − ${usd(sw.estimatedCostPerCallOnTargetNano)} same tokens on ${sw.to}) × ${count(sw.callsBefore)} calls × 30 d / ${fmtDays(sw.daysBefore)} d`,
    confidence: 'high',
    confidenceReason: 'measured on the calls before and after the move',
    evidence: {
      calls: sw.callsBefore + sw.callsAfter,
      sampleTraceIds: [],
      figures: {
        provider: sw.provider,
        fromModel: sw.from,
        toModel: sw.to,
        since: sw.since,
        callsBefore: sw.callsBefore,
        callsAfter: sw.callsAfter,
        daysBefore: Number(sw.daysBefore.toFixed(4)),
        daysAfter: Number(sw.daysAfter.toFixed(4)),
        costPerCallBeforeNano: sw.costPerCallBeforeNano,
        costPerCallAfterNano: sw.costPerCallAfterNano,
        estimatedCostPerCallOnTargetNano: sw.estimatedCostPerCallOnTargetNano,
      },
    },
    applied: { since: sw.since, realisedMonthlySavingsNano: sw.realisedMonthlyNano, estimatedMonthlySavingsNano: sw.estimatedMonthlyNano },
  };
  return { rec, calls: { feature: sw.feature, model: sw.to } };
}

// Means of many scores carry float noise past the fourth decimal.
const roundScore = (v: number | null): number | null => (v === null ? null : Number(v.toFixed(4)));
const fmtScore = (v: number | null): string => (v === null ? 'none' : v.toFixed(3));
