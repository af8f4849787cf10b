import { describe, expect, it } from 'vitest';
import { averageSeries, healthTone, overallHealth } from './health.ts';

describe('health on the pages', () => {
  it('weighs each group by its calls and names the worst', () => {
    expect(overallHealth([
      { key: 'chat', health: 90, requests: 300 },
      { key: 'search', health: 50, requests: 100 },
      { key: 'idle', health: null, requests: 5 },
    ])).toEqual({ score: 80, worst: { key: 'search', health: 50 } });
    expect(overallHealth([{ key: null, health: null, requests: 3 }])).toEqual({ score: null, worst: null });
  });

  it('gives a tone by threshold', () => {
    expect([healthTone(null), healthTone(49), healthTone(50), healthTone(79), healthTone(80)]).toEqual([undefined, 'bad', 'warn', 'warn', 'good']);
  });
});

describe('averageSeries', () => {
  it('leaves a gap where a group has no value, never a 0', () => {
    const rows = [
      { bucket: '2026-06-01T00:00:00.000Z', feature: 'chat', score_avg: 0.9 },
      { bucket: '2026-06-01T01:00:00.000Z', feature: 'chat', score_avg: 0.7 },
      { bucket: '2026-06-01T01:00:00.000Z', feature: null, score_avg: 0.5 },
    ];
    expect(averageSeries(rows, 'feature', 'score_avg')).toEqual({
      times: [Date.UTC(2026, 5, 1, 0), Date.UTC(2026, 5, 1, 1)],
      series: [
        { label: 'chat', values: [0.9, 0.7] },
        { label: '(none)', values: [null, 0.5] },
      ],
    });
  });
});
