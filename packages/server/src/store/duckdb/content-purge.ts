import { listValue } from '@duckdb/node-api';
import type { ContentPurge, ProjectId } from '../store.ts';
import { runAsServer } from '../read-tenant.ts';
import type { DuckDb } from './db.ts';
import type { NamedParams } from './chunked-delete.ts';
import { changedRows, changeInTimeWindows } from './time-windows.ts';

// Removes stored content from a project's spans and logs as `purge` says (content-maintenance.ts):
// a window of time holding about `chunkRows` rows to change per transaction (time-windows.ts), so
// ingest and other writes get the writer in between. Returns the rows changed; the caller sees to
// the old versions left in the file's free blocks.
export async function purgeStoredContent(db: DuckDb, project: ProjectId, purge: ContentPurge): Promise<{ spans: number; logs: number }> {
  const matchesContentKey = (k: string) =>
    `(list_contains($names::VARCHAR[], ${k}) OR coalesce(list_bool_or(list_transform($prefixes::VARCHAR[], p -> starts_with(${k}, p))), false)
      OR coalesce(list_bool_or(list_transform($patterns::VARCHAR[], p -> regexp_full_match(${k}, p))), false))`;
  // The keys that hold content are decided once per distinct key ($contentKeys, found before the
  // writes), not per row: a pattern that is not a constant is compiled again at every call.
  const isContentKey = (k: string) => `list_contains($contentKeys::VARCHAR[], ${k})`;
  const keptEntries = (column: string, extra = 'false') =>
    `map_from_entries(list_filter(map_entries(${column}), e -> NOT (${isContentKey('e.key')} OR ${extra.replaceAll('$KEY', 'e.key')})))`;
  const hasContentKey = (column: string, extra = 'false') =>
    `len(list_filter(map_keys(${column}), k -> ${isContentKey('k')} OR ${extra.replaceAll('$KEY', 'k')})) > 0`;
  // Whether this row's hashes go: all of them, or those stored before the hash key existed.
  const hashesGo = purge.hashes === 'all' ? 'true' : 'ingested_at < make_timestamp($hashesBeforeUs)';
  const hashKey = "$KEY = 'retrieval.query_hash'";
  // A span from OTLP keeps only metadata named as free of text or whose value holds none; so does
  // every log (logs from OTLP cannot be told from native ones).
  const fromOtlp = 'list_contains(map_keys(metadata), $otlpMarker)';
  const unknownText = `NOT (list_contains($safeNames::VARCHAR[], $KEY)
    OR coalesce(list_bool_or(list_transform($safePrefixes::VARCHAR[], p -> starts_with($KEY, p))), false)
    OR regexp_full_match(coalesce($VALUE, 'null'), $safeValue))`;
  const either = (a: string, b: string) => `(${a}) OR (${b})`;
  // The metadata a span keeps, by which of the two row conditions hold.
  const spanMetadata = (hashes: boolean, otlp: boolean) => {
    const drop = [hashes ? hashKey : 'false', otlp ? unknownText : 'false'].reduce(either);
    return keptEntries('metadata', drop.replaceAll('$VALUE', 'e.value'));
  };
  const errorGoes = 'error_message IS NOT NULL AND NOT regexp_full_match(error_message, $errorKept)';
  const genAiEvent = "starts_with(coalesce(attributes['event.name'], ''), 'gen_ai.')";
  // Retention purges only rows that started before its cutoff.
  const before = (time: string) => (purge.startedBefore === undefined ? '' : ` AND ${time} < make_timestamp($startedBeforeUs)`);
  const params: NamedParams = {
    project,
    names: listValue([...purge.names]),
    prefixes: listValue([...purge.prefixes]),
    patterns: listValue([...purge.patterns]),
    errorKept: purge.errorMessageKept,
    otlpMarker: purge.otlpMetadata.marker,
    safeNames: listValue([...purge.otlpMetadata.names]),
    safePrefixes: listValue([...purge.otlpMetadata.prefixes]),
    safeValue: purge.otlpMetadata.valuePattern,
    ...(purge.startedBefore === undefined ? {} : { startedBeforeUs: purge.startedBefore.getTime() * 1000 }),
    ...(purge.hashes === 'all' ? {} : { hashesBeforeUs: purge.hashes.ingestedBefore.getTime() * 1000 }),
  };
  const chunks = [
    {
      table: 'spans' as const,
      keys: 'metadata',
      sql: `UPDATE spans SET input_content = NULL, output_content = NULL,
          prompt_hash = CASE WHEN ${hashesGo} THEN NULL ELSE prompt_hash END,
          response_hash = CASE WHEN ${hashesGo} THEN NULL ELSE response_hash END,
          error_message = CASE WHEN ${errorGoes} THEN NULL ELSE error_message END,
          metadata = CASE
            WHEN (${hashesGo}) AND ${fromOtlp} THEN ${spanMetadata(true, true)}
            WHEN ${hashesGo} THEN ${spanMetadata(true, false)}
            WHEN ${fromOtlp} THEN ${spanMetadata(false, true)}
            ELSE ${spanMetadata(false, false)} END
        WHERE $WHERE`,
      time: 'start_time',
      where: `project_id = $project${before('start_time')} AND (input_content IS NOT NULL OR output_content IS NOT NULL
          OR (${errorGoes}) OR ${hasContentKey('metadata')}
          OR ((${hashesGo}) AND (prompt_hash IS NOT NULL OR response_hash IS NOT NULL OR ${hasContentKey('metadata', hashKey)}))
          OR (${fromOtlp} AND len(list_filter(map_entries(metadata), e -> ${unknownText.replaceAll('$KEY', 'e.key').replaceAll('$VALUE', 'e.value')})) > 0))`,
    },
    {
      table: 'logs' as const,
      keys: 'attributes',
      sql: `UPDATE logs SET body = CASE WHEN ${genAiEvent} THEN '' ELSE body END, attributes = ${keptEntries('attributes', unknownText.replaceAll('$VALUE', 'e.value'))}
        WHERE $WHERE`,
      time: 'timestamp',
      where: `project_id = $project${before('timestamp')} AND ((${genAiEvent} AND body <> '') OR ${hasContentKey('attributes')}
          OR len(list_filter(map_entries(attributes), e -> ${unknownText.replaceAll('$KEY', 'e.key').replaceAll('$VALUE', 'e.value')})) > 0)`,
    },
  ];
  const changed = { spans: 0, logs: 0 };
  // An empty list cannot be bound (its item type is unknown): written as a literal instead.
  const lists = { names: purge.names, prefixes: purge.prefixes, patterns: purge.patterns, safeNames: purge.otlpMetadata.names, safePrefixes: purge.otlpMetadata.prefixes };
  const literalLists = (sql: string) => Object.entries(lists).reduce((q, [name, items]) => (items.length ? q : q.replaceAll(`$${name}::VARCHAR[]`, '[]::VARCHAR[]')), sql);
  // DuckDB refuses parameters a statement does not use.
  const bound = (sql: string, all: NamedParams) => Object.fromEntries(Object.entries(all).filter(([name]) => new RegExp(`\\$${name}\\b`).test(sql)));
  for (const chunk of chunks) {
    const keysSql = literalLists(
      `SELECT k FROM (SELECT DISTINCT unnest(map_keys(${chunk.keys})) AS k FROM ${chunk.table} WHERE project_id = $project${before(chunk.time)}) WHERE ${matchesContentKey('k')}`,
    );
    const contentKeys = (await runAsServer(() => db.all(keysSql, bound(keysSql, params)))).map((r) => String(r.k));
    const withKeys = (sql: string) => (contentKeys.length ? sql : sql.replaceAll('$contentKeys::VARCHAR[]', '[]::VARCHAR[]'));
    const where = withKeys(literalLists(chunk.where));
    const set = withKeys(literalLists(chunk.sql));
    if (contentKeys.length) params.contentKeys = listValue(contentKeys);
    else delete params.contentKeys;
    // A window of rows per transaction, so ingest and other writes get the writer in between.
    changed[chunk.table] = await changeInTimeWindows(
      db,
      { table: chunk.table, time: chunk.time, where, params: bound(where, params), chunkRows: purge.chunkRows },
      async (windowWhere, windowParams) => {
        const sql = set.replace('$WHERE', () => windowWhere);
        return changedRows(db, sql, bound(sql, { ...params, ...windowParams }));
      },
    );
  }
  return changed;
}
