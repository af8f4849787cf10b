// D4: one health score per feature or application, 0 (broken) to 100 (healthy), from four
// components each scored 0..100:
//
//   quality  = 100 × mean numeric score on the group's traces (scores are 0..1)
//   latency  = 100 when p95 ≤ target, else 100 × target / p95        (twice the target: 50)
//   errors   = 100 × max(0, 1 − error rate / 10%)                     (1% errors: 90; ≥ 10%: 0)
//   cost     = 100 when cost per request ≤ the project's median, else 100 × median / it
//                                                                     (twice the median: 50)
//
//   health   = Σ weight × component / Σ weight, over the components the group has
//
// Weights: quality 0.4, errors 0.25, latency 0.2, cost 0.15 — whether answers are good matters
// most, then whether they arrive at all, then how fast, then how cheaply. A component a group
// lacks (no scores, no known cost, no calls) is left out and the others are reweighted in
// proportion, so a group without scores is judged on latency, errors and cost alone; with no
// component at all the health is null, never a made-up 100. The project's median is the median of
// its groups' cost per request (in the same answer), so cost efficiency says "dearer than what is
// usual here", not "expensive" in absolute terms. Pure: no I/O.

export const HEALTH_WEIGHTS = { quality: 0.4, errors: 0.25, latency: 0.2, cost: 0.15 } as const;
export type HealthComponent = keyof typeof HEALTH_WEIGHTS;
export const HEALTH_COMPONENTS = Object.keys(HEALTH_WEIGHTS) as HealthComponent[];

// The error rate at which the errors component reaches 0.
export const HEALTH_MAX_ERROR_RATE = 0.1;
// p95 target when none is given: LLM calls of a few seconds are usual, ten is slow.
export const DEFAULT_LATENCY_TARGET_MS = 10_000;

export interface HealthFacts {
  requests: number;
  errors: number;
  latencyP95Ms: number | null;
  costPerRequestUsd: number | null;
  scoreAvg: number | null; // 0..1
}

export interface HealthScore {
  score: number | null; // 0..100, rounded to an integer
  components: Record<HealthComponent, number | null>; // 0..100, one decimal
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
const round1 = (v: number) => Math.round(v * 10) / 10;

export function healthComponents(f: HealthFacts, context: { latencyTargetMs: number; medianCostPerRequestUsd: number | null }): Record<HealthComponent, number | null> {
  const quality = f.scoreAvg === null ? null : 100 * clamp(f.scoreAvg, 0, 1);
  const latency = f.latencyP95Ms === null || context.latencyTargetMs <= 0 ? null : f.latencyP95Ms <= context.latencyTargetMs ? 100 : (100 * context.latencyTargetMs) / f.latencyP95Ms;
  const errors = f.requests > 0 ? 100 * Math.max(0, 1 - f.errors / f.requests / HEALTH_MAX_ERROR_RATE) : null;
  const median = context.medianCostPerRequestUsd;
  const cost = f.costPerRequestUsd === null || median === null || median <= 0 ? null : f.costPerRequestUsd <= median ? 100 : (100 * median) / f.costPerRequestUsd;
  const out = { quality, latency, errors, cost };
  for (const k of HEALTH_COMPONENTS) if (out[k] !== null) out[k] = round1(out[k]);
  return out;
}

// The weighted mean of the components present, reweighted over them; null when none is.
export function healthScore(f: HealthFacts, context: { latencyTargetMs: number; medianCostPerRequestUsd: number | null }): HealthScore {
  const components = healthComponents(f, context);
  let sum = 0;
  let weights = 0;
  for (const k of HEALTH_COMPONENTS) {
    const v = components[k];
    if (v === null) continue;
    sum += HEALTH_WEIGHTS[k] * v;
    weights += HEALTH_WEIGHTS[k];
  }
  return { score: weights === 0 ? null : Math.round(sum / weights), components };
}

// The median of the known, positive costs per request (null when there is none).
export function medianCostPerRequest(costs: readonly (number | null)[]): number | null {
  const known = costs.filter((c): c is number => c !== null && Number.isFinite(c) && c > 0).sort((a, b) => a - b);
  if (known.length === 0) return null;
  const mid = known.length >> 1;
  return known.length % 2 ? known[mid] : (known[mid - 1] + known[mid]) / 2;
}
