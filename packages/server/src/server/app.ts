import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyRequest } from 'fastify';
import { registerIngestRoutes } from '../ingest/api/route.ts';
import { LANGFUSE_OTEL_TRACES_PATH, registerOtlpRoutes } from '../ingest/otlp/route.ts';
import { registerGatewayRoutes } from '../ingest/gateway/route.ts';
import { LANGFUSE_HEALTH_PATH, LANGFUSE_INGESTION_PATH, registerLangfuseIngestRoutes } from '../ingest/langfuse/route.ts';
import { LANGFUSE_SCORES_PATH, registerLangfusePublicRoutes } from './routes/langfuse-public.ts';
import { registerMcpRoutes } from './routes/mcp.ts';
import { requireOperator, requireScope, type AppContext, type RouteModule } from './context.ts';
import { bearerKey, createAuthResolver, createHostGuard, createOriginGuard, keyFromBasic, peerOfRequest, refusalSiteOf, requireMetricsReader } from './auth.ts';
import { LookoutError } from '../errors.ts';
import { parseJsonBody } from '../ingest/json-body.ts';
import { registerAdminRoutes } from './routes/admin.ts';
import { registerBackupRoutes } from './routes/backup.ts';
import { registerErasureRoutes } from './routes/erasure.ts';
import { registerPricingRoutes } from './routes/pricing.ts';
import { registerSpanRoutes } from './routes/spans.ts';
import { registerExportRoutes } from './routes/export.ts';
import { registerSecurityRoutes } from './routes/security.ts';
import { registerEvaluatorRoutes } from './routes/evaluators.ts';
import { registerQualityRoutes } from './routes/quality.ts';
import { registerDriftRoutes } from './routes/drift.ts';
import { registerRetentionRoutes } from './routes/retention.ts';
import { registerProjectLifecycleRoutes } from './routes/projects-lifecycle.ts';
import { readTenantOfProject, runAsReadTenant } from '../store/read-tenant.ts';
import { registerAnalyticsRoutes } from './routes/analytics.ts';
import { registerChargebackRoutes } from './routes/chargeback.ts';
import { registerRecommendationRoutes } from './routes/recommendations.ts';
import { registerExperimentRoutes } from './routes/experiments.ts';
import { registerAlertRoutes } from './routes/alerts.ts';
import { registerActionRoutes } from './routes/actions.ts';
import { BUDGET_CHECK_PATH, registerBudgetRoutes } from './routes/budgets.ts';
import { PROMPT_PATHS, registerPromptRoutes } from './routes/prompts.ts';
import { OPENAPI_PATH, registerOpenApi, registerOpenApiRoute } from './openapi.ts';
import { isPublicWebRequest, registerWebRoutes, SECURITY_HEADERS } from './routes/web.ts';
import { HEALTHZ_ROUTE, METRICS_ROUTE, READYZ_ROUTE } from './schemas/health.ts';
import { expositionFormatFor } from '../metrics/exposition.ts';
import { csrfHook, csrfRefusal, registerSessions, sessionAuth, sessionEndedError } from './sessions.ts';
import { AUTH_PREFIX, LOGIN_PATH, registerAuthRoutes } from './routes/auth.ts';
import { registerUserRoutes } from './routes/users.ts';
import { registerOidcRoutes } from './routes/oidc.ts';
import { auditHook } from './audit-hook.ts';
import { registerAuditRoutes } from './routes/audit.ts';

const MAX_REQUEST_ID_CHARS = 128;
const REQUEST_ID_PATTERN = /^[\x21-\x7e]+$/;

// The API's description is public: it says what the server accepts, nothing of what it holds.
const PUBLIC_PATHS = new Set(['/healthz', '/readyz', OPENAPI_PATH, LANGFUSE_HEALTH_PATH]);
const METRICS_PATH = '/metrics';
// How often Node looks for connections past headersTimeoutMs/requestTimeoutMs (its default).
const MAX_TIMEOUT_CHECK_INTERVAL_MS = 30_000;
// Not held back by read-your-writes: ingest, the budget check (answered from memory), and the
// prompt registry (no ingested record in it).
const INGEST_PATHS = new Set(['/api/v1/ingest', BUDGET_CHECK_PATH, LANGFUSE_OTEL_TRACES_PATH, LANGFUSE_INGESTION_PATH, ...PROMPT_PATHS]);

// A7/A9: accept the caller's request id when it is sane, otherwise make one; echo it back.
function requestIdFrom(request: { headers: Record<string, string | string[] | undefined> }): string {
  const given = request.headers['x-request-id'];
  if (typeof given === 'string' && given.length <= MAX_REQUEST_ID_CHARS && REQUEST_ID_PATTERN.test(given)) return given;
  return randomUUID();
}

