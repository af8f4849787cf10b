import { SpanStatusCode, type Attributes, type Span } from '@opentelemetry/api';
import { swallow } from './core.ts';

// Shared machinery of the client wrappers: observe an SDK call's return value (a promise, an
// APIPromise, or a promise of a stream) without changing it, and end the span exactly once.

export type ErrorClass = 'rate_limit' | 'timeout' | 'auth' | 'content_filter' | 'server' | 'invalid_request' | 'cancelled' | 'other';

export function classifyError(error: unknown): { type: string; status?: number; errorClass: ErrorClass; message: string } {
  const e = error as { status?: unknown; name?: unknown; message?: unknown; constructor?: { name?: string } } | null;
  const status = typeof e?.status === 'number' ? e.status : undefined;
  const ctorName = e?.constructor?.name;
  const type = (ctorName && ctorName !== 'Object' && ctorName !== 'Error' ? ctorName : typeof e?.name === 'string' ? e.name : undefined) ?? 'Error';
  const message = typeof e?.message === 'string' ? e.message : String(error);
  let errorClass: ErrorClass = 'other';
  if (status !== undefined) {
    if (status === 429) errorClass = 'rate_limit';
    else if (status === 408 || status === 504) errorClass = 'timeout';
    else if (status === 401 || status === 403) errorClass = 'auth';
    else if (status === 499) errorClass = 'cancelled';
    else if (status >= 500) errorClass = 'server';
    else if (status >= 400) errorClass = 'invalid_request';
  } else if (/abort|cancel/i.test(type)) errorClass = 'cancelled';
  else if (/timeout/i.test(type) || /timed? ?out/i.test(message)) errorClass = 'timeout';
  else if (/connection/i.test(type)) errorClass = 'server';
  else if (/content.?filter|safety|moderation/i.test(message)) errorClass = 'content_filter';
  return { type, status, errorClass, message };
}

export interface CallObserver {
  // A non-streamed result.
  onResult?(span: Span, value: unknown): void;
  // One streamed chunk; `first` when no chunk carried content yet (return true if this one did).
  onChunk?(span: Span, chunk: unknown, state: StreamState): void;
  // The stream ended normally.
  onStreamEnd?(span: Span, state: StreamState): void;
}

export interface StreamState {
  startMs: number;
  firstTokenMs?: number;
  outputTokens?: number;
  data: Record<string, unknown>;
}

export class Tracking {
  readonly span: Span;
  readonly observer: CallObserver;
  readonly stream: boolean;
  readonly state: StreamState;
  private ended = false;

  constructor(span: Span, observer: CallObserver, stream: boolean) {
    this.span = span;
    this.observer = observer;
    this.stream = stream;
    this.state = { startMs: performance.now(), data: {} };
  }

  result(value: unknown): void {
    if (this.ended) return;
    try {
      this.observer.onResult?.(this.span, value);
    } catch (error) {
      swallow(error);
    }
    this.end();
  }

  chunk(value: unknown): void {
    if (this.ended) return;
    try {
      this.observer.onChunk?.(this.span, value, this.state);
    } catch (error) {
      swallow(error);
    }
  }

  streamEnd(): void {
    if (this.ended) return;
    try {
      const st = this.state;
      if (st.firstTokenMs !== undefined) {
        this.span.setAttribute('gen_ai.response.time_to_first_chunk', (st.firstTokenMs - st.startMs) / 1000);
      }
      this.observer.onStreamEnd?.(this.span, st);
      if (st.firstTokenMs !== undefined && st.outputTokens !== undefined && st.outputTokens > 0) {
        const genSeconds = (performance.now() - st.firstTokenMs) / 1000;
        if (genSeconds > 0) {
          this.span.setAttribute('lookout.stream.tokens_per_second', Math.round((st.outputTokens / genSeconds) * 100) / 100);
          this.span.setAttribute('lookout.stream.time_per_output_token_ms', Math.round(((genSeconds * 1000) / st.outputTokens) * 1000) / 1000);
        }
      }
    } catch (error) {
      swallow(error);
    }
    this.end();
  }

  fail(error: unknown): void {
    if (this.ended) return;
    try {
      const c = classifyError(error);
      const attrs: Attributes = { 'error.type': c.type, 'lookout.error.class': c.errorClass };
      if (c.status !== undefined) attrs['http.response.status_code'] = c.status;
      this.span.setAttributes(attrs);
      this.span.recordException(error instanceof Error ? error : { message: c.message, name: c.type });
      this.span.setStatus({ code: SpanStatusCode.ERROR, message: c.message.slice(0, 2000) });
    } catch (e) {
      swallow(e);
    }
    this.end();
  }

  // The caller stopped iterating early (break): what was seen so far is kept.
  abandon(): void {
    if (this.ended) return;
    try {
      this.span.setAttribute('lookout.stream.abandoned', true);
    } catch (e) {
      swallow(e);
    }
    this.streamEnd();
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    try {
      this.span.end();
    } catch (error) {
      swallow(error);
    }
  }
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return v !== null && (typeof v === 'object' || typeof v === 'function') && typeof (v as { then?: unknown }).then === 'function';
}

interface ApiPromiseLike {
  responsePromise: PromiseLike<unknown>;
  parseResponse: (...a: unknown[]) => unknown;
  parsedPromise?: unknown;
  asResponse?: (...a: unknown[]) => unknown;
}

function isApiPromise(v: unknown): v is ApiPromiseLike {
  const p = v as Partial<ApiPromiseLike> | null;
  return p !== null && typeof p === 'object' && isThenable(p.responsePromise) && typeof p.parseResponse === 'function';
}

