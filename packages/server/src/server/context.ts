import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { LookoutConfig } from '../config/config.ts';
import type { BudgetBook } from '../budgets/book.ts';
import type { Pricer } from '../enrich/pricing/index.ts';
import type { IngestPipeline } from '../ingest/pipeline.ts';
import type { IngestWorkers } from '../ingest/workers/pool.ts';
import type { ContentPolicy } from '../ingest/content-policy.ts';
import type { Privacy } from '../enrich/redact/privacy.ts';
import type { Evaluators } from '../quality/evaluators/service.ts';
import type { Judge } from '../quality/judge/judge.ts';
import type { SecurityLog } from '../enrich/security/log.ts';
import type { LookoutMetrics } from '../metrics/registry.ts';
import type { Alerting } from '../alerts/service.ts';
import type { ApplyGatewayActions } from '../ingest/gateway/actions.ts';
import type { Refusals } from './refusals.ts';
import type { LifecycleLock } from '../lifecycle/lock.ts';
import type { RetentionJob } from '../lifecycle/retention.ts';
import type { ErasureJobs } from '../lifecycle/erasure.ts';
import type { ProjectDeletions } from '../lifecycle/project-deletion.ts';
import type { ChargebackStore } from '../query/chargeback-store.ts';
import { type ProjectId, type Store } from '../store/store.ts';
import { LookoutError } from '../errors.ts';
import { principalOf, refusalOf, type Grant, type RouteScope } from './access.ts';

// What every route module is handed. Route modules export `registerXRoutes(app, ctx)`.
export interface AppContext {
  config: LookoutConfig;
  store: Store;
  pricer: Pricer;
  pipeline: IngestPipeline;
  // The threads that decode and map OTLP exports before the pipeline takes their records.
  workers: IngestWorkers;
  content: ContentPolicy;
  // E1: each project's privacy settings and redactor.
  privacy: Privacy;
  // D2: each project's evaluators (config file and API), read by ingest on every batch.
  evaluators: Evaluators;
  // D2: the LLM judge (sampling, queue, budget); the server always has one (it judges for the
  // evaluators that have an endpoint, docs/quality.md); null in contexts built without it.
  judge: Judge | null;
  // E2: security events that are not about an ingested record (auth failures, blocked calls).
  security: SecurityLog;
  metrics: LookoutMetrics;
  logger: Logger;
  alerting: Alerting;
  budgets: BudgetBook;
  // Requests refused for their key or over a limit: counted, and heard by onRefusal listeners.
  refusals: Refusals;
  // F5: the automated responses the gateway applies to each call before forwarding it; absent,
  // every call goes through unchanged.
  gatewayActions?: ApplyGatewayActions;
  // I3/I4: erasures, retention runs and project deletions take turns on this one lock.
  lifecycleLock: LifecycleLock;
  // I3: each project's retention tiers and the job enforcing them.
  retention: RetentionJob;
  // I4: erasure jobs and their audit log (a store without erasure refuses new ones).
  erasures: ErasureJobs;
  // I4: project deletions and their record.
  projectDeletions: ProjectDeletions;
  // Each project's chargeback markup tiers and other costs.
  chargeback: ChargebackStore;
  // E4: signs session cookies (auth.sessions.secret, or made once and kept: people/session-secret.ts).
  sessionSecret: string;
}

// E4: what a caller may do in a project, on one ladder for keys and people (server/access.ts).
export type { Grant };

// Who made a request: a key, a signed-in person, or the keyless operator of a loopback-bound server.
export type Actor = { kind: 'key'; keyId: string } | { kind: 'user'; userId: string; email: string; sessionId: string } | { kind: 'local' };

export interface RequestAuth {
  projectId: ProjectId;
  scope: Grant;
  keyId: string | null; // null: not a key (a person, or the keyless operator)
  actor: Actor;
}

declare module 'fastify' {
  interface FastifyRequest {
    auth: RequestAuth;
  }
  interface FastifyContextConfig {
    // Who may use the route (server/access.ts): the grant a key's scope or a person's role must
    // reach, or the instance operator. Checked before the request is validated, so a caller that
    // may not use the route is refused (403) whatever it sends. Listed in the API reference and
    // in docs/auth-routes.md; a route without one must be in access.ts's PUBLIC_ROUTES.
    scope?: Grant | 'operator';
    // E4: the audit log's name for what the route changes (server/audit-hook.ts derives one from
    // the method and path when absent: PUT /api/v1/budgets/:id → budgets.update); false: the route
    // changes nothing though it is a POST (a dry run, a test), so it is not recorded.
    audit?: string | false;
    // E4: what of the request's body the route's entry keeps when its handler gives no `after`:
    // true for settings (the whole body, secrets redacted), or the fields named; absent: nothing
    // (a body may carry personal data or content, which the audit log must not keep).
    auditBody?: true | readonly string[];
    // E4: the route's path parameter that is an application's end-user id (a tier assignment's
    // user): its entries keep the keyed hash an erasure records (target, path), never the id.
    auditEndUserParam?: string;
  }
}

// The one authorization check: the route's rule (server/access.ts) against the caller, a key by
// its scope, a person by their role in the project the request acts in. Refused: 403 worded for
// the caller. Returns the project the request acts in.
export function requireScope(request: FastifyRequest, needed: Grant): ProjectId {
  return requireRule(request, needed);
}

// The instance operator: a request from the loopback-bound server without a key, an admin key of
// the default project, or a person with the admin role in the default project acting in it. Only
// the operator changes instance-wide settings (prices) and manages other projects.
export function isOperator(request: FastifyRequest): boolean {
  const p = principalOf(request.auth);
  return p.kind === 'local' || p.operator;
}

export function requireOperator(request: FastifyRequest): void {
  requireRule(request, 'operator');
}

function requireRule(request: FastifyRequest, rule: RouteScope): ProjectId {
  // A handler that asks again asks for its route's own rule: one that asked for another would
  // refuse callers the route × role table admits (or admit ones it refuses).
  const declared = request.routeOptions.config.scope;
  if (declared !== undefined && declared !== rule) {
    throw new Error(`${request.method} ${request.routeOptions.url} checks '${rule}' but its rule (config.scope) is '${declared}'`);
  }
  const why = refusalOf(rule, request.method, principalOf(request.auth), request.auth.projectId);
  if (why !== null) throw new LookoutError('forbidden', why);
  return request.auth.projectId;
}

// Who made a change, as recorded with it (a budget's or a prompt version's createdBy): a person's
// user id or a key's id; null for the keyless operator.
export function actorIdOf(auth: RequestAuth): string | null {
  return auth.actor.kind === 'user' ? auth.actor.userId : auth.actor.kind === 'key' ? auth.actor.keyId : null;
}

// Who asked, as erasure and project-deletion records keep it: the key's id, `user:<id> (<email>)`
// for a signed-in person, `operator` for the keyless local operator.
export function requesterOf(auth: RequestAuth): string {
  if (auth.actor.kind === 'user') return `user:${auth.actor.userId} (${auth.actor.email})`;
  if (auth.actor.kind === 'key') return auth.actor.keyId;
  return auth.keyId ?? 'operator';
}

// Who the caller is, in words for a refusal: "this key" or "you".
export function callerNoun(request: FastifyRequest): string {
  return request.auth.actor.kind === 'user' ? 'you are acting in' : 'this key belongs to';
}

export type RouteModule = (app: FastifyInstance, ctx: AppContext) => void | Promise<void>;
