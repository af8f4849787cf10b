import type { ErasureJob, ErasureRequest } from '../../api/types.ts';

// The erasure form as an API body, and a job's outcome as text.

export type ErasureKind = 'user' | 'session' | 'trace';

export const ERASURE_KINDS: { value: ErasureKind; label: string; field: keyof ErasureRequest; covers: string }[] = [
  { value: 'user', label: 'User', field: 'userId', covers: 'every trace in which a call or score carries this user id, whole, with its scores and logs, and the user’s other scores' },
  { value: 'session', label: 'Session', field: 'sessionId', covers: 'every trace of this session, whole, with its scores and logs' },
  { value: 'trace', label: 'Trace', field: 'traceId', covers: 'this trace (32 hex characters), with its scores and logs' },
];

// The id as typed, trimmed; null when there is nothing to send.
export function erasureBody(kind: ErasureKind, id: string): ErasureRequest | null {
  const value = id.trim();
  if (!value) return null;
  const field = ERASURE_KINDS.find((k) => k.value === kind)!.field;
  return { [field]: kind === 'trace' ? value.toLowerCase() : value } as ErasureRequest;
}

export function countsText(job: Pick<ErasureJob, 'status' | 'counts' | 'error'>): string {
  if (job.status === 'failed') return job.error ?? 'failed';
  if (!job.counts) return '—';
  const c = job.counts;
  const parts = [`${c.spans} spans`, `${c.scores} scores`, `${c.logs} logs`];
  if (c.metricPoints) parts.push(`${c.metricPoints} metric points`);
  return parts.join(', ');
}

export const anyRunning = (jobs: readonly Pick<ErasureJob, 'status'>[]): boolean => jobs.some((j) => j.status === 'running');
