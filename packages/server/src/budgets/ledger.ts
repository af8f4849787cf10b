// In-memory spend, in integer nano-dollars, per project and per team, department and user:
// one figure per UTC day and per UTC month (from the start of the previous month on) and one per
// minute for the last hour (burn rates). Everything a budget check needs is a few map lookups.
// Amounts are bigint so that no sum ever rounds, however large (a number is exact only to 2^53
// nano-dollars, about $9M).

import { DAY_MS, HOUR_MS, MINUTE_MS } from '../domain/time.ts';

export { DAY_MS, HOUR_MS, MINUTE_MS };
// Minute cells kept: the burn-rate window is one hour; a little more absorbs late arrivals.
const MINUTE_CELLS_KEPT = 65;

export type SpendDimension = 'team' | 'department' | 'user';

export const dayIndex = (ms: number): number => Math.floor(ms / DAY_MS);
export const minuteIndex = (ms: number): number => Math.floor(ms / MINUTE_MS);
export function monthIndex(ms: number): number {
  const d = new Date(ms);
  return d.getUTCFullYear() * 12 + d.getUTCMonth();
}
export function monthStartMs(index: number): number {
  return Date.UTC(Math.floor(index / 12), index % 12, 1);
}

// Where a call's spend goes, computed once per call for all the series it counts in.
export interface SpendTime {
  day: number;
  month: number;
  minute: number;
  nowMinute: number;
}

let lastDay = Number.NaN;
let lastMonth = 0;
export function spendTime(startMs: number, nowMs: number): SpendTime {
  const day = dayIndex(startMs);
  if (day !== lastDay) {
    lastDay = day;
    lastMonth = monthIndex(startMs);
  }
  return { day, month: lastMonth, minute: minuteIndex(startMs), nowMinute: minuteIndex(nowMs) };
}

// Where a call was attributed: the user, team and department it counts for (null: none).
export interface Attribution3 {
  user: string | null;
  team: string | null;
  department: string | null;
}

export class SpendSeries {
  readonly days = new Map<number, bigint>();
  readonly months = new Map<number, bigint>();
  readonly minutes = new Map<number, bigint>();
  // Users only: where the user's most recent call was attributed.
  team: string | null = null;
  department: string | null = null;
  lastStartMs = Number.NEGATIVE_INFINITY;

  add(at: SpendTime, nanoUsd: bigint): void {
    this.days.set(at.day, (this.days.get(at.day) ?? 0n) + nanoUsd);
    this.months.set(at.month, (this.months.get(at.month) ?? 0n) + nanoUsd);
    if (at.minute > at.nowMinute - MINUTE_CELLS_KEPT) {
      this.minutes.set(at.minute, (this.minutes.get(at.minute) ?? 0n) + nanoUsd);
      if (this.minutes.size > MINUTE_CELLS_KEPT) this.pruneMinutes(at.nowMinute);
    }
  }

  // The rebuild's day sums: they fill the day and month cells, never the minute cells.
  addDay(dayStartMs: number, nanoUsd: bigint): void {
    const day = dayIndex(dayStartMs);
    const month = monthIndex(dayStartMs);
    this.days.set(day, this.dayNano(day) + nanoUsd);
    this.months.set(month, this.monthNano(month) + nanoUsd);
  }

  // The rebuild's minute sums: the burn-rate window only (their days are in the day sums).
  addMinute(minuteStartMs: number, nanoUsd: bigint): void {
    const minute = minuteIndex(minuteStartMs);
    this.minutes.set(minute, (this.minutes.get(minute) ?? 0n) + nanoUsd);
  }

  dayNano(day: number): bigint {
    return this.days.get(day) ?? 0n;
  }

  monthNano(month: number): bigint {
    return this.months.get(month) ?? 0n;
  }

  // Spend of the whole minutes from the one holding `fromMs` to the one holding `nowMs`.
  recentNano(fromMs: number, nowMs: number): bigint {
    const first = minuteIndex(fromMs);
    const last = minuteIndex(nowMs);
    let sum = 0n;
    for (const [minute, nano] of this.minutes) if (minute >= first && minute <= last) sum += nano;
    return sum;
  }

  private pruneMinutes(nowMinute: number): void {
    for (const minute of this.minutes.keys()) if (minute <= nowMinute - MINUTE_CELLS_KEPT) this.minutes.delete(minute);
  }

  // Drops what is older than the previous month; true when nothing is left.
  prune(nowMs: number): boolean {
    const keepMonth = monthIndex(nowMs) - 1;
    const keepDay = dayIndex(monthStartMs(keepMonth));
    for (const day of this.days.keys()) if (day < keepDay) this.days.delete(day);
    for (const month of this.months.keys()) if (month < keepMonth) this.months.delete(month);
    this.pruneMinutes(minuteIndex(nowMs));
    return this.days.size === 0 && this.months.size === 0;
  }
}

const seriesKey = (dimension: SpendDimension, id: string): string => `${dimension}\u0000${id}`;

export class ProjectLedger {
  readonly total = new SpendSeries();
  private readonly series = new Map<string, SpendSeries>();
  private readonly users = new Map<string, SpendSeries>();
  // Spend of subjects past the bound is in the project total only.
  untracked = 0;
  private readonly maxSeries: number;

  constructor(maxSeries: number) {
    this.maxSeries = maxSeries;
  }

  get(dimension: SpendDimension, id: string): SpendSeries | undefined {
    return dimension === 'user' ? this.users.get(id) : this.series.get(seriesKey(dimension, id));
  }

  getOrCreate(dimension: SpendDimension, id: string): SpendSeries | undefined {
    let s = this.get(dimension, id);
    if (s) return s;
    if (this.series.size + this.users.size >= this.maxSeries) {
      this.untracked++;
      return undefined;
    }
    s = new SpendSeries();
    if (dimension === 'user') this.users.set(id, s);
    else this.series.set(seriesKey(dimension, id), s);
    return s;
  }

  // Remembers where a user's latest call was attributed, so that a check naming only the user
  // finds the team and department budgets too.
  rememberUser(user: string, attr: Attribution3, startMs: number): void {
    const series = this.getOrCreate('user', user);
    if (!series || startMs < series.lastStartMs) return;
    series.lastStartMs = startMs;
    if (attr.team !== null) series.team = attr.team;
    if (attr.department !== null) series.department = attr.department;
  }

  userEntries(): IterableIterator<[string, SpendSeries]> {
    return this.users.entries();
  }

  get size(): number {
    return this.series.size + this.users.size;
  }

  prune(nowMs: number): void {
    this.total.prune(nowMs);
    for (const [k, s] of this.series) if (s.prune(nowMs)) this.series.delete(k);
    for (const [k, s] of this.users) if (s.prune(nowMs)) this.users.delete(k);
  }
}
