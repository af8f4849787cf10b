// E2/E3: the security event log (seed 001's SecurityLog). No I/O here.

export const SECURITY_EVENT_TYPES = ['pii', 'secret', 'prompt_injection', 'jailbreak', 'auth_failure', 'rate_limited', 'budget_blocked'] as const;
export type SecurityEventType = (typeof SECURITY_EVENT_TYPES)[number];

export const SECURITY_SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type SecuritySeverity = (typeof SECURITY_SEVERITIES)[number];

// What Lookout did about it: masked/hashed/dropped the value, stored it as configured (kept),
// only recorded the detection (detected), refused the request (blocked).
export const SECURITY_ACTIONS = ['masked', 'hashed', 'dropped', 'kept', 'detected', 'blocked'] as const;
export type SecurityAction = (typeof SECURITY_ACTIONS)[number];

export interface SecurityEvent {
  projectId: string;
  id: string; // deterministic for detections on a span, so a retried span records its events once
  timestampUs: number;
  type: SecurityEventType;
  severity: SecuritySeverity;
  action: SecurityAction;
  detector: string; // e.g. `email`, `secret:openai`, `injection`, `auth`
  rule: string | null; // e.g. `instruction_override@1`
  count: number; // values found of this detector in the record (1 for events that are not detections)
  userId: string | null;
  traceId: string | null;
  spanId: string | null;
  // Where in the record: `input`, `output`, `metadata:<key>`, `log:body`, `request` (never the value).
  field: string | null;
  score: number | null; // injection score 0..1
}

// Security events are stored as log records of this event name, with these attributes (the
// stores query them; enrich/security/events.ts writes and reads them).
export const SECURITY_EVENT_NAME = 'lookout.security';
export const SECURITY_LOG_ATTRIBUTES = {
  type: 'security.type',
  severity: 'security.severity',
  action: 'security.action',
  detector: 'security.detector',
  rule: 'security.rule',
  count: 'security.count',
  user: 'user.id',
  field: 'security.field',
  score: 'security.score',
} as const;

// What the processor chain found on a span travels with the span as metadata (stored by every
// backend, shown in the trace view, counted by the rollups). Values never include the text found.
export const SECURITY_METADATA = {
  // `email=2,credit_card=1`: the kinds of sensitive value found in the span's text fields, with counts.
  redaction: 'lookout.redaction',
  // `failed`: some text could not be scanned and was not stored.
  contentRedaction: 'lookout.content_redaction',
  // `<kind>:<severity>`, e.g. `prompt_injection:high`.
  injection: 'lookout.security.injection',
  // `instruction_override@1,encoded_payload@1`: the rules that matched, with their versions.
  injectionRules: 'lookout.security.injection_rules',
  // `0.92`: the detection score, 0..1.
  injectionScore: 'lookout.security.injection_score',
} as const;

export type InjectionKind = 'prompt_injection' | 'jailbreak';

export interface SpanSecurityFacts {
  found: Partial<Record<string, number>>; // PII type -> values found
  injection: { kind: InjectionKind; severity: SecuritySeverity; rules: string[]; score: number | null } | null;
  redactionFailed: boolean;
}

export function formatFound(found: Partial<Record<string, number>>): string {
  return Object.entries(found)
    .filter(([, n]) => (n ?? 0) > 0)
    .map(([t, n]) => `${t}=${n}`)
    .join(',');
}

export function securityFactsOf(metadata: Readonly<Record<string, string>>): SpanSecurityFacts {
  const found: Partial<Record<string, number>> = {};
  for (const part of (metadata[SECURITY_METADATA.redaction] ?? '').split(',')) {
    const [type, n] = part.split('=');
    if (type && Number(n) > 0) found[type] = Number(n);
  }
  let injection: SpanSecurityFacts['injection'] = null;
  const marked = metadata[SECURITY_METADATA.injection];
  if (marked) {
    const [kind, severity] = marked.split(':');
    const score = Number(metadata[SECURITY_METADATA.injectionScore]);
    injection = {
      kind: kind === 'jailbreak' ? 'jailbreak' : 'prompt_injection',
      severity: (SECURITY_SEVERITIES as readonly string[]).includes(severity) ? (severity as SecuritySeverity) : 'medium',
      rules: (metadata[SECURITY_METADATA.injectionRules] ?? '').split(',').filter(Boolean),
      score: Number.isFinite(score) ? score : null,
    };
  }
  return { found, injection, redactionFailed: metadata[SECURITY_METADATA.contentRedaction] === 'failed' };
}

// Requests Lookout refused for who sent them or how much (server/refusals.ts reports them).
// bad_credentials: a sign-in with a wrong email address or password; login_rate_limited: a
// sign-in refused for too many failures (429); oidc_refused: an OpenID Connect sign-in that did not
// go through (the provider refused, the state did not match, the person has no role or is outside
// the allowed domains and groups).
export const AUTH_FAILURE_REASONS = ['missing_key', 'invalid_key', 'forbidden', 'bad_credentials', 'login_rate_limited', 'login_busy', 'oidc_refused'] as const;
export type AuthFailureReason = (typeof AUTH_FAILURE_REASONS)[number];

// queue_full: the ingest queue is full; too_many_queries: a project's reads pile up;
// budget_exceeded: the gateway refuses a call over a hard budget (the security log's
// `budget_blocked`); action: an automated response rate-limits the gateway's callers.
export const RATE_LIMIT_REASONS = ['queue_full', 'too_many_queries', 'budget_exceeded', 'action'] as const;
export type RateLimitReason = (typeof RATE_LIMIT_REASONS)[number];

export type Refusal =
  | { kind: 'auth_failure'; reason: AuthFailureReason; projectId: string | null; route: string }
  | { kind: 'rate_limited'; reason: RateLimitReason; projectId: string | null; route: string };
