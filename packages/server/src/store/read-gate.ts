import { LookoutError } from '../errors.ts';
import { currentReadTenant, isServerRead } from './read-tenant.ts';
import type { ReadRefusal } from './store.ts';

// Shares a store's read capacity out among the projects whose requests it serves (the tenant
// is the project, read-tenant.ts): each runs at most `perTenant` reads at a time, and a project
// whose reads pile up is refused (429) instead of queueing without bound. The server's own reads
// (ingest duplicate checks, alert evaluation, refreshes) are never held back. DuckDB schedules
// its connections itself (duckdb/db.ts); a backend reading over the network uses this.

const RETRY_AFTER_BUSY_S = 1;

export interface ReadGateLimits {
  perTenant: number; // reads of one project running at once
  queuedPerTenant: number; // of one project waiting
  queued: number; // of all projects waiting
}

export class ReadGate {
  private readonly limits: ReadGateLimits;
  private readonly onRefused: (reason: ReadRefusal) => void;
  private readonly running = new Map<string, number>();
  private readonly waiting = new Map<string, (() => void)[]>();
  private waitingTotal = 0;

  constructor(limits: ReadGateLimits, onRefused: (reason: ReadRefusal) => void = () => undefined) {
    this.limits = limits;
    this.onRefused = onRefused;
  }

  async run<T>(read: () => Promise<T>): Promise<T> {
    const tenant = currentReadTenant();
    if (isServerRead(tenant)) return read();
    // A read that waits is handed a finishing read's slot; the count stays as it was.
    if ((this.running.get(tenant) ?? 0) >= this.limits.perTenant) await this.wait(tenant);
    else this.running.set(tenant, (this.running.get(tenant) ?? 0) + 1);
    try {
      return await read();
    } finally {
      this.release(tenant);
    }
  }

  private wait(tenant: string): Promise<void> {
    const queue = this.waiting.get(tenant) ?? [];
    if (queue.length >= this.limits.queuedPerTenant) {
      return this.refuse(`${queue.length} queries of this project are already waiting for the store (at most ${this.limits.queuedPerTenant}); send fewer at once`);
    }
    if (this.waitingTotal >= this.limits.queued) {
      return this.refuse(`${this.waitingTotal} queries are already waiting for the store (at most ${this.limits.queued} in all); retry shortly`);
    }
    this.waitingTotal++;
    return new Promise<void>((resolve) => {
      queue.push(resolve);
      this.waiting.set(tenant, queue);
    });
  }

  private release(tenant: string): void {
    const queue = this.waiting.get(tenant);
    const next = queue?.shift();
    if (next) {
      // The slot passes straight to the project's next read.
      this.waitingTotal--;
      if (!queue!.length) this.waiting.delete(tenant);
      next();
      return;
    }
    const n = (this.running.get(tenant) ?? 1) - 1;
    if (n > 0) this.running.set(tenant, n);
    else this.running.delete(tenant);
  }

  private refuse(message: string): Promise<never> {
    this.onRefused('busy');
    return Promise.reject(new LookoutError('too_many_queries', message, { retryAfterSeconds: RETRY_AFTER_BUSY_S }));
  }
}
