import type { SpanKind } from '../../domain/span.ts';
import type { ReportedUsage } from '../../domain/usage.ts';

// What the gateway knows of each provider's wire format: which endpoints are model calls, the
// error body it answers in, and where model, usage, finish reason and output are in a response
// (JSON or SSE stream). Only a copy is read; the client gets the upstream's bytes.

export type ProviderId = 'openai' | 'anthropic';

export interface Endpoint {
  kind: SpanKind;
  operation: string; // the span name's first word: chat, text_completion, embeddings, or "<METHOD> <path>"
  modelCall: boolean; // a call whose tokens are read from the response and priced
  // Refused while a hard budget is spent: every model call, and every other call that may cost
  // money at the provider (images, audio, batches, compaction, fine-tuning, calls not known yet).
  budgeted: boolean;
}

const MAX_OPERATION_PATH_CHARS = 64;

// Methods that start no paid work upstream: reading, and deleting (files, batches, stored
// responses), which can only lower what is spent. Any other method may cost unless it is a POST
// on the free list below.
const FREE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'DELETE']);

// POSTs known to cost nothing, which go through while a hard budget is spent. This is an allowlist: a new or unknown endpoint is budgeted until it is added here. Paths are matched
// exactly, case included, on the normalised path (what the upstream receives), so a spelling that
// only some upstream would read as one of these is budgeted, never let through; an id is one
// segment. Uploading a file is free; the batch or fine-tuning job that reads it is not, and is
// refused. Cancelling only stops spending.
const FREE_CALLS: Record<ProviderId, RegExp[]> = {
  openai: [
    /^files$/,
    /^uploads$/,
    /^uploads\/[^/]+\/(parts|complete)$/,
    /^(batches|fine_tuning\/jobs|responses|uploads)\/[^/]+\/cancel$/,
    /^threads\/[^/]+\/runs\/[^/]+\/cancel$/,
    /^vector_stores\/[^/]+\/file_batches\/[^/]+\/cancel$/,
  ],
  anthropic: [/^messages\/count_tokens$/, /^files$/, /^messages\/batches\/[^/]+\/cancel$/],
};

function mayCost(provider: ProviderId, method: string, p: string): boolean {
  if (FREE_METHODS.has(method)) return false;
  return method !== 'POST' || !FREE_CALLS[provider].some((re) => re.test(p));
}

export function classifyEndpoint(provider: ProviderId, method: string, path: string): Endpoint {
  const p = path.replace(/\/+$/, '');
  if (method === 'POST') {
    // A server that matches paths without regard to case must not turn Chat/Completions into an
    // unpriced call; no real endpoint differs from a model call by case alone.
    const model = classifyModelCall(provider, p.toLowerCase());
    if (model) return model;
  }
  return { ...generic(method, p), budgeted: mayCost(provider, method, p) };
}

function classifyModelCall(provider: ProviderId, p: string): Endpoint | null {
  const model = (kind: SpanKind, operation: string): Endpoint => ({ kind, operation, modelCall: true, budgeted: true });
  if (provider === 'anthropic') return p === 'messages' ? model('generation', 'chat') : null;
  if (p === 'chat/completions' || p === 'responses') return model('generation', 'chat');
  if (p === 'completions') return model('generation', 'text_completion');
  if (p === 'embeddings') return model('embedding', 'embeddings');
  return null;
}

// Anything else (models, count_tokens, files, batches...) is passed through and recorded as a
// generic span; ids in the path are cut so span names stay few.
function generic(method: string, p: string): Omit<Endpoint, 'budgeted'> {
  const named = p.split('/').slice(0, 2).join('/').slice(0, MAX_OPERATION_PATH_CHARS);
  return { kind: 'other', operation: `${method} ${named}`, modelCall: false };
}

// ---------------------------------------------------------------------------------------------
// Errors the gateway itself answers, in the provider's format so that its SDK understands them.

const OPENAI_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'invalid_request_error',
  404: 'invalid_request_error',
  413: 'invalid_request_error',
  429: 'budget_exceeded',
  502: 'api_error',
  504: 'api_error',
};
const ANTHROPIC_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  502: 'api_error',
  504: 'timeout_error',
};

