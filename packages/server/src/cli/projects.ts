import type { Command, Option } from 'commander';
import type { Answer } from '@lookout/client';
import { PROJECT_ID_PATTERN } from '../server/routes/admin.ts';
import { answer, apiClient, CliError, type ApiTarget } from './http.ts';

// `lookout projects list` and `lookout projects delete ID --yes`: a project's deletion through a
// running server (the operator's key, or an admin key of that project), followed until it ends.

const POLL_EVERY_MS = 500;
// How long the DELETE request itself waits for the deletion (the server's limit).
const REQUEST_WAIT_SECONDS = 60;

export interface DeleteProjectOptions extends ApiTarget {
  yes?: boolean;
  wait: boolean;
}

type Deletion = Answer<'/api/v1/project-deletions/{id}', 'get'>['deletion'];

export function describeDeletion(d: Deletion): string {
  const parts = [`project ${d.project}: deletion ${d.id} ${d.status}`];
  if (d.counts) parts.push(`spans ${d.counts.spans}, scores ${d.counts.scores}, logs ${d.counts.logs}, metric points ${d.counts.metricPoints}, hourly totals ${d.counts.rollupHours}`);
  if (d.error) parts.push(d.error);
  if (d.status === 'done' && d.compactsOnStop) parts.push('the database file is rewritten without the deleted rows when the server stops');
  return parts.join('; ');
}

export async function deleteProject(id: string, opts: DeleteProjectOptions, log: (line: string) => void, sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))): Promise<Deletion> {
  if (!PROJECT_ID_PATTERN.test(id)) throw new CliError(`project '${id}': use 1-63 characters of a-z, 0-9, _ and -`);
  if (!opts.yes) {
    throw new CliError(`deleting project '${id}' removes its traces, scores, logs, API keys, budgets, alert rules, evaluators and settings for good: add --yes to go ahead`);
  }
  const api = apiClient(opts);
  let { deletion } = await answer(api.DELETE('/api/v1/projects/{id}', { params: { path: { id }, query: { wait: opts.wait ? REQUEST_WAIT_SECONDS : 0 } } }));
  log(describeDeletion(deletion));
  while (opts.wait && deletion.status === 'running') {
    await sleep(POLL_EVERY_MS);
    try {
      ({ deletion } = await answer(api.GET('/api/v1/project-deletions/{id}', { params: { path: { id: deletion.id } } })));
    } catch (err) {
      // A project admin's key went with the project: only the operator can follow it further.
      if (err instanceof CliError && (err.code === 'unauthorized' || err.code === 'forbidden')) {
        log(`the deletion goes on in the server; the key used was deleted with the project, so follow it with the operator's key: GET /api/v1/project-deletions/${deletion.id}`);
        return deletion;
      }
      throw err;
    }
    if (deletion.status !== 'running') log(describeDeletion(deletion));
  }
  if (deletion.status === 'failed') throw new CliError(`deleting project ${id} failed: ${deletion.error ?? 'no reason given'}; run the command again to retry`, { code: 'internal' });
  return deletion;
}

export function registerProjectsCommand(program: Command, options: { urlOption: () => Option; keyOption: () => Option }): void {
  const projects = program.command('projects').description('projects: list, delete');
  projects
    .command('list')
    .description('list the projects (every project with the operator key, else the key\'s own)')
    .addOption(options.urlOption())
    .addOption(options.keyOption())
    .action(async (opts: ApiTarget) => {
      const res = await answer(apiClient(opts).GET('/api/v1/projects'));
      for (const p of res.projects) process.stdout.write(`${p.id}\t${p.name}\t${p.createdAt}\t${p.contentCapture}\n`);
    });
  projects
    .command('delete')
    .description('delete a project: its records, API keys, budgets, alert rules, evaluators and settings (operator key, or an admin key of the project); see docs/data-lifecycle.md#deleting-a-project')
    .argument('<id>', 'the project id')
    .option('--yes', 'confirm: the deletion cannot be undone')
    .option('--no-wait', 'return once the deletion has started')
    .addOption(options.urlOption())
    .addOption(options.keyOption())
    .action(async (id: string, opts: DeleteProjectOptions) => {
      await deleteProject(id, opts, (line) => void process.stdout.write(`${line}\n`));
    });
}
