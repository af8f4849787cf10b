import { createHash } from 'node:crypto';

// Langfuse ids are arbitrary strings (the SDKs make UUIDs); Lookout keys spans by W3C-sized hex
// ids. These mappings are deterministic so every path (ingestion, OTel, read endpoints) agrees on
// where a Langfuse object lives, and a re-sent event lands on the same span.

const TRACE_HEX = /^[0-9a-f]{32}$/;
const SPAN_HEX = /^[0-9a-f]{16}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function hashHex(domain: string, id: string, chars: number): string {
  return createHash('sha256').update(`${domain}\0${id}`).digest('hex').slice(0, chars);
}

export function lookoutTraceId(langfuseId: string): string {
  const lower = langfuseId.toLowerCase();
  if (TRACE_HEX.test(lower)) return lower;
  if (UUID.test(lower)) return lower.replaceAll('-', '');
  return hashHex('langfuse trace', langfuseId, 32);
}

export function lookoutSpanId(langfuseObservationId: string): string {
  const lower = langfuseObservationId.toLowerCase();
  if (SPAN_HEX.test(lower)) return lower;
  return hashHex('langfuse observation', langfuseObservationId, 16);
}

// The span a trace-create becomes: the parent of every observation that names no parent.
export function traceRootSpanId(langfuseTraceId: string): string {
  return hashHex('langfuse trace root', langfuseTraceId, 16);
}
