import { createHash } from 'node:crypto';
import { QUALITY_METADATA } from '../../domain/quality.ts';
import type { SpanRecord } from '../../domain/span.ts';
import type { ChainBatch, Processor } from '../chain.ts';

// D6: recurring errors are grouped by a fingerprint of their class and their message with the
// parts that vary from one occurrence to the next (ids, numbers, URLs, quoted values, redaction
// tokens) replaced by placeholders, so "timeout after 30012 ms on req_8f3a…" and "timeout after
// 29877 ms on req_1c2d…" are one issue. It runs after redaction (it sees the message as stored)
// and before the content policy, which may drop the message: the group survives without it.

// Only the head of a message is read: what makes two errors the same is at its start, and a
// bounded input keeps every pattern below linear in a bounded length.
export const MAX_FINGERPRINT_INPUT_CHARS = 2_000;
// The normalised text kept for hashing; longer tails (stack traces, echoed payloads) vary too much.
export const MAX_NORMALISED_CHARS = 300;
// 12 hex characters (48 bits): collisions are negligible within one project's error groups.
const HASH_CHARS = 12;

// In order: each replacement sees the output of the ones before it. Quantifiers are bounded and
// character classes exclude their own delimiters, so no pattern backtracks.
const REPLACEMENTS: [RegExp, string][] = [
  // Redaction tokens: `[REDACTED:email]` and hash mode's `[email:3f9c0a…]`.
  [/\[REDACTED:([a-z_]{1,40})\]/g, '<$1>'],
  [/\[([a-z_]{1,40}):[0-9a-f]{6,64}\]/g, '<$1>'],
  [/\b[a-z][a-z0-9+.-]{1,15}:\/\/[^\s"'<>()]{1,2000}/gi, '<url>'],
  [/[^\s@"'<>(),;:]{1,64}@[^\s@"'<>(),;:]{1,255}\.[a-z]{2,24}\b/gi, '<email>'],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<uuid>'],
  [/"[^"\n]{0,200}"|'[^'\n]{0,200}'|`[^`\n]{0,200}`/g, '<str>'],
  [/\b0x[0-9a-f]{1,64}\b/gi, '<hex>'],
  // An id with a prefix (req_8f3a9c, chatcmpl-AbC12x9): letters + separator + a run with digits.
  [/\b([a-z]{1,16}[_-])[a-z0-9]{0,64}\d[a-z0-9]{0,64}\b/gi, '$1<id>'],
  // Hex runs of 8+ with a digit in them (trace ids, hashes); plain words of a-f are kept.
  [/\b(?=[0-9a-f]{0,63}\d)[0-9a-f]{8,64}\b/gi, '<hex>'],
  [/[-+]?\d+(?:[.,]\d+)*/g, '<n>'],
  [/\s+/g, ' '],
];

// The message with what varies replaced by placeholders; bounded in length.
export function normaliseErrorMessage(message: string): string {
  let text = message.slice(0, MAX_FINGERPRINT_INPUT_CHARS);
  for (const [pattern, replacement] of REPLACEMENTS) text = text.replace(pattern, replacement);
  return text.trim().slice(0, MAX_NORMALISED_CHARS);
}

// `<class>:<hash>`: the class stays readable (a group can be filtered and named by it); the hash
// is of the class and the normalised message.
export function errorFingerprint(errorClass: string | null, message: string | null): string {
  const cls = errorClass ?? 'other';
  const normalised = message === null ? '' : normaliseErrorMessage(message);
  const hash = createHash('sha256').update(`${cls}\u0000${normalised}`).digest('hex').slice(0, HASH_CHARS);
  return `${cls}:${hash}`;
}

// Marks every failed span with its fingerprint; a client's own value under the key is replaced
// on failed spans and dropped on the others, so only Lookout's grouping counts.
export class ErrorFingerprintProcessor implements Processor {
  readonly name = 'error-fingerprint';

  process(batch: ChainBatch): void {
    for (const s of batch.spans) this.span(s);
  }

  private span(s: SpanRecord): void {
    if (s.status !== 'error') {
      // Checked first: deleting from every span would cost more than the rare client value.
      if (QUALITY_METADATA.errorFingerprint in s.metadata) delete s.metadata[QUALITY_METADATA.errorFingerprint];
      return;
    }
    s.metadata[QUALITY_METADATA.errorFingerprint] = errorFingerprint(s.errorClass, s.errorMessage);
  }
}
