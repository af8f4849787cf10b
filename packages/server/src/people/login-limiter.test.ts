import { describe, expect, it } from 'vitest';
import { clientKeyOf, LoginLimiter, MAX_CONCURRENT_CHECKS, MAX_WAITING } from './login-limiter.ts';

// E4: the password sign-in limiter: attempts count from their start, a node-wide bound on the
// password checks running at once, a node-wide failure backstop, and client keys.

describe('LoginLimiter', () => {
  it('counts attempts under way: past the limit, the next is refused before any has finished', () => {
    const limiter = new LoginLimiter(3);
    const started = Array.from({ length: 3 }, () => limiter.begin(['email:a@example.com', 'client:10.0.0.1']));
    expect(started.every((v) => v.ok)).toBe(true);
    const fourth = limiter.begin(['email:a@example.com', 'client:10.0.0.2']);
    expect(fourth).toMatchObject({ ok: false, reason: 'rate_limited' });
    expect(limiter.begin(['email:b@example.com', 'client:10.0.0.1'])).toMatchObject({ ok: false, reason: 'rate_limited' });
  });

  it('takes back a successful attempt and clears its address', () => {
    const limiter = new LoginLimiter(2);
    const a = limiter.begin(['email:a@example.com', 'client:c']);
    const b = limiter.begin(['email:a@example.com', 'client:c']);
    if (!a.ok || !b.ok) throw new Error('refused');
    a.attempt.done();
    b.attempt.succeeded();
    b.attempt.done();
    expect(limiter.begin(['email:a@example.com', 'client:c']).ok).toBe(true);
  });

  it(`runs at most ${MAX_CONCURRENT_CHECKS} checks at once, lets ${MAX_WAITING} wait their turn, and refuses more as busy`, async () => {
    const limiter = new LoginLimiter(1000);
    const verdicts = Array.from({ length: MAX_CONCURRENT_CHECKS + MAX_WAITING + 3 }, (_, i) => limiter.begin([`email:${i}@example.com`, `client:${i}`]));
    const admitted = verdicts.filter((v) => v.ok);
    expect(admitted.length).toBe(MAX_CONCURRENT_CHECKS + MAX_WAITING);
    expect(verdicts.filter((v) => !v.ok && v.reason === 'busy').length).toBe(3);
    let running = 0;
    let most = 0;
    await Promise.all(
      admitted.map(async (v) => {
        if (!v.ok) return;
        await v.attempt.ready;
        running++;
        most = Math.max(most, running);
        await new Promise((r) => setTimeout(r, 5));
        running--;
        v.attempt.done();
      }),
    );
    expect(most).toBe(MAX_CONCURRENT_CHECKS);
    // All done: new ones start at once.
    const after = limiter.begin(['email:late@example.com', 'client:late']);
    expect(after.ok).toBe(true);
  });

  it('past the node-wide backstop, holds back clients with an attempt in the window until the window moves on, and still checks a clean client', () => {
    let now = 1_000_000;
    const limiter = new LoginLimiter(5, () => now, 10);
    for (let i = 0; i < 10; i++) {
      const v = limiter.begin([`email:${i}@example.com`, `client:10.0.${i}.1`]);
      if (!v.ok) throw new Error('refused');
      v.attempt.done();
    }
    // A client that already failed is under its own limit but past the backstop.
    expect(limiter.begin(['email:new@example.com', 'client:10.0.3.1'])).toMatchObject({ ok: false, reason: 'rate_limited' });
    // A client with no attempt in the window gets one attempt checked, then is held back too.
    const clean = limiter.begin(['email:owner@example.com', 'client:10.9.9.9']);
    if (!clean.ok) throw new Error('a clean client was refused');
    clean.attempt.done();
    expect(limiter.begin(['email:owner@example.com', 'client:10.9.9.9'])).toMatchObject({ ok: false, reason: 'rate_limited' });
    now += 60_001;
    expect(limiter.begin(['email:new@example.com', 'client:10.0.3.1']).ok).toBe(true);
  });
});

describe('clientKeyOf', () => {
  it('groups IPv6 addresses by /64 and keeps IPv4 (mapped or not) whole', () => {
    expect(clientKeyOf('2001:db8:1:2:aaaa::1')).toBe(clientKeyOf('2001:db8:1:2:bbbb:cccc:dddd:eeee'));
    expect(clientKeyOf('2001:db8:1:2::1')).toBe('2001:db8:1:2::/64');
    expect(clientKeyOf('2001:db8:1:3::1')).not.toBe(clientKeyOf('2001:db8:1:2::1'));
    expect(clientKeyOf('::1')).toBe('0:0:0:0::/64');
    expect(clientKeyOf('10.0.0.1')).toBe('10.0.0.1');
    expect(clientKeyOf('::ffff:10.0.0.1')).toBe('10.0.0.1');
  });
});