// Observes the value an SDK method returned. The value itself is returned unchanged by the caller.
export function observeReturn(ret: unknown, tracking: Tracking): void {
  if (isApiPromise(ret)) {
    observeApiPromise(ret, tracking);
    return;
  }
  if (isThenable(ret)) {
    ret.then(
      (value) => settleValue(tracking, value),
      (error: unknown) => tracking.fail(error),
    );
    return;
  }
  tracking.result(ret);
}

// Runs in branches of the caller's promises that nobody else handles: it must never throw.
function settleValue(tracking: Tracking, value: unknown): void {
  try {
    if (tracking.stream && patchStream(value, tracking)) return;
  } catch (error) {
    swallow(error);
  }
  tracking.result(value);
}

// The clients' APIPromise parses the body lazily, once, whichever way the caller asks for it
// (await, .withResponse(), .parse() helpers that chain _thenUnwrap). The wrapper never asks for
// it itself: it wraps the instance's parseResponse, so it sees the parsed value (or the stream,
// patched before the caller gets it) exactly when the caller's own path produces it. HTTP errors
// reject responsePromise before any parsing. A caller who only reads the raw Response
// (.asResponse()) gets a span without usage.
function observeApiPromise(ret: ApiPromiseLike, tracking: Tracking): void {
  const originalParse = ret.parseResponse;
  let parsed = false;
  const onError = (e: unknown) => tracking.fail(e);
  ret.parseResponse = function (this: unknown, ...a: unknown[]) {
    parsed = true;
    const out = originalParse.apply(this, a);
    try {
      // A branch beside the caller's chain, registered before the client awaits `out`: the span
      // ends before the caller resumes, and the caller's chain is exactly the unwrapped one.
      if (isThenable(out)) out.then((v) => settleValue(tracking, v), onError);
      else settleValue(tracking, out);
    } catch (error) {
      swallow(error);
    }
    return out;
  };
  ret.responsePromise.then(undefined, onError);
  const originalAsResponse = ret.asResponse;
  if (typeof originalAsResponse === 'function') {
    ret.asResponse = function (this: ApiPromiseLike, ...a: unknown[]) {
      try {
        if (this.parsedPromise === undefined) {
          // raw read: unless the body gets parsed after all, end the span once the response is in
          const endIfRaw = () => {
            if (parsed) return;
            try {
              tracking.span.setAttribute('lookout.usage.unavailable', 'raw response read by the caller');
            } catch (error) {
              swallow(error);
            }
            tracking.end();
          };
          ret.responsePromise.then(
            () => setTimeout(endIfRaw, 0),
            () => undefined,
          );
        }
      } catch (error) {
        swallow(error);
      }
      return originalAsResponse.apply(this, a);
    };
  }
}

// Streams of the openai and @anthropic-ai/sdk clients keep their generator factory in
// `iterator`; iteration, tee() and toReadableStream() all go through it. Replacing it on the
// instance observes every chunk while the caller keeps the very same object.
function patchStream(value: unknown, tracking: Tracking): boolean {
  const stream = value as { iterator?: (...a: unknown[]) => AsyncIterator<unknown> } | null;
  if (stream === null || typeof stream !== 'object' || typeof stream.iterator !== 'function') return false;
  const original = stream.iterator;
  stream.iterator = function (this: unknown, ...a: unknown[]) {
    const it = original.apply(this, a);
    try {
      return observeIterator(it, tracking);
    } catch (error) {
      swallow(error);
      return it;
    }
  };
  return true;
}

function observeIterator(it: AsyncIterator<unknown>, tracking: Tracking): AsyncIterator<unknown> & AsyncIterable<unknown> {
  const wrapped = {
    async next(...a: [] | [unknown]) {
      let r: IteratorResult<unknown>;
      try {
        r = await it.next(...a);
      } catch (error) {
        tracking.fail(error);
        throw error;
      }
      if (r.done) tracking.streamEnd();
      else tracking.chunk(r.value);
      return r;
    },
    async return(v?: unknown) {
      tracking.abandon();
      return it.return ? it.return(v) : { done: true as const, value: v };
    },
    async throw(e?: unknown) {
      tracking.fail(e);
      if (it.throw) return it.throw(e);
      throw e;
    },
    [Symbol.asyncIterator]() {
      return wrapped;
    },
  };
  return wrapped;
}

// Replaces target[key] (a method of an SDK resource) with a traced version. `begin` returns the
// tracking for one call (or undefined to pass through untraced); it must not throw, but if it
// does the call goes through untraced.
export function wrapMethod(
  target: Record<string, unknown>,
  key: string,
  begin: (params: unknown, options: unknown) => Tracking | undefined,
  invoke?: <R>(call: () => R) => R,
): void {
  const original = target[key];
  if (typeof original !== 'function' || (original as { __lookoutWrapped?: boolean }).__lookoutWrapped) return;
  const traced = function (this: unknown, ...args: unknown[]) {
    let tracking: Tracking | undefined;
    try {
      tracking = begin(args[0], args[1]);
    } catch (error) {
      swallow(error);
    }
    if (tracking === undefined) return (original as (...a: unknown[]) => unknown).apply(this, args);
    let ret: unknown;
    try {
      ret = invoke ? invoke(() => (original as (...a: unknown[]) => unknown).apply(this, args)) : (original as (...a: unknown[]) => unknown).apply(this, args);
    } catch (error) {
      tracking.fail(error);
      throw error; // the client's own error, unchanged
    }
    try {
      observeReturn(ret, tracking);
    } catch (error) {
      swallow(error);
    }
    return ret;
  };
  Object.defineProperty(traced, '__lookoutWrapped', { value: true });
  target[key] = traced;
}

export function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export function setIf(attrs: Attributes, key: string, v: unknown): void {
  if (typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))) attrs[key] = v;
}
