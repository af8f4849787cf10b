import { addGeneration, addSpan, answerSpanId, finishReasonFor, messages, openAiCached, tokens, userMessage, type ErrorKind, type TraceContext } from './calls.ts';
import { docSearch, ticketTriage } from './features.ts';
import { DEMO_MODELS, type FeatureName, type User } from './model.ts';
import type { Prng } from './prng.ts';
import { DAY_MS } from './timing.ts';

// The incident's scenarios, each defined once: a runaway agent on one of the priciest models, a
// slow and failing model, calls of the model the price catalog does not know, a drop in answer
// quality and a free-tier user over budget. The "incident now" before the demo's anchor
// (incident.ts) and the live slices after it (live.ts) differ only in how many traces of each
// they send, when, and in the few sizes a dose names.

export const RUNAWAY_USER = 'usr_ben';
// A free-tier user ($1 a day) pasting whole books into summarize.
export const OVER_BUDGET_USER = 'usr_dara';
export const FREE_TIER_DAILY_LIMIT_USD = 1;
// The score the evaluator gives; LowQualityScore in the default pack watches its hourly average.
export const QUALITY_SCORE_NAME = 'helpfulness';
// How long the degraded provider holds a request before answering (median).
const DEGRADED_QUEUE_MS = 6_500;
// Every 5th call on the degraded model fails (20% against the pack's 5%), timeouts and 500s in turn.
const DEGRADED_FAILURE_EVERY = 5;

// The random streams and the cast an incident is drawn from.
export interface IncidentStream {
  rng: Prng; // shape of the traffic
  ids: Prng; // ids only
  users: readonly User[];
}

export interface ScenarioTrace {
  trace: TraceContext;
  endMs: number; // when its last span ends
}

function incidentTrace(s: IncidentStream, user: User, feature: FeatureName, t0: number, tags: string[]): TraceContext {
  return {
    rng: s.rng,
    ids: s.ids,
    user,
    feature,
    sessionId: `sess_${user.id.slice(4)}_${Math.floor(t0 / DAY_MS)}_incident`,
    traceId: s.ids.hex(32),
    tags,
    items: [],
    generations: 0,
    inDip: false,
    inSpike: false,
  };
}

const userById = (s: IncidentStream, id: string) => s.users.find((u) => u.id === id)!;
const teamMember = (s: IncidentStream, team: string) => s.rng.pick(s.users.filter((u) => u.team.team === team));

// The i-th of n start times spread over [fromMs, toMs).
export function spreadMs(rng: Prng, i: number, n: number, fromMs: number, toMs: number): number {
  return fromMs + ((i + rng.next()) * (toMs - fromMs)) / n;
}

export function generationsOf(t: TraceContext) {
  return t.items.flatMap((i) => (i.type === 'generation' ? [i] : []));
}

// ------------------------------------------------------------------------------------------
// The runaway agent

export interface RunawayDose {
  firstStep: number; // the loop's step number of the trace's first call
  steps: number;
  finishes: boolean; // the last step answers; otherwise the agent is still looping when the trace ends
  promptTokens: { median: number; min: number; max: number };
  maxOutputTokens: number;
  context: string; // what the agent sends along each time
  wrapUpMs: number; // from the end of its last step to the end of the agent
}

// A code-review agent stuck in a loop, started again and again by a retrying job: no prompt
// cache, so every step re-sends the repository, then runs the whole test suite, which fails.
export function runawayAgent(s: IncidentStream, t0: number, dose: RunawayDose): ScenarioTrace {
  const t = incidentTrace(s, userById(s, RUNAWAY_USER), 'code-review', t0, ['prompt:v4']);
  const { rng } = t;
  const root = t.ids.hex(16);
  const spec = DEMO_MODELS.opus;
  const lastStep = dose.firstStep + dose.steps - 1;
  let cursor = t0 + rng.int(2, 10);
  for (let step = dose.firstStep; step <= lastStep; step++) {
    const answers = dose.finishes && step === lastStep;
    const call = addGeneration(t, root, cursor, {
      spec,
      input: tokens(rng, dose.promptTokens.median, 0.08, dose.promptTokens.min, dose.promptTokens.max),
      output: tokens(rng, 900, 0.3, 300, dose.maxOutputTokens),
      stream: false,
      messages: messages('code-review', `Review PR #947: upgrade every dependency (step ${step})`, dose.context),
      answer: answers ? 'The upgrade breaks 14 call sites; see inline comments.' : '{"tool":"run_tests","arguments":{"suite":"all"}}',
      finishReason: answers ? undefined : finishReasonFor(spec, 'tool'),
      metadata: { 'agent.step': step },
      error: null,
    }, 0);
    cursor = call.endMs;
    if (!answers) {
      const toolMs = rng.logNormal(3_000, 0.3);
      addSpan(t, { kind: 'tool', name: 'tool run_tests', parent: root, startMs: cursor + 3, durationMs: toolMs }, {
        metadata: { 'tool.name': 'run_tests', 'tool.arguments': '{"suite":"all"}', 'tool.status': 'failed' },
      });
      cursor += toolMs + 5;
    }
  }
  addSpan(t, { kind: 'agent', name: 'code-review.agent (runaway)', parent: null, startMs: t0, durationMs: cursor - t0 + dose.wrapUpMs, spanId: root }, {
    metadata: { 'agent.steps': lastStep },
  });
  return { trace: t, endMs: cursor + dose.wrapUpMs };
}

// ------------------------------------------------------------------------------------------
// The degraded model

