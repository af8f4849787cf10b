import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { Counter, type Registry } from 'prom-client';
import type { AuditActor, AuditEntry, AuditLog } from '../store/audit.ts';
import { DEFAULT_PROJECT, type ProjectId } from '../store/project.ts';
import { METRIC } from '../metrics/names.ts';
import { redactDetails } from './redact.ts';

// E4: entries are appended off the request path: a request puts its entry in a small queue,
// written to the store every FLUSH_INTERVAL_MS (and at once when it fills, and on close). A failed
// append is logged, counted (lookout_audit_append_failures_total) and tried again with the next
// flush; the queue is bounded, so a store down for long drops the oldest entries (logged).

export const FLUSH_INTERVAL_MS = 1_000;
export const FLUSH_AT_ENTRIES = 200;
export const MAX_QUEUED_ENTRIES = 10_000;
const MAX_USER_AGENT_CHARS = 512;
const MAX_PATH_CHARS = 1_024;
const MAX_ACTION_CHARS = 128;
const MAX_TARGET_CHARS = 256;

export const AUDIT_APPEND_FAILURES_METRIC = METRIC.auditAppendFailures;

// What a caller gives; the recorder adds id and time, bounds and redacts.
export interface AuditInput {
  action: string;
  actor: AuditActor;
  projectId?: ProjectId | null;
  ip?: string | null;
  userAgent?: string | null;
  target?: string | null;
  method?: string | null;
  path?: string | null;
  status?: number;
  details?: Record<string, unknown> | null;
  at?: Date;
}

function bounded(v: string | null | undefined, max: number): string | null {
  if (v === null || v === undefined || v === '') return null;
  return v.length > max ? v.slice(0, max) : v;
}

// The entry `input` makes: secrets redacted, sizes bounded.
export function auditEntry(input: AuditInput): AuditEntry {
  return {
    id: randomUUID(),
    at: (input.at ?? new Date()).toISOString(),
    projectId: input.projectId ?? DEFAULT_PROJECT,
    actor: { kind: input.actor.kind, id: bounded(input.actor.id, MAX_TARGET_CHARS), email: bounded(input.actor.email, 320) },
    ip: bounded(input.ip, 64),
    userAgent: bounded(input.userAgent, MAX_USER_AGENT_CHARS),
    action: bounded(input.action, MAX_ACTION_CHARS) ?? 'unknown',
    target: bounded(input.target, MAX_TARGET_CHARS),
    method: bounded(input.method, 16),
    path: bounded(input.path, MAX_PATH_CHARS),
    status: input.status ?? 200,
    details: redactDetails(input.details),
  };
}

export interface AuditRecorderOptions {
  log: AuditLog;
  logger: Logger;
  registry: Registry;
  flushIntervalMs?: number;
  maxQueued?: number;
}

export class AuditRecorder {
  private queue: AuditEntry[] = [];
  private flushing: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly failures: Counter;
  private readonly log: AuditLog;
  private readonly logger: Logger;
  private readonly flushIntervalMs: number;
  private readonly maxQueued: number;

  constructor(opts: AuditRecorderOptions) {
    this.log = opts.log;
    this.logger = opts.logger;
    this.flushIntervalMs = opts.flushIntervalMs ?? FLUSH_INTERVAL_MS;
    this.maxQueued = opts.maxQueued ?? MAX_QUEUED_ENTRIES;
    this.failures =
      (opts.registry.getSingleMetric(AUDIT_APPEND_FAILURES_METRIC) as Counter | undefined) ??
      new Counter({ name: AUDIT_APPEND_FAILURES_METRIC, help: 'Appends to the audit log that failed (the entries are tried again with the next flush).', registers: [opts.registry] });
  }

  get queued(): number {
    return this.queue.length;
  }

  // Queues one entry; never throws (a change that was made is not undone for its record).
  record(input: AuditInput): AuditEntry | null {
    try {
      const entry = auditEntry(input);
      if (this.closed) {
        // After close: written alone, at once (the store may be closing too).
        this.log.append([entry]).catch((err) => this.appendFailed(err, 1));
        return entry;
      }
      this.queue.push(entry);
      if (this.queue.length > this.maxQueued) {
        const dropped = this.queue.splice(0, this.queue.length - this.maxQueued);
        this.logger.error({ event: 'audit_entries_dropped', dropped: dropped.length }, 'the audit queue is full (the store refuses appends); the oldest entries were dropped');
      }
      if (this.queue.length >= FLUSH_AT_ENTRIES) void this.flush();
      else this.schedule();
      return entry;
    } catch (err) {
      this.logger.error({ err, event: 'audit_record_failed', action: input.action }, 'could not record an audit entry');
      return null;
    }
  }

  private schedule(): void {
    if (this.timer !== null) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, this.flushIntervalMs);
    this.timer.unref();
  }

  private appendFailed(err: unknown, n: number): void {
    this.failures.inc();
    this.logger.error({ err, event: 'audit_append_failed', entries: n }, 'could not append to the audit log; will try again');
  }

  // Writes what is queued; resolves once everything recorded before the call is in the store, or
  // the attempt failed (the entries are then queued again, ahead of newer ones). Never throws.
  async flush(): Promise<void> {
    // An append under way holds older entries: it goes first.
    while (this.flushing) await this.flushing;
    if (this.queue.length === 0) return;
    await this.write();
  }

  private write(): Promise<void> {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const batch = this.queue;
    this.queue = [];
    this.flushing = (async () => {
      try {
        await this.log.append(batch);
      } catch (err) {
        this.appendFailed(err, batch.length);
        this.queue = [...batch, ...this.queue].slice(-this.maxQueued);
        if (!this.closed) this.schedule();
      } finally {
        this.flushing = null;
      }
    })();
    return this.flushing;
  }

  // Writes what is left; entries recorded afterwards are written one by one.
  async close(): Promise<void> {
    if (this.closed) return;
    await this.flush();
    this.closed = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (this.queue.length) {
      // One last try for what failed.
      const rest = this.queue;
      this.queue = [];
      await this.log.append(rest).catch((err) => this.appendFailed(err, rest.length));
    }
  }
}
