// Looking for text a test planted in what a Lookout server keeps in its data dir.
//
// Two views, because neither is enough alone: the bytes of every file (the journal segments,
// staging files, state files and DuckDB's write-ahead log hold text as it came), and the rows of
// the database (DuckDB compresses strings when it checkpoints, so the bytes of lookout.duckdb no
// longer show a stored value).
import { watch, type FSWatcher } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

// Every file under `dir` that holds `marker`, read as bytes (the database is binary).
export async function filesHolding(dir: string, marker: string): Promise<string[]> {
  const found = await filesHoldingAny(dir, { marker });
  return found.map((f) => join(dir, f.file));
}

// Which of the named values appear in which file under `dir`, as bytes; files by their path
// relative to `dir`.
export async function filesHoldingAny(dir: string, values: Readonly<Record<string, string>>): Promise<{ file: string; value: string }[]> {
  const needles = Object.entries(values).map(([name, text]) => [name, Buffer.from(text)] as const);
  const found: { file: string; value: string }[] = [];
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const bytes = await readFile(path).catch(() => null); // a journal segment may be deleted meanwhile
    if (bytes === null) continue;
    for (const [name, needle] of needles) if (bytes.includes(needle)) found.push({ file: relative(dir, path), value: name });
  }
  return found;
}

// Which of the named values appear in which table of a DuckDB file, searched row by row over the
// whole row as text (every column, nested values included). The server must be stopped: the file
// is opened read-only, which DuckDB refuses while another process holds it.
export async function tablesHolding(databasePath: string, values: Readonly<Record<string, string>>): Promise<{ table: string; value: string; rows: number }[]> {
  const instance = await DuckDBInstance.create(databasePath, { access_mode: 'READ_ONLY' });
  const connection = await instance.connect();
  try {
    const tables = (await connection.runAndReadAll("SELECT schema_name, table_name FROM duckdb_tables() WHERE NOT internal")).getRows() as [string, string][];
    const found: { table: string; value: string; rows: number }[] = [];
    for (const [schema, table] of tables) {
      const name = `"${schema.replaceAll('"', '""')}"."${table.replaceAll('"', '""')}"`;
      for (const [value, text] of Object.entries(values)) {
        const reader = await connection.runAndReadAll(`SELECT count(*) FROM ${name} AS r WHERE strpos(CAST(r AS VARCHAR), $text) > 0`, { text });
        const rows = Number(reader.getRows()[0]![0]);
        if (rows > 0) found.push({ table: `${schema}.${table}`, value, rows });
      }
    }
    return found;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

// What files in `dir` held at the moments they changed, read as soon as the change is seen: for
// files that live briefly (a journal segment is deleted once loaded), so that a search sees what
// they held even when they are gone by the time it runs.
export class WriteCapture {
  private readonly seen: { file: string; bytes: Buffer }[] = [];
  private readonly reads = new Set<Promise<void>>();
  private readonly watcher: FSWatcher;

  constructor(dir: string) {
    this.watcher = watch(dir, (_event, name) => {
      if (name === null) return;
      const read = readFile(join(dir, name))
        .then((bytes) => void this.seen.push({ file: name, bytes }))
        .catch(() => {}) // already deleted
        .finally(() => this.reads.delete(read));
      this.reads.add(read);
    });
  }

  async close(): Promise<void> {
    this.watcher.close();
    await Promise.all(this.reads);
  }

  // Which of the named values were seen in which file.
  holding(values: Readonly<Record<string, string>>): { file: string; value: string }[] {
    const found = new Map<string, { file: string; value: string }>();
    for (const { file, bytes } of this.seen) {
      for (const [value, text] of Object.entries(values)) if (bytes.includes(Buffer.from(text))) found.set(`${file}\0${value}`, { file, value });
    }
    return [...found.values()];
  }
}
