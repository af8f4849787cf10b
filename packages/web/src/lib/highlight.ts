import { PII_TYPES } from './pii.ts';
import type { PiiType, PrivacyFinding } from '../api/types.ts';

// Texts of the privacy test box cut into pieces to draw: the text typed, with what the redactor
// found marked by its offsets, and the text as it would be stored, with its redaction tokens marked.

export interface Piece {
  text: string;
  // The finding (or token's type) this piece is; null for plain text.
  finding: { type: PiiType; detector: string } | null;
}

// `findings` are UTF-16 offsets into `text`, as the server gives them. Offsets past the text are
// clipped, and a finding that overlaps one already placed is left out, so a stale answer (the
// text edited since) still draws every character once.
export function markFindings(text: string, findings: readonly PrivacyFinding[]): Piece[] {
  const sorted = [...findings].sort((a, b) => a.start - b.start || b.end - a.end);
  const out: Piece[] = [];
  let at = 0;
  for (const f of sorted) {
    const start = Math.max(0, Math.min(f.start, text.length));
    const end = Math.max(0, Math.min(f.end, text.length));
    if (start < at || end <= start) continue;
    if (start > at) out.push({ text: text.slice(at, start), finding: null });
    out.push({ text: text.slice(start, end), finding: { type: f.type, detector: f.detector } });
    at = end;
  }
  if (at < text.length) out.push({ text: text.slice(at), finding: null });
  return out;
}

// `[REDACTED:email]` (mask) and `[email:0123456789ab]` (hash): the tokens the redactor writes.
const TOKEN = new RegExp(`\\[(?:REDACTED:(${PII_TYPES.join('|')})|(${PII_TYPES.join('|')}):[0-9a-f]{12})\\]`, 'g');

export function markTokens(stored: string): Piece[] {
  const out: Piece[] = [];
  let at = 0;
  for (const m of stored.matchAll(TOKEN)) {
    const type = (m[1] ?? m[2]) as PiiType;
    if (m.index > at) out.push({ text: stored.slice(at, m.index), finding: null });
    out.push({ text: m[0], finding: { type, detector: m[1] ? 'mask' : 'hash' } });
    at = m.index + m[0].length;
  }
  if (at < stored.length) out.push({ text: stored.slice(at), finding: null });
  return out;
}
