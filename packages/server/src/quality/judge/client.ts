import { request, type Dispatcher } from 'undici';
import { z } from 'zod';
import { LookoutError } from '../../errors.ts';
import { OutboundRefusedError, type OutboundGuard } from '../../alerts/notifications/ssrf.ts';
import { demoJudgeCompletion, isDemoJudgeUrl } from './demo-judge.ts';

// One call to an OpenAI-compatible POST {baseUrl}/chat/completions. Bounded in time (the whole
// answer within timeoutMs) and in size (maxAnswerBytes), so a misbehaving endpoint can neither
// hold a worker slot nor fill memory. Errors say whether a retry may help and when.

export interface JudgeEndpoint {
  baseUrl: string;
  model: string;
  apiKey: string | null;
  // Set for an endpoint the operator did not configure (an evaluator's own baseUrl): the URL is
  // checked before the call and every connection goes through the guard's dispatcher, which
  // connects only to addresses the outbound policy accepts, checked at connect time.
  outbound?: { guard: OutboundGuard; dispatcher: Dispatcher };
}

export type { ChatMessage, JudgeAnswer, JudgeUsage } from './wire.ts';
import type { ChatMessage, JudgeAnswer, JudgeUsage } from './wire.ts';

// `refused`: the outbound policy would not let the call leave (nothing was sent).
export type JudgeFailureKind = 'rate_limited' | 'server' | 'timeout' | 'network' | 'rejected' | 'invalid_answer' | 'refused';

// A judge call that did not produce an answer. `retryable`: 429, 5xx, timeouts and network errors.
export class JudgeCallError extends LookoutError {
  override name = 'JudgeCallError';
  readonly kind: JudgeFailureKind;
  // The judge endpoint's HTTP status, when it answered.
  readonly upstreamStatus: number | null;
  readonly retryAfterMs: number | null;
  // 429, 5xx, timeouts and network errors may pass on a later attempt.
  override readonly retryable: boolean;

  constructor(kind: JudgeFailureKind, message: string, options: { status?: number; retryAfterMs?: number | null } = {}) {
    super('judge_failed', message);
    this.kind = kind;
    this.upstreamStatus = options.status ?? null;
    this.retryAfterMs = options.retryAfterMs ?? null;
    this.retryable = kind === 'rate_limited' || kind === 'server' || kind === 'timeout' || kind === 'network';
  }
}

export const DEFAULT_MAX_ANSWER_BYTES = 1024 * 1024;
// Retry-After beyond this is not honoured as such: the item waits this long at most per attempt.
const MAX_RETRY_AFTER_MS = 10 * 60_000;

const completionSchema = z.object({
  id: z.string().optional(),
  model: z.string().optional(),
  choices: z
    .array(z.object({ message: z.object({ content: z.string().nullable().optional() }), finish_reason: z.string().nullable().optional() }))
    .min(1),
  usage: z
    .object({
      prompt_tokens: z.number().int().nonnegative().default(0),
      completion_tokens: z.number().int().nonnegative().default(0),
      prompt_tokens_details: z.object({ cached_tokens: z.number().int().nonnegative().optional() }).nullish(),
      completion_tokens_details: z.object({ reasoning_tokens: z.number().int().nonnegative().optional() }).nullish(),
    })
    .nullish(),
});

// Retry-After as seconds or an HTTP date, in ms from now; null when absent or unreadable.
export function parseRetryAfter(value: string | string[] | undefined, nowMs = Date.now()): number | null {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return null;
  const seconds = Number(v);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds * 1000, MAX_RETRY_AFTER_MS);
  const at = Date.parse(v);
  if (Number.isNaN(at)) return null;
  return Math.min(Math.max(0, at - nowMs), MAX_RETRY_AFTER_MS);
}

export async function chatCompletion(
  endpoint: JudgeEndpoint,
  body: { messages: ChatMessage[]; responseFormat: unknown },
  options: { timeoutMs: number; maxAnswerBytes?: number },
): Promise<JudgeAnswer> {
  // The demo judge's reserved URL is answered here: no connection, no outbound policy to pass.
  if (isDemoJudgeUrl(endpoint.baseUrl)) return demoJudgeCompletion(endpoint.model, body.messages);
  const maxBytes = options.maxAnswerBytes ?? DEFAULT_MAX_ANSWER_BYTES;
  const url = `${endpoint.baseUrl.replace(/\/+$/, '')}/chat/completions`;
  const signal = AbortSignal.timeout(options.timeoutMs);
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (endpoint.apiKey) headers.authorization = `Bearer ${endpoint.apiKey}`;
  const payload = JSON.stringify({ model: endpoint.model, messages: body.messages, temperature: 0, response_format: body.responseFormat });
  let text: string;
  let status: number;
  let retryAfter: string | string[] | undefined;
  let requestId: string | null = null;
  try {
    endpoint.outbound?.guard.precheck(url);
    const res = await request(url, { method: 'POST', headers, body: payload, signal, ...(endpoint.outbound ? { dispatcher: endpoint.outbound.dispatcher } : {}) });
    status = res.statusCode;
    retryAfter = res.headers['retry-after'];
    const rid = res.headers['x-request-id'];
    requestId = typeof rid === 'string' ? rid.slice(0, 200) : null;
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxBytes) {
        res.body.destroy();
        throw new JudgeCallError('invalid_answer', `the judge's answer is larger than ${maxBytes} bytes`, { status });
      }
      chunks.push(chunk);
    }
    text = Buffer.concat(chunks).toString('utf8');
  } catch (err) {
    if (err instanceof JudgeCallError) throw err;
    const refused = refusalOf(err);
    // The message without addresses: the project's readers see it, the internal names are not theirs.
    if (refused) throw new JudgeCallError('refused', refused.publicMessage);
    if (signal.aborted) throw new JudgeCallError('timeout', `the judge did not answer within ${options.timeoutMs} ms`);
    throw new JudgeCallError('network', `cannot reach the judge at ${url}: ${(err as Error).message}`);
  }
  if (status === 429) throw new JudgeCallError('rate_limited', 'the judge answered 429 (rate limited)', { status, retryAfterMs: parseRetryAfter(retryAfter) });
  if (status >= 500) throw new JudgeCallError('server', `the judge answered ${status}`, { status, retryAfterMs: parseRetryAfter(retryAfter) });
  if (status < 200 || status >= 300) throw new JudgeCallError('rejected', `the judge answered ${status}: ${text.slice(0, 300)}`, { status });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new JudgeCallError('invalid_answer', 'the judge answered with a body that is not JSON', { status });
  }
  const parsed = completionSchema.safeParse(json);
  if (!parsed.success) throw new JudgeCallError('invalid_answer', 'the judge answered with a body that is not a chat completion', { status });
  const c = parsed.data;
  const u = c.usage;
  return {
    content: c.choices[0].message.content ?? '',
    responseModel: c.model ?? null,
    finishReason: c.choices[0].finish_reason ?? null,
    usage: u
      ? {
          promptTokens: u.prompt_tokens,
          completionTokens: u.completion_tokens,
          cachedTokens: u.prompt_tokens_details?.cached_tokens ?? 0,
          reasoningTokens: u.completion_tokens_details?.reasoning_tokens ?? 0,
        }
      : null,
    requestId: requestId ?? c.id?.slice(0, 200) ?? null,
  };
}

// The refusal of the outbound policy behind an error: thrown by the precheck, or by the agent's
// lookup at connect time, which undici wraps.
function refusalOf(err: unknown): OutboundRefusedError | null {
  for (let e = err, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) if (e instanceof OutboundRefusedError) return e;
  return null;
}
