// OTLP/HTTP without a framework: from the raw request (Content-Type, Content-Encoding, body
// bytes) to the complete response (status, headers, body), per the OTLP specification.
//
//   const res = await handleOtlpHttp('traces', { contentType, contentEncoding, body }, limits,
//     async (decoded) => {
//       // decoded: DecodedTraces | DecodedLogs | DecodedMetrics, by signal. Map and store them;
//       // throw LookoutError (queue_full, store_unavailable, ...) to refuse the whole request, or
//       // return how many more records were rejected after decoding and why.
//       const result = await pipeline.submit(mapSpans(decoded.spans), 'otlp');
//       return { rejected: 0, messages: [] };
//     });
//   reply.code(res.status).headers(res.headers).send(res.body);
//   if (res.error) log it (set only for a 500: an error that was not an LookoutError).
//
// The route reads the raw body itself (Fastify: a content-type parser with parseAs 'buffer' for
// every type, so that unknown types reach this function and get a spec-shaped 415) with
// `limits.maxBodyBytes` as the limit on the bytes on the wire; maxDecompressedBytes bounds the
// body after Content-Encoding is undone (gzip bombs answer 413 without being inflated).
//
// Responses:
//   200  Export<Signal>ServiceResponse in the request's encoding; partial_success set (count and
//        message) when any record was rejected or `accept` returned warnings, unset otherwise.
//   400  undecodable body (bad protobuf, bad JSON, corrupt gzip, not an Export*Request)
//   413  body over maxBodyBytes, or over maxDecompressedBytes once decompressed
//   415  Content-Type not protobuf/JSON, JSON not UTF-8, unknown Content-Encoding
//   429/503 (+ Retry-After) or any LookoutError status: thrown by `accept`
//   500  anything else thrown by `accept` (returned in `error` for logging)
// Every 4xx/5xx body is a google.rpc.Status in the request's encoding (JSON when the
// Content-Type itself was not understood).
import { LookoutError } from '../../errors.ts';
import { decodeContentEncoding, bodyTooLarge, otlpEncodingOf } from './body.ts';
import {
  decodeLogs,
  decodeMetrics,
  decodeTraces,
  type DecodedLogs,
  type DecodedMetrics,
  type DecodedTraces,
  type DecodeOptions,
  type OtlpEncoding,
  type Rejected,
} from './decode.ts';
import { encodeExportResponse, encodeStatus, OTLP_CONTENT_TYPES, type OtlpSignal } from './encode.ts';
import { OtlpDecodeError } from './errors.ts';

export type { OtlpSignal } from './encode.ts';

export interface OtlpHttpRequest {
  contentType: string | undefined;
  contentEncoding: string | undefined;
  body: Buffer;
}

export interface OtlpHttpLimits {
  maxBodyBytes: number; // bytes on the wire
  maxDecompressedBytes: number; // bytes after Content-Encoding is undone
}

export interface DecodedBySignal {
  traces: DecodedTraces;
  logs: DecodedLogs;
  metrics: DecodedMetrics;
}

// What the caller rejected on top of what decoding rejected; messages without rejections are
// warnings about records accepted.
export interface AcceptResult {
  rejected: number;
  messages: string[];
}

export type OtlpAccept<S extends OtlpSignal> = (decoded: DecodedBySignal[S], encoding: OtlpEncoding) => Promise<AcceptResult | undefined | void>;

export interface OtlpHttpResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  // Present when the request was decoded: records handed to `accept` and rejected in total.
  records?: { accepted: number; rejected: number };
  // A non-LookoutError thrown by `accept`, for the caller to log (the client only sees a 500).
  error?: unknown;
}

const RECORD_NOUNS: Record<OtlpSignal, [string, string]> = {
  traces: ['span', 'spans'],
  logs: ['log record', 'log records'],
  metrics: ['data point', 'data points'],
};

const DECODERS: { [S in OtlpSignal]: (body: Buffer, encoding: OtlpEncoding, options?: DecodeOptions) => DecodedBySignal[S] } = {
  traces: decodeTraces,
  logs: decodeLogs,
  metrics: decodeMetrics,
};

