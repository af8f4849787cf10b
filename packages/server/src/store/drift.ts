import type { DriftCounts } from '../domain/drift.ts';
import { QUALITY_METADATA } from '../domain/quality.ts';
import { SCORE_BINS } from '../domain/drift.ts';
import type { ProjectId } from './project.ts';

// D5: retrieval and embedding facts (the span metadata enrich/quality/retrieval.ts writes) summed
// per time bucket and feature. The rollups rebuild their drift cells from it at start (every
// project); the drift API reads one project's range from it.

export interface RetrievalAggregateRow {
  projectId: string;
  bucketStartMs: number;
  feature: string | null;
  counts: DriftCounts;
}

export interface RetrievalAggregateRange {
  fromMs: number;
  toMs?: number; // exclusive; open-ended when absent
  bucketMs: number;
  project?: ProjectId; // every project when absent (the rollups' rebuild)
  feature?: string | null; // null: the spans without a feature
  sumFeatures?: boolean; // one row per bucket (feature null) instead of one per feature
}

export interface RetrievalAggregates {
  aggregateRetrieval(range: RetrievalAggregateRange): Promise<RetrievalAggregateRow[]>;
}

// What both backends' SQL reads: the metadata keys, and the bin expression of domain/drift.ts
// scoreBin (floor(score × SCORE_BINS) clamped to the bins).
export const DRIFT_SQL = {
  topScoreKey: QUALITY_METADATA.retrievalTopScore,
  documentsKey: QUALITY_METADATA.retrievalDocuments,
  truncatedKey: QUALITY_METADATA.embeddingTruncated,
  bins: SCORE_BINS,
} as const;
