import { DAY_MS } from '../../domain/time.ts';
import type { ProjectId } from '../../store/project.ts';
import { batchApi } from './batch-api.ts';
import { cheaperModel } from './cheaper-model.ts';
import { MONTH_DAYS } from './common.ts';
import { oversizedPrompt } from './oversized-prompt.ts';
import { promptCaching } from './prompt-caching.ts';
import { responseCaching } from './response-caching.ts';
import type { Recommendation, RecommendationKind, RecommendationRange, Recommender, RecommenderDeps } from './types.ts';

// Every kind's recommender run over one project and range, the answers merged and sorted by what
// they save a month. Weekly and annual figures are derived here, at the edge, from the monthly
// one, so every kind states a single rate.

export const DEFAULT_RECOMMENDATION_DAYS = 30;
// Longer ranges make the hourly and daily reads the kinds do grow with them.
export const MAX_RECOMMENDATION_DAYS = 92;

export const RECOMMENDERS: ReadonlyArray<{ kind: RecommendationKind; run: Recommender }> = [
  { kind: 'cheaper_model', run: cheaperModel },
  { kind: 'prompt_caching', run: promptCaching },
  { kind: 'oversized_prompt', run: oversizedPrompt },
  { kind: 'response_caching', run: responseCaching },
  { kind: 'batch_api', run: batchApi },
];

export interface RecommendationsAnswer {
  range: RecommendationRange;
  recommendations: Recommendation[];
  // Sum over the recommendations; two kinds about the same calls (a cheaper model and the batch
  // API for one feature) overlap, so the total is an upper bound.
  totalMonthlySavingsNano: number;
}

export const weeklyNano = (monthlyNano: number): number => Math.round((monthlyNano * 7) / MONTH_DAYS);
export const annualNano = (monthlyNano: number): number => Math.round((monthlyNano * 365) / MONTH_DAYS);

export function defaultRecommendationRange(nowMs: number): RecommendationRange {
  return { fromUs: (nowMs - DEFAULT_RECOMMENDATION_DAYS * DAY_MS) * 1000, toUs: nowMs * 1000 };
}

export async function recommend(
  deps: RecommenderDeps,
  project: ProjectId,
  range: RecommendationRange,
  recommenders: ReadonlyArray<{ kind: RecommendationKind; run: Recommender }> = RECOMMENDERS,
): Promise<RecommendationsAnswer> {
  // One after another: each runs a few store reads, and the store's readers are shared.
  const recommendations: Recommendation[] = [];
  for (const r of recommenders) recommendations.push(...(await r.run(deps, project, range)));
  // A trace with several calls of one subject is one piece of evidence, linked once.
  for (const r of recommendations) r.evidence.sampleTraceIds = [...new Set(r.evidence.sampleTraceIds)];
  recommendations.sort((a, b) => b.monthlySavingsNano - a.monthlySavingsNano || a.id.localeCompare(b.id));
  return { range, recommendations, totalMonthlySavingsNano: recommendations.reduce((s, r) => s + r.monthlySavingsNano, 0) };
}
