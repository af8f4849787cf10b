import { useEffect, useMemo, useState } from 'react';
import { useSearchParams } from './router.ts';

// The time range of every page: a preset (`range=24h`) or custom (`from`, `to` as ISO), in the URL.

export const PRESETS = ['15m', '1h', '6h', '24h', '7d', '30d'] as const;
export const DEFAULT_RANGE = '24h';
export const REFRESH_OPTIONS = ['off', '10s', '30s', '1m'] as const;

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

export interface TimeRange {
  label: string;
  fromMs: number;
  toMs: number;
  // Parameters for the API.
  from: string;
  to: string;
  bucket: 'minute' | 'hour' | 'day';
}

function durationMs(preset: string): number {
  const m = /^(\d+)([mhd])$/.exec(preset);
  return m ? Number(m[1]) * UNIT_MS[m[2]] : 86_400_000;
}

export function bucketFor(spanMs: number): 'minute' | 'hour' | 'day' {
  if (spanMs <= 6 * 3_600_000) return 'minute';
  if (spanMs <= 7 * 86_400_000) return 'hour';
  return 'day';
}

export function resolveRange(search: URLSearchParams, nowMs: number): TimeRange {
  const from = search.get('from');
  const to = search.get('to');
  if (from && to && !Number.isNaN(Date.parse(from)) && !Number.isNaN(Date.parse(to)) && Date.parse(from) < Date.parse(to)) {
    const fromMs = Date.parse(from);
    const toMs = Date.parse(to);
    return { label: 'custom', fromMs, toMs, from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString(), bucket: bucketFor(toMs - fromMs) };
  }
  const asked = search.get('range') ?? DEFAULT_RANGE;
  const preset = PRESETS.includes(asked as (typeof PRESETS)[number]) ? asked : DEFAULT_RANGE;
  const span = durationMs(preset);
  // Whole minutes, so that numbers on the page and in the API agree for the same URL.
  const toMs = Math.ceil(nowMs / 60_000) * 60_000;
  const fromMs = toMs - span;
  return { label: preset, fromMs, toMs, from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString(), bucket: bucketFor(span) };
}

// What is wrong with the range in the address, if anything (the page then shows the default).
export function rangeProblem(search: URLSearchParams): string | null {
  const from = search.get('from');
  const to = search.get('to');
  if (from || to) {
    if (!from || !to) return `The address has ${from ? 'from' : 'to'} without ${from ? 'to' : 'from'}`;
    if (Number.isNaN(Date.parse(from)) || Number.isNaN(Date.parse(to))) return `The address's from/to (${from} → ${to}) are not dates`;
    if (Date.parse(from) >= Date.parse(to)) return `The range in the address ends before it starts (${from} → ${to})`;
    return null;
  }
  const range = search.get('range');
  if (range && !PRESETS.includes(range as (typeof PRESETS)[number])) return `'${range}' is not a range; use one of ${PRESETS.join(', ')}`;
  return null;
}

// The range now, re-evaluated at each auto-refresh tick.
export function useTimeRange(): TimeRange & { tick: number } {
  const [search] = useSearchParams();
  const refresh = search.get('refresh') ?? 'off';
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (refresh === 'off') return;
    const ms = refresh === '1m' ? 60_000 : Number(refresh.replace('s', '')) * 1000;
    if (!ms) return;
    const t = setInterval(() => setTick((n) => n + 1), ms);
    return () => clearInterval(t);
  }, [refresh]);
  const key = `${search.get('range')}|${search.get('from')}|${search.get('to')}|${tick}`;
  // The range depends on the clock only through the tick and the URL.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const range = useMemo(() => resolveRange(search, Date.now()), [key]);
  return { ...range, tick };
}
