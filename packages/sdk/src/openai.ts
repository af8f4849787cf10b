import { SpanKind, type Attributes, type Span } from '@opentelemetry/api';
import { currentContextAttributes } from './context.ts';
import { getTracer, swallow } from './core.ts';
import { num, setIf, Tracking, wrapMethod, type CallObserver, type StreamState } from './instrument.ts';

// wrapOpenAI(client): traces chat.completions.create (streamed or not), responses.create and
// embeddings.create of the official `openai` client with GenAI semantic-convention attributes.
// The client is changed in place (its resource methods are replaced) and returned; what each call
// returns is exactly what the unwrapped client returns.
//
// Tokens (GenAI semconv): gen_ai.usage.input_tokens is OpenAI's prompt_tokens, which INCLUDES the
// cached tokens also reported as gen_ai.usage.cache_read.input_tokens; output_tokens includes
// gen_ai.usage.reasoning.output_tokens. Lookout subtracts, so nothing is charged twice.

type Rec = Record<string, unknown>;

function rec(v: unknown): Rec | undefined {
  return v !== null && typeof v === 'object' ? (v as Rec) : undefined;
}

export function beginSpan(operation: string, model: unknown, extra: Attributes, observer: CallObserver, stream: boolean): Tracking | undefined {
  // One object, in startSpan's order (context first, the call's own attributes over it).
  const attrs: Attributes = { ...currentContextAttributes() };
  attrs['gen_ai.operation.name'] = operation;
  for (const key in extra) attrs[key] = extra[key];
  setIf(attrs, 'gen_ai.request.model', model);
  const span = getTracer().startSpan(typeof model === 'string' ? `${operation} ${model}` : operation, { kind: SpanKind.CLIENT, attributes: attrs });
  if (!span.isRecording()) {
    span.end();
    return undefined; // not sampled: pass the call through untouched
  }
  return new Tracking(span, observer, stream);
}

function requestAttributes(p: Rec, provider: string): Attributes {
  const attrs: Attributes = { 'gen_ai.provider.name': provider };
  setIf(attrs, 'gen_ai.request.temperature', p.temperature);
  setIf(attrs, 'gen_ai.request.top_p', p.top_p);
  setIf(attrs, 'gen_ai.request.max_tokens', p.max_completion_tokens ?? p.max_tokens ?? p.max_output_tokens);
  if (p.stream === true) attrs['gen_ai.request.stream'] = true;
  return attrs;
}

function chatUsage(usage: Rec | undefined): Attributes {
  const attrs: Attributes = {};
  if (!usage) return attrs;
  setIf(attrs, 'gen_ai.usage.input_tokens', num(usage.prompt_tokens));
  setIf(attrs, 'gen_ai.usage.output_tokens', num(usage.completion_tokens));
  setIf(attrs, 'gen_ai.usage.cache_read.input_tokens', num(rec(usage.prompt_tokens_details)?.cached_tokens));
  setIf(attrs, 'gen_ai.usage.reasoning.output_tokens', num(rec(usage.completion_tokens_details)?.reasoning_tokens));
  return attrs;
}

function responsesUsage(usage: Rec | undefined): Attributes {
  const attrs: Attributes = {};
  if (!usage) return attrs;
  setIf(attrs, 'gen_ai.usage.input_tokens', num(usage.input_tokens));
  setIf(attrs, 'gen_ai.usage.output_tokens', num(usage.output_tokens));
  setIf(attrs, 'gen_ai.usage.cache_read.input_tokens', num(rec(usage.input_tokens_details)?.cached_tokens));
  setIf(attrs, 'gen_ai.usage.reasoning.output_tokens', num(rec(usage.output_tokens_details)?.reasoning_tokens));
  return attrs;
}

function finishReasons(choices: unknown): string[] {
  if (!Array.isArray(choices)) return [];
  const out: string[] = [];
  for (const c of choices) {
    const r = rec(c)?.finish_reason;
    if (typeof r === 'string') out.push(r);
  }
  return out;
}

