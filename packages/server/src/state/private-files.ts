import { chmodSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

// Everything under the data directory can hold prompts, responses and key hashes, so it is for
// the server's own user only, whatever the umask: directories 0700, files 0600.
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

const GROUP_OTHER_BITS = 0o077;

// Creates `dir` (and missing parents) 0700; an existing one that others could read, left by an
// older version or made by hand, is tightened. Returns whether an existing directory was changed,
// so that the caller can say so.
export function ensurePrivateDir(dir: string): boolean {
  const made = mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  // mkdir's mode is reduced by the umask, and only applies to what it created.
  if (made !== undefined) {
    chmodSync(dir, PRIVATE_DIR_MODE);
    return false;
  }
  return tighten(dir, PRIVATE_DIR_MODE);
}

// Tightens a file to 0600 when group or others have any access; a missing file is left missing.
// Returns whether it changed.
export function tightenPrivateFile(path: string): boolean {
  return tighten(path, PRIVATE_FILE_MODE);
}

function tighten(path: string, mode: number): boolean {
  let current: number;
  try {
    current = statSync(path).mode & 0o777;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
  if ((current & GROUP_OTHER_BITS) === 0) return false;
  chmodSync(path, mode);
  return true;
}

// The umask every file the server makes should get: nothing for group or others. Files DuckDB
// makes itself (the write-ahead log after each checkpoint) only get a mode this way.
export const PRIVATE_UMASK = 0o077;

// Makes a data directory private along with what Lookout keeps in it: directories 0700, files
// 0600. For a directory written by an older version under a umask of 022. Only Lookout's own
// entries are touched, in case the directory is shared with other things. Returns the paths changed.
const OWN_FILE = /^(lookout\.duckdb(\.wal)?|[\w-]+\.json(\.tmp)?|[\w-]+\.key)$/;
const OWN_DIRS = new Set(['journal', 'staging']);

export function tightenDataDir(dir: string): string[] {
  const changed: string[] = [];
  if (ensurePrivateDir(dir)) changed.push(dir);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isFile() && OWN_FILE.test(entry.name)) {
      if (tightenPrivateFile(path)) changed.push(path);
    } else if (entry.isDirectory() && OWN_DIRS.has(entry.name)) {
      if (ensurePrivateDir(path)) changed.push(path);
      for (const inner of readdirSync(path, { withFileTypes: true })) {
        if (inner.isFile() && tightenPrivateFile(join(path, inner.name))) changed.push(join(path, inner.name));
      }
    }
  }
  return changed;
}
