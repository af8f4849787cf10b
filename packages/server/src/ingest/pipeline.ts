import type { Logger } from 'pino';
import type { SpanRecord } from '../domain/span.ts';
import type { Pricer } from '../enrich/pricing/index.ts';
import type { LookoutMetrics } from '../metrics/registry.ts';
import { ApiError } from '../server/errors.ts';
import type { Store, WriteBatch, WriteResult } from '../store/store.ts';

// The shared back half of every ingest path: price, queue, commit, count.
//
// Requests are queued and committed together: while one transaction commits, the next
// requests gather, and the next flush takes all of them (up to maxWriteBatchRows) in one
// transaction. A request's promise resolves only after the transaction holding its rows has
// committed, so an acknowledgement always means "on disk". The queue is bounded in rows;
// past the bound a request is refused at once with 429 and Retry-After instead of growing memory.

export interface PipelineOptions {
  maxQueueRows: number;
  maxWriteBatchRows: number;
}

interface Pending {
  batch: WriteBatch;
  rows: number;
  resolve: (r: WriteResult) => void;
  reject: (e: unknown) => void;
}

const QUEUE_FULL_RETRY_AFTER_S = 1;
const STORE_ERROR_RETRY_AFTER_S = 5;

function rowsOf(b: WriteBatch): number {
  return b.spans.length + b.scores.length + b.logs.length;
}

export class IngestPipeline {
  private readonly store: Store;
  private readonly pricer: Pricer;
  private readonly metrics: LookoutMetrics;
  private readonly logger: Logger;
  private readonly options: PipelineOptions;
  private readonly pending: Pending[] = [];
  private queuedRows = 0;
  private flushing: Promise<void> | null = null;
  private closed = false;

  constructor(deps: { store: Store; pricer: Pricer; metrics: LookoutMetrics; logger: Logger }, options: PipelineOptions) {
    this.store = deps.store;
    this.pricer = deps.pricer;
    this.metrics = deps.metrics;
    this.logger = deps.logger;
    this.options = options;
  }

  get queueDepth(): number {
    return this.queuedRows;
  }

  // Costs spans that do not carry a caller-reported cost.
  price(spans: SpanRecord[]): void {
    for (const s of spans) {
      if (s.cost.status === 'provider_reported') continue;
      s.cost = this.pricer.price(s);
    }
  }

  // Prices, queues and commits one batch. Resolves with per-record outcomes once committed.
  async submit(batch: WriteBatch, source: string): Promise<WriteResult> {
    const rows = rowsOf(batch);
    if (this.closed) {
      this.metrics.dropped.inc({ reason: 'shutting_down' }, rows);
      throw new ApiError('shutting_down', 'the server is shutting down; retry against the new instance', { retryAfterSeconds: 1 });
    }
    if (rows === 0) return { spans: [], scores: [], logs: [] };
    if (this.queuedRows + rows > this.options.maxQueueRows) {
      this.metrics.dropped.inc({ reason: 'queue_full' }, rows);
      throw new ApiError(
        'queue_full',
        `the write queue holds ${this.queuedRows} rows (limit ${this.options.maxQueueRows}); retry after ${QUEUE_FULL_RETRY_AFTER_S}s`,
        { retryAfterSeconds: QUEUE_FULL_RETRY_AFTER_S },
      );
    }
    this.price(batch.spans);
    const result = await new Promise<WriteResult>((resolve, reject) => {
      this.pending.push({ batch, rows, resolve, reject });
      this.queuedRows += rows;
      this.metrics.queueDepth.set(this.queuedRows);
      this.kick();
    });
    this.count(batch, result, source);
    return result;
  }

  private count(batch: WriteBatch, result: WriteResult, source: string): void {
    this.metrics.recordSpans(
      batch.spans.filter((_, i) => result.spans[i] === 'accepted'),
      Date.now(),
    );
    batch.scores.forEach((s, i) => {
      if (result.scores[i] === 'accepted') this.metrics.recordScore(s);
    });
    for (const [type, outcomes] of [
      ['span', result.spans],
      ['score', result.scores],
      ['log', result.logs],
    ] as const) {
      let accepted = 0;
      for (const o of outcomes) if (o === 'accepted') accepted++;
      if (accepted) this.metrics.ingestItems.inc({ source, type, outcome: 'accepted' }, accepted);
      if (outcomes.length - accepted) this.metrics.ingestItems.inc({ source, type, outcome: 'duplicate' }, outcomes.length - accepted);
    }
  }

  private kick(): void {
    if (this.flushing) return;
    this.flushing = this.flushLoop().finally(() => {
      this.flushing = null;
      if (this.pending.length) this.kick();
    });
  }

  private async flushLoop(): Promise<void> {
    while (this.pending.length) {
      const group: Pending[] = [];
      let rows = 0;
      while (this.pending.length && (group.length === 0 || rows + this.pending[0].rows <= this.options.maxWriteBatchRows)) {
        const p = this.pending.shift()!;
        group.push(p);
        rows += p.rows;
      }
      const merged: WriteBatch = { spans: [], scores: [], logs: [] };
      for (const p of group) {
        for (const s of p.batch.spans) merged.spans.push(s);
        for (const s of p.batch.scores) merged.scores.push(s);
        for (const l of p.batch.logs) merged.logs.push(l);
      }
      const started = performance.now();
      try {
        const result = await this.store.write(merged);
        this.metrics.storeWriteSeconds.observe((performance.now() - started) / 1000);
        this.metrics.storeWriteRows.observe(rows);
        let sp = 0;
        let sc = 0;
        let lg = 0;
        for (const p of group) {
          p.resolve({
            spans: result.spans.slice(sp, (sp += p.batch.spans.length)),
            scores: result.scores.slice(sc, (sc += p.batch.scores.length)),
            logs: result.logs.slice(lg, (lg += p.batch.logs.length)),
          });
        }
      } catch (err) {
        this.logger.error({ err, rows }, 'store write failed; the batch was not acknowledged');
        this.metrics.dropped.inc({ reason: 'store_error' }, rows);
        const apiError = new ApiError('store_unavailable', `the store could not commit the batch: ${(err as Error).message}`, {
          retryAfterSeconds: STORE_ERROR_RETRY_AFTER_S,
        });
        for (const p of group) p.reject(apiError);
      } finally {
        this.queuedRows -= rows;
        this.metrics.queueDepth.set(this.queuedRows);
      }
    }
  }

  // Stops taking new batches and waits until everything already queued is committed.
  async drain(): Promise<void> {
    this.closed = true;
    while (this.flushing || this.pending.length) {
      if (this.flushing) await this.flushing;
      else this.kick();
    }
  }
}
