import { describe, expect, it } from 'vitest';
import type { Moments } from '../../store/experiments.ts';
import { fisherExact, holm, meanInterval, quantileInterval, quantileSorted, quantileTest, twoProportionTest, welchTest, wilsonInterval } from './stats.ts';

// The statistics against published values. Where a number comes from is said beside it; "scipy"
// means scipy.stats 1.17 computing the same test on the same data, independently of this code.

function moments(values: number[]): Moments {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1);
  return { n, mean, variance };
}

// Student's sleep data (Cushny and Peebles 1905), R's `sleep` data set: extra hours of sleep
// under two drugs.
const SLEEP_1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
const SLEEP_2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];

describe('means', () => {
  it("Welch's t-test gives R's t.test(extra ~ group, data = sleep): t = -1.8608, df = 17.776, p = 0.07939", () => {
    // R prints the difference group 1 − group 2; here the difference is the second argument's
    // minus the first's, so the signs are R's turned round: CI (-0.2054832, 3.3654832).
    const r = welchTest(moments(SLEEP_1), moments(SLEEP_2))!;
    expect(r.test).toBe('welch_t');
    expect(r.statistic).toBeCloseTo(1.860813, 5);
    expect(r.df).toBeCloseTo(17.776474, 5);
    expect(r.pValue).toBeCloseTo(0.0793941, 6);
    expect(r.difference).toBeCloseTo(1.58, 10);
    expect(r.interval.low).toBeCloseTo(-0.2054832, 6);
    expect(r.interval.high).toBeCloseTo(3.3654832, 6);
  });

  it("the mean's t interval gives R's t.test(sleep$extra[1:10])$conf.int: (-0.5297804, 2.0297804)", () => {
    const ci = meanInterval(moments(SLEEP_1))!;
    expect(ci.low).toBeCloseTo(-0.5297804, 6);
    expect(ci.high).toBeCloseTo(2.0297804, 6);
  });

  it('needs two values on each side, and reads two constant groups as exactly their difference', () => {
    expect(welchTest({ n: 1, mean: 1, variance: null }, moments(SLEEP_2))).toBeNull();
    expect(meanInterval({ n: 1, mean: 1, variance: null })).toBeNull();
    expect(welchTest({ n: 5, mean: 2, variance: 0 }, { n: 5, mean: 3, variance: 0 })).toMatchObject({ pValue: 0, constant: true });
    expect(welchTest(moments(SLEEP_1), moments(SLEEP_2))!.constant).toBe(false);
    expect(welchTest({ n: 5, mean: 2, variance: 0 }, { n: 5, mean: 2, variance: 0 })!.pValue).toBe(1);
  });
});

describe('proportions', () => {
  it('Wilson intervals match Newcombe (1998, Statistics in Medicine 17:857, Table I, method 3)', () => {
    const cases: [number, number, number, number][] = [
      [81, 263, 0.2553, 0.3662],
      [15, 148, 0.0624, 0.1605],
      [0, 20, 0, 0.1611],
      [1, 29, 0.0061, 0.1718],
    ];
    for (const [k, n, low, high] of cases) {
      const ci = wilsonInterval(k, n)!;
      expect(ci.low).toBeCloseTo(low, 4);
      expect(ci.high).toBeCloseTo(high, 4);
    }
  });

  it("Fisher's exact test gives R's fisher.test on the tea-tasting table (p = 0.4857) and scipy's docs table [[6, 2], [1, 4]] (p = 0.1026)", () => {
    expect(fisherExact(3, 1, 1, 3)).toBeCloseTo(0.4857143, 6);
    expect(fisherExact(6, 2, 1, 4)).toBeCloseTo(0.1025641, 6);
  });

  it('the two-proportion z-test is the uncorrected chi-squared test: 15/100 against 30/100 gives X² = 6.4516, p = 0.011085 (scipy chi2_contingency, correction=False)', () => {
    const r = twoProportionTest(15, 100, 30, 100)!;
    expect(r.test).toBe('two_proportion_z');
    expect(r.statistic ** 2).toBeCloseTo(6.451613, 5);
    expect(r.statistic).toBeGreaterThan(0); // the second is larger
    expect(r.pValue).toBeCloseTo(0.0110852, 6);
  });

  it("turns to Fisher's exact test when a cell's expected count is below 5", () => {
    const r = twoProportionTest(3, 4, 1, 4)!;
    expect(r.test).toBe('fisher_exact');
    expect(r.pValue).toBeCloseTo(0.4857143, 6);
  });
});

