import type { IngestItemInput } from '../../ingest/api/schema.ts';
import { answerSpanId, type TraceContext } from './calls.ts';
import { addScores, FEATURE_FLOWS } from './features.ts';
import { addIncident } from './incident.ts';
import { buildUsers, DEMO_MODELS, hourWeight, TAG_POOL, type FeatureName } from './model.ts';
import { nightlyAccounts, nightlyJob } from './nightly.ts';
import { mixSeed, Prng } from './prng.ts';
import { QUALITY_SCORE_NAME, searchTurn, spreadMs } from './scenarios.ts';
import { DAY_MS, HOUR_MS, MINUTE_MS } from './timing.ts';
import type { DemoIncident, DemoScenario, DemoTrafficOptions } from './types.ts';

// The deterministic half of the demo: the background traffic over the past days (a daily cycle, a
// cost spike in the last hours and a quality dip on an earlier day), then the incident now.

export const DEMO_DEFAULTS = { days: 7, calls: 3_000, seed: 42 } as const;
export const DEMO_LIMITS = { maxDays: 90, maxCalls: 1_000_000 } as const;

const COST_SPIKE_HOURS = 6;
// Traces started in the window may run a few minutes (agent loops, timeouts): leave them room.
const END_MARGIN_MS = 15 * MINUTE_MS;
const MAX_TIME_DRAWS = 1_000;
// RetrievalDrift compares the last hour's retrievals with the 23 hours before and wants at least
// 50 on each side: a steady stream of ordinary doc-search turns over that day (counted in the
// requested calls) makes the baseline whatever the hour, the weekday or --calls.
const STEADY_SEARCH_TRACES = 72;
const STEADY_SEARCH_STREAM = 0x5ea4c4;
// The nightly job's own random stream: its nights are the same whatever the rest draws.
const NIGHTLY_STREAM = 0x2a1e7;

interface Window {
  fromMs: number;
  toMs: number;
}

function inWindow(ms: number, w: Window): boolean {
  return ms >= w.fromMs && ms < w.toMs;
}

export function demoScenario(opts: Pick<DemoTrafficOptions, 'days' | 'nowMs'>): Omit<DemoScenario, 'nightlyJob'> & { window: Window } {
  const window = { fromMs: opts.nowMs - opts.days * DAY_MS, toMs: opts.nowMs - END_MARGIN_MS };
  // The runaway agent runs in the last hours, so that recent-window cost rules see it.
  const spike = { fromMs: Math.max(window.fromMs, window.toMs - COST_SPIKE_HOURS * HOUR_MS), toMs: window.toMs };
  // The quality dip covers the UTC day two days before today (or the oldest day of a short run).
  const startOfToday = Math.floor(opts.nowMs / DAY_MS) * DAY_MS;
  let dip = { fromMs: startOfToday - 2 * DAY_MS, toMs: startOfToday - DAY_MS };
  if (dip.fromMs < window.fromMs) dip = { fromMs: window.fromMs, toMs: Math.min(window.toMs, window.fromMs + DAY_MS) };
  return {
    window,
    costSpike: { ...spike, feature: 'code-review', model: DEMO_MODELS.sonnet.model },
    qualityDip: { ...dip, feature: 'doc-search' },
    unknownModel: { provider: DEMO_MODELS.unknown.provider, model: DEMO_MODELS.unknown.model },
    incident: null,
  };
}

function drawStartTime(rng: Prng, scenario: ReturnType<typeof demoScenario>): number {
  const { window, costSpike } = scenario;
  const span = window.toMs - window.fromMs;
  const maxWeight = 2.5;
  let t = window.fromMs + rng.next() * span;
  for (let i = 0; i < MAX_TIME_DRAWS; i++) {
    let w = hourWeight(t);
    if (inWindow(t, costSpike)) w = Math.max(w, 0.6) * 1.8; // the runaway hours are busy whatever the clock says
    if (rng.next() * maxWeight < w) return t;
    t = window.fromMs + rng.next() * span;
  }
  return t;
}

export interface DemoTraffic {
  items: IngestItemInput[]; // in time order of their traces
  traces: number;
  generations: number;
  scenario: DemoScenario;
  fromMs: number;
  toMs: number;
}

