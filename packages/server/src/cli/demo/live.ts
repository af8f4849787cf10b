import type { IngestItemInput } from '../../ingest/api/schema.ts';
import type { TraceContext } from './calls.ts';
import { buildUsers, DEMO_MODELS } from './model.ts';
import { mixSeed, Prng } from './prng.ts';
import {
  degradedModelTurn,
  generationsOf,
  lowQualityScore,
  QUALITY_SCORE_NAME,
  qualityDropAnswer,
  runawayAgent,
  spreadMs,
  unknownModelTicket,
  type IncidentStream,
  type RunawayDose,
  type ScenarioTrace,
} from './scenarios.ts';
import { DEMO_LIVE_INTERVAL_MS } from './timing.ts';

// The incident, live (`lookout demo --live`).
//
// The rules over 5-minute windows (CostSpike's critical rate, HighLatency, HighLLMLatency,
// HighErrorRate) need their condition to hold for 5 minutes before they fire, longer than the
// one-off incident stays inside their window. In live mode the incident goes on in real time: a
// slice every 30 seconds, stamped with the moment it is sent. A slice's content depends only on
// the seed and its index; its ids also on the moment.

// Keeps the live slices' random stream apart from the background's and the incident's.
const LIVE_STREAM = 0x11fe5;
// The incident now ran this many steps of each runaway agent: the live agent carries on from there.
const INCIDENT_RUNAWAY_STEPS = 4;
// One step of the runaway agent on Opus with ~30k prompt tokens, about $0.5 (with the slice's
// other calls ~$0.6): two slices already pass the critical $10/hour (0.00277778 USD/s over 5
// minutes), a whole window of ten is six or more times over it.
const LIVE_RUNAWAY_DOSE: Omit<RunawayDose, 'firstStep'> = {
  steps: 1,
  finishes: false,
  promptTokens: { median: 30_000, min: 25_000, max: 36_000 },
  maxOutputTokens: 2_000,
  context: 'repository snapshot (changed files)',
  wrapUpMs: 3,
};
// Per slice, i.e. per 30 seconds: 5 support chats on the degraded model (50 in 5 minutes; the
// rules want 10), one failing (20% against 5%), timeouts and 500s in turn.
const LIVE_DEGRADED_CALLS = 5;
const LIVE_QUALITY_SCORES = 2;
const LIVE_QUALITY_SCORE_DELAY_MS = [200, 2_000] as const;
const LIVE_UNKNOWN_MODEL_TRACES = 1;
// A slice's traces have ended by the moment it is sent.
const LIVE_END_MARGIN_MS = 500;

export interface DemoLiveSliceOptions {
  seed: number;
  index: number; // 0 for the first slice
  nowMs: number; // the moment the slice is sent: its traces start in the interval before and end by then
  intervalMs?: number; // default DEMO_LIVE_INTERVAL_MS
}

export interface DemoLiveSlice {
  index: number;
  nowMs: number;
  items: IngestItemInput[];
  calls: number; // LLM calls (generations)
  failed: number; // of which failed
  degradedModel: { provider: string; model: string; calls: number; failed: number };
  runawayAgent: { provider: string; model: string; calls: number; inputTokens: number; outputTokens: number };
  qualityScores: { scoreName: string; scores: number };
}

// Moves a trace back in time so that it has ended by `limitMs`.
function endBy(t: TraceContext, endMs: number, limitMs: number): void {
  const shift = Math.max(0, Math.ceil(endMs - limitMs));
  if (shift === 0) return;
  for (const it of t.items) {
    if ((it.type === 'generation' || it.type === 'span') && typeof it.startTime === 'number') it.startTime -= shift;
    if ((it.type === 'score' || it.type === 'log') && typeof it.timestamp === 'number') it.timestamp -= shift;
  }
}

