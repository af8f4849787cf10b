import { useEffect, useMemo, useState } from 'react';
import { DAY_MS, HOUR_MS, MINUTE_MS, parseDuration, readInstant, tryParseDuration } from '../../server/src/domain/time.ts';
import { useSearchParams } from './router.ts';

// The time range of every page: a preset (`range=24h`) or custom (`from`, `to`), in the URL.
// Durations and times are read as the API reads them (docs/api.md, "Times and durations").

export const PRESETS = ['15m', '1h', '6h', '24h', '7d', '30d'] as const;
export const DEFAULT_RANGE = '24h';
export const REFRESH_OPTIONS = ['off', '10s', '30s', '1m'] as const;

export interface TimeRange {
  label: string;
  fromMs: number;
  toMs: number;
  // Parameters for the API.
  from: string;
  to: string;
  bucket: 'minute' | 'hour' | 'day';
}

export function bucketFor(spanMs: number): 'minute' | 'hour' | 'day' {
  if (spanMs <= 6 * HOUR_MS) return 'minute';
  if (spanMs <= 7 * DAY_MS) return 'hour';
  return 'day';
}

// The address's custom range: both times, or what is wrong with them (null: there is none).
function customRange(search: URLSearchParams, nowMs: number): { fromMs: number; toMs: number } | string | null {
  const from = search.get('from');
  const to = search.get('to');
  if (!from && !to) return null;
  if (!from || !to) return `The address has ${from ? 'from' : 'to'} without ${from ? 'to' : 'from'}`;
  const fromMs = readInstant(from, nowMs);
  if (typeof fromMs === 'string') return `The address's from: ${fromMs}`;
  const toMs = readInstant(to, nowMs);
  if (typeof toMs === 'string') return `The address's to: ${toMs}`;
  if (fromMs >= toMs) return `The range in the address ends before it starts (${from} → ${to})`;
  return { fromMs, toMs };
}

export function resolveRange(search: URLSearchParams, nowMs: number): TimeRange {
  const custom = customRange(search, nowMs);
  if (custom !== null && typeof custom !== 'string') {
    const { fromMs, toMs } = custom;
    return { label: 'custom', fromMs, toMs, from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString(), bucket: bucketFor(toMs - fromMs) };
  }
  const asked = search.get('range') ?? DEFAULT_RANGE;
  const preset = PRESETS.includes(asked as (typeof PRESETS)[number]) ? asked : DEFAULT_RANGE;
  const span = parseDuration(preset);
  // Whole minutes, so that numbers on the page and in the API agree for the same URL.
  const toMs = Math.ceil(nowMs / MINUTE_MS) * MINUTE_MS;
  const fromMs = toMs - span;
  return { label: preset, fromMs, toMs, from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString(), bucket: bucketFor(span) };
}

// What is wrong with the range in the address, if anything (the page then shows the default).
export function rangeProblem(search: URLSearchParams, nowMs = Date.now()): string | null {
  const custom = customRange(search, nowMs);
  if (custom !== null) return typeof custom === 'string' ? custom : null;
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
    const ms = tryParseDuration(refresh);
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
