import { QUALITY_METADATA } from '../../domain/quality.ts';
import type { AnalyticsBackend } from '../../query/contract.ts';
import { APPLICATION_SPANS_SQL } from '../evaluation-scope.ts';
import type { ProjectId } from '../project.ts';
import { healthInputsFromAnalytics, newestTraceIds, QUALITY_LIMITS, type ErrorGroup, type HealthGrouping, type HealthInputs, type LowScoreGroup, type QualityRange, type QualityReads } from '../quality.ts';
import type { Ch } from './client.ts';

// Top issues and health inputs on ClickHouse, read with FINAL (a retried span or score is one
// row). groupArraySorted keeps only the newest few (time, trace) pairs of a group, so memory stays
// bounded whatever the group's size.

const PAIRS_PER_GROUP = QUALITY_LIMITS.traceIdsPerGroup * 4;

// Pairs come as [-time, trace id] (sorted ascending = newest first).
function pairs(value: unknown): { atUs: number; traceId: string }[] {
  return Array.isArray(value) ? value.map((p: unknown[]) => ({ atUs: -Number(p[0]), traceId: String(p[1]) })) : [];
}

const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

export class ChQuality implements QualityReads {
  private readonly ch: Ch;
  private readonly analytics: AnalyticsBackend;

  constructor(ch: Ch, analytics: AnalyticsBackend) {
    this.ch = ch;
    this.analytics = analytics;
  }

  async topErrors(project: ProjectId, range: QualityRange, limit: number): Promise<ErrorGroup[]> {
    const rows = await this.ch.query(
      `SELECT metadata[{key:String}] AS fp, argMax(error_class, start_time) AS cls, argMax(error_message, start_time) AS msg, count() AS n,
         toUnixTimestamp64Micro(min(start_time)) AS first_us, toUnixTimestamp64Micro(max(start_time)) AS last_us,
         groupArraySorted(${PAIRS_PER_GROUP})((-toUnixTimestamp64Micro(start_time), trace_id)) AS recent
       FROM ${this.ch.database}.spans FINAL
       WHERE project_id = {project:String}
         AND start_time >= fromUnixTimestamp64Micro({fromUs:Int64}, 'UTC') AND start_time < fromUnixTimestamp64Micro({toUs:Int64}, 'UTC')
         AND status = 'error' AND mapContains(metadata, {key:String}) AND ${APPLICATION_SPANS_SQL}
       GROUP BY fp ORDER BY n DESC, last_us DESC, fp LIMIT {limit:UInt64}`,
      {
        project,
        key: QUALITY_METADATA.errorFingerprint,
        fromUs: Math.trunc(range.fromUs),
        toUs: Math.trunc(range.toUs),
        limit: Math.trunc(Math.min(limit, QUALITY_LIMITS.maxGroups)),
      },
    );
    return rows.map((r) => ({
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
    const low = 'numeric_value < {threshold:Float64}';
    const rows = await this.ch.query(
      `SELECT feature, name, countIf(${low}) AS n, count() AS total, avgIf(numeric_value, ${low}) AS low_avg,
         toUnixTimestamp64Micro(minIf(timestamp, ${low})) AS first_us, toUnixTimestamp64Micro(maxIf(timestamp, ${low})) AS last_us,
         groupArraySortedIf(${PAIRS_PER_GROUP})((-toUnixTimestamp64Micro(timestamp), trace_id), ${low}) AS recent
       FROM ${this.ch.database}.scores FINAL
       WHERE project_id = {project:String}
         AND timestamp >= fromUnixTimestamp64Micro({fromUs:Int64}, 'UTC') AND timestamp < fromUnixTimestamp64Micro({toUs:Int64}, 'UTC')
         AND numeric_value IS NOT NULL
       GROUP BY feature, name HAVING n > 0
       ORDER BY n DESC, last_us DESC, feature ASC NULLS LAST, name LIMIT {limit:UInt64}`,
      {
        project,
        threshold: options.threshold,
        fromUs: Math.trunc(range.fromUs),
        toUs: Math.trunc(range.toUs),
        limit: Math.trunc(Math.min(options.limit, QUALITY_LIMITS.maxGroups)),
      },
    );
    return rows.map((r) => ({
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
