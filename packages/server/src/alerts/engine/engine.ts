import { createHash, randomUUID } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Logger } from 'pino';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { CachedRollups } from '../../rollups/rollups.ts';
import type { StateDocument } from '../../state/document.ts';
import { BoundedLabel } from '../../metrics/registry.ts';
import type { Alert, AlertEvent, AlertSink, AlertState } from '../types.ts';
import type { Rule } from '../rules/schema.ts';
import { evaluateRule, type EvaluationSources, type RuleOutcome } from './evaluate.ts';
import { matchesAll, regexInstructions, validateSilence, type Silence, type SilenceInput } from './silences.ts';
import { renderTemplate } from './template.ts';
import { ConflictError, NotFoundError } from '../../errors.ts';
import { DAY_MS, MINUTE_MS } from '../../domain/time.ts';
import { METRIC } from '../../metrics/names.ts';
import { configWithoutProject, forgetAlertsOf } from './forget.ts';
import { SharedAlertState, type AlertConfigDoc, type ApiRuleRecord, type RuleHealth, type SharedAlertDocuments, type StoredAlert } from './shared-state.ts';

// F1/F3: evaluates every enabled rule for every project on an interval and keeps each alert's
// lifecycle: pending (condition holds, `for` not elapsed) → firing → resolved. Alerts are keyed
// by fingerprint (project + labels), so an alert is the same alert across evaluations and
// restarts. A firing critical alert inhibits the warning (and info) alerts of the same alertname,
// project and group; silences mute matching alerts. Notifications see only what is firing, or
// resolved after having fired, and skip silenced and inhibited alerts (alerts/notifications/).
//
// State (alerts, silences, history, rules made through the API, enable/disable overrides) is
// one JSON document written atomically after each evaluation that changed it, so it survives
// restarts. History keeps the last MAX_HISTORY transitions. When several nodes share a store the
// state is three shared documents instead (shared-state.ts): one node evaluates and writes the
// alerts and history, every node writes configuration changes made through its API, and the
// others read both back (reload) to answer as the evaluating node would.

export const MAX_HISTORY = 5_000;
const RESOLVED_KEEP_MS = 15 * MINUTE_MS; // how long a resolved alert stays listed and is passed on
const SEVERITY_RANK = { info: 0, warning: 1, critical: 2 } as const;
const MAX_RULE_LABELS = 500;
// Each rule's work is capped (evaluate.ts); between rules the loop is handed back to requests
// once this much time went by, so a cycle over many projects never holds it for long.
const YIELD_AFTER_MS = 5;
// Per project: rules made through the API, and silences not yet expired.
export const MAX_API_RULES_PER_PROJECT = 200;
export const MAX_SILENCES_PER_PROJECT = 500;
// Every active silence of a project is tried on each of its alerts at every evaluation, so the
// regular expressions a project's silences hold are bounded together as well as one by one:
// about twenty of the largest patterns, or hundreds of everyday ones (`gpt-4o.*` is 12).
export const MAX_SILENCE_REGEX_INSTRUCTIONS_PER_PROJECT = 10_000;

export type RuleSource = 'pack' | 'file' | 'api';

export type { ApiRuleRecord, RuleHealth };

interface StateDoc extends AlertConfigDoc {
  alerts: StoredAlert[];
  history: AlertEvent[];
}

const emptyState = (): StateDoc => ({ version: 1, alerts: [], history: [], silences: [], apiRules: [], overrides: [] });

export interface RuleView {
  rule: Rule;
  source: RuleSource;
  enabled: boolean;
  health: RuleHealth;
}

export interface EngineDeps {
  sources: EvaluationSources;
  projects: () => Promise<string[]>;
  state: StateDocument<StateDoc> | null;
  // Several nodes share the state: these documents replace `state`.
  shared?: SharedAlertDocuments;
  sink?: AlertSink;
  now?: () => number;
  logger?: Logger;
  registry?: Registry;
  // Turns an API rule object of a project into a rule or throws an error whose message names the field.
  validate: (input: unknown, projectId: string) => Rule;
}

