import { describe, expect, it } from 'vitest';
import type { BudgetStatus } from '../api/types.ts';
import { budgetLevel, budgetSubject } from './budgets.ts';

function status(over: Partial<BudgetStatus> & { scope?: BudgetStatus['budget']['scope']; name?: string | null; budgetSubject?: string | null }): BudgetStatus {
  const { scope = 'user', name = null, budgetSubject: subject = null, ...rest } = over;
  return {
    budget: { id: 'b1', projectId: 'default', name, scope, subject, period: 'daily', limitUsd: 10, warnAtPercent: [80], enforce: 'soft', createdAt: '', createdBy: null, updatedAt: '' },
    subject: null,
    spentUsd: 1,
    limitUsd: 10,
    remainingUsd: 9,
    percent: 10,
    periodStart: '',
    periodEnd: '',
    burnRateUsdPerHour: 0,
    forecastUsd: 1,
    warningLevel: null,
    exceeded: false,
    forecastExceeds: false,
    ...rest,
  };
}

describe('budgetLevel', () => {
  it('puts exceeded before a warning level', () => {
    expect(budgetLevel(status({ exceeded: true, warningLevel: 80 }))).toBe('over');
    expect(budgetLevel(status({ warningLevel: 80 }))).toBe('warning');
    expect(budgetLevel(status({ forecastExceeds: true }))).toBe('ok');
  });
});

describe('budgetSubject', () => {
  it('names what the budget is about, then which budget it is', () => {
    expect(budgetSubject(status({ scope: 'project' }))).toBe('whole project');
    expect(budgetSubject(status({ scope: 'user', subject: 'usr_dara', budgetSubject: '*', name: 'free tier' }))).toBe('user usr_dara · free tier');
    expect(budgetSubject(status({ scope: 'team', budgetSubject: 'core' }))).toBe('team core');
    expect(budgetSubject(status({ scope: 'team' }))).toBe('team');
  });
});
