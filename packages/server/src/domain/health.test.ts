import { describe, expect, it } from 'vitest';
import { HEALTH_WEIGHTS, healthComponents, healthScore, medianCostPerRequest } from './health.ts';

const context = { latencyTargetMs: 2_000, medianCostPerRequestUsd: 0.01 };
const healthy = { requests: 100, errors: 0, latencyP95Ms: 1_500, costPerRequestUsd: 0.008, scoreAvg: 1 };

describe('health score', () => {
  it('is 100 for a group that meets every target', () => {
    expect(healthScore(healthy, context)).toEqual({ score: 100, components: { quality: 100, latency: 100, errors: 100, cost: 100 } });
  });

  it('scores each component as documented', () => {
    expect(healthComponents({ requests: 100, errors: 5, latencyP95Ms: 4_000, costPerRequestUsd: 0.04, scoreAvg: 0.62 }, context)).toEqual({
      quality: 62, // 100 × 0.62
      latency: 50, // twice the target
      errors: 50, // 5% of the 10% that scores 0
      cost: 25, // four times the median
    });
    // Past 10% errors the component stays at 0; a score above 1 counts as 1.
    expect(healthComponents({ ...healthy, errors: 30, scoreAvg: 1.5 }, context)).toMatchObject({ errors: 0, quality: 100 });
  });

  it('is the weighted mean of the components', () => {
    // 0.4 × 62 + 0.25 × 50 + 0.2 × 50 + 0.15 × 25 = 24.8 + 12.5 + 10 + 3.75 = 51.05
    expect(healthScore({ requests: 100, errors: 5, latencyP95Ms: 4_000, costPerRequestUsd: 0.04, scoreAvg: 0.62 }, context).score).toBe(51);
    expect(Object.values(HEALTH_WEIGHTS).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it('reweights the components a group has when others are missing', () => {
    // No scores and no known cost: (0.25 × 50 + 0.2 × 50) / 0.45 = 50.
    const partial = healthScore({ requests: 100, errors: 5, latencyP95Ms: 4_000, costPerRequestUsd: null, scoreAvg: null }, context);
    expect(partial).toEqual({ score: 50, components: { quality: null, latency: 50, errors: 50, cost: null } });
    // Only quality: the score is the quality.
    expect(healthScore({ requests: 0, errors: 0, latencyP95Ms: null, costPerRequestUsd: null, scoreAvg: 0.3 }, context).score).toBe(30);
    // Nothing known: no health rather than a made-up one.
    expect(healthScore({ requests: 0, errors: 0, latencyP95Ms: null, costPerRequestUsd: null, scoreAvg: null }, context).score).toBeNull();
    // Without a project median the cost component is left out.
    expect(healthComponents(healthy, { ...context, medianCostPerRequestUsd: null }).cost).toBeNull();
  });
});

describe('medianCostPerRequest', () => {
  it('is the median of the known, positive costs', () => {
    expect(medianCostPerRequest([0.03, null, 0.01, 0.02])).toBe(0.02);
    expect(medianCostPerRequest([0.04, 0.01, 0.02, 0.03])).toBe(0.025);
    expect(medianCostPerRequest([null, 0])).toBeNull();
  });
});
