import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { ErasureTarget, ExportKind, ProjectId } from '../store/store.ts';
import { PARQUET_OPTIONS, publishFile, sqlPath, withLocalDuckDb } from './archive-files.ts';
import { archiveFile, projectDir, type ArchiveManifest } from './archive-manifest.ts';

// An erasure carried into the archive: each file holding records of the target is rewritten
// without them by an in-process DuckDB (to a temporary file, renamed over the old one), and its
// manifest entry updated. A trace goes whole: for a user or a session, the traces are found
// across all of the project's archived days first, so a trace that crosses midnight leaves
// nothing behind on either side.

export interface ArchiveErasure {
  // Files rewritten or, when nothing was left in them, removed.
  files: number;
  spans: number;
  scores: number;
  logs: number;
}

const source = (files: string[]) => `read_parquet([${files.map(sqlPath).join(', ')}], hive_partitioning = false, union_by_name = true)`;

// Rows of `kind` the target covers, as SQL over the temporary tables `target` (the id) and
// `erased` (trace ids). Null ids never match: coalesce keeps NOT from turning them into NULL.
function coveredSql(target: ErasureTarget, kind: ExportKind): string {
  const inTraces = 'trace_id IN (SELECT trace_id FROM erased)';
  let own = '';
  if (target.kind === 'user' && kind !== 'logs') own = ' OR user_id = (SELECT id FROM target)';
  if (target.kind === 'session' && kind === 'spans') own = ' OR session_id = (SELECT id FROM target)';
  return `coalesce(${inTraces}${own}, false)`;
}

async function findTraces(db: DuckDBConnection, target: Exclude<ErasureTarget, { kind: 'project' }>, files: Record<ExportKind, string[]>): Promise<void> {
  await db.run('CREATE TEMP TABLE target AS SELECT CAST($id AS VARCHAR) AS id', { id: target.id });
  const parts: string[] = [];
  if (target.kind === 'trace') parts.push('SELECT id AS trace_id FROM target');
  if (target.kind === 'user' && files.spans.length) parts.push(`SELECT trace_id FROM ${source(files.spans)} WHERE user_id = (SELECT id FROM target)`);
  if (target.kind === 'user' && files.scores.length) parts.push(`SELECT trace_id FROM ${source(files.scores)} WHERE user_id = (SELECT id FROM target) AND trace_id IS NOT NULL`);
  if (target.kind === 'session' && files.spans.length) parts.push(`SELECT trace_id FROM ${source(files.spans)} WHERE session_id = (SELECT id FROM target)`);
  const select = parts.length ? parts.join(' UNION ') : 'SELECT CAST(NULL AS VARCHAR) AS trace_id WHERE false';
  await db.run(`CREATE TEMP TABLE erased AS ${select}`);
}

// Temporary files a crash left beside the project's archived files may hold the target's rows.
async function removeStrayTemporaries(dir: string, project: ProjectId): Promise<void> {
  let days: string[];
  try {
    days = await readdir(projectDir(dir, project));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  for (const day of days) {
    const inDay = await readdir(join(projectDir(dir, project), day)).catch(() => [] as string[]);
    for (const name of inDay.filter((n) => n.endsWith('.tmp'))) await rm(join(projectDir(dir, project), day, name), { force: true });
  }
}

export async function eraseFromFiles(
  dir: string,
  manifest: ArchiveManifest,
  project: ProjectId,
  target: ErasureTarget,
  saveManifest: () => Promise<void>,
): Promise<ArchiveErasure> {
  const counts: ArchiveErasure = { files: 0, spans: 0, scores: 0, logs: 0 };
  const mine = manifest.files.filter((e) => e.project === project);
  if (target.kind === 'project') {
    await rm(projectDir(dir, project), { recursive: true, force: true });
    for (const e of mine) counts[e.kind] += e.rows;
    counts.files = mine.length;
    manifest.files = manifest.files.filter((e) => e.project !== project);
    delete manifest.archivedThrough[project];
    await saveManifest();
    return counts;
  }
  await removeStrayTemporaries(dir, project);
  if (mine.length === 0) return counts;
  const files: Record<ExportKind, string[]> = { spans: [], scores: [], logs: [] };
  for (const e of mine) files[e.kind].push(archiveFile(dir, e));
  await withLocalDuckDb(async (db) => {
    await findTraces(db, target, files);
    for (const entry of mine) {
      const path = archiveFile(dir, entry);
      const covered = coveredSql(target, entry.kind);
      const one = source([path]);
      const hit = (await db.runAndReadAll(`SELECT count(*) AS n FROM ${one} WHERE ${covered}`)).getRowObjectsJson();
      const n = Number(hit[0]?.n ?? 0);
      if (n === 0) continue;
      counts.files += 1;
      counts[entry.kind] += n;
      if (n >= entry.rows) {
        await rm(path, { force: true });
        manifest.files = manifest.files.filter((e) => e !== entry);
      } else {
        const tmp = `${path}.tmp`;
        const copied = await db.runAndReadAll(`COPY (SELECT * FROM ${one} WHERE NOT ${covered}) TO ${sqlPath(tmp)} (${PARQUET_OPTIONS})`);
        const { bytes, sha256 } = await publishFile(tmp, path);
        Object.assign(entry, { rows: Number(copied.getRowObjectsJson()[0]?.Count ?? 0), bytes, sha256, writtenAt: new Date().toISOString() });
      }
      await saveManifest();
    }
  });
  return counts;
}
