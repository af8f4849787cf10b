import { EVALUATION_FEATURE } from '../domain/quality.ts';
import type { Filter } from '../query/contract.ts';
import type { SpanFilter } from './span-reads.ts';

// The judge's own calls (spans of feature EVALUATION_FEATURE) are priced like any call, but they
// are Lookout's spend, not the application's. Every read that sums or lists the application's
// calls (analytics, hourly totals, reports, budgets, rollups, the trace list) leaves them out
// with this one condition, valid SQL in DuckDB and in ClickHouse (feature is nullable in both);
// a read that asks for them by that feature sees them, and only them.

// EVALUATION_FEATURE is a constant of letters and dots: safe as a literal. `column` names the
// feature column where a select list aliases something else as `feature` (ClickHouse resolves an
// alias before a column of the same name).
export function applicationSpansSql(column = 'feature'): string {
  return `coalesce(${column}, '') <> '${EVALUATION_FEATURE}'`;
}
export const APPLICATION_SPANS_SQL = applicationSpansSql();

// An analytics query that filters on the evaluation feature: it is about judge spend.
export function analyticsAsksForEvaluation(filters: readonly Filter[]): boolean {
  return filters.some((f) => f.dimension === 'feature' && f.values.includes(EVALUATION_FEATURE));
}

// A span or trace listing that names the evaluation feature, or one trace (a score's link to the
// judge call that made it).
export function listingAsksForEvaluation(f: SpanFilter): boolean {
  return f.feature === EVALUATION_FEATURE || (f.traceId !== undefined && f.traceId !== '');
}
