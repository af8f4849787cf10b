import type { Command, Option } from 'commander';
import type { Answer, Body } from '@lookout/client';
import { answer, apiClient, CliError, type ApiTarget } from './http.ts';
import { formatTable, type ReportColumn } from './report-format.ts';

// `lookout retention show|set|run`: the retention tiers of the project of --key on a running
// server (docs/data-lifecycle.md#retention).

type Retention = Answer<'/api/v1/project/retention'>;
type Run = Answer<'/api/v1/project/retention/run', 'post'>;
type RetentionBody = Body<'/api/v1/project/retention', 'put'>;
type Write = (text: string) => void;

// The tiers as the flags name them, each with the API's field.
const TIERS = { content: 'contentDays', spans: 'spansDays', rollups: 'rollupsDays' } as const;
type Tier = keyof typeof TIERS;
const TIER_NAMES = Object.keys(TIERS) as Tier[];

export interface ShowRetentionOptions extends ApiTarget {
  json?: boolean;
}

export interface SetRetentionOptions extends ApiTarget {
  content?: string;
  spans?: string;
  rollups?: string;
  default?: string;
}

const isTier = (name: string): name is Tier => Object.hasOwn(TIERS, name);

// The PUT body of `retention set`: days are checked to be whole numbers here (a value JSON would
// turn into null would reset the tier); their range and order are the server's to judge.
export function retentionBody(opts: Omit<SetRetentionOptions, keyof ApiTarget>): RetentionBody {
  const body: RetentionBody = {};
  for (const tier of TIER_NAMES) {
    const value = opts[tier];
    if (value === undefined) continue;
    if (!/^\d+$/.test(value.trim())) throw new CliError(`--${tier} ${value}: give a whole number of days`);
    body[TIERS[tier]] = Number(value);
  }
  if (opts.default !== undefined) {
    const names = opts.default.split(',').map((n) => n.trim());
    for (const name of names) {
      if (!isTier(name)) throw new CliError(`--default ${opts.default}: '${name}' is not a tier; use ${TIER_NAMES.join(', ')}`);
      if (opts[name] !== undefined) throw new CliError(`--${name} and --default ${name}: give one or the other`);
      body[TIERS[name]] = null;
    }
  }
  if (Object.keys(body).length === 0) throw new CliError(`nothing to set: give --content, --spans, --rollups (days) or --default ${TIER_NAMES.join(',')}`);
  return body;
}

const TIER_COLUMNS: ReportColumn[] = [
  { key: 'tier', header: 'tier', format: 'text' },
  { key: 'days', header: 'days', format: 'count' },
  { key: 'source', header: 'source', format: 'text' },
  { key: 'defaultDays', header: 'default', format: 'count' },
  { key: 'before', header: 'a run now removes data before', format: 'text' },
];

const CUTOFF_OF: Record<Tier, keyof Retention['cutoffs']> = { content: 'contentBefore', spans: 'spansBefore', rollups: 'rollupsBefore' };

export function describeRun(run: Run): string {
  const { contentStripped: c, deleted: d } = run;
  const archived = run.archivedDays === null ? 'archive off' : `${run.archivedDays} days archived`;
  return (
    `retention run (${run.trigger}) at ${run.startedAt}, ${run.durationMs} ms: content stripped from ${c.spans} spans and ${c.logs} logs; ` +
    `deleted ${d.spans} spans, ${d.scores} scores, ${d.logs} logs, ${d.metricPoints} metric points, ${d.rollupHours} hours of totals; ${archived}` +
    (run.error === null ? '' : `; failed: ${run.error}`)
  );
}

export function formatRetention(r: Retention): string {
  const rows = TIER_NAMES.map((tier) => ({
    tier,
    days: r[TIERS[tier]],
    source: r.isDefault[TIERS[tier]] ? 'default' : 'project',
    defaultDays: r.defaults[TIERS[tier]],
    before: r.cutoffs[CUTOFF_OF[tier]],
  }));
  const lines = [
    `spans from:   ${r.spansFrom ?? 'none removed yet'}`,
    `rollups from: ${r.rollupsFrom ?? 'none removed yet'}`,
    `archive:      ${r.archive.enabled ? 'on' : 'off'}`,
    `last run:     ${r.lastRun === null ? 'none yet' : describeRun(r.lastRun)}`,
  ];
  if (!r.enforced) lines.push('this store does not enforce retention: it keeps everything');
  return `${formatTable(TIER_COLUMNS, rows)}\n${lines.join('\n')}\n`;
}

export async function showRetention(opts: ShowRetentionOptions, write: Write): Promise<Retention> {
  const r = await answer(apiClient(opts).GET('/api/v1/project/retention'));
  write(opts.json ? `${JSON.stringify(r, null, 2)}\n` : formatRetention(r));
  return r;
}

export async function setRetention(opts: SetRetentionOptions, write: Write): Promise<Retention> {
  const body = retentionBody(opts);
  const r = await answer(apiClient(opts).PUT('/api/v1/project/retention', { body }));
  write(formatRetention(r));
  return r;
}

export async function runRetention(opts: ShowRetentionOptions, write: Write): Promise<Run> {
  const run = await answer(apiClient(opts).POST('/api/v1/project/retention/run'));
  write(opts.json ? `${JSON.stringify(run, null, 2)}\n` : `${describeRun(run)}\n`);
  return run;
}

export function registerRetentionCommands(program: Command, options: { urlOption: () => Option; keyOption: () => Option }): void {
  const write: Write = (text) => void process.stdout.write(text);
  const retention = program.command('retention').description("the project's retention tiers: show, set, run; see docs/data-lifecycle.md#retention");
  retention
    .command('show')
    .description("the project's tiers (which follow the defaults), the cutoffs a run now applies, how far back data remains, the archive and the last run")
    .option('--json', 'print the API answer as JSON')
    .addOption(options.urlOption())
    .addOption(options.keyOption())
    .action(async (opts: ShowRetentionOptions) => {
      await showRetention(opts, write);
    });
  retention
    .command('set')
    .description('set the project\'s own tiers (an admin key); they must keep content ≤ spans ≤ rollups, and apply at the next run')
    .option('--content <days>', 'days spans and logs keep their prompt and response content (hot)')
    .option('--spans <days>', 'days spans, scores, logs and metric points are kept (warm)')
    .option('--rollups <days>', 'days the hourly totals are kept (cold)')
    .option('--default <tiers>', 'tiers that go back to the configured default, e.g. content,spans')
    .addOption(options.urlOption())
    .addOption(options.keyOption())
    .action(async (opts: SetRetentionOptions) => {
      await setRetention(opts, write);
    });
  retention
    .command('run')
    .description('run the retention job for the project now (an admin key) and print what it removed')
    .option('--json', 'print the API answer as JSON')
    .addOption(options.urlOption())
    .addOption(options.keyOption())
    .action(async (opts: ShowRetentionOptions) => {
      await runRetention(opts, write);
    });
}
