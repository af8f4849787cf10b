import { context, INVALID_SPAN_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api';
import { startSpan, swallow } from './core.ts';
import { classifyError, setIf } from './instrument.ts';

// Seed 004's traced helpers: a span around the caller's function, with the attributes Lookout
// maps to the retrieval / embedding / tool kinds (lookout.span.kind plus the seed's retrieval.* /
// embedding.* names). Children created inside fn are parented to the span. The function's result
// (or error) is passed through unchanged; a promise is returned as the very same promise.

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return v !== null && (typeof v === 'object' || typeof v === 'function') && typeof (v as { then?: unknown }).then === 'function';
}

function fail(span: Span, error: unknown): void {
  try {
    const c = classifyError(error);
    span.setAttributes({ 'error.type': c.type, 'lookout.error.class': c.errorClass });
    span.recordException(error instanceof Error ? error : { name: c.type, message: c.message });
    span.setStatus({ code: SpanStatusCode.ERROR, message: c.message.slice(0, 2000) });
    span.end();
  } catch (e) {
    swallow(e);
  }
}

export function traced<T>(name: string, kind: SpanKind, attributes: Attributes, fn: (span: Span) => T, onResult?: (span: Span, result: Awaited<T>) => void): T {
  let span: Span;
  try {
    span = startSpan(name, kind, attributes);
  } catch (error) {
    swallow(error);
    return fn(trace.wrapSpanContext(INVALID_SPAN_CONTEXT)); // untraced
  }
  const done = (value: unknown) => {
    try {
      if (onResult && span.isRecording()) onResult(span, value as Awaited<T>);
    } catch (error) {
      swallow(error);
    }
    try {
      span.end();
    } catch (error) {
      swallow(error);
    }
  };
  let result: T;
  try {
    result = context.with(trace.setSpan(context.active(), span), fn, undefined, span);
  } catch (error) {
    fail(span, error);
    throw error;
  }
  if (isThenable(result)) {
    result.then(done, (error: unknown) => fail(span, error));
  } else {
    done(result);
  }
  return result;
}

export interface RetrievalOptions<R> {
  index: string;
  query?: string;
  // Defaults: the length of an array result; the highest numeric `score` among its items.
  resultCount?: (result: R) => number | undefined;
  topScore?: (result: R) => number | undefined;
}

function defaultCount(result: unknown): number | undefined {
  return Array.isArray(result) ? result.length : undefined;
}

function defaultTopScore(result: unknown): number | undefined {
  if (!Array.isArray(result)) return undefined;
  let top: number | undefined;
  for (const item of result) {
    if (item === null || typeof item !== 'object') continue;
    const r = item as Record<string, unknown>;
    const s = r.score ?? r.similarity ?? r._score ?? r.relevance_score;
    if (typeof s === 'number' && Number.isFinite(s) && (top === undefined || s > top)) top = s;
  }
  return top;
}

export function traceRetrieval<T>(options: RetrievalOptions<Awaited<T>>, fn: (span: Span) => T): T {
  const attrs: Attributes = { 'lookout.span.kind': 'retrieval', 'retrieval.index': options.index };
  if (typeof options.query === 'string') attrs['retrieval.query'] = options.query.slice(0, 500);
  return traced(`retrieval ${options.index}`, SpanKind.CLIENT, attrs, fn, (span, result) => {
    const count = (options.resultCount ?? defaultCount)(result);
    const top = (options.topScore ?? defaultTopScore)(result);
    const out: Attributes = {};
    setIf(out, 'retrieval.result_count', count);
    setIf(out, 'retrieval.top_score', top);
    span.setAttributes(out);
  });
}

export interface EmbeddingOptions<R> {
  model: string;
  inputCount: number;
  dimensions?: number;
  truncated?: boolean;
  // Reads the dimension count from the result when not given (default: length of result[0]).
  dimensionsOf?: (result: R) => number | undefined;
}

export function traceEmbedding<T>(options: EmbeddingOptions<Awaited<T>>, fn: (span: Span) => T): T {
  const attrs: Attributes = { 'lookout.span.kind': 'embedding', 'embedding.model': options.model, 'embedding.input_count': options.inputCount };
  setIf(attrs, 'embedding.dimensions', options.dimensions);
  setIf(attrs, 'embedding.truncated', options.truncated);
  return traced(`embedding ${options.model}`, SpanKind.CLIENT, attrs, fn, (span, result) => {
    if (options.dimensions !== undefined) return;
    const dims = options.dimensionsOf
      ? options.dimensionsOf(result)
      : Array.isArray(result) && Array.isArray(result[0])
        ? (result[0] as unknown[]).length
        : undefined;
    if (dims !== undefined) span.setAttribute('embedding.dimensions', dims);
  });
}

export function traceTool<T>(name: string, fn: (span: Span) => T): T {
  return traced(`execute_tool ${name}`, SpanKind.INTERNAL, { 'lookout.span.kind': 'tool', 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': name }, fn);
}

// The trace id / span id of the active span (undefined outside a recorded span).
export function currentTraceId(): string | undefined {
  const sc = trace.getActiveSpan()?.spanContext();
  return sc && trace.isSpanContextValid(sc) ? sc.traceId : undefined;
}

export function currentSpanId(): string | undefined {
  const sc = trace.getActiveSpan()?.spanContext();
  return sc && trace.isSpanContextValid(sc) ? sc.spanId : undefined;
}
