import type { FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import { keysRequired, type LookoutConfig } from '../config/config.ts';
import { Pricer } from '../enrich/pricing/index.ts';
import { Journal } from '../ingest/journal.ts';
import { ContentPolicy, HASH_KEY_FILE } from '../ingest/content-policy.ts';
import { IngestPipeline } from '../ingest/pipeline.ts';
import { defaultWorkerCount, IngestWorkers, workerHeapLimitMb } from '../ingest/workers/pool.ts';
import { DECOMPRESSION_FACTOR } from '../ingest/otlp/route.ts';
import { startOtlpGrpc, type OtlpGrpcServer } from '../ingest/otlp/grpc.ts';
import { join } from 'node:path';
import { isMainThread } from 'node:worker_threads';
import { PRIVATE_UMASK, tightenDataDir } from '../state/private-files.ts';
import { LookoutMetrics } from '../metrics/registry.ts';
import { contextWindowOf } from '../enrich/pricing/context-windows.ts';
import { openStore } from '../store/open.ts';
import { DEFAULT_PROJECT, type Store } from '../store/store.ts';
import { buildApp } from './app.ts';
import { keyCacheOf, keylessAllowedHostsWarning } from './auth.ts';
import type { AppContext } from './context.ts';
import { loadPriceOverrides } from './routes/pricing.ts';
import { createAlerting } from '../alerts/service.ts';
import { gatewayActionsFrom } from '../alerts/actions/gateway.ts';
import { BudgetBook } from '../budgets/book.ts';
import type { BudgetsDocument } from '../budgets/schema.ts';
import { parseDuration } from '../domain/time.ts';
import { stateDocument } from '../state/document.ts';
import { ChargebackStore, type ChargebackDocument } from '../query/chargeback-store.ts';
import { loadSessionSecret, SESSION_SECRET_FILE } from '../people/session-secret.ts';
import { BackgroundPriority } from './thread-priority.ts';
import { ingestChain } from '../enrich/ingest-chain.ts';
import { Privacy, type PrivacyDocument } from '../enrich/redact/privacy.ts';
import { Evaluators, type EvaluatorsDocument } from '../quality/evaluators/service.ts';
import { Judge } from '../quality/judge/judge.ts';
import type { JudgeQueueDocument } from '../quality/judge/queue.ts';
import { JsonFile } from '../state/json-file.ts';
import { SecurityLog } from '../enrich/security/log.ts';
import { Refusals } from './refusals.ts';
import { LifecycleLock } from '../lifecycle/lock.ts';
import { ErasureJobs, type ErasuresDocument } from '../lifecycle/erasure.ts';
import { archiveView, budgetsView, judgeQueueView, responseCacheView, rollupsView } from '../lifecycle/erasure-views.ts';
import { RetentionJob } from '../lifecycle/retention.ts';
import { ParquetArchive } from '../lifecycle/archive.ts';
import { RetentionPolicy, type RetentionDocument } from '../lifecycle/retention-policy.ts';
import { ProjectDeletions, type ProjectDeletionsDocument } from '../lifecycle/project-deletion.ts';
import { projectStateHolders } from '../lifecycle/project-state.ts';
import { auditRecorderOf, auditRetentionOf } from './audit-hook.ts';

export interface RunningServer {
  app: FastifyInstance;
  ctx: AppContext;
  url: string;
  grpc: OtlpGrpcServer; // OTLP/gRPC, on grpc.port
  // Stops taking requests, commits everything already acknowledged or queued, closes the store.
  close(): Promise<void>;
}

export function createLogger(level: LookoutConfig['logLevel']): Logger {
  return pino({
    level,
    base: { service: 'lookout' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    // Provider keys and our own keys never reach the log.
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers["x-lookout-key"]',
        'req.headers["x-api-key"]',
        'req.headers["api-key"]',
        'headers.authorization',
        'headers["x-lookout-key"]',
        'headers["x-api-key"]',
        'headers["api-key"]',
      ],
      censor: '[redacted]',
    },
  });
}

// I3: with the archive on, retention writes the days it is about to delete as Parquet first.
function retentionArchive(config: LookoutConfig, store: Store): ParquetArchive | null {
  const { archive } = config.retention;
  return archive.enabled ? new ParquetArchive({ dir: archive.dir ?? join(config.dataDir, 'archive'), store }) : null;
}

