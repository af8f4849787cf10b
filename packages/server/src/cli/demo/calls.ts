import type { IngestItemInput } from '../../ingest/api/schema.ts';
import { DEMO_APPLICATION, DEMO_ENVIRONMENT, INJECTION_MESSAGES, NIGHTLY_FEATURE, PII_MESSAGES, QUESTIONS, SYSTEM_PROMPTS, type DemoFeatureName, type ModelSpec, type Team, type User } from './model.ts';
import type { Prng } from './prng.ts';

// What one call looks like, as the traffic model draws it: spans and generations of a trace,
// their token and latency distributions, the errors each provider answers with, and the client
// retry after a rate limit.

export interface TraceContext {
  rng: Prng; // shape of the traffic
  ids: Prng; // ids only
  // Who asked; null for a scheduled job, which no person waits on and which has no session.
  user: User | null;
  owner?: Pick<Team, 'team' | 'department'>; // whom a job without a user runs for
  feature: DemoFeatureName;
  sessionId: string | null;
  traceId: string;
  tags: string[];
  items: IngestItemInput[];
  generations: number;
  inDip: boolean;
  inSpike: boolean;
}

function attribution(t: TraceContext) {
  const team = t.user?.team ?? t.owner;
  return {
    ...(t.user ? { userId: t.user.id } : {}),
    ...(t.sessionId !== null ? { sessionId: t.sessionId } : {}),
    feature: t.feature,
    ...(team ? { team: team.team, department: team.department } : {}),
    application: DEMO_APPLICATION,
    environment: DEMO_ENVIRONMENT,
  };
}

export function addSpan(
  t: TraceContext,
  fields: {
    kind: 'agent' | 'chain' | 'retrieval' | 'embedding' | 'tool' | 'other';
    name: string;
    parent: string | null;
    startMs: number;
    durationMs: number;
    spanId?: string; // when children already point at it
  },
  extra: Partial<Extract<IngestItemInput, { type: 'span' }>> = {},
): string {
  const spanId = fields.spanId ?? t.ids.hex(16);
  const item: IngestItemInput = {
    type: 'span',
    kind: fields.kind,
    traceId: t.traceId,
    spanId,
    parentSpanId: fields.parent,
    name: fields.name,
    startTime: Math.round(fields.startMs),
    durationMs: Math.round(fields.durationMs),
    ...attribution(t),
    tags: t.tags,
    ...extra,
  };
  // The root goes first, so that a reader of the batch sees the trace top-down.
  if (fields.parent === null) t.items.unshift(item);
  else t.items.push(item);
  return spanId;
}

export type ErrorKind = 'rate_limit' | 'timeout' | 'server' | 'invalid_request' | 'content_filter';

export interface CallPlan {
  spec: ModelSpec;
  input: number; // prompt tokens as the provider reports them (OpenAI: with cached; Anthropic: without)
  output: number; // visible output tokens
  cacheRead?: number;
  cacheWrite?: number;
  reasoning?: number;
  stream: boolean;
  messages: ChatMessage[];
  answer: string;
  finishReason?: string;
  metadata?: Record<string, string | number | boolean>;
  // Forces a failure (used for the runaway agent's timeouts); otherwise errors are drawn.
  error?: ErrorKind | null;
  // Time a degraded provider holds the request before answering (the incident's slow model).
  queueMs?: number;
}

interface CallResult {
  spanId: string;
  endMs: number;
  error: ErrorKind | null;
}

const ERROR_WEIGHTS: readonly (readonly [ErrorKind, number])[] = [
  ['rate_limit', 4],
  ['timeout', 2],
  ['server', 2],
  ['invalid_request', 1.5],
  ['content_filter', 1],
];

function isOpenAi(spec: ModelSpec): boolean {
  return spec.provider === 'openai';
}

