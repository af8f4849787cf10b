import { LookoutError } from '../errors.ts';
import type { ProjectId } from './project.ts';

// E4: the audit log: every state change, who made it, when, from where. Append-only: nothing
// changes an entry; entries older than `audit.retentionDays` are deleted whole.

export type AuditActorKind = 'user' | 'key' | 'local' | 'system';

export interface AuditActor {
  kind: AuditActorKind;
  // user id, key id; null for the keyless local operator and the system.
  id: string | null;
  // A person's email at the time; null for keys.
  email: string | null;
}

export interface AuditEntry {
  id: string;
  at: string; // ISO time
  // The project the change was made in ('default' for instance-wide changes).
  projectId: ProjectId;
  actor: AuditActor;
  // The client's address as the server saw it (request.ip: X-Forwarded-For only with trustProxy).
  ip: string | null;
  userAgent: string | null;
  // 'budget.update', 'key.create', 'session.login', ...
  action: string;
  // What was changed: a budget id, key id, rule id; null when the action names it.
  target: string | null;
  method: string | null;
  path: string | null;
  status: number;
  // Before/after for settings, other facts; secrets never (redacted before append).
  details: Record<string, unknown> | null;
}

export interface AuditQuery {
  // null: every project (the instance operator).
  projectId: ProjectId | null;
  // Entries at fromMs or later, and before toMs.
  fromMs: number;
  toMs: number;
  actor?: string; // user id, key id or email
  action?: string; // exact, or a prefix ending in '.' ('budget.')
  // At most MAX_AUDIT_PAGE, at least 1.
  limit: number;
  // Entries strictly older than this (at, id) pair: the next page.
  before?: { at: string; id: string };
}

export interface AuditLog {
  append(entries: AuditEntry[]): Promise<void>;
  // Newest first.
  list(query: AuditQuery): Promise<AuditEntry[]>;
  // Deletes entries older than the cutoff; how many.
  purgeBefore(cutoffMs: number): Promise<number>;
}

// What both backends share, so that they answer alike.

// The most entries one list() answers, whatever the limit asked.
export const MAX_AUDIT_PAGE = 1000;
// An entry's details as kept: longer JSON text is replaced by a note saying so, so that one entry
// cannot grow the log without bound.
export const MAX_AUDIT_DETAILS_BYTES = 64 * 1024;

export function auditLimit(limit: number): number {
  return Math.max(1, Math.min(MAX_AUDIT_PAGE, Math.trunc(Number.isFinite(limit) ? limit : MAX_AUDIT_PAGE)));
}

// Whether an action filter asks for a prefix ('budget.') rather than one action.
export function isActionPrefix(action: string): boolean {
  return action.endsWith('.');
}

export function auditDetailsText(details: Record<string, unknown> | null): string | null {
  if (details === null) return null;
  const text = JSON.stringify(details);
  const bytes = Buffer.byteLength(text);
  return bytes > MAX_AUDIT_DETAILS_BYTES ? JSON.stringify({ truncated: true, bytes }) : text;
}

// The (at, id) of a `before` cursor as epoch milliseconds.
export function auditBeforeMs(before: { at: string; id: string }): number {
  const ms = Date.parse(before.at);
  if (Number.isNaN(ms)) throw new LookoutError('invalid_request', `before "${before.at}" is not an RFC 3339 time`);
  return ms;
}

export function auditAtMs(entry: AuditEntry): number {
  const ms = Date.parse(entry.at);
  if (Number.isNaN(ms)) throw new LookoutError('invalid_request', `audit entry ${entry.id}: at "${entry.at}" is not an RFC 3339 time`);
  return ms;
}

// An entry from a row (id, at_ms, project_id, actor_kind, actor_id, actor_email, ip, user_agent,
// action, target, method, path, status, details).
export function auditEntryOf(r: Record<string, unknown>): AuditEntry {
  const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
  return {
    id: String(r.id),
    at: new Date(Number(r.at_ms)).toISOString(),
    projectId: String(r.project_id) as ProjectId,
    actor: { kind: r.actor_kind as AuditActorKind, id: str(r.actor_id), email: str(r.actor_email) },
    ip: str(r.ip),
    userAgent: str(r.user_agent),
    action: String(r.action),
    target: str(r.target),
    method: str(r.method),
    path: str(r.path),
    status: Number(r.status),
    details: r.details === null || r.details === undefined ? null : (JSON.parse(String(r.details)) as Record<string, unknown>),
  };
}
