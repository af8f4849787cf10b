import type { MetricPointRecord } from '../domain/metric.ts';

// One series of a metric over a time range, from its stored points.
//  - delta temporality: the points' counts, sums and buckets are added up over the range;
//  - cumulative: each point holds totals since the exporter started, so the latest point
//    (per start time, summed over restarts) is the total;
//  - gauges: the latest value.
export interface MetricSeries {
  attributes: Record<string, string>;
  service: string | null;
  kind: string;
  temporality: string;
  points: number;
  value: number | null; // sums and gauges
  count: number | null; // histograms
  sum: number | null;
  avg: number | null;
  min: number | null;
  max: number | null;
  bounds: number[];
  bucketCounts: number[];
}

function addInto(target: number[], more: number[]): number[] {
  const out = target.length >= more.length ? [...target] : [...more];
  for (let i = 0; i < Math.min(target.length, more.length); i++) out[i] = target[i] + more[i];
  return out;
}

export function summarizeSeries(points: MetricPointRecord[]): MetricSeries[] {
  const bySeries = new Map<string, MetricPointRecord[]>();
  for (const p of points) {
    const key = JSON.stringify([p.service, Object.entries(p.attributes).sort()]);
    const list = bySeries.get(key) ?? [];
    list.push(p);
    bySeries.set(key, list);
  }
  const out: MetricSeries[] = [];
  for (const list of bySeries.values()) {
    const first = list[0];
    // What counts: every point of a delta series; the latest point of each run (start time) of a
    // cumulative series; the latest point of a gauge.
    let counted: MetricPointRecord[];
    if (first.kind === 'gauge') counted = [list[list.length - 1]];
    else if (first.temporality === 'cumulative') {
      const latestPerRun = new Map<number | null, MetricPointRecord>();
      for (const p of list) latestPerRun.set(p.startUs, p);
      counted = [...latestPerRun.values()];
    } else counted = list;
    const series: MetricSeries = {
      attributes: first.attributes,
      service: first.service,
      kind: first.kind,
      temporality: first.temporality,
      points: list.length,
      value: null,
      count: null,
      sum: null,
      avg: null,
      min: null,
      max: null,
      bounds: first.bounds,
      bucketCounts: [],
    };
    for (const p of counted) {
      if (p.value !== null) series.value = (series.value ?? 0) + p.value;
      if (p.count !== null) series.count = (series.count ?? 0) + p.count;
      if (p.sum !== null) series.sum = (series.sum ?? 0) + p.sum;
      if (p.min !== null) series.min = series.min === null ? p.min : Math.min(series.min, p.min);
      if (p.max !== null) series.max = series.max === null ? p.max : Math.max(series.max, p.max);
      if (p.bucketCounts.length) series.bucketCounts = addInto(series.bucketCounts, p.bucketCounts);
    }
    if (series.count && series.sum !== null) series.avg = series.sum / series.count;
    out.push(series);
  }
  return out;
}
