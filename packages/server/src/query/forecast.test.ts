import { describe, expect, it } from 'vitest';
import { DAY_MS } from '../domain/time.ts';
import { computeForecast, forecastRanges } from './forecast.ts';

describe('forecast', () => {
  it('forecast ignores days before the first call and clamps the trend at zero', () => {
    const day = (k: number, usd: number, requests = 1) => ({ dayMs: Date.UTC(2026, 0, 1) + k * DAY_MS, costNano: BigInt(usd) * 1_000_000_000n, requests });
    const f = computeForecast({
      nowMs: Date.UTC(2026, 0, 11),
      lookbackDays: 10,
      days: [day(0, 0, 0), day(1, 0, 0), day(2, 0, 0), day(3, 0, 0), day(4, 0, 0), day(5, 0, 0), day(6, 0, 0), day(7, 30), day(8, 20), day(9, 10)],
      monthToDateNano: 60_000_000_000n,
    });
    expect(f.movingAverage7dUsd).toBe(20);
    // The daily series' average too: day 7 is the first day with data, not 30 / 7.
    expect(f.series.map((d) => d.movingAverage7dUsd)).toEqual([0, 0, 0, 0, 0, 0, 0, 30, 25, 20]);
    expect(f.trend.slopeUsdPerDay).toBeCloseTo(-10, 9);
    expect(f.trend.todayUsd).toBe(0);
    expect(f.projectedMonthEndUsd.trend).toBe(60);
    expect(f.projectedMonthEndUsd.movingAverage).toBeCloseTo(60 + 20 * 21, 6);
    expect(f.confidence).toBe('low');

    const empty = computeForecast({ nowMs: Date.UTC(2026, 0, 11), lookbackDays: 2, days: [day(8, 0, 0), day(9, 0, 0)], monthToDateNano: 0n });
    expect(empty).toMatchObject({ movingAverage7dUsd: 0, daysWithData: 0, projectedMonthEndUsd: { movingAverage: 0, trend: 0 } });
  });

  it('asks for the complete days before today and the month so far', () => {
    const nowMs = Date.UTC(2026, 10, 20, 18);
    expect(forecastRanges({ nowMs, lookbackDays: 14 })).toEqual({
      days: { fromMs: Date.UTC(2026, 10, 6), toMs: Date.UTC(2026, 10, 20) },
      monthToDate: { fromMs: Date.UTC(2026, 10, 1), toMs: nowMs },
    });
    // At the first instant of a month nothing of it has been spent yet.
    expect(forecastRanges({ nowMs: Date.UTC(2026, 11, 1), lookbackDays: 1 })).toEqual({
      days: { fromMs: Date.UTC(2026, 10, 30), toMs: Date.UTC(2026, 11, 1) },
      monthToDate: null,
    });
  });
});
