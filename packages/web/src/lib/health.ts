import type { HealthGroup } from '../api/types.ts';
import { label } from './rows.ts';

// Health scores (docs/quality.md#health-score) as the pages show them: a tone per score, and one
// figure for the whole project.

// Below 50 something needs attention now; below 80 something is slipping.
export const HEALTH_BAD_BELOW = 50;
export const HEALTH_WARN_BELOW = 80;

export function healthTone(score: number | null): 'good' | 'warn' | 'bad' | undefined {
  if (score === null) return undefined;
  if (score < HEALTH_BAD_BELOW) return 'bad';
  if (score < HEALTH_WARN_BELOW) return 'warn';
  return 'good';
}

// The project's health: the mean of its groups' health weighted by their calls, so a busy feature
// counts for more than a rarely used one; groups without a health are left out. Also the worst
// group, which the overview names.
export function overallHealth(groups: readonly Pick<HealthGroup, 'key' | 'health' | 'requests'>[]): { score: number | null; worst: { key: string | null; health: number } | null } {
  let sum = 0;
  let weight = 0;
  let worst: { key: string | null; health: number } | null = null;
  for (const g of groups) {
    if (g.health === null) continue;
    const w = Math.max(g.requests, 1);
    sum += g.health * w;
    weight += w;
    if (worst === null || g.health < worst.health) worst = { key: g.key, health: g.health };
  }
  return { score: weight === 0 ? null : Math.round(sum / weight), worst };
}

// A component of the health as shown: a number out of 100, or why it is missing.
export function componentText(value: number | null): string {
  return value === null ? '—' : String(Math.round(value));
}

// A bucketed average grouped by one dimension → one series per group (the most frequent first);
// a bucket a group has no value in is a gap (null), not 0, which for a score would read as the worst.
export function averageSeries(rows: readonly Record<string, unknown>[], dim: string, measure: string, top = 6): { times: number[]; series: { label: string; values: (number | null)[] }[] } {
  const times = [...new Set(rows.map((r) => Date.parse(String(r.bucket))))].sort((a, b) => a - b);
  const index = new Map(times.map((t, i) => [t, i]));
  const seen = new Map<string, number>();
  for (const r of rows) if (r[measure] !== null && r[measure] !== undefined) seen.set(label(r[dim]), (seen.get(label(r[dim])) ?? 0) + 1);
  const keep = [...seen.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, top).map(([k]) => k);
  const out = keep.map((l) => ({ label: l, values: times.map((): number | null => null) }));
  for (const r of rows) {
    const i = keep.indexOf(label(r[dim]));
    if (i >= 0 && r[measure] !== null && r[measure] !== undefined) out[i].values[index.get(Date.parse(String(r.bucket)))!] = Number(r[measure]);
  }
  return { times, series: out };
}
