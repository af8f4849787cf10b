import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { LogRecord, LogSeverity } from '../../domain/score.ts';
import { requireScope, type AppContext } from '../../server/context.ts';
import { refusalSiteOf } from '../../server/auth.ts';
import { redactAttributes } from '../../enrich/redact/processor.ts';
import { LookoutError } from '../../errors.ts';
import { CONTENT, keptBelowFull, type MapOptions } from './conventions/index.ts';
import { handleOtlpHttp, handleOtlpHttpWith, otlpErrorResponse, type AcceptResult, type OtlpHttpResponse, type OtlpSignal } from './http.ts';
import { splitEvaluations } from './conventions/evaluation.ts';
import { otlpEncodingOf } from './body.ts';
import type { OtlpLogRecord } from './types.ts';
import type { OtlpEncoding } from './decode.ts';
import { tracesOf, type MappedTraces } from './traces.ts';
import { attrText } from './values.ts';
import { nanosToMicros } from './conventions/attributes.ts';
import type { OtlpMetricPoint } from './metric-types.ts';
import { metricPointFromOtlp } from './metrics.ts';
import { documentedOnly } from '../../server/openapi.ts';
import { OTLP_CONSUMES, otlpRequestSchema, otlpResponses } from '../../server/schemas/otlp.ts';

// OTLP/HTTP (A2–A4) on the main port: /v1/traces, /v1/logs and /v1/metrics. Bodies are read raw
// (any content type, so an unknown one gets the spec's 415) and handled by http.ts; traces are
// mapped through the conventions to the one record type and go through the same pipeline as
// the native API, so a 2xx means on disk here too.

// Where the Langfuse SDKs built on OpenTelemetry (@langfuse/otel, Python langfuse>=3) export:
// their base URL plus this path. Served by the same handler as /v1/traces; their `langfuse.*`
// attributes are read by conventions/langfuse.ts like any other span's.
export const LANGFUSE_OTEL_TRACES_PATH = '/api/public/otel/v1/traces';

// gzip may expand a body a lot; this bounds what one request may inflate to.
export const DECOMPRESSION_FACTOR = 8;
const MAX_LOG_BODY_CHARS = 100_000;
const MAX_LOG_ATTRIBUTES = 100;

function severityOf(n: number, text: string): LogSeverity {
  if (n >= 17) return 'error';
  if (n >= 13) return 'warn';
  if (n >= 9) return 'info';
  if (n >= 1) return 'debug';
  const t = text.toLowerCase();
  if (t.startsWith('err') || t.startsWith('fatal')) return 'error';
  if (t.startsWith('warn')) return 'warn';
  if (t.startsWith('debug') || t.startsWith('trace')) return 'debug';
  return 'info';
}

// OTLP log records carry no id; one derived from their content makes a retried export a duplicate.
// The digest is of everything sent and is not keyed here: storeOtlp.logs keys it with the
// project's secret before anything is stored.
// Below `full` capture (the default here: privacy fails closed) attributes are kept as span
// metadata is (keptBelowFull): declared content and unknown strings are withheld.
export function logFromOtlp(log: OtlpLogRecord, projectId: string, opts: Pick<MapOptions, 'captureContent' | 'onWithheld'> = { captureContent: false }): LogRecord {
  const body = log.body === null ? '' : attrText(log.body, MAX_LOG_BODY_CHARS);
  const sent: Record<string, string> = {};
  const attributes: Record<string, string> = {};
  let withheld = 0;
  for (const [k, v] of Object.entries(log.attributes).slice(0, MAX_LOG_ATTRIBUTES)) {
    sent[k] = attrText(v, 10_000);
    if (opts.captureContent || keptBelowFull(k, v)) attributes[k] = sent[k];
    else if (!CONTENT.isContent(k)) withheld++;
  }
  if (withheld > 0) opts.onWithheld?.(withheld);
  if (log.eventName) attributes['event.name'] = sent['event.name'] = log.eventName;
  const service = log.resource.attributes['service.name'];
  if (typeof service === 'string') attributes['service.name'] = sent['service.name'] = service;
  const time = log.timeUnixNano !== '0' ? log.timeUnixNano : log.observedTimeUnixNano;
  const timestampUs = nanosToMicros(time) || Date.now() * 1000;
  const id = createHash('sha256')
    .update([log.traceId ?? '', log.spanId ?? '', time, log.eventName, body, JSON.stringify(sent)].join('\u0000'))
    .digest('hex')
    .slice(0, 32);
  return {
    projectId,
    id,
    traceId: log.traceId,
    spanId: log.spanId,
    timestampUs,
    severity: severityOf(log.severityNumber, log.severityText),
    body,
    attributes,
  };
}

