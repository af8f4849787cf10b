// Settings → Projects in Debian's chromium (playwright-core) against a `lookout serve` child
// process: the operator deletes a project after typing its id (the button stays disabled until the
// id matches), the project leaves the list and its key stops working, the record of deletions
// shows it done, and the default project offers no delete. A screenshot is written to
// test-artifacts/web/ (or LOOKOUT_E2E_ARTIFACTS).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ARTIFACTS, CHROMIUM, webUiRun } from './web-browser.ts';


const ui = webUiRun('web-projects');

async function ingestKey(project: string): Promise<string> {
  const res = await fetch(`${ui.lookout.url}/api/v1/keys`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ project, scope: 'ingest' }) });
  expect(res.status).toBe(201);
  return ((await res.json()) as { key: string }).key;
}

async function ingest(key: string): Promise<number> {
  const batch = [{ type: 'generation', startTime: new Date(Date.now() - 30_000).toISOString(), durationMs: 300, provider: 'openai', model: 'gpt-4o-mini', usage: { input: 100, output: 10 } }];
  const res = await fetch(`${ui.lookout.url}/api/v1/ingest`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify({ batch }) });
  await res.body?.cancel();
  return res.status;
}

describe.skipIf(!CHROMIUM)('web: settings → projects', () => {
  it('deletes a project once its id is typed; it leaves the list, its key stops working, and the record shows it done', async () => {
    const key = await ingestKey('web-gone');
    await ingestKey('web-kept');
    expect(await ingest(key)).toBe(200);

    const page = await ui.browser.newPage({ viewport: { width: 1440, height: 900 } });
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${ui.lookout.url}/settings`);
    const section = page.getByTestId('settings-projects');
    await section.waitFor();
    await section.getByText('No project deleted yet.').waitFor();
    await page.getByTestId('project-delete-web-gone').waitFor();
    expect(await page.getByTestId('project-delete-default').count()).toBe(0);

    // Cancelled: nothing happens.
    await page.getByTestId('project-delete-web-kept').click();
    await page.getByTestId('project-delete-no').click();
    expect(await page.getByTestId('project-delete-confirm').count()).toBe(0);

    await page.getByTestId('project-delete-web-gone').click();
    expect(await page.getByTestId('project-delete-confirm').textContent()).toContain('web-gone');
    expect(await page.getByTestId('project-delete-yes').isDisabled()).toBe(true);
    await page.getByTestId('project-delete-typed').fill('web-gon');
    expect(await page.getByTestId('project-delete-yes').isDisabled()).toBe(true);
    await page.getByTestId('project-delete-typed').fill('web-gone');
    await page.getByTestId('project-delete-yes').click();
    await page.getByTestId('project-delete-status').getByText('web-gone').waitFor();
    await expect.poll(() => page.getByTestId('project-deletion-status').first().textContent(), { timeout: 20_000 }).toBe('done');
    await expect.poll(() => page.getByTestId('project-delete-web-gone').count(), { timeout: 20_000 }).toBe(0);
    expect(await page.getByTestId('project-delete-web-kept').count()).toBe(1);

    expect(await ingest(key)).toBe(401);
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(ARTIFACTS, 'settings-projects.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);
});
