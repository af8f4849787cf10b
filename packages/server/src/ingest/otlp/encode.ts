// OTLP responses, in the encoding of the request (the OTLP spec requires the same Content-Type
// back): Export*ServiceResponse on success, with partial_success when records were rejected,
// and a google.rpc.Status for every 4xx/5xx.
import type { OtlpEncoding } from './decode.ts';
import type { FieldViolation } from './errors.ts';
import {
  encodeMessage,
  ExportLogsServiceResponse,
  ExportMetricsServiceResponse,
  ExportTraceServiceResponse,
  RpcBadRequest,
  RpcStatus,
  type protobuf,
} from './proto.ts';

export type OtlpSignal = 'traces' | 'logs' | 'metrics';

export const OTLP_CONTENT_TYPES: Record<OtlpEncoding, string> = {
  protobuf: 'application/x-protobuf',
  json: 'application/json',
};

const RESPONSE_TYPES: Record<OtlpSignal, { type: protobuf.Type; rejectedField: string }> = {
  traces: { type: ExportTraceServiceResponse, rejectedField: 'rejectedSpans' },
  logs: { type: ExportLogsServiceResponse, rejectedField: 'rejectedLogRecords' },
  metrics: { type: ExportMetricsServiceResponse, rejectedField: 'rejectedDataPoints' },
};

export interface PartialSuccess {
  rejected: number; // spans, log records or data points
  errorMessage: string;
}

// The OTLP spec caps responses (4 MiB recommended); error messages are diagnostics, so trim them.
const MAX_ERROR_MESSAGE_CHARS = 16 * 1024;
const MAX_VIOLATIONS = 100;

function trimMessage(message: string): string {
  return message.length > MAX_ERROR_MESSAGE_CHARS ? `${message.slice(0, MAX_ERROR_MESSAGE_CHARS)}…` : message;
}

const EMPTY_PROTOBUF = Buffer.alloc(0);
const EMPTY_JSON = Buffer.from('{}');

// Export<Signal>ServiceResponse. Without partial (or with nothing rejected and no message) the
// partial_success field stays unset, as the spec requires for full success.
export function encodeExportResponse(signal: OtlpSignal, encoding: OtlpEncoding, partial?: PartialSuccess): Buffer {
  const hasPartial = partial !== undefined && (partial.rejected > 0 || partial.errorMessage !== '');
  if (!hasPartial) return encoding === 'protobuf' ? EMPTY_PROTOBUF : EMPTY_JSON;
  const { type, rejectedField } = RESPONSE_TYPES[signal];
  const errorMessage = trimMessage(partial.errorMessage);
  if (encoding === 'json') {
    // proto3 JSON writes int64 as a decimal string.
    return Buffer.from(JSON.stringify({ partialSuccess: { [rejectedField]: String(partial.rejected), errorMessage } }));
  }
  return encodeMessage(type, { partialSuccess: { [rejectedField]: partial.rejected, errorMessage } });
}

// google.rpc.Code for an HTTP status, as gRPC's HTTP mapping has it. OTLP says clients do not
// act on Status.code, but it helps whoever reads the body.
export function rpcCodeForHttpStatus(status: number): number {
  switch (status) {
    case 400:
      return 3; // INVALID_ARGUMENT
    case 401:
      return 16; // UNAUTHENTICATED
    case 403:
      return 7; // PERMISSION_DENIED
    case 404:
      return 5; // NOT_FOUND
    case 409:
      return 10; // ABORTED
    case 413:
    case 429:
      return 8; // RESOURCE_EXHAUSTED
    case 415:
      return 3; // INVALID_ARGUMENT
    case 501:
      return 12; // UNIMPLEMENTED
    case 503:
      return 14; // UNAVAILABLE
    case 504:
      return 4; // DEADLINE_EXCEEDED
    default:
      return status >= 500 ? 13 : 2; // INTERNAL : UNKNOWN
  }
}

const BAD_REQUEST_TYPE_URL = 'type.googleapis.com/google.rpc.BadRequest';

// google.rpc.Status; for a 400 with field violations, details carries a google.rpc.BadRequest
// naming them, as the OTLP spec suggests.
export function encodeStatus(encoding: OtlpEncoding, httpStatus: number, message: string, violations: FieldViolation[] = []): Buffer {
  const code = rpcCodeForHttpStatus(httpStatus);
  const text = trimMessage(message);
  const fieldViolations = violations.slice(0, MAX_VIOLATIONS).map((v) => ({ field: v.field, description: trimMessage(v.description) }));
  if (encoding === 'json') {
    const details = fieldViolations.length > 0 ? [{ '@type': BAD_REQUEST_TYPE_URL, fieldViolations }] : [];
    return Buffer.from(JSON.stringify({ code, message: text, details }));
  }
  const details =
    fieldViolations.length > 0
      ? [{ type_url: BAD_REQUEST_TYPE_URL, value: RpcBadRequest.encode(RpcBadRequest.fromObject({ fieldViolations })).finish() }]
      : [];
  return encodeMessage(RpcStatus, { code, message: text, details });
}
