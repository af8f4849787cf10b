import type { Histogram, LabelValues } from 'prom-client';

// The observations of one batch of spans into a histogram whose buckets carry trace-id exemplars.
// A bucket shows only its latest exemplar and the calls of one batch are stored at the same
// moment, so only the last call of a batch per series and bucket needs one: the others are
// observed plainly, which spares prom-client's per-exemplar work (a second label hash, a label
// validation, a clock read) on all but a few spans of each batch.

// The label the exemplar's trace id is under: the name Grafana's data source is told to link.
export const EXEMPLAR_TRACE_LABEL = 'trace_id';

interface Pending<L extends string> {
  labels: LabelValues<L>;
  value: number;
  traceId: string;
}

export class ExemplarBatch<L extends string> {
  // By series key, then by bucket index (the last is +Inf).
  private readonly pending = new Map<string, (Pending<L> | undefined)[]>();
  private readonly histogram: Histogram<L>;
  private readonly bounds: readonly number[];

  constructor(histogram: Histogram<L>, bounds: readonly number[]) {
    this.histogram = histogram;
    this.bounds = bounds;
  }

  // `series` identifies `labels` (the same series always has the same key).
  observe(series: string, labels: LabelValues<L>, value: number, traceId: string): void {
    let bucket = 0;
    while (bucket < this.bounds.length && value > this.bounds[bucket]) bucket++;
    let buckets = this.pending.get(series);
    if (buckets === undefined) {
      buckets = new Array<Pending<L> | undefined>(this.bounds.length + 1);
      this.pending.set(series, buckets);
    }
    const previous = buckets[bucket];
    if (previous === undefined) {
      buckets[bucket] = { labels, value, traceId };
      return;
    }
    this.histogram.observe({ labels: previous.labels, value: previous.value });
    previous.value = value;
    previous.traceId = traceId;
  }

  flush(): void {
    for (const buckets of this.pending.values()) {
      for (const p of buckets) {
        if (p !== undefined) this.histogram.observe({ labels: p.labels, value: p.value, exemplarLabels: this.exemplarLabels(p.traceId) });
      }
    }
    this.pending.clear();
  }

  // prom-client declares exemplar labels as the metric's own label names; they are not.
  private exemplarLabels(traceId: string): LabelValues<L> {
    return { [EXEMPLAR_TRACE_LABEL]: traceId } as LabelValues<string> as LabelValues<L>;
  }
}
