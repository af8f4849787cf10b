import type { Logger } from 'pino';
import type { SpanRecord } from '../domain/span.ts';
import type { Store } from '../store/store.ts';
import type { ProjectLedger } from './ledger.ts';
import { projectsToRead, readProjectSpend } from './rebuild.ts';
import type { Spend, SpendChange } from './spend.ts';

// Spend on a store several nodes load into. Every refresh replaces each project's ledger with
// what the store holds, which counts every node's loaded calls once, and applies again the
// changes this node's own calls made that the store did not hold at that read.
//
// Which of this node's calls the store holds is known exactly: each accepted call is tagged with
// the journal segment it was written in, and a project's spend is read while none of this node's
// loads is in flight, with the last loaded segment in hand. Changes of later segments are applied
// on top; those of earlier ones are in the store's figure. So a call of this node counts once, in
// memory before its load and from the store after it, whenever the refresh falls. Changes are
// kept only until their segment is loaded and no refresh in progress still needs them: at most
// what the journal holds unloaded (ingest.maxQueueRows) plus what one refresh lasts.

// What the book needs of this node's ingest pipeline.
export interface LoadSequence {
  // Every journal segment up to this one is in the store.
  readonly loadedSeq: number;
  // Runs `read` while no load is in flight (for at most `maxHoldMs`; `held` false past it).
  withLoadsHeld<T>(maxHoldMs: number, read: (loadedSeq: number) => Promise<T>): Promise<{ value: T; held: boolean }>;
}

// One project's read holds this node's loads at most this long (a read takes milliseconds); a
// slower one keeps the project's previous figures until the next refresh.
const MAX_LOAD_HOLD_MS = 2_000;

interface Accepted {
  seq: number;
  changes: SpendChange[];
}

export interface RefreshResult {
  projects: number;
  rows: number;
  // Projects whose read outlasted the hold on loads: their figures were kept.
  kept: number;
}

export class SharedSpend {
  private readonly spend: Spend;
  private readonly store: Store;
  private readonly loads: LoadSequence;
  private readonly logger: Logger;
  // This node's changes by journal segment, oldest first, from `head` on.
  private accepted: Accepted[] = [];
  private head = 0;
  // While a refresh runs: the segment loaded when it started; its changes after it are kept.
  private refreshFromSeq: number | null = null;
  private running: Promise<RefreshResult> | null = null;

  constructor(spend: Spend, store: Store, loads: LoadSequence, logger: Logger) {
    this.spend = spend;
    this.store = store;
    this.loads = loads;
    this.logger = logger;
  }

  // Counts calls this node accepted into journal segment `seq`.
  record(spans: readonly SpanRecord[], nowMs: number, seq: number): void {
    const changes: SpendChange[] = [];
    this.spend.record(spans, nowMs, changes);
    if (changes.length) this.accepted.push({ seq, changes });
    this.trim();
  }

  // Changes kept for segments not known to be in the store yet.
  get keptChanges(): number {
    let n = 0;
    for (let i = this.head; i < this.accepted.length; i++) n += this.accepted[i].changes.length;
    return n;
  }

  // Rebuilds every project's spend from the store; one refresh at a time (a second call joins it).
  refresh(definedProjects: readonly string[], now: () => number): Promise<RefreshResult> {
    this.running ??= this.refreshNow(definedProjects, now).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async refreshNow(definedProjects: readonly string[], now: () => number): Promise<RefreshResult> {
    this.refreshFromSeq = this.loads.loadedSeq;
    try {
      const nowMs = now();
      const projects = await projectsToRead(this.store, [...definedProjects, ...this.spend.projects()]);
      const read = new Map<string, { ledger: ProjectLedger; loadedSeq: number }>();
      let rows = 0;
      let kept = 0;
      for (const project of projects) {
        const ledger = this.spend.newLedger();
        const { value, held } = await this.loads.withLoadsHeld(MAX_LOAD_HOLD_MS, async (loadedSeq) => {
          rows += await readProjectSpend(ledger, this.store, project, nowMs, this.logger);
          return loadedSeq;
        });
        if (held) read.set(project, { ledger, loadedSeq: value });
        else kept++;
      }
      // From here to the end nothing waits, so no call is counted in between.
      const applyMs = now();
      this.spend.replace(new Map([...read].map(([project, r]) => [project, r.ledger])));
      for (let i = this.head; i < this.accepted.length; i++) {
        const { seq, changes } = this.accepted[i];
        for (const c of changes) {
          const r = read.get(c.project);
          if (r && seq > r.loadedSeq) this.spend.apply(c, applyMs);
        }
      }
      if (kept) this.logger.warn({ event: 'budgets_refresh_slow', projects: kept }, `reading the spend of ${kept} projects took longer than ${MAX_LOAD_HOLD_MS} ms; their previous figures are kept until the next refresh`);
      return { projects: projects.size, rows, kept };
    } finally {
      this.refreshFromSeq = null;
      this.trim();
    }
  }

  // Drops changes that no refresh can need: their segment is in the store, and loaded before any
  // refresh in progress began.
  private trim(): void {
    const bound = this.refreshFromSeq ?? this.loads.loadedSeq;
    while (this.head < this.accepted.length && this.accepted[this.head].seq <= bound) this.head++;
    if (this.head === this.accepted.length) {
      this.accepted = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.accepted.length) {
      this.accepted = this.accepted.slice(this.head);
      this.head = 0;
    }
  }
}
