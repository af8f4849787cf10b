import { mkdir, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { LookoutError } from '../errors.ts';
import type { JsonFile } from '../state/json-file.ts';
import { PRIVATE_DIR_MODE } from '../state/private-files.ts';
import { EXPORT_KINDS, type ErasureTarget, type ExportKind, type ProjectId, type Store } from '../store/store.ts';
import { eraseFromFiles, type ArchiveErasure } from './archive-erase.ts';
import { PARQUET_OPTIONS, publishFile, sqlPath, withLocalDuckDb } from './archive-files.ts';
import {
  archiveFile, dayOf, dayStartMs, manifestFile, projectDir, readManifest, sameFile,
  type ArchiveEntry, type ArchiveManifest,
} from './archive-manifest.ts';

// I3's archive tier: closed UTC days of a project's spans, scores and logs as Parquet (zstd), one
// file per day and kind in a hive layout (`project=<id>/date=<YYYY-MM-DD>/spans.parquet`) with a
// manifest, so that DuckDB, Spark or `lookout archive query` read them after the store has let
// them go. The rows come out of the store through its own export (`projectExport`: DuckDB's COPY,
// ClickHouse's Parquet output), into one staging file per kind, and an in-process DuckDB splits
// that by day: no row passes through the server's heap, on either backend.

export type { ArchiveEntry, ArchiveManifest } from './archive-manifest.ts';
export type { ArchiveErasure } from './archive-erase.ts';

// The column that places a record in its day.
export const DAY_COLUMN: Record<ExportKind, string> = { spans: 'start_time', scores: 'timestamp', logs: 'timestamp' };

export type ArchiveSource = Pick<Store, 'backend' | 'projectExport' | 'listProjects'>;

export interface ArchiveOptions {
  dir: string;
  store: ArchiveSource;
  // Days are closed once `now` is past their end; tests move it.
  now?: () => number;
}

export interface ArchiveRun {
  // The days covered by this run, [from, until) — null when there was nothing new to cover.
  from: string | null;
  until: string | null;
  // Days that got at least one file.
  days: number;
  files: ArchiveEntry[];
}

// Where the archive lives: `retention.archive.dir`, else the data directory's archive/.
export function archiveDirOf(config: { dataDir: string; retention: { archive: { dir: string | null } } }): string {
  return resolve(config.retention.archive.dir ?? join(config.dataDir, 'archive'));
}

const STAGING = '.staging';
const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

export class ParquetArchive {
  readonly dir: string;
  private readonly store: ArchiveSource;
  private readonly now: () => number;
  private readonly manifestDoc: JsonFile<ArchiveManifest>;
  // Runs and erasures rewrite the same manifest and files: one at a time.
  private tail: Promise<unknown> = Promise.resolve();

  constructor(options: ArchiveOptions) {
    this.dir = options.dir;
    this.store = options.store;
    this.now = options.now ?? Date.now;
    this.manifestDoc = manifestFile(this.dir);
  }

  manifest(): Promise<ArchiveManifest> {
    return readManifest(this.dir);
  }

  // Writes every closed UTC day before `cutoff` not archived yet (a day whose end is at or before
  // both the cutoff and now). Idempotent: the manifest records the first day not yet covered, so
  // a second run with the same cutoff reads nothing; a run cut short writes again only the files
  // the manifest does not list. A day is written once: records that reach the store after their
  // day was archived (a start time older than the cutoff) stay out of the archive.
  archiveBefore(project: ProjectId, cutoff: Date): Promise<ArchiveRun> {
    return this.serial(() => this.archive(project, cutoff));
  }

  // Rewrites each archived file of `project` that holds records of `target` without them
  // (erasure.ts says what a target covers: a user's or session's traces go whole, across days);
  // a file left empty is removed. `project` removes the project's directory and entries.
  eraseFromArchive(project: ProjectId, target: ErasureTarget): Promise<ArchiveErasure> {
    return this.serial(async () => {
      // A run cut short may have left staged records of any project.
      await rm(join(this.dir, STAGING), { recursive: true, force: true });
      const manifest = await readManifest(this.dir);
      return eraseFromFiles(this.dir, manifest, project, target, () => this.manifestDoc.write(manifest));
    });
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.tail.then(fn, fn);
    this.tail = next.catch(() => undefined);
    return next;
  }

  private async archive(project: ProjectId, cutoff: Date): Promise<ArchiveRun> {
    if (Number.isNaN(cutoff.getTime())) throw new LookoutError('invalid_argument', 'the archive cutoff is not a valid date');
    projectDir(this.dir, project);
    const exporter = this.store.projectExport;
    if (!exporter) throw new LookoutError('invalid_request', `the archive writes through the store's export, which the ${this.store.backend} backend does not have`);
    const manifest = await readManifest(this.dir);
    const from = manifest.archivedThrough[project] ?? null;
    const fromMs = from === null ? 0 : dayStartMs(from);
    const untilMs = dayStartMs(dayOf(Math.min(cutoff.getTime(), this.now())));
    if (untilMs <= fromMs) return { from: null, until: null, days: 0, files: [] };
    // Content as the project keeps it now: what the store still holds, unless capture is no longer full.
    const info = (await this.store.listProjects()).find((p) => p.id === project);
    const content = info?.contentCapture === 'full';
    const staging = join(this.dir, STAGING);
    await rm(staging, { recursive: true, force: true });
    await mkdir(staging, { recursive: true, mode: PRIVATE_DIR_MODE });
    const written: ArchiveEntry[] = [];
    try {
      for (const kind of EXPORT_KINDS) {
        const staged = join(staging, `${kind}.parquet`);
        const { rows } = await exporter.exportToFile(project, { kind, format: 'parquet', content, everySpan: true, filter: { fromMs, toMs: untilMs } }, staged);
        if (rows === 0) continue;
        written.push(...(await this.splitByDay(manifest, project, kind, staged)));
      }
      manifest.archivedThrough[project] = dayOf(untilMs);
      await this.manifestDoc.write(manifest);
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
    const days = new Set(written.map((e) => e.date));
    return { from: from ?? [...days].sort()[0] ?? null, until: dayOf(untilMs), days: days.size, files: written };
  }

  // One file per day of the staged export, each published and recorded before the next.
  private async splitByDay(manifest: ArchiveManifest, project: ProjectId, kind: ExportKind, staged: string): Promise<ArchiveEntry[]> {
    const out: ArchiveEntry[] = [];
    const source = `read_parquet(${sqlPath(staged)}, hive_partitioning = false)`;
    const day = `CAST(${DAY_COLUMN[kind]} AS DATE)`;
    await withLocalDuckDb(async (db) => {
      const days = (await db.runAndReadAll(`SELECT DISTINCT CAST(${day} AS VARCHAR) AS day FROM ${source} ORDER BY day`)).getRowObjectsJson();
      for (const { day: date } of days as { day: string }[]) {
        // The day comes from DuckDB's own date formatting; checked anyway before it goes in SQL.
        if (!DAY_PATTERN.test(date)) throw new Error(`unexpected day ${date} in the staged ${kind}`);
        const key = { project, date, kind };
        if (manifest.files.some((e) => sameFile(e, key))) continue;
        const path = archiveFile(this.dir, key);
        await mkdir(dirname(path), { recursive: true, mode: PRIVATE_DIR_MODE });
        const tmp = `${path}.tmp`;
        const copied = await db.runAndReadAll(`COPY (SELECT * FROM ${source} WHERE ${day} = DATE '${date}') TO ${sqlPath(tmp)} (${PARQUET_OPTIONS})`);
        const rows = Number(copied.getRowObjectsJson()[0]?.Count ?? 0);
        const { bytes, sha256 } = await publishFile(tmp, path);
        const entry: ArchiveEntry = { ...key, rows, bytes, sha256, writtenAt: new Date(this.now()).toISOString() };
        manifest.files.push(entry);
        await this.manifestDoc.write(manifest);
        out.push(entry);
      }
    });
    return out;
  }
}
