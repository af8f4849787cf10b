import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { Counter, type Registry } from 'prom-client';
import type { AuditActor, AuditEntry, AuditLog } from '../store/audit.ts';
import { DEFAULT_PROJECT, type ProjectId } from '../store/project.ts';
import { METRIC } from '../metrics/names.ts';
import { clientKeyOf } from '../people/login-limiter.ts';
import { redactDetails } from './redact.ts';

// E4: entries are appended off the request path: a request puts its entry in a small queue,
// written to the store every FLUSH_INTERVAL_MS (and at once when it fills, and on close). A failed
// append is logged, counted (lookout_audit_append_failures_total) and tried again with the next
// flush; the queue is bounded, so a store down for long drops the oldest entries (logged).
//
// Refusals (a denied attempt, a failed sign-in) come in floods a caller controls, so they are
// merged: per source (the caller's id, or its client address when it has none) and action, the
// first of a minute is recorded at once and the rest are counted and recorded as one entry with
// `details.repeated` when the minute ends. At most MAX_REFUSAL_SOURCES sources a minute are
// tracked per node, MAX_ANONYMOUS_REFUSAL_SOURCES of them without a caller id (the rest are only counted, in one `audit.refusals_not_recorded` entry), and
// refusals hold at most MAX_QUEUED_REFUSALS places of the queue and are dropped first when it
// fills: a flood of refusals never pushes a change out.

export const FLUSH_INTERVAL_MS = 1_000;
export const FLUSH_AT_ENTRIES = 200;
export const MAX_QUEUED_ENTRIES = 10_000;
export const MAX_QUEUED_REFUSALS = 1_000;
export const REFUSAL_WINDOW_MS = 60_000;
export const MAX_REFUSAL_SOURCES = 1_000;
// Of those, sources without a caller id (known only by their address): a caller without a key
// can be many addresses, so fewer.
export const MAX_ANONYMOUS_REFUSAL_SOURCES = 100;
export const REFUSALS_NOT_RECORDED_ACTION = 'audit.refusals_not_recorded';
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
  maxQueuedRefusals?: number;
  refusalWindowMs?: number;
  maxRefusalSources?: number;
  maxAnonymousRefusalSources?: number;
}

// One source's refusals of one action in the current window: the first entry (recorded at once)
// and how many more came.
interface RefusalTally {
  first: AuditInput;
  repeated: number;
  lastAt: Date;
  lastStatus: number;
}

