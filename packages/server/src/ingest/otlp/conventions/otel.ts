import type { OtlpSpan } from '../types.ts';
import { nanosToMicros, type AttrReader } from './attributes.ts';
import type { Extraction, MapOptions } from './types.ts';

// General OpenTelemetry conventions that every instrumentation may use, read last:
//   user.id / enduser.id (deprecated), session.id — also what OpenInference and the Langfuse SDKs
//   write for user and session;
//   http.response.status_code / http.status_code (deprecated) — the most reliable error signal;
//   the `exception` span event (exception.type, exception.message);
//   first-token span events: OpenInference "First Token Stream Event", OpenLLMetry
//   llm.content.completion.chunk / gen_ai.content.completion.chunk (the first one), AI SDK
//   ai.stream.firstChunk;
//   resource: service.name → application, deployment.environment.name / deployment.environment →
//   environment, as defaults only.

export const OTEL = 'otel';

const FIRST_TOKEN_EVENTS = new Set([
  'First Token Stream Event',
  'llm.content.completion.chunk',
  'gen_ai.content.completion.chunk',
  'ai.stream.firstChunk',
  'first_token',
]);

// SDK defaults that name no application.
function isDefaultServiceName(name: string): boolean {
  return name.startsWith('unknown_service');
}

function firstTokenMs(span: OtlpSpan): number | undefined {
  const startUs = nanosToMicros(span.startTimeUnixNano);
  if (startUs === null) return undefined;
  for (const e of span.events) {
    if (!FIRST_TOKEN_EVENTS.has(e.name)) continue;
    const atUs = nanosToMicros(e.timeUnixNano);
    if (atUs !== null && atUs >= startUs) return (atUs - startUs) / 1000;
  }
  return undefined;
}

export function extractOtel(r: AttrReader, resource: AttrReader, span: OtlpSpan, _opts: MapOptions): Extraction {
  const ex: Extraction = { convention: OTEL };
  ex.attribution = {
    userId: r.firstStr('user.id', 'enduser.id'),
    sessionId: r.str('session.id'),
  };
  const status = r.num('http.response.status_code') ?? r.num('http.status_code');
  if (status !== undefined) ex.httpStatus = status;

  const exception = span.events.find((e) => e.name === 'exception');
  if (exception !== undefined) {
    const type = exception.attributes['exception.type'];
    const message = exception.attributes['exception.message'];
    if (typeof type === 'string') ex.exceptionType = type;
    if (typeof message === 'string') ex.exceptionMessage = message;
  }
  ex.ttftMs = firstTokenMs(span);

  const requestIdHeader = r.raw('http.request.header.x-request-id');
  const requestId = Array.isArray(requestIdHeader) ? requestIdHeader[0] : requestIdHeader;
  if (typeof requestId === 'string' && requestId !== '') {
    r.consume('http.request.header.x-request-id');
    ex.requestId = requestId;
  }

  const service = resource.str('service.name');
  ex.attributionDefaults = {
    application: service !== undefined && !isDefaultServiceName(service) ? service : undefined,
    environment: resource.firstStr('deployment.environment.name', 'deployment.environment'),
  };
  const version = resource.str('service.version');
  if (version !== undefined) ex.metadata = { 'service.version': version };
  return ex;
}
