import { randomBytes } from 'node:crypto';
import { emptyUsage, unpricedCost, type ErrorClass, type SpanRecord, type SpanStatus } from '../../domain/span.ts';
import { normalizeUsage } from '../../domain/usage.ts';
import { writePromptIdentity } from '../../domain/prompt-identity.ts';
import type { ContentCapture } from '../../store/store.ts';
import { contentHash } from '../api/map.ts';
import { classFromHttpStatus, classFromText, MAX_ERROR_MESSAGE_CHARS } from '../otlp/conventions/errors.ts';
import type { GatewayAttribution, TraceParent } from './headers.ts';
import type { Endpoint, ProviderId, ResponseFacts } from './providers.ts';

// One gateway call to one SpanRecord. Built after the response has gone to the client.

// How a call ended, from the gateway's side.
export type CallOutcome =
  | 'response' // the upstream answered (any status) and the whole body reached the client
  | 'cancelled' // the client went away first
  | 'connect_error' // no answer from the upstream
  | 'timeout' // the upstream took too long
  | 'stream_error'; // the upstream failed in the middle of its response

export interface GatewayCallRecord {
  projectId: string;
  provider: ProviderId;
  endpoint: Endpoint;
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  requestBody: Buffer | null;
  attribution: GatewayAttribution;
  extraMetadata: Record<string, string> | null;
  startMs: number; // epoch ms, with sub-ms precision
  durationMs: number;
  ttftMs: number | null;
  httpStatus: number | null;
  outcome: CallOutcome;
  facts: ResponseFacts;
  // A streamed model call whose stream carried no usage (OpenAI without stream_options.include_usage).
  usageMissing: boolean;
  requestId: string | null;
  failure: string | null; // what went wrong on the gateway's side (connect error, stream cut)
  // Values never to be stored: the provider key the call carried.
  secrets: string[];
}

export function newTraceIds(parent: TraceParent | null): { traceId: string; spanId: string; parentSpanId: string | null } {
  const bytes = randomBytes(parent ? 8 : 24);
  if (parent) return { traceId: parent.traceId, spanId: bytes.toString('hex'), parentSpanId: parent.parentSpanId };
  return { traceId: bytes.subarray(0, 16).toString('hex'), spanId: bytes.subarray(16).toString('hex'), parentSpanId: null };
}

// Provider keys look like these; an upstream error message that quotes one loses it.
const KEY_PATTERN = /\b(sk-(?:ant-)?[A-Za-z0-9_-]{6})[A-Za-z0-9_-]{6,}/g;

export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= 8) out = out.split(s).join('[redacted]');
  return out.replace(KEY_PATTERN, '$1…[redacted]');
}

// The key in Authorization / x-api-key / api-key, to keep it out of anything recorded.
export function providerSecrets(headers: Record<string, string | string[] | undefined>): string[] {
  const out: string[] = [];
  for (const name of ['authorization', 'x-api-key', 'api-key']) {
    const v = headers[name];
    if (typeof v !== 'string' || v === '') continue;
    out.push(v);
    const bearer = /^Bearer\s+(\S+)/i.exec(v);
    if (bearer) out.push(bearer[1]!);
  }
  return out;
}

type Json = Record<string, unknown>;

export function parsedRequest(body: Buffer | null): Json | null {
  if (!body || body.length === 0) return null;
  try {
    const v: unknown = JSON.parse(body.toString('utf8'));
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : null;
  } catch {
    // Malformed JSON went to the provider as it was; its answer is recorded, the body is not read.
    return null;
  }
}

export function promptOf(provider: ProviderId, req: Json): string | null {
  const prompt =
    provider === 'anthropic'
      ? req.system !== undefined
        ? { system: req.system, messages: req.messages }
        : req.messages
      : (req.messages ?? req.input ?? req.prompt);
  if (prompt === undefined || prompt === null) return null;
  return typeof prompt === 'string' ? prompt : JSON.stringify(prompt);
}

// OpenAI chat completions' response_format and the Responses API's text.format: json_object or
// json_schema.
function requestsJson(req: Json): boolean {
  const format = (v: unknown) => (typeof v === 'object' && v !== null ? (v as Json).type : undefined);
  const text = typeof req.text === 'object' && req.text !== null ? (req.text as Json).format : undefined;
  const type = format(req.response_format) ?? format(text);
  return type === 'json_object' || type === 'json_schema';
}

