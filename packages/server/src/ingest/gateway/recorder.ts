import { setImmediate } from 'node:timers/promises';
import type { SpanRecord } from '../../domain/span.ts';
import { LookoutError } from '../../errors.ts';
import type { Logger } from 'pino';
import type { LookoutConfig } from '../../config/config.ts';
import type { LookoutMetrics } from '../../metrics/registry.ts';
import type { ContentPolicy } from '../content-policy.ts';
import type { IngestPipeline } from '../pipeline.ts';
import { buildSpan, type GatewayCallRecord } from './record.ts';

// The gateway's recording after a call has been read: its span is built and gathered with the
// calls that end within gateway.recordFlushMs, then submitted to the ingest pipeline. It fails
// open: a full queue, a store that is down or a server shutting down lose the records, count them
// (lookout_gateway_recording_lost_total), and nothing else.
//
// The pipeline runs its chain (redaction, detection, pricing) over a submission before it returns,
// so a flush submits its calls in slices of about one turn's worth of that work, with the event
// loop free between them. The pipeline writes the slices that wait for one journal write together,
// so slicing adds no writes beyond the first.

// Recorded calls submitted together at most (gateway.recordFlushMs bounds how long they wait).
const RECORD_BATCH_MAX = 1024;
const FLUSH_SLICE_MAX = 256;
const FLUSH_SLICE_FIRST = 4; // until the cost of a call has been seen

// What the recorder uses of the server's context.
export interface RecorderDeps {
  config: Pick<LookoutConfig, 'gateway'>;
  content: Pick<ContentPolicy, 'modeOf'>;
  pipeline: Pick<IngestPipeline, 'submit'>;
  metrics: Pick<LookoutMetrics, 'gatewayRecordingPending' | 'gatewayRecordingLost'>;
  logger: Logger;
}

export class GatewayRecorder {
  private pending: SpanRecord[] = [];
  private flushTimer: NodeJS.Timeout | null = null;
  private sliceSize = FLUSH_SLICE_FIRST;
  // Flushes run one after the other, each after the one before has submitted its last slice, so
  // that closing can wait for all of them.
  private flushing: Promise<void> = Promise.resolve();
  private unsubmitted = 0; // calls taken by a flush whose slice is not submitted yet
  private readsWaiting = 0; // ended calls queued to be read

  private readonly ctx: RecorderDeps;
  private readonly turnMs: number;

  constructor(ctx: RecorderDeps, turnMs: number) {
    this.ctx = ctx;
    this.turnMs = turnMs;
  }

  // An ended call was queued to be read, and was read (or failed to be).
  readQueued(): void {
    this.readsWaiting++;
    this.showPending();
  }

  readDone(): void {
    this.readsWaiting--;
  }

  // Calls ending within a few milliseconds of each other go to the pipeline together: one
  // submission (one group in the journal) instead of one per call.
  record(r: GatewayCallRecord): void {
    let span: SpanRecord;
    try {
      span = buildSpan(r, this.ctx.content.modeOf(r.projectId));
    } catch (err) {
      this.lost(err, 1);
      return;
    }
    this.pending.push(span);
    this.showPending();
    if (this.pending.length >= RECORD_BATCH_MAX) void this.flush();
    else if (this.flushTimer === null) {
      this.flushTimer = setTimeout(() => void this.flush(), this.ctx.config.gateway.recordFlushMs);
      this.flushTimer.unref();
    }
  }

  // Resolves once every call gathered so far is submitted (not yet acknowledged), including
  // those of flushes started before.
  flush(): Promise<void> {
    if (this.flushTimer !== null) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    const spans = this.pending;
    if (spans.length) {
      this.pending = [];
      this.unsubmitted += spans.length;
      this.flushing = this.flushing.then(() => this.submitSlices(spans)).catch((err: unknown) => this.ctx.logger.error({ err }, 'gateway flush failed'));
    }
    return this.flushing;
  }

  // Ended calls not yet in the pipeline: waiting to be read, gathered, or in a flush's slices.
  private showPending(): void {
    this.ctx.metrics.gatewayRecordingPending.set(this.readsWaiting + this.pending.length + this.unsubmitted);
  }

  private async submitSlices(spans: SpanRecord[]): Promise<void> {
    for (let from = 0; from < spans.length; ) {
      if (from > 0) await setImmediate();
      const n = Math.min(this.sliceSize, spans.length - from);
      const started = performance.now();
      this.unsubmitted -= n;
      this.showPending();
      this.submit(spans.slice(from, (from += n)));
      const tookMs = performance.now() - started;
      // The next slice's size from this one's cost; growing at most twofold, so that one cheap
      // slice does not make the next a long one.
      const fits = Math.floor((n * this.turnMs) / Math.max(tookMs, 0.001));
      this.sliceSize = Math.max(1, Math.min(FLUSH_SLICE_MAX, 2 * this.sliceSize, fits));
    }
  }

  private submit(spans: SpanRecord[]): void {
    let promise: Promise<unknown>;
    try {
      promise = this.ctx.pipeline.submit({ spans, scores: [], logs: [] }, 'gateway');
    } catch (err) {
      promise = Promise.reject(err);
    }
    promise.catch((err: unknown) => this.lost(err, spans.length));
  }

  lost(err: unknown, count: number): void {
    const code = err instanceof LookoutError ? err.code : null;
    const reason = code === 'queue_full' || code === 'shutting_down' ? code : code === 'store_unavailable' || code === null ? 'store_error' : 'other';
    this.lostAs(reason, count, err);
  }

  lostAs(reason: string, count: number, err: unknown): void {
    this.ctx.metrics.gatewayRecordingLost.inc({ reason }, count);
    this.ctx.logger.warn({ event: 'gateway_record_lost', reason, count, err: err instanceof Error ? err.message : err === null ? undefined : String(err) }, 'gateway calls were served but not recorded');
  }
}