// On a store several nodes share, how soon a capture mode changed through another node applies here.
const CONTENT_MODES_REFRESH_MS = 5_000;
// A hashed sensitive value's token: 12 hex characters (48 bits) tell values apart in a project.
const HASHED_VALUE_CHARS = 12;
// Request bytes the ingest workers may hold at once, in maximum request bodies; past it, 429.
const WORKER_IN_FLIGHT_BODIES = 4;

// The ingest worker pool the configuration asks for; its threads start at its first task, or at start().
export function ingestWorkersOf(config: LookoutConfig, logger?: Logger): IngestWorkers {
  return new IngestWorkers({
    size: config.ingest.workers ?? defaultWorkerCount(),
    maxInFlightBytes: WORKER_IN_FLIGHT_BODIES * config.ingest.maxBodyBytes,
    // The largest body a task gets: an OTLP/HTTP export once its Content-Encoding is undone.
    heapLimitMb: workerHeapLimitMb(DECOMPRESSION_FACTOR * config.ingest.maxBodyBytes),
    onCrash: (worker, err, exitCode) => logger?.error({ event: 'ingest_worker_crashed', worker, exitCode, err }, 'an ingest worker stopped; the request it was decoding was answered 413, the others it held 503'),
  });
}

// `workDir` holds the journal and the state files; it defaults to the data directory. Tests on an
// in-memory store pass a temp dir, and may share one worker pool between contexts (`workers`: its
// owner closes it).
export async function createContext(config: LookoutConfig, logger: Logger, store?: Store, workDir?: string, workers?: IngestWorkers): Promise<AppContext> {
  const stateDir = workDir ?? config.dataDir;
  const metrics = new LookoutMetrics({ contextWindowOf: contextWindowOf(config.pricing.contextWindows) });
  // Prompts, responses and key hashes live here: a directory left readable by an older version
  // is made private before anything is opened.
  const tightened = tightenDataDir(stateDir);
  if (store === undefined && config.dataDir !== stateDir) tightened.push(...tightenDataDir(config.dataDir));
  if (tightened.length) logger.warn({ event: 'permissions_tightened', paths: tightened }, 'files in the data directory were readable by other users; now 0700/0600');
  const theStore = store ?? (await openStore(config, { onReadRefused: (reason) => metrics.storeReadsRefused.inc({ reason }) }));
  const pricer = new Pricer();
  await loadPriceOverrides(theStore, pricer, config.pricing.overridesFile);
  const journal = await Journal.open(join(stateDir, 'journal'));
  const content = await ContentPolicy.load(theStore, join(stateDir, HASH_KEY_FILE));
  if (theStore.sharedWriters) content.follow(theStore, CONTENT_MODES_REFRESH_MS, (err) => logger.warn({ err }, 'could not re-read the projects\' content capture modes'));
  // E1: each project's privacy settings; hashed values are keyed like the content hashes.
  const privacy = await Privacy.load(config.privacy.defaults, stateDocument<PrivacyDocument>(theStore.documents, stateDir, 'privacy'), (project, type, value) =>
    content.hash(project, `${type}\u0000${value}`).slice(0, HASHED_VALUE_CHARS),
  );
  if (theStore.sharedWriters) privacy.follow(CONTENT_MODES_REFRESH_MS, (err) => logger.warn({ err }, 'could not re-read the projects\' privacy settings'));
  // D2: evaluators of the config file and of each project (state document `evaluators`).
  const evaluators = await Evaluators.load(config.evaluators, stateDocument<EvaluatorsDocument>(theStore.documents, stateDir, 'evaluators'));
  if (theStore.sharedWriters) evaluators.follow(CONTENT_MODES_REFRESH_MS, (err) => logger.warn({ err }, 'could not re-read the projects\' evaluators'));
  const chain = ingestChain({
    pricer,
    privacy: config.privacy.redact ? privacy : null,
    content,
    evaluators,
    evaluated: (outcome, n) => metrics.evaluations.inc({ kind: 'heuristic', outcome }, n),
  });
  const pipeline = new IngestPipeline(
    { store: theStore, journal, pricer, metrics, logger, content, chain },
    { maxQueueRows: config.ingest.maxQueueRows, maxWriteBatchRows: config.ingest.maxWriteBatchRows },
  );
  // Whatever the last run acknowledged but had not loaded goes into the store before anything
  // new is accepted, so duplicates of it are recognised.
  await pipeline.recover();
  // B6: budget spend, rebuilt from the store after the recovery, then kept current by ingest.
  // Several nodes: definitions in the shared store, spend refreshed from it (docs/budgets.md).
  const budgets = await BudgetBook.open(stateDocument<BudgetsDocument>(theStore.documents, stateDir, 'budgets'), theStore, logger, {
    shared: theStore.sharedWriters ? { loads: pipeline, refreshIntervalMs: parseDuration(config.budgets.refreshInterval) } : undefined,
  });
  pipeline.observe(budgets);
  const security = new SecurityLog(pipeline, logger);
  pipeline.observe(security);
  // D2: the judge samples accepted calls and counts its own spend; its queue is this node's
  // (a file in the state directory, not a shared document), so nodes never take each other's jobs.
  // It runs without an instance endpoint too: an evaluator may name its own (or the demo judge);
  // evaluators with neither sample nothing.
  const judge = await Judge.open({
    config: config.judge,
    store: theStore,
    pipeline,
    pricer,
    evaluators,
    metrics,
    logger,
    queueDocument: new JsonFile<JudgeQueueDocument>(join(stateDir, 'judge-queue.json')),
    // An evaluator's own judge endpoint follows the alert receivers' outbound policy.
    allowedHosts: config.alerts.notifications.allowedHosts,
  });
  pipeline.observe(judge);
  // Rollups likewise; the engine reads them and the budget book.
  const alerting = await createAlerting({ config, store: theStore, pipeline, logger, registry: metrics.registry, stateDir, budgets });
  // F5: the gateway asks the action engine about each call (nothing changes without a firing alert).
  const gatewayActions = gatewayActionsFrom(alerting.actions);
  // Erasures, retention runs and project deletions take turns on this one lock.
  const lifecycleLock = new LifecycleLock();
  // I3: the retention tiers (config defaults, each project's own in the state document) and their job.
  const retentionPolicy = await RetentionPolicy.load(config.retention, stateDocument<RetentionDocument>(theStore.documents, stateDir, 'retention'));
  if (theStore.sharedWriters) retentionPolicy.follow(CONTENT_MODES_REFRESH_MS, (err) => logger.warn({ err }, 'could not re-read the projects\' retention tiers'));
  const archive = retentionArchive(config, theStore);
  const retention = new RetentionJob({ store: theStore, lock: lifecycleLock, policy: retentionPolicy, content, logger, registry: metrics.registry, archive, intervalMs: config.retention.intervalMs });
  // I4: erasure jobs; their records and the audit log are the state document `erasures`.
  const erasures = new ErasureJobs({
    store: theStore,
    document: stateDocument<ErasuresDocument>(theStore.documents, stateDir, 'erasures'),
    lock: lifecycleLock,
    settled: () => pipeline.settled(),
    hash: (project, text) => content.hash(project, text),
    chunkRows: config.erasure.chunkRows,
    views: [
      ...(archive ? [archiveView(archive)] : []),
      rollupsView(alerting.rollups, theStore, pipeline),
      budgetsView(budgets, pipeline),
      judgeQueueView(judge, theStore, pipeline),
      responseCacheView(alerting.actions.cache),
    ],
    logger,
  });
  // Refusals of a known project feed its auth_failures and rate_limited measures; the others
  // (no key, an unknown key) are on /metrics only (server/refusals.ts says why).
  const refusals = new Refusals(metrics, logger);
  refusals.onRefusal((r) => security.refused(r));
  refusals.onRefusal((r) => {
    if (r.projectId !== null) alerting.rollups.countEvent(r.projectId, r.kind === 'auth_failure' ? 'auth_failures' : 'rate_limited', Date.now());
  });
  // Each project's chargeback markups and other costs (state document `chargeback`).
  const chargeback = new ChargebackStore(stateDocument<ChargebackDocument>(theStore.documents, stateDir, 'chargeback'));
  // I4: deleting a project: its records through an erasure job, then everything held for it.
  const projectDeletions = new ProjectDeletions({
    store: theStore,
    document: stateDocument<ProjectDeletionsDocument>(theStore.documents, stateDir, 'project-deletions'),
    lock: lifecycleLock,
    gate: pipeline.gate,
    settled: () => pipeline.settled(),
    erasures,
    holders: projectStateHolders({ pipeline, content, privacy, evaluators, judge, budgets, alerting, retention: retentionPolicy, chargeback }),
    logger,
  });
  // E4: signs session cookies; the same on every node.
  const sessionSecret = await loadSessionSecret(config.auth.sessions.secret, theStore.documents, join(stateDir, SESSION_SECRET_FILE));
  const ctx: AppContext = { config, store: theStore, pricer, pipeline, workers: workers ?? ingestWorkersOf(config, logger), content, privacy, evaluators, judge, security, metrics, logger, alerting, budgets, refusals, gatewayActions, lifecycleLock, retention, erasures, projectDeletions, chargeback, sessionSecret };
  projectDeletions.forgetKeys = (project) => keyCacheOf(ctx).forgetProject(project);
  return ctx;
}