// One export request carries at most as many records as one native batch (ingest.maxBatchItems):
// the pipeline, the journal and the store handle a request whole, so the bound is per request.
function checkItemCount(ctx: AppContext, count: number, noun: string): void {
  const max = ctx.config.ingest.maxBatchItems;
  if (count > max) {
    throw new LookoutError('batch_too_large', `the export has ${count} ${noun}; at most ${max} per request (ingest.maxBatchItems); export smaller batches`);
  }
}

// What each OTLP signal's records become once decoded, for OTLP/HTTP and OTLP/gRPC alike.
// Spans and logs go through the ingest pipeline (acknowledged = on disk); metric points, a few per
// series per export interval, are committed directly.
export const storeOtlp = {
  // Decoded and mapped by decodeTraces (below). Evaluation span events and OpenInference feedback
  // attributes become scores too; a malformed one is a warning (rejected stays 0).
  async traces(ctx: AppContext, projectId: string, traces: MappedTraces): Promise<AcceptResult> {
    checkItemCount(ctx, traces.decoded, 'spans');
    if (traces.withheld > 0) ctx.metrics.contentAttributesWithheld.inc({ signal: 'traces' }, traces.withheld);
    await ctx.pipeline.submit({ spans: traces.spans, scores: traces.scores, logs: [] }, 'otlp');
    return { rejected: 0, messages: traces.warnings };
  },
  // Evaluation events become scores (conventions/evaluation.ts); a malformed one is rejected alone.
  async logs(ctx: AppContext, projectId: string, records: OtlpLogRecord[]): Promise<AcceptResult> {
    checkItemCount(ctx, records.length, 'log records');
    const opts = { captureContent: ctx.content.captures(projectId), onWithheld: (n: number) => ctx.metrics.contentAttributesWithheld.inc({ signal: 'logs' }, n) };
    const split = splitEvaluations(records, projectId);
    const logs = split.logs.map((l) => logFromOtlp(l, projectId, opts));
    // The id is a digest of the body: keyed, so that it cannot be matched against guessed texts
    // once capture has dropped the body; a retried export still gets the same id.
    for (const log of logs) log.id = ctx.content.rekey(projectId, log.id);
    await ctx.pipeline.submit({ spans: [], scores: split.scores, logs }, 'otlp');
    return { rejected: split.rejected.count, messages: split.rejected.messages };
  },
  async metrics(ctx: AppContext, projectId: string, points: OtlpMetricPoint[]): Promise<void> {
    checkItemCount(ctx, points.length, 'data points');
    let result;
    try {
      const records = points.map((p) => metricPointFromOtlp(p, projectId));
      // The id is a digest of the point's raw attributes: keyed, like a log's, so that it cannot be
      // matched against guessed values once they are redacted; a retried export gets the same id.
      for (const r of records) r.id = ctx.content.rekey(projectId, r.id);
      if (ctx.config.privacy.redact) {
        const redactor = ctx.privacy.redactorOf(projectId);
        for (const r of records) for (const [type, n] of redactAttributes(redactor, r.attributes)) ctx.metrics.piiDetected.inc({ type }, n);
      }
      // Not journaled: a project being deleted waits for this write before its records are erased.
      result = await ctx.pipeline.gate.track(projectId, () => ctx.store.writeMetricPoints(records));
    } catch (err) {
      if (err instanceof LookoutError) throw err;
      throw new LookoutError('store_unavailable', `the metric points could not be stored: ${(err as Error).message}`, { retryAfterSeconds: 5 });
    }
    ctx.metrics.ingestItems.inc({ source: 'otlp', type: 'metric_point', outcome: 'accepted' }, result.accepted);
    if (result.duplicates) ctx.metrics.ingestItems.inc({ source: 'otlp', type: 'metric_point', outcome: 'duplicate' }, result.duplicates);
  },
};

// A trace export's bytes (Content-Encoding undone) decoded and mapped on the project's ingest
// worker: 400 if undecodable, 429 while the workers hold too many bytes, 503 if the worker died.
// The capture mode is the project's as the request arrives.
export async function decodeTraces(ctx: AppContext, projectId: string, body: Buffer, encoding: OtlpEncoding): Promise<MappedTraces> {
  const args = { encoding, projectId, captureContent: ctx.content.captures(projectId), maxSpans: ctx.config.ingest.maxBatchItems };
  return tracesOf(await ctx.workers.run('otlpTraces', projectId, body, args));
}