export interface EngineOptions {
  intervalMs: number;
  packRules: Rule[];
  fileRules: Rule[];
}

export class RuleNotFoundError extends NotFoundError {
  override name = 'RuleNotFoundError';
}
export class RuleConflictError extends ConflictError {
  override name = 'RuleConflictError';
}
// A per-project limit is reached (409: delete something first).
export class ProjectLimitError extends ConflictError {
  override name = 'ProjectLimitError';
}

export function fingerprintOf(projectId: string, labels: Record<string, string>): string {
  const canonical = JSON.stringify([projectId, Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))]);
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}

export class AlertEngine {
  private readonly deps: EngineDeps;
  private readonly options: EngineOptions;
  private readonly now: () => number;
  private state: StateDoc = emptyState();
  private readonly alerts = new Map<string, StoredAlert>();
  private readonly health = new Map<string, RuleHealth>(); // `${project}\0${ruleId}`
  private readonly shared: SharedAlertState | null;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private dirty = false;
  // Rule ids as a metric label: API rules are user input, so their number is bounded.
  private readonly ruleLabels = new BoundedLabel(MAX_RULE_LABELS);
  private readonly metrics: {
    evaluations: Counter;
    failures: Counter<'rule_id'>;
    duration: Histogram;
  } | null = null;

  constructor(deps: EngineDeps, options: EngineOptions) {
    this.deps = deps;
    this.options = options;
    this.now = deps.now ?? Date.now;
    this.shared = deps.shared ? new SharedAlertState(deps.shared) : null;
    if (deps.registry) {
      const registers = [deps.registry];
      this.metrics = {
        evaluations: new Counter({ name: METRIC.alertEvaluations, help: 'Alert evaluation cycles run (every rule of every project).', registers }),
        failures: new Counter({ name: METRIC.alertRuleEvaluationFailures, help: 'Rule evaluations that failed with an error, by rule id.', labelNames: ['rule_id'], registers }),
        duration: new Histogram({
          name: METRIC.alertEvaluationDuration,
          help: 'Time to evaluate every rule of every project once.',
          buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
          registers,
        }),
      };
      const alerts = this.alerts;
      new Gauge({
        name: METRIC.alerts,
        help: 'Alerts by state and severity (pending, firing, and resolved within the last 15 minutes).',
        labelNames: ['state', 'severity'],
        registers,
        collect() {
          this.reset();
          for (const a of alerts.values()) this.inc({ state: a.state, severity: a.labels.severity });
        },
      });
      const health = this.health;
      new Gauge({
        name: METRIC.alertRulesFailing,
        help: 'Rules whose last evaluation failed with an error (in any project).',
        registers,
        collect() {
          let n = 0;
          for (const h of health.values()) if (h.lastError !== null) n++;
          this.set(n);
        },
      });
    }
  }

  async open(): Promise<void> {
    if (this.shared) return this.reload();
    if (this.deps.state) this.state = { ...emptyState(), ...(await this.deps.state.read(emptyState())) };
    for (const a of this.state.alerts) this.alerts.set(a.fingerprint, a);
  }

  // Shared state: takes the configuration, alerts, health and history the store holds now, in
  // place of this node's. A node that does not evaluate does this every interval; the node that
  // takes over evaluation does it first.
  async reload(): Promise<void> {
    if (!this.shared) return;
    // The history also when this node changed its own copy (a rule deleted here): the store's is the one.
    const [evaluation] = await Promise.all([this.shared.readEvaluation(this.dirty), this.reloadConfig()]);
    if (evaluation.history) this.state.history = evaluation.history;
    this.alerts.clear();
    for (const a of evaluation.alerts) this.alerts.set(a.fingerprint, a);
    this.health.clear();
    for (const [key, h] of evaluation.health) this.health.set(key, h);
    this.dirty = false;
    // Silences made since that evaluation mark the alerts at once.
    this.mark(this.now());
  }

  // Shared state: the configuration as the store holds it now (silences and rules made through
  // any node). The evaluating node does this before each evaluation.
  async reloadConfig(): Promise<void> {
    if (!this.shared) return;
    const config = await this.shared.readConfig(this.state.apiRules);
    this.state.silences = config.silences;
    this.state.apiRules = config.apiRules;
    this.state.overrides = config.overrides;
  }