// The deterministic half of the demo: the same options give the same items, byte for byte.
export function generateDemoTraffic(opts: DemoTrafficOptions): DemoTraffic {
  if (!Number.isInteger(opts.days) || opts.days < 1 || opts.days > DEMO_LIMITS.maxDays) throw new RangeError(`days must be a whole number from 1 to ${DEMO_LIMITS.maxDays}`);
  if (!Number.isInteger(opts.calls) || opts.calls < 1 || opts.calls > DEMO_LIMITS.maxCalls) throw new RangeError(`calls must be a whole number from 1 to ${DEMO_LIMITS.maxCalls}`);
  if (!Number.isInteger(opts.seed)) throw new RangeError('seed must be a whole number');
  const rng = new Prng(opts.seed);
  const ids = new Prng(mixSeed(opts.seed >>> 0, Math.floor(opts.nowMs)));
  const scenario = demoScenario(opts);
  const users = buildUsers(rng);
  const userWeights = users.map((u) => [u, u.activity] as const);
  const traces: { t0: number; items: IngestItemInput[] }[] = [];
  let generations = 0;
  const steady = { fromMs: Math.max(scenario.window.fromMs, opts.nowMs - DAY_MS + END_MARGIN_MS), toMs: Math.min(scenario.window.toMs, opts.nowMs - HOUR_MS - END_MARGIN_MS) };
  const steadyTraces = steady.fromMs < steady.toMs ? STEADY_SEARCH_TRACES : 0;
  const steadyStream = { rng: new Prng(mixSeed(opts.seed >>> 0, STEADY_SEARCH_STREAM)), ids, users };
  for (let i = 0; i < steadyTraces; i++) {
    const t0 = spreadMs(steadyStream.rng, i, steadyTraces, steady.fromMs, steady.toMs);
    const { trace } = searchTurn(steadyStream, t0, false);
    generations += trace.generations;
    traces.push({ t0, items: trace.items });
  }
  for (let n = 0; generations < opts.calls; n++) {
    const t0 = drawStartTime(rng, scenario);
    const inSpike = inWindow(t0, scenario.costSpike);
    const inDip = inWindow(t0, scenario.qualityDip);
    // During the spike the platform team's agent is what runs hot.
    const user = inSpike && rng.chance(0.3) ? rng.pick(users.filter((u) => u.team.team === 'platform')) : rng.weighted(userWeights);
    const feature: FeatureName = inSpike && user.team.team === 'platform' ? 'code-review' : rng.weighted(user.team.features);
    const sessionDay = Math.floor(t0 / DAY_MS);
    const t: TraceContext = {
      rng,
      ids,
      user,
      feature,
      sessionId: `sess_${user.id.slice(4)}_${sessionDay}_${rng.int(1, 3)}`,
      traceId: ids.hex(32),
      tags: rng.chance(0.5) ? [rng.pick(TAG_POOL)] : [],
      items: [],
      generations: 0,
      inDip,
      inSpike,
    };
    // A guaranteed PII leak and injection attempt early on (more arrive at random).
    const forced = n === 3 ? 'pii' : n === 7 ? 'injection' : null;
    const endMs = FEATURE_FLOWS[feature](t, t0, forced);
    addScores(t, endMs, answerSpanId(t));
    if (rng.chance(0.02)) {
      t.items.push({
        type: 'log',
        id: `log_${ids.hex(24)}`,
        traceId: t.traceId,
        timestamp: Math.round(endMs + 5),
        severity: 'info',
        body: `${feature} request served for ${user.team.team}`,
        attributes: { 'http.route': `/api/${feature}`, 'http.status_code': 200 },
      });
    }
    generations += t.generations;
    traces.push({ t0, items: t.items });
  }
  // The nightly job comes on top of the requested calls, as the incident does: the interactive
  // traffic is the same with or without it.
  const nightly = nightlyJob(new Prng(mixSeed(opts.seed >>> 0, NIGHTLY_STREAM)), ids, scenario.window.fromMs, scenario.window.toMs, nightlyAccounts(opts.calls));
  for (const run of nightly.runs) {
    generations += run.generations;
    traces.push({ t0: run.t0, items: run.items });
  }
  // Scores and logs may land after `now` when a trace ends at the edge; pull them back in.
  const latest = opts.nowMs - 1_000;
  let incident: DemoIncident | null = null;
  if (opts.incident !== false) {
    const hourScores = { count: 0, sum: 0 };
    for (const tr of traces) {
      for (const it of tr.items) {
        if (it.type !== 'score' || it.name !== QUALITY_SCORE_NAME || typeof it.value !== 'number') continue;
        if (Math.min(Number(it.timestamp), latest) < opts.nowMs - HOUR_MS) continue;
        hourScores.count++;
        hourScores.sum += it.value;
      }
    }
    incident = addIncident({ seed: opts.seed, nowMs: opts.nowMs, users, ids, hourScores }, traces);
    generations += incident.calls;
  }
  traces.sort((a, b) => a.t0 - b.t0);
  const items: IngestItemInput[] = [];
  for (const tr of traces) {
    for (const it of tr.items) {
      if ((it.type === 'score' || it.type === 'log') && typeof it.timestamp === 'number' && it.timestamp > latest) it.timestamp = latest;
      if ((it.type === 'generation' || it.type === 'span') && typeof it.startTime === 'number' && it.startTime > latest) it.startTime = latest;
      items.push(it);
    }
  }
  const { window, ...story } = scenario;
  return { items, traces: traces.length, generations, scenario: { ...story, nightlyJob: nightly.job, incident }, fromMs: window.fromMs, toMs: window.toMs };
}
