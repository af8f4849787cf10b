// What the demo reports back: the options it takes and the summaries a person (or a test) reads
// to know what was sent and where the story's events are.

export interface DemoOptions {
  url: string;
  key?: string;
  days: number;
  calls: number;
  seed: number;
  incident?: boolean; // default true
  evaluators?: boolean; // set up the demo's evaluators first (default true)
  // `--live`: the incident is kept going this long after the demo (runDemoLive); the summary says so.
  liveMs?: number;
}

export interface DemoTrafficOptions {
  days: number;
  calls: number; // generation items of the background traffic (failed calls and retries included); the nightly job's come on top
  seed: number;
  nowMs: number; // traffic ends just before this instant
  incident?: boolean; // add the "incident now" (default true); its calls come on top of `calls`
}

export type DemoItemType = 'generation' | 'span' | 'score' | 'log';

export interface DemoTypeCounts {
  sent: number;
  accepted: number;
  duplicates: number;
}

export interface DemoSummary {
  url: string;
  seed: number;
  days: number;
  fromMs: number;
  toMs: number;
  traces: number;
  generations: number;
  batches: number;
  retries: number; // batches re-sent after 429/503
  sent: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  byType: Record<DemoItemType, DemoTypeCounts>;
  scenario: DemoScenario;
  // The free-tier assignment of the incident's over-budget user; null without the incident.
  tierAssignment: DemoTierAssignment | null;
  // The heuristics and demo-judge evaluators set up before the traffic; null with --no-evaluators.
  evaluators: DemoEvaluators | null;
  elapsedMs: number;
  endedMs: number; // when the last batch was sent
  liveMs: number | null; // the --live duration that follows, if any
}

export interface DemoEvaluators {
  // unsupported: the server has no evaluators API; refused: the key may not change evaluators.
  status: 'configured' | 'unsupported' | 'refused' | 'failed';
  created: string[];
  existing: string[]; // the project had them already: left as they are
  detail: string | null;
}

export interface DemoTierAssignment {
  user: string;
  tier: 'free';
  // unsupported: the server has no budgets API; refused: the key may not change budgets.
  status: 'assigned' | 'unsupported' | 'refused' | 'failed';
  detail: string;
}

// Where the story's events are, so that a person (or a test) knows where to look.
export interface DemoScenario {
  costSpike: { fromMs: number; toMs: number; feature: string; model: string };
  qualityDip: { fromMs: number; toMs: number; feature: string };
  unknownModel: { provider: string; model: string };
  nightlyJob: DemoNightlyJob;
  incident: DemoIncident | null;
}

// The scheduled job (nightly.ts): no user, no session, nothing streamed, all at one hour of the
// night; moved to a cheaper model halfway through the days.
export interface DemoNightlyJob {
  feature: string;
  team: string;
  provider: string;
  hourUtc: number;
  nights: number;
  accounts: number; // digests a night
  calls: number; // LLM calls, on top of the requested calls
  fromModel: string;
  toModel: string;
  movedMs: number | null; // start of the first UTC day on toModel; null when every night ran on it
}

// The "incident now": everything starts in [fromMs, toMs), the last minutes before the anchor.
export interface DemoIncident {
  fromMs: number;
  toMs: number;
  calls: number; // LLM calls of the incident (generations), on top of the background traffic
  runawayAgent: { provider: string; model: string; feature: string; user: string; team: string; traces: number; calls: number; inputTokens: number; outputTokens: number };
  degradedModel: { provider: string; model: string; feature: string; calls: number; failed: number; p95Ms: number; p99Ms: number };
  unknownModel: { provider: string; model: string; feature: string; calls: number };
  qualityDrop: { feature: string; scoreName: string; scores: number; averageScore: number; hourAverageScore: number; hourScores: number };
  // Doc-search retrievals from the truncated embeddings (the quality drop's among them).
  retrievalDrift: { feature: string; retrievals: number };
  overBudgetUser: { user: string; tier: 'free'; dailyLimitUsd: number; feature: string; provider: string; model: string; calls: number; inputTokens: number; outputTokens: number };
}

export interface DemoLiveSummary {
  url: string;
  seed: number;
  durationMs: number;
  intervalMs: number;
  startedMs: number;
  endedMs: number;
  firesAtMs: number; // when the 5-minute rules are expected to fire (if the run lasts that long)
  slices: number;
  plannedSlices: number;
  interrupted: boolean;
  calls: number;
  failed: number;
  sent: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  retries: number;
  runawayInputTokens: number;
}