  // A change through the API. With shared state it is made to the configuration just read from
  // the store and written back at once, so that a change made on another node since the last
  // reload is kept; the alerts it touches (a deleted rule's) are this node's view until the
  // evaluating node resolves them too.
  private changeConfig<T>(change: () => T, options: { unchanged?: (out: T) => boolean } = {}): Promise<T> {
    const shared = this.shared;
    if (!shared) {
      const out = change();
      return this.persistNow().then(() => out);
    }
    return shared.change(async () => {
      await this.reloadConfig();
      const out = change();
      if (options.unchanged?.(out)) return out;
      const { silences, apiRules, overrides } = this.state;
      await shared.writeConfig({ version: 1, silences, apiRules, overrides });
      return out;
    });
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      if (!this.running) this.evaluate().catch((err) => this.deps.logger?.error({ err }, 'alert evaluation failed'));
    }, this.options.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
    // Shared state: the evaluating node wrote it after its last evaluation; the others never do.
    if (!this.shared) await this.persist();
  }

  // ---- rules -------------------------------------------------------------------------------

  // API rules are stored as given and validated once per stored record.
  private readonly compiled = new WeakMap<ApiRuleRecord, Rule | null>();

  private compile(record: ApiRuleRecord): Rule | null {
    if (this.compiled.has(record)) return this.compiled.get(record)!;
    let rule: Rule | null = null;
    try {
      rule = this.deps.validate(record.input, record.projectId);
    } catch (err) {
      // A rule stored before a limit existed (or was tightened) is not evaluated; it stays in the
      // state file, so that PUT with a corrected rule or DELETE can still reach it by its id.
      this.deps.logger?.error({ err, projectId: record.projectId }, 'a stored API rule no longer validates; skipped');
    }
    this.compiled.set(record, rule);
    return rule;
  }

  private apiRules(projectId: string): Rule[] {
    const out: Rule[] = [];
    for (const r of this.state.apiRules) {
      if (r.projectId !== projectId) continue;
      const rule = this.compile(r);
      if (rule) out.push(rule);
    }
    return out;
  }

  rules(projectId: string): RuleView[] {
    const byId = new Map<string, { rule: Rule; source: RuleSource }>();
    for (const rule of this.options.packRules) byId.set(rule.id, { rule, source: 'pack' });
    for (const rule of this.options.fileRules) byId.set(rule.id, { rule, source: 'file' });
    for (const rule of this.apiRules(projectId)) byId.set(rule.id, { rule, source: 'api' });
    const overrides = new Map(this.state.overrides.filter((o) => o.projectId === projectId).map((o) => [o.ruleId, o.enabled]));
    return [...byId.values()].map(({ rule, source }) => ({
      rule,
      source,
      enabled: overrides.get(rule.id) ?? rule.enabled,
      health: this.health.get(`${projectId}\u0000${rule.id}`) ?? { lastEvaluatedMs: null, lastDurationMs: null, lastError: null, noData: false },
    }));
  }

  async putRule(projectId: string, input: unknown, options: { id?: string } = {}): Promise<Rule> {
    const rule = this.deps.validate(input, projectId);
    if (options.id !== undefined && rule.id !== options.id) throw new RuleConflictError(`the rule's id is '${rule.id}' but the path names '${options.id}'`);
    return this.changeConfig(() => {
      const others = this.state.apiRules.filter((r) => r.projectId === projectId && this.compile(r)?.id !== rule.id);
      if (others.length >= MAX_API_RULES_PER_PROJECT) {
        throw new ProjectLimitError(`a project has at most ${MAX_API_RULES_PER_PROJECT} rules made through the API; delete one first`);
      }
      this.state.apiRules = this.state.apiRules.filter((r) => !(r.projectId === projectId && this.compile(r)?.id === rule.id));
      this.state.apiRules.push({ projectId, input, createdAtMs: this.now() });
      return rule;
    });
  }

  async deleteRule(projectId: string, id: string): Promise<void> {
    await this.changeConfig(() => {
      const view = this.rules(projectId).find((v) => v.rule.id === id);
      if (!view) throw new RuleNotFoundError(`no rule '${id}'`);
      if (view.source !== 'api') throw new RuleConflictError(`rule '${id}' comes from the ${view.source === 'pack' ? 'default pack' : 'rule files'}; disable it instead (PATCH with {"enabled": false})`);
      this.state.apiRules = this.state.apiRules.filter((r) => !(r.projectId === projectId && this.compile(r)?.id === id));
      // Its on/off setting goes with it, so a new rule with the same id starts as it says; unless
      // a default-pack or file rule of that id is still there, which the setting also covers.
      if (!this.rules(projectId).some((v) => v.rule.id === id)) {
        this.state.overrides = this.state.overrides.filter((o) => !(o.projectId === projectId && o.ruleId === id));
      }
      this.resolveRule(projectId, id, this.now());
    });
  }

  async setEnabled(projectId: string, id: string, enabled: boolean): Promise<RuleView> {
    await this.changeConfig(() => {
      if (!this.rules(projectId).some((v) => v.rule.id === id)) throw new RuleNotFoundError(`no rule '${id}'`);
      this.state.overrides = this.state.overrides.filter((o) => !(o.projectId === projectId && o.ruleId === id));
      this.state.overrides.push({ projectId, ruleId: id, enabled });
      if (!enabled) this.resolveRule(projectId, id, this.now());
    });
    return this.rules(projectId).find((v) => v.rule.id === id)!;
  }

  validateRule(projectId: string, input: unknown): Rule {
    return this.deps.validate(input, projectId);
  }

  // Evaluates a rule now without touching any state: what would fire.
  async testRule(projectId: string, input: unknown, nowMs = this.now()): Promise<{ rule: Rule; outcome: RuleOutcome }> {
    const rule = this.deps.validate(input, projectId);
    return { rule, outcome: await evaluateRule(rule, projectId, nowMs, this.deps.sources) };
  }

  // ---- silences ----------------------------------------------------------------------------

  silences(projectId: string, options: { includeExpired?: boolean } = {}): (Silence & { active: boolean })[] {
    const now = this.now();
    return this.state.silences
      .filter((s) => s.projectId === projectId && (options.includeExpired || s.endsAtMs > now))
      .map((s) => ({ ...s, active: s.startsAtMs <= now && now < s.endsAtMs }));
  }

  async addSilence(projectId: string, input: SilenceInput): Promise<Silence> {
    const now = this.now();
    const silence: Silence = { ...validateSilence(input, now), id: randomUUID(), projectId, createdAtMs: now };
    return this.changeConfig(() => this.addSilenceNow(projectId, silence, now));
  }

  private addSilenceNow(projectId: string, silence: Silence, now: number): Silence {
    if (this.state.silences.filter((s) => s.projectId === projectId && s.endsAtMs > now).length >= MAX_SILENCES_PER_PROJECT) {
      throw new ProjectLimitError(`a project has at most ${MAX_SILENCES_PER_PROJECT} silences not yet expired; expire one first (DELETE /api/v1/alerts/silences/<id>)`);
    }
    const instructions = (list: readonly Silence[]) => list.reduce((sum, x) => sum + x.matchers.reduce((n, m) => n + regexInstructions(m), 0), 0);
    const held = instructions(this.state.silences.filter((s) => s.projectId === projectId && s.endsAtMs > now));
    const adding = instructions([silence]);
    if (adding > 0 && held + adding > MAX_SILENCE_REGEX_INSTRUCTIONS_PER_PROJECT) {
      throw new ProjectLimitError(
        `the regular expressions of a project's silences not yet expired compile to at most ${MAX_SILENCE_REGEX_INSTRUCTIONS_PER_PROJECT} instructions together (they hold ${held}, this silence adds ${adding}); expire one first or use equality matchers`,
      );
    }
    this.state.silences.push(silence);
    // Expired silences older than a week are forgotten.
    this.state.silences = this.state.silences.filter((s) => s.endsAtMs > now - 7 * DAY_MS);
    this.mark(now);
    return silence;
  }

  async expireSilence(projectId: string, id: string): Promise<Silence | null> {
    // Not found: nothing changes, nothing is written.
    if (!this.shared && !this.state.silences.some((x) => x.projectId === projectId && x.id === id)) return null;
    return this.changeConfig(() => {
      const s = this.state.silences.find((x) => x.projectId === projectId && x.id === id);
      if (!s) return null;
      const now = this.now();
      if (s.endsAtMs > now) s.endsAtMs = now;
      this.mark(now);
      return s;
    }, { unchanged: (s) => s === null });
  }

  // A deleted project: everything of it, written at once. Its open alerts go without a resolved
  // notification (the project is gone, not recovered). Call it once the project is out of the
  // store's projects and the rollups, so no later evaluation brings its alerts back. With shared
  // state the evaluating node resolves them in its own view, like those of a deleted rule.
  async forgetProject(projectId: string): Promise<void> {
    await this.running?.catch(() => undefined);
    await this.changeConfig(() => Object.assign(this.state, configWithoutProject(this.state, projectId)));
    this.state.history = forgetAlertsOf(projectId, this.alerts, this.health, this.state.history);
    if (!this.shared) await this.persistNow();
  }

  // ---- alerts ------------------------------------------------------------------------------

  list(projectId: string, options: { states?: AlertState[] } = {}): Alert[] {
    const states = options.states ?? ['pending', 'firing'];
    return [...this.alerts.values()]
      .filter((a) => a.projectId === projectId && states.includes(a.state))
      .map(publicAlert)
      .sort((a, b) => SEVERITY_RANK[b.labels.severity] - SEVERITY_RANK[a.labels.severity] || a.activeSinceMs - b.activeSinceMs);
  }

  history(projectId: string, options: { limit?: number; ruleId?: string; sinceMs?: number; untilMs?: number } = {}): AlertEvent[] {
    const limit = options.limit ?? 100;
    const out: AlertEvent[] = [];
    for (let i = this.state.history.length - 1; i >= 0 && out.length < limit; i--) {
      const e = this.state.history[i];
      if (e.projectId !== projectId) continue;
      if (options.ruleId && e.ruleId !== options.ruleId) continue;
      if (options.untilMs !== undefined && e.atMs >= options.untilMs) continue;
      if (options.sinceMs !== undefined && e.atMs < options.sinceMs) break;
      out.push(e);
    }
    return out;
  }

  // ---- evaluation --------------------------------------------------------------------------

  evaluate(nowMs = this.now()): Promise<void> {
    const run = (this.running ??= this.evaluateAll(nowMs).finally(() => {
      this.running = null;
    }));
    return run;
  }

  private async evaluateAll(nowMs: number): Promise<void> {
    const started = performance.now();
    const projects = new Set([...(await this.deps.projects()), ...this.deps.sources.rollups.projectIds()]);
    const sources = { ...this.deps.sources, rollups: new CachedRollups(this.deps.sources.rollups) };
    const cooldowns = new Map<string, number>(); // `${project}\0${rule id}`
    const evaluated = new Set<string>(); // `${project}\0${rule id}`
    let sliceStarted = performance.now();
    for (const projectId of projects) {
      for (const view of this.rules(projectId)) {
        cooldowns.set(`${projectId}\u0000${view.rule.id}`, view.rule.cooldown);
        if (!view.enabled) continue;
        evaluated.add(`${projectId}\u0000${view.rule.id}`);
        await this.evaluateOne(projectId, view.rule, nowMs, sources);
        if (performance.now() - sliceStarted > YIELD_AFTER_MS) {
          await nextTurn();
          sliceStarted = performance.now();
        }
      }
    }
    // Shared state: a rule deleted or disabled through another node's API resolves its alerts
    // here (that node resolved them only in its own view).
    if (this.shared) {
      for (const a of this.alerts.values()) {
        if (a.state !== 'resolved' && !evaluated.has(`${a.projectId}\u0000${a.ruleId}`)) this.transition(a, 'resolved', nowMs);
      }
    }
    // Resolved alerts are forgotten once they are past both their listing time and cool-down.
    for (const [fp, a] of this.alerts) {
      if (a.state !== 'resolved' || a.resolvedAtMs === null) continue;
      const cooldown = cooldowns.get(`${a.projectId}\u0000${a.ruleId}`) ?? this.cooldownOf(a);
      if (nowMs - a.resolvedAtMs > Math.max(RESOLVED_KEEP_MS, cooldown)) {
        this.alerts.delete(fp);
        this.dirty = true;
      }
    }
    this.mark(nowMs);
    this.metrics?.evaluations.inc();
    this.metrics?.duration.observe((performance.now() - started) / 1000);
    await (this.shared ? this.persistEvaluation(this.shared) : this.persist());
    this.deps.sink?.update(
      [...this.alerts.values()].filter((a) => a.state === 'firing' || (a.state === 'resolved' && a.firedAtMs !== null)).map(publicAlert),
      nowMs,
    );
  }

  // For alerts of a project not evaluated this cycle.
  private cooldownOf(a: Alert): number {
    for (const v of this.rules(a.projectId)) if (v.rule.id === a.ruleId) return v.rule.cooldown;
    return 0;
  }

  private async evaluateOne(projectId: string, rule: Rule, nowMs: number, sources: EvaluationSources): Promise<void> {
    const key = `${projectId}\u0000${rule.id}`;
    const t0 = performance.now();
    let outcome: RuleOutcome;
    try {
      outcome = await evaluateRule(rule, projectId, nowMs, sources);
    } catch (err) {
      // A failing rule keeps its alerts as they are: an error is not a recovery.
      const message = (err as Error).message;
      this.health.set(key, { lastEvaluatedMs: nowMs, lastDurationMs: performance.now() - t0, lastError: message, noData: false });
      this.metrics?.failures.inc({ rule_id: this.ruleLabels.get(rule.id) });
      this.deps.logger?.warn({ err, projectId, ruleId: rule.id }, 'alert rule evaluation failed');
      return;
    }
    this.health.set(key, { lastEvaluatedMs: nowMs, lastDurationMs: performance.now() - t0, lastError: null, noData: outcome.noData });

    const seen = new Set<string>();
    for (const g of outcome.groups) {
      if (!g.active) continue;
      const labels = alertLabels(projectId, rule, g.labels);
      const fp = fingerprintOf(projectId, labels);
      seen.add(fp);
      const existing = this.alerts.get(fp);
      const annotations = alertAnnotations(rule, labels, g.value);
      if (existing && existing.state !== 'resolved') {
        existing.value = g.value;
        existing.annotations = annotations;
        existing.lastEvaluatedMs = nowMs;
        if (existing.state === 'pending' && nowMs - existing.activeSinceMs >= rule.for) this.transition(existing, 'firing', nowMs);
        continue;
      }
      if (existing && existing.resolvedAtMs !== null && nowMs - existing.resolvedAtMs < rule.cooldown) {
        existing.lastEvaluatedMs = nowMs; // debounced (seed 004): stays resolved during the cool-down
        continue;
      }
      const alert: Alert & { inhibitKey: string } = {
        fingerprint: fp,
        projectId,
        ruleId: rule.id,
        labels,
        annotations,
        state: 'pending',
        value: g.value,
        threshold: rule.threshold ?? null,
        activeSinceMs: nowMs,
        firedAtMs: null,
        resolvedAtMs: null,
        lastEvaluatedMs: nowMs,
        silencedBy: [],
        inhibitedBy: [],
        inhibitKey: JSON.stringify([projectId, rule.name, Object.entries(g.labels).filter(([, v]) => v !== '').sort()]),
      };
      this.alerts.set(fp, alert);
      this.record(alert, null, 'pending', nowMs);
      if (rule.for <= 0) this.transition(alert, 'firing', nowMs);
    }
    for (const a of this.alerts.values()) {
      if (a.projectId !== projectId || a.ruleId !== rule.id || seen.has(a.fingerprint) || a.state === 'resolved') continue;
      this.transition(a, 'resolved', nowMs);
    }
  }

  // Resolves every open alert of a rule (deleted or disabled).
  private resolveRule(projectId: string, ruleId: string, nowMs: number): void {
    for (const a of this.alerts.values()) {
      if (a.projectId === projectId && a.ruleId === ruleId && a.state !== 'resolved') this.transition(a, 'resolved', nowMs);
    }
  }

  private transition(a: Alert, to: AlertState, nowMs: number): void {
    const from = a.state;
    a.state = to;
    if (to === 'firing') a.firedAtMs = nowMs;
    if (to === 'resolved') a.resolvedAtMs = nowMs;
    this.record(a, from, to, nowMs);
  }

  private record(a: Alert, from: AlertState | null, to: AlertState, nowMs: number): void {
    this.state.history.push({ atMs: nowMs, fingerprint: a.fingerprint, projectId: a.projectId, ruleId: a.ruleId, labels: a.labels, from, to, value: a.value });
    if (this.state.history.length > MAX_HISTORY) this.state.history.splice(0, this.state.history.length - MAX_HISTORY);
    this.dirty = true;
  }

  // Silence and inhibition marks, from the silences and the firing critical alerts now.
  private mark(nowMs: number): void {
    const active = this.state.silences.filter((s) => s.startsAtMs <= nowMs && nowMs < s.endsAtMs);
    const inhibitors = new Map<string, string[]>();
    for (const a of this.alerts.values()) {
      if (a.state !== 'firing' || a.labels.severity !== 'critical') continue;
      const list = inhibitors.get(a.inhibitKey) ?? [];
      list.push(a.fingerprint);
      inhibitors.set(a.inhibitKey, list);
    }
    for (const a of this.alerts.values()) {
      a.silencedBy = active.filter((s) => s.projectId === a.projectId && matchesAll(s.matchers, a.labels)).map((s) => s.id);
      a.inhibitedBy = a.labels.severity === 'critical' ? [] : (inhibitors.get(a.inhibitKey) ?? []);
    }
  }

  private async persist(): Promise<void> {
    if (!this.dirty) return;
    await this.persistNow();
  }

  // Shared state, after every evaluation: values and health move each time, and the other nodes
  // list what this writes. The history is written only when it changed.
  private async persistEvaluation(shared: SharedAlertState): Promise<void> {
    const historyChanged = this.dirty;
    this.dirty = false;
    try {
      await shared.writeEvaluation([...this.alerts.values()], [...this.health], historyChanged ? this.state.history : null);
    } catch (err) {
      this.dirty = historyChanged;
      this.deps.logger?.error({ err }, 'cannot write the alert state; will retry after the next evaluation');
    }
  }

  private async persistNow(): Promise<void> {
    this.dirty = false;
    this.state.alerts = [...this.alerts.values()];
    if (!this.deps.state) return;
    try {
      await this.deps.state.write(this.state);
    } catch (err) {
      this.dirty = true;
      this.deps.logger?.error({ err }, 'cannot write the alert state; will retry after the next evaluation');
    }
  }
}

function alertLabels(projectId: string, rule: Rule, group: Record<string, string>): Alert['labels'] {
  const labels: Record<string, string> = { ...rule.labels };
  for (const [k, v] of Object.entries(group)) if (v !== '') labels[k] = v;
  return { ...labels, alertname: rule.name, severity: rule.severity, category: rule.category, project: projectId };
}

function alertAnnotations(rule: Rule, labels: Record<string, string>, value: number | null): Record<string, string> {
  const out: Record<string, string> = {};
  const base = rule.annotations ?? { summary: `${rule.name} (${rule.kind})`, description: '' };
  for (const [k, text] of Object.entries(base)) out[k] = renderTemplate(text, { labels, value, threshold: rule.threshold ?? null });
  if (rule.runbook) out.runbook_url = rule.runbook;
  return out;
}

function publicAlert(a: Alert & { inhibitKey?: string }): Alert {
  const { inhibitKey: _unused, ...rest } = a;
  return { ...rest, labels: { ...rest.labels }, silencedBy: [...rest.silencedBy], inhibitedBy: [...rest.inhibitedBy] };
}

export type { StateDoc as AlertStateDoc };
