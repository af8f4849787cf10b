// Retention against a `lookout serve` child process: calls sent through the native API with start
// times 1, 10 and 40 days old; a run (POST /api/v1/project/retention/run) strips the text of the
// warm ones, deletes the cold ones, and the analytics still answer the same totals from the hourly
// totals and say so. Then the Settings page's Retention section in Debian's chromium
// (playwright-core): the tiers with their defaults and the last run, an edit saved, a run started
// from the page, and the Cost page's notice for a range past retention.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, removeTempDir, startLookout, type LookoutServer } from './harness.ts';
import { buildWebUi, CHROMIUM, launchChromium } from './web-browser.ts';

const DAY_MS = 86_400_000;
const AGES_DAYS = [1, 10, 40];
const CALLS_PER_AGE = 4;
// A save or a run from the page: the server may share the machine with other work.
const POLL_MS = 20_000;

let lookout: LookoutServer | undefined;
let browser: Browser | undefined;
let dataDir = '';
let emptyDist = '';

const spanId = (age: number, i: number) => `${age.toString(16).padStart(8, '0')}${i.toString(16).padStart(8, '0')}`;

beforeAll(async () => {
  if (!CHROMIUM) emptyDist = await makeTempDir('web-retention-dist');
  const distDir = CHROMIUM ? await buildWebUi() : emptyDist;
  dataDir = await makeTempDir('web-retention');
  lookout = await startLookout({ dataDir, logLevel: 'warn', env: { LOOKOUT_WEB_DIST: distDir, LOOKOUT_RETENTION_CONTENT: '3', LOOKOUT_RETENTION_SPANS: '20' } });
  const nowMs = Date.now();
  const batch = AGES_DAYS.flatMap((age) =>
    Array.from({ length: CALLS_PER_AGE }, (_, i) => ({
      type: 'generation',
      traceId: `${spanId(age, i)}${'0'.repeat(16)}`,
      spanId: spanId(age, i),
      startTime: new Date(nowMs - age * DAY_MS + i * 60_000).toISOString(),
      durationMs: 800,
      provider: 'openai',
      model: 'gpt-4o',
      usage: { input: 1000 * (i + 1), output: 100 },
      input: `retention-marker prompt ${age}d #${i}`,
      output: `retention-marker answer ${age}d #${i}`,
    })),
  );
  const res = await fetch(`${lookout.url}/api/v1/ingest`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ batch }) });
  expect(res.status, await res.text()).toBe(200);
  if (CHROMIUM) browser = await launchChromium();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await lookout?.stop();
  if (dataDir) await removeTempDir(dataDir);
  if (emptyDist) await removeTempDir(emptyDist);
});

async function call<T>(path: string, init?: RequestInit): Promise<{ status: number; body: T }> {
  const res = await fetch(`${lookout!.url}${path}`, init);
  return { status: res.status, body: (await res.json()) as T };
}

type Totals = { rows: { cost: number; requests: number; total_tokens: number }[]; retention?: { spansFrom: string; answeredFromRollups: boolean; partial: boolean } | null };
const totalsOver60Days = () => {
  const to = new Date(Math.ceil(Date.now() / 60_000) * 60_000 + 60_000);
  const from = new Date(to.getTime() - 60 * DAY_MS);
  return call<Totals>(`/api/v1/analytics/query?measures=cost,requests,total_tokens&from=${from.toISOString()}&to=${to.toISOString()}`);
};

