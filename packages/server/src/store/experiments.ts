import type { Dimension, Filter } from '../query/contract.ts';
import type { ProjectId } from './project.ts';

// What a comparison of groups of calls (prompt versions, variants, models...) reads from the store
// (query/experiments/): per group, the sufficient statistics of each per-call figure (count, mean,
// sample variance), computed in SQL over every call, and a bounded, deterministic sample of the
// calls' latencies for the rank and quantile statistics. Model calls only (generations and
// embeddings), the judge's own calls left out unless a filter names their feature.

export const MAX_EXPERIMENT_GROUPS = 10;
// Latencies kept per group at most: the calls with the smallest hash of their span id, the same
// calls every time the same data is read.
export const EXPERIMENT_SAMPLE_CAP = 20_000;
// Trace ids of each group's newest calls, newest first.
export const EXPERIMENT_TRACE_SAMPLES = 5;
// Score names per comparison at most, the most frequent first.
export const MAX_EXPERIMENT_SCORE_NAMES = 20;

export interface ExperimentQuery {
  fromMs: number; // inclusive, on the call's start
  toMs: number; // exclusive
  // The dimension that names a group; a call without a value for it is in no group.
  by: Dimension;
  // Only calls meeting every filter (the feature, usually).
  filters: Filter[];
  // The groups to read; null: the `limit` groups with the most calls (ties by value), with
  // `include` first when given, whatever its calls.
  values: string[] | null;
  include?: string;
  limit: number; // ≤ MAX_EXPERIMENT_GROUPS
  sampleCap: number; // ≤ EXPERIMENT_SAMPLE_CAP
}

// n values, their mean and sample variance (n − 1 in the denominator); mean null when n = 0,
// variance null when n < 2.
export interface Moments {
  n: number;
  mean: number | null;
  variance: number | null;
}

export interface ExperimentScoreStats extends Moments {
  name: string;
}

export interface ExperimentGroupStats {
  value: string;
  calls: number;
  errors: number; // calls with status error
  firstMs: number; // the group's first and last call in the range
  lastMs: number;
  // Per call: the cost in USD (calls with a known cost only), the prompt tokens (uncached input,
  // cache reads and writes) and the output tokens (output and reasoning).
  costUsd: Moments;
  inputTokens: Moments;
  outputTokens: Moments;
  // Call durations in ms, ascending: every call's when `latencyComplete`, else `sampleCap` of them.
  latencySample: number[];
  latencyComplete: boolean;
  // The numeric scores on the traces that have a call in the group, per score name (by name).
  scores: ExperimentScoreStats[];
  sampleTraceIds: string[];
  // By prompt version: how many prompts' calls the group holds, and two of their names (the
  // first and last by name); null by any other dimension.
  promptNames: { count: number; examples: string[] } | null;
}

// Whether the groups are prompt versions, whose numbers mean something only within one prompt.
export function groupsArePromptVersions(by: Dimension): boolean {
  return by === 'prompt_version' || by === 'metadata.lookout.prompt.version';
}

// A group of more latencies than the cap is first cut by a hash threshold, then exactly to the
// cap: the cap calls of smallest hash, without sorting every call of the range. The fraction let
// through puts the expected count m SAMPLE_MARGIN standard deviations (at most √m) above the cap:
// m = cap + SAMPLE_MARGIN × √m, plus a little. Should fewer than the cap pass (about one chance in
// 10^9), the group is read again without the threshold.
export const SAMPLE_MARGIN = 6;
export function sampleFraction(n: number, cap: number): number {
  if (n <= cap) return 1;
  const root = (SAMPLE_MARGIN + Math.sqrt(SAMPLE_MARGIN ** 2 + 4 * cap)) / 2;
  return Math.min(1, (root * root + 16) / n);
}

// The groups read when none are named: `include` first, then the most called, `limit` in all.
export function withIncluded(top: string[], q: Pick<ExperimentQuery, 'include' | 'limit'>): string[] {
  if (q.include === undefined) return top;
  return [q.include, ...top.filter((v) => v !== q.include)].slice(0, Math.max(1, q.limit));
}

export interface ExperimentReads {
  // Groups in the order of `values` when given (those without calls left out), else by calls,
  // most first.
  experimentGroups(project: ProjectId, q: ExperimentQuery): Promise<ExperimentGroupStats[]>;
}

// A row of the backends' reads, as their clients return it.
type StatsRow = Record<string, unknown>;

// A mean over no values and a variance over fewer than two are null, whatever the engine returned
// for them (NULL, NaN, inf).
function moments(n: unknown, mean: unknown, variance: unknown): Moments {
  const count = Number(n ?? 0);
  const finite = (v: unknown) => (v === null || v === undefined || !Number.isFinite(Number(v)) ? null : Number(v));
  return { n: count, mean: count > 0 ? finite(mean) : null, variance: count > 1 ? finite(variance) : null };
}

// The three reads' rows as one group each, in the order of `values`.
export function assemble(values: string[], figures: StatsRow[], latencies: StatsRow[], scores: StatsRow[]): ExperimentGroupStats[] {
  const byValue = new Map(figures.map((r) => [String(r.g), r]));
  const latencyOf = new Map(latencies.map((r) => [String(r.g), r]));
  const out: ExperimentGroupStats[] = [];
  for (const value of values) {
    const r = byValue.get(value);
    if (r === undefined || Number(r.calls) === 0) continue;
    const lat = latencyOf.get(value);
    const sample = Array.isArray(lat?.sample) ? (lat.sample as unknown[]).map(Number) : [];
    // The calls with a latency, counted over every call by the figures' read.
    const latencyCount = Number(r.lat_n ?? 0);
    out.push({
      value,
      calls: Number(r.calls),
      errors: Number(r.errors),
      firstMs: Number(r.first_ms),
      lastMs: Number(r.last_ms),
      costUsd: moments(r.cost_n, r.cost_mean, r.cost_var),
      inputTokens: moments(r.calls, r.in_mean, r.in_var),
      outputTokens: moments(r.calls, r.out_mean, r.out_var),
      latencySample: sample,
      latencyComplete: sample.length === latencyCount,
      scores: scores
        .filter((x) => String(x.g) === value)
        .map((x) => ({ name: String(x.name), ...moments(x.n, x.mean, x.variance) }))
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
      sampleTraceIds: Array.isArray(r.samples) ? (r.samples as unknown[]).map(String) : [],
      promptNames:
        r.prompt_n === undefined || r.prompt_n === null
          ? null
          : { count: Number(r.prompt_n), examples: [...new Set([r.prompt_min, r.prompt_max].filter((x) => x !== null && x !== undefined).map(String))] },
    });
  }
  return out;
}
