import { createHash, randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { StateDocument } from '../../state/document.ts';
import { matchesAll, parseMatcher, type Matcher } from '../engine/silences.ts';
import { renderTemplate } from '../engine/template.ts';
import { parseDuration } from '../../domain/time.ts';
import type { Alert, AlertSink } from '../types.ts';
import { ResponseCache, type ResponseCacheOptions } from './cache.ts';
import { RateLimiter } from './rate-limit.ts';
import { ACTION_KINDS, kindOf, type ActionConfig, type ActionKind, type ActionScope, type GatewayProvider, type ParamsByKind } from './schema.ts';
import { ConflictError, NotFoundError } from '../../errors.ts';
import { METRIC } from '../../metrics/names.ts';

// F5: automated responses. The engine is an AlertSink: after every evaluation it is handed every
// firing alert (and those resolved lately). Each configured action whose `when` matches a firing
// alert is activated once per alert (fingerprint); when that alert stops firing the activation is
// reverted (unless revertOnResolve is false). An operator can revert one through the API; it then
// stays reverted until its alert resolves and fires again.
//
// The gateway asks `decide()` on every request: an in-memory lookup over the project's active
// activations, no I/O. Dry-run activations are listed and reported by decide() in `applied`
// with dryRun: true, but change nothing. Without an active activation decide() changes nothing.
//
// Activations (active ones and the last MAX_HISTORY others) are one JSON document written after
// each change, so they survive restarts. When several nodes share a store, only the node that
// evaluates alerts activates and writes that document; reverts made through the API of any node
// go to a second document (`reverts`), which every node applies over the first when it reads
// it back (reload, every interval), so neither writer replaces what the other wrote.

export const MAX_HISTORY = 1_000;
const KIND_ORDER: Record<ActionKind, number> = { block: 0, rateLimit: 1, switchModel: 2, responseCache: 3, fallback: 4 };

export type RevertReason = 'resolve' | 'api' | 'config';

export interface Activation {
  id: string;
  projectId: string;
  actionId: string;
  kind: ActionKind;
  // The action's parameters with {{ $labels.x }} filled in from the triggering alert.
  params: ParamsByKind[ActionKind];
  triggeredBy: {
    fingerprint: string;
    ruleId: string;
    alertname: string;
    severity: string;
    labels: Record<string, string>;
    value: number | null;
    firedAtMs: number | null;
    summary: string | null;
  };
  activatedAtMs: number;
  dryRun: boolean;
  revertOnResolve: boolean;
  state: 'active' | 'reverted';
  revertedAtMs: number | null;
  revertedBy: RevertReason | null;
  // The API key that reverted it (null: the operator without a key, or not reverted by API).
  revertedByKey: string | null;
  // When its alert stopped firing (null: still firing, as far as the engine knows).
  alertResolvedAtMs: number | null;
  // A hash of the action's configuration: a changed action is reverted at start and re-activated.
  configHash: string;
}

export interface ActionStateDoc {
  version: 1;
  activations: Activation[];
}

export interface ActionRevert {
  activationId: string;
  projectId: string;
  atMs: number;
  keyId: string | null;
}

export interface ActionRevertDoc {
  version: 1;
  reverts: ActionRevert[];
}

// Reverts are kept while their activation may still be listed by a node (MAX_HISTORY reverted
// activations at most), and no longer than this.
const REVERT_KEEP_MS = 7 * 24 * 60 * 60 * 1000;

// What the gateway knows about a request before forwarding it.
export interface RequestFacts {
  provider: string; // gateway route: 'openai' | 'anthropic'
  model: string | null;
  user: string | null;
  feature: string | null;
  team: string | null;
  path: string; // upstream path, e.g. '/chat/completions'
}

export interface AppliedAction {
  activationId: string;
  actionId: string;
  kind: ActionKind;
  dryRun: boolean;
}

export interface Decision {
  // Send the request with this model instead of the one asked for.
  model?: string;
  // Answer from the response cache when it has the request; store the answer for ttlMs.
  cache?: { ttlMs: number; keyScope: string; activationId: string };
  // Refuse the request (403 in the provider's error format).
  block?: { reason: string; activationId: string };
  // Refuse the request (429 with Retry-After).
  rateLimited?: { retryAfterS: number; reason: string; activationId: string };
  // On these upstream statuses, send the request again to baseUrl.
  fallback?: { provider: GatewayProvider; baseUrl: string; onStatus: number[]; activationId: string };
  // Every activation that changed this request, or would have (dryRun: true).
  applied: AppliedAction[];
}

export class ActivationNotFoundError extends NotFoundError {
  override name = 'ActivationNotFoundError';
}
export class ActivationConflictError extends ConflictError {
  override name = 'ActivationConflictError';
}

interface CompiledAction {
  config: ActionConfig;
  kind: ActionKind;
  matchers: Matcher[];
  hash: string;
}

const emptyState = (): ActionStateDoc => ({ version: 1, activations: [] });
const keyOf = (actionId: string, fingerprint: string) => `${actionId}\u0000${fingerprint}`;

function hashConfig(config: ActionConfig): string {
  return createHash('sha256').update(JSON.stringify(config)).digest('hex').slice(0, 16);
}

function fieldMatches(want: string | undefined, have: string | null): boolean {
  if (want === undefined) return true;
  if (!have) return false;
  return want === '*' || want === have;
}

function inScope(scope: ActionScope, req: RequestFacts): boolean {
  return fieldMatches(scope.user, req.user) && fieldMatches(scope.team, req.team) && fieldMatches(scope.feature, req.feature);
}

function modelMatches(from: string, model: string | null): boolean {
  if (!model) return false;
  return from.endsWith('*') ? model.startsWith(from.slice(0, -1)) : model === from;
}

export interface ActionEngineDeps {
  state: StateDocument<ActionStateDoc> | null;
  // Several nodes share the state: reverts made through the API, apart from the activations.
  reverts?: StateDocument<ActionRevertDoc>;
  logger?: Logger;
  registry?: Registry;
  now?: () => number;
  cache?: Omit<ResponseCacheOptions, 'registry'>;
}

export class ActionEngine implements AlertSink {
  readonly cache: ResponseCache;
  private readonly actions: CompiledAction[];
  private readonly byActionId: Map<string, CompiledAction>;
  private readonly deps: ActionEngineDeps;
  private readonly now: () => number;
  private activations: Activation[] = [];
  // (action, alert) -> its latest activation, while the alert fires or the activation is active.
  private readonly current = new Map<string, Activation>();
  // project -> active activations in the order decide() applies them.
  private byProject = new Map<string, Activation[]>();
  private readonly limiter = new RateLimiter();
  private readonly dryLimiter = new RateLimiter();
  private writing: Promise<void> = Promise.resolve();
  private revertWrites: Promise<void> = Promise.resolve();
  private readonly metrics: { activations: Counter<'kind' | 'dry_run'>; enforced: Counter<'kind'> } | null = null;

  constructor(actions: readonly ActionConfig[], deps: ActionEngineDeps) {
    this.deps = deps;
    this.now = deps.now ?? Date.now;
    this.actions = actions.map((config) => ({ config, kind: kindOf(config), matchers: config.when.matchers.map(parseMatcher), hash: hashConfig(config) }));
    this.byActionId = new Map(this.actions.map((a) => [a.config.id, a]));
    this.cache = new ResponseCache({ ...deps.cache, registry: deps.registry });
    if (deps.registry) {
      const registers = [deps.registry];
      this.metrics = {
        activations: new Counter({ name: METRIC.actionActivations, help: 'Automated responses activated by a firing alert, by kind and dry run.', labelNames: ['kind', 'dry_run'], registers }),
        enforced: new Counter({ name: METRIC.actionEnforcements, help: 'Gateway requests changed or refused by an automated response, by kind.', labelNames: ['kind'], registers }),
      };
      const self = this;
      new Gauge({
        name: METRIC.actionsActive,
        help: 'Automated responses active now (not dry run), by kind.',
        labelNames: ['kind'],
        registers,
        collect() {
          this.reset();
          for (const kind of ACTION_KINDS) this.set({ kind }, 0);
          for (const list of self.byProject.values()) for (const a of list) if (!a.dryRun) this.inc({ kind: a.kind });
        },
      });
    }
  }

  async open(): Promise<void> {
    const changed = await this.load();
    // With shared state only the evaluating node writes the activations (at its next change).
    if (changed && !this.deps.reverts) this.persist();
  }

  // Shared state: takes the activations the store holds now, with every revert made through
  // any node's API, in place of this node's. Nodes that do not evaluate alerts do this every
  // interval, so that the gateway on every node applies the same responses. `write`: this node
  // evaluates alerts, so it writes what changed (activations of a changed action reverted).
  async reload(options: { write?: boolean } = {}): Promise<void> {
    if ((await this.load()) && options.write) this.persist();
  }

  // Shared state: the reverts made through any node's API, applied to this node's activations.
  // The evaluating node does this before each evaluation and writes the activations they changed.
  async applyReverts(options: { write?: boolean } = {}): Promise<boolean> {
    const reverts = this.deps.reverts;
    if (!reverts) return false;
    const doc = await reverts.read({ version: 1, reverts: [] });
    let changed = false;
    const byId = new Map(this.activations.map((a) => [a.id, a]));
    for (const r of doc.reverts ?? []) {
      const a = byId.get(r.activationId);
      if (!a || a.projectId !== r.projectId || a.state !== 'active') continue;
      this.revertNow(a, 'api', r.atMs, r.keyId);
      const key = keyOf(a.actionId, a.triggeredBy.fingerprint);
      if (a.alertResolvedAtMs !== null && this.current.get(key) === a) this.current.delete(key);
      changed = true;
    }
    if (changed) {
      this.rebuild();
      if (options.write) this.persist();
    }
    return changed;
  }

  // Reads the activations; true when some were reverted here (their action's configuration
  // changed, or a revert made through the API is not in the document yet).
  private async load(): Promise<boolean> {
    const doc = this.deps.state ? await this.deps.state.read(emptyState()) : emptyState();
    this.activations = Array.isArray(doc.activations) ? doc.activations : [];
    this.current.clear();
    const nowMs = this.now();
    let changed = false;
    for (const a of this.activations) {
      const action = this.byActionId.get(a.actionId);
      if (a.state === 'active' && (!action || action.hash !== a.configHash)) {
        this.revertNow(a, 'config', nowMs, null);
        changed = true;
        continue;
      }
      if (a.state === 'active' || a.alertResolvedAtMs === null) this.current.set(keyOf(a.actionId, a.triggeredBy.fingerprint), a);
    }
    this.rebuild();
    return (await this.applyReverts()) || changed;
  }

  configured(): { id: string; kind: ActionKind; when: ActionConfig['when']; params: ParamsByKind[ActionKind]; dryRun: boolean; revertOnResolve: boolean }[] {
    return this.actions.map((a) => ({ id: a.config.id, kind: a.kind, when: a.config.when, params: a.config.do[a.kind]!, dryRun: a.config.dryRun, revertOnResolve: a.config.revertOnResolve }));
  }

  // ---- the alert side ----------------------------------------------------------------------

  update(alerts: readonly Alert[], nowMs: number): void {
    let changed = false;
    const matched = new Set<string>();
    for (const alert of alerts) {
      if (alert.state !== 'firing') continue;
      for (const action of this.actions) {
        if (action.config.when.alertname !== undefined && alert.labels.alertname !== action.config.when.alertname) continue;
        if (!matchesAll(action.matchers, alert.labels)) continue;
        const key = keyOf(action.config.id, alert.fingerprint);
        matched.add(key);
        const existing = this.current.get(key);
        if (existing) {
          if (existing.alertResolvedAtMs !== null) {
            existing.alertResolvedAtMs = null;
            changed = true;
          }
          continue;
        }
        const activation = this.activate(action, alert, nowMs);
        if (activation) {
          this.current.set(key, activation);
          changed = true;
        }
      }
    }
    for (const [key, a] of this.current) {
      if (matched.has(key)) continue;
      // Its alert no longer fires (resolved, or gone) or no longer matches the action.
      if (a.alertResolvedAtMs === null) {
        a.alertResolvedAtMs = nowMs;
        changed = true;
      }
      if (a.state === 'active' && a.revertOnResolve) {
        this.revertNow(a, 'resolve', nowMs, null);
        changed = true;
      }
      if (a.state !== 'active') this.current.delete(key);
    }
    if (changed) {
      this.rebuild();
      this.persist();
    }
  }

  private activate(action: CompiledAction, alert: Alert, nowMs: number): Activation | null {
    const raw = action.config.do[action.kind]!;
    const params = structuredClone(raw) as ParamsByKind[ActionKind];
    const scope = (params as { scope?: ActionScope }).scope;
    if (scope) {
      for (const field of ['user', 'team', 'feature'] as const) {
        const text = scope[field];
        if (text === undefined || !text.includes('{{')) continue;
        const value = renderTemplate(text, { labels: alert.labels, value: alert.value, threshold: alert.threshold });
        // A label value is data from clients: it never widens the scope to everyone.
        if (value === '' || value === '*') {
          this.deps.logger?.warn(
            { event: 'action_skipped', actionId: action.config.id, alertname: alert.labels.alertname, fingerprint: alert.fingerprint, field, template: text },
            `action '${action.config.id}' not activated: scope.${field} '${text}' gives ${value === '' ? 'nothing' : "'*'"} for alert ${alert.labels.alertname}`,
          );
          return null;
        }
        scope[field] = value;
      }
    }
    const activation: Activation = {
      id: randomUUID(),
      projectId: alert.projectId,
      actionId: action.config.id,
      kind: action.kind,
      params,
      triggeredBy: {
        fingerprint: alert.fingerprint,
        ruleId: alert.ruleId,
        alertname: alert.labels.alertname,
        severity: alert.labels.severity,
        labels: { ...alert.labels },
        value: alert.value,
        firedAtMs: alert.firedAtMs,
        summary: alert.annotations.summary ?? null,
      },
      activatedAtMs: nowMs,
      dryRun: action.config.dryRun,
      revertOnResolve: action.config.revertOnResolve,
      state: 'active',
      revertedAtMs: null,
      revertedBy: null,
      revertedByKey: null,
      alertResolvedAtMs: null,
      configHash: action.hash,
    };
    this.activations.push(activation);
    this.metrics?.activations.inc({ kind: action.kind, dry_run: String(activation.dryRun) });
    this.deps.logger?.warn(
      { event: 'action_activated', activationId: activation.id, actionId: activation.actionId, kind: activation.kind, projectId: activation.projectId, dryRun: activation.dryRun, params, alertname: alert.labels.alertname, fingerprint: alert.fingerprint, value: alert.value },
      `${activation.dryRun ? '[dry run] ' : ''}action '${activation.actionId}' (${activation.kind}) activated by alert ${alert.labels.alertname}`,
    );
    return activation;
  }

  private revertNow(a: Activation, by: RevertReason, nowMs: number, keyId: string | null): void {
    a.state = 'reverted';
    a.revertedAtMs = nowMs;
    a.revertedBy = by;
    a.revertedByKey = keyId;
    this.limiter.forget(`${a.id}\u0000`);
    this.dryLimiter.forget(`${a.id}\u0000`);
    this.deps.logger?.info(
      { event: 'action_reverted', activationId: a.id, actionId: a.actionId, kind: a.kind, projectId: a.projectId, dryRun: a.dryRun, revertedBy: by, keyId, alertname: a.triggeredBy.alertname },
      `${a.dryRun ? '[dry run] ' : ''}action '${a.actionId}' (${a.kind}) reverted (${by === 'resolve' ? 'its alert resolved' : by === 'api' ? 'through the API' : 'its configuration changed'})`,
    );
  }

  // ---- the API side ------------------------------------------------------------------------

  list(projectId: string, options: { limit?: number } = {}): { active: Activation[]; history: Activation[] } {
    const limit = options.limit ?? 100;
    const active: Activation[] = [];
    const history: Activation[] = [];
    for (let i = this.activations.length - 1; i >= 0; i--) {
      const a = this.activations[i];
      if (a.projectId !== projectId) continue;
      if (a.state === 'active') active.push(structuredClone(a));
      if (history.length < limit) history.push(structuredClone(a));
    }
    return { active, history };
  }

  get(projectId: string, id: string): Activation | null {
    const a = this.activations.find((x) => x.id === id && x.projectId === projectId);
    return a ? structuredClone(a) : null;
  }

  async revert(projectId: string, id: string, by: { keyId: string | null } = { keyId: null }): Promise<Activation> {
    const a = this.activations.find((x) => x.id === id && x.projectId === projectId);
    if (!a) throw new ActivationNotFoundError(`no activation '${id}' in this project`);
    if (a.state !== 'active') throw new ActivationConflictError(`activation '${id}' was already reverted (${a.revertedBy})`);
    this.revertNow(a, 'api', this.now(), by.keyId);
    const key = keyOf(a.actionId, a.triggeredBy.fingerprint);
    // Still firing: kept as the alert's activation, so it is not activated again until the alert
    // resolves and fires anew.
    if (a.alertResolvedAtMs !== null && this.current.get(key) === a) this.current.delete(key);
    this.rebuild();
    if (this.deps.reverts) await this.recordRevert(this.deps.reverts, a);
    else this.persist();
    await this.flush();
    return structuredClone(a);
  }

  // Shared state: added to the reverts just read from the store, so that reverts made through
  // other nodes are kept; this node's own are written one at a time.
  private recordRevert(reverts: StateDocument<ActionRevertDoc>, a: Activation): Promise<void> {
    const task = async () => {
      const doc = await reverts.read({ version: 1, reverts: [] });
      const oldestMs = this.now() - REVERT_KEEP_MS;
      const kept = (doc.reverts ?? []).filter((r) => r.atMs >= oldestMs && r.activationId !== a.id).slice(-MAX_HISTORY);
      kept.push({ activationId: a.id, projectId: a.projectId, atMs: a.revertedAtMs ?? this.now(), keyId: a.revertedByKey });
      await reverts.write({ version: 1, reverts: kept });
    };
    const next = this.revertWrites.then(task);
    this.revertWrites = next.catch(() => undefined);
    return next;
  }

  // A deleted project: its activations, active or past, and the cached responses (keyed by
  // hashes that do not say their project, so the cache is emptied: it only costs fresh calls).
  // With shared state the evaluating node writes the activations at its next change.
  async forgetProject(projectId: string): Promise<void> {
    this.activations = this.activations.filter((a) => a.projectId !== projectId);
    for (const [key, a] of this.current) if (a.projectId === projectId) this.current.delete(key);
    this.rebuild();
    this.cache.clear();
    if (!this.deps.reverts) this.persist();
    await this.flush();
  }

  // Waits for the writes under way.
  async flush(): Promise<void> {
    await this.writing;
  }

  // ---- the gateway side --------------------------------------------------------------------

  // Whether anything (dry runs included) is active for the project: without, decide() is a no-op
  // and the gateway need not even read the request body.
  hasActive(projectId: string): boolean {
    return this.byProject.has(projectId);
  }

  decide(projectId: string, req: RequestFacts, nowMs: number): Decision {
    const list = this.byProject.get(projectId);
    const decision: Decision = { applied: [] };
    if (!list) return decision;
    for (const a of list) {
      const applied = this.apply(a, req, nowMs, decision);
      if (!applied) continue;
      decision.applied.push({ activationId: a.id, actionId: a.actionId, kind: a.kind, dryRun: a.dryRun });
      if (!a.dryRun) this.metrics?.enforced.inc({ kind: a.kind });
      // A refused request goes nowhere: nothing else applies to it.
      if (!a.dryRun && (decision.block || decision.rateLimited)) break;
    }
    return decision;
  }

  private apply(a: Activation, req: RequestFacts, nowMs: number, d: Decision): boolean {
    switch (a.kind) {
      case 'block': {
        const p = a.params as ParamsByKind['block'];
        if (!inScope(p.scope, req)) return false;
        if (!a.dryRun) d.block = { reason: `refused by action '${a.actionId}' while alert ${a.triggeredBy.alertname} fires`, activationId: a.id };
        return true;
      }
      case 'rateLimit': {
        const p = a.params as ParamsByKind['rateLimit'];
        if (!inScope(p.scope, req)) return false;
        const check = (a.dryRun ? this.dryLimiter : this.limiter).take(`${a.id}\u0000${req.user ?? ''}`, p.requestsPerMinute, nowMs);
        if (check.allowed) return false;
        if (!a.dryRun) {
          d.rateLimited = {
            retryAfterS: check.retryAfterS,
            reason: `rate-limited to ${p.requestsPerMinute} requests per minute by action '${a.actionId}' while alert ${a.triggeredBy.alertname} fires`,
            activationId: a.id,
          };
        }
        return true;
      }
      case 'switchModel': {
        const p = a.params as ParamsByKind['switchModel'];
        if ((p.provider !== undefined && p.provider !== req.provider) || !modelMatches(p.from, req.model) || req.model === p.to || !inScope(p.scope, req)) return false;
        if (a.dryRun) return true;
        if (d.model !== undefined) return false;
        d.model = p.to;
        return true;
      }
      case 'responseCache': {
        const p = a.params as ParamsByKind['responseCache'];
        if (!inScope(p.scope, req)) return false;
        if (p.perUser && !req.user) return false;
        if (a.dryRun) return true;
        if (d.cache) return false;
        d.cache = { ttlMs: parseDuration(p.ttl, { name: 'ttl' }), keyScope: p.perUser ? `user:${req.user}` : '', activationId: a.id };
        return true;
      }
      case 'fallback': {
        const p = a.params as ParamsByKind['fallback'];
        if (p.provider !== req.provider || !inScope(p.scope, req)) return false;
        if (a.dryRun) return true;
        if (d.fallback) return false;
        d.fallback = { provider: p.provider, baseUrl: p.baseUrl, onStatus: [...p.onStatus], activationId: a.id };
        return true;
      }
    }
  }

  // ---- state -------------------------------------------------------------------------------

  private rebuild(): void {
    const next = new Map<string, Activation[]>();
    for (const a of this.activations) {
      if (a.state !== 'active') continue;
      const list = next.get(a.projectId) ?? [];
      list.push(a);
      next.set(a.projectId, list);
    }
    for (const list of next.values()) list.sort((x, y) => KIND_ORDER[x.kind] - KIND_ORDER[y.kind] || x.activatedAtMs - y.activatedAtMs);
    this.byProject = next;
  }

  private persist(): void {
    // Active activations and those still tied to a firing alert are kept; of the rest, the newest.
    const keep = new Set<Activation>(this.current.values());
    let others = 0;
    for (let i = this.activations.length - 1; i >= 0; i--) {
      const a = this.activations[i];
      if (a.state === 'active' || keep.has(a)) keep.add(a);
      else if (others < MAX_HISTORY) {
        keep.add(a);
        others++;
      }
    }
    if (keep.size < this.activations.length) this.activations = this.activations.filter((a) => keep.has(a));
    const state = this.deps.state;
    if (!state) return;
    const doc: ActionStateDoc = { version: 1, activations: this.activations };
    this.writing = state.write(doc).catch((err: unknown) => {
      this.deps.logger?.error({ err }, 'cannot write the automated responses state; will retry at the next change');
    });
  }
}
