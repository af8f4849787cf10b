// The Cost page in Debian's chromium (playwright-core) against a `lookout serve` child process
// filled with generated calls whose answers are known: more spend in the range than in the 24 hours
// before it, and nightly jobs (features without sessions or streaming, all their calls within an
// hour) that the batch API would make half as expensive. Each cost tile's change against the
// previous period is the one the analytics API gives for the two ranges, and the recommendations
// panel shows the numbers GET /api/v1/recommendations answers.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { count, usd } from '../../packages/web/src/format.ts';
import { ARTIFACTS, CHROMIUM, webUiRun } from './web-browser.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
// A fixed range, so that the page, its previous period and the test's API calls cover the same
// calls whatever minute the test runs in.
const TO_MS = Math.ceil(Date.now() / HOUR_MS) * HOUR_MS;
const FROM_MS = TO_MS - DAY_MS;
const RANGE = { from: new Date(FROM_MS).toISOString(), to: new Date(TO_MS).toISOString() };
const PREVIOUS = { from: new Date(FROM_MS - DAY_MS).toISOString(), to: RANGE.from };
// The page's answers: the server may share the machine with other work.
const POLL_MS = 20_000;

const run = webUiRun('web-cost');

const spanId = (period: number, i: number) => `c057${period.toString(16).padStart(4, '0')}${i.toString(16).padStart(8, '0')}`;

// Six calls in the range, four in the period before it, priced from the catalog; the range's are
// longer prompts, so spend, cost per call and $ per 1M tokens all move.
function calls(period: 0 | 1, n: number, inputTokens: number) {
  const startMs = (period === 0 ? FROM_MS : FROM_MS - DAY_MS) + 2 * HOUR_MS;
  return Array.from({ length: n }, (_, i) => ({
    type: 'generation',
    traceId: `${spanId(period, i)}${'0'.repeat(16)}`,
    spanId: spanId(period, i),
    startTime: new Date(startMs + i * 60_000).toISOString(),
    durationMs: 900,
    provider: 'openai',
    model: 'gpt-4o',
    feature: 'cost-e2e',
    usage: { input: inputTokens, output: 200 },
    input: `cost e2e prompt ${period} #${i}`,
    output: `cost e2e answer ${period} #${i}`,
  }));
}

// Nightly jobs of different sizes, so that the panel's order is its own and more recommendations
// come than the panel shows before "Show all".
const NIGHTLY_CALLS = 12;
const OTHER_JOBS = 6;
const OTHER_JOB_CALLS = 10;
const job = (tag: number, feature: string, model: string, n: number, usage: { input: number; output: number }) =>
  Array.from({ length: n }, (_, i) => ({
    type: 'generation',
    traceId: `${spanId(tag, i)}${'0'.repeat(16)}`,
    spanId: spanId(tag, i),
    startTime: new Date(FROM_MS + 4 * HOUR_MS + i * 120_000).toISOString(),
    durationMs: 4000,
    provider: 'openai',
    model,
    feature,
    usage,
  }));
const nightly = [
  ...job(9, 'nightly-report', 'gpt-4o-mini', NIGHTLY_CALLS, { input: 20_000, output: 1500 }),
  ...Array.from({ length: OTHER_JOBS }, (_, j) => job(10 + j, `nightly-export-${j}`, 'gpt-4o', OTHER_JOB_CALLS, { input: 1000 * (j + 1), output: 500 })).flat(),
];
// The panel's cards before "Show all" (SHOWN_FIRST in pages/cost/Recommendations.tsx).
const SHOWN_FIRST = 5;

beforeAll(async () => {
  if (!CHROMIUM) return;
  const batch = [...calls(0, 6, 3000), ...calls(1, 4, 1000), ...nightly];
  const res = await fetch(`${run.lookout.url}/api/v1/ingest`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ batch }) });
  expect(res.status, await res.text()).toBe(200);
}, 60_000);