// Who a refusal is from: the caller's id when known, else the client's address as the sign-in
// limiter keys it (an IPv6 address by its /64, so one host cannot be many sources).
function refusalSource(input: AuditInput): string {
  const who = input.actor.id !== null ? `${input.actor.kind}:${input.actor.id}` : `ip:${input.ip ? clientKeyOf(input.ip) : '-'}`;
  return `${who}\u0000${input.action}`;
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
  private readonly maxQueuedRefusals: number;
  private readonly refusalWindowMs: number;
  private readonly maxRefusalSources: number;
  private readonly maxAnonymousRefusalSources: number;
  // Sources of the window without a caller id.
  private anonymousRefusalSources = 0;
  // Entries of the queue that are refusals (dropped first), and how many.
  private readonly refusalEntries = new WeakSet<AuditEntry>();
  private queuedRefusals = 0;
  private refusals = new Map<string, RefusalTally>();
  private refusalWindowStart: Date | null = null;
  private refusalTimer: NodeJS.Timeout | null = null;
  // Refusals of the window not tracked (past maxRefusalSources) or not queued (the queue's share full).
  private refusalsNotRecorded = 0;

  constructor(opts: AuditRecorderOptions) {
    this.log = opts.log;
    this.logger = opts.logger;
    this.flushIntervalMs = opts.flushIntervalMs ?? FLUSH_INTERVAL_MS;
    this.maxQueued = opts.maxQueued ?? MAX_QUEUED_ENTRIES;
    this.maxQueuedRefusals = opts.maxQueuedRefusals ?? MAX_QUEUED_REFUSALS;
    this.refusalWindowMs = opts.refusalWindowMs ?? REFUSAL_WINDOW_MS;
    this.maxRefusalSources = opts.maxRefusalSources ?? MAX_REFUSAL_SOURCES;
    this.maxAnonymousRefusalSources = opts.maxAnonymousRefusalSources ?? MAX_ANONYMOUS_REFUSAL_SOURCES;
    this.failures =
      (opts.registry.getSingleMetric(AUDIT_APPEND_FAILURES_METRIC) as Counter | undefined) ??
      new Counter({ name: AUDIT_APPEND_FAILURES_METRIC, help: 'Appends to the audit log that failed (the entries are tried again with the next flush).', registers: [opts.registry] });
  }

  get queued(): number {
    return this.queue.length;
  }

  // Queues one entry; never throws (a change that was made is not undone for its record).
  record(input: AuditInput): AuditEntry | null {
    return this.enqueue(input, false);
  }

  // Queues a refusal (a denied attempt, a failed sign-in), merged with the same source's earlier
  // ones of the minute: the first is queued at once, the others are counted. Never throws.
  recordRefusal(input: AuditInput): AuditEntry | null {
    try {
      if (this.closed) return this.enqueue(input, true);
      const key = refusalSource(input);
      const now = input.at ?? new Date();
      const tally = this.refusals.get(key);
      if (tally) {
        tally.repeated++;
        tally.lastAt = now;
        tally.lastStatus = input.status ?? tally.lastStatus;
        return null;
      }
      const anonymous = input.actor.id === null;
      if (this.refusals.size >= this.maxRefusalSources || (anonymous && this.anonymousRefusalSources >= this.maxAnonymousRefusalSources)) {
        this.refusalsNotRecorded++;
        return null;
      }
      if (anonymous) this.anonymousRefusalSources++;
      if (this.refusalWindowStart === null) this.openRefusalWindow(now);
      this.refusals.set(key, { first: input, repeated: 0, lastAt: now, lastStatus: input.status ?? 403 });
      return this.enqueue(input, true);
    } catch (err) {
      this.logger.error({ err, event: 'audit_record_failed', action: input.action }, 'could not record an audit entry');
      return null;
    }
  }

  private openRefusalWindow(start: Date): void {
    this.refusalWindowStart = start;
    this.refusalTimer = setTimeout(() => {
      this.refusalTimer = null;
      this.closeRefusalWindow();
    }, this.refusalWindowMs);
    this.refusalTimer.unref();
  }

  // Records what the window counted: one entry per source and action that came again, and one for
  // the refusals that were not tracked.
  private closeRefusalWindow(): void {
    if (this.refusalTimer !== null) clearTimeout(this.refusalTimer);
    this.refusalTimer = null;
    const from = this.refusalWindowStart;
    const tallies = [...this.refusals.values()];
    const notRecorded = this.refusalsNotRecorded;
    this.refusals = new Map();
    this.refusalWindowStart = null;
    this.refusalsNotRecorded = 0;
    this.anonymousRefusalSources = 0;
    if (from === null) return;
    for (const t of tallies) {
      if (t.repeated === 0) continue;
      this.enqueue({ ...t.first, at: t.lastAt, status: t.lastStatus, details: { ...t.first.details, repeated: t.repeated, firstAt: from.toISOString(), lastAt: t.lastAt.toISOString() } }, true, true);
    }
    if (notRecorded > 0) {
      this.logger.warn({ event: 'audit_refusals_not_recorded', refusals: notRecorded }, 'refused attempts came from too many sources in a minute; the rest were only counted');
      this.enqueue({ action: REFUSALS_NOT_RECORDED_ACTION, actor: { kind: 'system', id: null, email: null }, status: 429, details: { refusals: notRecorded, firstAt: from.toISOString(), lastAt: new Date().toISOString() } }, true, true);
    }
  }

  private enqueue(input: AuditInput, refusal: boolean, summary = false): AuditEntry | null {
    try {
      const entry = auditEntry(input);
      if (this.closed) {
        // After close: written alone, at once (the store may be closing too).
        this.log.append([entry]).catch((err) => this.appendFailed(err, 1));
        return entry;
      }
      if (refusal && !summary && this.queuedRefusals >= this.maxQueuedRefusals) {
        this.refusalsNotRecorded++;
        return null;
      }
      if (refusal) {
        this.refusalEntries.add(entry);
        this.queuedRefusals++;
      }
      this.queue.push(entry);
      this.trim();
      if (this.queue.length >= FLUSH_AT_ENTRIES) void this.flush();
      else this.schedule();
      return entry;
    } catch (err) {
      this.logger.error({ err, event: 'audit_record_failed', action: input.action }, 'could not record an audit entry');
      return null;
    }
  }

  // Keeps the queue within maxQueued: refusals go first, then the oldest entries.
  private trim(): void {
    let excess = this.queue.length - this.maxQueued;
    if (excess <= 0) return;
    let droppedRefusals = 0;
    if (this.queuedRefusals > 0) {
      this.queue = this.queue.filter((e) => {
        if (excess > 0 && this.refusalEntries.has(e)) {
          excess--;
          droppedRefusals++;
          return false;
        }
        return true;
      });
      this.queuedRefusals -= droppedRefusals;
    }
    let dropped = 0;
    if (excess > 0) {
      const gone = this.queue.splice(0, excess);
      dropped = gone.length;
      this.queuedRefusals -= gone.filter((e) => this.refusalEntries.has(e)).length;
    }
    this.logger.error({ event: 'audit_entries_dropped', dropped, droppedRefusals }, 'the audit queue is full (the store refuses appends); refused attempts, then the oldest entries, were dropped');
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
    this.queuedRefusals = 0;
    this.flushing = (async () => {
      try {
        await this.log.append(batch);
      } catch (err) {
        this.appendFailed(err, batch.length);
        this.queue = [...batch, ...this.queue];
        this.queuedRefusals = this.queue.filter((e) => this.refusalEntries.has(e)).length;
        this.trim();
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
    // What the refusal window counted, after what was queued before it.
    this.closeRefusalWindow();
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
