import type { MetricPointRecord } from '../domain/metric.ts';
import type { ProjectId } from './project.ts';

export interface MetricNameSummary {
  name: string;
  unit: string;
  kind: string;
  series: number;
  points: number;
  lastSeen: string;
}

export interface MetricPointStore {
  // OTLP metric points (A4): committed directly (their volume is a few points per series per
  // export interval); a re-sent point is a duplicate.
  writeMetricPoints(points: MetricPointRecord[]): Promise<{ accepted: number; duplicates: number }>;
  listMetricNames(project: ProjectId, range: { fromMs: number; toMs: number }): Promise<MetricNameSummary[]>;
  // Points of one metric in the range, oldest first, at most `limit`.
  metricPoints(project: ProjectId, name: string, range: { fromMs: number; toMs: number }, limit: number): Promise<MetricPointRecord[]>;
}
