import { connect } from 'node:net';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { makeTestApp, type TestApp } from '../../testing/app.ts';
import { hashPassword } from '../../people/passwords.ts';
import { hashSessionId } from '../../people/session-store.ts';
import { sessionsOf } from '../sessions.ts';
import type { Role } from '../../config/auth.ts';
import { projectId } from '../../store/store.ts';

// E4: people signing in with a local account: the session cookie's flags, its expiry (absolute
// and idle), its rotation at sign-in, CSRF on changes, sign-out, the sign-in rate limit, disabled
// people, and the project a person's request acts in.

let t: TestApp | null = null;
afterEach(async () => {
  await t?.close();
  t = null;
});

const PASSWORD = 'correct horse battery';

async function app(auth: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): Promise<TestApp> {
  t = await makeTestApp({ requireApiKeys: 'always', auth, ...extra });
  return t;
}

async function addUser(a: TestApp, email: string, memberships: { projectId: string; role: Role }[] = [{ projectId: 'default', role: 'admin' }]) {
  return a.ctx.store.people.createUser({ email, name: null, source: 'local', passwordHash: await hashPassword(PASSWORD), memberships: memberships.map((m) => ({ projectId: projectId(m.projectId), role: m.role })) });
}

// The last Set-Cookie line for the cookie (a browser applies them in order: a sign-in over an
// older session clears the old cookie, then sets the new one).
function setCookieLine(res: LightMyRequestResponse, name = 'lookout_session'): string {
  const header = res.headers['set-cookie'];
  const lines = header === undefined ? [] : Array.isArray(header) ? header : [header];
  return lines.filter((l) => l.startsWith(`${name}=`)).at(-1) ?? '';
}

function cookieOf(res: LightMyRequestResponse, name = 'lookout_session'): string | null {
  const pair = setCookieLine(res, name).split(';')[0];
  return pair && pair !== `${name}=` ? pair : null;
}

async function login(a: TestApp, email: string, password = PASSWORD, headers: Record<string, string> = {}, remoteAddress = '127.0.0.1') {
  return a.app.inject({ method: 'POST', url: '/auth/login', payload: { email, password }, headers, remoteAddress });
}

