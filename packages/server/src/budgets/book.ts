import type { Logger } from 'pino';
import type { ScoreRecord } from '../domain/score.ts';
import type { SpanRecord } from '../domain/span.ts';
import type { IngestObserver } from '../ingest/pipeline.ts';
import type { StateDocument } from '../state/document.ts';
import type { ProjectId, Store } from '../store/store.ts';
import { BudgetDefinitions, type BudgetAuthor, type TierView } from './definitions.ts';
import { BudgetPolicy, type BudgetStatus, type CheckResult, type CheckSubject, type StatusFilter } from './policy.ts';
import { readProjectSpend, rebuildSpend } from './rebuild.ts';
import type { Budget, BudgetsDocument, TierName, TierSettings } from './schema.ts';
import { SharedSpend, type LoadSequence, type RefreshResult } from './shared-spend.ts';
import { Spend, type SpendChange } from './spend.ts';

// B6: budgets and the spend they are checked against, as the server holds them: the definitions
// (definitions.ts, the state document `budgets`), the spend in memory (spend.ts over ledger.ts),
// fed by the ingest pipeline and rebuilt from the store when the book opens (rebuild.ts), and
// what the budgets decide (policy.ts). `check()`, called by the gateway before every request,
// never touches the store.
//
// On a store several nodes share, the book also refreshes itself every `refreshIntervalMs`: it
// reads the definitions again (a budget made through another node applies here) and rebuilds
// the spend from the store, keeping this node's calls not loaded yet (shared-spend.ts).

export interface BudgetBookOptions {
  // Teams, departments and users with spend tracked per project; past it, spend counts only for
  // the project (and is counted in `untrackedSubjects`).
  maxSeriesPerProject?: number;
  // Traces whose root attribution is remembered, so later child calls are attributed in memory
  // as the store does when it loads them.
  maxTraces?: number;
  // The clock that places live spend in the minute cells and drops old periods (tests set it).
  now?: () => number;
  // Several nodes share the store: this node's ingest pipeline, and how often to refresh.
  shared?: { loads: LoadSequence; refreshIntervalMs: number };
}

const DEFAULT_MAX_SERIES = 200_000;
const DEFAULT_MAX_TRACES = 50_000;
// A project's spend is read while this node's loads wait at most this long (a read takes milliseconds).
const MAX_LOAD_HOLD_MS = 5_000;
const REBUILD_ATTEMPTS = 3;

export class BudgetBook implements IngestObserver {
  private readonly definitions: BudgetDefinitions;
  private readonly spend: Spend;
  private readonly policy: BudgetPolicy;
  private readonly now: () => number;
  private readonly logger: Logger;
  private readonly shared: SharedSpend | null;
  private readonly storeRef: Store;
  private readonly refreshIntervalMs: number;
  private timer: NodeJS.Timeout | null = null;
  private refreshing: Promise<void> | null = null;
  // While a project is rebuilt (rebuildProject): the changes of calls accepted meanwhile.
  private tracked: { seq: number; changes: SpendChange[] }[] | null = null;

  private constructor(definitions: BudgetDefinitions, store: Store, logger: Logger, options: BudgetBookOptions) {
    this.definitions = definitions;
    this.spend = new Spend({ maxSeriesPerProject: options.maxSeriesPerProject ?? DEFAULT_MAX_SERIES, maxTraces: options.maxTraces ?? DEFAULT_MAX_TRACES });
    this.policy = new BudgetPolicy(definitions, this.spend);
    this.now = options.now ?? Date.now;
    this.logger = logger;
    this.storeRef = store;
    this.shared = options.shared ? new SharedSpend(this.spend, store, options.shared.loads, logger) : null;
    this.refreshIntervalMs = options.shared?.refreshIntervalMs ?? 0;
  }

  // Reads the definitions (`document` null: kept in memory only) and rebuilds this and last
  // month's spend from the store. Open it after the ingest journal is recovered and before ingest
  // starts.
  static async open(
    document: StateDocument<BudgetsDocument> | null,
    store: Store,
    logger: Logger,
    options: BudgetBookOptions & { nowMs?: number } = {},
  ): Promise<BudgetBook> {
    const book = new BudgetBook(await BudgetDefinitions.load(document, { shared: options.shared !== undefined }), store, logger, options);
    await rebuildSpend(book.spend, store, book.definitions.projectIds(), options.nowMs ?? book.now(), logger);
    return book;
  }

  // `seq`: the journal segment the spans were written in (the pipeline passes it).
  onAccepted(spans: readonly SpanRecord[], _scores: readonly ScoreRecord[], seq?: number): void {
    if (this.shared && seq !== undefined) this.shared.record(spans, this.now(), seq);
    else if (this.tracked && seq !== undefined) {
      const changes: SpendChange[] = [];
      this.spend.record(spans, this.now(), changes);
      if (changes.length) this.tracked.push({ seq, changes });
    } else this.spend.record(spans, this.now());
  }