export interface BuildOptions {
  // Check every JSON response against its route's schema (the test suites turn this on).
  validateResponses?: boolean;
}

export async function buildApp(ctx: AppContext, extraRoutes: RouteModule[] = [], options: BuildOptions = {}): Promise<FastifyInstance> {
  const { server } = ctx.config;
  const app: FastifyInstance = Fastify({
    loggerInstance: ctx.logger as unknown as FastifyBaseLogger,
    // Request lines are logged by the onResponse hook below, with the project and route.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'requestId' }),
    bodyLimit: ctx.config.ingest.maxBodyBytes,
    genReqId: requestIdFrom,
    return503OnClosing: true,
    // Slow clients: the whole request must arrive within requestTimeoutMs (Node counts until the
    // request is received, so long gateway responses are not cut), the headers within
    // headersTimeoutMs; a socket silent both ways for connectionTimeoutMs is closed.
    requestTimeout: server.requestTimeoutMs,
    connectionTimeout: server.connectionTimeoutMs,
    keepAliveTimeout: server.keepAliveTimeoutMs,
    http: {
      headersTimeout: server.headersTimeoutMs,
      connectionsCheckingInterval: Math.min(MAX_TIMEOUT_CHECK_INTERVAL_MS, server.headersTimeoutMs),
    },
    // request.ip and request.host from X-Forwarded-*; who may omit a key never depends on it.
    trustProxy: server.trustProxy,
  });

  await registerOpenApi(app, { validateResponses: options.validateResponses ?? false });

  const resolveAuth = createAuthResolver(ctx);
  const checkHost = createHostGuard(ctx.config);
  const checkOrigin = createOriginGuard(ctx.config);
  const metricsNeedKey = ctx.config.metrics.requireKey;

  app.removeAllContentTypeParsers();
  app.addContentTypeParser(['application/json', 'text/json'], { parseAs: 'buffer' }, (_req, body, done) => {
    try {
      done(null, parseJsonBody(body as Buffer));
    } catch (err) {
      done(err as Error, undefined);
    }
  });
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (req, _body, done) => {
    done(new LookoutError('unsupported_media_type', `content type '${req.headers['content-type'] ?? ''}' is not supported here; send application/json`), undefined);
  });

  // E4: sessions of people signed in to the UI (cookie, store, CSRF tokens): before the hook below.
  await registerSessions(app, ctx);

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
    reply.headers(SECURITY_HEADERS);
    checkHost(request.headers.host);
    checkOrigin(request);
    const url = request.routeOptions.url ?? '';
    if (url === METRICS_PATH) {
      if (!metricsNeedKey) return;
      request.auth = await resolveAuth(bearerKey(request), peerOfRequest(request));
      requireMetricsReader(request.auth);
      return;
    }
    // Sign-in and sign-out (/auth/*) answer anyone; each checks what it needs itself.
    if (PUBLIC_PATHS.has(url) || url.startsWith(AUTH_PREFIX) || isPublicWebRequest(request)) return;
    // A key is the key (a session cookie beside it is ignored); else a valid session is its person;
    // else the keyless rule.
    const key = bearerKey(request);
    if (key === null) {
      const person = await sessionAuth(ctx, request, reply);
      if (person) {
        request.auth = person;
        return;
      }
    }
    request.auth = await resolveAuth(key, peerOfRequest(request), { basicSecret: keyFromBasic(request) }).catch((err: unknown) => {
      throw key === null ? sessionEndedError(ctx, request, err) : err;
    });
  });
  app.addHook('onRequest', csrfHook(app, (url) => url === LOGIN_PATH));

  // The route's scope before its schema: a key that may not use a route learns nothing from it.
  app.addHook('preValidation', async (request) => {
    const scope = request.routeOptions.config.scope;
    if (scope === 'operator') requireOperator(request);
    else if (scope !== undefined) requireScope(request, scope);
  });

  // Read-your-writes: anything that reads stored data first waits until every write that was
  // acknowledged before the request is loaded into the store (usually at once). Never /proxy/*:
  // the gateway reads nothing from the store and must not wait on it.
  app.addHook('preHandler', async (request) => {
    const url = request.routeOptions.url ?? '';
    const ingest = INGEST_PATHS.has(url) || (request.method === 'POST' && url === LANGFUSE_SCORES_PATH);
    if (url.startsWith('/api/') && !ingest && !PUBLIC_PATHS.has(url)) await ctx.pipeline.caughtUp();
  });

  // The store reads this request makes count against its project's share of the read
  // connections (store/duckdb/db.ts): the project, not the key, so that a project admin who mints
  // more keys gets no more of the store; keyless requests are the default project's.
  app.addHook('preHandler', (request, _reply, done) => {
    if (request.auth === undefined) return done();
    runAsReadTenant(readTenantOfProject(request.auth.projectId), done);
  });

  app.addHook('onResponse', async (request, reply) => {
    ctx.metrics.httpRequests.inc({ route: request.routeOptions.url ?? 'unmatched', method: request.method, status: String(reply.statusCode) });
    const level = reply.statusCode >= 500 ? 'error' : reply.statusCode >= 400 ? 'warn' : 'debug';
    request.log[level](
      { event: 'request', method: request.method, route: request.routeOptions.url, status: reply.statusCode, durationMs: Math.round(reply.elapsedTime * 100) / 100, projectId: request.auth?.projectId },
      'request',
    );
  });

  // E4: every state change (and every refused attempt at one) goes into the audit log.
  app.addHook('onSend', auditHook(ctx));

  app.setErrorHandler((error: FastifyError | LookoutError, request, reply) => {
    let apiError: LookoutError;
    if (error instanceof LookoutError) {
      apiError = error;
    } else if (csrfRefusal(error.code)) {
      apiError = csrfRefusal(error.code)!;
    } else if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      apiError = new LookoutError('body_too_large', `the body is larger than ${request.routeOptions.bodyLimit ?? ctx.config.ingest.maxBodyBytes} bytes; send smaller batches`);
    } else if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      apiError = new LookoutError('unsupported_media_type', 'send application/json');
    } else if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
      apiError = new LookoutError(error.statusCode === 404 ? 'not_found' : error.statusCode === 413 ? 'body_too_large' : 'invalid_request', error.message);
    } else {
      request.log.error({ err: error }, 'unhandled error');
      apiError = new LookoutError('internal', `internal error (request id ${request.id}); the server log has the details`);
    }
    ctx.refusals.reportError(apiError, refusalSiteOf(request));
    if (apiError.retryAfterSeconds !== null) reply.header('retry-after', String(apiError.retryAfterSeconds));
    reply.code(apiError.status).send(apiError.toJSON());
  });

  app.setNotFoundHandler((request, reply) => {
    const e = new LookoutError('not_found', `no route for ${request.method} ${request.url.split('?')[0]}`);
    reply.code(404).send(e.toJSON());
  });

  app.get('/healthz', { schema: HEALTHZ_ROUTE }, async () => ({ status: 'ok' }));
  let ready = true;
  // Closing: connections busy now would otherwise sit idle in keep-alive after their response
  // and hold the close open; tell each client to close its connection with this response.
  app.addHook('preClose', async () => {
    ready = false;
  });
  app.addHook('onSend', async (_request, reply) => {
    if (!ready) reply.header('connection', 'close');
  });
  app.get('/readyz', { schema: READYZ_ROUTE }, async (_request, reply) => {
    if (!ready) {
      reply.code(503);
      return { status: 'shutting down' };
    }
    const health = ctx.pipeline.loadHealth;
    return {
      status: 'ready',
      store: ctx.store.backend,
      queueDepth: ctx.pipeline.queueDepth,
      loads: {
        status: health.failingSinceMs === null ? 'ok' : 'failing',
        failingSince: health.failingSinceMs === null ? null : new Date(health.failingSinceMs).toISOString(),
        error: health.error,
      },
    };
  });
  app.get(METRICS_PATH, { schema: METRICS_ROUTE }, async (request, reply) => {
    const { contentType, body } = await ctx.metrics.render(expositionFormatFor(request.headers.accept));
    reply.header('content-type', contentType);
    return body;
  });

  for (const register of [registerIngestRoutes, registerOtlpRoutes, registerSpanRoutes, registerExportRoutes, registerPricingRoutes, registerAdminRoutes, registerBackupRoutes, registerErasureRoutes, registerAnalyticsRoutes, registerChargebackRoutes, registerRecommendationRoutes, registerExperimentRoutes, registerAlertRoutes, registerActionRoutes, registerBudgetRoutes, registerPromptRoutes, registerSecurityRoutes, registerEvaluatorRoutes, registerQualityRoutes, registerDriftRoutes, registerRetentionRoutes, registerProjectLifecycleRoutes, registerAuditRoutes, registerAuthRoutes, registerOidcRoutes, registerUserRoutes, registerLangfuseIngestRoutes, registerLangfusePublicRoutes, registerMcpRoutes, registerGatewayRoutes, registerWebRoutes, ...extraRoutes]) {
    await register(app, ctx);
  }
  registerOpenApiRoute(app);
  return app;
}
