import { isIPv6 } from 'node:net';
import { LRUCache } from 'lru-cache';

// E4: password sign-ins per email address and per client address, per minute (on this node).
// An attempt counts from the moment it starts, before its password is checked: concurrent
// attempts count against the limit like finished ones, and a successful one is taken back. Past
// the limit a sign-in is refused before its password is checked, until the oldest attempt of the
// window is a minute old. Two more bounds hold for the whole node:
// - at most MAX_CONCURRENT_CHECKS password checks run at once (each is a memory-hard hash on the
//   libuv pool); up to MAX_WAITING more wait their turn, and beyond those an attempt is refused
//   at once ("busy", Retry-After 1 s);
// - at most `globalMaxPerMinute` failed attempts across every address and client in a minute;
//   beyond that a client that already has an attempt in the window (a failed one, or one under
//   way) waits for the window to move on, while a client with none still gets its one attempt
//   checked: a spray from many addresses is slowed to one guess per client a minute, and the
//   rightful owner signing in from a clean client is not locked out (OpenID Connect sign-in is
//   not affected).

const WINDOW_MS = 60_000;
const MAX_TRACKED = 10_000;
// Two scrypt hashes of 32 MiB each (people/passwords.ts): at most 64 MiB at once.
export const MAX_CONCURRENT_CHECKS = 2;
export const MAX_WAITING = 8;

export type LoginVerdict =
  | { ok: true; attempt: LoginAttempt }
  | { ok: false; reason: 'rate_limited' | 'busy'; retryAfterSeconds: number };

export interface LoginAttempt {
  // Resolves when the attempt may check its password (one of the concurrent checks is its own).
  ready: Promise<void>;
  // The password was right: the attempt no longer counts, and the email's failures are cleared.
  succeeded(): void;
  // The password check is over (right or wrong): frees its place among the concurrent checks.
  done(): void;
}

// The per-client key of an address: an IPv6 address by its /64 (one host usually has a whole
// /64), an IPv4 address (or an IPv4-mapped IPv6 one) as it is.
export function clientKeyOf(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1];
  if (!isIPv6(address)) return address;
  const [head, tail = ''] = address.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = address.includes('::') ? [...h, ...Array(Math.max(0, 8 - h.length - t.length)).fill('0'), ...t] : h;
  return `${groups.slice(0, 4).map((g) => (g.includes('.') ? g : Number.parseInt(g || '0', 16).toString(16))).join(':')}::/64`;
}

export class LoginLimiter {
  private readonly attempts = new LRUCache<string, number[]>({ max: MAX_TRACKED, ttl: WINDOW_MS, ttlResolution: 0, perf: Date });
  private readonly globalFailures: number[] = [];
  private checking = 0;
  private readonly waiting: (() => void)[] = [];

  private readonly maxPerMinute: number;
  readonly globalMaxPerMinute: number;
  private readonly now: () => number;

  constructor(maxPerMinute: number, now: () => number = Date.now, globalMaxPerMinute = Math.max(100, 20 * maxPerMinute)) {
    this.maxPerMinute = maxPerMinute;
    this.globalMaxPerMinute = globalMaxPerMinute;
    this.now = now;
  }

  private recent(key: string): number[] {
    const since = this.now() - WINDOW_MS;
    return (this.attempts.get(key) ?? []).filter((t) => t > since);
  }

  // Milliseconds until the oldest of the last `max` times leaves the window; 0 when fewer.
  private waitMs(times: number[], max: number): number {
    return times.length >= max ? times[times.length - max] + WINDOW_MS - this.now() : 0;
  }

  // Seconds until a sign-in for these keys (the email's first, then the client's) is allowed
  // again, or 0 when it is allowed now. The node-wide backstop holds back only clients that
  // already have an attempt in the window.
  retryAfterSeconds(keys: string[]): number {
    let waitMs = 0;
    let clientAttempts = 0;
    keys.forEach((key, i) => {
      const times = this.recent(key);
      if (i > 0) clientAttempts += times.length;
      waitMs = Math.max(waitMs, this.waitMs(times, this.maxPerMinute));
    });
    this.pruneGlobal();
    const globalWait = this.waitMs(this.globalFailures, this.globalMaxPerMinute);
    if (globalWait > 0 && clientAttempts > 0) {
      // Until the client's own attempts leave the window, or the node's failures fall under the
      // backstop, whichever comes first.
      const clientWait = Math.max(...keys.slice(1).map((key) => this.waitMs(this.recent(key), 1)));
      waitMs = Math.max(waitMs, Math.min(globalWait, clientWait));
    }
    return waitMs > 0 ? Math.max(1, Math.ceil(waitMs / 1000)) : 0;
  }

  private pruneGlobal(): void {
    const since = this.now() - WINDOW_MS;
    while (this.globalFailures.length && this.globalFailures[0] <= since) this.globalFailures.shift();
  }

  // Starts an attempt for these keys (the email's first): refused when over a limit, else counted
  // at once (a failure until it succeeds) and holding one of the concurrent password checks.
  begin(keys: string[]): LoginVerdict {
    const wait = this.retryAfterSeconds(keys);
    if (wait > 0) return { ok: false, reason: 'rate_limited', retryAfterSeconds: wait };
    if (this.checking >= MAX_CONCURRENT_CHECKS && this.waiting.length >= MAX_WAITING) return { ok: false, reason: 'busy', retryAfterSeconds: 1 };
    let ready: Promise<void>;
    if (this.checking < MAX_CONCURRENT_CHECKS) {
      this.checking++;
      ready = Promise.resolve();
    } else {
      // Its turn comes when a check ends (that check's place passes to it).
      ready = new Promise((resolve) => this.waiting.push(resolve));
    }
    const t = this.now();
    for (const key of keys) {
      const times = this.recent(key);
      times.push(t);
      // Only the last maxPerMinute attempts matter.
      this.attempts.set(key, times.slice(-this.maxPerMinute));
    }
    this.globalFailures.push(t);
    // Only the last globalMaxPerMinute failures matter.
    if (this.globalFailures.length > this.globalMaxPerMinute) this.globalFailures.shift();
    let finished = false;
    return {
      ok: true,
      attempt: {
        ready,
        succeeded: () => {
          // The email's attempts are cleared; the client's loses this one.
          this.attempts.delete(keys[0]);
          for (const key of keys.slice(1)) {
            const times = this.attempts.get(key);
            const i = times?.lastIndexOf(t) ?? -1;
            if (times && i >= 0) times.splice(i, 1);
          }
          const g = this.globalFailures.lastIndexOf(t);
          if (g >= 0) this.globalFailures.splice(g, 1);
        },
        done: () => {
          if (finished) return;
          finished = true;
          const next = this.waiting.shift();
          if (next) next();
          else this.checking--;
        },
      },
    };
  }
}
