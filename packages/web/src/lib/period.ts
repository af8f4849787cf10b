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

// Which way a tile's figure is better: spend, latency, errors and refusals down; health and
// scores up; calls and tokens neither (more traffic is not good or bad in itself).
export type Better = 'up' | 'down' | 'neither';

// The colour of a change: only a real move in a figure with a better direction is good or bad.
export type ChangeTone = 'better' | 'worse' | 'neutral';

export function changeTone(change: PeriodChange, better: Better): ChangeTone {
  if (change.kind !== 'change' || change.dir === 'flat' || better === 'neither') return 'neutral';
  return change.dir === better ? 'better' : 'worse';
}
