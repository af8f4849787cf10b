import { LRUCache } from 'lru-cache';

// E4: failed sign-ins per email address and per client address, per minute (on this node).
// Past the limit a sign-in is refused before its password is checked, until the oldest failure
// of the window is a minute old.

const WINDOW_MS = 60_000;
const MAX_TRACKED = 10_000;

export class LoginLimiter {
  private readonly failures = new LRUCache<string, number[]>({ max: MAX_TRACKED, ttl: WINDOW_MS, ttlResolution: 0, perf: Date });

  private readonly maxPerMinute: number;
  private readonly now: () => number;

  constructor(maxPerMinute: number, now: () => number = Date.now) {
    this.maxPerMinute = maxPerMinute;
    this.now = now;
  }

  private recent(key: string): number[] {
    const since = this.now() - WINDOW_MS;
    const times = (this.failures.get(key) ?? []).filter((t) => t > since);
    return times;
  }

  // Seconds until a sign-in for these keys is allowed again, or 0 when it is allowed now.
  retryAfterSeconds(keys: string[]): number {
    let waitMs = 0;
    for (const key of keys) {
      const times = this.recent(key);
      if (times.length >= this.maxPerMinute) waitMs = Math.max(waitMs, times[times.length - this.maxPerMinute] + WINDOW_MS - this.now());
    }
    return waitMs > 0 ? Math.max(1, Math.ceil(waitMs / 1000)) : 0;
  }

  recordFailure(keys: string[]): void {
    const t = this.now();
    for (const key of keys) {
      const times = this.recent(key);
      times.push(t);
      // Only the last maxPerMinute failures matter.
      this.failures.set(key, times.slice(-this.maxPerMinute));
    }
  }

  // A successful sign-in clears its email address's failures (not the client address's).
  clear(key: string): void {
    this.failures.delete(key);
  }
}
