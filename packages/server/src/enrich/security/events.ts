import { createHash } from 'node:crypto';
import type { LogRecord } from '../../domain/score.ts';
import {
  SECURITY_ACTIONS,
  SECURITY_EVENT_NAME,
  SECURITY_LOG_ATTRIBUTES,
  SECURITY_EVENT_TYPES,
  SECURITY_SEVERITIES,
  type SecurityAction,
  type SecurityEvent,
  type SecurityEventType,
  type SecuritySeverity,
} from '../../domain/security.ts';

// Security events are stored as log records of their own event name, so that both backends keep
// them with the journal's guarantees (acknowledged = on disk) and no new table is needed. They
// never carry the value that was found: only its kind, where it was and what was done.

export { SECURITY_EVENT_NAME };

const A = SECURITY_LOG_ATTRIBUTES;

// A detection on a record gets an id from the record's identity, so a record sent twice (a retry)
// records its events once.
export function detectionEventId(parts: readonly string[]): string {
  return `sec-${createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32)}`;
}

const SEVERITY_OF_LOG: Record<SecuritySeverity, LogRecord['severity']> = { low: 'info', medium: 'warn', high: 'error', critical: 'error' };

export function securityEventToLog(e: SecurityEvent): LogRecord {
  const attributes: Record<string, string> = {
    'event.name': SECURITY_EVENT_NAME,
    [A.type]: e.type,
    [A.severity]: e.severity,
    [A.action]: e.action,
    [A.detector]: e.detector,
    [A.count]: String(e.count),
  };
  if (e.rule !== null) attributes[A.rule] = e.rule;
  if (e.userId !== null) attributes[A.user] = e.userId;
  if (e.field !== null) attributes[A.field] = e.field;
  if (e.score !== null) attributes[A.score] = String(e.score);
  return {
    projectId: e.projectId,
    id: e.id,
    traceId: e.traceId,
    spanId: e.spanId,
    timestampUs: e.timestampUs,
    severity: SEVERITY_OF_LOG[e.severity],
    body: describeSecurityEvent(e),
    attributes,
  };
}

function oneOf<T extends string>(values: readonly T[], v: string | undefined, fallback: T): T {
  return v !== undefined && (values as readonly string[]).includes(v) ? (v as T) : fallback;
}

export function isSecurityLog(log: Pick<LogRecord, 'attributes'>): boolean {
  return log.attributes['event.name'] === SECURITY_EVENT_NAME;
}

export function securityEventFromLog(log: LogRecord): SecurityEvent {
  const a = log.attributes;
  const count = Number(a[A.count]);
  const score = a[A.score] === undefined ? null : Number(a[A.score]);
  return {
    projectId: log.projectId,
    id: log.id,
    timestampUs: log.timestampUs,
    type: oneOf<SecurityEventType>(SECURITY_EVENT_TYPES, a[A.type], 'pii'),
    severity: oneOf<SecuritySeverity>(SECURITY_SEVERITIES, a[A.severity], 'medium'),
    action: oneOf<SecurityAction>(SECURITY_ACTIONS, a[A.action], 'detected'),
    detector: a[A.detector] ?? '',
    rule: a[A.rule] ?? null,
    count: Number.isFinite(count) && count > 0 ? count : 1,
    userId: a[A.user] ?? null,
    traceId: log.traceId,
    spanId: log.spanId,
    field: a[A.field] ?? null,
    score: score !== null && Number.isFinite(score) ? score : null,
  };
}

// The stored body and the log line: what happened, never the value.
export function describeSecurityEvent(e: Pick<SecurityEvent, 'type' | 'detector' | 'count' | 'action' | 'field' | 'rule'>): string {
  const where = e.field ? ` in ${e.field}` : '';
  const rule = e.rule ? ` (${e.rule})` : '';
  switch (e.type) {
    case 'pii':
    case 'secret':
      return `${e.count} ${e.detector} value${e.count === 1 ? '' : 's'} found${where}: ${e.action}`;
    case 'prompt_injection':
    case 'jailbreak':
      return `${e.type.replace('_', ' ')} detected${where}${rule}: ${e.action}`;
    default:
      return `${e.type.replace('_', ' ')}${rule}: ${e.action}`;
  }
}

