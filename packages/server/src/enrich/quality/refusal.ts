import type { SpanRecord } from '../../domain/span.ts';
import { REFUSAL_FINISH_REASONS, REFUSAL_PHRASES, REFUSAL_PHRASES_VERSION } from './refusal-phrases.ts';

// C5: whether a generation declined to answer. Two signs, either enough: the provider's finish
// reason says so (a content filter, an explicit refusal), or the answer opens with one of the
// maintained refusal phrases (refusal-phrases.ts). Only the opening is read: a model declines in
// its first sentence, and an answer that quotes a refusal later on is still an answer. So the
// cost per span is bounded whatever the output's length.

export { REFUSAL_PHRASES_VERSION };

// How much of the output's start is searched (characters, before normalisation).
export const REFUSAL_OPENING_CHARS = 400;

export interface Refusal {
  by: 'finish_reason' | 'phrase';
  // The finish reason, or the phrase found.
  evidence: string;
  // The phrase's language (ISO 639-1); null for a finish reason.
  language: string | null;
}

const FINISH_REASONS = new Set(REFUSAL_FINISH_REASONS);

const LANGUAGE_OF = new Map<string, string>();
for (const [language, phrases] of Object.entries(REFUSAL_PHRASES)) for (const p of phrases) if (!LANGUAGE_OF.has(p)) LANGUAGE_OF.set(p, language);

// One alternation of every phrase, longest first: V8 runs it in one pass over the opening.
const PHRASES = new RegExp(
  [...LANGUAGE_OF.keys()]
    .sort((a, b) => b.length - a.length)
    .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('|'),
);

// Lower case, plain apostrophes and quotes, one space for any run of white space: the form the
// phrases are written in.
export function normalizeOpening(text: string): string {
  return text
    .slice(0, REFUSAL_OPENING_CHARS)
    .toLowerCase()
    .replace(/[\u2018\u2019\u02bc\u0060\u00b4]/g, "'")
    .replace(/[\u201c\u201d\u00ab\u00bb]/g, '"')
    .replace(/\s+/g, ' ');
}

export function refusalInText(output: string): Refusal | null {
  const m = PHRASES.exec(normalizeOpening(output));
  return m ? { by: 'phrase', evidence: m[0], language: LANGUAGE_OF.get(m[0]) ?? null } : null;
}

export function refusalOf(span: Pick<SpanRecord, 'finishReason' | 'content'>): Refusal | null {
  const reason = span.finishReason?.toLowerCase() ?? null;
  if (reason !== null && FINISH_REASONS.has(reason)) return { by: 'finish_reason', evidence: reason, language: null };
  const output = span.content?.output;
  return output ? refusalInText(output) : null;
}

export function describeRefusal(r: Refusal): string {
  return r.by === 'finish_reason' ? `the provider ended the call with finish reason '${r.evidence}'` : `the answer opens with the refusal phrase '${r.evidence}' (${r.language})`;
}
