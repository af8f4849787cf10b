import { context, ProxyTracerProvider, trace, TraceFlags, type Attributes, type Span, type SpanKind, type Tracer, type TracerProvider as ApiTracerProvider } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  TracerProvider,
  type ReadableSpan,
  type Span as SdkSpan,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace';
import { currentContextAttributes } from './context.ts';

export const SDK_NAME = '@lookout/sdk';
export const SDK_VERSION = '0.1.0';

export interface InitOptions {
  // Lookout's base URL (or any OTLP/HTTP collector): spans go to `${endpoint}/v1/traces`,
  // scores to `${endpoint}/api/v1/ingest`.
  endpoint?: string;
  apiKey?: string;
  // Fraction of new traces recorded (parent-based: a child follows its parent's decision).
  sampleRate?: number;
  serviceName?: string;
  maxQueueSize?: number;
  scheduledDelayMs?: number;
  maxExportBatchSize?: number;
  // Replaces the OTLP exporter (tests, or another backend).
  exporter?: SpanExporter;
}

export interface SdkStats {
  queued: number; // finished spans waiting to be exported
  dropped: number; // spans dropped because the queue was full
  exported: number;
  exportFailures: number; // spans in batches the exporter failed to send
  instrumentationErrors: number; // errors inside the SDK, swallowed
  scoresSent: number;
  scoresFailed: number;
  scoresDropped: number;
}

export interface LookoutHandle {
  // true when init() found a tracer provider already registered and joined it
  readonly joinedExistingProvider: boolean;
  flush(): Promise<void>;
  shutdown(): Promise<void>;
  stats(): SdkStats;
}

interface State {
  endpoint: string;
  apiKey?: string;
  tracer: Tracer | undefined;
  owned?: { provider: TracerProvider; counting: CountingProcessor; contextManager?: AsyncLocalStorageContextManager };
}

export const counters = {
  dropped: 0,
  exported: 0,
  exportFailures: 0,
  instrumentationErrors: 0,
  scoresSent: 0,
  scoresFailed: 0,
  scoresDropped: 0,
};

let state: State = { endpoint: 'http://127.0.0.1:4318', tracer: undefined };
const flushHooks = new Set<() => Promise<void>>();

export function registerFlushHook(hook: () => Promise<void>): void {
  flushHooks.add(hook);
}

export function sdkEndpoint(): { endpoint: string; apiKey?: string } {
  return { endpoint: state.endpoint, apiKey: state.apiKey };
}

// Counts and swallows an error inside the SDK. Never throws.
export function swallow(_error: unknown): void {
  counters.instrumentationErrors++;
  if (process.env.LOOKOUT_SDK_DEBUG === '1') {
    try {
      console.warn('[lookout sdk] instrumentation error (swallowed):', _error);
    } catch {
      // nothing
    }
  }
}

export function getTracer(): Tracer {
  return state.tracer ?? trace.getTracer(SDK_NAME, SDK_VERSION);
}

// Starts a span as a child of the active one, with the current lookout context attributes.
export function startSpan(name: string, kind: SpanKind, attributes: Attributes): Span {
  const ctxAttrs = currentContextAttributes();
  const all = ctxAttrs === attributes ? attributes : { ...ctxAttrs, ...attributes };
  return getTracer().startSpan(name, { kind, attributes: all });
}

function hasRealProvider(): boolean {
  const global: ApiTracerProvider = trace.getTracerProvider();
  const delegate = global instanceof ProxyTracerProvider ? global.getDelegate() : global;
  return delegate.constructor?.name !== 'NoopTracerProvider';
}

// Wraps the batch processor to count the spans it drops when its queue is full, and to stamp the
// lookout context on spans other instrumentations create inside withContext.
class CountingProcessor implements SpanProcessor {
  readonly inner: BatchSpanProcessor;
  readonly maxQueueSize: number;
  private stopped = false;

  constructor(inner: BatchSpanProcessor, maxQueueSize: number) {
    this.inner = inner;
    this.maxQueueSize = maxQueueSize;
  }

  queued(): number {
    const q = (this.inner as unknown as { _finishedSpans?: unknown[] })._finishedSpans;
    return Array.isArray(q) ? q.length : 0;
  }

