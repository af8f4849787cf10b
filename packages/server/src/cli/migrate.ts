import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import { loadConfig, type LookoutConfig } from '../config/config.ts';
import { LookoutError } from '../errors.ts';
import { HASH_KEY_FILE, shareKeyFile } from '../ingest/content-policy.ts';
import { Journal } from '../ingest/journal.ts';
import { PRIVATE_UMASK } from '../state/private-files.ts';
import { copyStore, COPY_KINDS, type CopyKind, type CopyProgress, type CopyReport } from '../store/copy.ts';
import { embeddedDatabaseExists, openStore } from '../store/open.ts';
import type { LoadFiles, Store } from '../store/store.ts';
import { CliError } from './http.ts';

// `lookout migrate --to clickhouse`: copies the DuckDB store of the data directory into the
// ClickHouse the LOOKOUT_CLICKHOUSE_* settings name. Safe to run again: what is there already is
// skipped, so an interrupted run is finished by running it once more.

type Write = (text: string) => void;

// A progress line per this many records of a kind (and one when the kind is done).
const PROGRESS_EVERY_ROWS = 50_000;

const LABELS: Record<CopyKind, string> = {
  projects: 'projects',
  priceOverrides: 'price overrides',
  apiKeys: 'API keys',
  spans: 'spans',
  scores: 'scores',
  logs: 'logs',
  metricPoints: 'metric points',
  promptVersions: 'prompt versions',
  promptLabels: 'prompt labels',
  users: 'users',
  auditEntries: 'audit entries',
};

export interface MigrateOptions {
  to: 'clickhouse';
  config?: string;
  dataDir?: string;
}

// Where the target is, without credentials a URL may carry.
function shown(urls: string[]): string {
  return urls.map((u) => new URL(u).origin).join(', ');
}

export async function runMigrate(opts: MigrateOptions, out: { stdout: Write; stderr: Write }): Promise<CopyReport> {
  const config = loadConfig({ file: opts.config, flags: { dataDir: opts.dataDir } });
  if (!embeddedDatabaseExists(config.dataDir)) {
    throw new CliError(`no DuckDB database in ${config.dataDir}: point LOOKOUT_DATA_DIR (or --data-dir) at the data directory of the install to move`);
  }
  const ch = config.storage.clickhouse;
  if (!ch.url.length) {
    throw new CliError('no ClickHouse to move to: set LOOKOUT_CLICKHOUSE_URL (storage.clickhouse.url), e.g. http://clickhouse:8123, and the other LOOKOUT_CLICKHOUSE_* settings Lookout will run with');
  }
  const target = await openTarget(config);
  try {
    // The database's files, including a write-ahead log DuckDB makes anew, are the server's only.
    process.umask(PRIVATE_UMASK);
    const source = await openSource(config);
    try {
      const replayed = await loadJournal(config.dataDir, source);
      if (replayed) out.stderr(`loaded ${replayed} journal segments the last run left into DuckDB first\n`);
      out.stderr(`copying ${config.dataDir} to ClickHouse at ${shown(ch.url)}, database ${ch.database}\n`);
      const reported = new Map<CopyKind, number>();
      const report = await copyStore(source, target, {
        onProgress: (p: CopyProgress) => {
          const rows = p.copied + p.skipped;
          if (!p.done && rows - (reported.get(p.kind) ?? 0) < PROGRESS_EVERY_ROWS) return;
          reported.set(p.kind, rows);
          out.stderr(`${LABELS[p.kind]}: ${p.copied} copied, ${p.skipped} already there${p.done ? '' : ' ...'}\n`);
        },
      });
      const state = await moveState(config.dataDir, target);
      out.stdout(summary(report, config, state));
      return report;
    } finally {
      await source.close();
    }
  } finally {
    await target.close();
  }
}

async function openTarget(config: LookoutConfig): Promise<Store> {
  const ch = config.storage.clickhouse;
  try {
    return await openStore({ dataDir: config.dataDir, storage: { ...config.storage, backend: 'clickhouse' } });
  } catch (err) {
    const unreachable = err instanceof LookoutError && err.code === 'store_unavailable';
    const settings = unreachable ? 'LOOKOUT_CLICKHOUSE_URL' : 'LOOKOUT_CLICKHOUSE_URL, LOOKOUT_CLICKHOUSE_USER, LOOKOUT_CLICKHOUSE_PASSWORD, LOOKOUT_CLICKHOUSE_DATABASE';
    throw new CliError(`cannot use ClickHouse at ${shown(ch.url)} (check ${settings}): ${(err as Error).message}`, { code: 'store_unavailable', cause: err });
  }
}

