import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { ScoreRecord } from '../domain/score.ts';
import type { SpanRecord } from '../domain/span.ts';
import type { IngestObserver } from '../ingest/pipeline.ts';
import { MODEL_CALL_KINDS, QUERY_LIMITS, type AnalyticsRow, type TimeBucket } from '../query/types.ts';
import { JsonFile } from '../state/json-file.ts';
import { projectId as toProjectId, type ProjectId, type Store } from '../store/store.ts';
import { DAY_MS, dayIndex, HOUR_MS, MINUTE_MS, minuteIndex, monthIndex, monthStartMs, ProjectLedger, spendTime, type SpendDimension, type SpendSeries } from './ledger.ts';
import {
  budgetInputSchema,
  BudgetInputError,
  checkSubject,
  defaultTierSettings,
  DEFAULT_TIER_LIMITS_USD,
  DEFAULT_WARN_AT_PERCENT,
  EACH_USER,
  MAX_BUDGETS_PER_PROJECT,
  MAX_SUBJECT_CHARS,
  MAX_TIER_ASSIGNMENTS_PER_PROJECT,
  normaliseWarnLevels,
  parseInput,
  tierSettingsInputSchema,
  TIER_NAMES,
  type Budget,
  type BudgetPeriod,
  type BudgetScope,
  type BudgetsDocument,
  type ProjectBudgets,
  type TierName,
  type TierSettings,
} from './schema.ts';

// B6: budgets and the spend they are checked against. Spend is kept in memory (ledger.ts), fed by
// the ingest pipeline as records are acknowledged and rebuilt from the store when the book opens,
// so `check()` — called by the gateway before every request — never touches the store.
// Definitions and tier assignments live in <dataDir>/budgets.json.

export interface BudgetStatus {
  budget: Budget;
  subject: string | null; // the team, department or user measured; null for a project budget
  spentUsd: number;
  limitUsd: number;
  remainingUsd: number; // never below 0; see `percent` for how far past the limit
  percent: number; // spent / limit × 100
  periodStart: string; // ISO-8601, UTC
  periodEnd: string; // exclusive
  burnRateUsdPerHour: number;
  forecastUsd: number; // projected spend at periodEnd
  warningLevel: number | null; // the highest warnAtPercent reached
  exceeded: boolean; // spent >= limit
  forecastExceeds: boolean; // forecast >= limit
}

export interface CheckSubject {
  user?: string | null;
  team?: string | null;
  department?: string | null;
}

export interface CheckResult {
  allowed: boolean;
  user: string | null;
  team: string | null;
  department: string | null;
  budgets: BudgetStatus[];
  blockedBy: BudgetStatus | null;
  warnings: string[];
}

export interface StatusFilter {
  scope?: BudgetScope;
  period?: BudgetPeriod;
  subject?: string;
  budgetId?: string;
}

export interface TierView {
  settings: TierSettings;
  assignments: { user: string; tier: TierName }[];
}

export interface BudgetBookOptions {
  // Teams, departments and users with spend tracked per project; past it, spend counts only for
  // the project (and is counted in `untrackedSubjects`).
  maxSeriesPerProject?: number;
  // Traces whose root attribution is remembered, so later child calls are attributed in memory
  // as the store does when it loads them.
  maxTraces?: number;
  // The clock that places live spend in the minute cells and drops old periods (tests set it).
  now?: () => number;
}

// The burn rate is measured over at least this long, so that the first call of a period does not
// project as if it were repeated every few seconds.
export const MIN_BURN_WINDOW_MS = 15 * MINUTE_MS;
const DEFAULT_MAX_SERIES = 200_000;
const DEFAULT_MAX_TRACES = 50_000;
const MAX_PARKED_PER_TRACE = 100;
const NANO = 1e9;
const EMPTY_DOC: BudgetsDocument = { version: 1, projects: {} };
// Where more than one hard budget is spent, the most specific one is named.
const SCOPE_ORDER: Record<BudgetScope, number> = { user: 0, team: 1, department: 2, project: 3 };

interface Attribution3 {
  user: string | null;
  team: string | null;
  department: string | null;
}

interface Parked {
  startMs: number;
  nano: number;
  missing: Attribution3; // the fields the call lacked (non-null = lacked)
}