// The items of live slice `index`, sent at `nowMs`.
export function demoLiveSlice(opts: DemoLiveSliceOptions): DemoLiveSlice {
  const intervalMs = opts.intervalMs ?? DEMO_LIVE_INTERVAL_MS;
  if (!Number.isInteger(opts.seed)) throw new RangeError('seed must be a whole number');
  if (!Number.isInteger(opts.index) || opts.index < 0) throw new RangeError('index must be a whole number >= 0');
  if (!(intervalMs > 0)) throw new RangeError('intervalMs must be positive');
  const seed = opts.seed >>> 0;
  const { index, nowMs } = opts;
  const rng = new Prng(mixSeed(mixSeed(seed, LIVE_STREAM), index));
  const ids = new Prng(mixSeed(mixSeed(seed, LIVE_STREAM + index + 1), Math.floor(nowMs)));
  const stream: IncidentStream = { rng, ids, users: buildUsers(new Prng(seed)) }; // the background's cast
  const fromMs = nowMs - intervalMs;
  const limitMs = nowMs - LIVE_END_MARGIN_MS;
  const traces: { t0: number; items: IngestItemInput[] }[] = [];
  let calls = 0;
  let failed = 0;
  // Each trace ends by the limit (`endMs` is how long it may have run on) and counts for the slice.
  const keep = ({ trace: t }: ScenarioTrace, endMs: number) => {
    endBy(t, endMs, limitMs);
    const gens = generationsOf(t);
    calls += gens.length;
    failed += gens.filter((g) => g.status === 'error').length;
    const first = t.items.find((i) => i.type === 'span' && i.parentSpanId === null);
    traces.push({ t0: Number(first && first.type === 'span' ? first.startTime : nowMs), items: t.items });
    return gens;
  };

  const runaway = { provider: DEMO_MODELS.opus.provider, model: DEMO_MODELS.opus.model, calls: 0, inputTokens: 0, outputTokens: 0 };
  {
    const t0 = spreadMs(rng, 0, 2, fromMs, nowMs);
    const agent = runawayAgent(stream, t0, { ...LIVE_RUNAWAY_DOSE, firstStep: INCIDENT_RUNAWAY_STEPS + index + 1 });
    for (const g of keep(agent, agent.endMs)) {
      runaway.calls++;
      runaway.inputTokens += Number(g.usage?.input ?? 0);
      runaway.outputTokens += Number(g.usage?.output ?? 0);
    }
  }

  const degraded = { provider: DEMO_MODELS.chatLarge.provider, model: DEMO_MODELS.chatLarge.model, calls: 0, failed: 0 };
  for (let i = 0; i < LIVE_DEGRADED_CALLS; i++) {
    const t0 = spreadMs(rng, i, LIVE_DEGRADED_CALLS, fromMs, nowMs);
    const turn = degradedModelTurn(stream, t0, index * LIVE_DEGRADED_CALLS + i);
    for (const g of keep(turn, turn.endMs)) {
      degraded.calls++;
      if (g.status === 'error') degraded.failed++;
    }
  }

  for (let i = 0; i < LIVE_UNKNOWN_MODEL_TRACES; i++) {
    const ticket = unknownModelTicket(stream, spreadMs(rng, i, LIVE_UNKNOWN_MODEL_TRACES, fromMs, nowMs));
    keep(ticket, ticket.endMs);
  }

  for (let i = 0; i < LIVE_QUALITY_SCORES; i++) {
    const t0 = spreadMs(rng, i, LIVE_QUALITY_SCORES, fromMs, nowMs);
    const answer = qualityDropAnswer(stream, t0, () => lowQualityScore(rng), { scoreDelayMs: LIVE_QUALITY_SCORE_DELAY_MS, latestMs: Infinity });
    keep(answer, answer.endMs + LIVE_QUALITY_SCORE_DELAY_MS[1]);
  }

  traces.sort((a, b) => a.t0 - b.t0);
  return {
    index,
    nowMs,
    items: traces.flatMap((tr) => tr.items),
    calls,
    failed,
    degradedModel: degraded,
    runawayAgent: runaway,
    qualityScores: { scoreName: QUALITY_SCORE_NAME, scores: LIVE_QUALITY_SCORES },
  };
}
