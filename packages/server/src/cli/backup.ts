import { existsSync } from 'node:fs';
import { cp, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command, Option } from 'commander';
import { BACKUP_DOC, restoreBackup, writeBackup } from '../backup/backup.ts';
import { loadConfig } from '../config/config.ts';
import { LookoutError } from '../errors.ts';
import { PRIVATE_UMASK } from '../state/private-files.ts';
import { openStore } from '../store/open.ts';
import { answer, apiClient, CliError, isServerDown, type ApiTarget } from './http.ts';

interface BackupOptions extends ApiTarget {
  out: string;
  dataDir?: string;
  config?: string;
}

// Through the running server when there is one (it owns the database); else on the data
// directory directly.
async function backup(opts: BackupOptions, log: (line: string) => void): Promise<void> {
  const out = resolve(opts.out);
  if (existsSync(out)) throw new CliError(`--out ${opts.out} already exists: back up into a new directory`);
  let written: { dir: string } | null = null;
  try {
    written = await answer(apiClient(opts).POST('/api/v1/admin/backup'));
  } catch (err) {
    if (!isServerDown(err)) throw err;
  }
  if (written !== null) {
    try {
      await cp(written.dir, out, { recursive: true });
    } catch (err) {
      throw new CliError(`the server wrote the backup to ${written.dir} (on its machine), but it could not be copied to ${out}: ${(err as Error).message}`);
    }
    await rm(written.dir, { recursive: true, force: true });
    log(`backed up the running server into ${out}`);
    return;
  }
  const config = loadConfig({ file: opts.config, flags: { dataDir: opts.dataDir } });
  if (config.storage.backend !== 'duckdb') throw new CliError(`lookout backup covers the embedded DuckDB store; ClickHouse is backed up with its own tools (${BACKUP_DOC})`);
  log(`no server at ${opts.url}; backing up ${config.dataDir} directly`);
  process.umask(PRIVATE_UMASK);
  const store = await openStore(config);
  try {
    await writeBackup(store, config.dataDir, out);
  } finally {
    await store.close();
  }
  log(`backed up ${config.dataDir} into ${out}`);
}

export function registerBackupCommands(program: Command, options: { urlOption: () => Option; keyOption: () => Option }): void {
  const log = (line: string) => void process.stderr.write(`${line}\n`);
  program
    .command('backup')
    .description('back up a DuckDB install, running or not, into a new directory (ClickHouse: see docs/data-lifecycle.md)')
    .requiredOption('--out <dir>', 'directory to create for the backup')
    .addOption(options.urlOption())
    .addOption(options.keyOption())
    .option('-c, --config <file>', 'config file, used when no server is running')
    .option('-d, --data-dir <dir>', 'data directory, used when no server is running')
    .action(async (opts: BackupOptions) => {
      await asCliError(() => backup(opts, log));
    });
  program
    .command('restore')
    .description('restore a backup into a new, empty data directory; then start lookout serve on it')
    .argument('<dir>', 'backup directory (made by lookout backup)')
    .requiredOption('-d, --data-dir <dir>', 'the data directory to create (absent or empty)')
    .action(async (dir: string, opts: { dataDir: string }) => {
      process.umask(PRIVATE_UMASK);
      const manifest = await asCliError(() => restoreBackup(resolve(dir), resolve(opts.dataDir)));
      log(`restored the backup of ${manifest.createdAt} into ${opts.dataDir}: start lookout serve --data-dir ${opts.dataDir}`);
    });
}

async function asCliError<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof LookoutError && !(err instanceof CliError)) throw new CliError(err.message, { cause: err });
    throw err;
  }
}
