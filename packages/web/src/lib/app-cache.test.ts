import { describe, expect, it } from 'vitest';
import { APP_CACHE_TILE_DAYS, appCacheRange } from './app-cache.ts';

describe('appCacheRange', () => {
  const toMs = Date.parse('2026-03-31T00:00:00Z');
  const range = (days: number) => ({ fromMs: toMs - days * 86_400_000, toMs, from: `now-${days}d`, to: 'now' });

  it("is the page's range when it is no longer than the tile reads", () => {
    expect(appCacheRange(range(1))).toEqual({ from: 'now-1d', to: 'now', clipped: false });
    expect(appCacheRange(range(APP_CACHE_TILE_DAYS))).toEqual({ from: `now-${APP_CACHE_TILE_DAYS}d`, to: 'now', clipped: false });
  });

  it('is the last days of a longer range, marked as clipped', () => {
    expect(APP_CACHE_TILE_DAYS).toBe(7);
    expect(appCacheRange(range(30))).toEqual({ from: '2026-03-24T00:00:00.000Z', to: '2026-03-31T00:00:00.000Z', clipped: true });
  });
});
