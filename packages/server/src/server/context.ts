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
import { DEFAULT_PROJECT, type KeyScope, type ProjectId, type Store } from '../store/store.ts';
import { LookoutError } from '../errors.ts';

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
}

export interface RequestAuth {
  projectId: ProjectId;
  scope: KeyScope;
  keyId: string | null; // null: an unauthenticated request on a loopback-bound server
}

declare module 'fastify' {
  interface FastifyRequest {
    auth: RequestAuth;
  }
  interface FastifyContextConfig {
    // The scope a key needs for the route (or the instance operator): checked before the request
    // is validated, so a key that may not use the route is refused (403) whatever it sends.
    // Listed in the API reference.
    scope?: KeyScope | 'operator';
  }
}

const SCOPE_RANK: Record<KeyScope, number> = { ingest: 0, read: 1, admin: 2 };

// ingest < read < admin, except that an ingest key may only write: it cannot read data back.
export function requireScope(request: FastifyRequest, needed: KeyScope): ProjectId {
  const have = request.auth.scope;
  const ok = needed === 'ingest' ? true : have !== 'ingest' && SCOPE_RANK[have] >= SCOPE_RANK[needed];
  if (!ok) throw new LookoutError('forbidden', `this API key has scope '${have}'; '${needed}' is needed`);
  return request.auth.projectId;
}

// The instance operator: a request from the loopback-bound server without a key, or an admin
// key of the default project. Only the operator changes instance-wide settings (prices) and
// manages other projects.
export function isOperator(request: FastifyRequest): boolean {
  return request.auth.scope === 'admin' && request.auth.projectId === DEFAULT_PROJECT;
}

export function requireOperator(request: FastifyRequest): void {
  requireScope(request, 'admin');
  if (!isOperator(request)) {
    throw new LookoutError('forbidden', 'this changes the whole instance: use an admin key of the default project');
  }
}

export type RouteModule = (app: FastifyInstance, ctx: AppContext) => void | Promise<void>;
