// OpenID Connect sign-in against a real provider, without a browser: `oidc-provider` (a certified
// OpenID Connect server) in a child process, a `lookout serve` child process configured against
// it with keys required, and the browser's part played with fetch (cookies per origin, redirects
// followed one by one, the provider's login form filled in). A person lands with the role their
// group maps to in every project; someone outside the allowed domain is sent back with the reason
// and gets no session; a callback whose state is not the session's is refused; the code is bound
// to Lookout's PKCE challenge; sign-out ends the session and points at the provider's logout.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, makeTempDir, removeTempDir, startLookout, type LookoutServer } from './harness.ts';
import { OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, startOidcProvider, writeLookoutOidcConfig, type OidcProvider } from './oidc-provider.ts';
import { CookieBrowser, signInAtProvider } from './oidc-client.ts';

let lookout: LookoutServer | undefined;
let provider: OidcProvider | undefined;
let dataDir = '';
let configDir = '';
let adminKey = '';

const run = () => {
  if (!lookout || !provider) throw new Error('the provider and Lookout were not started');
  return { lookout, provider };
};

beforeAll(async () => {
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  provider = await startOidcProvider({ publicUrl });
  dataDir = await makeTempDir('oidc-data');
  configDir = await makeTempDir('oidc-config');
  const configFile = await writeLookoutOidcConfig(configDir, { publicUrl, issuer: provider.issuer });
  lookout = await startLookout({ dataDir, port, logLevel: 'warn', env: { LOOKOUT_CONFIG: configFile } });
  adminKey = /admin key for project 'default' was created:\s+(\S+)/.exec(lookout.process.stdout)![1]!;
  // A second project before anyone signs in: '*' gives a role in it too.
  const created = await fetch(`${lookout.url}/api/v1/keys`, { method: 'POST', headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ project: 'checkout', scope: 'read' }) });
  expect(created.status, await created.clone().text()).toBe(201);
}, 120_000);

afterAll(async () => {
  await lookout?.stop();
  await provider?.stop();
  for (const dir of [dataDir, configDir]) if (dir) await removeTempDir(dir);
});

type Me = { kind: string; user: { id: string; email: string; name: string | null } | null; projectId: string; grant: string; role: string | null; memberships: { projectId: string; role: string }[]; csrfToken: string | null };

async function me(browser: CookieBrowser, project?: string): Promise<{ status: number; body: Me }> {
  const { lookout } = run();
  const res = await browser.request(`${lookout.url}/api/v1/me`, { headers: project ? { 'x-lookout-project': project } : {} });
  return { status: res.status, body: (await res.json()) as Me };
}

