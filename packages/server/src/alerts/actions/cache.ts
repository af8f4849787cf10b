import { createHash, createHmac, createSecretKey, randomBytes } from 'node:crypto';
import { Counter, type Registry } from 'prom-client';
import { METRIC } from '../../metrics/names.ts';

// F5/C6: the exact-match response cache the gateway uses while a responseCache action is active.
// A key is a hash of the project, the caller's provider credential (its keyed hash, see
// credentialHash), the action's key scope, the provider, the path and the request body in
// canonical form (JSON with its object keys sorted, so key order does not matter). An answer made
// with one provider key is never served to a caller with another key or with none.
// Entries expire after the TTL the action gives when they are stored; the cache is bounded in
// entries and bytes, and the oldest entries make room for new ones.

export interface CachedResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

interface Entry extends CachedResponse {
  expiresAtMs: number;
  bytes: number;
}

export interface ResponseCacheOptions {
  maxEntries?: number;
  maxTotalBytes?: number;
  maxEntryBytes?: number;
  registry?: Registry;
}

export interface CacheKeyParts {
  projectId: string;
  credential: string; // credentialHash() of the call's headers: '' when it carries no provider key
  keyScope: string; // from the decision: '' or the user, when the action caches per user
  provider: string;
  path: string;
  body: Buffer | string;
}

export const DEFAULT_CACHE_MAX_ENTRIES = 10_000;
export const DEFAULT_CACHE_MAX_TOTAL_BYTES = 64 * 1024 * 1024;
export const DEFAULT_CACHE_MAX_ENTRY_BYTES = 1024 * 1024;

// The headers providers read a key from: OpenAI and most compatible servers (Authorization),
// Anthropic (x-api-key), Azure OpenAI (api-key).
const CREDENTIAL_HEADERS = ['authorization', 'x-api-key', 'api-key'] as const;
// Keyed with a secret that lives only in this process: a cache key or a heap dump gives no way
// to test guesses of a provider key offline. A KeyObject: HMAC with a raw Buffer key prepares
// the key again on every call, several times the cost of the hash itself.
const credentialSecret = createSecretKey(randomBytes(32));

// A keyed hash (HMAC-SHA-256) of the provider credential a call carries, '' when it has none.
// The key itself is read once here and not kept.
export function credentialHash(headers: Readonly<Record<string, string | string[] | undefined>>): string {
  const h = createHmac('sha256', credentialSecret);
  let any = false;
  for (const name of CREDENTIAL_HEADERS) {
    const v = headers[name];
    if (v === undefined || v === '' || (Array.isArray(v) && v.length === 0)) continue;
    any = true;
    h.update(name).update('\u0000').update(Array.isArray(v) ? v.join('\u0001') : v).update('\u0000');
  }
  return any ? h.digest('base64url') : '';
}

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function canonicalBody(body: Buffer | string): string | Buffer {
  const text = typeof body === 'string' ? body : body.toString('utf8');
  try {
    return canonicalJson(JSON.parse(text));
  } catch {
    return body; // not JSON: the bytes as sent
  }
}

export class ResponseCache {
  private readonly entries = new Map<string, Entry>(); // insertion order = age
  private totalBytes = 0;
  private readonly maxEntries: number;
  private readonly maxTotalBytes: number;
  private readonly maxEntryBytes: number;
  private readonly outcomes: Counter<'outcome'> | null = null;

  constructor(options: ResponseCacheOptions = {}) {
    this.maxEntries = options.maxEntries ?? DEFAULT_CACHE_MAX_ENTRIES;
    this.maxTotalBytes = options.maxTotalBytes ?? DEFAULT_CACHE_MAX_TOTAL_BYTES;
    this.maxEntryBytes = options.maxEntryBytes ?? DEFAULT_CACHE_MAX_ENTRY_BYTES;
    if (options.registry) {
      this.outcomes = new Counter({
        name: METRIC.responseCache,
        help: 'Response cache operations of the gateway by outcome (hit, miss, store; skip: too large to keep).',
        labelNames: ['outcome'],
        registers: [options.registry],
      });
    }
  }

  static key(parts: CacheKeyParts): string {
    const h = createHash('sha256');
    for (const p of [parts.projectId, parts.credential, parts.keyScope, parts.provider, parts.path]) h.update(p).update('\u0000');
    h.update(canonicalBody(parts.body));
    return h.digest('hex');
  }

  get size(): number {
    return this.entries.size;
  }

  get bytes(): number {
    return this.totalBytes;
  }

  get(key: string, nowMs: number): CachedResponse | null {
    const e = this.entries.get(key);
    if (e && e.expiresAtMs > nowMs) {
      this.outcomes?.inc({ outcome: 'hit' });
      return { status: e.status, headers: e.headers, body: e.body };
    }
    if (e) this.remove(key, e);
    this.outcomes?.inc({ outcome: 'miss' });
    return null;
  }

  // Keeps a response for ttlMs. Returns false when it is too large to keep.
  set(key: string, response: CachedResponse, ttlMs: number, nowMs: number): boolean {
    const bytes = response.body.length + Object.entries(response.headers).reduce((n, [k, v]) => n + k.length + v.length, 0);
    if (bytes > this.maxEntryBytes || bytes > this.maxTotalBytes || ttlMs <= 0) {
      this.outcomes?.inc({ outcome: 'skip' });
      return false;
    }
    const old = this.entries.get(key);
    if (old) this.remove(key, old);
    while (this.entries.size >= this.maxEntries || this.totalBytes + bytes > this.maxTotalBytes) {
      const [oldestKey, oldest] = this.entries.entries().next().value as [string, Entry];
      this.remove(oldestKey, oldest);
    }
    this.entries.set(key, { status: response.status, headers: { ...response.headers }, body: response.body, expiresAtMs: nowMs + ttlMs, bytes });
    this.totalBytes += bytes;
    this.outcomes?.inc({ outcome: 'store' });
    return true;
  }

  clear(): void {
    this.entries.clear();
    this.totalBytes = 0;
  }

  private remove(key: string, e: Entry): void {
    this.entries.delete(key);
    this.totalBytes -= e.bytes;
  }
}
