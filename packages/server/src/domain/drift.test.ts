import { describe, expect, it } from 'vitest';
import {
  addDriftCounts,
  documentsAverage,
  emptyDriftCounts,
  histogramQuantile,
  meanTopScore,
  populationStabilityIndex,
  SCORE_BINS,
  scoreBin,
  truncationRate,
} from './drift.ts';

describe('populationStabilityIndex', () => {
  it('is the hand-worked value on two bins, with half a count of smoothing per occupied bin', () => {
    // recent [10, 0] → shares (10.5/11, 0.5/11) = (0.954545…, 0.045454…);
    // baseline [5, 5] → (5.5/11, 5.5/11) = (0.5, 0.5).
    // PSI = 0.454545·ln(1.909091) + (−0.454545)·ln(0.090909)
    //     = 0.454545·0.646627 + 0.454545·2.397895 = 0.293921 + 1.089952 = 1.383874
    expect(populationStabilityIndex([10, 0], [5, 5])).toBeCloseTo(1.383874, 6);
  });

  it('reads a score drop over ten bins as a significant shift, and noise as none', () => {
    const baseline = new Array<number>(10).fill(100);
    // Half the mass moved to the lower bins: shares 0.2,0.2,0.2,0.1,0.1,0.1,0.05,0.05,0,0 against 0.1 each.
    expect(populationStabilityIndex([200, 200, 200, 100, 100, 100, 50, 50, 0, 0], baseline)).toBeCloseTo(1.330026, 5);
    expect(populationStabilityIndex([101, 99, 100, 100, 100, 100, 100, 100, 100, 100], baseline)).toBeCloseTo(0.0000198, 6);
    expect(populationStabilityIndex(baseline, baseline)).toBe(0);
  });

  it('is symmetric for equal sample counts and null without samples on either side', () => {
    expect(populationStabilityIndex([3, 7], [6, 4])).toBeCloseTo(populationStabilityIndex([6, 4], [3, 7])!, 12);
    expect(populationStabilityIndex([0, 0], [5, 5])).toBeNull();
    expect(populationStabilityIndex([5, 5], [0, 0])).toBeNull();
    expect(() => populationStabilityIndex([1], [1, 2])).toThrow(RangeError);
  });

  it('leaves out bins empty on both sides, so a small window is not shifted by smoothing alone', () => {
    expect(populationStabilityIndex([10, 0, 0, 0], [5, 5, 0, 0])).toBeCloseTo(1.383874, 6);
    // An hour's 50 retrievals with the shares of a day's 1,000: no shift. Smoothing the eight
    // empty bins too would read about 0.2 here.
    const hour = [0, 0, 0, 0, 0, 0, 0, 0, 30, 20];
    const day = [0, 0, 0, 0, 0, 0, 0, 0, 600, 400];
    expect(populationStabilityIndex(hour, day)).toBeLessThan(0.001);
  });

  it('does not grow with the sample count: the same shares give nearly the same value', () => {
    const small = populationStabilityIndex([80, 20], [50, 50])!;
    const large = populationStabilityIndex([80_000, 20_000], [50_000, 50_000])!;
    expect(Math.abs(small - large)).toBeLessThan(0.01);
  });
});

describe('bins and statistics', () => {
  it('bins top scores in tenths, the edges clamped; the same expression as the stores’ SQL', () => {
    expect([0, 0.05, 0.1, 0.3, 0.7, 0.99, 1, 1.7, -0.2].map(scoreBin)).toEqual([0, 0, 1, 3, 7, 9, 9, 9, 0]);
    expect(SCORE_BINS).toBe(10);
  });

  it('interpolates quantiles within a bin', () => {
    const bins = new Array<number>(10).fill(0);
    bins[5] = 10;
    expect(histogramQuantile(bins, 0.5)).toBeCloseTo(0.55, 12); // target 5 of 10 in [0.5, 0.6)
    const ends = new Array<number>(10).fill(0);
    ends[0] = 10;
    ends[9] = 10;
    expect(histogramQuantile(ends, 0.1)).toBeCloseTo(0.02, 12); // target 2 of the 10 in [0, 0.1)
    expect(histogramQuantile(ends, 0.9)).toBeCloseTo(0.98, 12);
    expect(histogramQuantile(new Array<number>(10).fill(0), 0.5)).toBeNull();
  });

  it('adds counts and derives the rates', () => {
    const a = emptyDriftCounts();
    a.retrievals = 2;
    a.scoreBins[8] = 2;
    a.scoreSum = 1.7;
    a.withDocuments = 2;
    a.documents = 9;
    a.embeddings = 4;
    a.truncated = 1;
    const total = emptyDriftCounts();
    addDriftCounts(total, a);
    addDriftCounts(total, a);
    expect(total).toMatchObject({ retrievals: 4, scoreSum: 3.4, withDocuments: 4, documents: 18, embeddings: 8, truncated: 2 });
    expect(total.scoreBins[8]).toBe(4);
    expect(meanTopScore(total)).toBeCloseTo(0.85, 12);
    expect(documentsAverage(total)).toBe(4.5);
    expect(truncationRate(total)).toBe(0.25);
    expect([meanTopScore(emptyDriftCounts()), documentsAverage(emptyDriftCounts()), truncationRate(emptyDriftCounts())]).toEqual([null, null, null]);
  });
});
