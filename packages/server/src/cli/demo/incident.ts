import type { IngestItemInput } from '../../ingest/api/schema.ts';
import type { TraceContext } from './calls.ts';
import { DEMO_MODELS, type User } from './model.ts';
import { mixSeed, Prng } from './prng.ts';
import {
  degradedModelTurn,
  FREE_TIER_DAILY_LIMIT_USD,
  generationsOf,
  lowQualityScore,
  OVER_BUDGET_USER,
  overBudgetSummary,
  QUALITY_SCORE_NAME,
  qualityDropAnswer,
  runawayAgent,
  RUNAWAY_USER,
  searchTurn,
  spreadMs,
  unknownModelTicket,
  type IncidentStream,
  type RunawayDose,
} from './scenarios.ts';
import { DAY_MS, MINUTE_MS } from './timing.ts';
import type { DemoIncident } from './types.ts';

// The "incident now": every scenario at once in the last minutes before the demo's anchor, enough
// of each for the default alert rules (which look at windows ending now) to find it.

// The default rule pack's shortest windows are 5 minutes long and end at the moment of
// evaluation, so the incident's calls start 4 to 1 minutes before the anchor.
const INCIDENT_LEAD_MS = 4 * MINUTE_MS;
const INCIDENT_TAIL_MS = MINUTE_MS;
// Keeps the incident's random stream apart from the background's: with or without the incident,
// a seed gives the same background traffic.
const INCIDENT_STREAM = 0x1dc1de;
// 14 agents x 4 steps of ~165k prompt tokens on Opus: ~$140, over the pack's $100 a day alone.
const RUNAWAY_AGENTS = 14;
const RUNAWAY_START_SPREAD_MS = 40_000;
const RUNAWAY_DOSE: RunawayDose = {
  firstStep: 1,
  steps: 4,
  finishes: true,
  promptTokens: { median: 165_000, min: 140_000, max: 190_000 },
  maxOutputTokens: 3_000,
  context: 'repository snapshot (all files)',
  wrapUpMs: 4,
};
// 40 calls in 3 minutes (the pack wants 10 in 5), every 5th failing: 20% against its 5%.
const DEGRADED_CALLS = 40;
const UNKNOWN_MODEL_TRACES = 12;
// LowQualityScore wants at least 20 scores in the hour; the hour's average is brought below 0.4,
// under its critical 0.5, however many good scores the background put there.
const QUALITY_MIN_SCORES = 24;
const QUALITY_TARGET_AVERAGE = 0.4;
const QUALITY_MAX_TRACES = 2_000;
const QUALITY_SCORE_DELAY_MS = [2_000, 20_000] as const;
// ~7 x $0.29 on Sonnet, over the free tier's $1 a day.
const OVER_BUDGET_CALLS = 7;
// RetrievalDrift wants at least 50 scored retrievals of a feature in the hour: with the quality
// drop's doc-search turns (24 or more) and the background's, these make it whatever the hour.
const DRIFTING_RETRIEVALS = 40;

export interface IncidentInput {
  seed: number;
  nowMs: number;
  users: User[];
  ids: Prng;
  // The background's scores of the quality rule's score name in the hour before the anchor.
  hourScores: { count: number; sum: number };
}

