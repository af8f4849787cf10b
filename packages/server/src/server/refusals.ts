import type { Logger } from 'pino';
import { LookoutError } from '../errors.ts';
import type { LookoutMetrics } from '../metrics/registry.ts';

// Requests Lookout refuses for who sent them or how much they send: a missing, unknown or
// insufficient API key (401/403), and every 429 it answers itself. Each is reported once, where
// it is answered, to /metrics (lookout_auth_failures_total, lookout_rate_limited_total) and to
// whoever listens (the security event log, the per-project rollups):
//
//   const stop = ctx.refusals.onRefusal((r) => log.record(r));  // r: Refusal
//   stop();                                                     // no longer called
//
// `projectId` is the project the request was refused for, when Lookout knows it: a valid key
// without the scope the route needs, a keyed (or keyless local) request over a limit. A missing
// or unknown key belongs to no project (null): such refusals are counted on /metrics only, since
// a project must never see another project's traffic or anonymous traffic in its own numbers.
// Listeners run synchronously on the request's path: they must be quick and must not throw (an
// exception is logged and swallowed, the refusal is still answered).

export { AUTH_FAILURE_REASONS, RATE_LIMIT_REASONS, type AuthFailureReason, type RateLimitReason, type Refusal } from '../domain/security.ts';
import type { Refusal } from '../domain/security.ts';

export type RefusalListener = (refusal: Refusal) => void;

// The refusal a LookoutError answers, or null for any other error. `keySent`: the request
// carried an API key (so a 401 means an invalid key rather than a missing one).
export function refusalOf(error: LookoutError, at: { keySent: boolean; projectId: string | null; route: string }): Refusal | null {
  switch (error.code) {
    case 'unauthorized':
      return { kind: 'auth_failure', reason: at.keySent ? 'invalid_key' : 'missing_key', projectId: null, route: at.route };
    case 'forbidden':
      return { kind: 'auth_failure', reason: 'forbidden', projectId: at.projectId, route: at.route };
    case 'queue_full':
    case 'too_many_queries':
      return { kind: 'rate_limited', reason: error.code, projectId: at.projectId, route: at.route };
    default:
      return null;
  }
}

export class Refusals {
  private readonly listeners = new Set<RefusalListener>();
  private readonly metrics: LookoutMetrics;
  private readonly logger: Logger;

  constructor(metrics: LookoutMetrics, logger: Logger) {
    this.metrics = metrics;
    this.logger = logger;
  }

  onRefusal(listener: RefusalListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  report(refusal: Refusal): void {
    if (refusal.kind === 'auth_failure') this.metrics.authFailures.inc({ reason: refusal.reason });
    else this.metrics.rateLimited.inc({ reason: refusal.reason });
    for (const listener of this.listeners) {
      try {
        listener(refusal);
      } catch (err) {
        this.logger.error({ err, refusal: refusal.kind }, 'a refusal listener failed');
      }
    }
  }

  // The refusal an error answers, if it is one; returns the error for the caller to send.
  reportError<E>(error: E, at: { keySent: boolean; projectId: string | null; route: string }): E {
    const refusal = error instanceof LookoutError ? refusalOf(error, at) : null;
    if (refusal) this.report(refusal);
    return error;
  }
}
