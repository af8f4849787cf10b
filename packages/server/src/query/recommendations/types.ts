import type { Pricer } from '../../enrich/pricing/pricer.ts';
import type { ScoreLogReads, SpanReads } from '../../store/span-reads.ts';
import type { PromptRepeatReads } from '../../store/prompt-repeats.ts';
import type { ProjectId } from '../../store/project.ts';
import type { AnalyticsBackend } from '../contract.ts';
import type { RetentionBounds } from '../retention.ts';

// What a recommendation is, whatever found it. Each kind lives in its own file beside this one
// and is a Recommender: it reads the project's stored calls for a range and returns what it can
// show with evidence. Money is integer nano-dollars here (domain/money.ts); the route turns it
// into USD for the answer.

export const RECOMMENDATION_KINDS = ['cheaper_model', 'prompt_caching', 'oversized_prompt', 'response_caching', 'batch_api'] as const;
export type RecommendationKind = (typeof RECOMMENDATION_KINDS)[number];

export type Confidence = 'high' | 'medium' | 'low';

export interface RecommendationEvidence {
  // The calls the estimate rests on, in the analysed range.
  calls: number;
  // A few of them, to open in the UI (/traces/<traceId>), newest first; at most 10.
  sampleTraceIds: string[];
  // The figures the formula uses, by name (tokens, prices per million, rates, scores...), so the
  // UI and a reader can redo the arithmetic.
  figures: Record<string, number | string | null>;
}

export interface Recommendation {
  // Stable across runs for the same subject, e.g. "cheaper_model:feature=support-chat:gpt-4o→gpt-4o-mini".
  id: string;
  kind: RecommendationKind;
  title: string; // one line a person acts on
  detail: string; // why, in two or three sentences
  feature: string | null;
  model: string | null;
  // Savings over 30 days at the analysed range's rate (weekly = × 7/30, annualised = × 365/30).
  monthlySavingsNano: number;
  // The formula with its numbers filled in, e.g. "(1,200 × $2.50/M − 1,200 × $0.15/M) × 3,100 calls/30 d".
  formula: string;
  confidence: Confidence;
  confidenceReason: string;
  evidence: RecommendationEvidence;
  // Set when the subject has already changed in the range (the feature's calls moved to the
  // recommended model): what that saved against what was estimated.
  applied?: AppliedChange | null;
}

export interface AppliedChange {
  // The first UTC day on which the new model carried most of the feature's calls (ISO-8601).
  since: string;
  // The saving realised since then, projected to 30 days, against the estimate before the change.
  realisedMonthlySavingsNano: number;
  estimatedMonthlySavingsNano: number;
}

// What every recommender gets. The store reads are scoped to projectId.
export interface RecommendationRange {
  fromUs: number;
  toUs: number;
}

// What a recommender may read: the store's analytics (measures × dimensions over the range) and
// span, trace and score reads, all scoped to the project, and the pricer (catalog prices plus the
// user's overrides) to price the same tokens on another model or at another rate.
export interface RecommenderDeps {
  analytics: AnalyticsBackend;
  spans: Pick<SpanReads, 'listSpans' | 'listTraces'>;
  scores: Pick<ScoreLogReads, 'listScores' | 'countScores'>;
  pricer: Pick<Pricer, 'price' | 'priceRowById'>;
  // Calls whose whole prompt was sent before, per prompt hash and model (prompt and response caching).
  prompts: PromptRepeatReads;
  // Where the project's stored spans stop; analytics queries pass it on.
  retention?: RetentionBounds;
  nowMs: number;
}

export type Recommender = (deps: RecommenderDeps, projectId: ProjectId, range: RecommendationRange) => Promise<Recommendation[]>;