async function apiJson<T>(path: string, query: Record<string, string>): Promise<T> {
  const res = await fetch(`${run.lookout.url}${path}?${new URLSearchParams(query)}`);
  expect(res.status, path).toBe(200);
  return (await res.json()) as T;
}

type Row = Record<string, number | null>;
const totals = async (range: { from: string; to: string }, measures: string, filter?: string) =>
  (await apiJson<{ rows: Row[] }>('/api/v1/analytics/query', { measures, ...range, ...(filter ? { filter } : {}) })).rows[0] ?? {};

// What a tile says for a change: the arrow, the signed percentage with one decimal, the period.
function changeText(now: number, before: number, what: string): string {
  const ratio = (now - before) / before;
  const arrow = Math.abs(ratio) < 0.005 ? '●' : ratio > 0 ? '▲' : '▼';
  return `${arrow} ${ratio > 0 ? '+' : ''}${(ratio * 100).toFixed(1)}% vs the previous ${what}`;
}

async function open(path: string): Promise<{ page: Page; errors: string[] }> {
  const page = await run.browser.newPage({ viewport: { width: 1440, height: 900 } });
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${run.lookout.url}${path}`);
  return { page, errors };
}

describe.skipIf(!CHROMIUM)('the Cost page in the browser', () => {
  it("shows each cost tile's change against the previous period as the API gives it for both ranges", async () => {
    const now = await totals(RANGE, 'cost,requests,cost_per_request,usd_per_mtok');
    const before = await totals(PREVIOUS, 'cost,requests,cost_per_request,usd_per_mtok');
    expect(now.requests).toBe(6 + NIGHTLY_CALLS + OTHER_JOBS * OTHER_JOB_CALLS);
    expect(before.requests).toBe(4);
    expect(now.cost).toBeGreaterThan(before.cost!);

    const { page, errors } = await open(`/cost?${new URLSearchParams(RANGE)}`);
    const tile = (id: string) => page.getByTestId(id).textContent();
    await expect.poll(() => tile('cost-total-change'), { timeout: POLL_MS }).toBe(changeText(now.cost!, before.cost!, '24 h'));
    await expect.poll(() => tile('cost-per-call-change'), { timeout: POLL_MS }).toBe(changeText(now.cost_per_request!, before.cost_per_request!, '24 h'));
    await expect.poll(() => tile('cost-per-mtok-change'), { timeout: POLL_MS }).toBe(changeText(now.usd_per_mtok!, before.usd_per_mtok!, '24 h'));
    // No judge ran in either period: said in words, not as a percentage of nothing.
    await expect.poll(() => tile('evaluation-cost-change'), { timeout: POLL_MS }).toBe('none in the previous 24 h either');

    // The overview's cost tiles read the same.
    const overview = await open(`/?${new URLSearchParams(RANGE)}`);
    await expect.poll(() => overview.page.getByTestId('stat-total-cost-change').textContent(), { timeout: POLL_MS }).toBe(changeText(now.cost!, before.cost!, '24 h'));
    await expect
      .poll(() => overview.page.getByTestId('stat-cost-per-call-change').textContent(), { timeout: POLL_MS })
      .toBe(changeText(now.cost_per_request!, before.cost_per_request!, '24 h'));
    expect([...errors, ...overview.errors]).toEqual([]);
    await page.close();
    await overview.page.close();
  });
});

type Recs = {
  totals: { monthlySavingsUsd: number };
  recommendations: {
    id: string;
    title: string;
    monthlySavingsUsd: number;
    weeklySavingsUsd: number;
    annualSavingsUsd: number;
    formula: string;
    confidence: string;
    confidenceReason: string;
    evidence: { calls: number; sampleTraceIds: string[] };
  }[];
};

describe.skipIf(!CHROMIUM)('the recommendations panel in the browser', () => {
  it("shows the API's recommendations, largest saving first, with their savings, formula, confidence and evidence", async () => {
    const api = await apiJson<Recs>('/api/v1/recommendations', RANGE);
    // The nightly job is there, at the batch discount of its known cost, over a one-day range.
    const rec = api.recommendations.find((r) => r.id === 'batch_api:feature=nightly-report:openai');
    expect(rec, JSON.stringify(api)).toBeDefined();
    const jobCost = (await totals(RANGE, 'cost,requests', 'feature:nightly-report')).cost!;
    expect(rec!.monthlySavingsUsd).toBeCloseTo(jobCost * 0.5 * 30, 6);
    expect(rec!.weeklySavingsUsd).toBeCloseTo((rec!.monthlySavingsUsd * 7) / 30, 6);
    expect(rec!.confidence).toBe('high');
    expect(rec!.evidence.calls).toBe(NIGHTLY_CALLS);
    expect(api.recommendations.map((r) => r.id)).toContain('batch_api:feature=nightly-export-0:openai');
    expect(api.recommendations.length).toBeGreaterThan(SHOWN_FIRST);

    const { page, errors } = await open(`/cost?${new URLSearchParams(RANGE)}`);
    const panel = page.getByTestId('recommendations');
    await panel.getByTestId('recommendation-list').waitFor({ timeout: POLL_MS });
    expect(await panel.getByTestId('recommendations-total').textContent()).toBe(usd(api.totals.monthlySavingsUsd));
    const shown = panel.getByTestId('recommendation');
    // The largest savings first; the rest one click away.
    const sorted = [...api.recommendations].sort((a, b) => b.monthlySavingsUsd - a.monthlySavingsUsd);
    expect(await shown.evaluateAll((cards) => cards.map((c) => c.getAttribute('data-id')))).toEqual(sorted.slice(0, SHOWN_FIRST).map((r) => r.id));
    await panel.getByTestId('recommendations-more').click();
    await expect.poll(() => shown.count(), { timeout: POLL_MS }).toBe(api.recommendations.length);
    for (const [i, r] of sorted.entries()) {
      const card = shown.nth(i);
      expect(await card.getAttribute('data-id')).toBe(r.id);
      expect(await card.locator('.rec-title').textContent()).toBe(r.title);
      expect(await card.getByTestId('rec-monthly').textContent()).toBe(usd(r.monthlySavingsUsd));
      expect(await card.getByTestId('rec-weekly').textContent()).toBe(usd(r.weeklySavingsUsd));
      expect(await card.getByTestId('rec-annual').textContent()).toBe(usd(r.annualSavingsUsd));
      expect(await card.getByTestId('rec-formula').textContent()).toBe(r.formula);
      expect(await card.getByTestId('rec-confidence').textContent()).toBe(`${r.confidence} confidence ${r.confidenceReason}`);
      expect(await card.getByTestId('rec-calls').textContent()).toBe(count(r.evidence.calls));
      const links = card.getByTestId('rec-trace');
      expect(await links.evaluateAll((as) => as.map((a) => a.getAttribute('href')))).toEqual(r.evidence.sampleTraceIds.map((id) => `/traces/${id}`));
    }

    // A sample trace opens in the trace view.
    const card = shown.nth(sorted.findIndex((r) => r.id === rec!.id));
    await card.locator('summary').click();
    await page.screenshot({ path: join(ARTIFACTS, 'cost-recommendations.png'), fullPage: true });
    await card.getByTestId('rec-trace').first().click();
    await page.waitForURL(`**/traces/${rec!.evidence.sampleTraceIds[0]}`, { timeout: POLL_MS });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('says why the list is empty when the range has no calls', async () => {
    const empty = { from: new Date(FROM_MS - 10 * DAY_MS).toISOString(), to: new Date(FROM_MS - 9 * DAY_MS).toISOString() };
    expect((await apiJson<Recs>('/api/v1/recommendations', empty)).recommendations).toEqual([]);
    const { page, errors } = await open(`/cost?${new URLSearchParams(empty)}`);
    await expect.poll(() => page.getByTestId('recommendations-empty').textContent(), { timeout: POLL_MS }).toContain('No calls in this range to analyse');
    expect(errors).toEqual([]);
    await page.close();
  });
});
