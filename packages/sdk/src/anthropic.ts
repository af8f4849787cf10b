import { context, type Attributes } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { swallow } from './core.ts';
import { num, setIf, wrapMethod, type CallObserver } from './instrument.ts';
import { beginSpan } from './openai.ts';

// wrapAnthropic(client): traces messages.create (streamed or not) of `@anthropic-ai/sdk`.
//
// Tokens: Anthropic's usage.input_tokens EXCLUDES cache_read_input_tokens and
// cache_creation_input_tokens. The GenAI semconv (and Lookout's reading of gen_ai.usage.*) wants
// gen_ai.usage.input_tokens = input + cache_read + cache_creation, with the cache counts also
// given on their own. That is what is emitted, so Lookout subtracts them and charges each token
// exactly once, in its own bucket.

type Rec = Record<string, unknown>;

function rec(v: unknown): Rec | undefined {
  return v !== null && typeof v === 'object' ? (v as Rec) : undefined;
}

interface AnthropicUsage {
  input?: number;
  output?: number;
  cacheRead?: number;
  cacheWrite?: number;
}

function mergeUsage(into: AnthropicUsage, u: Rec | undefined): void {
  if (!u) return;
  const input = num(u.input_tokens);
  const output = num(u.output_tokens);
  const read = num(u.cache_read_input_tokens);
  const write = num(u.cache_creation_input_tokens);
  if (input !== undefined) into.input = input;
  if (output !== undefined) into.output = output;
  if (read !== undefined) into.cacheRead = read;
  if (write !== undefined) into.cacheWrite = write;
}

function usageAttributes(u: AnthropicUsage): Attributes {
  const attrs: Attributes = {};
  const read = u.cacheRead ?? 0;
  const write = u.cacheWrite ?? 0;
  if (u.input !== undefined) attrs['gen_ai.usage.input_tokens'] = u.input + read + write;
  if (u.output !== undefined) attrs['gen_ai.usage.output_tokens'] = u.output;
  if (u.cacheRead !== undefined) attrs['gen_ai.usage.cache_read.input_tokens'] = u.cacheRead;
  if (u.cacheWrite !== undefined) attrs['gen_ai.usage.cache_creation.input_tokens'] = u.cacheWrite;
  return attrs;
}

const messagesObserver: CallObserver = {
  onResult(span, value) {
    const v = rec(value);
    if (!v) return;
    const u: AnthropicUsage = {};
    mergeUsage(u, rec(v.usage));
    const attrs = usageAttributes(u);
    setIf(attrs, 'gen_ai.response.model', v.model);
    setIf(attrs, 'gen_ai.response.id', v.id);
    if (typeof v.stop_reason === 'string') attrs['gen_ai.response.finish_reasons'] = [v.stop_reason];
    span.setAttributes(attrs);
  },
  onChunk(_span, chunk, st) {
    const c = rec(chunk);
    if (!c) return;
    const usage = (st.data.usage ??= {}) as AnthropicUsage;
    switch (c.type) {
      case 'message_start': {
        const m = rec(c.message);
        st.data.model = m?.model;
        st.data.id = m?.id;
        mergeUsage(usage, rec(m?.usage));
        break;
      }
      case 'content_block_delta':
        st.firstTokenMs ??= performance.now();
        break;
      case 'message_delta': {
        const reason = rec(c.delta)?.stop_reason;
        if (typeof reason === 'string') st.data.reason = reason;
        mergeUsage(usage, rec(c.usage));
        break;
      }
      default:
        break;
    }
  },
  onStreamEnd(span, st) {
    const u = (st.data.usage ?? {}) as AnthropicUsage;
    const attrs = usageAttributes(u);
    setIf(attrs, 'gen_ai.response.model', st.data.model);
    setIf(attrs, 'gen_ai.response.id', st.data.id);
    if (typeof st.data.reason === 'string') attrs['gen_ai.response.finish_reasons'] = [st.data.reason];
    st.outputTokens = u.output;
    span.setAttributes(attrs);
  },
};

export interface WrapAnthropicOptions {
  // @anthropic-ai/sdk >= 1.x emits its own OpenTelemetry span per call. By default the wrapper
  // suppresses it for the calls it traces (one generation span per call, so nothing is charged
  // twice, with the token semantics above). 'keep': the wrapper steps aside when the client's own
  // tracing is on, and the client's span is the record (our provider still stamps the lookout
  // context on it).
  nativeSpans?: 'suppress' | 'keep';
}

function nativeTracingOn(client: object): boolean {
  const ot = rec((client as Rec).openTelemetry);
  return rec(ot?.traces)?.enabled === true;
}

export function wrapAnthropic<T extends object>(client: T, options: WrapAnthropicOptions = {}): T {
  try {
    const messages = rec((client as Rec).messages);
    if (messages && options.nativeSpans === 'keep' && nativeTracingOn(client)) return client;
    if (messages) {
      wrapMethod(messages, 'create', (params, requestOptions) => {
        // messages.stream() and the tool runner start the client's own span and hand it to create()
        // (__span): that span is the record of the call, so the wrapper adds none (no double count).
        if (rec(requestOptions)?.__span !== undefined) return undefined;
        const p = rec(params) ?? {};
        const attrs: Attributes = { 'gen_ai.provider.name': 'anthropic' };
        setIf(attrs, 'gen_ai.request.max_tokens', p.max_tokens);
        setIf(attrs, 'gen_ai.request.temperature', p.temperature);
        setIf(attrs, 'gen_ai.request.top_p', p.top_p);
        if (p.stream === true) attrs['gen_ai.request.stream'] = true;
        return beginSpan('chat', p.model, attrs, messagesObserver, p.stream === true);
      }, (call) => context.with(suppressTracing(context.active()), call));
    }
  } catch (error) {
    swallow(error);
  }
  return client;
}
