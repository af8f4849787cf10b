import { nanoToBig } from '../domain/money.ts';
import type { SpanRecord } from '../domain/span.ts';
import { MODEL_CALL_KINDS } from '../query/contract.ts';
import { isEvaluationSpan } from '../domain/quality.ts';
import { dayIndex, monthIndex, monthStartMs, ProjectLedger, spendTime, type Attribution3 } from './ledger.ts';

// The spend of every project, fed by the ingest pipeline as calls are acknowledged (and filled by
// rebuild.ts at start). A call counts for the project and for the user, team and department it
// is attributed to; as the store does on load, a call without them takes its trace root's.

export interface SpendOptions {
  // Teams, departments and users with spend tracked per project; past it, spend counts only for
  // the project (and is counted in `untrackedSubjects`).
  maxSeriesPerProject: number;
  // Traces whose root attribution is remembered, so later child calls are attributed in memory
  // as the store does when it loads them.
  maxTraces: number;
}

const MAX_PARKED_PER_TRACE = 100;

// One change the live feed made to a project's spend: `nano` at `startMs` for the project total
// (when `total`) and for each of the user, team and department that is not null; or, with no
// amount, where the user's latest call was attributed.
export interface SpendChange {
  project: string;
  startMs: number;
  nano: bigint | null;
  total: boolean;
  attr: Attribution3;
}

interface Parked {
  startMs: number;
  nano: bigint;
  missing: Attribution3; // the fields the call lacked (non-null = lacked)
}

export class Spend {
  private readonly ledgers = new Map<string, ProjectLedger>();
  // project\0trace -> the root span's attribution, and calls that arrived before their root.
  private readonly traceRoots: Generations<Attribution3>;
  private readonly parked: Generations<Parked[]>;
  private readonly maxSeriesPerProject: number;
  private lastPruneDay = -1;

  constructor(options: SpendOptions) {
    this.maxSeriesPerProject = options.maxSeriesPerProject;
    this.traceRoots = new Generations(options.maxTraces);
    this.parked = new Generations(options.maxTraces);
  }

  // Forgets every ledger (before a rebuild); nothing older than `nowMs`'s day needs pruning.
  reset(nowMs: number): void {
    this.ledgers.clear();
    this.lastPruneDay = dayIndex(nowMs);
  }

  // The project's ledger, if it has any spend or remembered user.
  find(project: string): ProjectLedger | undefined {
    return this.ledgers.get(project);
  }

  ledger(project: string): ProjectLedger {
    let l = this.ledgers.get(project);
    if (!l) {
      l = new ProjectLedger(this.maxSeriesPerProject);
      this.ledgers.set(project, l);
    }
    return l;
  }

  // An empty ledger with this spend's bounds, for a rebuild to fill before it replaces one.
  newLedger(): ProjectLedger {
    return new ProjectLedger(this.maxSeriesPerProject);
  }

  // Subjects past the per-project bound whose spend counts for the project only.
  untracked(project: string): number {
    return this.ledgers.get(project)?.untracked ?? 0;
  }

  // Counts acknowledged calls. Each change to the ledgers is also appended to `changes`, when
  // given, so that it can be applied again on top of spend rebuilt from a shared store.
  record(spans: readonly SpanRecord[], nowMs: number, changes?: SpendChange[]): void {
    this.maybePrune(nowMs);
    const oldestMs = monthStartMs(monthIndex(nowMs) - 1);
    const emit = (change: SpendChange): void => {
      this.apply(change, nowMs);
      changes?.push(change);
    };
    for (const s of spans) {
      // The judge's calls are Lookout's spend, capped by the judge's own budget, never the application's.
      if (isEvaluationSpan(s)) continue;
      if (s.parentSpanId === null) this.rememberRoot(s, emit);
      const nano = s.cost.totalNanoUsd === null ? null : nanoToBig(s.cost.totalNanoUsd);
      const a = s.attribution;
      // The analytics count model calls only (agent and chain spans repeat their children's usage).
      if (nano === null || nano <= 0n || !(MODEL_CALL_KINDS as readonly string[]).includes(s.kind) || s.startUs / 1000 < oldestMs) {
        if (a.userId !== null && (a.team !== null || a.department !== null)) {
          emit({ project: s.projectId, startMs: s.startUs / 1000, nano: null, total: false, attr: { user: a.userId, team: a.team, department: a.department } });
        }
        continue;
      }
      let attr: Attribution3 = { user: a.userId, team: a.team, department: a.department };
      if (s.parentSpanId !== null && (attr.user === null || attr.team === null || attr.department === null)) {
        const root = this.traceRoots.get(`${s.projectId}\u0000${s.traceId}`);
        if (root) attr = { user: attr.user ?? root.user, team: attr.team ?? root.team, department: attr.department ?? root.department };
        else this.park(s, nano);
      }
      emit({ project: s.projectId, startMs: s.startUs / 1000, nano, total: true, attr });
    }
  }

