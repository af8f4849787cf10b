#!/usr/bin/env node
import { readFile, writeFile } from 'node:fs/promises';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { Answer, Body } from '@lookout/client';
import { ConfigError, loadConfig } from './config/config.ts';
import { Pricer } from './enrich/pricing/index.ts';
import { openStore } from './store/open.ts';
import { recordLocalChange } from './audit/local.ts';
import { CONTENT_CAPTURE_MODES, KEY_SCOPES, projectId, type ContentCapture, type KeyScope, type Store } from './store/store.ts';
import { answer, apiClient, CliError, defaultUrl, isServerDown, type ApiTarget } from './cli/http.ts';
import { registerDemoCommand } from './cli/demo/command.ts';
import { addCost as addChargebackCost, listCosts as listChargebackCosts, removeCost as removeChargebackCost, setMarkup as setChargebackMarkup, showMarkup as showChargebackMarkup } from './cli/chargeback.ts';
import { runReport } from './cli/report.ts';
import { checkBudget, listBudgets, removeBudget, setBudget, userTier, type SetBudgetOptions } from './cli/budgets.ts';
import { startServer } from './server/serve.ts';
import { backfillCosts, loadPriceOverrides } from './server/routes/pricing.ts';
import { PROJECT_ID_PATTERN } from './server/routes/admin.ts';
import { DEFAULT_RUNBOOK_BASE, renderPrometheusRules } from './alerts/export/prometheus.ts';
import { exportGrafana } from './alerts/export/grafana.ts';
import { renderAlertmanagerConfig } from './alerts/export/alertmanager.ts';
import { registerAlertsCommand } from './cli/alerts.ts';
import { registerActionsCommand } from './cli/actions.ts';
import { registerMigrateCommand } from './cli/migrate.ts';
import { registerBackupCommands } from './cli/backup.ts';
import { registerDataExportCommands } from './cli/export-data.ts';
import { registerEraseCommand } from './cli/erase.ts';
import { registerProjectsCommand } from './cli/projects.ts';
import { registerUsersCommand } from './cli/users.ts';
import { registerRetentionCommands } from './cli/retention.ts';
import { registerArchiveCommands } from './cli/archive.ts';
import { registerMcpCommand } from './cli/mcp.ts';
import { registerPromptsCommand } from './cli/prompts.ts';
import { registerAuditCommand } from './cli/audit.ts';
import { addEvaluator, listEvaluators, removeEvaluator, type AddEvaluatorOptions } from './cli/evaluators.ts';
import { PRIVATE_UMASK } from './state/private-files.ts';

const program = new Command();
program
  .name('lookout')
  .description('Self-hosted observability for LLM applications: traces, cost, latency, quality and alerts.')
  .showHelpAfterError();

