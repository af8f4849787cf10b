import type { Command, Option } from 'commander';
import type { Answer } from '@lookout/client';
import { answer, apiClient, CliError, type ApiTarget } from './http.ts';
import { formatTable, type ReportColumn } from './report-format.ts';

// `lookout audit`: the audit log of a running server (docs/audit.md), newest first, as a table or
// JSONL (one entry per line), paging through GET /api/v1/audit up to --limit entries.

type Page = Answer<'/api/v1/audit'>;
type Entry = Page['entries'][number];
type Write = (text: string) => void;

// The API's largest page, and the most entries one command prints.
const PAGE = 1000;
export const MAX_CLI_ENTRIES = 100_000;

export interface AuditOptions extends ApiTarget {
  from?: string;
  to?: string;
  actor?: string;
  action?: string;
  project?: string;
  limit?: string;
  jsonl?: boolean;
}

const COLUMNS: ReportColumn[] = [
  { key: 'at', header: 'time', format: 'text' },
  { key: 'who', header: 'actor', format: 'text' },
  { key: 'action', header: 'action', format: 'text' },
  { key: 'target', header: 'target', format: 'text' },
  { key: 'ip', header: 'from', format: 'text' },
  { key: 'status', header: 'status', format: 'text' },
  { key: 'projectId', header: 'project', format: 'text' },
];

// Who made an entry, in a few words: a person's email, a key's id, the keyless operator.
export function actorLabel(actor: Entry['actor']): string {
  if (actor.kind === 'user') return actor.email ?? (actor.id ? `user ${actor.id}` : 'user (not signed in)');
  if (actor.kind === 'key') return actor.id ? `key ${actor.id}` : 'key (not recognised)';
  if (actor.kind === 'local') return 'local operator';
  return 'lookout';
}

function limitOf(text: string | undefined): number {
  if (text === undefined) return 100;
  if (!/^\d+$/.test(text.trim()) || Number(text) < 1 || Number(text) > MAX_CLI_ENTRIES) throw new CliError(`--limit ${text}: give a whole number from 1 to ${MAX_CLI_ENTRIES}`);
  return Number(text);
}

export async function runAudit(opts: AuditOptions, write: Write): Promise<void> {
  const max = limitOf(opts.limit);
  const api = apiClient(opts);
  const rows: Entry[] = [];
  let before: string | undefined;
  let first: Page | null = null;
  while (rows.length < max) {
    const page = await answer(
      api.GET('/api/v1/audit', {
        params: {
          query: {
            from: opts.from,
            to: opts.to,
            actor: opts.actor,
            action: opts.action,
            project: opts.project,
            limit: Math.min(PAGE, max - rows.length),
            before,
          },
        },
      }),
    );
    first ??= page;
    for (const e of page.entries) {
      if (opts.jsonl) write(`${JSON.stringify(e)}\n`);
      else rows.push(e);
    }
    if (opts.jsonl) rows.push(...page.entries);
    if (page.next === null || page.entries.length === 0) break;
    before = page.next;
  }
  if (opts.jsonl) return;
  write(`Audit log, ${first?.from ?? ''} to ${first?.to ?? ''}, newest first\n`);
  if (rows.length === 0) {
    write('No entries in this range.\n');
    return;
  }
  write(formatTable(COLUMNS, rows.map((e) => ({ ...e, at: e.at.replace(/\.\d{3}Z$/, 'Z'), who: actorLabel(e.actor), target: e.target ?? '', ip: e.ip ?? '', status: String(e.status) }))));
}

export function registerAuditCommand(program: Command, options: { urlOption: () => Option; keyOption: () => Option }): void {
  program
    .command('audit')
    .description('the audit log: who changed what, when and from where (an admin key; the operator may pass --project or --project "*")')
    .option('--from <time>', "start: an instant or a duration back from now ('7d'); default 30 days before --to")
    .option('--to <time>', 'end: an instant or a duration back from now; default now')
    .option('--actor <who>', 'a user id, key id or email')
    .option('--action <action>', "an action ('budgets.update') or a prefix ending in '.' ('budgets.')")
    .option('--project <id>', "another project's entries, or '*' for every project (operator)")
    .option('--limit <n>', `entries at most (default 100, at most ${MAX_CLI_ENTRIES})`)
    .option('--jsonl', 'one JSON entry per line instead of a table')
    .addOption(options.urlOption())
    .addOption(options.keyOption())
    .action(async (opts: AuditOptions) => {
      await runAudit(opts, (text) => void process.stdout.write(text));
    });
}