function errorMessage(spec: ModelSpec, kind: ErrorKind): string {
  const anthropic = spec.provider === 'anthropic';
  switch (kind) {
    case 'rate_limit':
      return anthropic ? '429 rate_limit_error: Number of request tokens has exceeded your per-minute rate limit' : '429 Rate limit reached for requests per min (RPM)';
    case 'timeout':
      return 'Request timed out after 30000 ms';
    case 'server':
      return anthropic ? '529 overloaded_error: Overloaded' : '500 The server had an error while processing your request';
    case 'invalid_request':
      return anthropic ? '400 invalid_request_error: prompt is too long: 210512 tokens > 200000 maximum' : "400 This model's maximum context length is 128000 tokens (context_length_exceeded)";
    case 'content_filter':
      return 'The response was filtered due to the prompt triggering the content management policy';
  }
}

export function finishReasonFor(spec: ModelSpec, kind: 'stop' | 'length' | 'tool'): string {
  if (spec.provider === 'anthropic') return kind === 'stop' ? 'end_turn' : kind === 'length' ? 'max_tokens' : 'tool_use';
  return kind === 'stop' ? 'stop' : kind === 'length' ? 'length' : 'tool_calls';
}

// One model call. Returns where it ended so the next step can follow it.
export function addGeneration(t: TraceContext, parent: string, startMs: number, plan: CallPlan, errorRate: number): CallResult {
  const { rng } = t;
  const spanId = t.ids.hex(16);
  const spec = plan.spec;
  const error: ErrorKind | null = plan.error !== undefined ? plan.error : rng.chance(errorRate) ? rng.weighted(ERROR_WEIGHTS) : null;
  const promptTokens = plan.input + (isOpenAi(spec) ? 0 : (plan.cacheRead ?? 0) + (plan.cacheWrite ?? 0));
  const prefillMs = (promptTokens / 1000) * spec.prefillMsPerKtok + rng.logNormal(180, 0.35);
  const ttftMs = prefillMs + (plan.queueMs ?? 0);
  const generated = plan.output + (plan.reasoning ?? 0);
  let durationMs = ttftMs + (generated / spec.tokensPerSecond) * 1000 * rng.logNormal(1, 0.15);
  if (rng.chance(0.02)) durationMs *= rng.logNormal(3.5, 0.3); // the long tail every provider has
  const base = {
    type: 'generation' as const,
    traceId: t.traceId,
    spanId,
    parentSpanId: parent,
    name: `chat ${spec.model}`,
    startTime: Math.round(startMs),
    provider: spec.provider,
    model: spec.model,
    ...attribution(t),
    tags: t.tags,
    metadata: { ...(t.user ? { 'user.tier': t.user.tier } : {}), 'llm.streaming': plan.stream, ...(plan.metadata ?? {}) },
    requestId: `req_${t.ids.hex(24)}`,
  };
  if (error === null) {
    const finish = plan.finishReason ?? (rng.chance(0.03) ? finishReasonFor(spec, 'length') : finishReasonFor(spec, 'stop'));
    const usage: Record<string, number> = { input: plan.input, output: generated };
    if (plan.cacheRead) usage.cacheRead = plan.cacheRead;
    if (plan.cacheWrite) usage.cacheWrite = plan.cacheWrite;
    if (plan.reasoning) usage.reasoning = plan.reasoning;
    t.items.push({
      ...base,
      durationMs: Math.round(durationMs),
      status: 'ok',
      usage,
      finishReason: finish,
      ...(plan.stream ? { ttftMs: Math.round(ttftMs) } : {}),
      input: plan.messages,
      output: plan.answer,
    });
    t.generations++;
    return { spanId, endMs: startMs + durationMs, error: null };
  }
  // Failed calls: what the provider bills (usually nothing) and how long the caller waited.
  let failedMs: number;
  let usage: Record<string, number> = {};
  let finishReason: string | undefined;
  switch (error) {
    case 'rate_limit':
      failedMs = rng.logNormal(120, 0.4);
      break;
    case 'timeout':
      failedMs = 30_000 + rng.int(0, 400);
      break;
    case 'server':
      failedMs = rng.logNormal(spec.provider === 'anthropic' ? 900 : 2_500, 0.5);
      break;
    case 'invalid_request':
      failedMs = rng.logNormal(90, 0.3);
      break;
    case 'content_filter':
      failedMs = ttftMs + rng.logNormal(300, 0.3);
      usage = { input: plan.input, output: rng.int(0, 12) };
      if (plan.cacheRead) usage.cacheRead = plan.cacheRead;
      finishReason = 'content_filter';
      break;
  }
  t.items.push({
    ...base,
    durationMs: Math.round(failedMs),
    status: 'error',
    errorClass: error,
    errorMessage: errorMessage(spec, error),
    usage,
    ...(finishReason ? { finishReason } : {}),
    input: plan.messages,
  });
  t.generations++;
  return { spanId, endMs: startMs + failedMs, error };
}

