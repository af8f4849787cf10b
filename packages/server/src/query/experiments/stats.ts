import binomialCdf from '@stdlib/stats-base-dists-binomial-cdf';
import hypergeometricPmf from '@stdlib/stats-base-dists-hypergeometric-pmf';
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import tCdf from '@stdlib/stats-base-dists-t-cdf';
import tQuantile from '@stdlib/stats-base-dists-t-quantile';
import type { Moments } from '../../store/experiments.ts';

// The statistics of a comparison (docs/prompts.md#comparing-versions-the-statistics): intervals
// for one group's figure and tests of two groups' difference. The distribution functions are
// @stdlib's; what is written here is the textbook formulas over them. Two-sided throughout.

export interface Interval {
  low: number | null; // null: the data bound no end on this side
  high: number | null;
}

export interface TestResult {
  test: TestName;
  pValue: number;
  statistic: number;
}

// mann_whitney_u is no longer produced (p50 is tested by the median test); kept in the answer's
// vocabulary for its readers.
export type TestName = 'welch_t' | 'mann_whitney_u' | 'quantile_exceedance_z' | 'quantile_exceedance_fisher' | 'two_proportion_z' | 'fisher_exact';

const clampP = (p: number) => (Number.isFinite(p) ? Math.min(1, Math.max(0, p)) : 1);
const zOf = (level: number) => normalQuantile(1 - (1 - level) / 2, 0, 1);

// The t interval of a mean: mean ± t(n − 1) × s / √n. Null below two values.
export function meanInterval(m: Moments, level = 0.95): Interval | null {
  if (m.mean === null || m.variance === null || m.n < 2) return null;
  const half = tQuantile(1 - (1 - level) / 2, m.n - 1) * Math.sqrt(m.variance / m.n);
  return { low: m.mean - half, high: m.mean + half };
}

export interface WelchResult extends TestResult {
  df: number;
  // Both groups constant (no spread): the difference is not estimated but read off.
  constant: boolean;
  difference: number; // b − a
  interval: Interval; // of the difference
}

// Welch's t-test of two means with unequal variances (Welch 1947; R's t.test default): t is the
// difference over √(s²a/na + s²b/nb), its degrees of freedom the Welch–Satterthwaite
// approximation. Null below two values on either side.
export function welchTest(a: Moments, b: Moments, level = 0.95): WelchResult | null {
  if (a.mean === null || b.mean === null || a.variance === null || b.variance === null || a.n < 2 || b.n < 2) return null;
  const va = a.variance / a.n;
  const vb = b.variance / b.n;
  const difference = b.mean - a.mean;
  const se = Math.sqrt(va + vb);
  if (se === 0) {
    // Both groups constant: the difference is exactly what it is (the statistic is its sign).
    return { test: 'welch_t', statistic: Math.sign(difference), df: a.n + b.n - 2, pValue: difference === 0 ? 1 : 0, difference, interval: { low: difference, high: difference }, constant: true };
  }
  const t = difference / se;
  const df = (va + vb) ** 2 / (va ** 2 / (a.n - 1) + vb ** 2 / (b.n - 1));
  const pValue = clampP(2 * tCdf(-Math.abs(t), df));
  const half = tQuantile(1 - (1 - level) / 2, df) * se;
  return { test: 'welch_t', statistic: t, df, pValue, difference, interval: { low: difference - half, high: difference + half }, constant: false };
}

// The Wilson score interval of a proportion k / n (Wilson 1927; R's prop.test without continuity
// correction): good near 0 and 1 where the normal interval is not.
export function wilsonInterval(k: number, n: number, level = 0.95): Interval | null {
  if (n <= 0) return null;
  const z = zOf(level);
  const p = k / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  // At 0 and at n the interval ends exactly at 0 and 1 (the formula gives them up to rounding).
  return { low: k <= 0 ? 0 : Math.max(0, centre - half), high: k >= n ? 1 : Math.min(1, centre + half) };
}

// Fisher's exact test of a 2×2 table [[a, b], [c, d]], two-sided as R's fisher.test: the
// probability, given the margins, of every table at most as likely as the one observed.
export function fisherExact(a: number, b: number, c: number, d: number): number {
  const n = a + b + c + d;
  const row = a + b;
  const col = a + c;
  const lo = Math.max(0, col - (n - row));
  const hi = Math.min(row, col);
  const observed = hypergeometricPmf(a, n, col, row);
  // Relative tolerance for ties in floating point, as R (1 + 1e-7).
  const bound = observed * (1 + 1e-7);
  let p = 0;
  for (let x = lo; x <= hi; x++) {
    const px = hypergeometricPmf(x, n, col, row);
    if (px <= bound) p += px;
  }
  return clampP(p);
}

// Below this expected count in any cell of the 2×2 table, the normal approximation is not
// trusted and Fisher's exact test answers instead (Cochran's rule).
export const MIN_EXPECTED_COUNT = 5;

