import { describe, expect, it } from 'vitest';
import { changeTone, periodChange, previousPeriod } from './period.ts';

describe('previousPeriod', () => {
  it('is the range of the same length ending where the range starts', () => {
    const fromMs = Date.parse('2026-03-02T00:00:00Z');
    const p = previousPeriod({ label: '24h', fromMs, toMs: fromMs + 86_400_000 });
    expect(p).toEqual({ from: '2026-03-01T00:00:00.000Z', to: '2026-03-02T00:00:00.000Z', what: '24h' });
  });

  it('names a custom range by its length in hours', () => {
    const fromMs = Date.parse('2026-03-02T00:00:00Z');
    const p = previousPeriod({ label: 'custom', fromMs, toMs: fromMs + 36 * 3_600_000 });
    expect(p).toEqual({ from: '2026-02-28T12:00:00.000Z', to: '2026-03-02T00:00:00.000Z', what: '36 h' });
  });
});

describe('periodChange', () => {
  it('is the change relative to the previous period, with its direction', () => {
    expect(periodChange(15, 10)).toEqual({ kind: 'change', ratio: 0.5, dir: 'up' });
    expect(periodChange(5, 10)).toEqual({ kind: 'change', ratio: -0.5, dir: 'down' });
    expect(periodChange(10.04, 10)).toMatchObject({ kind: 'change', dir: 'flat' });
  });

  it('gives no percentage when the previous period had nothing, or a figure is missing', () => {
    expect(periodChange(3, 0)).toEqual({ kind: 'from-zero', now: 3 });
    expect(periodChange(null, 10)).toEqual({ kind: 'unknown' });
    expect(periodChange(10, null)).toEqual({ kind: 'unknown' });
  });
});

describe('changeTone', () => {
  it('is better or worse by the way the figure is better, and neutral for figures without one', () => {
    const up = periodChange(15, 10);
    const down = periodChange(5, 10);
    expect(changeTone(up, 'down')).toBe('worse');
    expect(changeTone(down, 'down')).toBe('better');
    expect(changeTone(up, 'up')).toBe('better');
    expect(changeTone(down, 'up')).toBe('worse');
    expect(changeTone(up, 'neither')).toBe('neutral');
    expect(changeTone(down, 'neither')).toBe('neutral');
  });

  it('is neutral when nothing moved or there is nothing to compare with', () => {
    expect(changeTone(periodChange(10.04, 10), 'down')).toBe('neutral');
    expect(changeTone(periodChange(3, 0), 'down')).toBe('neutral');
    expect(changeTone(periodChange(null, 10), 'up')).toBe('neutral');
  });
});