// Nearest-rank percentile of a list of durations.
function percentileMs(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

// Adds the incident's traces to `traces` and says what they hold.
export function addIncident(input: IncidentInput, traces: { t0: number; items: IngestItemInput[] }[]): DemoIncident {
  const { nowMs, users, ids } = input;
  const rng = new Prng(mixSeed(input.seed >>> 0, INCIDENT_STREAM));
  const stream: IncidentStream = { rng, ids, users };
  const fromMs = nowMs - INCIDENT_LEAD_MS;
  const toMs = nowMs - INCIDENT_TAIL_MS;
  let calls = 0;
  const keep = (t: TraceContext, t0: number) => {
    calls += t.generations;
    traces.push({ t0, items: t.items });
    return generationsOf(t);
  };

  let runawayCalls = 0;
  let runawayInput = 0;
  let runawayOutput = 0;
  for (let i = 0; i < RUNAWAY_AGENTS; i++) {
    const t0 = spreadMs(rng, i, RUNAWAY_AGENTS, fromMs, fromMs + RUNAWAY_START_SPREAD_MS);
    for (const g of keep(runawayAgent(stream, t0, RUNAWAY_DOSE).trace, t0)) {
      runawayCalls++;
      runawayInput += Number(g.usage?.input ?? 0);
      runawayOutput += Number(g.usage?.output ?? 0);
    }
  }

  const degradedMs: number[] = [];
  let failed = 0;
  for (let i = 0; i < DEGRADED_CALLS; i++) {
    const t0 = spreadMs(rng, i, DEGRADED_CALLS, fromMs, toMs);
    for (const g of keep(degradedModelTurn(stream, t0, i).trace, t0)) {
      degradedMs.push(Number(g.durationMs));
      if (g.status === 'error') failed++;
    }
  }

  let unknownCalls = 0;
  for (let i = 0; i < UNKNOWN_MODEL_TRACES; i++) {
    const t0 = spreadMs(rng, i, UNKNOWN_MODEL_TRACES, fromMs, toMs);
    unknownCalls += keep(unknownModelTicket(stream, t0).trace, t0).filter((g) => g.model === DEMO_MODELS.unknown.model).length;
  }

  // Enough low scores to pull the hour's average under the target, at least QUALITY_MIN_SCORES.
  const low: number[] = [];
  let lowSum = 0;
  const hour = input.hourScores;
  while (low.length < QUALITY_MAX_TRACES && (low.length < QUALITY_MIN_SCORES || (hour.sum + lowSum) / (hour.count + low.length) >= QUALITY_TARGET_AVERAGE)) {
    const v = lowQualityScore(rng);
    low.push(v);
    lowSum += v;
  }
  for (const [i, value] of low.entries()) {
    const t0 = spreadMs(rng, i, low.length, fromMs, toMs);
    keep(qualityDropAnswer(stream, t0, () => value, { scoreDelayMs: QUALITY_SCORE_DELAY_MS, latestMs: nowMs - 1_000 }).trace, t0);
  }

  let drifting = 0;
  for (let i = 0; i < DRIFTING_RETRIEVALS; i++) {
    const t0 = spreadMs(rng, i, DRIFTING_RETRIEVALS, fromMs, toMs);
    keep(searchTurn(stream, t0, true).trace, t0);
    drifting++;
  }

  // Spend today only counts against today's budget: near midnight the calls start after it.
  const dayStartMs = Math.floor(nowMs / DAY_MS) * DAY_MS;
  const budgetFromMs = dayStartMs < toMs ? Math.max(fromMs, dayStartMs) : fromMs;
  let budgetInput = 0;
  let budgetOutput = 0;
  let budgetCalls = 0;
  for (let i = 0; i < OVER_BUDGET_CALLS; i++) {
    const t0 = spreadMs(rng, i, OVER_BUDGET_CALLS, budgetFromMs, toMs);
    for (const g of keep(overBudgetSummary(stream, t0).trace, t0)) {
      budgetCalls++;
      budgetInput += Number(g.usage?.input ?? 0);
      budgetOutput += Number(g.usage?.output ?? 0);
    }
  }

  const runaway = users.find((u) => u.id === RUNAWAY_USER)!;
  const overBudget = users.find((u) => u.id === OVER_BUDGET_USER)!;
  const total = hour.count + low.length;
  return {
    fromMs,
    toMs,
    calls,
    runawayAgent: {
      provider: DEMO_MODELS.opus.provider,
      model: DEMO_MODELS.opus.model,
      feature: 'code-review',
      user: runaway.id,
      team: runaway.team.team,
      traces: RUNAWAY_AGENTS,
      calls: runawayCalls,
      inputTokens: runawayInput,
      outputTokens: runawayOutput,
    },
    degradedModel: {
      provider: DEMO_MODELS.chatLarge.provider,
      model: DEMO_MODELS.chatLarge.model,
      feature: 'support-chat',
      calls: degradedMs.length,
      failed,
      p95Ms: percentileMs(degradedMs, 95),
      p99Ms: percentileMs(degradedMs, 99),
    },
    unknownModel: { provider: DEMO_MODELS.unknown.provider, model: DEMO_MODELS.unknown.model, feature: 'ticket-triage', calls: unknownCalls },
    qualityDrop: {
      feature: 'doc-search',
      scoreName: QUALITY_SCORE_NAME,
      scores: low.length,
      averageScore: Math.round((lowSum / low.length) * 1000) / 1000,
      hourScores: total,
      hourAverageScore: Math.round(((hour.sum + lowSum) / total) * 1000) / 1000,
    },
    retrievalDrift: { feature: 'doc-search', retrievals: low.length + drifting },
    overBudgetUser: {
      user: overBudget.id,
      tier: 'free',
      dailyLimitUsd: FREE_TIER_DAILY_LIMIT_USD,
      feature: 'summarize',
      provider: DEMO_MODELS.sonnet.provider,
      model: DEMO_MODELS.sonnet.model,
      calls: budgetCalls,
      inputTokens: budgetInput,
      outputTokens: budgetOutput,
    },
  };
}
