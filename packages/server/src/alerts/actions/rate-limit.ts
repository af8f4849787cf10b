import { MINUTE_MS } from '../../domain/time.ts';

// F5: the per-user limit of a rateLimit action, a token bucket per (activation, user): it holds
// up to requestsPerMinute requests and refills at requestsPerMinute per minute, so a user may
// burst to the limit and then goes at the limit's pace. Buckets are in memory and bounded: past
// MAX_BUCKETS the full ones (which carry no information) are dropped first, then the oldest.

export const MAX_BUCKETS = 100_000;

interface Bucket {
  tokens: number;
  atMs: number;
  perMinute: number;
}

export interface RateCheck {
  allowed: boolean;
  retryAfterS: number; // 0 when allowed
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly maxBuckets: number;

  constructor(maxBuckets = MAX_BUCKETS) {
    this.maxBuckets = maxBuckets;
  }

  get size(): number {
    return this.buckets.size;
  }

  // Takes one request from the bucket of `key` when it has one.
  take(key: string, requestsPerMinute: number, nowMs: number): RateCheck {
    const perMs = requestsPerMinute / MINUTE_MS;
    let b = this.buckets.get(key);
    if (!b) {
      if (this.buckets.size >= this.maxBuckets) this.makeRoom(nowMs);
      b = { tokens: requestsPerMinute, atMs: nowMs, perMinute: requestsPerMinute };
      this.buckets.set(key, b);
    } else if (nowMs > b.atMs) {
      b.tokens = Math.min(requestsPerMinute, b.tokens + (nowMs - b.atMs) * perMs);
      b.atMs = nowMs;
    }
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return { allowed: true, retryAfterS: 0 };
    }
    return { allowed: false, retryAfterS: Math.max(1, Math.ceil((1 - b.tokens) / perMs / 1000)) };
  }

  // Forgets the buckets whose key starts with `prefix` (an activation that ended).
  forget(prefix: string): void {
    for (const key of this.buckets.keys()) if (key.startsWith(prefix)) this.buckets.delete(key);
  }

  private makeRoom(nowMs: number): void {
    for (const [key, b] of this.buckets) {
      if (b.tokens + ((nowMs - b.atMs) * b.perMinute) / MINUTE_MS >= b.perMinute) this.buckets.delete(key);
    }
    while (this.buckets.size >= this.maxBuckets) this.buckets.delete(this.buckets.keys().next().value as string);
  }
}
