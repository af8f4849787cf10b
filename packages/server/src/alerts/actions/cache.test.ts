import { createHash } from 'node:crypto';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { canonicalJson, credentialHash, ResponseCache } from './cache.ts';
import { RateLimiter } from './rate-limit.ts';

const T0 = 1_700_000_000_000;
const key = (body: string, over: Partial<Parameters<typeof ResponseCache.key>[0]> = {}) =>
  ResponseCache.key({ projectId: 'default', credential: '', keyScope: '', provider: 'openai', path: '/chat/completions', body, ...over });
const response = (text: string) => ({ status: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from(text) });

describe('ResponseCache', () => {
  it('keys on the canonical body, project, scope, provider and path', () => {
    expect(canonicalJson({ b: [1, { d: 2, c: 3 }], a: 'x' })).toBe('{"a":"x","b":[1,{"c":3,"d":2}]}');
    const k = key('{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}');
    expect(key('{ "messages": [{"content":"hi","role":"user"}], "model": "gpt-4o" }')).toBe(k);
    expect(key('{"model":"gpt-4o","messages":[{"role":"user","content":"hi!"}]}')).not.toBe(k);
    const body = '{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}';
    expect(key(body, { projectId: 'other' })).not.toBe(k);
    expect(key(body, { keyScope: 'user:bob' })).not.toBe(k);
    expect(key(body, { credential: credentialHash({ authorization: 'Bearer sk-a' }) })).not.toBe(k);
    expect(key(body, { provider: 'anthropic' })).not.toBe(k);
    expect(key(body, { path: '/responses' })).not.toBe(k);
    expect(key('not json')).toBe(key('not json'));
  });

  it('hashes the provider credential with a key, never keeping it', () => {
    const a = credentialHash({ authorization: 'Bearer sk-secret-a' });
    expect(credentialHash({ authorization: 'Bearer sk-secret-a' })).toBe(a);
    expect(credentialHash({ authorization: 'Bearer sk-secret-b' })).not.toBe(a);
    expect(credentialHash({ 'x-api-key': 'Bearer sk-secret-a' })).not.toBe(a);
    expect(credentialHash({})).toBe('');
    expect(a).not.toContain('sk-secret');
    // Keyed: not the plain SHA-256 of the header that anyone could compute from a guess.
    for (const enc of ['hex', 'base64url'] as const) expect(a).not.toBe(createHash('sha256').update('Bearer sk-secret-a').digest(enc));
  });

  it('serves within the TTL, expires after it, and counts hits, misses and stores', async () => {
    const registry = new Registry();
    const cache = new ResponseCache({ registry });
    const k = key('{"q":1}');
    expect(cache.get(k, T0)).toBeNull();
    expect(cache.set(k, response('answer'), 60_000, T0)).toBe(true);
    expect(cache.get(k, T0 + 59_999)?.body.toString()).toBe('answer');
    expect(cache.get(k, T0 + 60_000)).toBeNull();
    expect(cache.size).toBe(0);
    const text = await registry.metrics();
    expect(text).toContain('lookout_response_cache_total{outcome="hit"} 1');
    expect(text).toContain('lookout_response_cache_total{outcome="miss"} 2');
    expect(text).toContain('lookout_response_cache_total{outcome="store"} 1');
  });

  it('is bounded in entries and bytes, dropping the oldest first', () => {
    const cache = new ResponseCache({ maxEntries: 2, maxTotalBytes: 200, maxEntryBytes: 120 });
    cache.set('a', response('x'.repeat(10)), 60_000, T0);
    cache.set('b', response('x'.repeat(10)), 60_000, T0);
    cache.set('c', response('x'.repeat(10)), 60_000, T0);
    expect(cache.get('a', T0)).toBeNull();
    expect(cache.get('c', T0)).not.toBeNull();
    expect(cache.set('big', response('x'.repeat(150)), 60_000, T0)).toBe(false);
    cache.set('d', response('x'.repeat(80)), 60_000, T0);
    cache.set('e', response('x'.repeat(80)), 60_000, T0);
    expect(cache.size).toBe(1);
    expect(cache.bytes).toBeLessThanOrEqual(200);
  });
});

describe('RateLimiter', () => {
  it('allows a burst up to the limit, then one per interval', () => {
    const limiter = new RateLimiter();
    for (let i = 0; i < 3; i++) expect(limiter.take('u', 3, T0).allowed).toBe(true);
    expect(limiter.take('u', 3, T0)).toEqual({ allowed: false, retryAfterS: 20 });
    expect(limiter.take('u', 3, T0 + 19_000).allowed).toBe(false);
    expect(limiter.take('u', 3, T0 + 20_000).allowed).toBe(true);
    limiter.forget('u');
    expect(limiter.size).toBe(0);
  });

  it('is bounded', () => {
    const limiter = new RateLimiter(100);
    for (let i = 0; i < 1000; i++) limiter.take(`u${i}`, 10, T0 + i);
    expect(limiter.size).toBeLessThanOrEqual(100);
  });
});