  // I4: after an erasure, the project's spend as the store holds it now. The calls this node
  // accepted that the store did not hold at the read are counted again on top, as a shared
  // store's refresh does (shared-spend.ts). A shared store refreshes every project.
  async rebuildProject(project: ProjectId, loads: LoadSequence & { caughtUp(): Promise<void> }): Promise<void> {
    if (this.shared) return this.refresh();
    if (this.tracked) throw new Error('a budget spend rebuild is already running');
    this.tracked = [];
    try {
      // Every call counted before tracking began is loaded, so the read below holds it.
      await loads.caughtUp();
      for (let attempt = 1; ; attempt++) {
        const ledger = this.spend.newLedger();
        const nowMs = this.now();
        const { value: loadedSeq, held } = await loads.withLoadsHeld(MAX_LOAD_HOLD_MS, async (seq) => {
          await readProjectSpend(ledger, this.storeRef, project, nowMs, this.logger);
          return seq;
        });
        if (!held) {
          if (attempt < REBUILD_ATTEMPTS) continue;
          throw new Error(`reading the spend of project ${project} took longer than ${MAX_LOAD_HOLD_MS} ms ${REBUILD_ATTEMPTS} times`);
        }
        // Nothing waits from here on: no call is counted between the swap and the changes.
        const applyMs = this.now();
        this.spend.replace(new Map([[project, ledger]]));
        for (const { seq, changes } of this.tracked) {
          if (seq <= loadedSeq) continue;
          for (const c of changes) if (c.project === project) this.spend.apply(c, applyMs);
        }
        return;
      }
    } finally {
      this.tracked = null;
    }
  }

  // Shared store: refreshes every refresh interval until stop(). Nothing to do otherwise.
  start(): void {
    if (!this.shared || this.timer) return;
    this.timer = setInterval(() => void this.refresh().catch(() => undefined), this.refreshIntervalMs);
    this.timer.unref();
  }

  // Stops refreshing; resolves once a refresh in progress has ended.
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.refreshing;
  }

  // Shared store: takes the definitions as they are now and rebuilds the spend from the store.
  // One at a time; a failure is logged and the book keeps what it had.
  refresh(): Promise<void> {
    if (!this.shared) return Promise.resolve();
    this.refreshing ??= this.refreshNow().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  private async refreshNow(): Promise<void> {
    const started = performance.now();
    try {
      await this.definitions.reload();
    } catch (err) {
      this.logger.warn({ err, event: 'budgets_refresh_failed' }, 'could not read the shared budget definitions; keeping the ones held');
    }
    let result: RefreshResult;
    try {
      result = await this.shared!.refresh(this.definitions.projectIds(), this.now);
    } catch (err) {
      this.logger.warn({ err, event: 'budgets_refresh_failed' }, 'could not rebuild budget spend from the store; keeping the figures held');
      throw err;
    }
    this.logger.debug({ event: 'budgets_refreshed', ...result, ms: Math.round(performance.now() - started) }, 'budget definitions and spend refreshed from the shared store');
  }

  // The budgets that apply to one caller, and whether a hard one is spent. Answered from memory.
  check(projectId: ProjectId, who: CheckSubject, nowMs: number = this.now()): CheckResult {
    return this.policy.check(projectId, who, nowMs);
  }

  // Every budget of the project with its spend now; user budgets for each user ('*' and tiers)
  // give one status per user who spent in the period. The rule engine reads this.
  statuses(projectId: ProjectId, nowMs: number = this.now(), filter: StatusFilter = {}): BudgetStatus[] {
    return this.policy.statuses(projectId, nowMs, filter);
  }

  // Subjects past the per-project bound whose spend counts for the project only.
  untrackedSubjects(projectId: ProjectId): number {
    return this.spend.untracked(projectId);
  }

  // Shared store: takes the definitions as other nodes left them, before a change that depends
  // on what exists. Nothing to do otherwise.
  syncDefinitions(): Promise<void> {
    return this.definitions.reload();
  }

  // A deleted project: its budgets and tiers, and the spend held for it.
  async forgetProject(projectId: ProjectId): Promise<void> {
    await this.definitions.forgetProject(projectId);
    this.spend.forgetProject(projectId);
  }

  list(projectId: ProjectId): Budget[] {
    return this.definitions.list(projectId);
  }

  get(projectId: ProjectId, id: string): Budget | null {
    return this.definitions.get(projectId, id);
  }

  // Creates a budget, or replaces the one with `input.id`. Throws BudgetInputError naming the field.
  upsert(projectId: ProjectId, input: unknown, nowMs: number = this.now(), author?: BudgetAuthor): Promise<{ budget: Budget; created: boolean }> {
    return this.definitions.upsert(projectId, input, nowMs, author);
  }

  // `author.mayChange` refuses (throws) when the caller may not remove the budget.
  remove(projectId: ProjectId, id: string, author?: BudgetAuthor): Promise<boolean> {
    return this.definitions.remove(projectId, id, author);
  }

  // Assigns a tier to a user (null: removes the assignment). Returns the previous tier.
  setTier(projectId: ProjectId, user: string, tier: TierName | null): Promise<TierName | null> {
    return this.definitions.setTier(projectId, user, tier);
  }

  tierOfUser(projectId: ProjectId, user: string): { tier: TierName | null; assigned: boolean } {
    return this.definitions.tierOfUser(projectId, user);
  }

  tiers(projectId: ProjectId): TierView {
    return this.definitions.tiers(projectId);
  }

  // Changes the tier limits, the default tier, enforcement or warning levels of a project.
  setTierSettings(projectId: ProjectId, input: unknown): Promise<TierSettings> {
    return this.definitions.setTierSettings(projectId, input);
  }
}
