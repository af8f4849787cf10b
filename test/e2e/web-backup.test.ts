// Settings → Backup in Debian's chromium (playwright-core) against a `lookout serve` child
// process: Back up now writes a backup under the server's data directory and the page names the
// directory, which holds the database and its manifest; a store without local backups (the
// API's 409, as ClickHouse answers) shows the API's message and where to read on; a read key is
// told why it cannot back up. A screenshot is written to test-artifacts/web/ (or
// LOOKOUT_E2E_ARTIFACTS).
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ARTIFACTS, CHROMIUM, webUiRun } from './web-browser.ts';

const ui = webUiRun('web-backup');

function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    // The stubbed 409 below is logged by the browser as a failed resource.
    if (m.type() === 'error' && !/status of 409/.test(m.text())) errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

describe.skipIf(!CHROMIUM)('web: settings → backup', () => {
  it('Back up now writes a backup under the data directory and names it; a 409 shows the API message; a read key is told why not', async () => {
    const page = await ui.browser.newPage({ viewport: { width: 1440, height: 900 } });
    const errors = watchErrors(page);
    await page.goto(`${ui.lookout.url}/settings#backup`);
    const section = page.getByTestId('settings-backup');
    await section.waitFor();
    expect(await page.getByTestId('backup-not-operator').count()).toBe(0);

    await page.getByTestId('backup-run').click();
    await page.getByTestId('backup-result').waitFor({ timeout: 60_000 });
    const dir = (await page.getByTestId('backup-dir').textContent())!.trim();
    // The directory named is a new one under the server's data directory, holding the database
    // and the manifest that lists what the page says was copied.
    const under = relative(ui.dataDir, dir);
    expect(under.split(sep)[0]).toBe('backups');
    expect(under.split(sep)).toHaveLength(2);
    expect(existsSync(join(dir, 'lookout.duckdb'))).toBe(true);
    const manifest = JSON.parse(await readFile(join(dir, 'lookout-backup.json'), 'utf8')) as { format: number; files: string[] };
    expect(manifest.format).toBe(1);
    expect(manifest.files.length).toBeGreaterThan(0);
    const listed = await page.getByTestId('backup-files').textContent();
    expect(listed).toContain(`${manifest.files.length} ${manifest.files.length === 1 ? 'entry' : 'entries'}`);
    expect(listed).toContain(manifest.files[0]);
    expect(await page.getByTestId('backup-result').textContent()).toMatch(/in \d+ ms/);
    expect(await section.textContent()).toContain('lookout restore DIR --data-dir D');
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(ARTIFACTS, 'settings-backup.png'), fullPage: true });
    await section.screenshot({ path: join(ARTIFACTS, 'settings-backup-section.png') });

    // A store without local backups: the server's 409 as the API words it.
    const refusal = 'lookout backup covers the embedded DuckDB store; this server stores on clickhouse: back it up with its own tools (docs/data-lifecycle.md#backup-and-restore)';
    await page.route('**/api/v1/admin/backup', (route) =>
      route.fulfill({ status: 409, contentType: 'application/json', body: JSON.stringify({ error: { code: 'conflict', message: refusal, retryable: false } }) }),
    );
    await page.getByTestId('backup-run').click();
    await page.getByTestId('backup-unsupported').waitFor();
    expect(await page.getByTestId('backup-unsupported').textContent()).toContain(refusal);
    expect(await page.getByTestId('backup-doc-link').getAttribute('href')).toMatch(/^https:\/\//);
    expect(await page.getByTestId('backup-result').count()).toBe(0);
    await section.screenshot({ path: join(ARTIFACTS, 'settings-backup-unsupported.png') });
    expect(errors).toEqual([]);
    await page.close();

    // A read key: no button, and the reason.
    const created = await fetch(`${ui.lookout.url}/api/v1/keys`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ scope: 'read', name: 'web-backup' }) });
    expect(created.status).toBe(201);
    const readKey = ((await created.json()) as { key: string }).key;
    const context = await ui.browser.newContext({ viewport: { width: 1440, height: 900 } });
    await context.addInitScript((key) => sessionStorage.setItem('lookout.apiKey', key), readKey);
    const readPage = await context.newPage();
    await readPage.goto(`${ui.lookout.url}/settings#backup`);
    await readPage.getByTestId('backup-not-operator').waitFor({ timeout: 20_000 });
    expect(await readPage.getByTestId('backup-run').count()).toBe(0);
    expect(await readPage.getByTestId('backup-not-operator').textContent()).toContain('operator');
    await context.close();
  }, 180_000);
});