// Whether the n-th call on the degraded model (counted from the start of the incident) fails, and how.
export function degradedFailure(n: number): ErrorKind | null {
  if (n % DEGRADED_FAILURE_EVERY !== DEGRADED_FAILURE_EVERY - 1) return null;
  return Math.floor(n / DEGRADED_FAILURE_EVERY) % 2 === 0 ? 'timeout' : 'server';
}

// One support-chat turn on the large OpenAI model while its provider queues requests for seconds;
// `n` is the call's number on the degraded model, which decides whether it fails.
export function degradedModelTurn(s: IncidentStream, t0: number, n: number): ScenarioTrace {
  const failure = degradedFailure(n);
  const t = incidentTrace(s, teamMember(s, 'support-ops'), 'support-chat', t0, []);
  const { rng } = t;
  const root = t.ids.hex(16);
  const spec = DEMO_MODELS.chatLarge;
  const question = userMessage(t, null);
  const input = tokens(rng, 950, 0.6, 120, 12_000);
  const call = addGeneration(t, root, t0 + rng.int(2, 15), {
    spec,
    input,
    output: tokens(rng, 190, 0.5, 5, 2_000),
    cacheRead: openAiCached(rng, input, 0.55),
    stream: true,
    messages: messages('support-chat', question),
    answer: 'Thanks for reaching out! Here is what I found…',
    queueMs: rng.logNormal(DEGRADED_QUEUE_MS, 0.35),
    error: failure,
  }, 0);
  addSpan(t, { kind: 'agent', name: 'support-chat.turn', parent: null, startMs: t0, durationMs: call.endMs - t0 + 3, spanId: root });
  return { trace: t, endMs: call.endMs };
}

// ------------------------------------------------------------------------------------------
// The unknown model

// Tickets keep arriving: the in-house classifier's cost is unknown.
export function unknownModelTicket(s: IncidentStream, t0: number): ScenarioTrace {
  const t = incidentTrace(s, teamMember(s, 'support-ops'), 'ticket-triage', t0, []);
  return { trace: t, endMs: ticketTriage(t, t0, null) };
}

// ------------------------------------------------------------------------------------------
// The quality drop

// A low evaluator score, well under the pack's critical average of 0.5.
export function lowQualityScore(rng: Prng): number {
  return Math.round(Math.min(0.45, Math.max(0.02, rng.logNormal(0.18, 0.45))) * 1000) / 1000;
}

export interface QualityDropDose {
  scoreDelayMs: readonly [number, number]; // how long after the answer the evaluator scores it
  latestMs: number; // no score is stamped later
}

// The truncated embeddings are back in doc-search: the answer is scored low. `score` gives the
// value when the score is made (the "incident now" draws its values ahead, to reach an average).
export function qualityDropAnswer(s: IncidentStream, t0: number, score: () => number, dose: QualityDropDose): ScenarioTrace {
  const t = incidentTrace(s, teamMember(s, 'search'), 'doc-search', t0, ['prompt:v4']);
  t.inDip = true;
  const endMs = docSearch(t, t0, null);
  const spanId = answerSpanId(t);
  t.items.push({
    type: 'score',
    id: `score_${t.ids.hex(24)}`,
    traceId: t.traceId,
    ...(spanId ? { spanId } : {}),
    name: QUALITY_SCORE_NAME,
    value: score(),
    dataType: 'numeric',
    source: 'evaluator',
    timestamp: Math.round(Math.min(endMs + t.rng.int(dose.scoreDelayMs[0], dose.scoreDelayMs[1]), dose.latestMs)),
  });
  return { trace: t, endMs };
}

// ------------------------------------------------------------------------------------------
// Retrieval drift

// A doc-search turn of the search team: `drifting`, from the truncated embeddings that came with
// prompt v4 (seed 004: low top scores, off-topic passages, an answer that found nothing), as in
// the quality drop; otherwise as usual, the baseline the drift is measured against.
export function searchTurn(s: IncidentStream, t0: number, drifting: boolean): ScenarioTrace {
  const user = teamMember(s, 'search');
  const t = incidentTrace(s, user, 'doc-search', t0, drifting ? ['prompt:v4'] : []);
  t.inDip = drifting;
  if (!drifting) t.sessionId = `sess_${user.id.slice(4)}_${Math.floor(t0 / DAY_MS)}_search`;
  return { trace: t, endMs: docSearch(t, t0, null) };
}

// ------------------------------------------------------------------------------------------
// The user over budget

// The free-tier user pastes a whole book into summarize on Sonnet, about $0.29 a call.
export function overBudgetSummary(s: IncidentStream, t0: number): ScenarioTrace {
  const t = incidentTrace(s, userById(s, OVER_BUDGET_USER), 'summarize', t0, []);
  const { rng } = t;
  const root = t.ids.hex(16);
  const call = addGeneration(t, root, t0 + rng.int(2, 10), {
    spec: DEMO_MODELS.sonnet,
    input: tokens(rng, 95_000, 0.1, 70_000, 150_000),
    output: tokens(rng, 600, 0.3, 100, 2_000),
    stream: true,
    messages: messages('summarize', 'Summarize this whole book for me, chapter by chapter.', 'Document: (novel, 380 pages)'),
    answer: '- Chapter 1: …\n- Chapter 2: …',
    error: null,
  }, 0);
  addSpan(t, { kind: 'chain', name: 'summarize.document', parent: null, startMs: t0, durationMs: call.endMs - t0 + 2, spanId: root });
  return { trace: t, endMs: call.endMs };
}