export async function startServer(config: LookoutConfig, options: { logger?: Logger; store?: Store; quiet?: boolean } = {}): Promise<RunningServer> {
  const logger = options.logger ?? createLogger(config.logLevel);
  // Everything the server writes is for its own user (data directory, database, write-ahead log,
  // journal, staging, state files). Explicit modes cover the files Lookout makes; the umask
  // covers those DuckDB makes, such as the write-ahead log after each checkpoint. Worker threads
  // cannot change it (tests); they rely on the explicit modes.
  if (isMainThread) process.umask(PRIVATE_UMASK);
  const ctx = await createContext(config, logger, options.store);
  // E4: a server that requires keys but has none would lock its owner out; make the first one.
  if (keysRequired(config) && (await ctx.store.countApiKeys()) === 0) {
    const { key } = await ctx.store.createApiKey(DEFAULT_PROJECT, 'admin', 'first admin key');
    process.stdout.write(
      `\nThis server requires API keys. An admin key for project 'default' was created:\n\n    ${key}\n\nStore it now; it is shown only this once.\n\n`,
    );
  }
  const exposure = keylessAllowedHostsWarning(config);
  if (exposure) logger.warn({ event: 'keyless_allowed_hosts', allowedHosts: config.server.allowedHosts }, exposure);
  const app = await buildApp(ctx);
  // Loaded now, so the first export does not wait for a thread to start.
  ctx.workers.start();
  ctx.alerting.start();
  ctx.budgets.start();
  ctx.judge?.start();
  // Erasures a stopped or killed run left unfinished run again.
  await ctx.erasures.resumePending();
  // Then the project deletions (a deletion waits for its erasure job).
  await ctx.projectDeletions.resumePending();
  ctx.retention.start();
  // E4: audit entries past audit.retentionDays go now and once a day.
  const auditRetention = auditRetentionOf(ctx);
  auditRetention.start();
  await app.listen({ host: config.host, port: config.port });
  const background = new BackgroundPriority(config.storage.backgroundNice, logger);
  background.start();
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const shownHost = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `http://${shownHost}:${port}`;
  logger.info({ event: 'started', url, dataDir: config.dataDir, store: ctx.store.backend }, 'lookout started');
  let grpc: OtlpGrpcServer;
  try {
    grpc = await startOtlpGrpc(ctx, { host: config.host, port: config.grpcPort });
  } catch (err) {
    await app.close();
    await ctx.workers.close();
    await ctx.pipeline.drain();
    await ctx.store.close();
    throw new Error(`cannot listen for OTLP/gRPC on ${shownHost}:${config.grpcPort}: ${(err as Error).message}`);
  }
  logger.info({ event: 'started', grpc: `${shownHost}:${grpc.port}` }, 'OTLP/gRPC listening');
  // Printed once both listen: whoever waits for these lines can use either port at once.
  if (!options.quiet) process.stdout.write(`Lookout listening on ${url}\nOTLP/gRPC listening on ${shownHost}:${grpc.port}\n`);
  let closing: Promise<void> | null = null;
  return {
    app,
    ctx,
    url,
    grpc,
    close() {
      closing ??= (async () => {
        background.stop();
        await Promise.all([app.close(), grpc.close()]);
        await ctx.workers.close();
        await ctx.projectDeletions.stop();
        await ctx.erasures.stop();
        await ctx.alerting.stop();
        await ctx.budgets.stop();
        await ctx.judge?.stop();
        await ctx.retention.stop();
        await auditRetention.stop();
        // The entries of the last requests, before the store closes.
        await auditRecorderOf(ctx).close();
        ctx.retention.policy.stopFollowing();
        ctx.content.stopFollowing();
        ctx.privacy.stopFollowing();
        ctx.evaluators.stopFollowing();
        await ctx.pipeline.drain();
        await ctx.store.close();
        logger.info({ event: 'stopped' }, 'lookout stopped');
      })();
      return closing;
    },
  };
}