function recordsOf(signal: OtlpSignal, decoded: DecodedTraces | DecodedLogs | DecodedMetrics): number {
  if (signal === 'traces') return (decoded as DecodedTraces).spans.length;
  if (signal === 'logs') return (decoded as DecodedLogs).logRecords.length;
  return (decoded as DecodedMetrics).points.length;
}

export function otlpErrorResponse(error: unknown, encoding: OtlpEncoding): OtlpHttpResponse {
  const contentType = OTLP_CONTENT_TYPES[encoding];
  if (error instanceof LookoutError) {
    const headers: Record<string, string> = { 'content-type': contentType };
    if (error.retryAfterSeconds !== null) headers['retry-after'] = String(Math.max(0, Math.ceil(error.retryAfterSeconds)));
    const violations = error instanceof OtlpDecodeError ? error.violations : [];
    return { status: error.status, headers, body: encodeStatus(encoding, error.status, error.message, violations) };
  }
  return {
    status: 500,
    headers: { 'content-type': contentType },
    body: encodeStatus(encoding, 500, 'internal error while storing the data; it may be retried'),
    error,
  };
}

function partialMessage(signal: OtlpSignal, rejected: number, messages: string[]): string {
  const [one, many] = RECORD_NOUNS[signal];
  const head = `${rejected} ${rejected === 1 ? one : many} rejected`;
  return messages.length > 0 ? `${head}: ${messages.join('; ')}` : head;
}

export async function handleOtlpHttp<S extends OtlpSignal>(
  signal: S,
  request: OtlpHttpRequest,
  limits: OtlpHttpLimits,
  accept: OtlpAccept<S>,
  options: DecodeOptions = {},
): Promise<OtlpHttpResponse> {
  const decoder: OtlpDecoder<DecodedBySignal[S]> = {
    decode: (body, encoding) => DECODERS[signal](body, encoding, options),
    count: (decoded) => recordsOf(signal, decoded),
  };
  return handleOtlpHttpWith(signal, request, limits, decoder, accept);
}

// How a signal's bodies are decoded when not by decode.ts alone (e.g. decoded and mapped on a
// worker thread): what `decode` throws is answered like a decoding error, a LookoutError with its
// own status (429, 503) included.
export interface OtlpDecoder<D extends { rejected: Rejected }> {
  decode(body: Buffer, encoding: OtlpEncoding): D | Promise<D>;
  count(decoded: D): number; // records decoded and handed to `accept`
}

export async function handleOtlpHttpWith<D extends { rejected: Rejected }>(
  signal: OtlpSignal,
  request: OtlpHttpRequest,
  limits: OtlpHttpLimits,
  decoder: OtlpDecoder<D>,
  accept: (decoded: D, encoding: OtlpEncoding) => Promise<AcceptResult | undefined | void>,
): Promise<OtlpHttpResponse> {
  let encoding: OtlpEncoding;
  try {
    encoding = otlpEncodingOf(request.contentType);
  } catch (e) {
    return otlpErrorResponse(e, 'json');
  }
  let decoded: D;
  try {
    if (request.body.length > limits.maxBodyBytes) throw bodyTooLarge(limits.maxBodyBytes);
    const body = await decodeContentEncoding(request.body, request.contentEncoding, limits.maxDecompressedBytes);
    decoded = await decoder.decode(body, encoding);
  } catch (e) {
    // Only the catalogued errors are expected here; a bug should surface as a 500, not a 400.
    return otlpErrorResponse(e, encoding);
  }

  let accepted = decoder.count(decoded);
  let rejected = decoded.rejected.count;
  let messages = decoded.rejected.messages;
  try {
    const more = await accept(decoded, encoding);
    if (more) {
      accepted -= more.rejected;
      rejected += more.rejected;
      messages = [...messages, ...more.messages];
    }
  } catch (e) {
    return otlpErrorResponse(e, encoding);
  }

  // With nothing rejected, messages are warnings: the spec lets partial_success carry them with a
  // rejected count of 0.
  const partial =
    rejected > 0 ? { rejected, errorMessage: partialMessage(signal, rejected, messages) } : messages.length > 0 ? { rejected: 0, errorMessage: messages.join('; ') } : undefined;
  return {
    status: 200,
    headers: { 'content-type': OTLP_CONTENT_TYPES[encoding] },
    body: encodeExportResponse(signal, encoding, partial),
    records: { accepted, rejected },
  };
}
