import type { QueryResult, Row } from '../api/types.ts';
import type { Series } from '../components/Chart.tsx';
import { pct } from '../format.ts';

// Reading analytics rows (docs/analytics.md) into the numbers, labels and series the dashboards draw.

// A measure of a row as a number; null when the row or the value is missing.
export const num = (r: Row | undefined, k: string): number | null => (r && r[k] !== null && r[k] !== undefined ? Number(r[k]) : null);

// A dimension value as shown; an empty value reads as `none`.
export const label = (v: unknown, none = '(none)'): string => (v === null || v === undefined || v === '' ? none : String(v));

// A part of a whole as a percentage: whole numbers, one decimal under 1% so a small share is not "0%".
export function share(part: number, whole: number): string {
  if (!whole) return '—';
  const f = part / whole;
  return pct(f, f > 0 && f < 0.01 ? 1 : 0);
}

export function series(result: QueryResult, measures: string[]): { times: number[]; values: Record<string, (number | null)[]> } {
  const times = result.rows.map((r) => Date.parse(String(r.bucket)));
  const values: Record<string, (number | null)[]> = {};
  for (const m of measures) values[m] = result.rows.map((r) => (r[m] === null ? null : Number(r[m])));
  return { times, values };
}

// A bucketed query grouped by one dimension → one series per group value (top N by total).
export function pivot(result: QueryResult, dim: string, measure: string, top = 6): { times: number[]; series: { label: string; values: (number | null)[] }[] } {
  const times = [...new Set(result.rows.map((r) => Date.parse(String(r.bucket))))].sort((a, b) => a - b);
  const index = new Map(times.map((t, i) => [t, i]));
  const totals = new Map<string, number>();
  for (const r of result.rows) totals.set(String(r[dim] ?? '(none)'), (totals.get(String(r[dim] ?? '(none)')) ?? 0) + Number(r[measure] ?? 0));
  const keep = [...totals.entries()].sort((a, b) => b[1] - a[1]).slice(0, top).map(([k]) => k);
  const out = keep.map((label) => ({ label, values: times.map(() => 0 as number | null) }));
  for (const r of result.rows) {
    const i = keep.indexOf(String(r[dim] ?? '(none)'));
    if (i >= 0) out[i].values[index.get(Date.parse(String(r.bucket)))!] = Number(r[measure] ?? 0);
  }
  return { times, series: out };
}

// Per-group series of a grouped, bucketed query laid onto the full bucket list of an ungrouped
// one (a grouped query leaves out buckets without data; those are zero calls, not gaps).
export function alignSeries(times: number[], grouped: { times: number[]; series: Series[] }): Series[] {
  const index = new Map(grouped.times.map((t, i) => [t, i]));
  return grouped.series.map((s) => ({ label: s.label, values: times.map((t) => (index.has(t) ? s.values[index.get(t)!] : 0)) }));
}
