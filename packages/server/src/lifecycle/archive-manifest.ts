import { join } from 'node:path';
import { LookoutError } from '../errors.ts';
import type { ExportKind } from '../store/store.ts';
import { JsonFile } from '../state/json-file.ts';

// The archive's index, `manifest.json` at its root: one entry per Parquet file, and per project
// the day before which every closed day has been written (days without records have no file).
// Written whole and atomically (JsonFile), after the file it describes is in place: a crash
// leaves at worst a file the manifest does not list yet, which the next run writes again.

export const MANIFEST_FILE = 'manifest.json';
export const MANIFEST_VERSION = 1;

export interface ArchiveEntry {
  project: string;
  // The UTC day of the records: spans by their start, scores and logs by their timestamp.
  date: string;
  kind: ExportKind;
  rows: number;
  bytes: number;
  sha256: string;
  writtenAt: string;
}

export interface ArchiveManifest {
  version: number;
  // project id → first day not archived yet (YYYY-MM-DD).
  archivedThrough: Record<string, string>;
  files: ArchiveEntry[];
}

export const emptyManifest = (): ArchiveManifest => ({ version: MANIFEST_VERSION, archivedThrough: {}, files: [] });

export function manifestFile(dir: string): JsonFile<ArchiveManifest> {
  return new JsonFile<ArchiveManifest>(join(dir, MANIFEST_FILE));
}

export async function readManifest(dir: string): Promise<ArchiveManifest> {
  const doc = await manifestFile(dir).read(emptyManifest());
  return { ...emptyManifest(), ...doc };
}

// Hive layout, so DuckDB, Spark or ClickHouse read `project` and `date` as partition columns.
// A project id becomes a directory name: one that cannot climb out of the archive or hide.
const SAFE_PROJECT = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

export function projectDir(dir: string, project: string): string {
  if (!SAFE_PROJECT.test(project) || project.includes('..')) throw new LookoutError('invalid_argument', `project id ${JSON.stringify(project)} cannot name an archive directory`);
  return join(dir, `project=${project}`);
}

export function archiveFile(dir: string, entry: Pick<ArchiveEntry, 'project' | 'date' | 'kind'>): string {
  return join(projectDir(dir, entry.project), `date=${entry.date}`, `${entry.kind}.parquet`);
}

export const sameFile = (a: Pick<ArchiveEntry, 'project' | 'date' | 'kind'>, b: Pick<ArchiveEntry, 'project' | 'date' | 'kind'>): boolean =>
  a.project === b.project && a.date === b.date && a.kind === b.kind;

const DAY_MS = 86_400_000;

export const dayOf = (ms: number): string => new Date(Math.floor(ms / DAY_MS) * DAY_MS).toISOString().slice(0, 10);
export const dayStartMs = (day: string): number => Date.parse(`${day}T00:00:00.000Z`);
