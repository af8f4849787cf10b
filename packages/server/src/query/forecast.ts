import { DAY_MS } from '../domain/time.ts';
import { nanoToUsd, roundUsd } from '../domain/money.ts';
import { utcDate } from './buckets.ts';
import type { CostForecast, ForecastParams, TimeRange } from './contract.ts';

// The cost forecast, computed from per-day totals a backend has summed. Pure, so that the
// arithmetic is tested on a constructed series and every backend forecasts the same way.
//
//   Days are UTC days. The fit uses the `lookbackDays` complete days before today (today is
//   partial), from the first day with any call (days before a project's first call are not
//   $0 days). Day k of the window has cost y_k, k = 0 … n-1; today is k = n.
//   moving average  MA7 = (y_{n-7} + … + y_{n-1}) / 7   (fewer days if fewer have data)
//   linear trend    least squares y ≈ a + b·k;  T(k) = max(0, a + b·k)
//   month to date   MTD = known cost from the first instant of this month to now
//   f = fraction of today still to come; D = whole days after today to the end of the month
//   end of month    MA:    MTD + MA7 · (f + D)
//                   trend: MTD + f · T(n) + Σ_{k=n+1}^{n+D} T(k)
//   next 7 days     MA: 7 · MA7;      trend: Σ_{k=n}^{n+6} T(k)
//   annual          MA: 365 · MA7;    trend: Σ_{k=n}^{n+364} T(k)
//   confidence      low under 7 days with data, medium under 21, high from 21.

export interface ForecastInput {
  nowMs: number;
  lookbackDays: number;
  // One entry per complete UTC day of the window, oldest first, ending yesterday.
  days: { dayMs: number; costNano: bigint; requests: number }[];
  monthToDateNano: bigint;
}

// What a backend sums for a forecast: per-day totals over `days` (every UTC day of it, empty
// ones with zeros) and the known cost over `monthToDate` (null: the month began just now, so $0).
export function forecastRanges(params: ForecastParams): { days: TimeRange; monthToDate: TimeRange | null } {
  const todayMs = Math.floor(params.nowMs / DAY_MS) * DAY_MS;
  const now = new Date(params.nowMs);
  const monthStartMs = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
  return {
    days: { fromMs: todayMs - params.lookbackDays * DAY_MS, toMs: todayMs, retention: params.retention },
    monthToDate: params.nowMs > monthStartMs ? { fromMs: monthStartMs, toMs: params.nowMs, retention: params.retention } : null,
  };
}

export function computeForecast(input: ForecastInput): CostForecast {
  const { nowMs, days } = input;
  const n = days.length;
  const todayMs = Math.floor(nowMs / DAY_MS) * DAY_MS;
  const first = days.findIndex((d) => d.requests > 0);
  const fitFrom = first === -1 ? n : first;
  const daysWithData = days.filter((d) => d.requests > 0).length;

  const ys = days.map((d) => nanoToUsd(d.costNano));
  const lastWeek = days.slice(Math.max(fitFrom, n - 7));
  const ma7 = lastWeek.length ? nanoToUsd(lastWeek.reduce((s, d) => s + d.costNano, 0n)) / lastWeek.length : 0;

  let a = 0;
  let b = 0;
  let r2: number | null = null;
  const m = n - fitFrom;
  if (m === 1) {
    a = ys[fitFrom];
  } else if (m > 1) {
    const xbar = fitFrom + (m - 1) / 2;
    let ybar = 0;
    for (let k = fitFrom; k < n; k++) ybar += ys[k];
    ybar /= m;
    let sxx = 0;
    let sxy = 0;
    let syy = 0;
    for (let k = fitFrom; k < n; k++) {
      sxx += (k - xbar) ** 2;
      sxy += (k - xbar) * (ys[k] - ybar);
      syy += (ys[k] - ybar) ** 2;
    }
    b = sxy / sxx;
    a = ybar - b * xbar;
    r2 = syy > 0 ? (sxy * sxy) / (sxx * syy) : null;
  }
  const trendAt = (k: number) => Math.max(0, a + b * k);
  const sumTrend = (fromK: number, count: number) => {
    let s = 0;
    for (let k = fromK; k < fromK + count; k++) s += trendAt(k);
    return s;
  };

  const now = new Date(nowMs);
  const nextMonthMs = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1);
  const restOfToday = (todayMs + DAY_MS - nowMs) / DAY_MS;
  const wholeDaysAfterToday = Math.round((nextMonthMs - (todayMs + DAY_MS)) / DAY_MS);
  const mtd = nanoToUsd(input.monthToDateNano);

  const series = days.map((d, k) => {
    // Days before the first call are not $0 days, here as in the headline average.
    const win = days.slice(Math.max(fitFrom, k - 6), k + 1);
    return {
      date: utcDate(d.dayMs),
      costUsd: ys[k],
      movingAverage7dUsd: win.length ? roundUsd(nanoToUsd(win.reduce((s, x) => s + x.costNano, 0n)) / win.length) : 0,
      trendUsd: roundUsd(k >= fitFrom ? trendAt(k) : 0),
    };
  });

  return {
    asOf: new Date(nowMs).toISOString(),
    lookbackDays: input.lookbackDays,
    series,
    daysWithData,
    movingAverage7dUsd: roundUsd(ma7),
    trend: { slopeUsdPerDay: roundUsd(b), interceptUsd: roundUsd(a), r2, todayUsd: roundUsd(trendAt(n)) },
    monthToDateUsd: mtd,
    remainingDaysInMonth: restOfToday + wholeDaysAfterToday,
    projectedMonthEndUsd: {
      movingAverage: roundUsd(mtd + ma7 * (restOfToday + wholeDaysAfterToday)),
      trend: roundUsd(mtd + restOfToday * trendAt(n) + sumTrend(n + 1, wholeDaysAfterToday)),
    },
    projectedNext7DaysUsd: { movingAverage: roundUsd(ma7 * 7), trend: roundUsd(sumTrend(n, 7)) },
    projectedAnnualUsd: { movingAverage: roundUsd(ma7 * 365), trend: roundUsd(sumTrend(n, 365)) },
    confidence: daysWithData < 7 ? 'low' : daysWithData < 21 ? 'medium' : 'high',
  };
}
