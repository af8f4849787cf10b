import { emptyDriftCounts } from '../../domain/drift.ts';
import { DRIFT_SQL, type RetrievalAggregateRange, type RetrievalAggregateRow } from '../drift.ts';
import type { Ch } from './client.ts';

// D5 on ClickHouse: the same sums as store/duckdb/drift.ts, over the current version of each span
// (FINAL). A Map without the key gives '', which converts to NULL.

export async function aggregateRetrievalCh(ch: Ch, range: RetrievalAggregateRange): Promise<RetrievalAggregateRow[]> {
  const params: Record<string, unknown> = {
    bucket: Math.trunc(range.bucketMs),
    fromUs: Math.trunc(range.fromMs * 1000),
    topKey: DRIFT_SQL.topScoreKey,
    docsKey: DRIFT_SQL.documentsKey,
    truncKey: DRIFT_SQL.truncatedKey,
  };
  const where = ['start_time >= fromUnixTimestamp64Micro({fromUs:Int64})', "kind IN ('retrieval', 'embedding')"];
  if (range.toMs !== undefined) {
    where.push('start_time < fromUnixTimestamp64Micro({toUs:Int64})');
    params.toUs = Math.trunc(range.toMs * 1000);
  }
  if (range.project !== undefined) {
    where.push('project_id = {project:String}');
    params.project = range.project;
  }
  if (range.feature === null) where.push('feature IS NULL');
  else if (range.feature !== undefined) {
    where.push('feature = {feature:String}');
    params.feature = range.feature;
  }
  const feature = range.sumFeatures ? 'CAST(NULL AS Nullable(String))' : 'feature';
  const bins = DRIFT_SQL.bins;
  const rows = await ch.query(
    `SELECT project_id, bucket_ms, feature_key AS group_feature,
            countIf(kind = 'retrieval') AS retrievals,
            sumMapIf(map(toInt32(least(floor(ifNull(top, 0) * ${bins}), ${bins - 1})), toUInt64(1)), kind = 'retrieval' AND top IS NOT NULL) AS bins,
            sumIf(ifNull(top, 0), kind = 'retrieval') AS score_sum,
            countIf(kind = 'retrieval' AND docs IS NOT NULL) AS with_docs,
            sumIf(ifNull(docs, 0), kind = 'retrieval') AS docs_sum,
            countIf(kind = 'embedding' AND trunc IN ('true', 'false')) AS embeddings,
            countIf(kind = 'embedding' AND trunc = 'true') AS truncated
       FROM (
         SELECT project_id, intDiv(toUnixTimestamp64Milli(start_time), {bucket:Int64}) * {bucket:Int64} AS bucket_ms, ${feature} AS feature_key, kind,
                toFloat64OrNull(metadata[{topKey:String}]) AS raw_top,
                if(isFinite(ifNull(raw_top, nan)), least(greatest(assumeNotNull(raw_top), 0), 1), NULL) AS top,
                toInt64OrNull(metadata[{docsKey:String}]) AS docs,
                metadata[{truncKey:String}] AS trunc
           FROM ${ch.database}.spans FINAL
          WHERE ${where.join(' AND ')})
      GROUP BY project_id, bucket_ms, group_feature
     HAVING retrievals > 0 OR embeddings > 0
      ORDER BY bucket_ms, project_id, group_feature NULLS FIRST`,
    params,
  );
  return rows.map((r) => {
    const counts = emptyDriftCounts();
    counts.retrievals = Number(r.retrievals);
    if (r.bins && typeof r.bins === 'object') for (const [k, v] of Object.entries(r.bins as Record<string, unknown>)) counts.scoreBins[Number(k)] += Number(v);
    counts.scoreSum = Number(r.score_sum);
    counts.withDocuments = Number(r.with_docs);
    counts.documents = Number(r.docs_sum);
    counts.embeddings = Number(r.embeddings);
    counts.truncated = Number(r.truncated);
    return { projectId: String(r.project_id), bucketStartMs: Number(r.bucket_ms), feature: r.group_feature === null || r.group_feature === undefined ? null : String(r.group_feature), counts };
  });
}
