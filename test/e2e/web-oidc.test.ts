// Signing in to the web UI through an OpenID Connect provider, in Debian's chromium
// (playwright-core): `oidc-provider` (a certified OpenID Connect server) in a child process, and a
// `lookout serve` child process that requires keys, configured against it with the provider's
// groups mapped to roles. The browser clicks "Sign in with Acme SSO", signs in on the provider's
// own login page and lands back in the UI with the mapped role. A viewer finds the budget controls
// disabled, and the API refuses (403) the same change sent with their session and CSRF token; an
// admin changes the budget through the form, and the audit log shows the change under their email
// (and the viewer's refused attempt under theirs). Signing out goes on to the provider's logout.
// Someone the configuration keeps out is sent back to the sign-in screen with the reason.
// Screenshots go to test-artifacts/web/ (or LOOKOUT_E2E_ARTIFACTS).
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, makeTempDir, removeTempDir, startLookout, type LookoutServer } from './harness.ts';
import { ARTIFACTS, CHROMIUM, buildWebUi, launchChromium } from './web-browser.ts';
import { startOidcProvider, writeLookoutOidcConfig, type OidcProvider } from './oidc-provider.ts';

const POLL_MS = 20_000;

let lookout: LookoutServer | undefined;
let provider: OidcProvider | undefined;
let browser: Browser | undefined;
let dataDir = '';
let configDir = '';
let adminKey = '';
let budgetId = '';

function started() {
  if (!lookout || !provider || !browser) throw new Error('the provider, Lookout and the browser were not started');
  return { lookout, provider, browser };
}

async function api<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  if (!lookout) throw new Error('Lookout was not started');
  const res = await fetch(`${lookout.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${adminKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}

beforeAll(async () => {
  if (!CHROMIUM) return;
  const distDir = await buildWebUi();
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  // The claims in the ID token itself (test/e2e/oidc.test.ts covers a provider that gives them
  // only at its userinfo endpoint).
  provider = await startOidcProvider({ publicUrl, claimsInIdToken: true });
  dataDir = await makeTempDir('web-oidc-data');
  configDir = await makeTempDir('web-oidc-config');
  const configFile = await writeLookoutOidcConfig(configDir, { publicUrl, issuer: provider.issuer });
  lookout = await startLookout({ dataDir, port, logLevel: 'warn', env: { LOOKOUT_WEB_DIST: distDir, LOOKOUT_CONFIG: configFile } });
  adminKey = /admin key for project 'default' was created:\s+(\S+)/.exec(lookout.process.stdout)![1]!;
  const made = await api<{ budget: { id: string } }>('POST', '/api/v1/budgets', { scope: 'team', subject: 'core', period: 'monthly', limitUsd: 500 });
  expect(made.status, JSON.stringify(made.body)).toBe(201);
  budgetId = made.body.budget.id;
  browser = await launchChromium();
}, 200_000);

afterAll(async () => {
  await browser?.close();
  await lookout?.stop();
  await provider?.stop();
  for (const dir of [dataDir, configDir]) if (dir) await removeTempDir(dir);
});

// A fresh browser profile on `path`; the provider's login page reached through the UI's button
// and filled in as `login`; back in the UI on `path`.
async function signInThroughProvider(path: string, login: string): Promise<{ page: Page; errors: string[] }> {
  const { lookout, provider, browser } = started();
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${lookout.url}${path}`);
  const button = page.getByTestId('signin-oidc');
  await button.waitFor({ timeout: POLL_MS });
  expect(await button.textContent()).toBe('Sign in with Acme SSO');
  await button.click();
  // The provider's own page.
  await page.waitForURL(`${provider.issuer}/interaction/**`, { timeout: POLL_MS });
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('any password');
  await page.locator('button[type="submit"]').click();
  await page.waitForURL(`${lookout.url}${path}`, { timeout: POLL_MS });
  return { page, errors };
}

// A change sent from the page with the session cookie and its CSRF token, as the UI sends changes.
async function changeFromPage(page: Page, method: string, path: string, body: unknown): Promise<{ status: number; body: { error?: { code: string; message: string } } }> {
  return page.evaluate(
    async ({ method, path, body }) => {
      const me = (await (await fetch('/api/v1/me')).json()) as { csrfToken: string | null };
      const res = await fetch(path, { method, headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrfToken ?? '' }, body: JSON.stringify(body) });
      return { status: res.status, body: (await res.json()) as { error?: { code: string; message: string } } };
    },
    { method, path, body },
  );
}

interface AuditEntry {
  action: string;
  projectId: string;
  target: string | null;
  status: number;
  actor: { kind: string; id: string | null; email: string | null };
  details: Record<string, unknown> | null;
}

