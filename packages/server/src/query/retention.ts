import type { TimeRange } from './contract.ts';

// I3: analytics over a range that reaches past a project's retention. Spans older than the
// spans' cutoff are gone; their hours live on as hourly totals until the rollups' cutoff. A
// backend answers the part before the cutoff from the totals where the question is a sum over
// their dimensions, and every answer that reaches past the cutoff says how it was answered.

// Where a project's stored rows stop (lifecycle/retention-policy.ts horizonOf): spans older than
// spansFromMs and hourly totals older than rollupsFromMs are gone; null: none removed.
export interface RetentionBounds {
  spansFromMs: number | null;
  rollupsFromMs: number | null;
}

export interface RetentionNote {
  // Spans before this time are gone (ISO-8601).
  spansFrom: string;
  // Hourly totals before this time are gone too (ISO-8601), or null.
  rollupsFrom: string | null;
  // The part of the range before spansFrom was answered from the hourly totals.
  answeredFromRollups: boolean;
  // Some of the range before spansFrom has no answer: the question needs the spans (percentiles,
  // users, sessions, metadata…), or the hourly totals of that time are gone too.
  partial: boolean;
}

export const reachesPastRetention = (range: TimeRange, bounds: RetentionBounds | undefined): bounds is RetentionBounds & { spansFromMs: number } =>
  bounds !== undefined && bounds.spansFromMs !== null && range.fromMs < bounds.spansFromMs;

// The note for an answer over `range`: null when the range starts after the spans' cutoff.
export function retentionNote(range: TimeRange, bounds: RetentionBounds | undefined, answeredFromRollups: boolean): RetentionNote | null {
  if (!reachesPastRetention(range, bounds)) return null;
  const rollupsGone = bounds.rollupsFromMs !== null && range.fromMs < bounds.rollupsFromMs;
  return {
    spansFrom: new Date(bounds.spansFromMs).toISOString(),
    rollupsFrom: bounds.rollupsFromMs === null ? null : new Date(bounds.rollupsFromMs).toISOString(),
    answeredFromRollups,
    partial: !answeredFromRollups || rollupsGone,
  };
}
