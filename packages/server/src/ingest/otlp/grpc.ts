// OTLP/gRPC (A5) on its own port (4317 by default): the Trace, Logs and Metrics services' Export.
//
// The services are registered with a hand-built definition whose (de)serializers are the
// identity on Buffer: the raw request bytes go to the same decoder as OTLP/HTTP protobuf, and
// the same Export*ServiceResponse bytes come back, partial_success included. Same limits (the
// message, compressed or inflated, at most ingest.maxBodyBytes; grpc-js undoes grpc-encoding
// gzip and enforces the bound while inflating), same keys and projects, and the same pipeline,
// so OK means on disk as a 200 does over HTTP.
//
// Errors, per the OTLP spec's gRPC mapping: undecodable request INVALID_ARGUMENT (not retried);
// queue full RESOURCE_EXHAUSTED and store unavailable / shutting down UNAVAILABLE, both with a
// google.rpc.RetryInfo (retryable); no or bad key UNAUTHENTICATED; forbidden PERMISSION_DENIED.
import {
  Metadata,
  Server,
  ServerCredentials,
  status as GrpcStatus,
  type sendUnaryData,
  type ServerUnaryCall,
  type ServiceDefinition,
  type StatusObject,
} from '@grpc/grpc-js';
import { LookoutError } from '../../errors.ts';
import { addressOfGrpcPeer, bearerToken, createAuthResolver, hasForwardingHeader } from '../../server/auth.ts';
import type { AppContext, RequestAuth } from '../../server/context.ts';
import { decodeLogs, decodeMetrics, type Rejected } from './decode.ts';
import { encodeExportResponse, type PartialSuccess } from './encode.ts';
import { OtlpDecodeError } from './errors.ts';
import { encodeMessage, protobufWriter, RpcStatus } from './proto.ts';
import { decodeTraces, storeOtlp } from './route.ts';

export const OTLP_GRPC_SERVICES = {
  traces: 'opentelemetry.proto.collector.trace.v1.TraceService',
  logs: 'opentelemetry.proto.collector.logs.v1.LogsService',
  metrics: 'opentelemetry.proto.collector.metrics.v1.MetricsService',
} as const;

type GrpcSignal = keyof typeof OTLP_GRPC_SERVICES;

const identity = (b: Buffer): Buffer => b;

// The Export method of one OTLP service, bytes in and bytes out. Clients may use it too.
export function otlpGrpcService(signal: GrpcSignal): ServiceDefinition {
  return {
    Export: {
      path: `/${OTLP_GRPC_SERVICES[signal]}/Export`,
      requestStream: false,
      responseStream: false,
      requestSerialize: identity,
      requestDeserialize: identity,
      responseSerialize: identity,
      responseDeserialize: identity,
      originalName: 'export',
    },
  };
}

const RECORD_NOUNS: Record<GrpcSignal, [string, string]> = { traces: ['span', 'spans'], logs: ['log record', 'log records'], metrics: ['data point', 'data points'] };
const RETRY_INFO_TYPE_URL = 'type.googleapis.com/google.rpc.RetryInfo';
const SHUTDOWN_GRACE_MS = 5_000;

// With nothing rejected, messages are warnings (partial_success with a rejected count of 0).
function partialOf(signal: GrpcSignal, rejected: Rejected): PartialSuccess | undefined {
  if (rejected.count === 0) return rejected.messages.length > 0 ? { rejected: 0, errorMessage: rejected.messages.join('; ') } : undefined;
  const [one, many] = RECORD_NOUNS[signal];
  const head = `${rejected.count} ${rejected.count === 1 ? one : many} rejected`;
  return { rejected: rejected.count, errorMessage: rejected.messages.length > 0 ? `${head}: ${rejected.messages.join('; ')}` : head };
}

// grpc-status-details-bin: a google.rpc.Status carrying google.rpc.RetryInfo { retry_delay }.
function retryInfoDetails(code: number, message: string, seconds: number): Buffer {
  const writer = protobufWriter();
  writer.uint32(10).fork().uint32(8).int64(Math.max(0, Math.ceil(seconds))).ldelim(); // retry_delay.seconds
  return encodeMessage(RpcStatus, { code, message, details: [{ type_url: RETRY_INFO_TYPE_URL, value: writer.finish() }] });
}

