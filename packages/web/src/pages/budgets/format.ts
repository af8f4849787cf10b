import type { Budget, BudgetStatusEntry } from '../../api/types.ts';

// Budget statuses, subjects and periods as words.

export type BudgetTone = 'ok' | 'warning' | 'over' | 'forecast-over';

// The one word for a status: spent beats a warning level, which beats a forecast.
export function budgetTone(s: BudgetStatusEntry): BudgetTone {
  if (s.exceeded) return 'over';
  if (s.warningLevel !== null) return 'warning';
  if (s.forecastExceeds) return 'forecast-over';
  return 'ok';
}

export function subjectLabel(b: Pick<Budget, 'scope' | 'subject'>, statusSubject?: string | null): string {
  if (b.scope === 'project') return 'whole project';
  if (b.subject === '*') return statusSubject ? statusSubject : 'each user';
  return b.subject ?? '—';
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const day = (d: Date) => `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}`;

// The current period in UTC: "Dec 3" for a day, "Dec 1 – Dec 31" for a month.
export function periodRange(s: BudgetStatusEntry | null, period: string): string {
  const start = s ? new Date(s.periodStart) : new Date();
  if (period === 'daily') return day(start);
  const end = s ? new Date(Date.parse(s.periodEnd) - 1) : new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 0));
  return `${day(start)} – ${day(end)}`;
}
