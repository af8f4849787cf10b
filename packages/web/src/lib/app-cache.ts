import { DAY_MS } from '../../../server/src/domain/time.ts';

// The overview's application cache tile. Its lookups are read from the spans (each span's
// metadata: no hourly totals hold them), so a long range would scan every span in it on each
// load; the tile reads at most the last APP_CACHE_TILE_DAYS of the page's range, and says so.
export const APP_CACHE_TILE_DAYS = 7;

export interface AppCacheRange {
  from: string;
  to: string;
  clipped: boolean; // the page's range is longer: only its last APP_CACHE_TILE_DAYS are read
}

export function appCacheRange(range: { fromMs: number; toMs: number; from: string; to: string }): AppCacheRange {
  const fromMs = range.toMs - APP_CACHE_TILE_DAYS * DAY_MS;
  if (fromMs <= range.fromMs) return { from: range.from, to: range.to, clipped: false };
  return { from: new Date(fromMs).toISOString(), to: new Date(range.toMs).toISOString(), clipped: true };
}
