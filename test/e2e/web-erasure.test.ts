// Settings → Erasure in Debian's chromium (playwright-core) against a `lookout serve` child
// process: a user erased from the form (after its confirmation) is gone from the API, the audit
// list shows the erasure done with what it deleted and without the user's id, and cancelling the
// confirmation erases nothing. A screenshot is written to test-artifacts/web/ (or
// LOOKOUT_E2E_ARTIFACTS).
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ARTIFACTS, CHROMIUM, webUiRun } from './web-browser.ts';

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

const ui = webUiRun('web-erasure');

async function ingest(user: string, traces: number): Promise<void> {
  const batch = Array.from({ length: traces }, (_, i) => ({
    type: 'generation',
    traceId: hex(16),
    spanId: hex(8),
    startTime: new Date(Date.now() - 30_000 - i * 1_000).toISOString(),
    durationMs: 300,
    provider: 'openai',
    model: 'gpt-4o-mini',
    userId: user,
    usage: { input: 100, output: 10 },
  }));
  const res = await fetch(`${ui.lookout.url}/api/v1/ingest`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ batch }) });
  expect(res.status).toBe(200);
}

async function spansOf(user: string): Promise<number> {
  const res = await fetch(`${ui.lookout.url}/api/v1/spans?userId=${encodeURIComponent(user)}&limit=100`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { spans: unknown[] }).spans.length;
}

describe.skipIf(!CHROMIUM)('web: settings → erasure', () => {
  it('erases a user from the form after confirming, and lists the erasure done without the id; cancelling erases nothing', async () => {
    const erased = `web-erased-${hex(4)}`;
    const kept = `web-kept-${hex(4)}`;
    await ingest(erased, 3);
    await ingest(kept, 2);

    const page = await ui.browser.newPage({ viewport: { width: 1440, height: 900 } });
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${ui.lookout.url}/settings#erasure`);
    const section = page.getByTestId('settings-erasure');
    await section.waitFor();
    await section.getByText('No erasures yet.').waitFor();

    // Cancelled: nothing is asked of the server.
    await page.getByTestId('erasure-id').fill(kept);
    await page.getByTestId('erasure-submit').click();
    await page.getByTestId('erasure-confirm').waitFor();
    expect(await page.getByTestId('erasure-confirm').textContent()).toContain(kept);
    await page.getByTestId('erasure-confirm-no').click();
    expect(await page.getByTestId('erasure-confirm').count()).toBe(0);

    await page.getByTestId('erasure-id').fill(erased);
    await page.getByTestId('erasure-submit').click();
    await page.getByTestId('erasure-confirm-yes').click();
    await page.getByTestId('erasure-status').getByText('started').waitFor();
    // The list follows the job until it is done.
    await expect.poll(() => page.getByTestId('erasure-row-status').first().textContent(), { timeout: 20_000 }).toBe('done');
    expect(await page.getByTestId('erasure-row-counts').first().textContent()).toBe('3 spans, 0 scores, 0 logs');
    expect(await page.getByTestId('erasure-row-status').count()).toBe(1);
    expect(await section.textContent()).not.toContain(erased);

    expect(await spansOf(erased)).toBe(0);
    expect(await spansOf(kept)).toBe(2);
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(ARTIFACTS, 'settings-erasure.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);
});
