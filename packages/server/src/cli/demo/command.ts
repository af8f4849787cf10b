import { InvalidArgumentError, type Command, type Option } from 'commander';
import { describeDemoLiveSummary, describeDemoSummary } from './summary.ts';
import { runDemo, runDemoLive } from './send.ts';
import { parseDemoLiveDuration } from './timing.ts';
import { DEMO_DEFAULTS } from './traffic.ts';
import type { DemoLiveSummary } from './types.ts';

// `lookout demo`: the command-line options, progress on stderr and the JSON summary on stdout.

export interface DemoCommandOptions {
  urlOption: () => Option;
  keyOption: () => Option;
  intOption: (name: string, min: number) => (value: string) => number;
}

export function registerDemoCommand(program: Command, options: DemoCommandOptions): void {
  const { urlOption, keyOption, intOption } = options;
  program
    .command('demo')
    .description('send realistic LLM traffic through the ingest API of a running server')
    .addOption(urlOption())
    .addOption(keyOption())
    .option('--days <n>', 'spread traffic over the past N days', intOption('--days', 1), DEMO_DEFAULTS.days)
    .option('--calls <n>', 'number of LLM calls to generate', intOption('--calls', 1), DEMO_DEFAULTS.calls)
    .option('--seed <n>', 'random seed (same seed, same traffic)', intOption('--seed', 0), DEMO_DEFAULTS.seed)
    .option('--no-incident', 'skip the "incident now" in the last minutes that trips the default alert rules')
    .option('--no-evaluators', 'do not set up the demo\'s evaluators (heuristics and the built-in demo judge) before sending')
    .option('--live <duration>', 'then keep the incident going in real time for this long (a duration such as 10m or 1h30m, at most 2h), so that the 5-minute alerts fire', (value: string) => {
      try {
        return parseDemoLiveDuration(value);
      } catch (err) {
        throw new InvalidArgumentError(`--live: ${(err as Error).message}`);
      }
    })
    .action(async (opts: { url: string; key?: string; days: number; calls: number; seed: number; incident: boolean; evaluators: boolean; live?: number }) => {
      const progress = (line: string) => process.stderr.write(`${line}\n`);
      const summary = await runDemo({ ...opts, liveMs: opts.live }, progress);
      process.stderr.write(`${describeDemoSummary(summary)}\n`);
      let live: DemoLiveSummary | undefined;
      if (opts.live !== undefined) {
        // Ctrl-C ends the live traffic after the slice being sent, with its summary; twice, at once.
        const stop = new AbortController();
        const onSigint = () => {
          if (stop.signal.aborted) process.exit(130);
          process.stderr.write('stopping the live traffic (Ctrl-C again to quit at once)\n');
          stop.abort();
        };
        process.on('SIGINT', onSigint);
        try {
          live = await runDemoLive({ url: opts.url, key: opts.key, seed: opts.seed, durationMs: opts.live }, progress, { signal: stop.signal });
        } finally {
          process.off('SIGINT', onSigint);
        }
        process.stderr.write(`${describeDemoLiveSummary(live)}\n`);
      }
      process.stdout.write(`${JSON.stringify(live ? { ...summary, live } : summary)}\n`);
    });
}
