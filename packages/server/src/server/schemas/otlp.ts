import { z } from 'zod';
import type { OtlpSignal } from '../../ingest/otlp/encode.ts';

// OTLP/HTTP as the specification has it: protobuf or JSON in, the same encoding out. Bodies are
// read by the OTLP decoder, not by these schemas: they only describe the exchange.

const PROTOBUF = 'application/x-protobuf';
const JSON_TYPE = 'application/json';

const REQUEST_MESSAGES: Record<OtlpSignal, string> = {
  traces: 'ExportTraceServiceRequest',
  logs: 'ExportLogsServiceRequest',
  metrics: 'ExportMetricsServiceRequest',
};

const REJECTED_FIELDS: Record<OtlpSignal, string> = {
  traces: 'rejectedSpans',
  logs: 'rejectedLogRecords',
  metrics: 'rejectedDataPoints',
};

export const OTLP_CONSUMES = [PROTOBUF, JSON_TYPE];

export function otlpRequestSchema(signal: OtlpSignal): z.ZodUnknown {
  return z
    .unknown()
    .describe(
      `an OTLP ${REQUEST_MESSAGES[signal]}: protobuf (application/x-protobuf) or OTLP/JSON (application/json, UTF-8); Content-Encoding gzip or none`,
    );
}

const rpcStatusSchema = z
  .object({
    code: z.number().int().describe('google.rpc.Code'),
    message: z.string(),
    details: z.array(z.looseObject({ '@type': z.string() })).describe('a google.rpc.BadRequest naming the fields of an undecodable export'),
  })
  .meta({ id: 'OtlpStatus', description: 'google.rpc.Status, in the encoding of the request (JSON when its Content-Type was not understood)' });

const binary = (what: string) => z.unknown().describe(`${what}, protobuf-encoded`);

function statusResponse(description: string) {
  return { description, content: { [JSON_TYPE]: { schema: rpcStatusSchema }, [PROTOBUF]: { schema: binary('google.rpc.Status') } } };
}

export function otlpResponses(signal: OtlpSignal) {
  const message = REQUEST_MESSAGES[signal].replace('Request', 'Response');
  const exportResponse = z
    .object({
      partialSuccess: z
        .object({ [REJECTED_FIELDS[signal]]: z.string().describe('int64, as a decimal string'), errorMessage: z.string() })
        .optional()
        .describe('set when some records were refused'),
    })
    .describe(message);
  return {
    200: {
      description: `${message}; partialSuccess names the records refused, if any`,
      content: { [JSON_TYPE]: { schema: exportResponse }, [PROTOBUF]: { schema: binary(message) } },
    },
    400: statusResponse('the body cannot be decoded as an export request'),
    401: statusResponse('no key, or an unknown or revoked key'),
    403: statusResponse('the key may not ingest'),
    413: statusResponse('the body, or the body once decompressed, is too large, or it has more records than ingest.maxBatchItems'),
    415: statusResponse('a Content-Type other than protobuf or JSON, JSON not in UTF-8, or an unknown Content-Encoding'),
    429: statusResponse('the write queue is full: retry after Retry-After seconds'),
    503: statusResponse('the store cannot take the data now, or the server is stopping: retry after Retry-After seconds'),
  };
}