interface PeriodInfo {
  day: number;
  startMs: number;
  endMs: number;
  startIso: string;
  endIso: string;
}

interface ProjectIndex {
  project: Budget[];
  team: Map<string, Budget[]>;
  department: Map<string, Budget[]>;
  user: Map<string, Budget[]>;
  eachUser: Budget[];
  tierBudgets: Record<TierName, Budget>;
}

const usd = (nano: number): number => nano / NANO;
const round = (n: number, digits: number): number => {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
};

export function periodBounds(period: BudgetPeriod, nowMs: number): { startMs: number; endMs: number } {
  if (period === 'daily') {
    const startMs = dayIndex(nowMs) * DAY_MS;
    return { startMs, endMs: startMs + DAY_MS };
  }
  const m = monthIndex(nowMs);
  return { startMs: monthStartMs(m), endMs: monthStartMs(m + 1) };
}

function newBudgetId(): string {
  return `b_${randomBytes(6).toString('hex')}`;
}

function normaliseProject(raw: Partial<ProjectBudgets> | undefined): ProjectBudgets {
  const defaults = defaultTierSettings();
  const tiers = raw?.tiers ?? defaults;
  return {
    budgets: Array.isArray(raw?.budgets) ? raw.budgets : [],
    tiers: {
      limitsUsd: { ...DEFAULT_TIER_LIMITS_USD, ...(tiers.limitsUsd ?? {}) },
      defaultTier: tiers.defaultTier ?? null,
      enforce: tiers.enforce ?? defaults.enforce,
      warnAtPercent: normaliseWarnLevels(tiers.warnAtPercent ?? DEFAULT_WARN_AT_PERCENT),
    },
    users: raw?.users && typeof raw.users === 'object' ? { ...raw.users } : {},
  };
}

export class BudgetBook implements IngestObserver {
  private readonly file: JsonFile<BudgetsDocument> | null;
  private readonly logger: Logger;
  private readonly options: Required<BudgetBookOptions>;
  private doc: BudgetsDocument = { version: 1, projects: {} };
  private readonly indexes = new Map<string, ProjectIndex>();
  private readonly ledgers = new Map<string, ProjectLedger>();
  // project\0trace -> the root span's attribution, and calls that arrived before their root.
  private readonly traceRoots: Generations<Attribution3>;
  private readonly parked: Generations<Parked[]>;
  private lastPruneDay = -1;
  private readonly periods: Record<BudgetPeriod, PeriodInfo | null> = { daily: null, monthly: null };

  private constructor(file: JsonFile<BudgetsDocument> | null, logger: Logger, options: BudgetBookOptions) {
    this.file = file;
    this.logger = logger;
    this.options = { maxSeriesPerProject: DEFAULT_MAX_SERIES, maxTraces: DEFAULT_MAX_TRACES, now: Date.now, ...options };
    this.traceRoots = new Generations(this.options.maxTraces);
    this.parked = new Generations(this.options.maxTraces);
  }

  // Reads the definitions (`path` null: kept in memory only) and rebuilds this and last month's
  // spend from the store. Open it after the ingest journal is recovered and before ingest starts.
  static async open(path: string | null, store: Store, logger: Logger, options: BudgetBookOptions & { nowMs?: number } = {}): Promise<BudgetBook> {
    const file = path === null ? null : new JsonFile<BudgetsDocument>(path);
    const book = new BudgetBook(file, logger, options);
    const raw = file ? await file.read(EMPTY_DOC) : EMPTY_DOC;
    for (const [project, p] of Object.entries(raw.projects ?? {})) book.doc.projects[project] = normaliseProject(p);
    for (const project of Object.keys(book.doc.projects)) book.reindex(project);
    await book.rebuild(store, options.nowMs ?? book.options.now());
    return book;
  }

  // ---------------------------------------------------------------------------------------------
  // Spend