export function grpcStatusOf(error: unknown): Partial<StatusObject> {
  if (!(error instanceof LookoutError)) return { code: GrpcStatus.INTERNAL, details: 'internal error while storing the data; it may be retried' };
  let code: GrpcStatus;
  switch (error.code) {
    case 'queue_full':
    case 'body_too_large':
    case 'batch_too_large':
      code = GrpcStatus.RESOURCE_EXHAUSTED;
      break;
    case 'store_unavailable':
    case 'shutting_down':
      code = GrpcStatus.UNAVAILABLE;
      break;
    case 'unauthorized':
      code = GrpcStatus.UNAUTHENTICATED;
      break;
    case 'forbidden':
      code = GrpcStatus.PERMISSION_DENIED;
      break;
    case 'internal':
      code = GrpcStatus.INTERNAL;
      break;
    default:
      code = error.status < 500 ? GrpcStatus.INVALID_ARGUMENT : GrpcStatus.INTERNAL;
  }
  const metadata = new Metadata();
  if (error.retryable && error.retryAfterSeconds !== null) {
    metadata.set('grpc-status-details-bin', retryInfoDetails(code, error.message, error.retryAfterSeconds));
  }
  return { code, details: error.message, metadata };
}

export interface OtlpGrpcServer {
  port: number;
  close(): Promise<void>;
}

export async function startOtlpGrpc(ctx: AppContext, options: { host: string; port: number }): Promise<OtlpGrpcServer> {
  const maxBytes = ctx.config.ingest.maxBodyBytes;
  const server = new Server({ 'grpc.max_receive_message_length': maxBytes });
  const resolveAuth = createAuthResolver(ctx);

  const accept: { [S in GrpcSignal]: (body: Buffer, auth: RequestAuth) => Promise<PartialSuccess | undefined> } = {
    async traces(body, auth) {
      // Decoded and mapped on the project's ingest worker.
      const traces = await decodeTraces(ctx, auth.projectId, body, 'protobuf');
      const more = await storeOtlp.traces(ctx, auth.projectId, traces);
      return partialOf('traces', { count: traces.rejected.count, messages: [...traces.rejected.messages, ...more.messages] });
    },
    async logs(body, auth) {
      const decoded = decodeLogs(body, 'protobuf');
      const more = await storeOtlp.logs(ctx, auth.projectId, decoded.logRecords);
      return partialOf('logs', { count: decoded.rejected.count + more.rejected, messages: [...decoded.rejected.messages, ...more.messages] });
    },
    async metrics(body, auth) {
      const decoded = decodeMetrics(body, 'protobuf');
      await storeOtlp.metrics(ctx, auth.projectId, decoded.points);
      return partialOf('metrics', decoded.rejected);
    },
  };

  for (const signal of Object.keys(OTLP_GRPC_SERVICES) as GrpcSignal[]) {
    server.addService(otlpGrpcService(signal), {
      Export(call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>) {
        const key = bearerToken(call.metadata.get('authorization')[0]);
        let projectId: string | null = null;
        (async () => {
          const peer = { address: addressOfGrpcPeer(call.getPeer()), forwarded: hasForwardingHeader((name) => call.metadata.get(name)) };
          const auth = await resolveAuth(key, peer);
          projectId = auth.projectId;
          return encodeExportResponse(signal, 'protobuf', await accept[signal](call.request, auth));
        })().then(
          (response) => callback(null, response),
          (error: unknown) => {
            ctx.refusals.reportError(error, { keySent: key !== null, projectId, route: `grpc:${signal}` });
            const status = grpcStatusOf(error);
            if (!(error instanceof LookoutError)) ctx.logger.error({ err: error, signal }, 'OTLP/gRPC export failed');
            else if (!(error instanceof OtlpDecodeError) && error.status >= 500) ctx.logger.warn({ err: error, signal }, 'OTLP/gRPC export refused');
            callback(status);
          },
        );
      },
    });
  }

  const address = `${options.host.includes(':') ? `[${options.host}]` : options.host}:${options.port}`;
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(address, ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound)));
  });

  let closing: Promise<void> | null = null;
  return {
    port,
    close() {
      // Calls in flight finish (their data is acknowledged only once stored); then the rest is cut.
      closing ??= new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, SHUTDOWN_GRACE_MS);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      return closing;
    },
  };
}
