// Signing in to the web UI with a local account, in Debian's chromium (playwright-core) against a
// `lookout serve` child process that requires keys: the sign-in screen comes before the key form; a
// wrong password shows the server's message; a viewer sees the budget controls disabled and what
// role they need, and signs out back to the sign-in screen; an admin creates a budget through the
// form (its change carries the session's CSRF token) and adds a member in Settings, whose one-time
// password signs them in as a member who may create budgets but not change the admin's.
// Screenshots go to test-artifacts/web/ (or LOOKOUT_E2E_ARTIFACTS).
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ARTIFACTS, CHROMIUM, webUiRun } from './web-browser.ts';

const ui = webUiRun('web-signin', { LOOKOUT_REQUIRE_API_KEYS: 'always' });

const VIEWER = { email: 'vera.viewer@example.com', password: 'viewer-password-42' };
const ADMIN = { email: 'ada.admin@example.com', password: 'admin-password-42' };

function adminKey(): string {
  const match = /admin key for project 'default' was created:\s+(\S+)/.exec(ui.lookout.output());
  if (!match) throw new Error(`no admin key in the server's output:\n${ui.lookout.output()}`);
  return match[1]!;
}

async function api<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${ui.lookout.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${adminKey()}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}

async function addUser(email: string, role: string, password: string): Promise<string> {
  const res = await api<{ user: { id: string } }>('POST', '/api/v1/users', { email, role, password });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.user.id;
}

interface Budget {
  id: string;
  subject: string | null;
  createdBy?: string | null;
}

async function budgets(): Promise<Budget[]> {
  const res = await api<{ budgets: Budget[] }>('GET', '/api/v1/budgets');
  expect(res.status).toBe(200);
  return res.body.budgets;
}

