import type { IncomingHttpHeaders } from 'node:http';
import { MAX_PROMPT_NAME_CHARS, MAX_PROMPT_VARIANT_CHARS, MAX_PROMPT_VERSION_CHARS, parsePromptReference } from '../../domain/prompt-identity.ts';
import { LookoutError } from '../../errors.ts';

// What the gateway takes from and gives to headers: which ones are forwarded, the attribution a
// caller sends in x-lookout-*, and the W3C trace context.

// RFC 9110 §7.6.1 connection-specific headers, plus those the HTTP client sets itself for the
// body it sends (host, content-length) and HTTP/2 pseudo-headers.
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);
// Method overrides would let a GET that is passed through unbudgeted be served as a POST by an
// upstream framework that honours them.
const NOT_FORWARDED_UPSTREAM = new Set([...HOP_BY_HOP, 'host', 'content-length', 'expect', 'x-http-method-override', 'x-http-method', 'x-method-override']);

function connectionListed(headers: IncomingHttpHeaders): Set<string> | null {
  const c = headers.connection;
  if (typeof c !== 'string' || c === '' || c === 'keep-alive' || c === 'close') return null;
  return new Set(c.split(',').map((t) => t.trim().toLowerCase()));
}

// The request headers sent upstream: the caller's, less hop-by-hop and Lookout's own (x-lookout-*).
export function upstreamRequestHeaders(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const listed = connectionListed(headers);
  const out: Record<string, string | string[]> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    if (NOT_FORWARDED_UPSTREAM.has(name) || name.startsWith('x-lookout-') || listed?.has(name)) continue;
    out[name] = value;
  }
  return out;
}

// The response headers given to the client: the upstream's, less hop-by-hop ones.
export function clientResponseHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string | string[]> {
  const c = headers.connection;
  const listed = typeof c === 'string' && c !== 'keep-alive' && c !== 'close' ? new Set(c.split(',').map((t) => t.trim().toLowerCase())) : null;
  const out: Record<string, string | string[]> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined || HOP_BY_HOP.has(name) || listed?.has(name)) continue;
    out[name] = value;
  }
  return out;
}

export function headerValue(headers: Record<string, string | string[] | undefined>, name: string): string | null {
  const v = headers[name];
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && v.length) return v[0]!;
  return null;
}

// ---------------------------------------------------------------------------------------------
// Attribution

export interface GatewayAttribution {
  userId: string | null;
  sessionId: string | null;
  feature: string | null;
  team: string | null;
  tags: string[];
  metadata: Record<string, string>;
  // x-lookout-prompt (name@version) and x-lookout-variant: the prompt the call was made from.
  prompt?: { name?: string; version?: string; variant?: string } | null;
}

export const MAX_ATTRIBUTION_CHARS = 256;
export const MAX_TAGS = 50;
export const MAX_TAG_CHARS = 128;
export const MAX_METADATA_KEYS = 100;
export const MAX_METADATA_BYTES = 8 * 1024;

// A refused header: the gateway answers 400 in the provider's format with this message.
export class AttributionError extends LookoutError {
  override name = 'AttributionError';
  constructor(message: string) {
    super('invalid_request', message);
  }
}

// Control characters cannot arrive raw (Node's parser refuses CR/LF in a header), but other
// control bytes can, and a value that is not what the caller meant is refused, not guessed at.
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f]/;
const NON_ASCII = /[^\u0000-\u007f]/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

// Header values arrive as latin1; a caller sending UTF-8 bytes meant UTF-8.
function decoded(value: string): string {
  if (!NON_ASCII.test(value)) return value;
  try {
    return utf8.decode(Buffer.from(value, 'latin1'));
  } catch {
    return value;
  }
}

function single(headers: IncomingHttpHeaders, name: string, maxChars: number): string | null {
  const raw = headers[name];
  if (raw === undefined) return null;
  const value = decoded(Array.isArray(raw) ? raw.join(',') : raw).trim();
  if (value === '') return null;
  if (CONTROL.test(value)) throw new AttributionError(`header ${name} contains control characters; send printable text`);
  if (value.length > maxChars) throw new AttributionError(`header ${name} is ${value.length} characters long; at most ${maxChars} are accepted`);
  return value;
}

