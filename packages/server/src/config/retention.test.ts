import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

describe('retention configuration', () => {
  it('has the default tiers and reads day counts from the environment', () => {
    expect(loadConfig({ env: {} }).retention).toEqual({ contentDays: 7, spansDays: 30, rollupsDays: 400, intervalMs: 3_600_000, archive: { enabled: false, dir: null } });
    const c = loadConfig({ env: { LOOKOUT_RETENTION_CONTENT: '2', LOOKOUT_RETENTION_SPANS: '14', LOOKOUT_RETENTION_ROLLUPS: '90' } });
    expect(c.retention).toMatchObject({ contentDays: 2, spansDays: 14, rollupsDays: 90 });
  });

  it('names a bad tier and where it came from', () => {
    expect(() => loadConfig({ env: { LOOKOUT_RETENTION_CONTENT: '0' } })).toThrow(/retention\.contentDays: must be at least 1 day \(from environment variable LOOKOUT_RETENTION_CONTENT\)/);
    expect(() => loadConfig({ env: { LOOKOUT_RETENTION_SPANS: '1.5' } })).toThrow(/retention\.spansDays: must be a whole number of days/);
    expect(() => loadConfig({ env: { LOOKOUT_RETENTION_ROLLUPS: 'forever' } })).toThrow(/retention\.rollupsDays: must be a whole number of days/);
    expect(() => loadConfig({ env: {}, flags: { 'retention.intervalMs': 1000 } })).toThrow(/retention\.intervalMs: must be at least 60000/);
  });

  it('keeps content ≤ spans ≤ rollups', () => {
    expect(() => loadConfig({ env: { LOOKOUT_RETENTION_CONTENT: '40' } })).toThrow(/retention\.contentDays: must not exceed spansDays \(30\)/);
    expect(() => loadConfig({ env: { LOOKOUT_RETENTION_SPANS: '500' } })).toThrow(/retention\.spansDays: must not exceed rollupsDays \(400\)/);
    expect(loadConfig({ env: { LOOKOUT_RETENTION_CONTENT: '30', LOOKOUT_RETENTION_SPANS: '30', LOOKOUT_RETENTION_ROLLUPS: '30' } }).retention).toMatchObject({ contentDays: 30, spansDays: 30, rollupsDays: 30 });
  });
});
