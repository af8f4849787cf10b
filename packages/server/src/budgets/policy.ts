import { nanoToUsd } from '../domain/money.ts';
import type { ProjectId } from '../store/store.ts';
import type { BudgetDefinitions } from './definitions.ts';
import { DAY_MS, dayIndex, HOUR_MS, MINUTE_MS, minuteIndex, monthIndex, monthStartMs, type ProjectLedger, type SpendDimension, type SpendSeries } from './ledger.ts';
import { EACH_USER, type Budget, type BudgetPeriod, type BudgetScope, type TierName } from './schema.ts';
import type { Spend } from './spend.ts';

// What the budgets decide about the spend: each budget's status (spent, remaining, warning level,
// burn rate, forecast) and, for a caller, whether a hard budget that applies is spent. Answered
// from memory: the gateway asks before every request.

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

// The burn rate is measured over at least this long, so that the first call of a period does not
// project as if it were repeated every few seconds.
export const MIN_BURN_WINDOW_MS = 15 * MINUTE_MS;
// Where more than one hard budget is spent, the most specific one is named.
const SCOPE_ORDER: Record<BudgetScope, number> = { user: 0, team: 1, department: 2, project: 3 };

interface PeriodInfo {
  day: number;
  startMs: number;
  endMs: number;
  startIso: string;
  endIso: string;
}

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

export class BudgetPolicy {
  private readonly definitions: BudgetDefinitions;
  private readonly spend: Spend;
  private readonly periods: Record<BudgetPeriod, PeriodInfo | null> = { daily: null, monthly: null };

  constructor(definitions: BudgetDefinitions, spend: Spend) {
    this.definitions = definitions;
    this.spend = spend;
  }

  // The budgets that apply to one caller, and whether a hard one is spent.
  check(projectId: ProjectId, who: CheckSubject, nowMs: number): CheckResult {
    const user = who.user || null;
    const ledger = this.spend.find(projectId);
    const userSeries = user === null ? undefined : ledger?.get('user', user);
    const team = who.team || userSeries?.team || null;
    const department = who.department || userSeries?.department || null;
    const result: CheckResult = { allowed: true, user, team, department, budgets: [], blockedBy: null, warnings: [] };
    const found = this.definitions.lookup(projectId);
    if (!found) return result;
    const { index } = found;
    const out = result.budgets;
    if (user !== null) {
      for (const b of index.user.get(user) ?? []) out.push(this.status(b, user, ledger, nowMs));
      for (const b of index.eachUser) out.push(this.status(b, user, ledger, nowMs));
      const tier = this.definitions.tierOf(projectId, user);
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
  // give one status per user who spent in the period.
  statuses(projectId: ProjectId, nowMs: number, filter: StatusFilter = {}): BudgetStatus[] {
    const found = this.definitions.lookup(projectId);
    if (!found) return [];
    const { index, budgets: p } = found;
    const ledger = this.spend.find(projectId);
    const out: BudgetStatus[] = [];
    const want = (b: Budget) =>
      (filter.scope === undefined || filter.scope === b.scope) && (filter.period === undefined || filter.period === b.period) && (filter.budgetId === undefined || filter.budgetId === b.id);
    const wantSubject = (subject: string | null) => filter.subject === undefined || filter.subject === subject;
    const spendingUsers = (period: BudgetPeriod): string[] => {
      const users: string[] = [];
      if (!ledger) return users;
      const { startMs } = this.period(period, nowMs);
      for (const [user, series] of ledger.userEntries()) if (spentNano(series, period, startMs) > 0n) users.push(user);
      return users;
    };
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
    const spentUsd = series ? nanoToUsd(spentNano(series, budget.period, startMs)) : 0;
    // Burn rate: the last hour, or the period so far when it began less than an hour ago.
    const windowFromMs = Math.max(startMs, nowMs - HOUR_MS);
    const windowMs = Math.max(nowMs - minuteIndex(windowFromMs) * MINUTE_MS, MIN_BURN_WINDOW_MS);
    const recentUsd = series ? nanoToUsd(series.recentNano(windowFromMs, nowMs)) : 0;
    const burnUsdPerHour = (recentUsd * HOUR_MS) / windowMs;
    const hoursLeft = Math.max(0, endMs - nowMs) / HOUR_MS;
    let forecast = spentUsd + burnUsdPerHour * hoursLeft;
    if (budget.period === 'monthly') {
      const elapsedDays = Math.max(1, (nowMs - startMs) / DAY_MS);
      forecast = Math.max(forecast, (spentUsd / elapsedDays) * ((endMs - startMs) / DAY_MS));
    }
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
}

function spentNano(series: SpendSeries, period: BudgetPeriod, periodStartMs: number): bigint {
  return period === 'daily' ? series.dayNano(dayIndex(periodStartMs)) : series.monthNano(monthIndex(periodStartMs));
}

function describeWarning(s: BudgetStatus): string {
  const b = s.budget;
  const who = b.scope === 'project' ? 'project' : `${b.scope} '${s.subject}'`;
  const what = b.tier ? `${b.tier} tier daily budget` : `${b.period} budget${b.name ? ` '${b.name}'` : ''}`;
  return `${who}: ${s.percent}% of the ${what} used ($${s.spentUsd.toFixed(2)} of $${s.limitUsd.toFixed(2)})${s.exceeded ? ' — exceeded' : ''}`;
}
