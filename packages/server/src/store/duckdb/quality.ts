import { QUALITY_METADATA } from '../../domain/quality.ts';
import type { AnalyticsBackend } from '../../query/contract.ts';
import { APPLICATION_SPANS_SQL } from '../evaluation-scope.ts';
import type { ProjectId } from '../project.ts';
import { healthInputsFromAnalytics, newestTraceIds, QUALITY_LIMITS, type ErrorGroup, type HealthGrouping, type HealthInputs, type LowScoreGroup, type QualityRange, type QualityReads } from '../quality.ts';
import type { DuckDb, Row } from './db.ts';

// Top issues and health inputs on DuckDB. Only the newest few (time, trace) pairs of a group are
// kept by the aggregate itself (arg_max with a count), so a group of a million errors costs no
// more memory than one of ten.

// Pairs read per group: more than listed, so that several spans of one trace still leave enough
// distinct traces.
const PAIRS_PER_GROUP = QUALITY_LIMITS.traceIdsPerGroup * 4;

function pairs(value: unknown): { atUs: number; traceId: string }[] {
  return Array.isArray(value) ? value.map((p: { t: unknown; id: unknown }) => ({ atUs: Number(p.t), traceId: String(p.id) })) : [];
}

const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

export class DuckDbQuality implements QualityReads {
  private readonly db: DuckDb;
  private readonly analytics: AnalyticsBackend;

  constructor(db: DuckDb, analytics: AnalyticsBackend) {
    this.db = db;
    this.analytics = analytics;
  }

  async topErrors(project: ProjectId, range: QualityRange, limit: number): Promise<ErrorGroup[]> {
    const rows = await this.db.all(
      `SELECT metadata[$key] AS fp, arg_max(error_class, start_time) AS cls, arg_max(error_message, start_time) AS msg, count(*) AS n,
         epoch_us(min(start_time)) AS first_us, epoch_us(max(start_time)) AS last_us,
         arg_max({'t': epoch_us(start_time), 'id': trace_id}, start_time, $pairs) AS recent
       FROM spans
       WHERE project_id = $project AND start_time >= make_timestamp($from) AND start_time < make_timestamp($to)
         AND status = 'error' AND metadata[$key] IS NOT NULL AND ${APPLICATION_SPANS_SQL}
       GROUP BY 1 ORDER BY n DESC, last_us DESC, fp LIMIT $limit`,
      {
        project,
        key: QUALITY_METADATA.errorFingerprint,
        from: Math.trunc(range.fromUs),
        to: Math.trunc(range.toUs),
        pairs: PAIRS_PER_GROUP,
        limit: Math.trunc(Math.min(limit, QUALITY_LIMITS.maxGroups)),
      },
    );
    return rows.map((r: Row) => ({
      fingerprint: String(r.fp),
      errorClass: strOrNull(r.cls),
      sampleMessage: strOrNull(r.msg),
      count: Number(r.n),
      firstSeenUs: Number(r.first_us),
      lastSeenUs: Number(r.last_us),
      traceIds: newestTraceIds(pairs(r.recent)),
    }));
  }

  async lowScores(project: ProjectId, range: QualityRange, options: { threshold: number; limit: number }): Promise<LowScoreGroup[]> {
    const rows = await this.db.all(
      `SELECT feature, name, count(*) FILTER (WHERE numeric_value < $threshold) AS n, count(*) AS total,
         avg(numeric_value) FILTER (WHERE numeric_value < $threshold) AS low_avg,
         epoch_us(min(timestamp) FILTER (WHERE numeric_value < $threshold)) AS first_us,
         epoch_us(max(timestamp) FILTER (WHERE numeric_value < $threshold)) AS last_us,
         arg_max({'t': epoch_us(timestamp), 'id': trace_id}, timestamp, $pairs) FILTER (WHERE numeric_value < $threshold) AS recent
       FROM scores
       WHERE project_id = $project AND timestamp >= make_timestamp($from) AND timestamp < make_timestamp($to) AND numeric_value IS NOT NULL
       GROUP BY feature, name HAVING n > 0
       ORDER BY n DESC, last_us DESC, feature NULLS LAST, name LIMIT $limit`,
      {
        project,
        threshold: options.threshold,
        from: Math.trunc(range.fromUs),
        to: Math.trunc(range.toUs),
        pairs: PAIRS_PER_GROUP,
        limit: Math.trunc(Math.min(options.limit, QUALITY_LIMITS.maxGroups)),
      },
    );
    return rows.map((r: Row) => ({
      feature: strOrNull(r.feature),
      name: String(r.name),
      count: Number(r.n),
      total: Number(r.total),
      avg: Number(r.low_avg),
      firstSeenUs: Number(r.first_us),
      lastSeenUs: Number(r.last_us),
      traceIds: newestTraceIds(pairs(r.recent)),
    }));
  }

  healthInputs(project: ProjectId, range: QualityRange, by: HealthGrouping, limit: number): Promise<HealthInputs[]> {
    return healthInputsFromAnalytics(this.analytics, project, range, by, limit);
  }
}
