import type { Command, Option } from 'commander';
import type { Answer } from '@lookout/client';
import { answer, apiClient, CliError, type ApiTarget } from './http.ts';

// `lookout erase --user ID | --session ID | --trace ID`: asks the server for an erasure and prints
// the job; with --wait, polls it until it has ended.

const POLL_EVERY_MS = 500;

export interface EraseOptions extends ApiTarget {
  user?: string;
  session?: string;
  trace?: string;
  project?: string;
  wait?: boolean;
}

type Job = Answer<'/api/v1/erasure/{id}', 'get'>;

export function eraseBody(opts: Pick<EraseOptions, 'user' | 'session' | 'trace'>): { userId: string } | { sessionId: string } | { traceId: string } {
  const given = [opts.user, opts.session, opts.trace].filter((v) => v !== undefined);
  if (given.length !== 1) throw new CliError('give exactly one of --user, --session or --trace');
  if (opts.user !== undefined) return { userId: opts.user };
  if (opts.session !== undefined) return { sessionId: opts.session };
  return { traceId: opts.trace! };
}

export function describeJob(job: Pick<Job, 'id' | 'status'> & Partial<Job>): string {
  const parts = [`erasure ${job.id}: ${job.status}`];
  if (job.counts) parts.push(`spans ${job.counts.spans}, scores ${job.counts.scores}, logs ${job.counts.logs}, metric points ${job.counts.metricPoints}, hourly totals ${job.counts.rollupHours}`);
  if (job.error) parts.push(job.error);
  if (job.status === 'done' && job.compactsOnStop) parts.push('the database file is rewritten without the erased rows when the server stops');
  return parts.join('; ');
}

export async function erase(opts: EraseOptions, log: (line: string) => void, sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))): Promise<Job | null> {
  const body = eraseBody(opts);
  const api = apiClient(opts);
  const query = opts.project === undefined ? {} : { project: opts.project };
  const started = await answer(api.POST('/api/v1/erasure', { params: { query }, body }));
  log(describeJob(started));
  if (!opts.wait) return null;
  for (;;) {
    const job = await answer(api.GET('/api/v1/erasure/{id}', { params: { path: { id: started.id }, query } }));
    if (job.status !== 'running') {
      log(describeJob(job));
      if (job.status === 'failed') throw new CliError(`erasure ${job.id} failed: ${job.error ?? 'no reason given'}`, { code: 'internal' });
      return job;
    }
    await sleep(POLL_EVERY_MS);
  }
}

export function registerEraseCommand(program: Command, options: { urlOption: () => Option; keyOption: () => Option }): void {
  program
    .command('erase')
    .description("erase a user's, a session's or a trace's records from a running server (admin key); see docs/data-lifecycle.md#erasure")
    .option('--user <id>', 'every trace in which a span or score carries this user id')
    .option('--session <id>', 'every trace of this session')
    .option('--trace <id>', 'this trace (32 hex characters)')
    .option('--project <id>', "another project (operator key only); default: the key's own")
    .option('--wait', 'wait until the erasure has ended, then print what it deleted')
    .addOption(options.urlOption())
    .addOption(options.keyOption())
    .action(async (opts: EraseOptions) => {
      await erase(opts, (line) => void process.stdout.write(`${line}\n`));
    });
}
