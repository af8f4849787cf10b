import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { LogRecord, ScoreRecord } from '../../domain/score.ts';
import type { SecurityEvent } from '../../domain/security.ts';
import type { SpanRecord } from '../../domain/span.ts';
import type { IngestObserver, IngestPipeline } from '../../ingest/pipeline.ts';
import type { Refusal } from '../../domain/security.ts';
import { describeSecurityEvent, isSecurityLog, securityEventFromLog, securityEventToLog } from './events.ts';

// E2: the security event log. Detections on ingested records are derived by the processor chain
// and journaled with them; this writes one log line per accepted event (never the value found).
// Events that are not about a record (an auth failure, a refused request, a blocked call) are
// recorded here: a log line and a stored event, at most `maxPerMinute` of each type per project
// per minute (an attacker hammering with bad keys must not turn into unbounded writes; the
// /metrics counters count every one).

const DEFAULT_MAX_PER_MINUTE = 60;
const MINUTE_MS = 60_000;

export type SecurityEventInput = Omit<SecurityEvent, 'id' | 'timestampUs' | 'count' | 'score' | 'field'> &
  Partial<Pick<SecurityEvent, 'count' | 'score' | 'field'>>;

export class SecurityLog implements IngestObserver {
  private readonly pipeline: IngestPipeline;
  private readonly logger: Logger;
  private readonly maxPerMinute: number;
  private minute = 0;
  private readonly recorded = new Map<string, number>();
  private suppressed = 0;

  constructor(pipeline: IngestPipeline, logger: Logger, options: { maxPerMinute?: number } = {}) {
    this.pipeline = pipeline;
    this.logger = logger;
    this.maxPerMinute = options.maxPerMinute ?? DEFAULT_MAX_PER_MINUTE;
  }

  onAccepted(_spans: readonly SpanRecord[], _scores: readonly ScoreRecord[]): void {}

  onDerived(logs: readonly LogRecord[]): void {
    for (const l of logs) if (isSecurityLog(l)) this.line(securityEventFromLog(l));
  }

  // A request refused for who sent it or how much (server/refusals.ts). One that belongs to no
  // project (no key, an unknown key) is a log line only: no project may see it.
  refused(r: Refusal, nowMs = Date.now()): void {
    const type = r.kind === 'auth_failure' ? 'auth_failure' : r.reason === 'budget_exceeded' ? 'budget_blocked' : 'rate_limited';
    const input: SecurityEventInput = {
      projectId: r.projectId ?? '',
      type,
      severity: type === 'auth_failure' ? 'medium' : 'low',
      action: 'blocked',
      detector: type === 'auth_failure' ? 'auth' : type === 'budget_blocked' ? 'budget' : 'rate_limit',
      rule: r.reason,
      userId: null,
      traceId: null,
      spanId: null,
      field: r.route,
    };
    this.record(input, nowMs, { store: r.projectId !== null });
  }

  // Records an event that is not about an ingested record. Never throws, never waits.
  record(input: SecurityEventInput, nowMs = Date.now(), options: { store?: boolean } = {}): void {
    const minute = Math.floor(nowMs / MINUTE_MS);
    if (minute !== this.minute) {
      if (this.suppressed) this.logger.warn({ event: 'security_events_suppressed', count: this.suppressed }, 'security events over the per-minute bound were counted on /metrics only');
      this.minute = minute;
      this.recorded.clear();
      this.suppressed = 0;
    }
    const key = `${input.projectId}\u0000${input.type}`;
    const n = this.recorded.get(key) ?? 0;
    if (n >= this.maxPerMinute) {
      this.suppressed++;
      return;
    }
    this.recorded.set(key, n + 1);
    const event: SecurityEvent = { count: 1, score: null, field: null, ...input, id: `sec-${randomUUID()}`, timestampUs: nowMs * 1000 };
    this.line(event);
    if (options.store === false) return;
    this.pipeline.submit({ spans: [], scores: [], logs: [securityEventToLog(event)] }, 'security', { processed: true }).catch((err: unknown) => {
      this.logger.warn({ err, event: 'security_event_lost', type: event.type }, 'a security event could not be stored');
    });
  }

  // High and critical events are warnings; the rest (an e-mail address masked) is routine.
  private line(e: SecurityEvent): void {
    const level = e.severity === 'high' || e.severity === 'critical' ? 'warn' : 'info';
    this.logger[level](
      {
        event: 'security',
        type: e.type,
        severity: e.severity,
        action: e.action,
        detector: e.detector,
        rule: e.rule,
        count: e.count,
        project: e.projectId,
        user: e.userId,
        traceId: e.traceId,
        spanId: e.spanId,
        field: e.field,
      },
      describeSecurityEvent(e),
    );
  }
}
