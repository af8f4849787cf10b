import { SECURITY_EVENT_TYPES } from '../../../server/src/domain/security.ts';
import type { SecurityEventType, SecuritySummary } from '../api/types.ts';
import type { Series } from '../components/Chart.tsx';
import { count } from '../format.ts';

// The security summary (GET /api/v1/security/summary) as the Security page draws it.

export const EVENT_TYPES: readonly SecurityEventType[] = SECURITY_EVENT_TYPES;

export const EVENT_TYPE_LABELS: Record<SecurityEventType, string> = {
  pii: 'Personal data',
  secret: 'Secrets',
  prompt_injection: 'Prompt injection',
  jailbreak: 'Jailbreak',
  auth_failure: 'Authentication failures',
  rate_limited: 'Rate-limited by Lookout',
  budget_blocked: 'Blocked by budgets',
};

// One colour per type, the same in every range, so a type keeps its colour when others come and go.
const TYPE_COLORS: Record<SecurityEventType, string> = {
  pii: '#2563eb',
  secret: '#dc2626',
  prompt_injection: '#d97706',
  jailbreak: '#7c3aed',
  auth_failure: '#475569',
  rate_limited: '#0891b2',
  budget_blocked: '#db2777',
};

// Past this many buckets the series keeps only the buckets that have events: a custom range of
// years at a day's bucket must not make the page build (and uPlot draw) an array per day.
export const MAX_CHART_BUCKETS = 2000;

export interface TypeCount {
  type: SecurityEventType;
  events: number;
  values: number;
}

// Every type, in the log's order, with zero for the types the range has none of: a tile that
// reads 0 says "none in this range", which the page can now say since every type is counted.
export function countsByType(summary: Pick<SecuritySummary, 'byType'>): TypeCount[] {
  const found = new Map(summary.byType.map((b) => [b.type, b]));
  return EVENT_TYPES.map((type) => ({ type, events: found.get(type)?.events ?? 0, values: found.get(type)?.values ?? 0 }));
}

// The summary's series as chart series: one per type that has events, on every bucket of the
// range (the server leaves out the buckets without events; those are zero, not gaps).
export function summaryChart(summary: Pick<SecuritySummary, 'from' | 'to' | 'bucketSeconds' | 'series'>): { times: number[]; series: Series[] } {
  const bucketMs = summary.bucketSeconds * 1000;
  const fromMs = Date.parse(summary.from);
  const toMs = Date.parse(summary.to);
  const seen = summary.series.map((p) => Date.parse(p.time));
  let times: number[];
  const first = Math.floor(fromMs / bucketMs) * bucketMs;
  if (bucketMs > 0 && Number.isFinite(fromMs) && Number.isFinite(toMs) && (toMs - first) / bucketMs <= MAX_CHART_BUCKETS) {
    times = [];
    for (let t = first; t < toMs; t += bucketMs) times.push(t);
    // A point off the grid (a bucket width the page did not expect) still shows.
    const grid = new Set(times);
    if (seen.some((t) => !grid.has(t))) times = [...new Set([...times, ...seen])].sort((a, b) => a - b);
  } else {
    times = [...new Set(seen)].sort((a, b) => a - b);
  }
  const index = new Map(times.map((t, i) => [t, i]));
  const present = EVENT_TYPES.filter((type) => summary.series.some((p) => p.type === type && p.events > 0));
  const series = present.map((type) => {
    const values: (number | null)[] = times.map(() => 0);
    for (const p of summary.series) {
      if (p.type !== type) continue;
      const i = index.get(Date.parse(p.time))!;
      values[i] = (values[i] ?? 0) + p.events;
    }
    return { label: EVENT_TYPE_LABELS[type], values, color: TYPE_COLORS[type] };
  });
  return { times, series };
}

// An axis label for a count of events: the chart may put ticks between whole numbers (a range
// with one or two events), which would read as "1, 1, 2, 2" rounded; those stay unlabelled.
export function wholeCount(v: number): string {
  return Number.isInteger(v) ? count(v) : '';
}

// How a type's tile is coloured when the range has some: injections and leaked secrets are
// attacks or incidents; personal data in prompts is expected and handled (masked by default).
export function typeTone(type: SecurityEventType, events: number): 'bad' | 'warn' | undefined {
  if (events === 0) return undefined;
  return type === 'secret' || type === 'prompt_injection' || type === 'jailbreak' ? 'bad' : 'warn';
}
