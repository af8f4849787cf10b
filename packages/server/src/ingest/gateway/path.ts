// One spelling per gateway path. The budget check and the recorded operation are decided by the
// endpoint the path names, so the path is brought to one form before anything looks at it, and
// that same form is what the upstream receives: `chat/complet%69ons`, `x/../chat/completions` and
// `chat//completions` are all `chat/completions` here and upstream. What cannot be brought to one
// form without guessing how the upstream would read it (an encoded slash or backslash, an encoded
// dot segment, NUL or other control characters, a path that climbs out of the provider's prefix)
// is refused. (Method-override headers, which would make a GET a POST upstream, are not forwarded:
// see headers.ts.)

export class GatewayPathError extends Error {
  override name = 'GatewayPathError';
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

function segment(raw: string): string {
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c !== '%') {
      if (c === '\\') throw new GatewayPathError('a backslash in the path is refused; use /');
      // Some servers cut a path at ';' (path parameters): chat/completions;x would be read upstream
      // as the model call it is not here.
      if (c === ';') throw new GatewayPathError("a ';' in the path is refused; upstreams read path parameters differently");
      if (!PATH_CHAR.test(c)) throw new GatewayPathError(`the path contains the character U+${c.charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()}, which must be percent-encoded`);
      out += c;
      continue;
    }
    const hex = raw.slice(i + 1, i + 3);
    if (!HEX.test(hex)) throw new GatewayPathError(`the path has a malformed percent-encoding at '${raw.slice(i, i + 3)}'`);
    const code = parseInt(hex, 16);
    const ch = String.fromCharCode(code);
    if (code === 0x2f || code === 0x5c) throw new GatewayPathError(`an encoded ${code === 0x2f ? 'slash (%2F)' : 'backslash (%5C)'} in the path is refused; upstreams read it differently`);
    if (code < 0x20 || code === 0x7f) throw new GatewayPathError(`an encoded control character (%${hex.toUpperCase()}) in the path is refused`);
    out += UNRESERVED.test(ch) ? ch : `%${hex.toUpperCase()}`;
    i += 2;
  }
  if ((out === '.' || out === '..') && out !== raw) throw new GatewayPathError(`an encoded dot segment ('${raw}') in the path is refused`);
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
