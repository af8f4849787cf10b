// Finds text hidden in base64, hex and percent-encoding so the phrase rules can read it. Only
// blobs that decode to readable text are returned: keys, hashes, JWT signatures and images decode
// to binary and are dropped. Work is bounded by the number and size of blobs looked at.

const MIN_BASE64_CHARS = 20;
const HEX_ONLY = /^(?:[0-9a-fA-F]{2}){12,}$/;
const HEX_SEPARATED = /\b(?:[0-9a-fA-F]{2}[ :,-]){11,}[0-9a-fA-F]{2}\b/g;
const HEX_ESCAPED = /(?:\\x[0-9a-fA-F]{2}){8,}/g;
// Starts at a '%' so a long word without one is not re-scanned from every position; the word
// before the first escape is added back by hand.
const PERCENT = /(?:%[0-9a-fA-F]{2}[\w.~+-]{0,40}){4,}/g;
const WORD_BEFORE = /[\w.~+-]{1,40}$/;

const MAX_BLOBS_PER_ENCODING = 8;
const MAX_BLOB_CHARS = 8 * 1024;
const MIN_DECODED_CHARS = 12;
const READABLE_SHARE = 0.95;
// Printable ASCII, whitespace, and letters beyond ASCII (an encoded instruction in German or French).
const UNREADABLE = /[^\x20-\x7e\t\n\r\u00a0-\u024f]/g;

function readable(decoded: string): string | null {
  if (decoded.length < MIN_DECODED_CHARS || !decoded.includes(' ')) return null;
  const unreadable = decoded.match(UNREADABLE)?.length ?? 0;
  return unreadable <= decoded.length * (1 - READABLE_SHARE) ? decoded : null;
}

function isBase64Char(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 43 || c === 47 || c === 45 || c === 95;
}

// Runs of base64 (or base64url) characters long enough to hide a sentence; hex is a subset. A
// loop over character codes: several times cheaper than a regex on prose, where every word is a
// short run.
function base64Runs(raw: string, max: number): string[] {
  const runs: string[] = [];
  let start = -1;
  for (let i = 0; i <= raw.length && runs.length < max; i++) {
    if (i < raw.length && isBase64Char(raw.charCodeAt(i))) {
      if (start < 0) start = i;
      continue;
    }
    if (start >= 0 && i - start >= MIN_BASE64_CHARS) runs.push(raw.slice(start, Math.min(i, start + MAX_BLOB_CHARS)));
    start = -1;
  }
  return runs;
}

function fromHex(blob: string): string {
  return Buffer.from(blob.replace(/\\x|[ :,-]/g, ''), 'hex').toString('utf8');
}

function fromPercent(blob: string): string | null {
  try {
    return decodeURIComponent(blob.replace(/\+/g, ' '));
  } catch {
    return null;
  }
}

// The readable texts encoded in `raw`; at most MAX_BLOBS_PER_ENCODING blobs of each encoding are decoded.
export function decodeHiddenText(raw: string): string[] {
  const out: string[] = [];
  for (const blob of base64Runs(raw, MAX_BLOBS_PER_ENCODING)) {
    const text = HEX_ONLY.test(blob) ? fromHex(blob) : Buffer.from(blob, blob.includes('-') || blob.includes('_') ? 'base64url' : 'base64').toString('utf8');
    const ok = readable(text);
    if (ok !== null) out.push(ok);
  }
  const visit = (re: RegExp, decode: (blob: string) => string | null): void => {
    re.lastIndex = 0;
    let looked = 0;
    for (let m = re.exec(raw); m !== null && looked < MAX_BLOBS_PER_ENCODING; m = re.exec(raw)) {
      looked++;
      let blob = m[0].slice(0, MAX_BLOB_CHARS);
      if (re === PERCENT) blob = (raw.slice(Math.max(0, m.index - 40), m.index).match(WORD_BEFORE)?.[0] ?? '') + blob;
      const text = decode(blob);
      const ok = text === null ? null : readable(text);
      if (ok !== null) out.push(ok);
    }
  };
  if (raw.includes('\\x')) visit(HEX_ESCAPED, fromHex);
  visit(HEX_SEPARATED, fromHex);
  if (raw.includes('%')) visit(PERCENT, fromPercent);
  return out;
}
