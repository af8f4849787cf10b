import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { EVALUATION_FEATURE, JUDGE_SUBJECT_METADATA_KEY } from '../domain/quality.ts';
import type { ErasureTarget, ExportKind, ProjectId } from '../store/store.ts';
import { PARQUET_OPTIONS, publishFile, sqlPath, withLocalDuckDb } from './archive-files.ts';
import { archiveFile, projectDir, type ArchiveEntry, type ArchiveManifest } from './archive-manifest.ts';

// An erasure carried into the archive: each file holding records of the target is rewritten
// without them by an in-process DuckDB (to a temporary file, renamed over the old one), and its
// manifest entry updated. A trace goes whole: for a user or a session, the traces are found
// across all of the project's archived days first, so a trace that crosses midnight leaves
// nothing behind on either side.
//
// The judge's calls about an erased trace go too (store/duckdb/erasure.ts): each is a trace of its
// own, on whatever day the judge ran, whose prompt holds the judged trace's content. The archive
// keeps every span, the judge's included, but not the scores' metadata, so of the store's two
// links only one is here: a judge span names its subject in its metadata (on every call it makes,
// answered or not), which the export wrote as JSON text.

export interface ArchiveErasure {
  // Files rewritten or, when nothing was left in them, removed.
  files: number;
  spans: number;
  scores: number;
  logs: number;
}

const source = (files: string[]) => `read_parquet([${files.map(sqlPath).join(', ')}], hive_partitioning = false, union_by_name = true)`;

const SUBJECT_PATH = `$.${JSON.stringify(JUDGE_SUBJECT_METADATA_KEY)}`;
// Only the judge writes spans of EVALUATION_FEATURE.
const JUDGE_SPAN = `feature = '${EVALUATION_FEATURE}'`;

// The rows of `kind` the target covers, as SQL over the temporary tables `target` (the id),
// `erased` (trace ids) and `judged` (the judge's calls about them), in the order they go: each row
// goes only after the rows it is found by. The rows carrying the target's id find the traces, the
// judge's spans (by their subject) are found through those, and the other rows of the judge's
// traces through the judge's spans. Null ids never match: coalesce keeps NOT from turning them
// into NULL.
function coveredSql(target: ErasureTarget, kind: ExportKind): string[] {
  const inJudged = 'trace_id IN (SELECT trace_id FROM judged)';
  let own = 'false';
  if (target.kind === 'user' && kind !== 'logs') own = 'user_id = (SELECT id FROM target)';
  if (target.kind === 'session' && kind === 'spans') own = 'session_id = (SELECT id FROM target)';
  const owned = `coalesce(${own}, false)`;
  const judgeSpan = kind === 'spans' ? `coalesce(${JUDGE_SPAN} AND ${inJudged}, false)` : 'false';
  // Of the judge's traces, only the judge's spans: an application's span sharing the trace id stays.
  const linked = `coalesce(trace_id IN (SELECT trace_id FROM erased)${kind === 'spans' ? '' : ` OR ${inJudged}`}, false)`;
  return [`${linked} AND NOT ${judgeSpan} AND NOT ${owned}`, `${judgeSpan} AND NOT ${owned}`, owned];
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
  const judged = files.spans.length
    ? `SELECT DISTINCT trace_id FROM ${source(files.spans)} WHERE ${JUDGE_SPAN} AND json_extract_string(metadata, '${SUBJECT_PATH}') IN (SELECT trace_id FROM erased)`
    : 'SELECT CAST(NULL AS VARCHAR) AS trace_id WHERE false';
  await db.run(`CREATE TEMP TABLE judged AS ${judged}`);
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
    // Rewrites the file without the `n` rows matching `where`; removes it when none would be left.
    const drop = async (entry: ArchiveEntry, where: string, n: number) => {
      const path = archiveFile(dir, entry);
      if (n >= entry.rows) {
        await rm(path, { force: true });
        manifest.files = manifest.files.filter((e) => e !== entry);
      } else {
        const tmp = `${path}.tmp`;
        const copied = await db.runAndReadAll(`COPY (SELECT * FROM ${source([path])} WHERE NOT (${where})) TO ${sqlPath(tmp)} (${PARQUET_OPTIONS})`);
        const { bytes, sha256 } = await publishFile(tmp, path);
        Object.assign(entry, { rows: Number(copied.getRowObjectsJson()[0]?.Count ?? 0), bytes, sha256, writtenAt: new Date().toISOString() });
      }
      await saveManifest();
    };
    const hits: { entry: ArchiveEntry; tiers: string[]; rows: number[] }[] = [];
    for (const entry of mine) {
      const tiers = coveredSql(target, entry.kind);
      const sql = `SELECT ${tiers.map((t, i) => `count(*) FILTER (WHERE ${t}) AS t${i}`).join(', ')} FROM ${source([archiveFile(dir, entry)])}`;
      const [row] = (await db.runAndReadAll(sql)).getRowObjectsJson();
      const rows = tiers.map((_, i) => Number(row?.[`t${i}`] ?? 0));
      const n = rows.reduce((a, b) => a + b, 0);
      if (n === 0) continue;
      hits.push({ entry, tiers, rows });
      counts.files += 1;
      counts[entry.kind] += n;
    }
    // A pass over the files per tier: a run that a crash cut short finds again, across every day
    // and file, whatever is still to go.
    for (let tier = 0; tier < 3; tier++) {
      for (const hit of hits) if (hit.rows[tier] > 0) await drop(hit.entry, hit.tiers[tier], hit.rows[tier]);
    }
  });
  return counts;
}
