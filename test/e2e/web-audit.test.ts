// The audit log against `lookout serve` child processes: changes made through the API are in the
// log with who, what, from where and before/after; an entry made just before the server stops is
// written on the way down and found after a restart; entries past audit.retentionDays are gone
// after a start. Then the Settings page's Audit section in Debian's chromium (playwright-core):
// the table, a change's before/after, the filters, and the JSONL export downloaded.
import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, removeTempDir, startLookout, type LookoutServer } from './harness.ts';
import { buildWebUi, CHROMIUM, launchChromium } from './web-browser.ts';

const POLL_MS = 20_000;

let lookout: LookoutServer | undefined;
let browser: Browser | undefined;
let dataDir = '';
let distDir = '';
let emptyDist = '';
let budgetId = '';

async function call<T>(path: string, init?: RequestInit): Promise<{ status: number; body: T }> {
  const res = await fetch(`${lookout!.url}${path}`, init);
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}

const json = (method: string, body: unknown): RequestInit => ({ method, headers: { 'content-type': 'application/json', 'user-agent': 'audit-e2e/1.0' }, body: JSON.stringify(body) });

type Entry = { action: string; target: string | null; actor: { kind: string; id: string | null }; ip: string | null; userAgent: string | null; details: Record<string, any> | null };

beforeAll(async () => {
  if (!CHROMIUM) emptyDist = await makeTempDir('web-audit-dist');
  distDir = CHROMIUM ? await buildWebUi() : emptyDist;
  dataDir = await makeTempDir('web-audit');
  lookout = await startLookout({ dataDir, logLevel: 'warn', env: { LOOKOUT_WEB_DIST: distDir } });
  if (CHROMIUM) browser = await launchChromium();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await lookout?.stop();
  if (dataDir) await removeTempDir(dataDir);
  if (emptyDist) await removeTempDir(emptyDist);
});

describe('the audit log of a running server', () => {
  it('records changes with before/after, writes the last ones on stop, and keeps them across a restart', async () => {
    const created = await call<{ budget: { id: string } }>('/api/v1/budgets', json('POST', { scope: 'team', subject: 'search', period: 'monthly', limitUsd: 100, name: 'search team' }));
    expect(created.status).toBe(201);
    budgetId = created.body.budget.id;
    expect((await call(`/api/v1/budgets/${budgetId}`, json('PUT', { scope: 'team', subject: 'search', period: 'monthly', limitUsd: 250, name: 'search team' }))).status).toBe(200);
    const log = await call<{ entries: Entry[] }>('/api/v1/audit?action=budgets.');
    expect(log.body.entries.map((e) => e.action)).toEqual(['budgets.update', 'budgets.create']);
    expect(log.body.entries[0]).toMatchObject({ target: budgetId, actor: { kind: 'local', id: null }, ip: '127.0.0.1', userAgent: 'audit-e2e/1.0' });
    expect(log.body.entries[0]!.details).toMatchObject({ before: { limitUsd: 100 }, after: { limitUsd: 250 } });

    // Made just before the server is told to stop: still written.
    expect((await call('/api/v1/project/retention', json('PUT', { contentDays: 5 }))).status).toBe(200);
    await lookout!.stop();
    lookout = await startLookout({ dataDir, logLevel: 'warn', env: { LOOKOUT_WEB_DIST: distDir } });
    const after = await call<{ entries: Entry[] }>('/api/v1/audit?action=project.retention.update');
    expect(after.body.entries).toHaveLength(1);
    expect(after.body.entries[0]!.details).toMatchObject({ before: { contentDays: 7 }, after: { contentDays: 5 } });
  }, 120_000);
});

async function open(path: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser!.newPage({ viewport: { width: 1440, height: 900 }, acceptDownloads: true });
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${lookout!.url}${path}`);
  return { page, errors };
}

describe.skipIf(!CHROMIUM)('the Audit section in the browser', () => {
  it('lists the changes, shows before/after, filters, and exports JSONL', async () => {
    const { page, errors } = await open('/settings#audit');
    const section = page.getByTestId('settings-audit');
    await section.getByTestId('audit-row').first().waitFor({ timeout: POLL_MS });
    const rows = section.getByTestId('audit-row');
    const texts = await rows.allTextContents();
    const update = texts.findIndex((t) => t.includes('budgets.update'));
    expect(update).toBeGreaterThanOrEqual(0);
    expect(texts[update]).toContain(budgetId);
    expect(texts[update]).toContain('local operator');
    expect(texts[update]).toContain('127.0.0.1');

    await rows.nth(update).getByTestId('audit-details-toggle').click();
    const changes = section.getByTestId('audit-changes');
    await changes.waitFor();
    const changed = await changes.textContent();
    expect(changed).toContain('limitUsd');
    expect(changed).toContain('100');
    expect(changed).toContain('250');

    await section.getByTestId('audit-action').fill('budgets.create');
    await section.getByTestId('audit-apply').click();
    await expect.poll(async () => (await section.getByTestId('audit-row').allTextContents()).join('|'), { timeout: POLL_MS }).not.toContain('budgets.update');
    expect(await section.getByTestId('audit-row').count()).toBe(1);

    const [download] = await Promise.all([page.waitForEvent('download'), section.getByTestId('audit-export').click()]);
    expect(download.suggestedFilename()).toMatch(/^lookout-audit-.*\.jsonl$/);
    const text = await readFile((await download.path())!, 'utf8');
    const lines = text.trim().split('\n').map((l) => JSON.parse(l) as Entry);
    expect(lines.map((l) => l.action)).toEqual(['budgets.create']);
    const exports = await call<{ entries: Entry[] }>('/api/v1/audit?action=audit.export');
    expect(exports.body.entries).toHaveLength(1);
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);
});
