import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { PendingSignIn } from './oidc.ts';

// E4: an OpenID Connect sign-in under way (state, nonce, PKCE verifier, where to land) kept in the
// browser, in a cookie of its own, rather than in the store: starting a sign-in writes nothing on
// the server, and every node can finish it. The cookie is sealed (AES-256-GCM, a key derived from
// the session secret): the browser can neither read nor change it, and it is refused after
// PENDING_TTL_MS. The callback clears it whatever happens (one attempt per redirect).

export const PENDING_TTL_MS = 10 * 60_000;
const MAX_COOKIE_CHARS = 4000;

function keyOf(secret: string): Buffer {
  return createHash('sha256').update('lookout oidc sign-in state\0').update(secret).digest();
}

export function sealPending(secret: string, pending: PendingSignIn, nowMs: number = Date.now()): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyOf(secret), iv);
  const body = Buffer.concat([cipher.update(JSON.stringify({ ...pending, exp: nowMs + PENDING_TTL_MS }), 'utf8'), cipher.final()]);
  return [iv, cipher.getAuthTag(), body].map((b) => b.toString('base64url')).join('.');
}

// The sign-in under way, or null: no cookie, not sealed with this secret, changed, or too old.
export function openPending(secret: string, value: string | undefined, nowMs: number = Date.now()): PendingSignIn | null {
  if (typeof value !== 'string' || value.length > MAX_COOKIE_CHARS) return null;
  const parts = value.split('.');
  if (parts.length !== 3) return null;
  try {
    const [iv, tag, body] = parts.map((p) => Buffer.from(p, 'base64url'));
    if (iv.length !== 12 || tag.length !== 16) return null;
    const decipher = createDecipheriv('aes-256-gcm', keyOf(secret), iv);
    decipher.setAuthTag(tag);
    const json = JSON.parse(Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8')) as Record<string, unknown>;
    if (typeof json.exp !== 'number' || json.exp <= nowMs) return null;
    const { state, nonce, codeVerifier, returnTo } = json;
    if (typeof state !== 'string' || typeof nonce !== 'string' || typeof codeVerifier !== 'string' || typeof returnTo !== 'string') return null;
    return { state, nonce, codeVerifier, returnTo };
  } catch {
    return null;
  }
}
