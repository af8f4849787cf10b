import { LookoutError } from '../../errors.ts';

// One spelling per gateway path. The budget check and the recorded operation are decided by the
// endpoint the path names, so the path is brought to one form before anything looks at it, and
// that same form is what the upstream receives: `chat/complet%69ons`, `x/../chat/completions` and
// `chat//completions` are all `chat/completions` here and upstream. What cannot be brought to one
// form without guessing how the upstream (or a proxy in front of it) would read it is refused:
// anything a server might decode a second time, trim, cut at, or fold into another character
// (an encoded slash, backslash, percent, '?', '#', ';', '+' or space, a non-ASCII byte, a segment
// ending in '.', an encoded dot segment, control characters) and a path that climbs out of the
// provider's prefix. (Method-override headers, which would make a GET a POST upstream, are not
// forwarded: see headers.ts.)
export class GatewayPathError extends LookoutError {
  override name = 'GatewayPathError';
  constructor(message: string) {
    super('invalid_request', message);
  }
}

export interface NormalisedUrl {
  path: string; // absolute, '/'-separated, no empty, '.' or '..' segments (a trailing '/' is kept)
  query: string; // '' or '?...' as received
}

const HEX = /^[0-9A-Fa-f]{2}$/;
// RFC 3986 §2.3: decoding these never changes what a URI means.
const UNRESERVED = /^[A-Za-z0-9\-._~]$/;
// Printable ASCII other than the backslash; a raw space cannot reach here (the request line ends there).
const PATH_CHAR = /^[\x21-\x5b\x5d-\x7e]$/;

// Raw characters refused, and why: each is read by some server as something other than part of a name.
const REFUSED_RAW: Record<string, string> = {
  '\\': 'a backslash in the path is refused; use /',
  // Some servers cut a path at ';' (path parameters): chat/completions;x would be read upstream
  // as the model call it is not here.
  ';': "a ';' in the path is refused; upstreams read path parameters differently",
  '#': "a '#' in the path is refused; an upstream may cut the path there as a fragment",
  '+': "a '+' in the path is refused; some upstreams read it as a space and trim it",
};

// Encoded characters refused: each is one that a server which decodes the path (once more, after
// this one) reads as something other than part of a name.
const REFUSED_ENCODED: Record<number, string> = {
  0x20: 'an encoded space (%20) in the path is refused; an upstream may trim it',
  0x23: "an encoded '#' (%23) in the path is refused; an upstream that decodes it may cut the path there",
  0x25: 'an encoded percent sign (%25) in the path is refused; an upstream that decodes twice would read the next characters as an escape',
  0x2b: "an encoded '+' (%2B) in the path is refused; some upstreams read it as a space and trim it",
  0x2f: 'an encoded slash (%2F) in the path is refused; upstreams read it differently',
  0x3b: "an encoded ';' (%3B) in the path is refused; upstreams read path parameters differently",
  0x3f: "an encoded '?' (%3F) in the path is refused; an upstream that decodes it would start the query there",
  0x5c: 'an encoded backslash (%5C) in the path is refused; upstreams read it differently',
};

function segment(raw: string): string {
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c !== '%') {
      const refused = REFUSED_RAW[c];
      if (refused) throw new GatewayPathError(refused);
      if (!PATH_CHAR.test(c)) throw new GatewayPathError(`the path contains the character U+${c.charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()}, which must be percent-encoded`);
      out += c;
      continue;
    }
    const hex = raw.slice(i + 1, i + 3);
    if (!HEX.test(hex)) throw new GatewayPathError(`the path has a malformed percent-encoding at '${raw.slice(i, i + 3)}'`);
    const code = parseInt(hex, 16);
    const ch = String.fromCharCode(code);
    const refused = REFUSED_ENCODED[code];
    if (refused) throw new GatewayPathError(refused);
    if (code < 0x20 || code === 0x7f) throw new GatewayPathError(`an encoded control character (%${hex.toUpperCase()}) in the path is refused`);
    // Unicode is where readings part: a server that folds fullwidth letters (NFKC) or trims a
    // non-breaking space would read %EF%BD%83hat/completions%C2%A0 as chat/completions. No
    // provider endpoint or id needs it.
    if (code >= 0x80) throw new GatewayPathError(`an encoded non-ASCII byte (%${hex.toUpperCase()}) in the path is refused; upstreams read Unicode differently`);
    out += UNRESERVED.test(ch) ? ch : `%${hex.toUpperCase()}`;
    i += 2;
  }
  if (out === '.' || out === '..') {
    if (out !== raw) throw new GatewayPathError(`an encoded dot segment ('${raw}') in the path is refused`);
  } else if (out.endsWith('.')) {
    // Windows-style servers drop a trailing dot: chat/completions. would be chat/completions there.
    throw new GatewayPathError(`a path segment ending in '.' ('${raw}') is refused; an upstream may drop the dot`);
  }
  return out;
}

// Normalises a request target (`/proxy/openai/v1/chat//completions?x=1`). Throws GatewayPathError.
export function normaliseRequestUrl(url: string): NormalisedUrl {
  const q = url.indexOf('?');
  const rawPath = q < 0 ? url : url.slice(0, q);
  const query = q < 0 ? '' : url.slice(q);
  if (!rawPath.startsWith('/')) throw new GatewayPathError('the request target must be a path starting with /');
  const parts = rawPath.slice(1).split('/');
  const out: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const last = i === parts.length - 1;
    const s = segment(parts[i]!);
    if (s === '' ) {
      if (last && out.length) out.push(''); // a trailing slash stays
      continue;
    }
    if (s === '.') {
      if (last && out.length) out.push('');
      continue;
    }
    if (s === '..') {
      if (!out.length) throw new GatewayPathError("the path climbs above the root with '..'");
      out.pop();
      if (last) out.push('');
      continue;
    }
    out.push(s);
  }
  return { path: `/${out.join('/')}`, query };
}
