import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { Json } from '@duckdb/node-api';
import { loadConfig } from '../config/config.ts';
import { LookoutError } from '../errors.ts';
import { archiveDirOf } from '../lifecycle/archive.ts';
import { readManifest } from '../lifecycle/archive-manifest.ts';
import { queryArchive } from '../lifecycle/archive-query.ts';
import { csvLines } from '../query/formats.ts';
import { CliError } from './http.ts';

// `lookout archive query|list`: the Parquet archive read back on this machine, with no server
// (docs/data-lifecycle.md#archive).

const DEFAULT_MAX_ROWS = 1_000;
const MAX_CELL_CHARS = 80;

interface DirOptions {
  dir?: string;
  config?: string;
  dataDir?: string;
}

type Format = 'table' | 'csv' | 'json';

// --dir, else the configured retention.archive.dir, else <data dir>/archive.
function archiveDir(opts: DirOptions): string {
  if (opts.dir) return resolve(opts.dir);
  return archiveDirOf(loadConfig({ file: opts.config, flags: { dataDir: opts.dataDir } }));
}

const text = (value: unknown): string => {
  if (value === null || value === undefined) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
};

function table(columns: string[], rows: Record<string, unknown>[]): string {
  const cell = (v: unknown) => {
    const s = v === null || v === undefined ? 'NULL' : text(v).replace(/\s+/g, ' ');
    return s.length > MAX_CELL_CHARS ? `${s.slice(0, MAX_CELL_CHARS - 1)}…` : s;
  };
  const body = rows.map((r) => columns.map((c) => cell(r[c])));
  const widths = columns.map((c, i) => Math.max(c.length, ...body.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((s, i) => s.padEnd(widths[i])).join('  ').trimEnd();
  return [line(columns), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line), `(${rows.length} row${rows.length === 1 ? '' : 's'})`].join('\n') + '\n';
}

function render(format: Format, columns: string[], rows: Record<string, unknown>[]): string {
  if (format === 'csv') return csvLines(columns, rows.map((r) => columns.map((c) => (r[c] === null || r[c] === undefined ? null : text(r[c])))));
  if (format === 'json') return `${JSON.stringify(rows, null, 2)}\n`;
  return table(columns, rows);
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number >= 1');
  return n;
}

async function asCliError<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof LookoutError && !(err instanceof CliError)) throw new CliError(err.message, { cause: err });
    throw err;
  }
}

export function registerArchiveCommands(program: Command): void {
  const archive = program.command('archive').description('read the Parquet archive of closed days (spans, scores, logs) on this machine');
  const dirOptions = (command: Command) =>
    command
      .option('--dir <dir>', 'archive directory (default: retention.archive.dir, else <data dir>/archive)')
      .option('-c, --config <file>', 'config file naming the archive or data directory')
      .option('-d, --data-dir <dir>', 'data directory whose archive/ to read');
  const formatOption = () => new Option('--format <format>', 'output format').choices(['table', 'csv', 'json']).default('table');

  dirOptions(
    archive
      .command('query')
      .description('run one read-only SQL query (DuckDB) over the views spans, scores and logs; `project` and `date` come from the layout')
      .argument('<sql>', 'e.g. "SELECT date, sum(cost_usd) FROM spans GROUP BY date ORDER BY date"'),
  )
    .addOption(formatOption())
    .addOption(new Option('--max-rows <n>', 'print at most this many rows').argParser(positiveInt).default(DEFAULT_MAX_ROWS))
    .action(async (sql: string, opts: DirOptions & { format: Format; maxRows: number }) => {
      const result = await asCliError(() => queryArchive(archiveDir(opts), sql, opts.maxRows));
      process.stdout.write(render(opts.format, result.columns, result.rows as Record<string, Json>[]));
      if (result.truncated) process.stderr.write(`lookout: showing the first ${opts.maxRows} rows; add a LIMIT or raise --max-rows\n`);
    });

  dirOptions(archive.command('list').description('list the archived files from the manifest: project, day, kind, rows, bytes, sha256'))
    .addOption(formatOption())
    .action(async (opts: DirOptions & { format: Format }) => {
      const dir = archiveDir(opts);
      if (!existsSync(dir)) throw new CliError(`no archive at ${dir} (give --dir, or turn retention.archive.enabled on)`);
      const manifest = await readManifest(dir);
      const files = [...manifest.files].sort((a, b) => a.project.localeCompare(b.project) || a.date.localeCompare(b.date) || a.kind.localeCompare(b.kind));
      const columns = ['project', 'date', 'kind', 'rows', 'bytes', 'sha256', 'writtenAt'];
      if (opts.format === 'json') process.stdout.write(`${JSON.stringify(manifest, null, 2)}\n`);
      else process.stdout.write(render(opts.format, columns, files as unknown as Record<string, unknown>[]));
    });
}
