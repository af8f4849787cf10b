import type { LogRecord } from '../domain/score.ts';
import { SECURITY_EVENT_TYPES, type SecurityEventType } from '../domain/security.ts';
import type { ProjectId } from './project.ts';

// E2: reads of the security event log. The events are stored as log records of the event name
// `lookout.security` (enrich/security/events.ts), so writing them needs nothing new; these are
// the reads the API and the Security page make.

export interface SecurityEventFilter {
  fromUs: number;
  toUs: number;
  type?: SecurityEventType;
  userId?: string;
  traceId?: string;
}

// Newest first; the next page starts strictly after this (time, id).
export interface SecurityEventCursor {
  timestampUs: number;
  id: string;
}

export interface SecurityEventCounts {
  // Events and values found per time bucket and type (buckets with none are absent).
  series: { bucketStartUs: number; type: SecurityEventType; events: number; values: number }[];
  byType: { type: SecurityEventType; events: number; values: number }[];
  // The users with most events, most first (ties by user id); events without a user are not here.
  topUsers: { userId: string; events: number; types: SecurityEventType[] }[];
}

export interface SecurityEventReads {
  listSecurityEvents(project: ProjectId, filter: SecurityEventFilter, page: { limit: number; after: SecurityEventCursor | null }): Promise<LogRecord[]>;
  securityEventCounts(project: ProjectId, filter: SecurityEventFilter, options: { bucketUs: number; topUsers: number }): Promise<SecurityEventCounts>;
}

const isType = (t: unknown): t is SecurityEventType => (SECURITY_EVENT_TYPES as readonly unknown[]).includes(t);

// Shapes what a backend counted: unknown types dropped, totals per type in the catalog's order.
export function countsFrom(
  series: { bucketStartUs: number; type: unknown; events: number; values: number }[],
  users: { userId: string; events: number; types: string[] }[],
): SecurityEventCounts {
  const kept = series.filter((s): s is typeof s & { type: SecurityEventType } => isType(s.type));
  const byType = SECURITY_EVENT_TYPES.map((type) => {
    let events = 0;
    let values = 0;
    for (const s of kept) if (s.type === type) (events += s.events), (values += s.values);
    return { type, events, values };
  }).filter((t) => t.events > 0);
  return { series: kept, byType, topUsers: users.map((u) => ({ ...u, types: u.types.filter(isType) })) };
}
