// A metric data point received over OTLP (A4), e.g. gen_ai.client.token.usage or
// gen_ai.client.operation.duration histograms from an instrumentation's meter.

export const METRIC_KINDS = ['sum', 'gauge', 'histogram'] as const;
export type MetricKind = (typeof METRIC_KINDS)[number];
export type MetricTemporality = 'unspecified' | 'delta' | 'cumulative';

export interface MetricPointRecord {
  projectId: string;
  id: string; // derived from series and timestamps: a re-sent point is the same point
  name: string;
  unit: string;
  kind: MetricKind;
  temporality: MetricTemporality;
  attributes: Record<string, string>;
  service: string | null;
  startUs: number | null;
  timeUs: number;
  value: number | null; // sums and gauges
  count: number | null; // histograms
  sum: number | null;
  min: number | null;
  max: number | null;
  bucketCounts: number[];
  bounds: number[];
}