export function registerOtlpRoutes(app: FastifyInstance, ctx: AppContext): void {
  const maxBodyBytes = ctx.config.ingest.maxBodyBytes;
  const limits = { maxBodyBytes, maxDecompressedBytes: maxBodyBytes * DECOMPRESSION_FACTOR };

  const send = (reply: FastifyReply, res: OtlpHttpResponse, request: FastifyRequest) => {
    if (res.error) request.log.error({ err: res.error }, 'OTLP export failed');
    reply.code(res.status).headers(res.headers).send(res.body);
  };

  // Encapsulated: these routes read every body raw, whatever its content type.
  app.register(async (otlp) => {
    otlp.removeAllContentTypeParsers();
    otlp.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: maxBodyBytes }, (_req, body, done) => done(null, body));
    otlp.setErrorHandler((error: Error & { code?: string; statusCode?: number }, request, reply) => {
      let encoding: 'protobuf' | 'json' = 'json';
      try {
        encoding = otlpEncodingOf(request.headers['content-type']);
      } catch {
        // an unknown content type is answered in JSON
      }
      const apiError =
        error instanceof LookoutError
          ? error
          : error.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
            ? new LookoutError('body_too_large', `the body is larger than ${maxBodyBytes} bytes; export smaller batches`)
            : typeof error.statusCode === 'number' && error.statusCode < 500
              ? new LookoutError('invalid_request', error.message)
              : error;
      ctx.refusals.reportError(apiError, refusalSiteOf(request));
      send(reply, otlpErrorResponse(apiError, encoding), request);
    });

    const routeSchema = (signal: OtlpSignal) => ({
      summary: `Export OTLP ${signal} over HTTP (protobuf or JSON)`,
      tags: ['otlp'],
      consumes: OTLP_CONSUMES,
      // The OTLP decoder reads the bytes and answers in the request's encoding.
      body: documentedOnly(otlpRequestSchema(signal)),
      response: otlpResponses(signal),
    });
    const requestOf = (request: FastifyRequest) => ({
      contentType: request.headers['content-type'],
      contentEncoding: request.headers['content-encoding'],
      body: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
    });

    const route = (signal: OtlpSignal, accept: (request: FastifyRequest) => Parameters<typeof handleOtlpHttp<typeof signal>>[3]) => {
      otlp.withTypeProvider<ZodTypeProvider>().post(
        `/v1/${signal}`,
        { config: { scope: 'ingest' }, schema: routeSchema(signal) },
        async (request, reply) => {
          requireScope(request, 'ingest');
          const store = accept(request);
          const res = await handleOtlpHttp(
            signal,
            requestOf(request),
            limits,
            // A refusal (queue_full) is answered by handleOtlpHttp, not thrown to the error handler.
            async (decoded, encoding) => {
              try {
                return await store(decoded, encoding);
              } catch (err) {
                throw ctx.refusals.reportError(err, refusalSiteOf(request));
              }
            },
          );
          send(reply, res, request);
        },
      );
    };

    // Traces are decoded and mapped off the event loop (ingest/workers/).
    const tracesRoutes = [
      { url: '/v1/traces', schema: routeSchema('traces') },
      { url: LANGFUSE_OTEL_TRACES_PATH, schema: { ...routeSchema('traces'), summary: 'Export OTLP traces from the Langfuse SDKs (@langfuse/otel, Python langfuse>=3): the same as /v1/traces, with HTTP Basic auth' } },
    ];
    for (const { url, schema } of tracesRoutes) otlp.withTypeProvider<ZodTypeProvider>().post(
      url,
      { config: { scope: 'ingest' }, schema },
      async (request, reply) => {
        requireScope(request, 'ingest');
        const projectId = request.auth.projectId;
        // A refusal (queue_full, of the workers or of the pipeline) is answered by
        // handleOtlpHttpWith, not thrown to the error handler.
        const refused = (err: unknown) => ctx.refusals.reportError(err, refusalSiteOf(request));
        const decoder = {
          decode: async (body: Buffer, encoding: OtlpEncoding) => {
            try {
              return await decodeTraces(ctx, projectId, body, encoding);
            } catch (err) {
              throw refused(err);
            }
          },
          count: (traces: MappedTraces) => traces.decoded,
        };
        const res = await handleOtlpHttpWith('traces', requestOf(request), limits, decoder, async (traces) => {
          try {
            return await storeOtlp.traces(ctx, projectId, traces);
          } catch (err) {
            throw refused(err);
          }
        });
        send(reply, res, request);
      },
    );
    route('logs', (request) => (decoded) => storeOtlp.logs(ctx, request.auth.projectId, (decoded as { logRecords: OtlpLogRecord[] }).logRecords));
    route('metrics', (request) => (decoded) => storeOtlp.metrics(ctx, request.auth.projectId, (decoded as { points: OtlpMetricPoint[] }).points));
  });
}
