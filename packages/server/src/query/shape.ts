import { roundUsd } from '../domain/money.ts';
import { bucketStarts } from './buckets.ts';
import { MEASURES, type AnalyticsColumn, type AnalyticsQuery, type AnalyticsResult, type AnalyticsRow, type Measure } from './contract.ts';

// From the rows a backend's analytics query returned to the answer every backend gives. A raw row
// has `b` (its bucket start, ms) when bucketed, `d0`, `d1`, ... for the group's dimensions and
// `m0`, `m1`, ... for the measures, in the query's order; `value` turns one measure's raw value
// into a number (each backend knows how its driver hands out sums).

export type RawRow = Record<string, unknown>;

export function num(v: unknown): number {
  if (v === null || v === undefined) return 0;
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : 0;
}

export function numOrNull(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : null;
}

export function str(v: unknown): string | null {
  return v === null || v === undefined ? null : String(v);
}

// An ungrouped series is answered with every bucket of the range, empty ones as zeros.
export function fillsGaps(q: AnalyticsQuery): boolean {
  return q.bucket !== undefined && q.groupBy.length === 0;
}

// A measure's number as answered: an additive measure with nothing to add is 0, another is null;
// dollars are rounded to the nano-dollar.
export function finishMeasure(m: Measure, n: number | null): number | null {
  const spec = MEASURES[m];
  if (n === null) return spec.additive ? 0 : null;
  return spec.unit === 'usd' || spec.unit === 'usd_per_mtok' ? roundUsd(n) : n;
}

// `raw` holds at most limit + 1 rows when gaps are not filled: one more than the limit says the
// answer was cut.
export function shapeResult(q: AnalyticsQuery, raw: RawRow[], limit: number, value: (m: Measure, v: unknown) => number | null): AnalyticsResult {
  const columns: AnalyticsColumn[] = [];
  if (q.bucket) columns.push({ name: 'bucket', kind: 'bucket' });
  for (const d of q.groupBy) columns.push({ name: d, kind: 'dimension' });
  for (const m of q.measures) columns.push({ name: m, kind: 'measure', unit: MEASURES[m].unit });

  const toRow = (r: RawRow | undefined, bucketMs?: number): AnalyticsRow => {
    const row: AnalyticsRow = {};
    if (q.bucket) row.bucket = new Date(bucketMs ?? num(r?.b)).toISOString();
    q.groupBy.forEach((d, i) => {
      row[d] = str(r?.[`d${i}`]);
    });
    q.measures.forEach((m, i) => {
      row[m] = value(m, r?.[`m${i}`]);
    });
    return row;
  };

  let rows: AnalyticsRow[];
  if (fillsGaps(q)) {
    const byBucket = new Map(raw.map((r) => [num(r.b), r]));
    rows = bucketStarts(q.bucket!, q.fromMs, q.toMs).map((t) => toRow(byBucket.get(t), t));
  } else {
    rows = raw.map((r) => toRow(r));
  }
  const truncated = rows.length > limit;
  if (truncated) rows = rows.slice(0, limit);
  return { fromMs: q.fromMs, toMs: q.toMs, bucket: q.bucket ?? null, columns, rows, truncated };
}
