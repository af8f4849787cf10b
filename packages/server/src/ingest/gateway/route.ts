import type { ServerResponse } from 'node:http';
import { brotliDecompressSync, gunzipSync, inflateSync, zstdDecompressSync } from 'node:zlib';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Dispatcher } from 'undici';
import { z } from 'zod';
import type { BudgetStatus } from '../../budgets/policy.ts';
import type { AppContext } from '../../server/context.ts';
import { LookoutError } from '../../errors.ts';
import { passThrough, type GatewayActionOutcome, type GatewayResponse } from './actions.ts';
import {
  AttributionError,
  clientResponseHeaders,
  headerValue,
  parseAttribution,
  parseTraceParent,
  upstreamRequestHeaders,
  type GatewayAttribution,
} from './headers.ts';
import { injectionToBlock } from './injection-policy.ts';
import { TurnQueue } from './turns.ts';
import { KeptBytes, ResponseCapture, type StreamFacts } from './capture.ts';
import { classifyEndpoint, emptyFacts, errorBody, factsFromJson, SseReader, type Endpoint, type ProviderId, type ResponseFacts } from './providers.ts';
import { GatewayPathError, normaliseRequestUrl, type NormalisedUrl } from './path.ts';
import { GatewayRecorder } from './recorder.ts';
import { newTraceIds, providerSecrets, type CallOutcome, type GatewayCallRecord } from './record.ts';
import { UpstreamPools, upstreamTarget, type UpstreamTarget } from './upstream.ts';
import { gatewayBodySchema, gatewayResponses } from '../../server/schemas/gateway.ts';
import { documentedOnly } from '../../server/openapi.ts';

// A8: the recording gateway. /proxy/openai/v1/* and /proxy/anthropic/v1/* go to the configured
// upstream with the caller's bytes; the response goes back as the upstream sent it, streamed
// chunk by chunk. The call is recorded after the response has gone, through the same ingest
// pipeline as every other path, and a recording that fails is counted, never felt by the caller.

export const GATEWAY_PREFIX = '/proxy/';

const PROVIDER_NAMES: Record<ProviderId, string> = { openai: 'OpenAI', anthropic: 'Anthropic' };
const BODYLESS_METHODS = new Set(['GET', 'HEAD', 'TRACE']);

interface ProviderRoute {
  id: ProviderId;
  prefix: string; // what the client calls, up to the path the upstream gets
  upstreamPathPrefix: string; // put between the base URL's path and the rest
  baseUrl: string;
}

// What a response keeps for reading at most (its chunks' bytes and their overhead, capture.ts): a
// larger plain body is passed through and recorded without its facts, a larger stream is read as
// it passes.
const MAX_RECORDED_BODY_BYTES = 8 * 1024 * 1024;
// Recording runs on the thread that forwards the calls, in stretches of about this long with the
// event loop free between them (reading ended calls here, flushes in recorder.ts).
const RECORDING_TURN_MS = 1;
// What the responses in flight or waiting to be read keep for reading, all together; past it, a
// stream is read as it passes.
const MAX_KEPT_BYTES = 64 * 1024 * 1024;
// Ended calls waiting to be read at most; past it, a call is served but not recorded, and counted
// (lookout_gateway_recording_lost_total{reason="read_backlog"}).
const MAX_QUEUED_READS = 4096;
// A copy of a compressed response is decoded for recording up to this size: a small body that
// inflates without end (a decompression bomb from a hostile upstream) costs at most this much
// memory. Past it, the call is recorded without usage and counted; the client still gets every
// byte the upstream sent, undecoded, as it does for any response.
export const MAX_DECODED_BODY_BYTES = 16 * 1024 * 1024;
const DECODERS: Record<string, (b: Buffer, o: { maxOutputLength: number }) => Buffer> = {
  gzip: gunzipSync,
  'x-gzip': gunzipSync,
  deflate: inflateSync,
  br: brotliDecompressSync,
  zstd: zstdDecompressSync,
};