export interface AttributionResult {
  attribution: GatewayAttribution;
  // Headers ignored as invalid (counted on /metrics), e.g. ['x-lookout-metadata'].
  ignored: string[];
}

// Throws AttributionError for values that are refused (control characters, too long, too many tags).
export function parseAttribution(headers: IncomingHttpHeaders): AttributionResult {
  const ignored: string[] = [];
  const attribution: GatewayAttribution = {
    userId: single(headers, 'x-lookout-user', MAX_ATTRIBUTION_CHARS),
    sessionId: single(headers, 'x-lookout-session', MAX_ATTRIBUTION_CHARS),
    feature: single(headers, 'x-lookout-feature', MAX_ATTRIBUTION_CHARS),
    team: single(headers, 'x-lookout-team', MAX_ATTRIBUTION_CHARS),
    tags: [],
    metadata: {},
    prompt: null,
  };
  const prompt = single(headers, 'x-lookout-prompt', MAX_PROMPT_NAME_CHARS + 1 + MAX_PROMPT_VERSION_CHARS);
  const variant = single(headers, 'x-lookout-variant', MAX_PROMPT_VARIANT_CHARS);
  if (prompt !== null) {
    const ref = parsePromptReference(prompt);
    if (typeof ref === 'string') throw new AttributionError(`header x-lookout-prompt: ${ref}`);
    attribution.prompt = ref;
  }
  if (variant !== null) attribution.prompt = { ...attribution.prompt, variant };
  const tags = single(headers, 'x-lookout-tags', MAX_TAGS * (MAX_TAG_CHARS + 1));
  if (tags !== null) {
    const list = [...new Set(tags.split(',').map((t) => t.trim()).filter((t) => t !== ''))];
    if (list.length > MAX_TAGS) throw new AttributionError(`header x-lookout-tags has ${list.length} tags; at most ${MAX_TAGS} are accepted`);
    const long = list.find((t) => t.length > MAX_TAG_CHARS);
    if (long !== undefined) throw new AttributionError(`header x-lookout-tags has a tag of ${long.length} characters; at most ${MAX_TAG_CHARS} are accepted`);
    attribution.tags = list;
  }
  const rawMeta = headers['x-lookout-metadata'];
  if (rawMeta !== undefined) {
    const metadata = parseMetadata(decoded(Array.isArray(rawMeta) ? rawMeta[0]! : rawMeta));
    if (metadata === null) ignored.push('x-lookout-metadata');
    else attribution.metadata = metadata;
  }
  return { attribution, ignored };
}

// A JSON object of string (or number/boolean) values, or null when it is anything else.
function parseMetadata(text: string): Record<string, string> | null {
  if (text.length > MAX_METADATA_BYTES) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const entries = Object.entries(value);
  if (entries.length > MAX_METADATA_KEYS) return null;
  const out: Record<string, string> = {};
  for (const [k, v] of entries) {
    if (typeof v === 'string') out[k] = v;
    else if (typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
    else return null;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// W3C trace context

export interface TraceParent {
  traceId: string;
  parentSpanId: string;
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

// The caller's trace when its traceparent is valid (W3C Trace Context §3.2), else null: an
// invalid header starts a new trace, it is never an error.
export function parseTraceParent(header: string | string[] | undefined): TraceParent | null {
  if (typeof header !== 'string' || header.length > 512) return null;
  const m = TRACEPARENT.exec(header.trim());
  if (!m) return null;
  const [, version, traceId, parentSpanId, , rest] = m;
  if (version === 'ff') return null;
  if (version === '00' && rest !== undefined) return null;
  if (/^0+$/.test(traceId!) || /^0+$/.test(parentSpanId!)) return null;
  return { traceId: traceId!, parentSpanId: parentSpanId! };
}
