import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { inSample, samplePoint } from './sampling.ts';

const traces = Array.from({ length: 4000 }, () => randomBytes(16).toString('hex'));

describe('deterministic trace sampling', () => {
  it('decides the same for the same evaluator and trace, and differently per evaluator', () => {
    const t = traces[0];
    expect(samplePoint('ev_a', t)).toBe(samplePoint('ev_a', t));
    const a = traces.map((x) => inSample('ev_a', x, 0.5));
    const b = traces.map((x) => inSample('ev_b', x, 0.5));
    expect(a.filter((v, i) => v !== b[i]).length).toBeGreaterThan(1500);
  });

  it('samples the rate asked for, within four standard deviations, and nothing at 0, everything at 1', () => {
    for (const rate of [0.01, 0.25, 0.5]) {
      const n = traces.filter((t) => inSample('ev_rate', t, rate)).length;
      const sd = Math.sqrt(traces.length * rate * (1 - rate));
      expect(Math.abs(n - traces.length * rate), `rate ${rate}: ${n}`).toBeLessThan(4 * sd);
    }
    expect(traces.filter((t) => inSample('ev_rate', t, 0)).length).toBe(0);
    expect(traces.filter((t) => inSample('ev_rate', t, 1)).length).toBe(traces.length);
  });

  it('keeps every trace sampled at a lower rate when the rate is raised', () => {
    const low = traces.filter((t) => inSample('ev_up', t, 0.1));
    for (const t of low) expect(inSample('ev_up', t, 0.3)).toBe(true);
  });

  it('maps into [0, 1) even for ids that differ in one character', () => {
    const points = Array.from({ length: 16 }, (_, i) => samplePoint('e', `${'0'.repeat(31)}${i.toString(16)}`));
    for (const p of points) expect(p >= 0 && p < 1).toBe(true);
    expect(Math.max(...points) - Math.min(...points)).toBeGreaterThan(0.5);
  });
});