  onAccepted(spans: readonly SpanRecord[], _scores: readonly ScoreRecord[]): void {
    const nowMs = this.options.now();
    this.maybePrune(nowMs);
    const oldestMs = monthStartMs(monthIndex(nowMs) - 1);
    for (const s of spans) {
      if (s.parentSpanId === null) this.rememberRoot(s, nowMs);
      const nano = s.cost.totalNanoUsd;
      const a = s.attribution;
      // The analytics count model calls only (agent and chain spans repeat their children's usage).
      if (nano === null || nano <= 0 || !(MODEL_CALL_KINDS as readonly string[]).includes(s.kind) || s.startUs / 1000 < oldestMs) {
        if (a.userId !== null && (a.team !== null || a.department !== null)) {
          this.rememberUser(this.ledger(s.projectId), a.userId, { user: a.userId, team: a.team, department: a.department }, s.startUs / 1000);
        }
        continue;
      }
      let attr: Attribution3 = { user: a.userId, team: a.team, department: a.department };
      if (s.parentSpanId !== null && (attr.user === null || attr.team === null || attr.department === null)) {
        const root = this.traceRoots.get(`${s.projectId}\u0000${s.traceId}`);
        if (root) attr = { user: attr.user ?? root.user, team: attr.team ?? root.team, department: attr.department ?? root.department };
        else this.park(s, nano);
      }
      this.addSpend(s.projectId, s.startUs / 1000, nano, attr, nowMs);
    }
  }

  private ledger(project: string): ProjectLedger {
    let l = this.ledgers.get(project);
    if (!l) {
      l = new ProjectLedger(this.options.maxSeriesPerProject);
      this.ledgers.set(project, l);
    }
    return l;
  }

  private addSpend(project: string, startMs: number, nano: number, attr: Attribution3, nowMs: number): void {
    const ledger = this.ledger(project);
    const at = spendTime(startMs, nowMs);
    ledger.total.add(at, nano);
    if (attr.team !== null) ledger.getOrCreate('team', attr.team)?.add(at, nano);
    if (attr.department !== null) ledger.getOrCreate('department', attr.department)?.add(at, nano);
    if (attr.user !== null) ledger.getOrCreate('user', attr.user)?.add(at, nano);
    if (attr.user !== null) this.rememberUser(ledger, attr.user, attr, startMs);
  }

  private rememberUser(ledger: ProjectLedger, user: string, attr: Attribution3, startMs: number): void {
    const series = ledger.getOrCreate('user', user);
    if (!series || startMs < series.lastStartMs) return;
    series.lastStartMs = startMs;
    if (attr.team !== null) series.team = attr.team;
    if (attr.department !== null) series.department = attr.department;
  }

