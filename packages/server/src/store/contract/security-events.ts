import { describe, expect, it } from 'vitest';
import type { LogRecord } from '../../domain/score.ts';
import type { SecurityEvent } from '../../domain/security.ts';
import { securityEventFromLog, securityEventToLog } from '../../enrich/security/events.ts';
import { projectId } from '../store.ts';
import { freshStore, type OpenStore } from './fixtures.ts';

// The security event log: events (stored as logs of their own event name) listed newest first
// with filters and a cursor, and counted by type over time and by user; other logs and other
// projects' events never appear.

const A = projectId('security-a');
const B = projectId('security-b');
const T_MS = Date.UTC(2026, 5, 1, 12);
const TRACE = 'c'.repeat(32);

function event(over: Partial<SecurityEvent> & Pick<SecurityEvent, 'id'>): LogRecord {
  return securityEventToLog({
    projectId: A, timestampUs: T_MS * 1000, type: 'pii', severity: 'low', action: 'masked', detector: 'email', rule: null,
    count: 1, userId: 'u1', traceId: TRACE, spanId: '1'.repeat(16), field: 'input', score: null, ...over,
  });
}

const events: LogRecord[] = [
  event({ id: 'e1' }),
  event({ id: 'e2', timestampUs: (T_MS + 60_000) * 1000, type: 'secret', severity: 'high', detector: 'secret:openai', count: 3 }),
  event({ id: 'e3', timestampUs: (T_MS + 60_000) * 1000, userId: 'u2', count: 2 }),
  event({ id: 'e4', timestampUs: (T_MS + 3_600_000) * 1000, type: 'prompt_injection', severity: 'high', action: 'detected', detector: 'injection', rule: 'instruction_override@1', score: 0.9 }),
  event({ id: 'e5', timestampUs: (T_MS + 120_000) * 1000, type: 'auth_failure', severity: 'medium', action: 'blocked', detector: 'auth', rule: 'forbidden', userId: null, traceId: null, spanId: null, field: null }),
  event({ id: 'e1', projectId: B }),
];
// An ordinary log of the same project is not an event.
const plainLog: LogRecord = { projectId: A, id: 'log-1', traceId: TRACE, spanId: null, timestampUs: T_MS * 1000, severity: 'warn', body: 'hello', attributes: { 'event.name': 'app.log' } };

export function securityEventsContract(name: string, open: OpenStore): void {
  describe(`store contract (security events): ${name}`, () => {
    const store = freshStore(open);
    const all = { fromUs: T_MS * 1000, toUs: (T_MS + 2 * 3_600_000) * 1000 };

    it('lists a project\'s events newest first, as they were recorded, with filters', async () => {
      await store().write({ spans: [], scores: [], logs: [...events, plainLog] });
      const listed = await store().listSecurityEvents(A, all, { limit: 10, after: null });
      expect(listed.map((l) => l.id)).toEqual(['e4', 'e5', 'e3', 'e2', 'e1']);
      expect(securityEventFromLog(listed[0])).toEqual(securityEventFromLog(events[3]));
      expect(securityEventFromLog(listed[3]).count).toBe(3);
      expect((await store().listSecurityEvents(A, { ...all, type: 'pii' }, { limit: 10, after: null })).map((l) => l.id)).toEqual(['e3', 'e1']);
      expect((await store().listSecurityEvents(A, { ...all, userId: 'u2' }, { limit: 10, after: null })).map((l) => l.id)).toEqual(['e3']);
      expect((await store().listSecurityEvents(A, { ...all, traceId: TRACE }, { limit: 10, after: null })).map((l) => l.id)).toEqual(['e4', 'e3', 'e2', 'e1']);
      // The range is half-open.
      expect((await store().listSecurityEvents(A, { fromUs: (T_MS + 60_000) * 1000, toUs: (T_MS + 3_600_000) * 1000 }, { limit: 10, after: null })).map((l) => l.id)).toEqual(['e5', 'e3', 'e2']);
      expect((await store().listSecurityEvents(B, all, { limit: 10, after: null })).map((l) => l.id)).toEqual(['e1']);
      expect(await store().listSecurityEvents(projectId('nobody'), all, { limit: 10, after: null })).toEqual([]);
    });

    it('pages with a cursor after the last (time, id) seen, ties by id', async () => {
      await store().write({ spans: [], scores: [], logs: events });
      const first = await store().listSecurityEvents(A, all, { limit: 3, after: null });
      expect(first.map((l) => l.id)).toEqual(['e4', 'e5', 'e3']);
      const last = first[2];
      const next = await store().listSecurityEvents(A, all, { limit: 3, after: { timestampUs: last.timestampUs, id: last.id } });
      expect(next.map((l) => l.id)).toEqual(['e2', 'e1']);
    });

    it('counts events and values by type and time bucket, and the users with most', async () => {
      await store().write({ spans: [], scores: [], logs: [...events, plainLog] });
      const counts = await store().securityEventCounts(A, all, { bucketUs: 3_600_000_000, topUsers: 10 });
      expect(counts.byType).toEqual([
        { type: 'pii', events: 2, values: 3 },
        { type: 'secret', events: 1, values: 3 },
        { type: 'prompt_injection', events: 1, values: 1 },
        { type: 'auth_failure', events: 1, values: 1 },
      ]);
      const hour0 = T_MS * 1000;
      const hour1 = (T_MS + 3_600_000) * 1000;
      expect([...counts.series].sort((a, b) => a.bucketStartUs - b.bucketStartUs || a.type.localeCompare(b.type))).toEqual([
        { bucketStartUs: hour0, type: 'auth_failure', events: 1, values: 1 },
        { bucketStartUs: hour0, type: 'pii', events: 2, values: 3 },
        { bucketStartUs: hour0, type: 'secret', events: 1, values: 3 },
        { bucketStartUs: hour1, type: 'prompt_injection', events: 1, values: 1 },
      ]);
      expect(counts.topUsers).toEqual([
        { userId: 'u1', events: 3, types: ['pii', 'prompt_injection', 'secret'] },
        { userId: 'u2', events: 1, types: ['pii'] },
      ]);
      expect((await store().securityEventCounts(A, all, { bucketUs: 3_600_000_000, topUsers: 1 })).topUsers.map((u) => u.userId)).toEqual(['u1']);
    });
  });
}