  onStart(span: SdkSpan, parentContext: Parameters<SpanProcessor['onStart']>[1]): void {
    try {
      if ((span as unknown as ReadableSpan).instrumentationScope?.name !== SDK_NAME) {
        const attrs = currentContextAttributes();
        for (const key in attrs) {
          span.setAttributes(attrs);
          break;
        }
      }
    } catch (error) {
      swallow(error);
    }
    this.inner.onStart(span, parentContext);
  }

  onEnd(span: ReadableSpan): void {
    try {
      if (!this.stopped && (span.spanContext().traceFlags & TraceFlags.SAMPLED) !== 0 && this.queued() >= this.maxQueueSize) counters.dropped++;
    } catch (error) {
      swallow(error);
    }
    this.inner.onEnd(span);
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush();
  }

  shutdown(): Promise<void> {
    this.stopped = true;
    return this.inner.shutdown();
  }
}

function countingExporter(exporter: SpanExporter): SpanExporter {
  return {
    export(spans, resultCallback) {
      exporter.export(spans, (result) => {
        if (result.code === 0) counters.exported += spans.length;
        else counters.exportFailures += spans.length;
        resultCallback(result);
      });
    },
    shutdown: () => exporter.shutdown(),
    forceFlush: exporter.forceFlush ? () => exporter.forceFlush!() : undefined,
  };
}

export function init(options: InitOptions = {}): LookoutHandle {
  const endpoint = (options.endpoint ?? process.env.LOOKOUT_ENDPOINT ?? 'http://127.0.0.1:4318').replace(/\/+$/, '');
  const apiKey = options.apiKey ?? process.env.LOOKOUT_API_KEY;
  state = { endpoint, apiKey, tracer: undefined };

  if (hasRealProvider()) {
    // The application already set up OpenTelemetry: join its provider (and its exporters).
    state.tracer = trace.getTracer(SDK_NAME, SDK_VERSION);
    return handle(true);
  }

  const maxQueueSize = options.maxQueueSize ?? 2048;
  const sampleRate = Math.min(1, Math.max(0, options.sampleRate ?? 1));
  const exporter =
    options.exporter ??
    new OTLPTraceExporter({
      url: `${endpoint}/v1/traces`,
      headers: apiKey ? { authorization: `Bearer ${apiKey}` } : undefined,
    });
  const batch = new BatchSpanProcessor({
    exporter: countingExporter(exporter),
    maxQueueSize,
    maxExportBatchSize: Math.min(options.maxExportBatchSize ?? 512, maxQueueSize),
    scheduledDelayMillis: options.scheduledDelayMs ?? 1000,
  });
  const counting = new CountingProcessor(batch, maxQueueSize);
  const provider = new TracerProvider({
    resource: resourceFromAttributes(options.serviceName ? { 'service.name': options.serviceName } : {}),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(sampleRate) }),
    spanProcessors: [counting],
  });
  const contextManager = new AsyncLocalStorageContextManager();
  contextManager.enable();
  const cmRegistered = context.setGlobalContextManager(contextManager);
  trace.setGlobalTracerProvider(provider);
  state.owned = { provider, counting, contextManager: cmRegistered ? contextManager : undefined };
  if (!cmRegistered) contextManager.disable();
  state.tracer = provider.getTracer(SDK_NAME, SDK_VERSION);
  const h = handle(false);
  // A process that ends by running out of work still exports what is queued.
  process.once('beforeExit', () => void h.flush());
  return h;
}

async function runFlushHooks(): Promise<void> {
  await Promise.all([...flushHooks].map((h) => h().catch(swallow)));
}

function handle(joined: boolean): LookoutHandle {
  const mine = state;
  return {
    joinedExistingProvider: joined,
    async flush() {
      try {
        await runFlushHooks();
        if (mine.owned) await mine.owned.provider.forceFlush();
        else await (trace.getTracerProvider() as { forceFlush?: () => Promise<void> }).forceFlush?.();
      } catch (error) {
        swallow(error);
      }
    },
    async shutdown() {
      try {
        await runFlushHooks();
        if (mine.owned) {
          await mine.owned.provider.shutdown();
          if (state === mine) {
            trace.disable();
            if (mine.owned.contextManager) context.disable();
          }
        }
      } catch (error) {
        swallow(error);
      }
      if (state === mine) state = { endpoint: mine.endpoint, apiKey: mine.apiKey, tracer: undefined };
    },
    stats() {
      return {
        queued: mine.owned ? mine.owned.counting.queued() : 0,
        ...counters,
      };
    },
  };
}