describe.skipIf(!CHROMIUM)('web: signing in through an OpenID Connect provider', () => {
  it('sends someone outside the allowed domains back to the sign-in screen, which shows why', async () => {
    const { lookout, provider, browser } = started();
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${lookout.url}/budgets`);
    await page.getByTestId('signin-oidc').click();
    await page.waitForURL(`${provider.issuer}/interaction/**`, { timeout: POLL_MS });
    await page.locator('input[name="login"]').fill('outsider@other.test');
    await page.locator('input[name="password"]').fill('any password');
    await page.locator('button[type="submit"]').click();
    await page.waitForURL(`${lookout.url}/?signInError=*`, { timeout: POLL_MS });
    await expect
      .poll(async () => (await page.getByTestId('signin-error').textContent({ timeout: POLL_MS })) ?? '', { timeout: POLL_MS })
      .toBe('Your account may not sign in to this Lookout: its email domain or groups are not allowed.');
    expect(await page.getByTestId('signin-oidc').count()).toBe(1);
    expect(await page.getByTestId('whoami').count()).toBe(0);
    await page.screenshot({ path: join(ARTIFACTS, 'oidc-refused.png'), fullPage: true });
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);

  it('a viewer signs in on the provider, lands in the UI as viewer, and may not change a budget (controls disabled, API 403)', async () => {
    const { page, errors } = await signInThroughProvider('/budgets', 'viewer@acme.test');
    await page.getByTestId('budget-row').first().waitFor({ timeout: POLL_MS });
    expect(await page.getByTestId('whoami-email').textContent()).toBe('viewer@acme.test');
    expect(await page.getByTestId('whoami-role').textContent()).toContain('viewer');
    expect(await page.getByTestId('budget-create').isDisabled()).toBe(true);
    expect(await page.getByTestId('budget-submit').isDisabled()).toBe(true);
    expect(await page.getByTestId(`budget-edit-${budgetId}`).isDisabled()).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, 'oidc-viewer-budgets.png'), fullPage: true });

    // The same change, sent with the session: the server refuses it, naming the role.
    const refused = await changeFromPage(page, 'PUT', `/api/v1/budgets/${budgetId}`, { scope: 'team', subject: 'core', period: 'monthly', limitUsd: 900 });
    expect(refused.status, JSON.stringify(refused.body)).toBe(403);
    expect(refused.body.error?.message).toMatch(/your role in project 'default' is viewer/);
    const created = await changeFromPage(page, 'POST', '/api/v1/budgets', { scope: 'team', subject: 'viewer-made', period: 'monthly', limitUsd: 1 });
    expect(created.status).toBe(403);
    expect((await api<{ budget: { limitUsd: number } }>('GET', `/api/v1/budgets/${budgetId}`)).body.budget.limitUsd).toBe(500);
    expect(errors).toEqual([]);
    await page.context().close();
  }, 120_000);

  it('an admin signs in the same way and changes the budget through the form; the audit log shows the change with their email', async () => {
    const { page, errors } = await signInThroughProvider('/budgets', 'admin@acme.test');
    await page.getByTestId('budget-row').first().waitFor({ timeout: POLL_MS });
    expect(await page.getByTestId('whoami-email').textContent()).toBe('admin@acme.test');
    expect(await page.getByTestId('whoami-role').textContent()).toContain('admin');
    const edit = page.getByTestId(`budget-edit-${budgetId}`);
    expect(await edit.isDisabled()).toBe(false);
    await edit.click();
    await page.getByTestId('budget-limit').fill('750');
    await page.getByTestId('budget-submit').click();
    await expect.poll(async () => (await api<{ budget: { limitUsd: number } }>('GET', `/api/v1/budgets/${budgetId}`)).body.budget.limitUsd, { timeout: POLL_MS }).toBe(750);
    await page.screenshot({ path: join(ARTIFACTS, 'oidc-admin-budgets.png'), fullPage: true });

    // Who changed it: the admin, by email; the viewer's refused attempt under theirs.
    const audit = await api<{ entries: AuditEntry[] }>('GET', `/api/v1/audit?from=1h`);
    expect(audit.status, JSON.stringify(audit.body)).toBe(200);
    const entries = audit.body.entries;
    const update = entries.find((e) => /^budgets?\.update$/.test(e.action) && e.target === budgetId);
    expect(update, JSON.stringify(entries)).toMatchObject({ status: 200, actor: { kind: 'user', email: 'admin@acme.test' } });
    expect(update!.details).toMatchObject({ before: { limitUsd: 500 }, after: { limitUsd: 750 } });
    const denied = entries.find((e) => /^budgets?\.update\.denied$/.test(e.action) && e.target === budgetId);
    expect(denied, JSON.stringify(entries)).toMatchObject({ status: 403, actor: { kind: 'user', email: 'viewer@acme.test' } });
    // Both sign-ins are there too.
    const logins = (await api<{ entries: AuditEntry[] }>('GET', `/api/v1/audit?from=1h&action=session.login`)).body.entries;
    expect(logins.map((e) => e.actor.email).sort()).toEqual(['admin@acme.test', 'viewer@acme.test']);
    // Their accounts were made by the sign-ins, with the roles the provider's groups map to.
    const made = (await api<{ entries: AuditEntry[] }>('GET', `/api/v1/audit?from=1h&action=users.create&project=*`)).body.entries;
    expect(made.map((e) => [e.projectId, e.actor.kind, (e.details as { email?: string }).email, (e.details as { after?: { role?: string } }).after?.role]).sort()).toEqual([
      ['default', 'system', 'admin@acme.test', 'admin'],
      ['default', 'system', 'viewer@acme.test', 'viewer'],
    ]);
    // The admin reads the same from their session.
    const own = await page.evaluate(async () => (await (await fetch('/api/v1/audit?from=1h&actor=admin%40acme.test')).json()) as { entries: { action: string }[] });
    expect(own.entries.some((e) => /^budgets?\.update$/.test(e.action))).toBe(true);

    // Signing out ends the Lookout session and goes on to the provider's logout page.
    await page.getByTestId('signout').click();
    await page.waitForURL(`${started().provider.issuer}/**`, { timeout: POLL_MS });
    const after = await page.context().request.get(`${started().lookout.url}/api/v1/me`);
    expect(after.status(), await after.text()).toBe(401);
    expect(errors).toEqual([]);
    await page.context().close();
  }, 120_000);
});