  // As the store does on load, calls take their trace root's attribution where they have none,
  // whichever arrives first.
  private rememberRoot(s: SpanRecord, nowMs: number): void {
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
      const ledger = this.ledger(s.projectId);
      const at = spendTime(p.startMs, nowMs);
      for (const dimension of ['team', 'department', 'user'] as const) {
        const id = extra[dimension];
        if (id !== null) ledger.getOrCreate(dimension, id)?.add(at, p.nano);
      }
    }
  }

  private park(s: SpanRecord, nano: number): void {
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

  // Sums the known cost of model calls since the start of last month, per UTC day and (for the
  // last hour) per minute, by user × team × department, from the analytics of every project.
  private async rebuild(store: Store, nowMs: number): Promise<void> {
    const started = performance.now();
    this.ledgers.clear();
    this.lastPruneDay = dayIndex(nowMs);
    const projects = new Set([...(await store.listProjects()).map((p) => p.id), ...Object.keys(this.doc.projects)]);
    const fromMs = monthStartMs(monthIndex(nowMs) - 1);
    // Ingest accepts start times up to a day ahead.
    const toMs = (dayIndex(nowMs) + 2) * DAY_MS;
    const recentFromMs = minuteIndex(nowMs - HOUR_MS) * MINUTE_MS;
    let rows = 0;
    for (const project of projects) {
      const ledger = this.ledger(project);
      const days = await this.collect(store, toProjectId(project), 'day', fromMs, toMs);
      // Day rows fill the day and month figures; minute rows the burn-rate window only.
      for (const r of days) {
        const nano = Math.round(Number(r.cost ?? 0) * NANO);
        if (!(nano > 0)) continue;
        const dayMs = Date.parse(String(r.bucket));
        const attr = { user: r.user as string | null, team: r.team as string | null, department: r.department as string | null };
        // Placed at midday so that only the day and month cells take it (never the minute cells).
        addDayOrMinute(ledger, attr, dayMs, nano, 'day');
        if (attr.user !== null) this.rememberUser(ledger, attr.user, attr, dayMs);
      }
      const minutes = await this.collect(store, toProjectId(project), 'minute', recentFromMs, nowMs + MINUTE_MS);
      for (const r of minutes) {
        const nano = Math.round(Number(r.cost ?? 0) * NANO);
        if (!(nano > 0)) continue;
        addDayOrMinute(ledger, { user: r.user as string | null, team: r.team as string | null, department: r.department as string | null }, Date.parse(String(r.bucket)), nano, 'minute');
      }
      rows += days.length + minutes.length;
    }
    this.logger.info({ event: 'budgets_rebuilt', projects: projects.size, rows, ms: Math.round(performance.now() - started) }, 'budget spend rebuilt from the store');
  }

  private async collect(store: Store, project: ProjectId, bucket: TimeBucket, fromMs: number, toMs: number): Promise<AnalyticsRow[]> {
    const result = await store.analytics.query(project, {
      measures: ['cost'],
      groupBy: ['user', 'team', 'department'],
      filters: [],
      fromMs,
      toMs,
      bucket,
      limit: QUERY_LIMITS.maxLimit,
    });
    if (!result.truncated) return result.rows;
    const unitMs = bucket === 'day' ? DAY_MS : MINUTE_MS;
    const units = Math.floor((toMs - fromMs) / unitMs);
    if (units < 2) {
      this.logger.warn({ event: 'budgets_rebuild_truncated', project, bucket, fromMs }, `more than ${QUERY_LIMITS.maxLimit} user/team/department groups in one ${bucket}; budget spend of the rest is missing until it is ingested again`);
      return result.rows;
    }
    const mid = fromMs + Math.floor(units / 2) * unitMs;
    return [...(await this.collect(store, project, bucket, fromMs, mid)), ...(await this.collect(store, project, bucket, mid, toMs))];
  }

  // ---------------------------------------------------------------------------------------------
  // Checks and statuses

  // The budgets that apply to one caller, and whether a hard one is spent. Answered from memory.
  check(projectId: ProjectId, who: CheckSubject, nowMs: number = this.options.now()): CheckResult {
    const user = who.user || null;
    const ledger = this.ledgers.get(projectId);
    const userSeries = user === null ? undefined : ledger?.get('user', user);
    const team = who.team || userSeries?.team || null;
    const department = who.department || userSeries?.department || null;
    const result: CheckResult = { allowed: true, user, team, department, budgets: [], blockedBy: null, warnings: [] };
    const index = this.indexes.get(projectId);
    if (!index) return result;
    const out = result.budgets;
    if (user !== null) {
      for (const b of index.user.get(user) ?? []) out.push(this.status(b, user, ledger, nowMs));
      for (const b of index.eachUser) out.push(this.status(b, user, ledger, nowMs));
      const tier = this.tierOf(projectId, index, user);
      if (tier !== null) out.push(this.status(index.tierBudgets[tier], user, ledger, nowMs));
    }
    if (team !== null) for (const b of index.team.get(team) ?? []) out.push(this.status(b, team, ledger, nowMs));
    if (department !== null) for (const b of index.department.get(department) ?? []) out.push(this.status(b, department, ledger, nowMs));
    for (const b of index.project) out.push(this.status(b, null, ledger, nowMs));
    for (const s of out) {
      if (s.exceeded && s.budget.enforce === 'hard') {
        result.allowed = false;
        if (result.blockedBy === null || SCOPE_ORDER[s.budget.scope] < SCOPE_ORDER[result.blockedBy.budget.scope]) result.blockedBy = s;
      }
      if (s.warningLevel !== null) result.warnings.push(describeWarning(s));
    }
    return result;
  }

  // Every budget of the project with its spend now; user budgets for each user ('*' and tiers)
  // give one status per user who spent in the period. The rule engine reads this.
  statuses(projectId: ProjectId, nowMs: number = this.options.now(), filter: StatusFilter = {}): BudgetStatus[] {
    const index = this.indexes.get(projectId);
    if (!index) return [];
    const ledger = this.ledgers.get(projectId);
    const out: BudgetStatus[] = [];
    const want = (b: Budget) =>
      (filter.scope === undefined || filter.scope === b.scope) && (filter.period === undefined || filter.period === b.period) && (filter.budgetId === undefined || filter.budgetId === b.id);
    const wantSubject = (subject: string | null) => filter.subject === undefined || filter.subject === subject;
    const spendingUsers = (period: BudgetPeriod): string[] => {
      const users: string[] = [];
      if (!ledger) return users;
      const { startMs } = this.period(period, nowMs);
      for (const [user, series] of ledger.userEntries()) if (spentNano(series, period, startMs) > 0) users.push(user);
      return users;
    };
    const p = this.doc.projects[projectId];
    for (const b of p.budgets) {
      if (!want(b)) continue;
      if (b.subject === EACH_USER) {
        for (const user of spendingUsers(b.period)) if (wantSubject(user)) out.push(this.status(b, user, ledger, nowMs));
      } else if (wantSubject(b.subject)) {
        out.push(this.status(b, b.subject, ledger, nowMs));
      }
    }
    const tierSubjects = new Map<string, TierName>();
    for (const [user, tier] of Object.entries(p.users)) tierSubjects.set(user, tier);
    if (p.tiers.defaultTier !== null && index.eachUser.length === 0) {
      for (const user of spendingUsers('daily')) if (!tierSubjects.has(user) && !index.user.has(user)) tierSubjects.set(user, p.tiers.defaultTier);
    }
    for (const [user, tier] of tierSubjects) {
      const b = index.tierBudgets[tier];
      if (want(b) && wantSubject(user)) out.push(this.status(b, user, ledger, nowMs));
    }
    return out;
  }

  private tierOf(projectId: string, index: ProjectIndex, user: string): TierName | null {
    const p = this.doc.projects[projectId];
    const assigned = p.users[user];
    if (assigned !== undefined) return assigned;
    if (p.tiers.defaultTier !== null && index.eachUser.length === 0 && !index.user.has(user)) return p.tiers.defaultTier;
    return null;
  }

  // Periods change only when the day does: their bounds are worked out once a day.
  private period(period: BudgetPeriod, nowMs: number): PeriodInfo {
    const day = dayIndex(nowMs);
    let info = this.periods[period];
    if (info === null || info.day !== day) {
      const { startMs, endMs } = periodBounds(period, nowMs);
      info = { day, startMs, endMs, startIso: new Date(startMs).toISOString(), endIso: new Date(endMs).toISOString() };
      this.periods[period] = info;
    }
    return info;
  }

  private status(budget: Budget, subject: string | null, ledger: ProjectLedger | undefined, nowMs: number): BudgetStatus {
    const { startMs, endMs, startIso, endIso } = this.period(budget.period, nowMs);
    let series: SpendSeries | undefined;
    if (ledger) series = budget.scope === 'project' ? ledger.total : subject === null ? undefined : ledger.get(budget.scope as SpendDimension, subject);
    const spent = series ? spentNano(series, budget.period, startMs) : 0;
    // Burn rate: the last hour, or the period so far when it began less than an hour ago.
    const windowFromMs = Math.max(startMs, nowMs - HOUR_MS);
    const windowMs = Math.max(nowMs - minuteIndex(windowFromMs) * MINUTE_MS, MIN_BURN_WINDOW_MS);
    const recent = series ? series.recentNano(windowFromMs, nowMs) : 0;
    const burnUsdPerHour = (usd(recent) * HOUR_MS) / windowMs;
    const hoursLeft = Math.max(0, endMs - nowMs) / HOUR_MS;
    let forecast = usd(spent) + burnUsdPerHour * hoursLeft;
    if (budget.period === 'monthly') {
      const elapsedDays = Math.max(1, (nowMs - startMs) / DAY_MS);
      forecast = Math.max(forecast, (usd(spent) / elapsedDays) * ((endMs - startMs) / DAY_MS));
    }
    const spentUsd = usd(spent);
    const percent = (spentUsd / budget.limitUsd) * 100;
    let warningLevel: number | null = null;
    for (const level of budget.warnAtPercent) if (percent >= level) warningLevel = level;
    return {
      budget,
      subject,
      spentUsd,
      limitUsd: budget.limitUsd,
      remainingUsd: Math.max(0, round(budget.limitUsd - spentUsd, 9)),
      percent: round(percent, 2),
      periodStart: startIso,
      periodEnd: endIso,
      burnRateUsdPerHour: round(burnUsdPerHour, 9),
      forecastUsd: round(forecast, 9),
      warningLevel,
      exceeded: spentUsd >= budget.limitUsd,
      forecastExceeds: forecast >= budget.limitUsd,
    };
  }

  // Subjects past the per-project bound whose spend counts for the project only.
  untrackedSubjects(projectId: ProjectId): number {
    return this.ledgers.get(projectId)?.untracked ?? 0;
  }

  // ---------------------------------------------------------------------------------------------
  // Definitions

  list(projectId: ProjectId): Budget[] {
    return [...(this.doc.projects[projectId]?.budgets ?? [])];
  }

  get(projectId: ProjectId, id: string): Budget | null {
    return this.doc.projects[projectId]?.budgets.find((b) => b.id === id) ?? null;
  }

  // Creates a budget, or replaces the one with `input.id`. Throws BudgetInputError naming the field.
  async upsert(projectId: ProjectId, input: unknown, nowMs: number = this.options.now()): Promise<{ budget: Budget; created: boolean }> {
    const parsed = parseInput(budgetInputSchema, input);
    const subject = checkSubject(parsed.scope, parsed.subject);
    const p = this.project(projectId);
    const at = parsed.id === undefined ? -1 : p.budgets.findIndex((b) => b.id === parsed.id);
    if (at < 0 && p.budgets.length >= MAX_BUDGETS_PER_PROJECT) throw new BudgetInputError('budgets', `a project may have at most ${MAX_BUDGETS_PER_PROJECT} budgets`);
    const now = new Date(nowMs).toISOString();
    const previous = at >= 0 ? p.budgets[at] : null;
    const budget: Budget = {
      id: parsed.id ?? newBudgetId(),
      projectId,
      name: parsed.name ?? null,
      scope: parsed.scope,
      subject,
      period: parsed.period,
      limitUsd: parsed.limitUsd,
      warnAtPercent: normaliseWarnLevels(parsed.warnAtPercent ?? DEFAULT_WARN_AT_PERCENT),
      enforce: parsed.enforce ?? 'soft',
      createdAt: previous?.createdAt ?? now,
      updatedAt: now,
    };
    if (at >= 0) p.budgets[at] = budget;
    else p.budgets.push(budget);
    await this.commit(projectId);
    return { budget, created: at < 0 };
  }

  async remove(projectId: ProjectId, id: string): Promise<boolean> {
    const p = this.doc.projects[projectId];
    const at = p ? p.budgets.findIndex((b) => b.id === id) : -1;
    if (at < 0) return false;
    p.budgets.splice(at, 1);
    await this.commit(projectId);
    return true;
  }

  // Assigns a tier to a user (null: removes the assignment). Returns the previous tier.
  async setTier(projectId: ProjectId, user: string, tier: TierName | null): Promise<TierName | null> {
    if (user.length === 0 || user.length > MAX_SUBJECT_CHARS) throw new BudgetInputError('user', `must be 1-${MAX_SUBJECT_CHARS} characters`);
    if (tier !== null && !(TIER_NAMES as readonly string[]).includes(tier)) throw new BudgetInputError('tier', `must be one of ${TIER_NAMES.join(', ')}`);
    const p = this.project(projectId);
    const previous = p.users[user] ?? null;
    if (tier === null) {
      if (previous === null) return null;
      delete p.users[user];
    } else {
      if (previous === null && Object.keys(p.users).length >= MAX_TIER_ASSIGNMENTS_PER_PROJECT) {
        throw new BudgetInputError('user', `a project may assign tiers to at most ${MAX_TIER_ASSIGNMENTS_PER_PROJECT} users`);
      }
      p.users[user] = tier;
    }
    await this.commit(projectId);
    return previous;
  }

  tierOfUser(projectId: ProjectId, user: string): { tier: TierName | null; assigned: boolean } {
    const p = this.doc.projects[projectId];
    const assigned = p?.users[user];
    if (assigned !== undefined) return { tier: assigned, assigned: true };
    const index = this.indexes.get(projectId);
    return { tier: index ? this.tierOf(projectId, index, user) : null, assigned: false };
  }

  tiers(projectId: ProjectId): TierView {
    const p = this.doc.projects[projectId] ?? normaliseProject(undefined);
    return {
      settings: structuredClone(p.tiers),
      assignments: Object.entries(p.users)
        .map(([user, tier]) => ({ user, tier }))
        .sort((a, b) => (a.user < b.user ? -1 : a.user > b.user ? 1 : 0)),
    };
  }

  // Changes the tier limits, the default tier, enforcement or warning levels of a project.
  async setTierSettings(projectId: ProjectId, input: unknown): Promise<TierSettings> {
    const parsed = parseInput(tierSettingsInputSchema, input);
    const p = this.project(projectId);
    if (parsed.limitsUsd) p.tiers.limitsUsd = { ...p.tiers.limitsUsd, ...Object.fromEntries(Object.entries(parsed.limitsUsd).filter(([, v]) => v !== undefined)) };
    if (parsed.defaultTier !== undefined) p.tiers.defaultTier = parsed.defaultTier;
    if (parsed.enforce !== undefined) p.tiers.enforce = parsed.enforce;
    if (parsed.warnAtPercent !== undefined) p.tiers.warnAtPercent = normaliseWarnLevels(parsed.warnAtPercent);
    await this.commit(projectId);
    return structuredClone(p.tiers);
  }

  private project(projectId: string): ProjectBudgets {
    let p = this.doc.projects[projectId];
    if (!p) {
      p = normaliseProject(undefined);
      this.doc.projects[projectId] = p;
    }
    return p;
  }

  private async commit(projectId: string): Promise<void> {
    this.reindex(projectId);
    if (this.file) await this.file.write(this.doc);
  }

  private reindex(projectId: string): void {
    const p = this.doc.projects[projectId];
    const index: ProjectIndex = { project: [], team: new Map(), department: new Map(), user: new Map(), eachUser: [], tierBudgets: tierBudgets(projectId, p.tiers) };
    for (const b of p.budgets) {
      if (b.scope === 'project') index.project.push(b);
      else if (b.scope === 'user' && b.subject === EACH_USER) index.eachUser.push(b);
      else {
        const map = index[b.scope];
        const list = map.get(b.subject!) ?? [];
        list.push(b);
        map.set(b.subject!, list);
      }
    }
    this.indexes.set(projectId, index);
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
}

function spentNano(series: SpendSeries, period: BudgetPeriod, periodStartMs: number): number {
  return period === 'daily' ? series.dayNano(dayIndex(periodStartMs)) : series.monthNano(monthIndex(periodStartMs));
}

// Rebuild: day rows feed the day and month cells, minute rows the minute cells only.
function addDayOrMinute(ledger: ProjectLedger, attr: Attribution3, atMs: number, nano: number, kind: 'day' | 'minute'): void {
  const targets: SpendSeries[] = [ledger.total];
  for (const dimension of ['team', 'department', 'user'] as const) {
    const id = attr[dimension];
    if (id === null) continue;
    const s = ledger.getOrCreate(dimension, id);
    if (s) targets.push(s);
  }
  for (const s of targets) {
    if (kind === 'day') {
      s.days.set(dayIndex(atMs), s.dayNano(dayIndex(atMs)) + nano);
      s.months.set(monthIndex(atMs), s.monthNano(monthIndex(atMs)) + nano);
    } else {
      s.minutes.set(minuteIndex(atMs), (s.minutes.get(minuteIndex(atMs)) ?? 0) + nano);
    }
  }
}

function tierBudgets(projectId: string, tiers: TierSettings): Record<TierName, Budget> {
  const out = {} as Record<TierName, Budget>;
  for (const tier of TIER_NAMES) {
    out[tier] = {
      id: `tier:${tier}`,
      projectId,
      name: `${tier} tier`,
      scope: 'user',
      subject: EACH_USER,
      period: 'daily',
      limitUsd: tiers.limitsUsd[tier],
      warnAtPercent: tiers.warnAtPercent,
      enforce: tiers.enforce,
      createdAt: '',
      updatedAt: '',
      tier,
    };
  }
  return out;
}

function describeWarning(s: BudgetStatus): string {
  const b = s.budget;
  const who = b.scope === 'project' ? 'project' : `${b.scope} '${s.subject}'`;
  const what = b.tier ? `${b.tier} tier daily budget` : `${b.period} budget${b.name ? ` '${b.name}'` : ''}`;
  return `${who}: ${s.percent}% of the ${what} used ($${s.spentUsd.toFixed(2)} of $${s.limitUsd.toFixed(2)})${s.exceeded ? ' — exceeded' : ''}`;
}
