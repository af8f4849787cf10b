import { describe, expect, it } from 'vitest';
import { planWindows } from './time-windows.ts';

const H = 3_600_000_000;
const hour = (i: number, rows: number) => ({ startUs: i * H, rows });

describe('time windows of bulk changes', () => {
  it('merges neighbouring hours up to the chunk, the empty hours between them included', () => {
    // A row arriving later for 6h–8h is in a window too.
    expect(planWindows([hour(0, 3), hour(1, 4), hour(5, 2), hour(8, 9), hour(9, 1)], H, 10)).toEqual([
      { loUs: 0, hiUs: 8 * H, rows: 9 },
      { loUs: 8 * H, hiUs: 10 * H, rows: 10 },
    ]);
  });

  it('splits a crowded hour into slices of time of at most the chunk each', () => {
    const windows = planWindows([hour(2, 1), hour(3, 25), hour(4, 1)], H, 10);
    expect(windows.map((w) => w.rows)).toEqual([9, 8, 9]);
    expect(windows[0]).toMatchObject({ loUs: 2 * H, hiUs: 3 * H + H / 3 });
    expect(windows[2]).toMatchObject({ hiUs: 5 * H });
    // Without a gap or an overlap.
    for (let i = 1; i < windows.length; i++) expect(windows[i].loUs).toBe(windows[i - 1].hiUs);
  });

  it('plans nothing when there is nothing to change', () => {
    expect(planWindows([], H, 10)).toEqual([]);
  });
});