async function signedIn(a: TestApp, email: string): Promise<{ cookie: string; csrf: string }> {
  const res = await login(a, email);
  expect(res.statusCode, res.body).toBe(200);
  const cookie = cookieOf(res)!;
  const me = await a.app.inject({ url: '/api/v1/me', headers: { cookie } });
  expect(me.statusCode, me.body).toBe(200);
  return { cookie, csrf: me.json().csrfToken };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function metric(text: string, reason: string): number {
  const m = new RegExp(`^lookout_auth_failures_total\\{reason="${reason}"\\} (\\d+)`, 'm').exec(text);
  return m ? Number(m[1]) : NaN;
}

describe('signing in with a local account', { timeout: 30_000 }, () => {
  it('sets an HttpOnly, SameSite=Lax session cookie on path / (not Secure over plain http), and /api/v1/me names the person', async () => {
    const a = await app();
    const user = await addUser(a, 'ada@example.com');
    const res = await login(a, 'Ada@Example.com');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().user).toMatchObject({ id: user.id, email: 'ada@example.com', disabled: false });
    expect(JSON.stringify(res.json())).not.toMatch(/scrypt|passwordHash/);
    const line = setCookieLine(res);
    expect(line).toMatch(/; HttpOnly/i);
    expect(line).toMatch(/; SameSite=Lax/i);
    expect(line).toMatch(/; Path=\//);
    expect(line).toMatch(/; Expires=/);
    expect(line).not.toMatch(/; Secure/i);
    const me = await a.app.inject({ url: '/api/v1/me', headers: { cookie: cookieOf(res)! } });
    expect(me.json()).toMatchObject({ kind: 'user', user: { id: user.id, email: 'ada@example.com' }, projectId: 'default', grant: 'admin', role: 'admin', operator: true, memberships: [{ projectId: 'default', role: 'admin' }] });
    expect(me.json().csrfToken).toEqual(expect.any(String));
    // The store holds a hash of the session id, not the id.
    const sid = decodeURIComponent(cookieOf(res)!.split('=')[1]).split('.')[0];
    expect(await a.ctx.store.people.getSession(sid)).toBeNull();
    expect(await a.ctx.store.people.getSession(hashSessionId(sid))).toMatchObject({ userId: user.id });
    // Without the cookie: a key is required.
    expect((await a.app.inject({ url: '/api/v1/me' })).statusCode).toBe(401);
  });

  it('marks the cookie Secure when the public URL is https, and with secure: true', async () => {
    const a = await app({ publicUrl: 'https://lookout.example.com' });
    await addUser(a, 'ada@example.com');
    const res = await login(a, 'ada@example.com');
    expect(res.statusCode).toBe(200);
    expect(setCookieLine(res)).toMatch(/; Secure/i);
    await a.close();
    t = null;
    const b = await app({ sessions: { secure: true } });
    await addUser(b, 'ada@example.com');
    expect(setCookieLine(await login(b, 'ada@example.com'))).toMatch(/; Secure/i);
  });

  it('gives a new session id at every sign-in, and never keeps one planted before it (session fixation)', async () => {
    const a = await app();
    await addUser(a, 'ada@example.com');
    const first = cookieOf(await login(a, 'ada@example.com'))!;
    // Signing in again with the first session's cookie: a different id, and the first one ends.
    const second = cookieOf(await login(a, 'ada@example.com', PASSWORD, { cookie: first }))!;
    expect(second).not.toBe(first);
    expect((await a.app.inject({ url: '/api/v1/me', headers: { cookie: first } })).statusCode).toBe(401);
    expect((await a.app.inject({ url: '/api/v1/me', headers: { cookie: second } })).statusCode).toBe(200);
    // A valid session id of the attacker's, planted in the victim's browser before sign-in, is not
    // the one that signs the victim in, and does not become the victim's.
    await addUser(a, 'eve@example.com', [{ projectId: 'default', role: 'viewer' }]);
    const planted = cookieOf(await login(a, 'eve@example.com'))!;
    const after = cookieOf(await login(a, 'ada@example.com', PASSWORD, { cookie: planted }))!;
    expect(after).not.toBe(planted);
    expect((await a.app.inject({ url: '/api/v1/me', headers: { cookie: after } })).json().user.email).toBe('ada@example.com');
    expect((await a.app.inject({ url: '/api/v1/me', headers: { cookie: planted } })).statusCode).toBe(401);
    // A made-up id is not taken either.
    const madeUp = 'lookout_session=attacker-chosen-id.c2lnbmF0dXJl';
    expect(cookieOf(await login(a, 'ada@example.com', PASSWORD, { cookie: madeUp }))).not.toBe(madeUp);
  });

  it('answers a wrong password and an unknown address alike (401), counts them, and refuses past the per-minute limit with 429 and Retry-After', async () => {
    const a = await app({ local: { maxAttemptsPerMinute: 3 } });
    await addUser(a, 'ada@example.com');
    const wrong = await login(a, 'ada@example.com', 'not the password', {}, '10.0.0.1');
    const unknown = await login(a, 'nobody@example.com', 'not the password', {}, '10.0.0.9');
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json().error.message).toBe(unknown.json().error.message);
    expect(cookieOf(wrong)).toBeNull();
    // Per address: three failures for ada, from three clients; the next sign-in for ada is refused
    // before its password is checked, even the right one, from a fourth client.
    await login(a, 'ada@example.com', 'again wrong', {}, '10.0.0.2');
    await login(a, 'ada@example.com', 'and again', {}, '10.0.0.3');
    const limited = await login(a, 'ada@example.com', PASSWORD, {}, '10.0.0.4');
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('too_many_sign_ins');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(cookieOf(limited)).toBeNull();
    // Per client: 10.0.0.9 fails for two more addresses (three in all), then is refused for a fourth.
    await login(a, 'x1@example.com', 'whatever', {}, '10.0.0.9');
    await login(a, 'x2@example.com', 'whatever', {}, '10.0.0.9');
    expect((await login(a, 'x3@example.com', 'whatever', {}, '10.0.0.9')).statusCode).toBe(429);
    // Others are not held back.
    await addUser(a, 'bo@example.com');
    expect((await login(a, 'bo@example.com', PASSWORD, {}, '10.0.0.5')).statusCode).toBe(200);
    const metrics = (await a.app.inject({ url: '/metrics' })).body;
    expect(metric(metrics, 'bad_credentials')).toBe(6);
    expect(metric(metrics, 'login_rate_limited')).toBe(2);
  });

  it('counts concurrent attempts before their passwords are checked: of many at once, only the limit get an answer about the password', async () => {
    const a = await app({ local: { maxAttemptsPerMinute: 3 } });
    await addUser(a, 'ada@example.com');
    const results = await Promise.all(Array.from({ length: 12 }, () => login(a, 'ada@example.com', 'not the password', {}, '10.0.0.1')));
    const codes = results.map((r) => r.statusCode);
    expect(codes.filter((c) => c === 401).length).toBe(3);
    expect(codes.filter((c) => c === 429).length).toBe(9);
    for (const r of results.filter((x) => x.statusCode === 429)) expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
    // Many addresses from many clients at once: at most 2 checks run, 8 wait, the rest are busy (429).
    const spread = await Promise.all(Array.from({ length: 14 }, (_, i) => login(a, `p${i}@example.com`, 'whatever', {}, `10.1.0.${i}`)));
    expect(spread.filter((r) => r.statusCode === 401).length).toBe(10);
    const busy = spread.filter((r) => r.statusCode === 429);
    expect(busy.length).toBe(4);
    expect(busy[0].headers['retry-after']).toBe('1');
    expect(metric((await a.app.inject({ url: '/metrics' })).body, 'login_busy')).toBe(4);
  });

  it('behind trustProxy, limits per client by the address the proxy saw, not a forwarded address the client chose', async () => {
    const a = await app({ local: { maxAttemptsPerMinute: 3 } }, { server: { trustProxy: true } });
    // One password tried against many addresses, a new X-Forwarded-For each time, through one proxy.
    const codes: number[] = [];
    for (let i = 0; i < 6; i++) {
      codes.push((await login(a, `user${i}@example.com`, 'Summer2026!', { 'x-forwarded-for': `198.51.100.${i}, 203.0.113.7` }, '127.0.0.1')).statusCode);
    }
    expect(codes).toEqual([401, 401, 401, 429, 429, 429]);
    // Another client behind the same proxy is not held back; nor one in another IPv6 /64, while
    // another address of the same /64 is.
    expect((await login(a, 'other@example.com', 'x', { 'x-forwarded-for': '203.0.113.8' }, '127.0.0.1')).statusCode).toBe(401);
    for (let i = 0; i < 3; i++) await login(a, `v6-${i}@example.com`, 'x', { 'x-forwarded-for': `2001:db8:0:1::${i + 1}` }, '127.0.0.1');
    expect((await login(a, 'v6-x@example.com', 'x', { 'x-forwarded-for': '2001:db8:0:1:ffff::9' }, '127.0.0.1')).statusCode).toBe(429);
    expect((await login(a, 'v6-y@example.com', 'x', { 'x-forwarded-for': '2001:db8:0:2::1' }, '127.0.0.1')).statusCode).toBe(401);
  });

  it('past the node-wide failure backstop (a spray from many addresses), still signs in the right password from a client with no failure, and holds back the sprayers', { timeout: 90_000 }, async () => {
    const a = await app();
    await addUser(a, 'ada@example.com');
    // 20 clients × 5 wrong passwords (the default limit): 100 failures, the node-wide backstop.
    for (let c = 0; c < 20; c++) {
      await Promise.all(Array.from({ length: 5 }, (_, i) => login(a, `x${c}-${i}@example.com`, 'nope', {}, `10.9.${c}.1`)));
    }
    const good = await login(a, 'ada@example.com', PASSWORD, {}, '192.168.1.50');
    expect(good.statusCode, good.body).toBe(200);
    expect(cookieOf(good)).toBeTruthy();
    // A new client gets one guess checked, then waits like the others.
    expect((await login(a, 'ada@example.com', 'wrong', {}, '192.168.1.51')).statusCode).toBe(401);
    expect((await login(a, 'ada@example.com', PASSWORD, {}, '192.168.1.51')).statusCode).toBe(429);
  });

  it('names the field that is too long or missing (400)', async () => {
    const a = await app();
    const long = await login(a, `${'a'.repeat(400)}@example.com`);
    expect(long.statusCode).toBe(400);
    expect(long.json().error.message).toMatch(/^email: /);
    const huge = await login(a, 'ada@example.com', 'x'.repeat(2000));
    expect(huge.statusCode).toBe(400);
    expect(huge.json().error.message).toMatch(/^password: /);
    const missing = await a.app.inject({ method: 'POST', url: '/auth/login', payload: { email: 'ada@example.com' } });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.message).toMatch(/^password: /);
  });
});