function outcomeStatus(r: GatewayCallRecord): { status: SpanStatus; errorClass: ErrorClass | null; errorMessage: string | null } {
  const message = (m: string | null) => (m === null ? null : scrubSecrets(m, r.secrets).slice(0, MAX_ERROR_MESSAGE_CHARS));
  switch (r.outcome) {
    case 'cancelled':
      return { status: 'cancelled', errorClass: 'cancelled', errorMessage: 'the client closed the connection before the response was complete' };
    case 'timeout':
      return { status: 'error', errorClass: 'timeout', errorMessage: message(r.failure ?? 'the upstream did not answer in time') };
    case 'connect_error':
    case 'stream_error':
      return { status: 'error', errorClass: 'server', errorMessage: message(r.failure ?? 'the upstream connection failed') };
    case 'response':
      break;
  }
  const http = r.httpStatus ?? 200;
  if (http >= 400) {
    return {
      status: 'error',
      errorClass: classFromHttpStatus(http) ?? 'other',
      errorMessage: message(r.facts.errorMessage ?? r.facts.errorType ?? `HTTP ${http}`),
    };
  }
  // A stream that ended in an error event (e.g. Anthropic's overloaded_error after a 200).
  if (r.facts.errorType !== null || r.facts.errorMessage !== null) {
    const cls = classFromText(r.facts.errorType ?? undefined) ?? classFromText(r.facts.errorMessage ?? undefined) ?? 'server';
    return { status: cls === 'cancelled' ? 'cancelled' : 'error', errorClass: cls, errorMessage: message(r.facts.errorMessage ?? r.facts.errorType) };
  }
  return { status: 'ok', errorClass: null, errorMessage: null };
}

export function buildSpan(r: GatewayCallRecord, capture: ContentCapture): SpanRecord {
  const req = parsedRequest(r.requestBody);
  const requestModel = req && typeof req.model === 'string' ? req.model : null;
  const responseModel = r.facts.responseModel;
  const { status, errorClass, errorMessage } = outcomeStatus(r);
  const usage = r.facts.usage ? normalizeUsage(r.facts.usage, r.provider) : emptyUsage();
  const metadata: Record<string, string> = { ...r.attribution.metadata, ...(r.extraMetadata ?? {}) };
  if (r.attribution.prompt) writePromptIdentity(metadata, r.attribution.prompt, false);
  if (r.usageMissing) metadata['gateway.usage'] = 'not_reported';
  if (r.facts.toolCalls > 0) metadata['gateway.tool_calls'] = String(r.facts.toolCalls);
  if (r.httpStatus !== null) metadata['http.status_code'] = String(r.httpStatus);
  // The answer was asked for as JSON: the invalid_json heuristic checks it (OTel's attribute name).
  if (req && requestsJson(req)) metadata['gen_ai.output.type'] = 'json';
  // Streams: the generation speed after the first token, named as the SDK names it.
  const generated = usage.output + usage.reasoning;
  const genMs = r.ttftMs === null ? 0 : r.durationMs - r.ttftMs;
  if (generated > 0 && genMs > 0) {
    metadata['lookout.stream.tokens_per_second'] = String(Math.round((generated / genMs) * 100_000) / 100);
    metadata['lookout.stream.time_per_output_token_ms'] = String(Math.round((genMs / generated) * 1000) / 1000);
  }
  const prompt = capture !== 'off' && req ? promptOf(r.provider, req) : null;
  const output = capture !== 'off' && r.facts.output !== '' ? r.facts.output : null;
  const model = responseModel ?? requestModel;
  const startUs = Math.round(r.startMs * 1000);
  return {
    projectId: r.projectId,
    traceId: r.traceId,
    spanId: r.spanId,
    parentSpanId: r.parentSpanId,
    name: model && r.endpoint.kind !== 'other' ? `${r.endpoint.operation} ${model}` : r.endpoint.operation,
    kind: r.endpoint.kind,
    startUs,
    endUs: startUs + Math.max(0, Math.round(r.durationMs * 1000)),
    provider: r.provider,
    requestModel,
    responseModel,
    usage,
    cost: unpricedCost(),
    status,
    errorClass,
    errorMessage,
    finishReason: r.facts.finishReason,
    ttftMs: r.ttftMs === null ? null : Math.round(r.ttftMs * 1000) / 1000,
    attribution: {
      userId: r.attribution.userId,
      sessionId: r.attribution.sessionId,
      feature: r.attribution.feature,
      team: r.attribution.team,
      department: null,
      application: null,
      environment: null,
    },
    tags: r.attribution.tags,
    metadata,
    content: capture === 'full' && (prompt !== null || output !== null) ? { input: prompt, output } : null,
    promptHash: contentHash(prompt),
    responseHash: contentHash(output),
    requestId: r.requestId,
  };
}
