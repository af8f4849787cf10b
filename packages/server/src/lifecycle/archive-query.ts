import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { StatementType, type Json } from '@duckdb/node-api';
import { LookoutError } from '../errors.ts';
import { EXPORT_KINDS } from '../store/store.ts';
import { sqlPath, withLocalDuckDb } from './archive-files.ts';

// SQL over the archive (`lookout archive query`): an in-process DuckDB with one view per kind
// (`spans`, `scores`, `logs`) over every archived file, `project` and `date` read from the hive
// layout. Read-only: one SELECT, and once the views exist DuckDB may touch no file outside the
// archive directory. The answer is cut at `maxRows`, read from a streamed result, so a query
// without LIMIT does not load the whole archive into memory.

export interface ArchiveQueryResult {
  columns: string[];
  rows: Record<string, Json>[];
  // More rows matched than maxRows.
  truncated: boolean;
}

const READ_ONLY_STATEMENTS: readonly StatementType[] = [StatementType.SELECT, StatementType.EXPLAIN];

const badQuery = (message: string) => new LookoutError('invalid_argument', message);
const reason = (err: unknown) => (err as Error).message.replace(/^Failed to \w+ statements?: /, '');

export function archiveGlob(dir: string, kind: string): string {
  return join(dir, 'project=*', 'date=*', `${kind}.parquet`);
}

export async function queryArchive(dir: string, sql: string, maxRows: number): Promise<ArchiveQueryResult> {
  if (!existsSync(dir)) throw badQuery(`no archive at ${dir} (written by the retention job when retention.archive.enabled is on; or give --dir)`);
  return withLocalDuckDb(async (db) => {
    const views: string[] = [];
    for (const kind of EXPORT_KINDS) {
      const glob = sqlPath(archiveGlob(dir, kind));
      const [{ n }] = (await db.runAndReadAll(`SELECT count(*) AS n FROM glob(${glob})`)).getRowObjectsJson() as { n: string }[];
      if (Number(n) === 0) continue;
      await db.run(`CREATE VIEW ${kind} AS SELECT * FROM read_parquet(${glob}, hive_partitioning = true, union_by_name = true)`);
      views.push(kind);
    }
    await db.run(`SET allowed_directories = [${sqlPath(dir.endsWith('/') ? dir : `${dir}/`)}]`);
    await db.run('SET enable_external_access = false');
    let statement;
    try {
      const extracted = await db.extractStatements(sql);
      if (extracted.count !== 1) throw badQuery(`give one SQL statement (got ${extracted.count})`);
      statement = await extracted.prepare(0);
    } catch (err) {
      if (err instanceof LookoutError) throw err;
      const hint = views.length < EXPORT_KINDS.length ? ` (the archive has ${views.length ? views.join(', ') : 'nothing yet'})` : '';
      throw badQuery(`bad SQL: ${reason(err)}${hint}`);
    }
    if (!READ_ONLY_STATEMENTS.includes(statement.statementType)) throw badQuery('the archive is read-only here: give a SELECT');
    try {
      const reader = await statement.streamAndReadUntil(maxRows + 1);
      const rows = reader.getRowObjectsJson();
      return { columns: reader.columnNames(), rows: rows.slice(0, maxRows), truncated: rows.length > maxRows };
    } catch (err) {
      throw badQuery(`the query failed: ${reason(err)}`);
    }
  });
}
