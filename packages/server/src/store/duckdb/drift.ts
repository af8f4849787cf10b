import { emptyDriftCounts } from '../../domain/drift.ts';
import { DRIFT_SQL, type RetrievalAggregateRange, type RetrievalAggregateRow } from '../drift.ts';
import type { DuckDb, SqlParams } from './db.ts';

// D5 on DuckDB: retrieval and embedding facts per bucket and feature, one pass over the
// retrieval and embedding spans of the range (store/drift.ts).

export async function aggregateRetrieval(db: DuckDb, range: RetrievalAggregateRange): Promise<RetrievalAggregateRow[]> {
  const params: SqlParams = {
    bucket: range.bucketMs,
    from: Math.trunc(range.fromMs * 1000),
    topKey: DRIFT_SQL.topScoreKey,
    docsKey: DRIFT_SQL.documentsKey,
    truncKey: DRIFT_SQL.truncatedKey,
  };
  const where = ["start_time >= make_timestamp($from)", "kind IN ('retrieval', 'embedding')"];
  if (range.toMs !== undefined) {
    where.push('start_time < make_timestamp($to)');
    params.to = Math.trunc(range.toMs * 1000);
  }
  if (range.project !== undefined) {
    where.push('project_id = $project');
    params.project = range.project;
  }
  if (range.feature === null) where.push('feature IS NULL');
  else if (range.feature !== undefined) {
    where.push('feature = $feature');
    params.feature = range.feature;
  }
  const feature = range.sumFeatures ? 'NULL' : 'feature';
  const bins = DRIFT_SQL.bins;
  const rows = await db.all(
    `WITH facts AS (
       SELECT project_id, (epoch_ms(start_time) // $bucket) * $bucket AS bucket_ms, ${feature} AS feature_key, kind,
              try_cast(metadata[$topKey] AS DOUBLE) AS raw_top,
              CASE WHEN isfinite(raw_top) THEN least(greatest(raw_top, 0), 1) END AS top,
              try_cast(metadata[$docsKey] AS BIGINT) AS docs,
              metadata[$truncKey] AS trunc
         FROM spans
        WHERE ${where.join(' AND ')})
     SELECT project_id, bucket_ms, feature_key AS group_feature,
            count(*) FILTER (WHERE kind = 'retrieval') AS retrievals,
            histogram(CAST(least(floor(top * ${bins}), ${bins - 1}) AS INTEGER)) FILTER (WHERE kind = 'retrieval' AND top IS NOT NULL) AS bins,
            coalesce(sum(top) FILTER (WHERE kind = 'retrieval'), 0) AS score_sum,
            count(docs) FILTER (WHERE kind = 'retrieval') AS with_docs,
            coalesce(sum(docs) FILTER (WHERE kind = 'retrieval'), 0) AS docs_sum,
            count(*) FILTER (WHERE kind = 'embedding' AND trunc IN ('true', 'false')) AS embeddings,
            count(*) FILTER (WHERE kind = 'embedding' AND trunc = 'true') AS truncated
       FROM facts
      GROUP BY ALL
     HAVING count(*) FILTER (WHERE kind = 'retrieval') > 0 OR count(*) FILTER (WHERE kind = 'embedding' AND trunc IN ('true', 'false')) > 0
      ORDER BY bucket_ms, project_id, group_feature NULLS FIRST`,
    params,
  );
  return rows.map((r) => {
    const counts = emptyDriftCounts();
    counts.retrievals = Number(r.retrievals);
    if (Array.isArray(r.bins)) for (const e of r.bins as { key: unknown; value: unknown }[]) counts.scoreBins[Number(e.key)] += Number(e.value);
    counts.scoreSum = Number(r.score_sum);
    counts.withDocuments = Number(r.with_docs);
    counts.documents = Number(r.docs_sum);
    counts.embeddings = Number(r.embeddings);
    counts.truncated = Number(r.truncated);
    return { projectId: String(r.project_id), bucketStartMs: Number(r.bucket_ms), feature: (r.group_feature as string | null) ?? null, counts };
  });
}