describe('sessions end', { timeout: 30_000 }, () => {
  it('after the absolute ttl however active, and after the idle timeout without requests', async () => {
    const a = await app({ sessions: { ttl: '4s', idleTimeout: '2s' } });
    await addUser(a, 'ada@example.com');
    // Active every half second: the idle timeout never passes, the ttl does.
    const { cookie } = await signedIn(a, 'ada@example.com');
    const t0 = Date.now(); // after the sign-in
    while (Date.now() - t0 < 2_600) {
      await sleep(500);
      expect((await a.app.inject({ url: '/api/v1/me', headers: { cookie } })).statusCode).toBe(200);
    }
    await sleep(t0 + 4_300 - Date.now());
    const ended = await a.app.inject({ url: '/api/v1/me', headers: { cookie } });
    expect(ended.statusCode).toBe(401);
    expect(ended.json().error.message).toMatch(/session has ended/);

    // Idle: a fresh session left alone past idleTimeout (but well within ttl) ends.
    const idle = await signedIn(a, 'ada@example.com');
    await sleep(2_200);
    expect((await a.app.inject({ url: '/api/v1/me', headers: { cookie: idle.cookie } })).statusCode).toBe(401);
  });

  it('at sign-out: the old cookie is refused afterwards (the session is gone from the store)', async () => {
    const a = await app();
    await addUser(a, 'ada@example.com');
    const { cookie, csrf } = await signedIn(a, 'ada@example.com');
    const sid = decodeURIComponent(cookie.split('=')[1]).split('.')[0];
    const out = await a.app.inject({ method: 'POST', url: '/auth/logout', headers: { cookie, 'x-csrf-token': csrf } });
    expect(out.statusCode, out.body).toBe(204);
    expect(setCookieLine(out)).toMatch(/Expires=Thu, 01 Jan 1970/);
    expect(await a.ctx.store.people.getSession(hashSessionId(sid))).toBeNull();
    expect((await a.app.inject({ url: '/api/v1/me', headers: { cookie } })).statusCode).toBe(401);
  });

  for (const end of ['sign-out', 'password change'] as const) {
    it(`stays ended after a ${end} while a request that loaded the session (and is due to write it back) is in flight`, async () => {
      // idleTimeout 10 s: a request more than a second after the last writes the session back.
      const a = await app({ sessions: { idleTimeout: '10s' } });
      const ada = await addUser(a, 'ada@example.com');
      const { cookie, csrf } = await signedIn(a, 'ada@example.com');
      const sid = decodeURIComponent(cookie.split('=')[1]).split('.')[0];
      await sleep(1_200);
      // A change whose body arrives a second late: its session was loaded (and touched) before the end.
      const body = Readable.from((async function* () {
        await sleep(1_000);
        yield Buffer.from(JSON.stringify({ email: 'nobody@example.com', role: 'viewer' }));
      })());
      const slow = a.app.inject({ method: 'POST', url: '/api/v1/users', headers: { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' }, payload: body });
      await sleep(300);
      if (end === 'sign-out') {
        expect((await a.app.inject({ method: 'POST', url: '/auth/logout', headers: { cookie, 'x-csrf-token': csrf } })).statusCode).toBe(204);
      } else {
        const admin = await addUser(a, 'root@example.com');
        const root = await signedIn(a, admin.email);
        const res = await a.app.inject({ method: 'PATCH', url: `/api/v1/users/${ada.id}`, payload: { password: 'a brand new password' }, headers: { cookie: root.cookie, 'x-csrf-token': root.csrf } });
        expect(res.statusCode, res.body).toBe(200);
      }
      expect((await a.app.inject({ url: '/api/v1/me', headers: { cookie } })).statusCode).toBe(401);
      await slow;
      expect(await a.ctx.store.people.getSession(hashSessionId(sid))).toBeNull();
      expect((await a.app.inject({ url: '/api/v1/me', headers: { cookie } })).statusCode).toBe(401);
    });
  }

  it("refuses a session signed in before the person's sessions were ended, even one written back to the store (another node)", async () => {
    const a = await app();
    const ada = await addUser(a, 'ada@example.com');
    const { cookie } = await signedIn(a, 'ada@example.com');
    const sid = decodeURIComponent(cookie.split('=')[1]).split('.')[0];
    const stored = await a.ctx.store.people.getSession(hashSessionId(sid));
    expect(stored).not.toBeNull();
    await sleep(5);
    await sessionsOf(a.ctx).store.endSessionsOf(ada.id);
    expect((await a.ctx.store.people.getUser(ada.id))?.sessionsValidFrom).toBeGreaterThan(Date.parse(stored!.createdAt));
    // A node that had it cached writes it back as a new row: still refused.
    await a.ctx.store.people.putSession(stored!);
    sessionsOf(a.ctx).store.forgetUser(ada.id);
    expect((await a.app.inject({ url: '/api/v1/me', headers: { cookie } })).statusCode).toBe(401);
    // A new sign-in works.
    expect((await a.app.inject({ url: '/api/v1/me', headers: { cookie: (await signedIn(a, 'ada@example.com')).cookie } })).statusCode).toBe(200);
  });

  it('when the person is disabled, at once on this node', async () => {
    const a = await app();
    await addUser(a, 'admin@example.com');
    const bob = await addUser(a, 'bob@example.com', [{ projectId: 'default', role: 'viewer' }]);
    const admin = await signedIn(a, 'admin@example.com');
    const viewer = await signedIn(a, 'bob@example.com');
    const res = await a.app.inject({ method: 'PATCH', url: `/api/v1/users/${bob.id}`, payload: { disabled: true }, headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().user.disabled).toBe(true);
    expect((await a.app.inject({ url: '/api/v1/me', headers: { cookie: viewer.cookie } })).statusCode).toBe(401);
    expect((await login(a, 'bob@example.com')).statusCode).toBe(401);
  });
});

// A raw HTTP/1.1 exchange, for request lines a client library would not send.
function rawHttp(port: number, line: string, headers: string, body = ''): Promise<string> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1', () => s.write(`${line}\r\nHost: 127.0.0.1:${port}\r\n${headers}Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`));
    let out = '';
    s.on('data', (d) => (out += d));
    s.on('end', () => resolve(out));
    s.on('error', () => resolve(out));
  });
}

describe('absolute-form request targets', { timeout: 30_000 }, () => {
  it('sign in, check CSRF and sign out like origin-form ones (no 500, no sign-out that leaves the session)', async () => {
    const a = await app();
    await addUser(a, 'ada@example.com');
    const port = Number(new URL(await a.app.listen({ port: 0, host: '127.0.0.1' })).port);
    const base = `http://127.0.0.1:${port}`;
    const login = await rawHttp(port, `POST ${base}/auth/login HTTP/1.1`, 'Content-Type: application/json\r\n', JSON.stringify({ email: 'ada@example.com', password: PASSWORD }));
    expect(login.split('\r\n')[0]).toBe('HTTP/1.1 200 OK');
    const cookie = /set-cookie: (lookout_session=[^;]+)/i.exec(login)![1];
    expect((await a.app.inject({ url: '/api/v1/me', headers: { cookie } })).statusCode).toBe(200);
    // Without the CSRF token: refused; with it: signed out for good.
    expect((await rawHttp(port, `POST ${base}/auth/logout HTTP/1.1`, `Cookie: ${cookie}\r\n`)).split('\r\n')[0]).toBe('HTTP/1.1 403 Forbidden');
    const csrf = (await a.app.inject({ url: '/api/v1/me', headers: { cookie } })).json().csrfToken as string;
    expect((await rawHttp(port, `POST ${base}/auth/logout HTTP/1.1`, `Cookie: ${cookie}\r\nx-csrf-token: ${csrf}\r\n`)).split('\r\n')[0]).toBe('HTTP/1.1 204 No Content');
    expect((await a.app.inject({ url: '/api/v1/me', headers: { cookie } })).statusCode).toBe(401);
  });
});

describe('CSRF', { timeout: 30_000 }, () => {
  it('refuses a change made with a session without the token or with a wrong one, and takes the right one; keys need none', async () => {
    const a = await app();
    await addUser(a, 'ada@example.com');
    const { cookie, csrf } = await signedIn(a, 'ada@example.com');
    const change = (headers: Record<string, string>) => a.app.inject({ method: 'POST', url: '/api/v1/users', payload: { email: 'new@example.com', role: 'viewer' }, headers: { cookie, ...headers } });
    const none = await change({});
    expect(none.statusCode).toBe(403);
    expect(none.json().error.message).toMatch(/x-csrf-token/);
    const wrong = await change({ 'x-csrf-token': 'not-the-token' });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json().error.code).toBe('forbidden');
    // Another session's token is not this one's.
    await addUser(a, 'eve@example.com');
    const eve = await signedIn(a, 'eve@example.com');
    expect((await change({ 'x-csrf-token': eve.csrf })).statusCode).toBe(403);
    expect(await a.ctx.store.people.findUserByEmail('new@example.com')).toBeNull();
    const right = await change({ 'x-csrf-token': csrf });
    expect(right.statusCode, right.body).toBe(201);
    // Sign-out is a change too.
    expect((await a.app.inject({ method: 'POST', url: '/auth/logout', headers: { cookie } })).statusCode).toBe(403);
    // A key beside a cookie is the key: no token needed.
    const { key } = await a.ctx.store.createApiKey(projectId('default'), 'admin', null);
    const keyed = await a.app.inject({ method: 'POST', url: '/api/v1/users', payload: { email: 'keyed@example.com', role: 'viewer' }, headers: { cookie, authorization: `Bearer ${key}` } });
    expect(keyed.statusCode, keyed.body).toBe(201);
  });
});

