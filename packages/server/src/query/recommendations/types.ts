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
}

// What every recommender gets. The store reads are scoped to projectId.
export interface RecommendationRange {
  fromUs: number;
  toUs: number;
}
