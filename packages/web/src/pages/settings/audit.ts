import type { Answer } from '@lookout/client';

// The audit log as the settings page shows it (docs/audit.md): who, from where, what changed.

export type AuditPage = Answer<'/api/v1/audit'>;
export type AuditEntry = AuditPage['entries'][number];

export interface AuditFilters {
  from: string;
  to: string;
  actor: string;
  action: string;
}

export const EMPTY_FILTERS: AuditFilters = { from: '7d', to: '', actor: '', action: '' };

// The API's query for the filters: empty fields left out (the server's defaults apply).
export function auditQuery(f: AuditFilters, limit: number, before?: string | null): Record<string, string | number> {
  const q: Record<string, string | number> = { limit };
  for (const k of ['from', 'to', 'actor', 'action'] as const) {
    const v = f[k].trim();
    if (v !== '') q[k] = v;
  }
  if (before) q.before = before;
  return q;
}

// Who made the change, in a few words.
export function actorText(a: AuditEntry['actor']): string {
  if (a.kind === 'user') return a.email ?? (a.id ? `user ${a.id}` : 'someone not signed in');
  if (a.kind === 'key') return a.id ? `key ${a.id}` : 'an unknown key';
  if (a.kind === 'local') return 'local operator (no key)';
  return 'Lookout';
}

// From where: the address, and the browser or tool in short.
export function whereText(e: Pick<AuditEntry, 'ip' | 'userAgent'>): string {
  const ua = e.userAgent ?? '';
  const tool =
    /Firefox\//.exec(ua) ? 'Firefox' : /Edg\//.exec(ua) ? 'Edge' : /Chrome\//.exec(ua) ? 'Chrome' : /Safari\//.exec(ua) ? 'Safari' : (/^([\w.-]+)\//.exec(ua)?.[1] ?? '');
  return [e.ip ?? '', tool].filter(Boolean).join(' · ') || '—';
}

export function outcome(e: Pick<AuditEntry, 'status' | 'action'>): { text: string; bad: boolean } {
  if (e.action.endsWith('.denied')) return { text: `denied (${e.status})`, bad: true };
  return { text: String(e.status), bad: e.status >= 400 };
}

export interface ChangeRow {
  field: string;
  before: string;
  after: string;
}

function show(v: unknown): string {
  if (v === undefined) return '—';
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

// Before/after as rows, one per top-level field that differs ("—": absent on that side); the
// fields that stayed the same are left out.
export function changeRows(details: AuditEntry['details']): ChangeRow[] {
  if (!details || (!('before' in details) && !('after' in details))) return [];
  const obj = (v: unknown): Record<string, unknown> => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : { value: v });
  const before = details.before === undefined ? {} : obj(details.before);
  const after = details.after === undefined ? {} : obj(details.after);
  const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  return fields
    .filter((f) => JSON.stringify(before[f]) !== JSON.stringify(after[f]))
    .map((f) => ({ field: f, before: show(before[f]), after: show(after[f]) }));
}

// Other facts of the entry (the request body, a count), without before/after.
export function otherDetails(details: AuditEntry['details']): Record<string, unknown> | null {
  if (!details) return null;
  const { before: _b, after: _a, ...rest } = details;
  return Object.keys(rest).length ? rest : null;
}
