import { chmod, copyFile, cp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { LookoutError } from '../errors.ts';
import { ensurePrivateDir, PRIVATE_FILE_MODE } from '../state/private-files.ts';
import type { LocalBackup, Store } from '../store/store.ts';

// What a backup of a DuckDB install holds (docs/data-lifecycle.md#backup-and-restore): a copy of
// the database, the journal segments acknowledged but perhaps not loaded, and every state file
// of the data directory (alert, action, budget, evaluator and privacy documents, the judge's
// queue, the content hash key). In-memory state (rollups, budget spend) is rebuilt at start.

export const MANIFEST_FILE = 'lookout-backup.json';
export const BACKUP_FORMAT = 1;
// Backups the server writes itself, under its data directory (never a path a caller names).
export const BACKUPS_DIR = 'backups';
export const BACKUP_DOC = 'docs/data-lifecycle.md#backup-and-restore';

// Not copied: the store's live entries (its database is copied through the store instead; staging
// holds files of a load in progress, whose rows are in the journal; a pending compaction is moot,
// the copy is compact), earlier backups, and temporary files (half-written documents).
const skippedBy = (backup: LocalBackup) => {
  const names = new Set([...backup.liveEntries, BACKUPS_DIR, MANIFEST_FILE]);
  return (name: string) => names.has(name) || name.endsWith('.tmp');
};

export interface BackupManifest {
  format: number;
  createdAt: string;
  database: string;
  files: string[];
}

export function localBackupOf(store: Store): LocalBackup {
  if (!store.localBackup) {
    throw new LookoutError('conflict', `lookout backup covers the embedded DuckDB store; this server stores on ${store.backend}: back it up with its own tools (${BACKUP_DOC})`);
  }
  return store.localBackup;
}

// Writes a backup of the running store and its data directory into `outDir` (created; must not
// exist). The journal is copied before the database: a segment loaded in between is then in both,
// and loading it again at start skips the rows already stored; anything acknowledged before the
// backup began is in one or the other.
export async function writeBackup(store: Store, dataDir: string, outDir: string): Promise<BackupManifest> {
  const backup = localBackupOf(store);
  const skipped = skippedBy(backup);
  if (existsSync(outDir)) throw new LookoutError('conflict', `${outDir} already exists: back up into a new directory`);
  await mkdir(outDir, { recursive: true, mode: 0o700 });
  try {
    const files: string[] = [];
    for (const name of (await readdir(dataDir)).sort()) {
      if (skipped(name)) continue;
      if (await copyLive(join(dataDir, name), join(outDir, name))) files.push(name);
    }
    await backup.backupTo(join(outDir, backup.databaseFile));
    const manifest: BackupManifest = { format: BACKUP_FORMAT, createdAt: new Date().toISOString(), database: backup.databaseFile, files };
    // Written last: a directory without it is not taken for a backup.
    await writeFile(join(outDir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`, { mode: PRIVATE_FILE_MODE });
    return manifest;
  } catch (err) {
    await rm(outDir, { recursive: true, force: true });
    throw err;
  }
}

// Copies a file, or a directory file by file, that the server may change meanwhile: a file removed
// before its turn (a journal segment loaded and deleted) is left out, the rest is copied. A
// document replaced meanwhile is copied whole, old or new (documents are replaced by rename).
async function copyLive(from: string, to: string): Promise<boolean> {
  try {
    const entries = await readdir(from, { withFileTypes: true });
    await mkdir(to, { mode: 0o700 });
    for (const e of entries) if (!e.name.endsWith('.tmp')) await copyLive(join(from, e.name), join(to, e.name));
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return false;
    if (code !== 'ENOTDIR') throw err;
  }
  try {
    await copyFile(from, to);
    await chmod(to, PRIVATE_FILE_MODE);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

export async function readManifest(dir: string): Promise<BackupManifest> {
  let text: string;
  try {
    text = await readFile(join(dir, MANIFEST_FILE), 'utf8');
  } catch {
    throw new LookoutError('invalid_argument', `${dir} is not a Lookout backup (no ${MANIFEST_FILE})`);
  }
  let manifest: BackupManifest;
  try {
    manifest = JSON.parse(text) as BackupManifest;
  } catch (err) {
    throw new LookoutError('invalid_argument', `${dir}/${MANIFEST_FILE} is not valid JSON (${(err as Error).message}): the backup is damaged`);
  }
  if (!Array.isArray(manifest.files)) throw new LookoutError('invalid_argument', `${dir}/${MANIFEST_FILE} lists no files: the backup is damaged`);
  if (manifest.format !== BACKUP_FORMAT) throw new LookoutError('invalid_argument', `${dir}: backup format ${manifest.format}, this version reads format ${BACKUP_FORMAT}`);
  for (const name of [manifest.database, ...manifest.files]) {
    // Names of the data directory's own entries: a manifest naming '../x' must not write outside it.
    if (typeof name !== 'string' || name !== basename(name) || name === '..' || name === '.') {
      throw new LookoutError('invalid_argument', `${dir}: the manifest names '${String(name)}', which is not a file of a data directory`);
    }
  }
  if (!existsSync(join(dir, manifest.database))) throw new LookoutError('invalid_argument', `${dir} has no ${manifest.database}: the backup is incomplete`);
  return manifest;
}

// Restores a backup into `dataDir`, which must be absent or empty: restoring over a live install
// would mix two histories. The server started on it loads the journal segments it holds.
export async function restoreBackup(backupDir: string, dataDir: string): Promise<BackupManifest> {
  const manifest = await readManifest(backupDir);
  if (existsSync(dataDir) && (await readdir(dataDir)).length > 0) {
    throw new LookoutError('conflict', `${dataDir} is not empty: restore into a new, empty data directory`);
  }
  ensurePrivateDir(dataDir);
  try {
    for (const name of [manifest.database, ...manifest.files]) {
      if (existsSync(join(backupDir, name))) await cp(join(backupDir, name), join(dataDir, name), { recursive: true });
    }
  } catch (err) {
    // A half-restored directory would be taken for a complete one.
    for (const name of await readdir(dataDir)) await rm(join(dataDir, name), { recursive: true, force: true });
    throw err;
  }
  return manifest;
}
