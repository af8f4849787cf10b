import type { AnalyticsBackend } from '../query/contract.ts';
import type { ProjectId } from './project.ts';

// D4/D6: the reads behind the Quality page's top issues and health scores. Errors are grouped by
// the fingerprint the ingest chain wrote (enrich/quality/fingerprint.ts); low scores by the
// scored trace's feature and the score's name. Every answer is bounded: a few groups, a few trace
// ids each.

export const QUALITY_LIMITS = {
  maxGroups: 100,
  // Trace ids listed per group, newest first: enough to open a few examples.
  traceIdsPerGroup: 5,
  maxHealthGroups: 200,
} as const;

// [fromUs, toUs): on a span's start time, on a score's timestamp.
export interface QualityRange {
  fromUs: number;
  toUs: number;
}

export interface ErrorGroup {
  fingerprint: string;
  errorClass: string | null;
  // The newest failed span's message, as stored (redacted; null when content capture dropped it).
  sampleMessage: string | null;
  count: number;
  firstSeenUs: number;
  lastSeenUs: number;
  traceIds: string[];
}

export interface LowScoreGroup {
  feature: string | null;
  name: string;
  // Numeric scores below the threshold, of all numeric scores of the group.
  count: number;
  total: number;
  // Mean of the group's low scores.
  avg: number;
  firstSeenUs: number;
  lastSeenUs: number;
  traceIds: string[];
}

export const HEALTH_GROUPINGS = ['feature', 'application'] as const;
export type HealthGrouping = (typeof HEALTH_GROUPINGS)[number];

// What the health score of one feature or application is computed from (quality/health.ts).
export interface HealthInputs {
  key: string | null;
  requests: number;
  errors: number;
  latencyP95Ms: number | null;
  costPerRequestUsd: number | null; // over calls whose cost is known
  scoreAvg: number | null; // mean numeric score on the group's traces; null when none
}

export interface QualityReads {
  // Failed spans grouped by fingerprint, most frequent first (ties: newest last seen first).
  topErrors(project: ProjectId, range: QualityRange, limit: number): Promise<ErrorGroup[]>;
  // Groups with numeric scores below `threshold`, the most low scores first.
  lowScores(project: ProjectId, range: QualityRange, options: { threshold: number; limit: number }): Promise<LowScoreGroup[]>;
  healthInputs(project: ProjectId, range: QualityRange, by: HealthGrouping, limit: number): Promise<HealthInputs[]>;
}

// Trace ids of (time, trace id) pairs newest first, each once, at most `limit`.
export function newestTraceIds(pairs: { atUs: number; traceId: string }[], limit: number = QUALITY_LIMITS.traceIdsPerGroup): string[] {
  const sorted = [...pairs].sort((a, b) => b.atUs - a.atUs || (a.traceId < b.traceId ? -1 : a.traceId > b.traceId ? 1 : 0));
  const out: string[] = [];
  for (const p of sorted) {
    if (!out.includes(p.traceId)) out.push(p.traceId);
    if (out.length === limit) break;
  }
  return out;
}

// The health inputs are statistics the analytics already compute the same way on every backend
// (exact p95, cost per known-cost call, scores on the group's traces), so both backends read them
// through their analytics rather than repeating that SQL; like every analytics read they leave
// the judge's own calls out (evaluation-scope.ts).
export async function healthInputsFromAnalytics(analytics: AnalyticsBackend, project: ProjectId, range: QualityRange, by: HealthGrouping, limit: number): Promise<HealthInputs[]> {
  const result = await analytics.query(project, {
    measures: ['requests', 'errors', 'latency_p95', 'cost_per_request', 'score_avg'],
    groupBy: [by],
    filters: [],
    fromMs: Math.trunc(range.fromUs / 1000),
    toMs: Math.trunc(range.toUs / 1000),
    orderBy: { measure: 'requests', dir: 'desc' },
    limit: Math.min(limit, QUALITY_LIMITS.maxHealthGroups),
  });
  const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  return result.rows.map((r) => ({
    key: typeof r[by] === 'string' ? (r[by] as string) : null,
    requests: num(r.requests) ?? 0,
    errors: num(r.errors) ?? 0,
    latencyP95Ms: num(r.latency_p95),
    costPerRequestUsd: num(r.cost_per_request),
    scoreAvg: num(r.score_avg),
  }));
}