  // Applies one change to the ledgers: spend for the project total (when `total`) and for the
  // user, team and department named, or (no amount) where a user's latest call was attributed.
  apply(change: SpendChange, nowMs: number): void {
    const ledger = this.ledger(change.project);
    const { attr } = change;
    if (change.nano === null) {
      if (attr.user !== null) ledger.rememberUser(attr.user, attr, change.startMs);
      return;
    }
    const at = spendTime(change.startMs, nowMs);
    if (change.total) ledger.total.add(at, change.nano);
    for (const dimension of ['team', 'department', 'user'] as const) {
      const id = attr[dimension];
      if (id !== null) ledger.getOrCreate(dimension, id)?.add(at, change.nano);
    }
    if (change.total && attr.user !== null) ledger.rememberUser(attr.user, attr, change.startMs);
  }

  // A deleted project: its spend, and what is remembered of its traces' attribution.
  forgetProject(project: string): void {
    this.ledgers.delete(project);
    const prefix = `${project}\u0000`;
    this.traceRoots.deleteWhere((key) => key.startsWith(prefix));
    this.parked.deleteWhere((key) => key.startsWith(prefix));
  }

  // The projects with a ledger.
  projects(): string[] {
    return [...this.ledgers.keys()];
  }

  // Puts rebuilt ledgers in place of the projects' current ones; the trace memory stays.
  replace(ledgers: ReadonlyMap<string, ProjectLedger>): void {
    for (const [project, ledger] of ledgers) this.ledgers.set(project, ledger);
  }

  // Calls that arrived before their root count for the root's user, team and department now.
  private rememberRoot(s: SpanRecord, emit: (change: SpendChange) => void): void {
    const a = s.attribution;
    if (a.userId === null && a.team === null && a.department === null) return;
    const key = `${s.projectId}\u0000${s.traceId}`;
    const root: Attribution3 = { user: a.userId, team: a.team, department: a.department };
    this.traceRoots.set(key, root);
    const waiting = this.parked.get(key);
    if (!waiting) return;
    this.parked.delete(key);
    for (const p of waiting) {
      const extra: Attribution3 = {
        user: p.missing.user !== null ? root.user : null,
        team: p.missing.team !== null ? root.team : null,
        department: p.missing.department !== null ? root.department : null,
      };
      emit({ project: s.projectId, startMs: p.startMs, nano: p.nano, total: false, attr: extra });
    }
  }

  private park(s: SpanRecord, nano: bigint): void {
    const key = `${s.projectId}\u0000${s.traceId}`;
    let list = this.parked.get(key);
    if (!list) {
      list = [];
      this.parked.set(key, list);
    }
    if (list.length >= MAX_PARKED_PER_TRACE) return;
    const a = s.attribution;
    list.push({ startMs: s.startUs / 1000, nano, missing: { user: a.userId === null ? '' : null, team: a.team === null ? '' : null, department: a.department === null ? '' : null } });
  }

  private maybePrune(nowMs: number): void {
    const today = dayIndex(nowMs);
    if (today === this.lastPruneDay) return;
    this.lastPruneDay = today;
    for (const ledger of this.ledgers.values()) ledger.prune(nowMs);
  }
}

// A bounded map that forgets its oldest half at once: the newest `max / 2` to `max` keys are kept.
// (Deleting a Map's oldest key one at a time makes V8 skip ever more holes to find the next.)
class Generations<V> {
  private current = new Map<string, V>();
  private previous = new Map<string, V>();
  private readonly half: number;

  constructor(max: number) {
    this.half = Math.max(1, Math.floor(max / 2));
  }

  get(key: string): V | undefined {
    return this.current.get(key) ?? this.previous.get(key);
  }

  set(key: string, value: V): void {
    if (this.current.size >= this.half && !this.current.has(key)) {
      this.previous = this.current;
      this.current = new Map();
    }
    this.current.set(key, value);
  }

  delete(key: string): void {
    this.current.delete(key);
    this.previous.delete(key);
  }

  deleteWhere(matches: (key: string) => boolean): void {
    for (const map of [this.current, this.previous]) for (const key of map.keys()) if (matches(key)) map.delete(key);
  }
}