describe('OpenID Connect sign-in with a real provider', () => {
  it('signs a viewer in with PKCE, state and nonce, and lands them where they started with the role their group maps to', async () => {
    const { lookout, provider } = run();
    const browser = new CookieBrowser();
    const { callbackUrl, authorizationUrl } = await signInAtProvider(browser, lookout.url, 'viewer@acme.test', '/budgets?period=7d');
    // The authorization request: the provider, Lookout's client and callback, PKCE S256, state and nonce.
    expect(authorizationUrl.origin).toBe(provider.issuer);
    const q = Object.fromEntries(authorizationUrl.searchParams);
    expect(q).toMatchObject({ client_id: OIDC_CLIENT_ID, response_type: 'code', redirect_uri: `${lookout.url}/auth/oidc/callback`, code_challenge_method: 'S256', scope: 'openid email profile groups' });
    for (const p of ['state', 'nonce', 'code_challenge']) expect(q[p]).toMatch(/^[A-Za-z0-9_-]{43,}$/);
    // The provider answers the state back.
    const cb = new URL(callbackUrl);
    expect(cb.searchParams.get('state')).toBe(q.state);
    expect(cb.searchParams.get('code')).toBeTruthy();

    // The sign-in under way is in a sealed cookie of its own: no session yet.
    expect(browser.cookies(lookout.url).get('lookout_session_oidc')).toBeDefined();
    const pendingCookie = browser.cookies(lookout.url).get('lookout_session');
    expect(pendingCookie).toBeUndefined();
    const landed = await browser.request(callbackUrl);
    expect(landed.status, await landed.clone().text()).toBe(302);
    expect(landed.headers.get('location')).toBe('/budgets?period=7d');
    // The last word on the cookie (an earlier one may clear the pre-sign-in session's).
    const setCookie = landed.headers.getSetCookie().filter((c) => c.startsWith('lookout_session=')).at(-1)!;
    expect(setCookie).not.toMatch(/^lookout_session=;/);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    // The sign-in cookie is spent: cleared by the callback.
    expect(landed.headers.getSetCookie().find((c) => c.startsWith('lookout_session_oidc='))).toMatch(/^lookout_session_oidc=;.*Expires=Thu, 01 Jan 1970/);

    const who = await me(browser);
    expect(who.status, JSON.stringify(who.body)).toBe(200);
    expect(who.body).toMatchObject({ kind: 'user', user: { email: 'viewer@acme.test', name: 'Vic Viewer' }, projectId: 'default', grant: 'read', role: 'viewer' });
    expect(who.body.memberships).toEqual([
      { projectId: 'checkout', role: 'viewer' },
      { projectId: 'default', role: 'viewer' },
    ]);
    expect((await me(browser, 'checkout')).body).toMatchObject({ projectId: 'checkout', role: 'viewer' });
    // A viewer reads, and may not change anything.
    const keys = await browser.request(`${lookout.url}/api/v1/keys`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': who.body.csrfToken! }, body: JSON.stringify({ scope: 'read' }) });
    expect(keys.status).toBe(403);
  });

  it('gives a member of the admin group the admin role, and the account is an OpenID one', async () => {
    const { lookout } = run();
    const browser = new CookieBrowser();
    const { callbackUrl } = await signInAtProvider(browser, lookout.url, 'admin@acme.test');
    const landed = await browser.request(callbackUrl);
    expect(landed.headers.get('location')).toBe('/');
    const who = (await me(browser)).body;
    expect(who).toMatchObject({ kind: 'user', user: { email: 'admin@acme.test', name: 'Ada Admin' }, role: 'admin', grant: 'admin', projectId: 'default' });
    const users = await fetch(`${lookout.url}/api/v1/users`, { headers: { authorization: `Bearer ${adminKey}` } });
    expect(users.status, await users.clone().text()).toBe(200);
    const listed = ((await users.json()) as { users: { email: string; source: string; lastSignInAt: string | null }[] }).users.find((u) => u.email === 'admin@acme.test');
    expect(listed).toMatchObject({ source: 'oidc' });
    expect(listed?.lastSignInAt).toBeTruthy();
  });

  it('sends someone outside the allowed domains back to the sign-in page with the reason, without a session', async () => {
    const { lookout } = run();
    const browser = new CookieBrowser();
    // In the admin group at the provider, but not in acme.test.
    const { callbackUrl } = await signInAtProvider(browser, lookout.url, 'outsider@other.test');
    const landed = await browser.request(callbackUrl);
    expect(landed.status).toBe(302);
    const to = new URL(landed.headers.get('location')!, lookout.url);
    expect(to.pathname).toBe('/');
    // A code (the sign-in page words it); the reason is in the audit log.
    expect(to.searchParams.get('signInError')).toBe('not_allowed');
    expect((await me(browser)).status).toBe(401);
    const users = (await (await fetch(`${lookout.url}/api/v1/users`, { headers: { authorization: `Bearer ${adminKey}` } })).json()) as { users: { email: string }[] };
    expect(users.users.map((u) => u.email)).not.toContain('outsider@other.test');
  });

  it('refuses a callback whose state is not the one of the browser session, and the sign-in cannot be finished after', async () => {
    const { lookout } = run();
    const browser = new CookieBrowser();
    const { callbackUrl } = await signInAtProvider(browser, lookout.url, 'admin@acme.test');
    const forged = new URL(callbackUrl);
    forged.searchParams.set('state', 'A'.repeat(43));
    const refused = await browser.request(forged.href);
    expect(refused.status).toBe(302);
    expect(new URL(refused.headers.get('location')!, lookout.url).searchParams.get('signInError')).toBe('state_mismatch');
    expect((await me(browser)).status).toBe(401);
    // The state was spent by the refused attempt: the genuine answer no longer signs anyone in.
    const late = await browser.request(callbackUrl);
    expect(new URL(late.headers.get('location')!, lookout.url).searchParams.get('signInError')).toBe('not_started');
    expect((await me(browser)).status).toBe(401);
  });

  it("binds the code to Lookout's PKCE challenge: another browser cannot use the answer, nor the client without the verifier", async () => {
    const { lookout, provider } = run();
    const browser = new CookieBrowser();
    const { callbackUrl } = await signInAtProvider(browser, lookout.url, 'admin@acme.test');
    // The answer carried into another browser (no session of this sign-in): refused.
    const other = new CookieBrowser();
    const stolen = await other.request(callbackUrl);
    expect(new URL(stolen.headers.get('location')!, lookout.url).searchParams.get('signInError')).toBe('not_started');
    expect((await me(other)).status).toBe(401);
    // The code at the token endpoint with the client's own secret but without the verifier
    // Lookout keeps in the session: refused by the provider.
    const discovery = (await (await fetch(`${provider.issuer}/.well-known/openid-configuration`)).json()) as { token_endpoint: string; code_challenge_methods_supported: string[] };
    expect(discovery.code_challenge_methods_supported).toContain('S256');
    const token = await fetch(discovery.token_endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${OIDC_CLIENT_ID}:${OIDC_CLIENT_SECRET}`).toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: new URL(callbackUrl).searchParams.get('code')!, redirect_uri: `${lookout.url}/auth/oidc/callback` }).toString(),
    });
    expect(token.status).toBe(400);
    expect(((await token.json()) as { error: string; error_description: string })).toMatchObject({ error: 'invalid_grant' });
  });

  it("signs out: the session ends on the server, and the answer points at the provider's end-session endpoint", async () => {
    const { lookout, provider } = run();
    const browser = new CookieBrowser();
    const { callbackUrl } = await signInAtProvider(browser, lookout.url, 'viewer@acme.test');
    await browser.request(callbackUrl);
    const sessionCookie = browser.cookies(lookout.url).get('lookout_session')!;
    const who = (await me(browser)).body;
    expect(who.kind).toBe('user');
    const out = await browser.request(`${lookout.url}/auth/logout`, { method: 'POST', headers: { 'x-csrf-token': who.csrfToken! } });
    expect(out.status, await out.clone().text()).toBe(200);
    const end = new URL(((await out.json()) as { endSessionUrl: string }).endSessionUrl);
    expect(end.origin).toBe(provider.issuer);
    expect(end.searchParams.get('post_logout_redirect_uri')).toBe(`${lookout.url}/`);
    expect(end.searchParams.get('id_token_hint')?.split('.')).toHaveLength(3);
    // The provider accepts it (its logout confirmation page).
    const confirm = await browser.follow(end.href, lookout.url);
    expect(confirm.res?.status).toBe(200);
    expect(await confirm.res!.text()).toContain('logout');
    // The old cookie, sent again, signs no one in.
    const replay = await fetch(`${lookout.url}/api/v1/me`, { headers: { cookie: `lookout_session=${sessionCookie}` } });
    expect(replay.status).toBe(401);
  });
});
