import { HOUR_MS } from '../../../server/src/domain/time.ts';

// The period a range is compared with: the one of the same length that ends where it starts.
// Asked of the same analytics query with the shifted range, so both figures are computed alike.

export interface PreviousPeriod {
  from: string;
  to: string;
  // How a tile names the period: the preset ("24h") or the length of a custom range ("36 h").
  what: string;
}

export function previousPeriod(range: { label: string; fromMs: number; toMs: number }): PreviousPeriod {
  const spanMs = range.toMs - range.fromMs;
  return {
    from: new Date(range.fromMs - spanMs).toISOString(),
    to: new Date(range.fromMs).toISOString(),
    what: range.label === 'custom' ? `${Math.round(spanMs / HOUR_MS)} h` : range.label,
  };
}

// A change below half a per cent reads as flat: the tile's percentage shows one decimal.
const FLAT_BELOW = 0.005;

export type PeriodChange =
  | { kind: 'unknown' } // either figure missing (loading, or no priced call to divide by)
  | { kind: 'from-zero'; now: number } // nothing in the previous period: no percentage to give
  | { kind: 'change'; ratio: number; dir: 'up' | 'down' | 'flat' };

export function periodChange(now: number | null, before: number | null): PeriodChange {
  if (now === null || before === null) return { kind: 'unknown' };
  if (before === 0) return { kind: 'from-zero', now };
  const ratio = (now - before) / before;
  return { kind: 'change', ratio, dir: Math.abs(ratio) < FLAT_BELOW ? 'flat' : ratio > 0 ? 'up' : 'down' };
}