export function errorBody(provider: ProviderId, status: number, message: string, code: string, extra: Record<string, unknown> = {}): string {
  if (provider === 'anthropic') {
    return JSON.stringify({ type: 'error', error: { type: ANTHROPIC_TYPES[status] ?? 'api_error', message, lookout_code: code, ...extra } });
  }
  return JSON.stringify({ error: { message, type: OPENAI_TYPES[status] ?? 'api_error', param: null, code, ...extra } });
}

// ---------------------------------------------------------------------------------------------
// Reading responses

export const MAX_OUTPUT_CHARS = 1024 * 1024;

export interface ResponseFacts {
  responseModel: string | null;
  usage: ReportedUsage | null;
  finishReason: string | null;
  output: string;
  toolCalls: number;
  errorType: string | null; // the provider's error type, from an error body or a stream error event
  errorMessage: string | null;
}

export function emptyFacts(): ResponseFacts {
  return { responseModel: null, usage: null, finishReason: null, output: '', toolCalls: 0, errorType: null, errorMessage: null };
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

function appendOutput(f: ResponseFacts, text: unknown): void {
  if (typeof text !== 'string' || text === '' || f.output.length >= MAX_OUTPUT_CHARS) return;
  f.output += text.slice(0, MAX_OUTPUT_CHARS - f.output.length);
}

// OpenAI chat/completions and embeddings (prompt_tokens...) or the Responses API (input_tokens...).
export function openaiUsage(u: unknown): ReportedUsage | null {
  if (!isObject(u)) return null;
  const promptDetails = isObject(u.prompt_tokens_details) ? u.prompt_tokens_details : isObject(u.input_tokens_details) ? u.input_tokens_details : {};
  const completionDetails = isObject(u.completion_tokens_details) ? u.completion_tokens_details : isObject(u.output_tokens_details) ? u.output_tokens_details : {};
  const input = num(u.prompt_tokens) ?? num(u.input_tokens);
  const output = num(u.completion_tokens) ?? num(u.output_tokens);
  if (input === undefined && output === undefined) return null;
  return {
    input,
    output,
    cacheRead: num(promptDetails.cached_tokens),
    reasoning: num(completionDetails.reasoning_tokens),
    audio: num(promptDetails.audio_tokens),
    inputIncludesCache: true,
    outputIncludesReasoning: true,
  };
}

export function anthropicUsage(u: unknown, into: ReportedUsage | null = null): ReportedUsage | null {
  if (!isObject(u)) return into;
  const out: ReportedUsage = into ? { ...into } : { inputIncludesCache: false };
  // A later event (message_delta) repeats or updates some counts; the latest value wins.
  if (num(u.input_tokens) !== undefined) out.input = num(u.input_tokens);
  if (num(u.output_tokens) !== undefined) out.output = num(u.output_tokens);
  if (num(u.cache_read_input_tokens) !== undefined) out.cacheRead = num(u.cache_read_input_tokens);
  if (num(u.cache_creation_input_tokens) !== undefined) out.cacheWrite = num(u.cache_creation_input_tokens);
  out.inputIncludesCache = false;
  return out;
}

function readError(f: ResponseFacts, body: Json): void {
  const e = body.error;
  if (isObject(e)) {
    f.errorType = str(e.type) ?? str(e.code);
    f.errorMessage = str(e.message);
  } else if (typeof e === 'string') {
    f.errorMessage = e;
  }
}

// A complete JSON response body (not streamed).
export function factsFromJson(provider: ProviderId, body: unknown): ResponseFacts {
  const f = emptyFacts();
  if (!isObject(body)) return f;
  readError(f, body);
  f.responseModel = str(body.model);
  if (provider === 'anthropic') {
    f.usage = anthropicUsage(body.usage);
    f.finishReason = str(body.stop_reason);
    if (Array.isArray(body.content)) {
      for (const block of body.content) {
        if (!isObject(block)) continue;
        if (block.type === 'text') appendOutput(f, block.text);
        else if (block.type === 'tool_use') f.toolCalls++;
      }
    }
    return f;
  }
  f.usage = openaiUsage(body.usage);
  if (Array.isArray(body.choices)) {
    const first = body.choices[0];
    if (isObject(first)) {
      f.finishReason = str(first.finish_reason);
      const message = isObject(first.message) ? first.message : null;
      appendOutput(f, message ? message.content : first.text);
      if (message && Array.isArray(message.tool_calls)) f.toolCalls += message.tool_calls.length;
    }
  } else if (body.object === 'response') {
    readResponsesObject(f, body);
  }
  return f;
}

// The Responses API's response object (a JSON body, or the one in response.completed).
function readResponsesObject(f: ResponseFacts, r: Json): void {
  f.responseModel = str(r.model) ?? f.responseModel;
  f.usage = openaiUsage(r.usage) ?? f.usage;
  const incomplete = isObject(r.incomplete_details) ? str(r.incomplete_details.reason) : null;
  f.finishReason = incomplete ?? str(r.status) ?? f.finishReason;
  if (isObject(r.error)) {
    f.errorType = str(r.error.code) ?? str(r.error.type);
    f.errorMessage = str(r.error.message);
  }
  if (f.output === '' && Array.isArray(r.output)) {
    for (const item of r.output) {
      if (!isObject(item)) continue;
      if (item.type === 'function_call') f.toolCalls++;
      if (item.type === 'message' && Array.isArray(item.content)) for (const c of item.content) if (isObject(c) && c.type === 'output_text') appendOutput(f, c.text);
    }
  }
}

// Reads a server-sent event stream as it passes, chunk by chunk, and keeps the facts of it.
// `firstTokenAt` is when the first event carrying output (text, a tool call, reasoning) arrived.
export class SseReader {
  readonly facts = emptyFacts();
  firstTokenAtMs: number | null = null;
  private readonly provider: ProviderId;
  // The bytes of the line not yet ended, as received: a newline byte never occurs inside a UTF-8
  // sequence, so lines are cut on the bytes and each decoded once, whole.
  private partial: Buffer[] = [];
  private partialBytes = 0;
  private skipping = false; // the line under way is past the bound and is dropped whole
  private data: string[] = [];
  private sawUsage = false;
  private readonly maxLineBytes: number;

  // `maxLineBytes`: a line longer than this (in bytes, without its line ending) is not read.
  constructor(provider: ProviderId, maxLineBytes = 4 * 1024 * 1024) {
    this.provider = provider;
    this.maxLineBytes = maxLineBytes;
  }

  get usageReported(): boolean {
    return this.sawUsage;
  }

  // `nowMs`: when the chunk arrived; an event counts from the arrival of the newline that ends it.
  push(chunk: Uint8Array, nowMs: number): void {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let start = 0;
    for (;;) {
      const nl = bytes.indexOf(10, start);
      if (nl < 0) break;
      this.endLine(bytes, start, nl, nowMs);
      start = nl + 1;
    }
    if (start >= bytes.length || this.skipping) return;
    this.partialBytes += bytes.length - start;
    // One byte over: a line's \r may be all that is still to come with its newline.
    if (this.partialBytes > this.maxLineBytes + 1) this.dropPartial(true);
    else this.partial.push(bytes.subarray(start));
  }

  end(nowMs: number): void {
    if (this.partialBytes > 0 && !this.skipping) this.line(Buffer.concat(this.partial, this.partialBytes).toString('utf8'), nowMs);
    this.dropPartial(false);
    this.line('', nowMs);
  }

  // The line made of what is kept so far and `bytes[start, nl)`; `nl` is its newline.
  private endLine(bytes: Buffer, start: number, nl: number, nowMs: number): void {
    if (this.skipping) return this.dropPartial(false);
    let line: Buffer = bytes.subarray(start, nl);
    if (this.partialBytes > 0) {
      this.partial.push(line);
      line = Buffer.concat(this.partial, this.partialBytes + line.length);
      this.dropPartial(false);
    }
    const end = line.length > 0 && line[line.length - 1] === 13 ? line.length - 1 : line.length;
    if (end > this.maxLineBytes) return;
    this.line(end === 0 ? '' : line.toString('utf8', 0, end), nowMs);
  }

  private dropPartial(skipping: boolean): void {
    this.partial = [];
    this.partialBytes = 0;
    this.skipping = skipping;
  }

  private line(line: string, nowMs: number): void {
    if (line === '') {
      if (this.data.length) {
        const data = this.data.join('\n');
        this.data = [];
        this.event(data, nowMs);
      }
      return;
    }
    if (line.startsWith('data:')) this.data.push(line.charCodeAt(5) === 32 ? line.slice(6) : line.slice(5));
    // event:, id:, retry: and comments carry nothing the record needs: the data has a "type".
  }

  private event(data: string, nowMs: number): void {
    if (data === '[DONE]') return;
    let ev: unknown;
    try {
      ev = JSON.parse(data);
    } catch {
      return;
    }
    if (!isObject(ev)) return;
    if (this.provider === 'anthropic') this.anthropicEvent(ev, nowMs);
    else this.openaiEvent(ev, nowMs);
  }

  private token(nowMs: number): void {
    this.firstTokenAtMs ??= nowMs;
  }

  private openaiEvent(ev: Json, nowMs: number): void {
    const f = this.facts;
    if (typeof ev.type === 'string' && ev.type.startsWith('response.')) {
      // The Responses API.
      if (ev.type === 'response.output_text.delta' || ev.type === 'response.refusal.delta') {
        this.token(nowMs);
        appendOutput(f, ev.delta);
      } else if (ev.type === 'response.function_call_arguments.delta' || ev.type === 'response.reasoning_summary_text.delta') {
        this.token(nowMs);
      } else if (isObject(ev.response)) {
        readResponsesObject(f, ev.response);
        if (f.usage) this.sawUsage = true;
      }
      return;
    }
    if (ev.type === 'error' || (isObject(ev.error) && !Array.isArray(ev.choices))) {
      readError(f, ev.type === 'error' && !isObject(ev.error) ? { error: ev } : ev);
      return;
    }
    f.responseModel = str(ev.model) ?? f.responseModel;
    const usage = openaiUsage(ev.usage);
    if (usage) {
      f.usage = usage;
      this.sawUsage = true;
    }
    if (!Array.isArray(ev.choices)) return;
    for (const c of ev.choices) {
      if (!isObject(c)) continue;
      if (typeof c.finish_reason === 'string') f.finishReason = c.finish_reason;
      const delta = isObject(c.delta) ? c.delta : null;
      const text = delta ? delta.content : c.text;
      if (typeof text === 'string' && text !== '') {
        this.token(nowMs);
        if (c.index === 0 || c.index === undefined) appendOutput(f, text);
      }
      if (delta) {
        if ((typeof delta.refusal === 'string' && delta.refusal) || (typeof delta.reasoning_content === 'string' && delta.reasoning_content)) this.token(nowMs);
        if (Array.isArray(delta.tool_calls)) {
          this.token(nowMs);
          for (const t of delta.tool_calls) if (isObject(t) && typeof t.id === 'string') f.toolCalls++;
        }
      }
    }
  }

  private anthropicEvent(ev: Json, nowMs: number): void {
    const f = this.facts;
    switch (ev.type) {
      case 'message_start':
        if (isObject(ev.message)) {
          f.responseModel = str(ev.message.model) ?? f.responseModel;
          f.usage = anthropicUsage(ev.message.usage, f.usage);
          if (f.usage) this.sawUsage = true;
        }
        break;
      case 'content_block_start':
        if (isObject(ev.content_block) && ev.content_block.type === 'tool_use') {
          this.token(nowMs);
          f.toolCalls++;
        }
        break;
      case 'content_block_delta':
        this.token(nowMs);
        if (isObject(ev.delta) && ev.delta.type === 'text_delta') appendOutput(f, ev.delta.text);
        break;
      case 'message_delta':
        if (isObject(ev.delta) && typeof ev.delta.stop_reason === 'string') f.finishReason = ev.delta.stop_reason;
        f.usage = anthropicUsage(ev.usage, f.usage);
        break;
      case 'error':
        readError(f, ev);
        break;
    }
  }
}
