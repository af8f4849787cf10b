import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../../testing/app.ts';
import { auditRecorderOf } from '../audit-hook.ts';
import { encodedReturnTo, isSafeReturnTo, returnToProblem } from './oidc.ts';
import { openPending, PENDING_TTL_MS, sealPending } from '../../people/oidc-state.ts';

// The sign-in routes without a provider that answers: what a person sees when the provider is down,
// or OIDC is not configured, and which return paths are accepted. The whole flow against a real
// provider is test/e2e/oidc.test.ts.

let t: TestApp | undefined;
let server: Server | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

// A port nothing listens on (bound, then closed).
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

const oidc = (issuer: string) => ({ auth: { publicUrl: 'http://lookout.test', oidc: { issuer, clientId: 'lookout', clientSecret: 'secret', name: 'Acme SSO' } } });

describe('OpenID Connect sign-in routes', () => {
  it('answers 503 naming the provider while it cannot be reached, and tries again once it answers', async () => {
    const port = await closedPort();
    t = await makeTestApp({ requireApiKeys: 'always', ...oidc(`http://127.0.0.1:${port}`) });
    const down = await t.app.inject({ url: '/auth/oidc/login' });
    expect(down.statusCode).toBe(503);
    expect(down.json().error).toMatchObject({ code: 'identity_provider_unavailable', retryable: true });
    expect(down.json().error.message).toContain(`sign-in with Acme SSO is unavailable: the identity provider at http://127.0.0.1:${port} could not be reached`);
    expect(down.headers['retry-after']).toBeDefined();
    // The rest of the server is up.
    expect((await t.app.inject({ url: '/healthz' })).statusCode).toBe(200);

    // The provider comes up on that port: after the retry pause, sign-in goes to it.
    let discoveries = 0;
    server = createServer((req, res) => {
      if (req.url === '/.well-known/openid-configuration') {
        discoveries++;
        const issuer = `http://127.0.0.1:${port}`;
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ issuer, authorization_endpoint: `${issuer}/auth`, token_endpoint: `${issuer}/token`, jwks_uri: `${issuer}/jwks`, response_types_supported: ['code'], code_challenge_methods_supported: ['S256'] }));
      } else {
        res.statusCode = 404;
        res.end();
      }
    });
    await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', resolve));
    await new Promise((resolve) => setTimeout(resolve, 5_100));
    const up = await t.app.inject({ url: '/auth/oidc/login?returnTo=%2Fbudgets' });
    expect(up.statusCode, up.body).toBe(302);
    const location = new URL(up.headers.location as string);
    expect(`${location.origin}${location.pathname}`).toBe(`http://127.0.0.1:${port}/auth`);
    expect(Object.fromEntries(location.searchParams)).toMatchObject({
      client_id: 'lookout',
      response_type: 'code',
      redirect_uri: 'http://lookout.test/auth/oidc/callback',
      scope: 'openid email profile',
      code_challenge_method: 'S256',
    });
    for (const p of ['state', 'nonce', 'code_challenge']) expect(location.searchParams.get(p)).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(up.headers['set-cookie']).toBeDefined();
    // Discovered once, kept for the next sign-in.
    expect((await t.app.inject({ url: '/auth/oidc/login' })).statusCode).toBe(302);
    expect(discoveries).toBe(1);
  }, 20_000);

  it('refuses an https-less provider that is not on this machine, with the reason', async () => {
    t = await makeTestApp({ requireApiKeys: 'always', ...oidc('http://idp.example.com') });
    const res = await t.app.inject({ url: '/auth/oidc/login' });
    expect(res.statusCode).toBe(503);
    expect(res.json().error.message).toContain('the issuer must be an https:// URL');
  });

  it('refuses a return path that leaves the server, with a 400 naming it', async () => {
    t = await makeTestApp({ requireApiKeys: 'always', ...oidc(`http://127.0.0.1:${await closedPort()}`) });
    for (const bad of ['https://evil.test/', '//evil.test/x', '/\\evil.test', 'budgets', '/a\nb']) {
      const res = await t.app.inject({ url: `/auth/oidc/login?returnTo=${encodeURIComponent(bad)}` });
      expect(res.statusCode, bad).toBe(400);
      expect(res.json().error.message, bad).toMatch(/^returnTo: must be a path of this server/);
    }
  });

  it('refuses at once (400) a return path that is not a path of this server once encoded as the callback sends it, or too long once encoded', async () => {
    t = await makeTestApp({ requireApiKeys: 'always', ...oidc(`http://127.0.0.1:${await closedPort()}`) });
    for (const bad of ['/.//evil.test', '/a/..//evil.test', '/%2e%2e//evil.test', '/.\\/evil.test', '/a\\b', '/%2f/evil.test', '/a%5Cb']) {
      const res = await t.app.inject({ url: `/auth/oidc/login?returnTo=${encodeURIComponent(bad)}` });
      expect(res.statusCode, bad).toBe(400);
      expect(res.json().error.message, bad).toMatch(/^returnTo: must be a path of this server/);
    }
    const long = await t.app.inject({ url: `/auth/oidc/login?returnTo=${encodeURIComponent(`/${'é'.repeat(1000)}`)}` });
    expect(long.statusCode).toBe(400);
    expect(long.json().error.message).toBe('returnTo: is 6001 characters once percent-encoded: at most 2048');
    // An encoded slash after the path is a query value, and stays.
    expect(returnToProblem('/traces?q=a%2Fb')).toBeNull();
    expect(returnToProblem(`/${'é'.repeat(300)}`)).toBeNull();
  });

  it('sends a callback without a sign-in under way back to the sign-in page with the reason', async () => {
    t = await makeTestApp({ requireApiKeys: 'always', ...oidc(`http://127.0.0.1:${await closedPort()}`) });
    const res = await t.app.inject({ url: '/auth/oidc/callback?code=abc&state=xyz' });
    expect(res.statusCode).toBe(302);
    const to = new URL(res.headers.location as string, 'http://lookout.test');
    expect(to.pathname).toBe('/');
    // A code the sign-in page words itself: nothing the URL says is shown as text.
    expect(to.searchParams.get('signInError')).toBe('not_started');
    // Counted, and in the audit log.
    const metrics = (await t.app.inject({ url: '/metrics' })).body;
    expect(/^lookout_auth_failures_total\{reason="oidc_refused"\} (\d+)/m.exec(metrics)?.[1]).toBe('1');
    await auditRecorderOf(t.ctx).flush();
    expect((await t.ctx.store.audit.list({ projectId: null, fromMs: 0, toMs: Date.now() + 60_000, action: 'session.login_failed', limit: 10 })).map((e) => [e.action, e.status, e.details])).toEqual([['session.login_failed', 403, { method: 'oidc', reason: 'the sign-in with Acme SSO was not started from this browser, or took too long: start again' }]]);
  });

  it('keeps a sign-in under way in a sealed cookie of its own, not in the store; encodes a return path outside ASCII', async () => {
    server = createServer((req, res) => {
      const { port } = server!.address() as AddressInfo;
      const issuer = `http://127.0.0.1:${port}`;
      if (req.url === '/.well-known/openid-configuration') {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ issuer, authorization_endpoint: `${issuer}/auth`, token_endpoint: `${issuer}/token`, jwks_uri: `${issuer}/jwks`, response_types_supported: ['code'], code_challenge_methods_supported: ['S256'] }));
      } else {
        res.statusCode = 404;
        res.end();
      }
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    t = await makeTestApp({ requireApiKeys: 'always', ...oidc(`http://127.0.0.1:${port}`) });
    for (let i = 0; i < 20; i++) {
      const res = await t.app.inject({ url: `/auth/oidc/login?returnTo=${encodeURIComponent('/traces/Ā😀?q=é')}` });
      expect(res.statusCode, res.body).toBe(302);
      const lines = [res.headers['set-cookie']].flat().filter((l): l is string => typeof l === 'string');
      expect(lines.some((l) => l.startsWith('lookout_session='))).toBe(false);
      const line = lines.find((l) => l.startsWith('lookout_session_oidc='))!;
      expect(line).toMatch(/; Max-Age=600/);
      expect(line).toMatch(/; Path=\/auth\/oidc\//);
      expect(line).toMatch(/; HttpOnly/);
      expect(line).toMatch(/; SameSite=Lax/);
      const pending = openPending(t.ctx.sessionSecret, decodeURIComponent(line.split(';')[0].split('=').slice(1).join('=')));
      expect(pending?.returnTo).toBe('/traces/%C4%80%F0%9F%98%80?q=%C3%A9');
      expect(pending?.state).toBe(new URL(res.headers.location as string).searchParams.get('state'));
    }
    // Nothing was stored: no session at all (every one would have expired by then).
    expect(await t.ctx.store.people.purgeExpiredSessions(Date.now() + 365 * 86_400_000)).toBe(0);
  });

  it('opens only a sign-in cookie sealed with this secret, unchanged and not too old', () => {
    const pending = { state: 's', nonce: 'n', codeVerifier: 'v', returnTo: '/x' };
    const secret = 'a'.repeat(40);
    const sealed = sealPending(secret, pending, 1_000);
    expect(openPending(secret, sealed, 2_000)).toEqual(pending);
    expect(openPending('b'.repeat(40), sealed, 2_000)).toBeNull();
    expect(openPending(secret, sealed, 1_000 + PENDING_TTL_MS)).toBeNull();
    const [iv, tag, body] = sealed.split('.');
    const flipped = Buffer.from(body, 'base64url');
    flipped[0] ^= 1;
    expect(openPending(secret, [iv, tag, flipped.toString('base64url')].join('.'), 2_000)).toBeNull();
    expect(openPending(secret, 'garbage', 2_000)).toBeNull();
    expect(openPending(secret, undefined, 2_000)).toBeNull();
    expect(encodedReturnTo('/Ā?x=😀#é')).toBe('/%C4%80?x=%F0%9F%98%80#%C3%A9');
  });

  it('answers 404 when OpenID Connect is not configured', async () => {
    t = await makeTestApp({ requireApiKeys: 'always' });
    const res = await t.app.inject({ url: '/auth/oidc/login' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.message).toMatch(/OpenID Connect sign-in is not configured on this server \(auth\.oidc/);
  });

  it('accepts only paths of this server as a return path', () => {
    for (const ok of ['/', '/budgets', '/traces?from=1h#x', '/a//b']) expect(isSafeReturnTo(ok), ok).toBe(true);
    for (const bad of ['', 'x', '//evil.test', '/\\evil.test', 'http://evil.test', '/\u0000', `/${'a'.repeat(2048)}`]) expect(isSafeReturnTo(bad), bad).toBe(false);
  });
});
