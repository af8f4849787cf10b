import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { Rollups } from '../rollups/rollups.ts';
import type { DocumentStore, Store } from '../store/store.ts';
import type { ActionEngine } from './actions/engine.ts';
import type { AlertEngine } from './engine/engine.ts';
import type { AlertSink } from './types.ts';

// Alerting when several nodes share one store: one node at a time evaluates (the holder of the
// lease EVALUATOR_LEASE in the store), sends notifications and activates automated responses;
// every node answers the API and the gateway from the state that node wrote.
//
// Each interval every node first takes or renews the lease. The holder rebuilds its rollups from
// the store (every node's calls), reads the configuration and the reverts the nodes' APIs wrote,
// evaluates and writes the alert state. The others read back what the holder wrote. A holder
// that stops renewing (stopped, crashed, cut off from the store) loses the lease after
// LEASE_INTERVALS intervals and another node takes over at its next interval; a holder stopped
// cleanly gives the lease up at once.

export const EVALUATOR_LEASE = 'alert-evaluator';
export const LEASE_INTERVALS = 3;

export function makeNodeId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

export interface SharedEvaluatorDeps {
  documents: DocumentStore;
  store: Store;
  rollups: Rollups;
  engine: AlertEngine;
  actions: ActionEngine;
  // Sends notifications for what this node evaluated; emptied when another node takes over, so
  // that it does not repeat them beside that node's.
  notifications: AlertSink;
  intervalMs: number;
  nodeId: string;
  logger: Logger;
}

export class SharedEvaluator {
  private readonly deps: SharedEvaluatorDeps;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private holding = false;

  constructor(deps: SharedEvaluatorDeps) {
    this.deps = deps;
  }

  get nodeId(): string {
    return this.deps.nodeId;
  }

  // Whether this node evaluated at its last interval.
  get isEvaluator(): boolean {
    return this.holding;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      if (!this.running) this.tick().catch((err) => this.deps.logger.error({ err }, 'alert evaluation failed'));
    }, this.deps.intervalMs);
    this.timer.unref();
  }

  // One interval's work; true when this node evaluated.
  tick(): Promise<boolean> {
    const run = (this.running ??= this.tickNow().finally(() => {
      this.running = null;
    }));
    return run.then(() => this.holding);
  }

  private async tickNow(): Promise<void> {
    const { documents, store, rollups, engine, actions, intervalMs, nodeId, logger } = this.deps;
    let holder = false;
    try {
      holder = await documents.lease(EVALUATOR_LEASE, nodeId, LEASE_INTERVALS * intervalMs);
    } catch (err) {
      // Unsure who holds it: not evaluating is the side that cannot notify twice.
      logger.warn({ err }, 'cannot take or renew the alert evaluator lease; not evaluating this interval');
    }
    if (!holder) {
      if (this.holding) {
        logger.info({ event: 'alert_evaluator', nodeId, holder: false }, 'another node evaluates alerts now');
        this.deps.notifications.update([], Date.now());
      }
      this.holding = false;
      await engine.reload();
      await actions.reload();
      return;
    }
    if (!this.holding) {
      logger.info({ event: 'alert_evaluator', nodeId, holder: true }, 'this node evaluates alerts now');
      // Carry on from the state the last holder wrote.
      await engine.reload();
      await actions.reload({ write: true });
      this.holding = true;
    }
    if (store.sharedWriters) await rollups.refresh(store);
    await engine.reloadConfig();
    await actions.applyReverts({ write: true });
    await engine.evaluate();
    // The interval ends once the activations it changed are written, so that every node reads
    // them at its next interval.
    await actions.flush();
  }

  // Stops; a holder gives the lease up so that another node takes over at its next interval.
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
    if (!this.holding) return;
    this.holding = false;
    try {
      // Renewed to expire at once: free for the next claimant.
      await this.deps.documents.lease(EVALUATOR_LEASE, this.deps.nodeId, 1);
    } catch (err) {
      this.deps.logger.warn({ err }, 'cannot give up the alert evaluator lease; another node takes over when it expires');
    }
  }
}