describe('the project a person acts in', { timeout: 30_000 }, () => {
  it('is the x-lookout-project header, else default, else their first project; one without a role is 403', async () => {
    const a = await app();
    await addUser(a, 'ada@example.com', [
      { projectId: 'default', role: 'viewer' },
      { projectId: 'shop', role: 'admin' },
    ]);
    await addUser(a, 'bo@example.com', [
      { projectId: 'zeta', role: 'member' },
      { projectId: 'beta', role: 'viewer' },
    ]);
    const ada = await signedIn(a, 'ada@example.com');
    const me = (headers: Record<string, string>) => a.app.inject({ url: '/api/v1/me', headers });
    expect((await me({ cookie: ada.cookie })).json()).toMatchObject({ projectId: 'default', grant: 'read', role: 'viewer', operator: false });
    expect((await me({ cookie: ada.cookie, 'x-lookout-project': 'shop' })).json()).toMatchObject({ projectId: 'shop', grant: 'admin', role: 'admin', operator: false });
    const other = await me({ cookie: ada.cookie, 'x-lookout-project': 'other' });
    expect(other.statusCode).toBe(403);
    expect(other.json().error.message).toMatch(/'other'/);
    expect((await me({ cookie: ada.cookie, 'x-lookout-project': 'Not A Project!' })).statusCode).toBe(400);
    // A viewer in default cannot manage members there; an admin in shop can there.
    expect((await a.app.inject({ url: '/api/v1/users', headers: { cookie: ada.cookie } })).statusCode).toBe(403);
    const shop = await a.app.inject({ url: '/api/v1/users', headers: { cookie: ada.cookie, 'x-lookout-project': 'shop' } });
    expect(shop.statusCode, shop.body).toBe(200);
    expect(shop.json().users.map((u: { email: string }) => u.email)).toEqual(['ada@example.com']);
    const bo = await signedIn(a, 'bo@example.com');
    expect((await me({ cookie: bo.cookie })).json()).toMatchObject({ projectId: 'beta', role: 'viewer' });
    // Keys ignore the header: a key acts in its own project.
    const { key } = await a.ctx.store.createApiKey(projectId('default'), 'read', null);
    expect((await me({ authorization: `Bearer ${key}`, 'x-lookout-project': 'shop' })).json()).toMatchObject({ kind: 'key', projectId: 'default', csrfToken: null });
  });
});