function intOption(name: string, min: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be a whole number >= ${min}`);
    return n;
  };
}

const urlOption = () => new Option('--url <url>', 'URL of the Lookout server').default(defaultUrl(), 'http://127.0.0.1:$LOOKOUT_PORT');
const keyOption = () => new Option('--key <key>', 'API key (shown by `ps` to everyone on this machine: prefer LOOKOUT_API_KEY or --key-file)').env('LOOKOUT_API_KEY');

program
  .command('serve')
  .description('start the Lookout server (HTTP API, OTLP, /metrics) with the embedded store')
  .option('-c, --config <file>', 'config file (YAML or JSON); also LOOKOUT_CONFIG')
  .option('-p, --port <port>', 'port to listen on (default 4318; LOOKOUT_PORT)')
  .option('--host <host>', 'address to listen on (default 127.0.0.1; LOOKOUT_HOST)')
  .option('-d, --data-dir <dir>', 'data directory (default ./lookout-data; LOOKOUT_DATA_DIR)')
  .action(async (opts: { config?: string; port?: string; host?: string; dataDir?: string }) => {
    const config = loadConfig({ file: opts.config, flags: { port: opts.port, host: opts.host, dataDir: opts.dataDir } });
    const server = await startServer(config);
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      server.ctx.logger.info({ event: 'shutdown', signal }, 'shutting down: draining acknowledged writes');
      server.close().then(
        () => process.exit(0),
        (err) => {
          server.ctx.logger.error({ err }, 'shutdown failed');
          process.exit(1);
        },
      );
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
  });

registerDemoCommand(program, { urlOption, keyOption, intOption });

const formatOption = () => new Option('--format <format>', 'output format').choices(['table', 'csv', 'json']).default('table');

program
  .command('report')
  .description('print a cost, latency, chargeback, quality, recommendations or compare report from a running server')
  .addArgument(new Command().createArgument('<kind>', 'cost | latency | chargeback | quality | recommendations | compare').choices(['cost', 'latency', 'chargeback', 'quality', 'recommendations', 'compare']))
  .addOption(urlOption())
  .addOption(keyOption())
  .option('--since <duration>', 'time window back from now, e.g. 24h, 1h30m, 7d, 30d (or a start time)', '7d')
  .option('--by <dimension>', 'group by: team, user, model, feature, department, application, provider, ...', 'team')
  .option('--month <YYYY-MM>', 'month for the chargeback report (default: this month)')
  .option('--score <name>', 'quality report: only this score name (default: up to 20 names, the most frequent first)')
  .option('--feature <name>', 'compare: only the calls of this feature')
  .option('--values <a,b,...>', 'compare: the groups of --by to compare, the baseline first (default: the groups with the most calls)')
  .option('--baseline <value>', 'compare: the group the others are tested against')
  .option('--prompt <name>', 'compare: only the calls of this prompt (with --by prompt_version: its versions)')
  .option('--to <time>', 'compare: end of the range, a time or a duration back from now (default: now)')
  .option('--limit <n>', 'compare: without --values, how many groups, the most calls first (2 to 10, default 5)')
  .option('--lower-is-better <scores>', 'compare: score names whose lower values are better, comma-separated (hallucination, toxicity...)')
  .option('--higher-is-better <scores>', "compare: score names whose higher values are better, comma-separated (Lookout's evaluators' scores are)")
  .addOption(formatOption())
  .action(async (kind: 'cost' | 'latency' | 'chargeback' | 'quality' | 'recommendations' | 'compare', opts: { url: string; key?: string; since: string; by: string; month?: string; score?: string; feature?: string; values?: string; baseline?: string; prompt?: string; to?: string; limit?: string; lowerIsBetter?: string; higherIsBetter?: string; format: 'table' | 'csv' | 'json' }) => {
    await runReport(kind, opts, process.stdout);
  });

// Commands that change stored state go through a running server when there is one (the
// embedded database has one writer), and open the data directory directly when there is not.
async function viaServerOrStore<T>(target: ApiTarget, dataDir: string | undefined, viaApi: () => Promise<T>, viaStore: (store: Store) => Promise<T>): Promise<T> {
  try {
    return await viaApi();
  } catch (err) {
    if (!isServerDown(err)) throw err;
  }
  const config = loadConfig({ flags: { dataDir } });
  process.stderr.write(`no server at ${target.url}; working on ${config.dataDir} directly\n`);
  // The database's files, including a write-ahead log DuckDB makes anew, are the server's only.
  process.umask(PRIVATE_UMASK);
  const store = await openStore(config);
  try {
    return await viaStore(store);
  } finally {
    await store.close();
  }
}

// E4: people who sign in to the UI and their roles (docs/auth.md).
registerUsersCommand(program, { urlOption, keyOption, via: viaServerOrStore });

const keys = program.command('keys').description('manage API keys');
keys
  .command('create')
  .description('create an API key for a project (the key is printed once and stored only as a hash)')
  .requiredOption('--project <id>', 'project id (created if new)')
  .addOption(new Option('--scope <scope>', 'what the key may do').choices([...KEY_SCOPES]).default('ingest'))
  .option('--name <name>', 'a label for the key')
  .addOption(urlOption())
  .addOption(keyOption())
  .option('-d, --data-dir <dir>', 'data directory, used when no server is running')
  .action(async (opts: { project: string; scope: KeyScope; name?: string; url: string; key?: string; dataDir?: string }) => {
    if (!PROJECT_ID_PATTERN.test(opts.project)) throw new CliError(`--project '${opts.project}': use 1-63 characters of a-z, 0-9, _ and -`);
    const created = await viaServerOrStore<Pick<Answer<'/api/v1/keys', 'post'>, 'key' | 'id' | 'projectId' | 'scope'>>(
      opts,
      opts.dataDir,
      () => answer(apiClient(opts).POST('/api/v1/keys', { body: { project: opts.project, scope: opts.scope, name: opts.name ?? null } })),
      async (store) => {
        const { key, info } = await store.createApiKey(projectId(opts.project), opts.scope, opts.name ?? null);
        await recordLocalChange(store.audit, { action: 'keys.create', projectId: info.projectId, target: info.id, details: { after: { id: info.id, scope: info.scope, name: info.name } } });
        return { key, ...info };
      },
    );
    process.stdout.write(`${created.key}\n`);
    process.stderr.write(`key ${created.id} for project '${created.projectId}' with scope '${created.scope}'. Store it now: it is not shown again.\n`);
  });

keys
  .command('list')
  .description('list the API keys of a project')
  .requiredOption('--project <id>', 'project id')
  .addOption(urlOption())
  .addOption(keyOption())
  .action(async (opts: { project: string; url: string; key?: string }) => {
    const res = await answer(apiClient(opts).GET('/api/v1/keys', { params: { query: { project: opts.project } } }));
    process.stdout.write(`${JSON.stringify(res.keys, null, 2)}\n`);
  });

keys
  .command('revoke')
  .description('revoke an API key')
  .argument('<keyId>', 'key id (from keys list)')
  .requiredOption('--project <id>', 'project id')
  .addOption(urlOption())
  .addOption(keyOption())
  .action(async (keyId: string, opts: { project: string; url: string; key?: string }) => {
    await answer(apiClient(opts).DELETE('/api/v1/keys/{keyId}', { params: { path: { keyId }, query: { project: opts.project } } }));
    process.stderr.write(`revoked ${keyId}\n`);
  });

const isContentCapture = (mode: string): mode is ContentCapture => (CONTENT_CAPTURE_MODES as readonly string[]).includes(mode);

program
  .command('content-capture')
  .description("show or set what the project keeps of prompts and responses: full, metadata (hashes only) or off")
  .argument('[mode]', 'full | metadata | off')
  .option('--purge', 'also remove from stored spans and logs what the new mode does not keep (metadata: the text, error messages and hashes from before keyed hashing; off: the text, error messages and all hashes)')
  .addOption(urlOption())
  .addOption(keyOption())
  .action(async (mode: string | undefined, opts: { url: string; key?: string; purge?: boolean }) => {
    if (mode !== undefined && !isContentCapture(mode)) {
      throw new CliError(`mode '${mode}': use one of ${CONTENT_CAPTURE_MODES.join(', ')}`);
    }
    if (opts.purge && (mode === undefined || mode === 'full')) throw new CliError("--purge goes with the mode 'metadata' or 'off'");
    const api = apiClient(opts);
    const res =
      mode === undefined
        ? await answer(api.GET('/api/v1/project'))
        : await answer(api.PATCH('/api/v1/project', { body: { contentCapture: mode, ...(opts.purge ? { purge: true } : {}) } }));
    const capture = res.project.contentCapture;
    const purged = 'purged' in res ? res.purged : undefined;
    process.stdout.write(`${res.project.id}: ${capture}\n`);
    if (purged) process.stdout.write(`purged: ${purged.spans} spans, ${purged.logs} logs changed\n`);
    if (purged?.compactsOnStop) {
      process.stdout.write('the database file still holds the removed text in free blocks; it is rewritten without them when the server stops: restart lookout serve\n');
    }
  });

// B6: budgets of the project of --key (docs/budgets.md).
const budgetsCmd = program.command('budgets').description('budgets: list with spend, set, remove, check a user, assign tiers');
const write = (text: string) => void process.stdout.write(text);
const budgetFormat = () => new Option('--format <format>', 'output format').choices(['table', 'json']).default('table');
budgetsCmd
  .command('list')
  .description('budgets with spend, remaining and forecast for the current period')
  .addOption(urlOption())
  .addOption(keyOption())
  .addOption(budgetFormat())
  .action(async (opts: { url: string; key?: string; format: 'table' | 'json' }) => {
    await listBudgets(opts, write);
  });
budgetsCmd
  .command('set')
  .description('create a budget, or replace the one with --id')
  .addOption(new Option('--scope <scope>', 'what the budget covers').choices(['project', 'team', 'department', 'user']).makeOptionMandatory())
  .option('--subject <id>', "team, department or user id ('*': each user); not for project budgets")
  .addOption(new Option('--period <period>', 'budget period (UTC)').choices(['daily', 'monthly']).makeOptionMandatory())
  .requiredOption('--limit <usd>', 'limit in US dollars')
  .option('--warn <percents>', 'warning levels, e.g. 50,80,100')
  .addOption(new Option('--enforce <mode>', 'hard: the gateway refuses calls once spent').choices(['soft', 'hard']))
  .option('--id <id>', 'budget id (replaces that budget when it exists)')
  .option('--name <name>', 'a label')
  .addOption(urlOption())
  .addOption(keyOption())
  .action(async (opts: SetBudgetOptions & { url: string; key?: string }) => {
    await setBudget({ url: opts.url, key: opts.key }, opts, write);
  });
budgetsCmd
  .command('remove')
  .description('delete a budget')
  .argument('<id>', 'budget id')
  .addOption(urlOption())
  .addOption(keyOption())
  .action(async (id: string, opts: { url: string; key?: string }) => {
    await removeBudget(opts, id, write);
  });
budgetsCmd
  .command('check')
  .description('would a call by this user be allowed? (exit status 1 when a hard budget is spent)')
  .option('--user <id>', 'user id')
  .option('--team <id>', 'team (default: the team of the user’s latest call)')
  .option('--department <id>', 'department (default: that of the user’s latest call)')
  .addOption(urlOption())
  .addOption(keyOption())
  .addOption(budgetFormat())
  .action(async (opts: { user?: string; team?: string; department?: string; url: string; key?: string; format: 'table' | 'json' }) => {
    const allowed = await checkBudget(opts, { user: opts.user, team: opts.team, department: opts.department }, write);
    if (!allowed) process.exitCode = 1;
  });
budgetsCmd
  .command('tier')
  .description("show a user's tier, assign one (free $1/day, pro $50/day, enterprise $1000/day) or remove it (none)")
  .argument('<user>', 'user id')
  .addArgument(new Command().createArgument('[tier]', 'free | pro | enterprise | none').choices(['free', 'pro', 'enterprise', 'none']))
  .addOption(urlOption())
  .addOption(keyOption())
  .action(async (user: string, tier: 'free' | 'pro' | 'enterprise' | 'none' | undefined, opts: { url: string; key?: string }) => {
    await userTier(opts, user, tier, write);
  });

// D2: evaluators of the project of --key (docs/quality.md#evaluators).
const evaluatorsCmd = program.command('evaluators').description('evaluators: list, add, remove');
evaluatorsCmd
  .command('list')
  .description("the project's evaluators, the config file's included")
  .addOption(urlOption())
  .addOption(keyOption())
  .addOption(budgetFormat())
  .action(async (opts: { url: string; key?: string; format: 'table' | 'json' }) => {
    await listEvaluators(opts, write);
  });
evaluatorsCmd
  .command('add')
  .description('add an evaluator (an admin key)')
  .requiredOption('--name <name>', 'the name of the scores it writes')
  .addOption(new Option('--kind <kind>', 'heuristic (cheap, at ingest) or llm_judge').choices(['heuristic', 'llm_judge']).makeOptionMandatory())
  .requiredOption('--criterion <criterion>', 'e.g. empty_output, regex, json_schema, length; correctness, relevance, custom')
  .option('--sample-rate <rate>', 'share of traces, 0 to 1 (default: 0.01 for llm_judge, 1 for heuristic)')
  .option('--feature <feature>', 'only calls of this feature')
  .option('--model <model>', 'only calls of this model')
  .option('--application <application>', 'only calls of this application')
  .option('--disabled', 'add it disabled')
  .option('--params <json>', 'heuristic settings as JSON, e.g. \'{"maxChars":2000}\'')
  .option('--judge <json>', 'judge settings as JSON: baseUrl, model, apiKey, template')
  .addOption(urlOption())
  .addOption(keyOption())
  .action(async (opts: AddEvaluatorOptions & { url: string; key?: string }) => {
    await addEvaluator({ url: opts.url, key: opts.key }, opts, write);
  });
evaluatorsCmd
  .command('rm')
  .description('delete an evaluator (its scores stay)')
  .argument('<id>', 'evaluator id (from evaluators list)')
  .addOption(urlOption())
  .addOption(keyOption())
  .action(async (id: string, opts: { url: string; key?: string }) => {
    await removeEvaluator(opts, id, write);
  });

// What chargeback bills beyond the calls' cost (docs/cost.md#chargeback-markup-and-other-costs).
const chargebackCmd = program.command('chargeback').description('chargeback: markup tiers and other costs (storage, vector database, compute)');
const markupCmd = chargebackCmd.command('markup').description('markup tiers and who is in which');
markupCmd
  .command('show')
  .description('the markup tiers, their assignments and the default tier, as JSON')
  .addOption(urlOption())
  .addOption(keyOption())
  .action(async (opts: { url: string; key?: string }) => {
    await showChargebackMarkup(opts, write);
  });
markupCmd
  .command('set')
  .description('replace the markup tiers and assignments with a JSON file (an admin key): {"tiers":[{"name":"premium","markupPct":20}],"assignments":[{"dimension":"team","value":"web","tier":"premium"}],"defaultTier":null}')
  .argument('<file>', 'JSON file')
  .addOption(urlOption())
  .addOption(keyOption())
  .action(async (file: string, opts: { url: string; key?: string }) => {
    await setChargebackMarkup(opts, file, write);
  });
const costsCmd = chargebackCmd.command('costs').description('other costs: list, add, rm');
costsCmd
  .command('list')
  .description("the project's other costs")
  .addOption(urlOption())
  .addOption(keyOption())
  .addOption(budgetFormat())
  .action(async (opts: { url: string; key?: string; format: 'table' | 'json' }) => {
    await listChargebackCosts(opts, write);
  });
costsCmd
  .command('add')
  .description('add an other cost from a JSON file (an admin key), shaped as POST /api/v1/chargeback/costs takes it')
  .argument('<file>', 'JSON file')
  .addOption(urlOption())
  .addOption(keyOption())
  .action(async (file: string, opts: { url: string; key?: string }) => {
    await addChargebackCost(opts, file, write);
  });
costsCmd
  .command('rm')
  .description('delete an other cost')
  .argument('<id>', 'cost id (from chargeback costs list)')
  .addOption(urlOption())
  .addOption(keyOption())
  .action(async (id: string, opts: { url: string; key?: string }) => {
    await removeChargebackCost(opts, id, write);
  });

const prices = program.command('prices').description('price catalog, overrides and re-costing');
prices
  .command('backfill')
  .description('re-cost stored calls with the current prices (after adding a price for an unknown model)')
  .option('--model <name...>', 're-cost only calls of these models (default: every call whose cost is unknown)')
  .option('--all', 're-cost every stored call, not only unknown ones')
  .addOption(urlOption())
  .addOption(keyOption())
  .option('-d, --data-dir <dir>', 'data directory, used when no server is running')
  .option('--prices-file <file>', 'price overrides file, used when no server is running (LOOKOUT_PRICES_FILE)')
  .action(async (opts: { model?: string[]; all?: boolean; url: string; key?: string; dataDir?: string; pricesFile?: string }) => {
    const result = await viaServerOrStore(
      opts,
      opts.dataDir,
      () => answer(apiClient(opts).POST('/api/v1/pricing/backfill', { body: { ...(opts.model ? { models: opts.model } : {}), all: Boolean(opts.all) } })),
      async (store) => {
        const pricer = new Pricer();
        await loadPriceOverrides(store, pricer, opts.pricesFile ?? process.env.LOOKOUT_PRICES_FILE ?? null);
        let last = 0;
        const { updated } = await backfillCosts(store, pricer, {
          models: opts.model ?? null,
          onlyUnknown: !opts.all && !opts.model,
          onProgress: ({ done, total }) => {
            if (done - last >= 50_000 || done === total) {
              last = done;
              process.stderr.write(`re-costing: ${done}/${total}\n`);
            }
          },
        });
        await recordLocalChange(store.audit, { action: 'pricing.backfill', details: { request: { models: opts.model ?? null, all: Boolean(opts.all) }, recosted: updated } });
        return { recosted: updated };
      },
    );
    process.stdout.write(`${JSON.stringify(result)}\n`);
  });

prices
  .command('unknown')
  .description('list models seen without a price (their calls have unknown cost)')
  .addOption(urlOption())
  .addOption(keyOption())
  .action(async (opts: { url: string; key?: string }) => {
    const res = await answer(apiClient(opts).GET('/api/v1/pricing/unknown-models'));
    process.stdout.write(`${JSON.stringify(res.models, null, 2)}\n`);
  });

prices
  .command('add')
  .description('add a price override (USD per million tokens); calls of that model are re-costed')
  .requiredOption('--model <name>', "model name, or a prefix ending in '*'")
  .option('--provider <id>', 'provider (default: any)')
  .requiredOption('--input <usd>', 'input price per 1M tokens', Number)
  .requiredOption('--output <usd>', 'output price per 1M tokens', Number)
  .option('--cache-read <usd>', 'cached input price per 1M tokens', Number)
  .option('--cache-write <usd>', 'cache write price per 1M tokens', Number)
  .option('--from <date>', 'effective from (ISO date)', '2000-01-01T00:00:00Z')
  .addOption(urlOption())
  .addOption(keyOption())
  .action(async (opts: { model: string; provider?: string; input: number; output: number; cacheRead?: number; cacheWrite?: number; from: string; url: string; key?: string }) => {
    const body: Body<'/api/v1/pricing/overrides'> = {
      model: opts.model,
      provider: opts.provider ?? null,
      inputPerMtokUsd: opts.input,
      outputPerMtokUsd: opts.output,
      cacheReadPerMtokUsd: opts.cacheRead ?? null,
      cacheWritePerMtokUsd: opts.cacheWrite ?? null,
      effectiveFrom: opts.from,
      effectiveTo: null,
    };
    const res = await answer(apiClient(opts).POST('/api/v1/pricing/overrides', { body }));
    process.stdout.write(`${JSON.stringify(res)}\n`);
  });

registerAlertsCommand(program, { urlOption, keyOption });
registerActionsCommand(program, { urlOption, keyOption });
registerMigrateCommand(program);
registerBackupCommands(program, { urlOption, keyOption });
registerArchiveCommands(program);

// F6: rule and routing files for running Lookout's alerts in Prometheus and Alertmanager.
const exportCmd = program.command('export').description("export a project's spans, scores or logs (CSV, JSONL, Parquet), or Prometheus rules, an Alertmanager config and Grafana dashboards for the /metrics series");
async function writeOutput(text: string, out: string | undefined): Promise<void> {
  if (out === undefined) process.stdout.write(text);
  else {
    await writeFile(out, text);
    process.stderr.write(`wrote ${out}\n`);
  }
}
exportCmd
  .command('prometheus-rules')
  .description('Prometheus recording and alerting rules (YAML) for the default alerts')
  .option('--out <file>', 'write to this file instead of stdout')
  .option('--runbook-base <url>', 'base of the runbook_url annotations (each alert adds #<anchor>)', DEFAULT_RUNBOOK_BASE)
  .option('--job <name>', 'the Prometheus scrape job of Lookout (for ServiceDown)', 'lookout')
  .action(async (opts: { out?: string; runbookBase: string; job: string }) => {
    if (/["\\\n]/.test(opts.job)) throw new CliError(`--job '${opts.job}': no quotes, backslashes or newlines`);
    await writeOutput(renderPrometheusRules({ runbookBase: opts.runbookBase, job: opts.job }), opts.out);
  });
exportCmd
  .command('alertmanager-config')
  .description('Alertmanager routing example (YAML): critical pages, cost and security go to their owners; receivers are placeholders')
  .option('--out <file>', 'write to this file instead of stdout')
  .action(async (opts: { out?: string }) => {
    await writeOutput(renderAlertmanagerConfig(), opts.out);
  });
exportCmd
  .command('grafana')
  .description('Grafana dashboards over the /metrics series (JSON: {"dashboards": [...]}): AI operations and the five persona dashboards')
  .option('--out <file>', 'write to this file instead of stdout')
  .action(async (opts: { out?: string }) => {
    await exportGrafana(opts, process.stdout);
  });
registerDataExportCommands(exportCmd, { urlOption, keyOption });
registerEraseCommand(program, { urlOption, keyOption });
registerProjectsCommand(program, { urlOption, keyOption });
registerRetentionCommands(program, { urlOption, keyOption });
registerMcpCommand(program, { urlOption, keyOption });
registerPromptsCommand(program, { urlOption, keyOption });
registerAuditCommand(program, { urlOption, keyOption });

// Every command that takes --key also reads it from a file or stdin, which `ps` does not show.
function addKeyFileOption(command: Command): void {
  for (const sub of command.commands) addKeyFileOption(sub);
  if (!command.options.some((o) => o.long === '--key')) return;
  command.addOption(new Option('--key-file <file>', "read the API key from this file ('-': from stdin)").env('LOOKOUT_API_KEY_FILE'));
  command.hook('preAction', async (cmd) => {
    const opts = cmd.opts<{ key?: string; keyFile?: string }>();
    if (opts.keyFile !== undefined) {
      if (opts.key !== undefined && cmd.getOptionValueSource('key') === 'cli') throw new CliError('give --key or --key-file, not both');
      // Its stdin carries the MCP messages, and is not closed until the client goes away.
      if (opts.keyFile === '-' && cmd.name() === 'mcp') throw new CliError('--key-file -: mcp reads its messages from stdin; give the key in a file or in LOOKOUT_API_KEY');
      cmd.setOptionValue('key', await readKeyFile(opts.keyFile));
    } else if (opts.key !== undefined && cmd.getOptionValueSource('key') === 'cli') {
      process.stderr.write('lookout: --key is visible to every user of this machine (ps); use LOOKOUT_API_KEY or --key-file instead\n');
    }
  });
}

async function readKeyFile(file: string): Promise<string> {
  let text: string;
  try {
    text = file === '-' ? await readStdin() : await readFile(file, 'utf8');
  } catch (err) {
    throw new CliError(`--key-file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const key = text.trim();
  if (!key || /\s/.test(key)) throw new CliError(`--key-file ${file}: expected one API key and nothing else`);
  return key;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

addKeyFileOption(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof CliError) {
    process.stderr.write(`lookout: ${err.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`lookout: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(1);
});
