import { randomUUID } from 'node:crypto';
import type { StateDocument } from '../../state/document.ts';
import type { Alert, AlertEvent } from '../types.ts';
import type { Silence } from './silences.ts';

// The alert engine's state when several nodes share it, split by who writes it, so that no
// writer replaces what another wrote:
// - configuration (silences, rules made through the API, on/off overrides): written by the API
//   on any node, each change applied to a copy just read from the store;
// - evaluation (alerts, rule health): written by the node holding the evaluator lease after
//   every evaluation;
// - history (state changes): written by that node when it changed, apart from the evaluation so
//   that its thousands of events are not rewritten, and read back, every interval.

export interface ApiRuleRecord {
  projectId: string;
  input: unknown; // the object as given (re-validated at load)
  createdAtMs: number;
}

export interface RuleOverride {
  projectId: string;
  ruleId: string;
  enabled: boolean;
}

export interface RuleHealth {
  lastEvaluatedMs: number | null;
  lastDurationMs: number | null;
  lastError: string | null;
  noData: boolean;
}

export type StoredAlert = Alert & { inhibitKey: string };

export interface AlertConfigDoc {
  version: 1;
  silences: Silence[];
  apiRules: ApiRuleRecord[];
  overrides: RuleOverride[];
}

export interface AlertEvaluationDoc {
  version: 1;
  alerts: StoredAlert[];
  // `${project}\0${ruleId}` -> health at the last evaluation.
  health: [string, RuleHealth][];
  // New with every history write: readers fetch the history only when it moved.
  historyVersion: string;
}

export interface AlertHistoryDoc {
  version: 1;
  history: AlertEvent[];
}

export interface SharedAlertDocuments {
  config: StateDocument<AlertConfigDoc>;
  evaluation: StateDocument<AlertEvaluationDoc>;
  history: StateDocument<AlertHistoryDoc>;
}

export const emptyConfig = (): AlertConfigDoc => ({ version: 1, silences: [], apiRules: [], overrides: [] });
export const emptyEvaluation = (): AlertEvaluationDoc => ({ version: 1, alerts: [], health: [], historyVersion: '' });
export const emptyHistory = (): AlertHistoryDoc => ({ version: 1, history: [] });

// Runs tasks one after another: a node's API changes to the configuration each read the copy
// the one before wrote.
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const next = this.tail.then(task);
    this.tail = next.catch(() => undefined);
    return next;
  }
}

// The engine's side of the shared documents.
export class SharedAlertState {
  private readonly docs: SharedAlertDocuments;
  private readonly changes = new SerialQueue();
  // The history version last read or written here.
  private historyVersion = '';

  constructor(docs: SharedAlertDocuments) {
    this.docs = docs;
  }

  // The configuration; API rule records unchanged since `known` stay the same objects, so that
  // they are not validated again.
  async readConfig(known: readonly ApiRuleRecord[]): Promise<AlertConfigDoc> {
    const config = await this.docs.config.read(emptyConfig());
    const byText = new Map(known.map((r) => [JSON.stringify(r), r]));
    return {
      version: 1,
      silences: config.silences ?? [],
      apiRules: (config.apiRules ?? []).map((r) => byText.get(JSON.stringify(r)) ?? r),
      overrides: config.overrides ?? [],
    };
  }

  writeConfig(config: AlertConfigDoc): Promise<void> {
    return this.docs.config.write(config);
  }

  // Runs one API change (read, change, write) after the ones before it.
  change<T>(task: () => Promise<T>): Promise<T> {
    return this.changes.run(task);
  }

  // The alerts and health; the history too when it moved since this node last read or wrote it,
  // or when `withHistory` (null: unchanged).
  async readEvaluation(withHistory: boolean): Promise<{ alerts: StoredAlert[]; health: [string, RuleHealth][]; history: AlertEvent[] | null }> {
    const evaluation = await this.docs.evaluation.read(emptyEvaluation());
    let history: AlertEvent[] | null = null;
    if (withHistory || evaluation.historyVersion !== this.historyVersion) {
      history = (await this.docs.history.read(emptyHistory())).history ?? [];
      this.historyVersion = evaluation.historyVersion;
    }
    return { alerts: evaluation.alerts ?? [], health: evaluation.health ?? [], history };
  }

  // `history` null: unchanged since the last write.
  async writeEvaluation(alerts: StoredAlert[], health: [string, RuleHealth][], history: AlertEvent[] | null): Promise<void> {
    if (history) {
      await this.docs.history.write({ version: 1, history });
      this.historyVersion = randomUUID();
    }
    await this.docs.evaluation.write({ version: 1, alerts, health, historyVersion: this.historyVersion });
  }
}