// Two proportions k1/n1 and k2/n2: the pooled two-proportion z-test (R's prop.test without
// continuity correction: X² = z²), or Fisher's exact test when a cell's expected count is below
// MIN_EXPECTED_COUNT. The statistic is z (positive when the second is larger), or for Fisher the
// difference of the proportions.
export function twoProportionTest(k1: number, n1: number, k2: number, n2: number): TestResult | null {
  if (n1 <= 0 || n2 <= 0) return null;
  const n = n1 + n2;
  const k = k1 + k2;
  const expected = [(n1 * k) / n, (n1 * (n - k)) / n, (n2 * k) / n, (n2 * (n - k)) / n];
  const difference = k2 / n2 - k1 / n1;
  if (Math.min(...expected) < MIN_EXPECTED_COUNT) {
    return { test: 'fisher_exact', statistic: difference, pValue: fisherExact(k1, n1 - k1, k2, n2 - k2) };
  }
  const pooled = k / n;
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  const z = difference / se;
  return { test: 'two_proportion_z', statistic: z, pValue: clampP(2 * normalCdf(-Math.abs(z), 0, 1)) };
}

// The q-quantile of ascending values as DuckDB's quantile_cont and R's type 7: the value at rank
// (n − 1) × q, interpolated linearly.
export function quantileSorted(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const rank = (sorted.length - 1) * q;
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  const d = rank - lo;
  return d === 0 ? sorted[lo] : sorted[lo] * (1 - d) + sorted[hi] * d;
}

// A distribution-free interval of the q-quantile from order statistics (Conover, Practical
// Nonparametric Statistics, 3.2): the number of values below the true quantile is Binomial(n, q),
// so [X(l), X(u)] (1-based ranks) covers it with probability P(l ≤ B ≤ u − 1) ≥ level, where l is
// the largest rank with P(B ≤ l − 1) ≤ α/2 and u the smallest with P(B ≤ u − 1) ≥ 1 − α/2. An end
// the sample is too small to reach is null (p95's upper end below 72 values).
export function quantileInterval(sorted: readonly number[], q: number, level = 0.95): Interval | null {
  const n = sorted.length;
  if (n === 0) return null;
  const alpha = (1 - level) / 2;
  const cdf = (k: number) => (k < 0 ? 0 : binomialCdf(k, n, q));
  // Largest l in [1, n] with cdf(l − 1) ≤ α/2 (cdf is increasing in l); 0 when none.
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (cdf(mid - 1) <= alpha) lo = mid;
    else hi = mid - 1;
  }
  const l = lo;
  // Smallest u in [1, n] with cdf(u − 1) ≥ 1 − α/2; n + 1 when none.
  lo = 1;
  hi = n + 1;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (cdf(mid - 1) >= 1 - alpha) hi = mid;
    else lo = mid + 1;
  }
  const u = lo;
  return { low: l >= 1 ? sorted[l - 1] : null, high: u <= n ? sorted[u - 1] : null };
}

// Whether two groups' q-quantiles differ: the share of each group's values above the pooled
// q-quantile, compared as two proportions (at q = 0.5 Mood's median test, as scipy's
// median_test(x, y, ties='below', correction=False); Conover 4.3, generalised to any quantile).
// Distribution-free; the statistic is that of the two-proportion test (positive when more of y's
// values are above the cut).
export function quantileTest(x: readonly number[], y: readonly number[], q: number): TestResult | null {
  if (x.length === 0 || y.length === 0) return null;
  const pooled = mergeSorted(x, y);
  const cut = quantileSorted(pooled, q)!;
  const above = (s: readonly number[]) => s.length - upperBound(s, cut);
  const r = twoProportionTest(above(x), x.length, above(y), y.length);
  if (r === null) return null;
  return { ...r, test: r.test === 'fisher_exact' ? 'quantile_exceedance_fisher' : 'quantile_exceedance_z' };
}

// Holm's step-down adjustment (Holm 1979; R's p.adjust(method = "holm")): the i-th smallest of m
// p-values times (m − i + 1), made non-decreasing, at most 1. Controls the chance of any false
// "significant" among the m at the level, whatever their dependence.
export function holm(pValues: readonly number[]): number[] {
  const m = pValues.length;
  const order = pValues.map((p, i) => [p, i] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const adjusted = new Array<number>(m);
  let running = 0;
  order.forEach(([p, i], k) => {
    running = Math.max(running, Math.min(1, (m - k) * p));
    adjusted[i] = running;
  });
  return adjusted;
}

function mergeSorted(a: readonly number[], b: readonly number[]): number[] {
  const out = new Array<number>(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = a[i] <= b[j] ? a[i++] : b[j++];
  while (i < a.length) out[k++] = a[i++];
  while (j < b.length) out[k++] = b[j++];
  return out;
}

// The index of the first value above `v` in ascending values.
function upperBound(sorted: readonly number[], v: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