type UnreadReason = 'body_too_large' | 'decoded_too_large' | 'unknown_encoding' | 'decode_error';
// Never reaches a caller: the response is still served, only its usage is not read.
class UnreadBody extends LookoutError {
  override name = 'UnreadBody';
  readonly reason: UnreadReason;
  constructor(reason: UnreadReason) {
    super('internal', `gateway response not read for usage: ${reason}`);
    this.reason = reason;
  }
}

function providerOfUrl(url: string): ProviderId {
  return url.startsWith('/proxy/anthropic') ? 'anthropic' : 'openai';
}

function sendError(reply: FastifyReply, provider: ProviderId, status: number, message: string, code: string, extraHeaders: Record<string, string> = {}, extra: Record<string, unknown> = {}): FastifyReply {
  reply.code(status).headers({ 'content-type': 'application/json', ...extraHeaders });
  return reply.send(errorBody(provider, status, message, code, extra));
}

function rawError(res: ServerResponse, provider: ProviderId, status: number, message: string, code: string): void {
  if (res.headersSent || res.destroyed) return;
  const body = errorBody(provider, status, message, code);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

// An error code (ECONNREFUSED, UND_ERR_SOCKET) says what went wrong without saying where.
const safeCode = (code: string) => (/^[A-Z][A-Z0-9_]{1,40}$/.test(code) ? ` (${code})` : '');

// Header values are ASCII; a subject may not be.
const headerSafe = (v: string) => encodeURIComponent(v);

function budgetWarningHeader(statuses: BudgetStatus[]): string | null {
  const warned = statuses.filter((s) => s.warningLevel !== null);
  if (!warned.length) return null;
  return warned
    .map(
      (s) =>
        `budget=${headerSafe(s.budget.id)}; scope=${s.budget.scope}; subject=${headerSafe(s.subject ?? '')}; percent=${Math.round(s.percent)}; ` +
        `spent_usd=${s.spentUsd.toFixed(6)}; limit_usd=${s.limitUsd}; resets_at=${s.periodEnd}`,
    )
    .join(', ');
}

function describeBudget(s: BudgetStatus): string {
  const who = s.budget.scope === 'project' ? 'the project' : `${s.budget.scope} '${s.subject}'`;
  const what = s.budget.tier ? `${s.budget.tier} tier daily budget` : `${s.budget.period} budget${s.budget.name ? ` '${s.budget.name}'` : ''}`;
  return `Lookout budget exceeded: ${who} has spent $${s.spentUsd.toFixed(2)} of the $${s.limitUsd.toFixed(2)} ${what} (id ${s.budget.id}); it resets at ${s.periodEnd}.`;
}

export class Gateway {
  private readonly ctx: AppContext;
  readonly pools: UpstreamPools;
  private readonly routes: Record<ProviderId, ProviderRoute & { target: UpstreamTarget }>;
  readonly recorder: GatewayRecorder;
  // What every response in flight or waiting to be read keeps, together.
  private readonly keptBytes = new KeptBytes(MAX_KEPT_BYTES);
  // Reading ended calls and building their spans, a millisecond's worth per turn of the loop.
  readonly reads: TurnQueue;

  constructor(ctx: AppContext) {
    this.ctx = ctx;
    this.recorder = new GatewayRecorder(ctx, RECORDING_TURN_MS);
    this.reads = new TurnQueue(RECORDING_TURN_MS, (err) => this.recorder.lost(err, 1), MAX_QUEUED_READS);
    const g = ctx.config.gateway;
    this.pools = new UpstreamPools(g);
    this.routes = {
      openai: { id: 'openai', prefix: '/proxy/openai/v1/', upstreamPathPrefix: '/', baseUrl: g.openaiBaseUrl, target: upstreamTarget(g.openaiBaseUrl) },
      anthropic: { id: 'anthropic', prefix: '/proxy/anthropic/v1/', upstreamPathPrefix: '/v1/', baseUrl: g.anthropicBaseUrl, target: upstreamTarget(g.anthropicBaseUrl) },
    };
  }

  async handle(provider: ProviderId, request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
    const t0 = performance.now();
    const startMs = performance.timeOrigin + t0;
    const ctx = this.ctx;
    const route = this.routes[provider];
    // The router matched a spelling of the prefix; budgets, actions and the upstream all get the
    // one normalised path, never the raw one.
    let url: NormalisedUrl;
    try {
      url = normaliseRequestUrl(request.raw.url ?? '');
    } catch (err) {
      if (err instanceof GatewayPathError) return sendError(reply, provider, 400, `Lookout gateway: ${err.message}`, 'invalid_path');
      throw err;
    }
    if (!url.path.startsWith(route.prefix)) {
      return sendError(reply, provider, 400, `Lookout gateway: the path ${url.path} is outside ${route.prefix}; it must stay under the provider's prefix`, 'invalid_path');
    }
    const restPath = url.path.slice(route.prefix.length);
    const rest = restPath + url.query;
    const endpoint = classifyEndpoint(provider, request.method, restPath);

    let attribution: GatewayAttribution;
    try {
      const parsed = parseAttribution(request.headers);
      attribution = parsed.attribution;
      for (const h of parsed.ignored) ctx.metrics.gatewayIgnoredHeaders.inc({ header: h });
    } catch (err) {
      if (err instanceof AttributionError) return sendError(reply, provider, 400, err.message, 'invalid_lookout_header');
      throw err;
    }
    const projectId = request.auth.projectId;

    // B6: hard budgets, from memory, before anything is sent: model calls and every other call
    // that may cost money upstream (see classifyEndpoint's free list).
    let warning: string | null = null;
    if (endpoint.budgeted) {
      const check = ctx.budgets.check(projectId, { user: attribution.userId, team: attribution.team });
      if (!check.allowed && check.blockedBy) {
        const s = check.blockedBy;
        ctx.metrics.gatewayBudgetBlocked.inc({ upstream: provider });
        ctx.refusals.report({ kind: 'rate_limited', reason: 'budget_exceeded', projectId, route: request.routeOptions.url ?? request.url });
        const retryAfterS = Math.max(1, Math.ceil((Date.parse(s.periodEnd) - Date.now()) / 1000));
        return sendError(
          reply,
          provider,
          429,
          describeBudget(s),
          'budget_exceeded',
          { 'retry-after': String(retryAfterS), 'x-should-retry': 'false' },
          {
            lookout_budget: {
              id: s.budget.id,
              name: s.budget.name ?? null,
              scope: s.budget.scope,
              subject: s.subject,
              period: s.budget.period,
              limit_usd: s.limitUsd,
              spent_usd: s.spentUsd,
              resets_at: s.periodEnd,
            },
          },
        );
      }
      warning = budgetWarningHeader(check.budgets);
    }

    const ids = newTraceIds(parseTraceParent(request.headers.traceparent));
    let body = Buffer.isBuffer(request.body) ? request.body : null;
    if (ctx.privacy.settingsOf(projectId).gatewayInjection === 'block') {
      const injection = injectionToBlock(provider, endpoint, body);
      if (injection) {
        const rule = injection.rules[0] ?? null;
        ctx.metrics.injectionDetected.inc({ severity: injection.severity });
        ctx.security.record({
          projectId, type: injection.kind, severity: injection.severity, action: 'blocked', detector: 'injection', rule,
          userId: attribution.userId, traceId: ids.traceId, spanId: ids.spanId, field: 'request', score: injection.score,
        });
        return sendError(
          reply,
          provider,
          400,
          `Lookout gateway: the request was blocked as a ${injection.kind.replace('_', ' ')} (rule ${rule}, severity ${injection.severity}); this project's privacy settings block them (gatewayInjection: block)`,
          'prompt_injection_blocked',
        );
      }
    }
    const record: GatewayCallRecord = {
      projectId,
      provider,
      endpoint,
      ...ids,
      requestBody: body,
      attribution,
      extraMetadata: null,
      startMs,
      durationMs: 0,
      ttftMs: null,
      httpStatus: null,
      outcome: 'response',
      facts: emptyFacts(),
      usageMissing: false,
      requestId: null,
      failure: null,
      secrets: providerSecrets(request.headers),
    };

    // F5: the one call into automated responses.
    const actions = ctx.gatewayActions ?? passThrough;
    let action: GatewayActionOutcome | null = null;
    try {
      const got = actions({
        provider,
        projectId,
        method: request.method,
        path: rest,
        headers: request.headers,
        body: body ?? Buffer.alloc(0),
        attribution,
        lookoutKeyId: request.auth.keyId,
      });
      action = got instanceof Promise ? await got : got;
    } catch (err) {
      // An automated response that fails leaves the call as it was.
      request.log.error({ err }, 'gateway action failed; forwarding the call unchanged');
    }
    let target = route.target;
    if (action) {
      if (action.metadata) record.extraMetadata = action.metadata;
      if (action.body) body = record.requestBody = action.body;
      if (action.baseUrl) target = upstreamTarget(action.baseUrl);
      if (action.respond) {
        // Cache hits are 200s: a 429 here is an automated response's rate limit.
        if (action.respond.status === 429) ctx.refusals.report({ kind: 'rate_limited', reason: 'action', projectId, route: request.routeOptions.url ?? request.url });
        return this.respondDirectly(reply, record, action.respond, t0);
      }
    }

    const extraHeaders: Record<string, string> = { 'x-lookout-trace-id': ids.traceId };
    if (warning) extraHeaders['x-lookout-budget-warning'] = warning;
    return this.forward(request, reply, route, target, rest, body, record, extraHeaders, t0, action?.onResponse ?? null, action?.fallback ?? null);
  }

  private respondDirectly(reply: FastifyReply, record: GatewayCallRecord, response: GatewayResponse, t0: number): FastifyReply {
    record.httpStatus = response.status;
    try {
      record.facts = this.factsOf(record.provider, response.body, response.headers['content-type'] ?? '', response.headers['content-encoding'] ?? '');
    } catch (err) {
      if (!(err instanceof UnreadBody)) throw err;
      this.ctx.metrics.gatewayUsageUnread.inc({ reason: err.reason });
    }
    record.durationMs = performance.now() - t0;
    this.recorder.record(record);
    reply.code(response.status).headers({ ...response.headers, 'x-lookout-trace-id': record.traceId });
    return reply.send(response.body);
  }

  private async forward(
    request: FastifyRequest,
    reply: FastifyReply,
    route: ProviderRoute,
    target: UpstreamTarget,
    rest: string, // the path after the route's prefix, with the query
    body: Buffer | null,
    record: GatewayCallRecord,
    extraHeaders: Record<string, string>,
    t0: number,
    onResponse: ((r: GatewayResponse) => void) | null,
    fallback: { baseUrl: string; onStatus: number[] } | null,
  ): Promise<void> {
    const { ctx } = this;
    const provider = route.id;
    const metrics = ctx.metrics;
    const res = reply.raw;
    reply.hijack();
    const abort = new AbortController();
    let done = false;
    let capture: ResponseCapture | null = null;
    // What the response is read for happens after it has ended, off the forwarding path: `facts`
    // gets the end time, `ttftAt` and `usageReported` are asked after it.
    const finish = (outcome: CallOutcome, facts: (endMs: number) => ResponseFacts, ttftAt: () => number | null = () => null, usageReported: () => boolean | null = () => null) => {
      if (done) return;
      done = true;
      const now = performance.now();
      metrics.gatewayInFlight.dec({ upstream: provider });
      const outcomeLabel = outcome === 'response' ? (record.httpStatus === 429 ? '429' : `${Math.floor((record.httpStatus ?? 0) / 100)}xx`) : outcome;
      metrics.gatewayUpstreamRequests.inc({ upstream: provider, outcome: outcomeLabel });
      metrics.gatewayUpstreamSeconds.observe({ upstream: provider }, (now - t0) / 1000);
      record.outcome = outcome;
      record.durationMs = now - t0;
      // Off the response path: read what was kept (a stream a slice a turn), build the span,
      // queue it.
      const kept = capture;
      const queued = this.reads.tryPush((untilMs) => {
        let more = false;
        try {
          more = kept?.readSome(untilMs) === true;
          if (more) return true;
          try {
            record.facts = facts(now);
            record.usageMissing = usageReported() === false && record.endpoint.modelCall && record.facts.usage === null && (record.httpStatus ?? 0) < 400;
          } catch (err) {
            if (err instanceof UnreadBody) metrics.gatewayUsageUnread.inc({ reason: err.reason });
            else request.log.warn({ err }, 'could not read a gateway response for recording');
          }
          const at = ttftAt();
          record.ttftMs = at === null ? null : at - t0;
        } finally {
          // Read, or failed (then counted lost by the queue): the copy is let go.
          if (!more) {
            kept?.release();
            this.recorder.readDone();
          }
        }
        this.recorder.record(record);
      });
      if (queued) {
        this.recorder.readQueued();
      } else {
        // Too many ended calls wait to be read: reading this one now would hold the loop.
        kept?.release();
        this.recorder.lostAs('read_backlog', 1, null);
      }
    };

    // Set for an uncompressed event stream: its events are read once, with their chunks' times.
    let readStream: ((endMs: number, ended: boolean) => StreamFacts) | null = null;
    res.on('close', () => {
      if (!done) {
        abort.abort();
        const kept = capture;
        const read = readStream;
        // Cut off: the last event, if unfinished, is not read.
        finish('cancelled', (end) => (read ? read(end, false).facts : record.facts), () => (read ? read(0, false).firstTokenAtMs : (kept?.firstChunkAtMs ?? null)));
      }
    });
    metrics.gatewayInFlight.inc({ upstream: provider });

    const headers = upstreamRequestHeaders(request.headers);
    const send = (to: UpstreamTarget) =>
      this.pools.get(to.origin).request({ path: `${to.basePath}${route.upstreamPathPrefix}${rest}`, method: request.method as Dispatcher.HttpMethod, headers, body, signal: abort.signal });
    let up: Dispatcher.ResponseData;
    try {
      if (fallback) {
        // F5: a second upstream when the first fails in one of the listed ways.
        const first = await send(target).catch((err: unknown) => {
          if (abort.signal.aborted || !fallback.onStatus.includes(0)) throw err;
          return null;
        });
        if (first && !fallback.onStatus.includes(first.statusCode)) up = first;
        else {
          first?.body.dump().catch(() => {});
          const second = upstreamTarget(fallback.baseUrl);
          record.extraMetadata = { ...(record.extraMetadata ?? {}), 'gateway.fallback': `${first ? first.statusCode : 'unreachable'} -> ${second.origin}` };
          up = await send(second);
        }
      } else {
        up = await send(target);
      }
    } catch (err) {
      if (abort.signal.aborted) return; // the client went away: recorded as cancelled
      const code = (err as { code?: string }).code ?? '';
      const timedOut = code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT';
      // The error's text names the address connected to (connect ECONNREFUSED 10.1.2.3:443): it
      // goes to the server log only; the caller and the recorded span get its kind and the
      // request id to find it.
      request.log.warn({ err, upstream: provider }, 'gateway upstream request failed');
      record.failure = `${timedOut ? 'upstream timed out' : 'upstream unreachable'}${safeCode(code)}`;
      rawError(res, provider, timedOut ? 504 : 502, `Lookout gateway: ${record.failure}; request id ${request.id} (the server log has the details)`, timedOut ? 'upstream_timeout' : 'upstream_unreachable');
      finish(timedOut ? 'timeout' : 'connect_error', () => record.facts);
      return;
    }

    record.httpStatus = up.statusCode;
    record.requestId = headerValue(up.headers, 'x-request-id') ?? headerValue(up.headers, 'request-id');
    const contentType = headerValue(up.headers, 'content-type') ?? '';
    const encoding = (headerValue(up.headers, 'content-encoding') ?? '').trim().toLowerCase();
    const streaming = contentType.startsWith('text/event-stream');
    const sse = streaming && (encoding === '' || encoding === 'identity');
    const kept = (capture = new ResponseCapture(provider, sse, MAX_RECORDED_BODY_BYTES, this.keptBytes, () =>
      // What the stream kept before its bound is read a slice a turn; chunks arriving meanwhile
      // are kept behind it. Bounded by the calls in flight: one such read each.
      this.reads.push((untilMs) => {
        try {
          return kept.readSome(untilMs);
        } catch (err) {
          // The call's own read, once it ends, meets the same and counts it.
          request.log.warn({ err }, 'could not read a gateway stream for recording');
          return false;
        }
      }),
    ));
    if (sse) {
      let read: StreamFacts | null = null;
      readStream = (endMs, ended) => (read ??= kept.sse(ended ? endMs : null));
    }
    const readSse = readStream;

    try {
      res.writeHead(up.statusCode, { ...clientResponseHeaders(up.headers), ...extraHeaders });
    } catch (err) {
      // A header value Node refuses to send (it accepted it from the upstream): nothing can be sent.
      request.log.warn({ err }, 'the upstream response headers cannot be forwarded');
      up.body.destroy();
      rawError(res, provider, 502, 'Lookout gateway: the upstream response headers are invalid', 'upstream_invalid_response');
      record.failure = 'the upstream response headers are invalid';
      finish('stream_error', () => record.facts);
      return;
    }
    const stream = up.body;
    // Per chunk: forward it and note when it came; nothing is read here.
    stream.on('data', (chunk: Buffer) => {
      if (!res.write(chunk)) stream.pause();
      kept.add(chunk, performance.now());
    });
    res.on('drain', () => stream.resume());
    stream.on('end', () => {
      if (done) return;
      res.end();
      const facts = (endMs: number) => {
        if (readSse) return readSse(endMs, true).facts;
        const body = kept.body();
        if (!body) throw new UnreadBody('body_too_large');
        return this.factsOf(provider, body, contentType, encoding);
      };
      const ttftAt = () => (!streaming ? null : readSse ? readSse(0, true).firstTokenAtMs : kept.firstChunkAtMs);
      if (onResponse && !streaming && !kept.tooLarge) {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(clientResponseHeaders(up.headers))) headers[k] = Array.isArray(v) ? v.join(', ') : v;
        try {
          onResponse({ status: up.statusCode, headers, body: kept.body()! });
        } catch (err) {
          request.log.error({ err }, 'gateway action onResponse failed');
        }
      }
      finish('response', facts, ttftAt, () => (readSse ? readSse(0, true).usageReported : null));
    });
    stream.on('error', (err: Error & { code?: string }) => {
      if (done || abort.signal.aborted) return;
      request.log.warn({ err, upstream: provider }, 'gateway upstream response broke off');
      record.failure = `the upstream response broke off${safeCode(err.code ?? '')}`;
      // The client sees the connection end as the upstream's did.
      res.destroy();
      finish(
        err.code === 'UND_ERR_BODY_TIMEOUT' ? 'timeout' : 'stream_error',
        (end) => (readSse ? readSse(end, true).facts : record.facts),
        () => (readSse ? readSse(0, true).firstTokenAtMs : null),
      );
    });
  }

  private factsOf(provider: ProviderId, raw: Buffer, contentType: string, encoding: string): ResponseFacts {
    let bytes = raw;
    if (encoding && encoding !== 'identity') {
      const decode = DECODERS[encoding];
      if (!decode) throw new UnreadBody('unknown_encoding');
      try {
        bytes = decode(raw, { maxOutputLength: MAX_DECODED_BODY_BYTES });
      } catch (err) {
        throw new UnreadBody((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' ? 'decoded_too_large' : 'decode_error');
      }
    }
    if (contentType.startsWith('text/event-stream')) {
      const r = new SseReader(provider);
      r.push(bytes, 0);
      r.end(0);
      return r.facts;
    }
    if (bytes.length === 0) return emptyFacts();
    try {
      return factsFromJson(provider, JSON.parse(bytes.toString('utf8')));
    } catch {
      return emptyFacts();
    }
  }

  record(r: GatewayCallRecord): void {
    this.recorder.record(r);
  }

  flush(): Promise<void> {
    return this.recorder.flush();
  }
}

export async function registerGatewayRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const gateway = new Gateway(ctx);
  const maxBodyBytes = ctx.config.gateway.maxBodyBytes;
  await app.register(
    async (scope) => {
      // The body goes upstream as it came: no parsing, whatever its type.
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: maxBodyBytes }, (_req, body, done) => done(null, body));
      scope.setErrorHandler((error: FastifyError | LookoutError, request, reply) => {
        const provider = providerOfUrl(request.url);
        if (error instanceof LookoutError) {
          // Lookout's key comes in x-lookout-key here (Authorization is the provider's).
          const keySent = typeof request.headers['x-lookout-key'] === 'string' && request.headers['x-lookout-key'] !== '';
          ctx.refusals.reportError(error, { keySent, projectId: request.auth?.projectId ?? null, route: request.routeOptions.url ?? request.url });
          if (error.retryAfterSeconds !== null) reply.header('retry-after', String(error.retryAfterSeconds));
          return sendError(reply, provider, error.status, `Lookout gateway: ${error.message}`, error.code);
        }
        if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
          return sendError(reply, provider, 413, `Lookout gateway: the request body is larger than ${maxBodyBytes} bytes (gateway.maxBodyBytes)`, 'body_too_large');
        }
        if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
          return sendError(reply, provider, error.statusCode, `Lookout gateway: ${error.message}`, 'invalid_request');
        }
        request.log.error({ err: error }, 'gateway error');
        return sendError(reply, provider, 500, `Lookout gateway: internal error (request id ${request.id})`, 'internal');
      });
      scope.setNotFoundHandler((request, reply) => {
        const provider = providerOfUrl(request.url);
        sendError(
          reply,
          provider,
          404,
          `Lookout gateway: no route for ${request.method} ${request.url.split('?')[0]}; use /proxy/openai/v1/... or /proxy/anthropic/v1/...`,
          'not_found',
        );
      });
      // Every method goes upstream. Fastify takes no body schema on GET, HEAD and TRACE, so those
      // are one route and the methods with a body another, with the same handler.
      const bodyless = scope.supportedMethods.filter((m) => BODYLESS_METHODS.has(m));
      const withBody = scope.supportedMethods.filter((m) => !BODYLESS_METHODS.has(m));
      for (const provider of ['openai', 'anthropic'] as const) {
        const schema = {
          summary: `Call the ${PROVIDER_NAMES[provider]} API through the recording gateway: forwarded as sent, answered as the provider answers`,
          tags: ['gateway'],
          // Authorization carries the provider's key, forwarded upstream; Lookout's key is x-lookout-key.
          security: [{ lookoutKey: [] }],
          params: z.object({ '*': z.string().describe(`the ${PROVIDER_NAMES[provider]} API path after /v1/, with its query`) }),
          response: gatewayResponses(provider),
        };
        const handler = (request: FastifyRequest, reply: FastifyReply) => gateway.handle(provider, request, reply);
        const url = `/${provider}/v1/*`;
        const config = { scope: 'ingest' as const };
        scope.route({ method: bodyless, url, bodyLimit: maxBodyBytes, config, schema, handler });
        scope.route({
          method: withBody,
          url,
          bodyLimit: maxBodyBytes,
          config,
          // The bytes go upstream unread.
          schema: { ...schema, consumes: ['*/*'], body: documentedOnly(gatewayBodySchema) },
          handler,
        });
      }
      // Closing: what is recorded but not submitted goes to the pipeline before it drains.
      scope.addHook('onClose', async () => {
        gateway.reads.runAll();
        await gateway.flush();
        await gateway.pools.close();
      });
    },
    { prefix: '/proxy' },
  );
}
