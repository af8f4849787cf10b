import { DAY_MS, HOUR_MS, MINUTE_MS, WEEK_MS } from '../domain/time.ts';
import type { TimeBucket } from './contract.ts';

// Time buckets as every backend must cut them: UTC, weeks starting on Monday, months on the 1st
// (SQL's date_trunc). A backend fills the buckets it has no rows for from this list, so empty
// buckets come back the same whichever engine answered.

// The starts of every bucket overlapping [fromMs, toMs).
export function bucketStarts(bucket: TimeBucket, fromMs: number, toMs: number): number[] {
  const out: number[] = [];
  if (bucket === 'month') {
    const d = new Date(fromMs);
    for (let y = d.getUTCFullYear(), m = d.getUTCMonth(); ; m++) {
      const t = Date.UTC(y, m, 1);
      if (t >= toMs) break;
      out.push(t);
    }
    return out;
  }
  const size = { minute: MINUTE_MS, hour: HOUR_MS, day: DAY_MS, week: WEEK_MS }[bucket];
  let start = Math.floor(fromMs / (bucket === 'week' ? DAY_MS : size)) * (bucket === 'week' ? DAY_MS : size);
  if (bucket === 'week') start -= ((new Date(start).getUTCDay() + 6) % 7) * DAY_MS;
  for (let t = start; t < toMs; t += size) out.push(t);
  return out;
}

// YYYY-MM-DD of the UTC day an instant falls on.
export function utcDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