describe('retention on a running server', () => {
  it('strips content after the hot window, deletes calls after the warm one, and the totals still answer', async () => {
    const before = await totalsOver60Days();
    expect(before.status).toBe(200);
    expect(before.body.rows[0]!.requests).toBe(AGES_DAYS.length * CALLS_PER_AGE);
    expect(before.body.retention ?? null).toBeNull();

    const settings = await call<{ contentDays: number; spansDays: number; rollupsDays: number; isDefault: Record<string, boolean> }>('/api/v1/project/retention');
    expect(settings.body).toMatchObject({ contentDays: 3, spansDays: 20, rollupsDays: 400, isDefault: { contentDays: true, spansDays: true, rollupsDays: true } });

    const run = await call<{ contentStripped: { spans: number }; deleted: { spans: number }; error: string | null }>('/api/v1/project/retention/run', { method: 'POST' });
    expect(run.status).toBe(200);
    expect(run.body).toMatchObject({ error: null, contentStripped: { spans: 2 * CALLS_PER_AGE }, deleted: { spans: CALLS_PER_AGE } });

    const hot = await call<{ content: unknown }>(`/api/v1/spans/${spanId(1, 0)}`);
    expect(hot.body.content).toEqual({ input: 'retention-marker prompt 1d #0', output: 'retention-marker answer 1d #0' });
    const warm = await call<{ content: unknown; promptHash: string | null }>(`/api/v1/spans/${spanId(10, 0)}`);
    expect(warm.status).toBe(200);
    expect(warm.body.content).toBeNull();
    expect(warm.body.promptHash).toMatch(/^[0-9a-f]{32}$/);
    expect((await call(`/api/v1/spans/${spanId(40, 0)}`)).status).toBe(404);
    const listed = await call<{ spans: { spanId: string }[] }>(`/api/v1/spans?limit=100&from=${new Date(Date.now() - 60 * DAY_MS).toISOString()}`);
    expect(listed.body.spans.map((s) => s.spanId).sort()).toEqual(AGES_DAYS.filter((a) => a < 20).flatMap((a) => Array.from({ length: CALLS_PER_AGE }, (_, i) => spanId(a, i))).sort());

    // Same totals over the range, the deleted calls' part from the hourly totals, and said so.
    const after = await totalsOver60Days();
    expect(after.body.rows).toEqual(before.body.rows);
    expect(after.body.retention).toMatchObject({ answeredFromRollups: true, partial: false });

    const metrics = await (await fetch(`${lookout!.url}/metrics`)).text();
    expect(metrics).toContain(`lookout_retention_deleted_rows_total{tier="spans"} ${CALLS_PER_AGE}`);
    expect(metrics).toContain(`lookout_retention_deleted_rows_total{tier="content"} ${2 * CALLS_PER_AGE}`);
  });
});

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

describe.skipIf(!CHROMIUM)('the Retention settings in the browser', () => {
  it('shows the tiers, their defaults and the last run; saves an edit and runs from the page', async () => {
    const { page, errors } = await open('/settings#retention');
    const section = page.getByTestId('settings-retention');
    await section.getByTestId('retention-tiers').waitFor();
    expect(await section.getByTestId('retention-contentDays').inputValue()).toBe('3');
    expect(await section.getByTestId('retention-spansDays').inputValue()).toBe('20');
    expect(await section.getByTestId('retention-rollupsDays').inputValue()).toBe('400');
    expect(await section.getByTestId('retention-spansDays-default').textContent()).toBe('default');
    // The run of the test above.
    expect(await section.getByTestId('retention-last-spans').textContent()).toContain(`Deleted ${CALLS_PER_AGE} calls`);

    // A tier out of order is refused with the server's message, and nothing changes.
    await section.getByTestId('retention-spansDays').fill('500');
    await section.getByTestId('retention-save').click();
    await expect.poll(() => section.getByTestId('retention-status').textContent(), { timeout: POLL_MS }).toContain('spansDays: must not exceed rollupsDays (400)');

    await section.getByTestId('retention-spansDays').fill('5');
    await section.getByTestId('retention-save').click();
    await expect.poll(() => section.getByTestId('retention-status').textContent(), { timeout: POLL_MS }).toContain('Saved');
    expect(await section.getByTestId('retention-spansDays-default').textContent()).toContain('default 20');
    const answer = await call<{ spansDays: number; isDefault: { spansDays: boolean } }>('/api/v1/project/retention');
    expect(answer.body).toMatchObject({ spansDays: 5, isDefault: { spansDays: false } });

    // Run now: the 10-day-old calls are past 5 days and go.
    await section.getByTestId('retention-run').click();
    await expect.poll(() => section.getByTestId('retention-status').textContent(), { timeout: POLL_MS }).toContain('Done');
    await expect.poll(() => section.getByTestId('retention-last-spans').textContent(), { timeout: POLL_MS }).toContain(`Deleted ${CALLS_PER_AGE} calls`);
    expect((await call(`/api/v1/spans/${spanId(10, 0)}`)).status).toBe(404);
    expect((await call(`/api/v1/spans/${spanId(1, 0)}`)).status).toBe(200);
    // The browser logs the refused save's 400; nothing else went wrong.
    expect(errors.filter((e) => !e.includes('status of 400'))).toEqual([]);
    await page.close();
  });

  it('tells on the Cost page that a range reaches past retention', async () => {
    const { page, errors } = await open('/cost?range=30d');
    const notice = page.getByTestId('retention-notice');
    await notice.waitFor();
    expect(await notice.textContent()).toContain('come from the hourly totals');
    const within = await open('/cost?range=24h');
    await within.page.getByTestId('cost-total').waitFor();
    await within.page.waitForTimeout(500);
    expect(await within.page.getByTestId('retention-notice').count()).toBe(0);
    expect([...errors, ...within.errors]).toEqual([]);
    await page.close();
    await within.page.close();
  });
});
