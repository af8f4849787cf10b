// D5: retrieval and embedding drift. The counts the rollups, the store and the API keep per time
// bucket, and the statistics over them. Pure: the web UI uses the same functions.
//
// Top retrieval scores are kept as a histogram of SCORE_BINS fixed bins over [0, 1] (similarity
// scores; a value outside is counted in the nearest edge bin), so cells of any two buckets,
// features or nodes merge by adding, and a drift statistic over any window costs SCORE_BINS steps.
//
// The drift statistic is the Population Stability Index of the recent histogram against a
// baseline histogram: PSI = Σ (r_i − b_i) · ln(r_i / b_i) over the bins' shares. PSI rather than
// Kolmogorov–Smirnov because (1) it is computed from the fixed-bin histograms the rollups keep,
// exactly, where KS needs the raw values for its usual meaning; (2) it weighs every bin, so a
// part of the traffic whose scores fall into the low bins (the wrong documents for some queries)
// moves it, where KS's largest CDF gap stays small when only a tail shifts; (3) its value does
// not grow with the sample count, so one threshold serves a feature with 50 retrievals an hour
// and one with 50,000, and the usual reading (below 0.1 stable, 0.1–0.25 a moderate shift, above
// 0.25 a significant shift) is widely known. Small samples are noisy: rules set minSamples.

export const SCORE_BINS = 10;

// The usual reading of a PSI: below PSI_MODERATE stable, up to PSI_SIGNIFICANT a moderate shift,
// above it a significant one (the default RetrievalDrift rule's threshold).
export const PSI_MODERATE = 0.1;
export const PSI_SIGNIFICANT = 0.25;

// Half a count added to every bin that either histogram has samples in, before taking shares
// (Jeffreys smoothing): an empty bin would make ln(r/b) infinite, and a floor such as 1e-4 lets a
// single retrieval in a bin the baseline never saw read as a significant shift. Bins empty on both
// sides are left out: smoothing them would move a small window's shares (an hour's 50 retrievals)
// far more than a large baseline's (a day's thousands), a shift that is not in the data.
export const PSI_SMOOTHING_COUNT = 0.5;

export interface DriftCounts {
  retrievals: number; // retrieval spans
  scoreBins: number[]; // their top scores, SCORE_BINS bins over [0, 1]
  scoreSum: number; // of the top scores as binned (clamped to [0, 1])
  withDocuments: number; // retrieval spans that reported how many documents they returned
  documents: number; // the documents those returned, summed
  embeddings: number; // embedding spans whose truncation is known
  truncated: number; // of those, truncated to the model's input limit
}

export function emptyDriftCounts(): DriftCounts {
  return { retrievals: 0, scoreBins: new Array<number>(SCORE_BINS).fill(0), scoreSum: 0, withDocuments: 0, documents: 0, embeddings: 0, truncated: 0 };
}

export function addDriftCounts(into: DriftCounts, other: DriftCounts): void {
  into.retrievals += other.retrievals;
  for (let i = 0; i < SCORE_BINS; i++) into.scoreBins[i] += other.scoreBins[i] ?? 0;
  into.scoreSum += other.scoreSum;
  into.withDocuments += other.withDocuments;
  into.documents += other.documents;
  into.embeddings += other.embeddings;
  into.truncated += other.truncated;
}

export function clampScore(score: number): number {
  return Math.min(1, Math.max(0, score));
}

// The bin of a top score: [i/SCORE_BINS, (i+1)/SCORE_BINS), the last bin closed at 1. Both stores
// compute the same expression in SQL (least(greatest(floor(s * 10), 0), 9)).
export function scoreBin(score: number): number {
  return Math.min(SCORE_BINS - 1, Math.max(0, Math.floor(score * SCORE_BINS)));
}

export function scoredCount(c: DriftCounts): number {
  let n = 0;
  for (const v of c.scoreBins) n += v;
  return n;
}

// PSI of `recent` against `baseline` (two histograms of the same bins); null when either is empty.
export function populationStabilityIndex(recent: readonly number[], baseline: readonly number[]): number | null {
  if (recent.length !== baseline.length || recent.length === 0) throw new RangeError('the histograms must have the same, non-zero number of bins');
  const nr = recent.reduce((a, v) => a + v, 0);
  const nb = baseline.reduce((a, v) => a + v, 0);
  if (nr <= 0 || nb <= 0) return null;
  let occupied = 0;
  for (let i = 0; i < recent.length; i++) if (recent[i] > 0 || baseline[i] > 0) occupied++;
  const dr = nr + PSI_SMOOTHING_COUNT * occupied;
  const db = nb + PSI_SMOOTHING_COUNT * occupied;
  let psi = 0;
  for (let i = 0; i < recent.length; i++) {
    if (recent[i] <= 0 && baseline[i] <= 0) continue;
    const r = (recent[i] + PSI_SMOOTHING_COUNT) / dr;
    const b = (baseline[i] + PSI_SMOOTHING_COUNT) / db;
    psi += (r - b) * Math.log(r / b);
  }
  return psi;
}

// The q-quantile (0..1) of a histogram over [0, 1], interpolated linearly within its bin; null
// when empty. Accurate to half a bin width.
export function histogramQuantile(bins: readonly number[], q: number): number | null {
  const n = bins.reduce((a, v) => a + v, 0);
  if (n <= 0) return null;
  const target = Math.min(Math.max(q, 0), 1) * n;
  let seen = 0;
  for (let i = 0; i < bins.length; i++) {
    const c = bins[i];
    if (c > 0 && seen + c >= target) return (i + (target - seen) / c) / bins.length;
    seen += c;
  }
  return 1;
}

export function truncationRate(c: DriftCounts): number | null {
  return c.embeddings > 0 ? c.truncated / c.embeddings : null;
}

export function documentsAverage(c: DriftCounts): number | null {
  return c.withDocuments > 0 ? c.documents / c.withDocuments : null;
}

export function meanTopScore(c: DriftCounts): number | null {
  const n = scoredCount(c);
  return n > 0 ? c.scoreSum / n : null;
}
