// The Prompts page in Debian's chromium (playwright-core) against a `lookout serve` child process:
// two versions of a chat prompt pushed through the API, the list and the prompt's page read as the
// API answers (versions, messages, authors, labels, content), the diff of the two versions shows
// the changed lines and nothing else, moving a label from the page reaches the API with an admin
// key and is refused with a read key (the API's message on the page), the links to the prompt's
// calls and to its experiment, and the empty registry explains how to push a prompt.
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { count } from '../../packages/web/src/format.ts';
import { ARTIFACTS, CHROMIUM, webUiRun } from './web-browser.ts';

const run = webUiRun('web-prompts');
const POLL_MS = 20_000;
const NAME = 'support-e2e';

// The first version's system message; the second changes one line of it and adds one.
const SYSTEM_V1 = 'You help customers with {{product}}.\nAnswer in English.\nBe polite.\nNever promise refunds.';
const SYSTEM_V2 = 'You help customers with {{product}}.\nAnswer in the customer\'s language.\nBe polite.\nNever promise refunds.\nCite the help centre.';
const V1 = {
  name: NAME,
  prompt: [
    { role: 'system', content: SYSTEM_V1 },
    { role: 'user', content: '{{question}}' },
  ],
  model: 'gpt-4o-mini',
  parameters: { temperature: 0.2, max_tokens: 300 },
  message: 'first version',
  labels: ['production'],
};
const V2 = {
  ...V1,
  prompt: [
    { role: 'system', content: SYSTEM_V2 },
    { role: 'user', content: '{{question}}' },
  ],
  model: 'gpt-4o',
  parameters: { temperature: 0.7, max_tokens: 300 },
  message: 'answer in the customer language <b>and</b> cite',
  labels: ['staging'],
};

let adminKey = '';
let adminKeyId = '';
let readKey = '';
let emptyProjectKey = '';

async function createKey(body: Record<string, string>): Promise<{ key: string; id: string }> {
  const res = await fetch(`${run.lookout.url}/api/v1/keys`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as { key: string; id: string };
}

async function api<T>(path: string, init: RequestInit = {}, key = adminKey): Promise<{ status: number; body: T }> {
  const res = await fetch(`${run.lookout.url}${path}`, { ...init, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...(init.headers ?? {}) } });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}

// Calls made from the prompt (and one from another), in the last hour, so the calls link has
// something to list and the experiments link a feature to name.
function calls() {
  const now = Date.now();
  const call = (i: number, prompt: { name: string; version: number }, feature: string) => ({
    type: 'generation',
    traceId: `9e0a${i.toString(16).padStart(28, '0')}`,
    spanId: `9e0a${i.toString(16).padStart(12, '0')}`,
    startTime: new Date(now - 30 * 60_000 + i * 1000).toISOString(),
    durationMs: 700,
    provider: 'openai',
    model: 'gpt-4o-mini',
    feature,
    prompt,
    usage: { input: 100, output: 20 },
  });
  return [
    ...[1, 2, 3].map((i) => call(i, { name: NAME, version: 1 }, 'support')),
    ...[4, 5].map((i) => call(i, { name: NAME, version: 2 }, 'support')),
    call(6, { name: 'other-prompt', version: 1 }, 'other'),
  ];
}

beforeAll(async () => {
  if (!CHROMIUM) return;
  const admin = await createKey({ scope: 'admin', name: 'web-prompts-admin' });
  adminKey = admin.key;
  adminKeyId = admin.id;
  readKey = (await createKey({ scope: 'read', name: 'web-prompts-read' })).key;
  emptyProjectKey = (await createKey({ project: 'no-prompts', scope: 'read', name: 'web-prompts-empty' })).key;
  for (const v of [V1, V2]) {
    const created = await api('/api/v1/prompts', { method: 'POST', body: JSON.stringify(v) });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
  }
  const ingest = await api('/api/v1/ingest', { method: 'POST', body: JSON.stringify({ batch: calls() }) });
  expect(ingest.status, JSON.stringify(ingest.body)).toBe(200);
}, 60_000);