// A call, retried once after a rate limit the way client libraries do.
export function callWithRetry(t: TraceContext, parent: string, startMs: number, plan: CallPlan, errorRate: number): CallResult {
  const first = addGeneration(t, parent, startMs, plan, errorRate);
  if (first.error !== 'rate_limit') return first;
  const waitMs = 1_000 + t.rng.int(0, 2_000);
  if (t.rng.chance(0.5)) {
    t.items.push({
      type: 'log',
      id: `log_${t.ids.hex(24)}`,
      traceId: t.traceId,
      spanId: first.spanId,
      timestamp: Math.round(first.endMs + 1),
      severity: 'warn',
      body: `${plan.spec.provider} rate limited ${plan.spec.model}; retrying in ${waitMs} ms`,
      attributes: { 'retry.attempt': 1, 'llm.provider': plan.spec.provider, 'llm.model': plan.spec.model },
    });
  }
  return addGeneration(t, parent, first.endMs + waitMs, { ...plan, error: null }, 0);
}

interface ChatMessage {
  role: string;
  content: string;
}

export function messages(feature: DemoFeatureName, user: string, context?: string): ChatMessage[] {
  const list: ChatMessage[] = [{ role: 'system', content: SYSTEM_PROMPTS[feature] }];
  if (context) list.push({ role: 'user', content: `Context:\n${context}` });
  list.push({ role: 'user', content: user });
  return list;
}

export function tokens(rng: Prng, median: number, spread: number, min: number, max: number): number {
  return Math.max(min, Math.min(max, Math.round(rng.logNormal(median, spread))));
}

// OpenAI caches prompts of 1024+ tokens in 128-token steps.
export function openAiCached(rng: Prng, input: number, p: number): number {
  if (input < 1024 || !rng.chance(p)) return 0;
  return Math.floor((input * (0.5 + rng.next() * 0.4)) / 128) * 128;
}

export function userMessage(t: TraceContext, forced: 'pii' | 'injection' | null): string {
  const { rng } = t;
  if (forced === 'pii') return PII_MESSAGES[0];
  if (forced === 'injection') return INJECTION_MESSAGES[0];
  if (t.feature === 'support-chat' && rng.chance(0.006)) return rng.pick(PII_MESSAGES);
  if (rng.chance(0.003)) return rng.pick(INJECTION_MESSAGES);
  const feature = t.feature;
  if (feature === NIGHTLY_FEATURE) throw new Error('a scheduled job has no user to ask anything');
  return rng.pick(QUESTIONS[feature]);
}

export const BASE_ERROR_RATE = 0.035;

// The span id of the trace's last successful generation: the answer its scores are about.
export function answerSpanId(t: TraceContext): string | null {
  const answer = [...t.items].reverse().find((i) => i.type === 'generation' && i.status === 'ok');
  return answer && answer.type === 'generation' ? (answer.spanId ?? null) : null;
}
