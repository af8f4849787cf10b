import type { BudgetStatus, BudgetStatusEntry } from '../api/types.ts';

// How a budget's status reads on the dashboards.

export type BudgetLevel = 'over' | 'warning' | 'ok';

export function budgetLevel(s: BudgetStatusEntry): BudgetLevel {
  if (s.exceeded) return 'over';
  if (s.warningLevel !== null) return 'warning';
  return 'ok';
}

// "usr_dara · free tier" — what the budget is about, then which budget it is.
export function budgetSubject(s: BudgetStatus): string {
  const who = s.budget.scope === 'project' ? 'whole project' : `${s.budget.scope} ${s.subject ?? s.budget.subject ?? ''}`.trim();
  return s.budget.name ? `${who} · ${s.budget.name}` : who;
}
