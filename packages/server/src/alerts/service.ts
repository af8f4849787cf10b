import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { LookoutConfig } from '../config/config.ts';
import type { IngestPipeline } from '../ingest/pipeline.ts';
import { Rollups } from '../rollups/rollups.ts';
import { contextWindowOf } from '../enrich/pricing/context-windows.ts';
import { stateDocument } from '../state/document.ts';
import type { Store } from '../store/store.ts';
import { AlertEngine, type AlertStateDoc } from './engine/engine.ts';
import type { EvaluationSources } from './engine/evaluate.ts';
import { loadDefaultPack } from './rules/default-pack.ts';
import { formatRuleError, loadRuleFiles, RuleLoadError, validateRule } from './rules/load.ts';
import { type Rule } from './rules/schema.ts';
import { tryParseDuration } from '../domain/time.ts';
import { Dispatcher } from './notifications/dispatcher.ts';
import { ActionEngine, type ActionRevertDoc, type ActionStateDoc } from './actions/engine.ts';
import type { AlertConfigDoc, AlertEvaluationDoc, AlertHistoryDoc } from './engine/shared-state.ts';
import { makeNodeId, SharedEvaluator } from './shared-evaluator.ts';
import type { AlertSink } from './types.ts';
import { LookoutError } from '../errors.ts';

// Puts the alerting parts together for a server: rollups fed by the ingest pipeline (rebuilt
// from the store first), the default pack plus the configured rule files, and the engine with its
// state file in the data directory. On a store several nodes share, the state is in the store's
// documents instead and one node at a time evaluates (shared-evaluator.ts).

export class RuleValidationError extends LookoutError {
  override name = 'RuleValidationError';
  readonly errors: RuleLoadError[];
  constructor(errors: RuleLoadError[]) {
    super('invalid_request', `the rule is not valid: ${errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)).join('; ')}`, {
      details: { errors: errors.map((e) => e.toJSON()) },
    });
    this.errors = errors;
  }
}

// A rule made through the API belongs to one project; the `project` label of its alerts is always
// that project's id, whatever the rule says. Its other labels may be anything: notification
// routing keeps every project but the default to routes that match on `project` (see routesFor in
// notifications/dispatcher.ts), so no label can steer an alert to another tenant's receiver.
// Every project may therefore say the same; the project is taken so callers need not care.
export function validateApiRule(input: unknown, _context: { projectId?: string } = {}): Rule {
  const { rule, errors } = validateRule(input, 'api');
  if (!rule) throw new RuleValidationError(errors);
  return rule;
}

export interface Alerting {
  rollups: Rollups;
  engine: AlertEngine;
  dispatcher: Dispatcher;
  // F5: automated responses; the gateway asks `actions.decide()` per request.
  actions: ActionEngine;
  // Problems in the pack or the rule files: the rules they concern are not loaded, the rest are.
  loadErrors: RuleLoadError[];
  // On a store several nodes share: the evaluator lease and the reading back of shared state.
  shared: SharedEvaluator | null;
  start(): void;
  // Stops evaluating, writes the state, and waits briefly for notifications under way.
  stop(): Promise<void>;
}

export async function createAlerting(deps: {
  config: LookoutConfig;
  store: Store;
  pipeline: IngestPipeline;
  logger: Logger;
  registry: Registry;
  stateDir: string;
  budgets?: EvaluationSources['budgets'];
  now?: () => number;
  // Names this node in the evaluator lease; made from the host and process when absent.
  nodeId?: string;
}): Promise<Alerting> {
  const { config, store, pipeline, logger } = deps;
  const documents = store.documents;
  const doc = <T>(name: string) => stateDocument<T>(documents, deps.stateDir, name);
  // C4: the same context windows as the store's (store/open.ts), for near_context_limit.
  const rollups = new Rollups({ now: deps.now, contextWindowOf: contextWindowOf(config.pricing.contextWindows) });
  const rebuilt = await rollups.rebuild(store);
  pipeline.observe(rollups);
  const pack = config.alerts.defaultPack ? await loadDefaultPack() : { rules: [], errors: [] };
  const files = await loadRuleFiles(config.alerts.rules);
  const loadErrors = [...pack.errors, ...files.errors];
  for (const e of loadErrors) logger.error({ event: 'rule_load_error', source: e.source, line: e.line, path: e.path }, `alert rule not loaded: ${formatRuleError(e)}`);
  const intervalMs = tryParseDuration(config.alerts.evaluationInterval) ?? 30_000;
  const dispatcher = new Dispatcher(config.alerts.notifications, { logger, registry: deps.registry, now: deps.now });
  const actions = new ActionEngine(config.alerts.actions, {
    state: doc<ActionStateDoc>('actions'),
    reverts: documents ? doc<ActionRevertDoc>('action-reverts') : undefined,
    logger,
    registry: deps.registry,
    now: deps.now,
  });
  await actions.open();
  const engine = new AlertEngine(
    {
      sources: {
        rollups,
        budgets: deps.budgets,
        gauge: (name) => (name === 'ingest_queue_depth' ? pipeline.queueDepth : null),
        drift: rollups.retrieval,
      },
      projects: async () => (await store.listProjects()).map((p) => p.id),
      state: documents ? null : doc<AlertStateDoc>('alerts'),
      shared: documents
        ? { config: doc<AlertConfigDoc>('alerts-config'), evaluation: doc<AlertEvaluationDoc>('alerts-state'), history: doc<AlertHistoryDoc>('alerts-history') }
        : undefined,
      sink: fanOut([dispatcher, actions], logger),
      now: deps.now,
      logger,
      registry: deps.registry,
      validate: (input, projectId) => validateApiRule(input, { projectId }),
    },
    { intervalMs, packRules: pack.rules, fileRules: files.rules },
  );
  await engine.open();
  const shared = documents
    ? new SharedEvaluator({ documents, store, rollups, engine, actions, notifications: dispatcher, intervalMs, nodeId: deps.nodeId ?? makeNodeId(), logger })
    : null;
  logger.info(
    { event: 'alerting', packRules: pack.rules.length, fileRules: files.rules.length, loadErrors: loadErrors.length, rollupRows: rebuilt.callRows + rebuilt.scoreRows },
    'alert rules loaded',
  );
  return {
    rollups,
    engine,
    dispatcher,
    actions,
    loadErrors,
    shared,
    start() {
      if (shared) shared.start();
      else engine.start();
      dispatcher.start();
    },
    async stop() {
      await shared?.stop();
      await engine.stop();
      await dispatcher.stop();
      await actions.flush();
    },
  };
}

// The engine has one sink; notifications and automated responses both follow it. One failing
// does not keep the other from its update.
function fanOut(sinks: AlertSink[], logger: Logger): AlertSink {
  return {
    update(alerts, nowMs) {
      for (const sink of sinks) {
        try {
          sink.update(alerts, nowMs);
        } catch (err) {
          logger.error({ err }, 'an alert sink failed to take an update');
        }
      }
    },
  };
}