async function openPage(path: string): Promise<{ page: Page; errors: string[] }> {
  const context = await ui.browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${ui.lookout.url}${path}`);
  return { page, errors };
}

async function signIn(page: Page, who: { email: string; password: string }): Promise<void> {
  await page.getByTestId('signin-email').fill(who.email);
  await page.getByTestId('signin-password').fill(who.password);
  await page.getByTestId('signin-submit').click();
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

describe.skipIf(!CHROMIUM)('web: signing in', () => {
  let adminBudget = '';
  let adminId = '';

  it('asks a browser without a key to sign in; a wrong password shows the server\'s message; a viewer sees budget controls disabled, then signs out', async () => {
    await addUser(VIEWER.email, 'viewer', VIEWER.password);
    adminId = await addUser(ADMIN.email, 'admin', ADMIN.password);
    const made = await api<{ budget: Budget }>('POST', '/api/v1/budgets', { scope: 'team', subject: 'core', period: 'monthly', limitUsd: 500 });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    adminBudget = made.body.budget.id;

    const { page, errors } = await openPage('/budgets');
    await page.getByTestId('signin').waitFor({ timeout: 20_000 });
    // No provider configured: no provider button; the key form beside, "Use an API key instead"
    // takes the cursor there.
    expect(await page.getByTestId('signin-oidc').count()).toBe(0);
    expect(await page.getByTestId('key-prompt').count()).toBe(1);
    await page.getByTestId('signin-use-key').click();
    expect(await page.getByTestId('signin-key').evaluate((el) => el.matches(':focus'))).toBe(true);

    // The server's own wording for a wrong password, as an API client gets it.
    const refused = await fetch(`${ui.lookout.url}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: VIEWER.email, password: 'not-the-password' }) });
    expect(refused.status).toBe(401);
    const serverMessage = ((await refused.json()) as { error: { message: string } }).error.message;
    await signIn(page, { email: VIEWER.email, password: 'also-not-the-password' });
    await expect.poll(async () => (await page.getByTestId('signin-error').textContent({ timeout: 20_000 })) ?? '', { timeout: 20_000 }).toBe(serverMessage);
    await shot(page, 'signin-error');

    await page.getByTestId('signin-password').fill(VIEWER.password);
    await page.getByTestId('signin-submit').click();
    await page.getByTestId('budget-row').first().waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('whoami-email').textContent()).toBe(VIEWER.email);
    expect(await page.getByTestId('whoami-role').textContent()).toContain('viewer');
    // Every change control is disabled, and says which role it needs.
    expect(await page.getByTestId('budget-create').isDisabled()).toBe(true);
    expect(await page.getByTestId('budget-submit').isDisabled()).toBe(true);
    expect(await page.getByTestId('budget-limit').isDisabled()).toBe(true);
    const edit = page.getByTestId(`budget-edit-${adminBudget}`);
    expect(await edit.isDisabled()).toBe(true);
    expect(await edit.getAttribute('title')).toContain('admin role');
    expect(await page.getByTestId(`budget-delete-${adminBudget}`).isDisabled()).toBe(true);
    expect(await page.getByTestId('budgets-read-only').textContent()).toContain('Your role in project default is viewer');
    await shot(page, 'signin-viewer-budgets');

    await page.getByTestId('signout').click();
    await page.getByTestId('signin').waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('whoami').count()).toBe(0);
    // Signed out on the server: the browser's requests are refused again.
    expect(await page.evaluate(async () => (await fetch('/api/v1/project')).status)).toBe(401);
    expect(errors).toEqual([]);
    await page.context().close();
  }, 120_000);

  it('an admin signs in, creates a budget through the form (recorded as theirs) and may change any budget', async () => {
    const { page, errors } = await openPage('/budgets');
    await page.getByTestId('signin').waitFor({ timeout: 20_000 });
    await signIn(page, ADMIN);
    await page.getByTestId('budget-row').first().waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('whoami-role').textContent()).toContain('admin');
    expect(await page.getByTestId('budget-create').isDisabled()).toBe(false);
    expect(await page.getByTestId(`budget-edit-${adminBudget}`).isDisabled()).toBe(false);
    await page.getByTestId('budget-scope').selectOption('team');
    await page.getByTestId('budget-subject').fill('signed-in');
    await page.getByTestId('budget-limit').fill('250');
    await page.getByTestId('budget-submit').click();
    await expect.poll(async () => (await budgets()).find((b) => b.subject === 'signed-in'), { timeout: 20_000 }).toMatchObject({ createdBy: adminId });
    await page.getByTestId('budget-outcome').waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('budget-outcome').textContent()).toMatch(/created/);
    await shot(page, 'signin-admin-budgets');
    expect(errors).toEqual([]);
    await page.context().close();
  }, 120_000);

  it('an admin adds a member in Settings; the one-time password signs them in, and they may create budgets but not change the admin\'s', async () => {
    const { page, errors } = await openPage('/settings');
    await page.getByTestId('signin').waitFor({ timeout: 20_000 });
    await signIn(page, ADMIN);
    const members = page.getByTestId('settings-members');
    await members.getByTestId('member-row').filter({ hasText: VIEWER.email }).waitFor({ timeout: 20_000 });
    await members.getByTestId('member-add-email').fill('max.member@example.com');
    await members.getByTestId('member-add-role').selectOption('member');
    await members.getByTestId('member-add-submit').click();
    const password = (await members.getByTestId('member-password').textContent({ timeout: 20_000 })) ?? '';
    expect(password.length).toBeGreaterThan(7);
    await members.getByTestId('member-row').filter({ hasText: 'max.member@example.com' }).waitFor({ timeout: 20_000 });
    await shot(page, 'signin-members');
    await page.getByTestId('signout').click();
    await page.getByTestId('signin').waitFor({ timeout: 20_000 });

    await page.goto(`${ui.lookout.url}/budgets`);
    await signIn(page, { email: 'max.member@example.com', password });
    await page.getByTestId('budget-row').first().waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('whoami-role').textContent()).toContain('member');
    expect(await page.getByTestId('budget-create').isDisabled()).toBe(false);
    expect(await page.getByTestId(`budget-edit-${adminBudget}`).isDisabled()).toBe(true);
    // What the server refuses a member (hard enforcement, user budgets) cannot be picked, and says why.
    expect(await page.getByTestId('budget-enforce-hard').isDisabled()).toBe(true);
    expect(await page.getByTestId('budget-scope').locator('option', { hasText: 'user' }).isDisabled()).toBe(true);
    expect(await page.getByTestId('budget-member-limits').textContent()).toContain('enforcing (hard) budgets and user budgets need the admin role');
    await page.getByTestId('budget-subject').fill('members-own');
    await page.getByTestId('budget-limit').fill('20');
    await page.getByTestId('budget-submit').click();
    await expect.poll(async () => (await budgets()).find((b) => b.subject === 'members-own')?.id ?? '', { timeout: 20_000 }).not.toBe('');
    const own = (await budgets()).find((b) => b.subject === 'members-own')!;
    await expect.poll(async () => page.getByTestId(`budget-edit-${own.id}`).count(), { timeout: 20_000 }).toBe(1);
    expect(await page.getByTestId(`budget-edit-${own.id}`).isDisabled()).toBe(false);
    expect(await page.getByTestId(`budget-delete-${own.id}`).isDisabled()).toBe(false);
    expect(errors).toEqual([]);
    await page.context().close();
  }, 120_000);

  it('a person with roles in two projects picks one in the sidebar; the choice is kept and the pages act in it', async () => {
    const given = await api<{ created: boolean }>('POST', '/api/v1/users', { email: ADMIN.email, role: 'member', project: 'acme' });
    expect(given.status, JSON.stringify(given.body)).toBe(200);
    const { page, errors } = await openPage('/budgets');
    await page.getByTestId('signin').waitFor({ timeout: 20_000 });
    await signIn(page, ADMIN);
    const select = page.getByTestId('project-select');
    await select.waitFor({ timeout: 20_000 });
    expect(await select.inputValue()).toBe('default');
    await select.selectOption('acme');
    await expect.poll(async () => (await page.getByTestId('whoami-role').textContent({ timeout: 20_000 })) ?? '', { timeout: 20_000 }).toBe('member in acme');
    // The budgets of acme (none), and a member's controls: create yes.
    await page.getByTestId('budgets-empty').waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('budget-create').isDisabled()).toBe(false);
    expect(await page.getByTestId('budgets-member-notice').count()).toBe(1);
    // Kept across a reload, and sent with every request of the page.
    await page.reload();
    await expect.poll(async () => (await page.getByTestId('whoami-role').textContent({ timeout: 20_000 })) ?? '', { timeout: 20_000 }).toBe('member in acme');
    expect(await page.evaluate(() => localStorage.getItem('lookout.project'))).toBe('acme');
    await shot(page, 'signin-project-select');
    expect(errors).toEqual([]);
    await page.context().close();
  }, 120_000);
});