const chatObserver = (includeUsage: boolean): CallObserver => ({
  onResult(span: Span, value: unknown) {
    const v = rec(value);
    if (!v) return;
    const attrs: Attributes = chatUsage(rec(v.usage));
    setIf(attrs, 'gen_ai.response.model', v.model);
    setIf(attrs, 'gen_ai.response.id', v.id);
    const reasons = finishReasons(v.choices);
    if (reasons.length) attrs['gen_ai.response.finish_reasons'] = reasons;
    span.setAttributes(attrs);
  },
  onChunk(_span: Span, chunk: unknown, st: StreamState) {
    const c = rec(chunk);
    if (!c) return;
    if (st.data.model === undefined && typeof c.model === 'string') st.data.model = c.model;
    if (st.data.id === undefined && typeof c.id === 'string') st.data.id = c.id;
    const choices = c.choices;
    if (Array.isArray(choices)) {
      for (const choice of choices) {
        const ch = rec(choice);
        const delta = rec(ch?.delta);
        if (st.firstTokenMs === undefined && delta && (delta.content || delta.tool_calls || delta.refusal || delta.reasoning_content)) {
          st.firstTokenMs = performance.now();
        }
        if (typeof ch?.finish_reason === 'string') ((st.data.reasons ??= []) as string[]).push(ch.finish_reason);
      }
    }
    if (rec(c.usage)) st.data.usage = c.usage;
  },
  onStreamEnd(span: Span, st: StreamState) {
    const usage = rec(st.data.usage);
    const attrs: Attributes = chatUsage(usage);
    setIf(attrs, 'gen_ai.response.model', st.data.model);
    setIf(attrs, 'gen_ai.response.id', st.data.id);
    const reasons = st.data.reasons as string[] | undefined;
    if (reasons?.length) attrs['gen_ai.response.finish_reasons'] = reasons;
    if (usage) st.outputTokens = num(usage.completion_tokens);
    else attrs['lookout.usage.unavailable'] = includeUsage ? 'no usage chunk received' : 'stream without stream_options.include_usage';
    span.setAttributes(attrs);
  },
});

// Built once: a call only picks the one matching its stream_options.
const chatObservers = { withUsage: chatObserver(true), withoutUsage: chatObserver(false) };

const RESPONSE_DONE = new Set(['response.completed', 'response.incomplete', 'response.failed']);

function responseAttributes(r: Rec): Attributes {
  const attrs = responsesUsage(rec(r.usage));
  setIf(attrs, 'gen_ai.response.model', r.model);
  setIf(attrs, 'gen_ai.response.id', r.id);
  const incomplete = rec(r.incomplete_details)?.reason;
  const status = r.status;
  const reason = typeof incomplete === 'string' ? incomplete : status === 'completed' ? 'stop' : status;
  if (typeof reason === 'string') attrs['gen_ai.response.finish_reasons'] = [reason];
  return attrs;
}

const responsesObserver: CallObserver = {
  onResult(span, value) {
    const v = rec(value);
    if (v) span.setAttributes(responseAttributes(v));
  },
  onChunk(_span, chunk, st) {
    const c = rec(chunk);
    if (!c) return;
    if (st.firstTokenMs === undefined && typeof c.type === 'string' && c.type.endsWith('.delta')) st.firstTokenMs = performance.now();
    if (typeof c.type === 'string' && RESPONSE_DONE.has(c.type) && rec(c.response)) st.data.response = c.response;
  },
  onStreamEnd(span, st) {
    const r = rec(st.data.response);
    if (!r) return;
    span.setAttributes(responseAttributes(r));
    st.outputTokens = num(rec(r.usage)?.output_tokens);
  },
};

const embeddingsObserver: CallObserver = {
  onResult(span, value) {
    const v = rec(value);
    if (!v) return;
    const attrs: Attributes = {};
    setIf(attrs, 'gen_ai.response.model', v.model);
    const usage = rec(v.usage);
    setIf(attrs, 'gen_ai.usage.input_tokens', num(usage?.prompt_tokens));
    const data = v.data;
    if (Array.isArray(data)) {
      const first = rec(data[0])?.embedding;
      if (Array.isArray(first)) attrs['gen_ai.embeddings.dimension.count'] = first.length;
    }
    span.setAttributes(attrs);
  },
};

export function wrapOpenAI<T extends object>(client: T): T {
  try {
    const c = client as Rec;
    const completions = rec(rec(c.chat)?.completions);
    if (completions) {
      wrapMethod(completions, 'create', (params) => {
        const p = rec(params) ?? {};
        const stream = p.stream === true;
        const observer = rec(p.stream_options)?.include_usage === true ? chatObservers.withUsage : chatObservers.withoutUsage;
        return beginSpan('chat', p.model, requestAttributes(p, 'openai'), observer, stream);
      });
    }
    const responses = rec(c.responses);
    if (responses) {
      wrapMethod(responses, 'create', (params) => {
        const p = rec(params) ?? {};
        return beginSpan('chat', p.model, requestAttributes(p, 'openai'), responsesObserver, p.stream === true);
      });
    }
    const embeddings = rec(c.embeddings);
    if (embeddings) {
      wrapMethod(embeddings, 'create', (params) => {
        const p = rec(params) ?? {};
        const attrs: Attributes = { 'gen_ai.provider.name': 'openai' };
        const input = p.input;
        attrs['embedding.input_count'] = Array.isArray(input) && typeof input[0] !== 'number' ? input.length : 1;
        setIf(attrs, 'gen_ai.embeddings.dimension.count', p.dimensions);
        return beginSpan('embeddings', p.model, attrs, embeddingsObserver, false);
      });
    }
  } catch (error) {
    swallow(error);
  }
  return client;
}