describe('ranks and quantiles', () => {
  // R's ?wilcox.test example (Hollander and Wolfe 1973, p. 69): permeability constants.
  const X = [0.8, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46].sort((a, b) => a - b);
  const Y = [1.15, 0.88, 0.9, 0.74, 1.21].sort((a, b) => a - b);

  it("the median test at 0.5 gives scipy's median_test(g1, g2, correction=False) on the example of its documentation: grand median 34, table [[5, 10], [11, 5]], X² = 3.888455, p = 0.048619", () => {
    const g1 = [10, 14, 14, 18, 20, 22, 24, 25, 31, 31, 32, 39, 43, 43, 48, 49];
    const g2 = [28, 30, 31, 33, 34, 35, 36, 40, 44, 55, 57, 61, 91, 92, 99];
    const r = quantileTest(g1, g2, 0.5)!;
    expect(r.test).toBe('quantile_exceedance_z');
    expect(r.statistic ** 2).toBeCloseTo(3.888454861, 6);
    expect(r.statistic).toBeGreaterThan(0); // more of g2 above the grand median
    expect(r.pValue).toBeCloseTo(0.0486191342, 6);
    // scipy's median_test(g1, g3, correction=False): grand median 31, X² = 1.500487, p = 0.220597.
    const g3 = [0, 3, 9, 22, 23, 25, 25, 33, 34, 34, 40, 45, 46, 48, 62, 67, 84];
    const r3 = quantileTest(g1, g3, 0.5)!;
    expect(r3.statistic ** 2).toBeCloseTo(1.500486592, 6);
    expect(r3.pValue).toBeCloseTo(0.220596507, 6);
  });

  it('the median test compares medians, not ranks: a faster median with a slow tail reads faster at p50', () => {
    // y: 120 calls of 560-579 ms and 80 of 2,000 ms and more; x: 500-699 ms. y's median (576) is
    // below x's (599.5), yet y's values are larger in 61% of the pairs, so a rank test reads y as
    // slower (scipy mannwhitneyu(y, x): U = 24,400 of 40,000, p = 0.00014). The median test
    // (scipy median_test(x, y, correction=False)): table [[120, 80], [80, 120]], X² = 16, p = 6.334e-5.
    const x = Array.from({ length: 200 }, (_, i) => 500 + i);
    const y = [...Array.from({ length: 120 }, (_, i) => 560 + (i % 20)), ...Array.from({ length: 80 }, (_, i) => 2000 + i)].sort((a, b) => a - b);
    let larger = 0;
    for (const a of y) for (const b of x) larger += a > b ? 1 : a === b ? 0.5 : 0;
    expect(larger).toBe(24_400);
    const r = quantileTest(x, y, 0.5)!;
    expect(quantileSorted(y, 0.5)).toBe(576);
    expect(r.statistic).toBeCloseTo(-4, 9); // z = −√16: fewer of y's calls above the grand median
    expect(r.pValue).toBeCloseTo(6.334248e-5, 9);
  });

  it('quantiles interpolate as R type 7 and DuckDB quantile_cont', () => {
    expect(quantileSorted([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantileSorted([10, 20, 30, 40, 50], 0.95)).toBeCloseTo(48, 10);
    expect(quantileSorted([], 0.5)).toBeNull();
  });

  it("the median's order-statistic interval of 20 values is X(6) to X(15) (Conover, Practical Nonparametric Statistics, Table A3: r = 6, s = 15)", () => {
    const values = Array.from({ length: 20 }, (_, i) => (i + 1) * 10);
    expect(quantileInterval(values, 0.5)).toEqual({ low: 60, high: 150 });
    // p95 of 20 values: no upper end (X(21) does not exist). It takes 72 values for one:
    // 1 − 0.95^72 = 0.9751 ≥ 0.975, while 1 − 0.95^71 = 0.9738.
    expect(quantileInterval(values, 0.95)!.high).toBeNull();
    const ranks = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
    expect(quantileInterval(ranks(71), 0.95)!.high).toBeNull();
    expect(quantileInterval(ranks(72), 0.95)!.high).toBe(72);
  });

  it("the quantile test finds a slower group's p95 and not an equal one's", () => {
    const base = Array.from({ length: 400 }, (_, i) => 100 + (i % 100));
    const same = Array.from({ length: 400 }, (_, i) => 100 + ((i * 7) % 100)).sort((a, b) => a - b);
    const slowTail = base.map((v, i) => (i % 10 === 0 ? v + 500 : v)).sort((a, b) => a - b);
    const sorted = [...base].sort((a, b) => a - b);
    expect(quantileTest(sorted, same, 0.95)!.pValue).toBeGreaterThan(0.5);
    expect(quantileTest(sorted, slowTail, 0.95)!.pValue).toBeLessThan(0.001);
  });
});

describe('multiple comparisons', () => {
  it("Holm's adjustment gives R's p.adjust(c(0.01, 0.04, 0.03, 0.005), 'holm') = 0.03 0.06 0.06 0.02", () => {
    const adjusted = holm([0.01, 0.04, 0.03, 0.005]);
    [0.03, 0.06, 0.06, 0.02].forEach((v, i) => expect(adjusted[i]).toBeCloseTo(v, 12));
    expect(holm([])).toEqual([]);
    expect(holm([0.9, 0.8])).toEqual([1, 1]);
  });
});