async function openSource(config: LookoutConfig): Promise<Store> {
  try {
    return await openStore({ dataDir: config.dataDir, storage: { ...config.storage, backend: 'duckdb' } });
  } catch (err) {
    // DuckDB lets one process at a time open a database file.
    if (/lock/i.test((err as Error).message)) {
      throw new CliError(`the DuckDB database in ${config.dataDir} is in use (is lookout serve running on it?): stop that process, then migrate`, { cause: err });
    }
    throw err;
  }
}

// Segments a crash left in the journal are in DuckDB's load format: they are loaded into DuckDB
// (as the server would at its next start) so that they are copied with the rest.
async function loadJournal(dataDir: string, source: Store): Promise<number> {
  const journal = await Journal.open(join(dataDir, 'journal'));
  const leftovers = journal.takeLeftovers();
  if (!leftovers.length) return 0;
  const files: LoadFiles = { spans: [], scores: [], logs: [] };
  for (const seg of leftovers) for (const kind of ['spans', 'scores', 'logs'] as const) files[kind].push(...seg.files[kind]);
  await source.load(files, null, { replay: true });
  await journal.remove(leftovers);
  return leftovers.length;
}

interface MovedState {
  hashKey: 'copied' | 'present' | 'none';
  budgets: 'copied' | 'present' | 'none';
  // State files of this install that nodes on ClickHouse do not read.
  notMoved: string[];
}

// What the nodes on ClickHouse read from the store instead of the data directory: the content
// hash key (so stored hashes keep matching) and the budget definitions. Alert state, silences,
// rules made through the API and automated actions are kept in another form there and are not
// carried over: they are listed so the operator can make them again.
async function moveState(dataDir: string, target: Store): Promise<MovedState> {
  const documents = target.documents;
  if (!documents) throw new Error('the ClickHouse store keeps no shared documents');
  const hashKey = await shareKeyFile(documents, join(dataDir, HASH_KEY_FILE));
  let budgets: MovedState['budgets'] = 'none';
  if ((await documents.read('budgets')) !== null) budgets = 'present';
  else if (existsSync(join(dataDir, 'budgets.json'))) {
    await documents.write('budgets', await readFile(join(dataDir, 'budgets.json'), 'utf8'));
    budgets = 'copied';
  }
  const notMoved = ['alerts.json', 'actions.json'].filter((f) => existsSync(join(dataDir, f)));
  return { hashKey, budgets, notMoved };
}

const MOVED: Record<MovedState['budgets'], string> = { copied: 'copied', present: 'already there', none: 'none in this install' };

function summary(report: CopyReport, config: LookoutConfig, state: MovedState): string {
  const width = Math.max(...COPY_KINDS.map((k) => LABELS[k].length));
  const lines = COPY_KINDS.map((k) => `  ${LABELS[k].padEnd(width)}  ${String(report[k].copied).padStart(10)} copied  ${String(report[k].skipped).padStart(10)} already there`);
  return [
    `moved to ClickHouse (database ${config.storage.clickhouse.database}):`,
    ...lines,
    '',
    `  ${'content hash key'.padEnd(width)}  ${MOVED[state.hashKey]}`,
    `  ${'budgets'.padEnd(width)}  ${MOVED[state.budgets]}`,
    ...(state.notMoved.length
      ? [
          '',
          `Not moved: ${state.notMoved.join(', ')} (alert state, silences, alert rules made through the API, automated actions). Nodes on ClickHouse keep these in the store; make silences and API rules again there.`,
        ]
      : []),
    '',
    'To run on ClickHouse from now on, start Lookout with LOOKOUT_STORAGE=clickhouse and the same LOOKOUT_CLICKHOUSE_* settings.',
    `The DuckDB database in ${config.dataDir} is left as it was.`,
    '',
  ].join('\n');
}

export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('copy the DuckDB store of the data directory into ClickHouse (LOOKOUT_CLICKHOUSE_*); safe to run again')
    .addOption(new Option('--to <backend>', 'the store to move to').choices(['clickhouse']).makeOptionMandatory())
    .option('-c, --config <file>', 'config file (YAML or JSON); also LOOKOUT_CONFIG')
    .option('-d, --data-dir <dir>', 'data directory of the install to move (default ./lookout-data; LOOKOUT_DATA_DIR)')
    .action(async (opts: MigrateOptions) => {
      await runMigrate(opts, { stdout: (t) => void process.stdout.write(t), stderr: (t) => void process.stderr.write(t) });
    });
}
