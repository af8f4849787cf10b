// The decoded, transport-neutral form of OTLP metrics: one record per data point, flattened out
// of ResourceMetrics > ScopeMetrics > Metric. Timestamps are nanoseconds as decimal strings, as
// in types.ts.
import type { Attributes, OtlpResource, OtlpScope } from './types.ts';

export type OtlpMetricKind = 'sum' | 'gauge' | 'histogram';
export type OtlpAggregationTemporality = 'unspecified' | 'delta' | 'cumulative';

export interface OtlpHistogramValue {
  count: number;
  sum: number | null; // optional in OTLP; absent when measurements can be negative
  min: number | null;
  max: number | null;
  // bucketCounts[i] counts values in (explicitBounds[i-1], explicitBounds[i]]; the last bucket
  // is everything above the last bound. Either both are empty or there is one more count than bounds.
  bucketCounts: number[];
  explicitBounds: number[];
}

export interface OtlpMetricPoint {
  name: string;
  description: string;
  unit: string;
  kind: OtlpMetricKind;
  temporality: OtlpAggregationTemporality; // 'unspecified' for gauges
  monotonic: boolean; // sums only; false otherwise
  attributes: Attributes;
  startTimeUnixNano: string; // '0' when the sender did not set it
  timeUnixNano: string;
  value: number | null; // sums and gauges (int points above 2^53 lose precision)
  histogram: OtlpHistogramValue | null; // histograms
  resource: OtlpResource;
  scope: OtlpScope;
}
