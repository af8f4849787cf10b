// `lookout demo` — realistic LLM traffic, generated from a seed and sent through the real
// native ingest API, so that dashboards, reports and alerts have something true to show.
//
// The traffic is shaped after seeds 000 and 004: agent/chain traces with retrieval, embedding,
// generation and tool spans; several models from two providers plus one the price catalog does
// not know; 20 users in 4 teams and 3 departments using 5 features; cached prompt tokens,
// reasoning tokens, streaming with time to first token; summarize's own summary cache, looked up
// (a `cache.get` span, hit or miss) before any model call; errors of every class at a few percent;
// user and evaluator scores; a few logs; a daily cycle; a cost spike (a runaway agent in the last
// hours) and a quality dip (the seed 004 war story: truncated embeddings, bad retrieval) on
// another day; a few PII leaks and prompt-injection attempts for the security pipeline; and a
// nightly job nobody waits on (no user, no session, one hour of the night) that moved to a cheaper
// model halfway through, so that the cost recommendations have a batch job, an oversized prompt
// and a recommendation already applied to find.
//
// Unless turned off, an "incident now" fills the last minutes before the anchor, so that the
// default alert rules (which look at windows ending now) have something to find the moment the
// demo ends: a runaway agent on the most expensive model, a slow and failing model, calls of the
// unknown model, a drop in answer quality and a free-tier user over their daily budget.
//
// Everything but the ids depends only on the seed and the window, so one seed always shows the
// same story. Ids also depend on the moment the run is anchored at: running the demo twice adds
// fresh traffic instead of half-colliding with the first run.
//
// The folder: model.ts (the cast and catalogue), calls.ts and features.ts (what calls and traces
// look like), traffic.ts (the background and its story), nightly.ts (the scheduled job), scenarios.ts (the incident's scenarios,
// each once), incident.ts and live.ts (how much of them before the anchor, and after it with
// --live), client.ts and send.ts (how the records reach the server), summary.ts (what is printed),
// command.ts (the CLI options).

export { DemoError } from './client.ts';
export { demoLiveSlice, type DemoLiveSlice, type DemoLiveSliceOptions } from './live.ts';
export { DEMO_APPLICATION, DEMO_ENVIRONMENT, DEMO_FEATURES, DEMO_MODELS, NIGHTLY_FEATURE } from './model.ts';
export { Prng } from './prng.ts';
export { DEMO_BATCH_ITEMS, runDemo, runDemoLive, type DemoLiveOptions, type DemoLiveRuntime, type DemoLiveSliceReport } from './send.ts';
export { DEMO_INCIDENT_ALERTS, describeDemoLiveSummary, describeDemoSummary } from './summary.ts';
export { DEMO_LIVE_FIRING_AFTER_MS, DEMO_LIVE_INTERVAL_MS, DEMO_LIVE_MAX_MS, parseDemoLiveDuration } from './timing.ts';
export { DEMO_DEFAULTS, DEMO_LIMITS, demoScenario, generateDemoTraffic, type DemoTraffic } from './traffic.ts';
export type * from './types.ts';