async function open(browser: Browser, key: string, path: string): Promise<{ page: Page; errors: string[]; close: () => Promise<void> }> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
  await context.addInitScript((k) => sessionStorage.setItem('lookout.apiKey', k), key);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    // A refused change is a 403 the browser logs as a failed request; it is expected where tested.
    if (m.type() === 'error' && !/status of 403/.test(m.text())) errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${run.lookout.url}${path}`);
  return { page, errors, close: () => context.close() };
}

type Summary = { name: string; latestVersion: number; versions: number; labels: Record<string, number>; updatedAt: string };
type VersionInfo = { version: number; message: string | null; createdBy: string | null; labels: string[]; model: string | null };
type Version = VersionInfo & { prompt: { role: string; content: string }[]; parameters: Record<string, unknown> | null };

const texts = (page: Page, testId: string) => page.getByTestId(testId).allTextContents();

describe.skipIf(!CHROMIUM)('the Prompts page in the browser', () => {
  it("lists the project's prompts with their latest version and labels as the API does", async () => {
    const list = (await api<{ prompts: Summary[] }>('/api/v1/prompts')).body.prompts;
    const s = list.find((p) => p.name === NAME)!;
    expect(s).toMatchObject({ latestVersion: 2, versions: 2, labels: { production: 1, staging: 2 } });

    const { page, errors, close } = await open(run.browser, adminKey, '/prompts');
    await page.getByTestId('prompt-table').waitFor({ timeout: POLL_MS });
    expect(await texts(page, 'prompt-link')).toEqual([NAME]);
    const row = page.getByTestId('prompt-table').locator('tbody tr').first();
    expect(await row.getByTestId('prompt-latest').textContent()).toBe(String(s.latestVersion));
    const pills = await row.getByTestId('prompt-label').evaluateAll((els) => els.map((e) => [e.getAttribute('data-label'), Number(e.getAttribute('data-version'))]));
    expect(Object.fromEntries(pills)).toEqual(s.labels);
    expect(await row.textContent()).toContain(`${s.updatedAt.slice(0, 10)} ${s.updatedAt.slice(11, 19)} UTC`);
    await page.getByTestId('nav-prompts').waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'prompts-list.png'), fullPage: true });
    await page.getByTestId('prompt-link').click();
    await page.waitForURL(`**/prompts/${NAME}`);
    await page.getByTestId('version-table').waitFor({ timeout: POLL_MS });
    expect(errors).toEqual([]);
    await close();
  });

  it("shows a prompt's versions and the selected version's content as the API gives them", async () => {
    const versions = (await api<{ versions: VersionInfo[] }>(`/api/v1/prompts/${NAME}/versions`)).body.versions;
    expect(versions.map((v) => v.version)).toEqual([2, 1]);
    const v1 = (await api<Version>(`/api/v1/prompts/${NAME}?version=1`)).body;

    const { page, errors, close } = await open(run.browser, adminKey, `/prompts/${NAME}`);
    await page.getByTestId('version-table').waitFor({ timeout: POLL_MS });
    expect((await texts(page, 'version-number')).map((t) => t.replace('▶ ', ''))).toEqual(versions.map((v) => String(v.version)));
    expect(await texts(page, 'version-message')).toEqual(versions.map((v) => v.message));
    expect(await texts(page, 'version-author')).toEqual(versions.map(() => adminKeyId));
    const labelsShown = await page.getByTestId('version-labels').evaluateAll((cells) => cells.map((c) => [...c.querySelectorAll('.pill')].map((p) => p.textContent)));
    expect(labelsShown).toEqual(versions.map((v) => v.labels));
    // A commit message with markup reads as the characters it is.
    expect(await page.locator('b', { hasText: 'and' }).count()).toBe(0);

    // Open version 1 from the table: its messages, model and parameters.
    await page.getByTestId('version-table').locator('tbody tr').nth(1).click();
    await expect.poll(() => page.getByTestId('content-model').textContent(), { timeout: POLL_MS }).toBe(v1.model);
    const messages = await page.getByTestId('content-message').evaluateAll((els) => els.map((e) => ({ role: e.getAttribute('data-role'), content: e.querySelector('pre')!.textContent })));
    expect(messages).toEqual(v1.prompt);
    expect(JSON.parse((await page.getByTestId('content-parameters').textContent())!)).toEqual(v1.parameters);
    expect(await page.getByTestId('content-labels').textContent()).toBe(v1.labels.join(', '));
    expect(new URL(page.url()).searchParams.get('version')).toBe('1');
    expect(errors).toEqual([]);
    await close();
  });

  it('shows the changed lines between two versions, and the model and parameters that changed', async () => {
    const { page, errors, close } = await open(run.browser, adminKey, `/prompts/${NAME}`);
    const diff = page.getByTestId('prompt-diff');
    await diff.waitFor({ timeout: POLL_MS });
    // By default: from the version before the latest to the latest.
    expect([await diff.getAttribute('data-before'), await diff.getAttribute('data-after')]).toEqual(['1', '2']);
    const lines = async (kind: string) => diff.locator(`[data-testid="diff-messages"] [data-kind="${kind}"] .diff-text`).allTextContents();
    expect(await lines('del')).toEqual(['Answer in English.']);
    expect(await lines('add')).toEqual(["Answer in the customer's language.", 'Cite the help centre.']);
    expect(await diff.getByTestId('diff-message').evaluateAll((els) => els.map((e) => e.getAttribute('data-status')))).toEqual(['changed', 'same']);
    expect(await diff.getByTestId('diff-model').textContent()).toBe('Model: gpt-4o-mini → gpt-4o');
    const params = diff.getByTestId('diff-parameters');
    expect(await params.locator('[data-kind="del"] .diff-text').allTextContents()).toEqual(['  "temperature": 0.2']);
    expect(await params.locator('[data-kind="add"] .diff-text').allTextContents()).toEqual(['  "temperature": 0.7']);
    await page.screenshot({ path: join(ARTIFACTS, 'prompts-diff.png'), fullPage: true });

    // The other way round: what was added is removed.
    await page.getByTestId('diff-base').selectOption('2');
    await page.getByTestId('diff-target').selectOption('1');
    await expect.poll(() => diff.getAttribute('data-before'), { timeout: POLL_MS }).toBe('2');
    await expect.poll(() => lines('del'), { timeout: POLL_MS }).toEqual(["Answer in the customer's language.", 'Cite the help centre.']);
    expect(await lines('add')).toEqual(['Answer in English.']);
    expect(new URL(page.url()).searchParams.get('base')).toBe('2');
    expect(errors).toEqual([]);
    await close();
  });

  it("links to the prompt's calls, as many as the trace API finds, and to the comparison of its versions", async () => {
    const traces = (await api<{ total: number }>(`/api/v1/traces?metadata=${encodeURIComponent(`lookout.prompt.name:${NAME}`)}&from=24h`)).body;
    expect(traces.total).toBe(5);
    const { page, errors, close } = await open(run.browser, adminKey, `/prompts/${NAME}`);
    const experiment = page.getByTestId('prompt-experiment-link');
    await experiment.first().waitFor({ timeout: POLL_MS });
    const target = new URL((await experiment.first().getAttribute('href'))!, run.lookout.url);
    expect([target.pathname, target.searchParams.get('by'), target.searchParams.get('prompt'), target.searchParams.get('values'), target.searchParams.get('feature')]).toEqual([
      '/experiments',
      'prompt_version',
      NAME,
      '1,2',
      'support',
    ]);
    expect(await experiment.count()).toBe(1);

    await page.getByTestId('prompt-calls').click();
    await page.waitForURL('**/traces?**');
    expect(new URL(page.url()).searchParams.get('metadata')).toBe(`lookout.prompt.name:${NAME}`);
    await expect.poll(() => page.getByTestId('traces').locator('h3').textContent(), { timeout: POLL_MS }).toBe(`${count(traces.total)} traces matching`);
    expect(errors).toEqual([]);
    await close();
  });

  it('moves a label with an admin key, and shows the refusal of a read key', async () => {
    const admin = await open(run.browser, adminKey, `/prompts/${NAME}`);
    await admin.page.getByTestId('label-move').waitFor({ timeout: POLL_MS });
    expect(await admin.page.getByTestId('labels-read-only').count()).toBe(0);
    await admin.page.getByTestId('label-name').fill('production');
    await admin.page.getByTestId('label-version').selectOption('2');
    await admin.page.getByTestId('label-move').click();
    await expect.poll(() => admin.page.getByTestId('label-outcome').textContent(), { timeout: POLL_MS }).toBe('production now points at version 2.');
    const resolved = (await api<Version>(`/api/v1/prompts/${NAME}?label=production`)).body;
    expect(resolved.version).toBe(2);
    // The page reads the labels again.
    const row = admin.page.getByTestId('version-table').locator('tbody tr').first();
    await expect.poll(() => row.getByTestId('version-labels').locator('.pill').allTextContents(), { timeout: POLL_MS }).toEqual(resolved.labels);
    expect(admin.errors).toEqual([]);
    await admin.close();

    const reader = await open(run.browser, readKey, `/prompts/${NAME}`);
    await reader.page.getByTestId('labels-read-only').waitFor({ timeout: POLL_MS });
    await reader.page.getByTestId('label-name').fill('production');
    await reader.page.getByTestId('label-version').selectOption('1');
    await reader.page.getByTestId('label-move').click();
    const outcome = reader.page.getByTestId('label-outcome');
    await outcome.waitFor({ timeout: POLL_MS });
    // The API's own refusal, as it answers it.
    const refused = await api<{ error: { message: string } }>(`/api/v1/prompts/${NAME}/labels/production`, { method: 'PUT', body: JSON.stringify({ version: 1 }) }, readKey);
    expect(refused.status).toBe(403);
    expect(await outcome.textContent()).toBe(`This key is read-only: ${refused.body.error.message}`);
    expect(await outcome.getAttribute('class')).toContain('bad');
    expect((await api<Version>(`/api/v1/prompts/${NAME}?label=production`)).body.version).toBe(2);
    await reader.page.screenshot({ path: join(ARTIFACTS, 'prompts-label-refused.png'), fullPage: true });
    expect(reader.errors).toEqual([]);
    await reader.close();
  });

  it('explains how to push a prompt when the project has none', async () => {
    expect((await api<{ prompts: unknown[] }>('/api/v1/prompts', {}, emptyProjectKey)).body.prompts).toEqual([]);
    const { page, errors, close } = await open(run.browser, emptyProjectKey, '/prompts');
    const empty = page.getByTestId('prompts-empty');
    await empty.waitFor({ timeout: POLL_MS });
    const text = (await empty.textContent())!;
    expect(text).toContain('lookout prompts push');
    expect(text).toContain('getPrompt(');
    expect(text).toContain('docs/prompts.md');
    expect(await page.getByTestId('prompt-table').count()).toBe(0);
    expect(errors).toEqual([]);
    await close();

    // A prompt that is not there: the API's 404 in words, with the way back to the list.
    const missing = await api<{ error: { message: string } }>('/api/v1/prompts/nope/versions', {}, emptyProjectKey);
    expect(missing.status).toBe(404);
    const notFound = await open(run.browser, emptyProjectKey, '/prompts/nope');
    const error = notFound.page.getByTestId('prompt-versions').locator('.state.error');
    await error.waitFor({ timeout: POLL_MS });
    expect(await error.textContent()).toContain(missing.body.error.message);
    expect(await notFound.page.getByTestId('prompt-page').locator('.breadcrumbs a').first().getAttribute('href')).toBe('/prompts');
    await notFound.close();
  });
});
