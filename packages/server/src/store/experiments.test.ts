import { describe, expect, it } from 'vitest';
import { SAMPLE_MARGIN, sampleFraction } from './experiments.ts';

// The hash threshold that cuts a large group's latencies before the exact cut to the cap.

describe('sampleFraction', () => {
  it('reads a group of at most the cap whole', () => {
    expect(sampleFraction(0, 20_000)).toBe(1);
    expect(sampleFraction(20_000, 20_000)).toBe(1);
    // Just over the cap, the margin still covers the whole group.
    expect(sampleFraction(20_800, 20_000)).toBe(1);
  });

  it('lets through the cap and at least SAMPLE_MARGIN standard deviations more, so a second read is all but never needed', () => {
    for (const [n, cap] of [[1_000_000, 20_000], [50_000_000, 20_000], [200, 10], [200, 50]]) {
      const f = sampleFraction(n, cap);
      expect(f).toBeLessThan(1);
      // The count passing is Binomial(n, f): its mean must stand SAMPLE_MARGIN σ above the cap.
      const mean = n * f;
      const sd = Math.sqrt(n * f * (1 - f));
      expect((mean - cap) / sd).toBeGreaterThanOrEqual(SAMPLE_MARGIN);
      // And not much more than that: the point is to sort about the cap, not the group.
      expect(mean).toBeLessThan(cap + (SAMPLE_MARGIN + 1) * Math.sqrt(cap) + SAMPLE_MARGIN ** 2 + 17);
    }
  });
});
