import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BudgetStatus } from '../../api/types.ts';
import { budgetTone, periodRange, subjectLabel } from './format.ts';

function status(over: Partial<BudgetStatus> = {}): BudgetStatus {
  return {
    budget: { id: 'b1', projectId: 'default', name: null, scope: 'team', subject: 'core', period: 'monthly', limitUsd: 10, warnAtPercent: [80], enforce: 'soft', createdAt: '', createdBy: null, updatedAt: '' },
    subject: 'core',
    spentUsd: 1,
    limitUsd: 10,
    remainingUsd: 9,
    percent: 10,
    periodStart: '2026-12-01T00:00:00.000Z',
    periodEnd: '2027-01-01T00:00:00.000Z',
    burnRateUsdPerHour: 0,
    forecastUsd: 1,
    warningLevel: null,
    exceeded: false,
    forecastExceeds: false,
    ...over,
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('budgetTone', () => {
  it('puts spent before a warning level before a forecast', () => {
    expect(budgetTone(status({ exceeded: true, warningLevel: 100, forecastExceeds: true }))).toBe('over');
    expect(budgetTone(status({ warningLevel: 80, forecastExceeds: true }))).toBe('warning');
    expect(budgetTone(status({ forecastExceeds: true }))).toBe('forecast-over');
    expect(budgetTone(status())).toBe('ok');
  });
});

describe('subjectLabel', () => {
  it('names the project, the subject, or each user', () => {
    expect(subjectLabel({ scope: 'project', subject: null })).toBe('whole project');
    expect(subjectLabel({ scope: 'team', subject: 'core' })).toBe('core');
    expect(subjectLabel({ scope: 'user', subject: '*' })).toBe('each user');
    expect(subjectLabel({ scope: 'user', subject: '*' }, 'usr_dara')).toBe('usr_dara');
    expect(subjectLabel({ scope: 'team', subject: null })).toBe('—');
  });
});

describe('periodRange', () => {
  it('shows a month from its first to its last day, in UTC', () => {
    expect(periodRange(status(), 'monthly')).toBe('Dec 1 – Dec 31');
  });

  it('shows a day as that day', () => {
    expect(periodRange(status({ periodStart: '2026-12-03T00:00:00.000Z', periodEnd: '2026-12-04T00:00:00.000Z' }), 'daily')).toBe('Dec 3');
  });

  it('counts from today to the end of the month when nothing is spent yet', () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-02-10T12:00:00Z'));
    expect(periodRange(null, 'monthly')).toBe('Feb 10 – Feb 28');
    expect(periodRange(null, 'daily')).toBe('Feb 10');
  });
});
