// A mergeable quantile sketch with relative accuracy: a value v > 0 falls into bucket
// ceil(log_gamma(v)); every value of a bucket is within SKETCH_RELATIVE_ACCURACY of the bucket's
// representative value, so any quantile read from merged buckets is too, over any window.
// (The log-bucket idea of DDSketch.) Values at or below SKETCH_MIN_VALUE (0 ms latencies, 0 scores)
// share one bucket whose representative is 0.
//
// The store computes the same index in SQL when the rollups are rebuilt at start (sketchIndexSql).

export const SKETCH_RELATIVE_ACCURACY = 0.02;
export const SKETCH_GAMMA = (1 + SKETCH_RELATIVE_ACCURACY) / (1 - SKETCH_RELATIVE_ACCURACY);
export const SKETCH_MIN_VALUE = 1e-6;
export const SKETCH_ZERO_INDEX = -1_000_000;
const LN_GAMMA = Math.log(SKETCH_GAMMA);

export function sketchIndex(value: number): number {
  if (!(value > SKETCH_MIN_VALUE)) return SKETCH_ZERO_INDEX;
  return Math.ceil(Math.log(value) / LN_GAMMA);
}

// The SQL expression of sketchIndex over a numeric column (DuckDB: ln, ceil).
export function sketchIndexSql(column: string): string {
  return `CASE WHEN ${column} > ${SKETCH_MIN_VALUE} THEN CAST(ceil(ln(${column}) / ${LN_GAMMA}) AS INTEGER) ELSE ${SKETCH_ZERO_INDEX} END`;
}

export function sketchValue(index: number): number {
  if (index === SKETCH_ZERO_INDEX) return 0;
  return (2 * SKETCH_GAMMA ** index) / (SKETCH_GAMMA + 1);
}

export class Sketch {
  // bucket index -> count; small per minute, at most a few hundred buckets in all.
  readonly buckets = new Map<number, number>();
  count = 0;
  sum = 0;

  add(value: number, n = 1): void {
    const i = sketchIndex(value);
    this.buckets.set(i, (this.buckets.get(i) ?? 0) + n);
    this.count += n;
    this.sum += value * n;
  }

  addBucket(index: number, n: number, sum: number): void {
    this.buckets.set(index, (this.buckets.get(index) ?? 0) + n);
    this.count += n;
    this.sum += sum;
  }

  merge(other: Sketch): void {
    for (const [i, n] of other.buckets) this.buckets.set(i, (this.buckets.get(i) ?? 0) + n);
    this.count += other.count;
    this.sum += other.sum;
  }

  mean(): number | null {
    return this.count ? this.sum / this.count : null;
  }

  // q in [0, 1]: the representative value of the bucket holding the rank q × (count - 1).
  quantile(q: number): number | null {
    if (!this.count) return null;
    const rank = q * (this.count - 1);
    const indexes = [...this.buckets.keys()].sort((a, b) => a - b);
    let seen = 0;
    for (const i of indexes) {
      seen += this.buckets.get(i)!;
      if (seen > rank) return sketchValue(i);
    }
    return sketchValue(indexes[indexes.length - 1]);
  }
}
