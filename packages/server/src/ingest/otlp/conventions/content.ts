import { contentHash } from '../../content-hash.ts';
import { safeJson, truncate } from './attributes.ts';

// Prompt/response text as the record stores it, whichever convention carried it: chat messages
// become one JSON array of {role, content}; plain text stays plain. The hash is over the whole
// text; what is stored is bounded.

export const MAX_CONTENT_CHARS = 256 * 1024;
export const MAX_QUERY_CHARS = 500; // seed 004 keeps the first 500 characters of a retrieval query

export interface ChatMessage {
  role: string;
  content?: unknown;
  [field: string]: unknown;
}

export function messagesText(messages: ChatMessage[]): string | undefined {
  return messages.length === 0 ? undefined : safeJson(messages);
}

export function boundContent(text: string): string {
  return truncate(text, MAX_CONTENT_CHARS);
}

export { contentHash };

// A hash that extends another: content that arrives in pieces (one log event per message) gets a
// stable hash without the pieces being stored.
export function chainHash(previous: string | null, piece: string, hash: (text: string) => string = (t) => contentHash(t) as string): string {
  return hash(previous === null ? piece : `${previous}\u0000${piece}`);
}

// Seed 004 keeps the retrieval query. It is user text, so it is stored only when content capture
// is on; otherwise its hash is, which still groups repeated queries.
export function queryMetadata(query: string | undefined, captureContent: boolean): Record<string, string> {
  if (query === undefined) return {};
  if (captureContent) return { 'retrieval.query': truncate(query, MAX_QUERY_CHARS) };
  return { 'retrieval.query_hash': contentHash(query) as string };
}

// Scores and counts over a list of retrieved documents, whatever shape the convention gave them.
export function documentStats(scores: (number | undefined)[], count: number): Record<string, string> {
  const out: Record<string, string> = { 'retrieval.result_count': String(count) };
  const valid = scores.filter((s): s is number => s !== undefined && Number.isFinite(s));
  if (valid.length > 0) out['retrieval.top_score'] = String(Math.max(...valid));
  return out;
}

// Finish reasons differ in spelling (AI SDK "content-filter", OpenAI "content_filter", Gemini
// "SAFETY"): one lower-case, underscore form is stored so C5 can count them together.
export function normalizeFinishReason(reason: unknown): string | undefined {
  if (typeof reason !== 'string') return undefined;
  const r = reason.trim().toLowerCase().replace(/^finish_reason_/, '').replace(/[-\s]+/g, '_');
  return r === '' ? undefined : r.slice(0, 64);
}
