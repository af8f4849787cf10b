// `lookout demo` traffic and the cost recommendations: the demo is built to yield every kind
// (docs/cost.md#what-lookout-demo-yields). After a real demo run against a `lookout serve` child
// process: GET /api/v1/recommendations lists each kind with a monthly saving, its formula and
// sample traces that open; the figures of the demo's own story are checked against the catalog's
// prices (the catalog package's calculator) and the analytics API; `lookout report
// recommendations` prints the same figures; and, where Debian's chromium is installed, the Cost
// page's panel shows the API's numbers.
import { calcPrice } from '@pydantic/genai-prices';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NIGHTLY_FEATURE } from '../../packages/server/src/cli/demo/model.ts';
import type { DemoSummary } from '../../packages/server/src/cli/demo/types.ts';
import { count, usd } from '../../packages/web/src/format.ts';
import { makeTempDir, pollUntil, removeTempDir, runLookout, startLookout, sumSamples, type LookoutServer } from './harness.ts';
import { buildWebUi, CHROMIUM, launchChromium } from './web-browser.ts';

const DAY_MS = 86_400_000;
const RANGE_DAYS = 8;
// The kinds the demo's traffic is built to yield.
const KINDS = ['cheaper_model', 'prompt_caching', 'response_caching', 'oversized_prompt', 'batch_api'] as const;

interface Rec {
  id: string;
  kind: string;
  title: string;
  feature: string | null;
  model: string | null;
  monthlySavingsUsd: number;
  weeklySavingsUsd: number;
  annualSavingsUsd: number;
  monthlySavingsUsdDecimal: string;
  formula: string;
  confidence: string;
  confidenceReason: string;
  evidence: { calls: number; sampleTraceIds: string[]; figures: Record<string, number | string | null> };
  applied: { since: string; realisedMonthlySavingsUsd: number; estimatedMonthlySavingsUsd: number } | null;
}
interface Recs {
  fromMs: number;
  toMs: number;
  totals: { monthlySavingsUsd: number };
  recommendations: Rec[];
}

let server: LookoutServer | undefined;
let browser: Browser | undefined;
let dataDir = '';
let summary: DemoSummary;
let range: { from: string; to: string };

async function getJson<T>(path: string, query: Record<string, string> = {}): Promise<T> {
  const res = await fetch(`${server!.url}${path}?${new URLSearchParams(query)}`);
  expect(res.status, `${path}: ${await res.clone().text()}`).toBe(200);
  return (await res.json()) as T;
}

const recommendations = () => getJson<Recs>('/api/v1/recommendations', range);
// What may differ between two reads of one range: nothing, once the judge is done.
const figures = (r: Recs) => r.recommendations.map((x) => [x.id, x.monthlySavingsUsdDecimal, x.formula, x.confidence, x.confidenceReason].join(' | '));

beforeAll(async () => {
  dataDir = await makeTempDir('demo-recommendations');
  const distDir = CHROMIUM ? await buildWebUi() : undefined;
  server = await startLookout({ dataDir, logLevel: 'warn', env: distDir ? { LOOKOUT_WEB_DIST: distDir } : {} });
  const demo = await runLookout(['demo', '--url', server.url], { timeoutMs: 180_000 });
  expect(demo.code, `lookout demo failed\n${demo.output}`).toBe(0);
  summary = JSON.parse(demo.stdout.trim().split('\n').at(-1)!) as DemoSummary;
  // The demo judge scores a sample over the next minute; scores move the cheaper-model
  // comparisons, so the figures are read once it is done: its queue empty and no new evaluation
  // between two reads.
  let last = -1;
  await pollUntil(
    'the demo judge to finish',
    async () => {
      const metrics = await (await fetch(`${server!.url}/metrics`)).text();
      const judged = metrics.split('\n').filter((l) => l.startsWith('lookout_evaluations_total{kind="llm_judge"')).reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0);
      const idle = sumSamples(metrics, 'lookout_judge_queue_depth').sum === 0 && judged > 0 && judged === last;
      last = judged;
      return idle ? true : undefined;
    },
    { timeoutMs: 150_000, intervalMs: 3_000 },
  );
  const toMs = Date.now();
  range = { from: new Date(toMs - RANGE_DAYS * DAY_MS).toISOString(), to: new Date(toMs).toISOString() };
  if (CHROMIUM) browser = await launchChromium();
}, 400_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (dataDir) await removeTempDir(dataDir);
});

// A call's price on `model` by the catalog package's own calculator, from Lookout's
// non-overlapping buckets (the calculator wants cache tokens inside the input).
function catalogNano(model: string, u: { input: number; output: number; cacheRead: number; cacheWrite: number; reasoning: number }): number {
  const price = calcPrice(
    { input_tokens: u.input + u.cacheRead + u.cacheWrite, cache_read_tokens: u.cacheRead, cache_write_tokens: u.cacheWrite, output_tokens: u.output + u.reasoning },
    model,
    { providerId: 'openai' },
  );
  expect(price, model).not.toBeNull();
  return price!.total_price * 1e9;
}

describe('lookout demo and the cost recommendations', () => {
  it('lists every kind the demo is built to yield, each with a monthly saving, a formula and sample traces that open', async () => {
    const api = await recommendations();
    const kinds = new Set(api.recommendations.map((r) => r.kind));
    for (const kind of KINDS) expect(kinds.has(kind), `${kind} in ${[...kinds]}`).toBe(true);
    for (const kind of KINDS) {
      const recs = api.recommendations.filter((r) => r.kind === kind);
      const top = recs[0]!;
      expect(top.monthlySavingsUsd, top.id).toBeGreaterThan(0);
      expect(top.formula).toMatch(/\$\d/);
      expect(top.evidence.calls).toBeGreaterThan(0);
      expect(top.evidence.sampleTraceIds.length, top.id).toBeGreaterThan(0);
      for (const traceId of top.evidence.sampleTraceIds) expect((await fetch(`${server!.url}/api/v1/traces/${traceId}`)).status, `${top.id}: trace ${traceId}`).toBe(200);
      for (const r of recs) {
        expect(r.weeklySavingsUsd).toBeCloseTo((r.monthlySavingsUsd * 7) / 30, 8);
        expect(r.annualSavingsUsd).toBeCloseTo((r.monthlySavingsUsd * 365) / 30, 6);
      }
    }
    expect(api.totals.monthlySavingsUsd).toBeCloseTo(api.recommendations.reduce((s, r) => s + r.monthlySavingsUsd, 0), 6);
  });

  it("finds the demo's story: the nightly job for the batch API, its oversized prompts, its move to gpt-4o-mini, and the big model whose quality a cheaper one matches", async () => {
    const api = await recommendations();
    const byId = (id: string) => {
      const r = api.recommendations.find((x) => x.id === id);
      expect(r, `${id} in ${api.recommendations.map((x) => x.id).join(', ')}`).toBeDefined();
      return r!;
    };
    const job = summary.scenario.nightlyJob;
    expect(job).toMatchObject({ feature: NIGHTLY_FEATURE, fromModel: 'gpt-4o', toModel: 'gpt-4o-mini' });
    // A night counts when its run (at the hour, started up to 2 minutes late) is in the demo's
    // range: one a day, one fewer or more when the range ends near that hour.
    const nights = { sure: 0, maybe: 0 };
    for (let day = Math.floor(summary.fromMs / DAY_MS) - 1; day * DAY_MS < summary.toMs; day++) {
      const at = day * DAY_MS + job.hourUtc * 3_600_000;
      if (at >= summary.fromMs && at + 120_000 < summary.toMs) nights.sure++;
      if (at + 120_000 >= summary.fromMs && at < summary.toMs) nights.maybe++;
    }
    expect(job.nights).toBeGreaterThanOrEqual(Math.max(2, nights.sure));
    expect(job.nights).toBeLessThanOrEqual(nights.maybe);
    const jobCost = (await getJson<{ rows: { cost: number }[] }>('/api/v1/analytics/query', { ...range, measures: 'cost', filter: `feature:${NIGHTLY_FEATURE}` })).rows[0]!.cost;

    // Batch API: nobody waits on the nightly job, all of it at 02:00 UTC.
    const batch = byId(`batch_api:feature=${NIGHTLY_FEATURE}:openai`);
    expect(batch.confidence).toBe('high');
    expect(batch.evidence.figures).toMatchObject({ calls: job.calls, batchDiscount: 0.5, burstShare: 1 });
    expect(batch.monthlySavingsUsd).toBeCloseTo((jobCost * 0.5 * 30) / RANGE_DAYS, 6);

    // Oversized prompt: every ticket of the day pasted in full for a short digest.
    const oversized = byId(`oversized_prompt:feature=${NIGHTLY_FEATURE}:ratio`);
    expect(oversized.monthlySavingsUsd).toBeGreaterThan(0);
    expect(Number(oversized.evidence.figures.ratio)).toBeGreaterThan(3 * Number(oversized.evidence.figures.medianFeatureRatio));

    // Applied: the move to gpt-4o-mini on the day the summary names, with what it realised.
    const applied = byId(`cheaper_model:feature=${NIGHTLY_FEATURE}:gpt-4o→gpt-4o-mini`);
    expect(applied.monthlySavingsUsd).toBe(0);
    expect(applied.applied!.since).toBe(new Date(job.movedMs!).toISOString());
    expect(applied.applied!.realisedMonthlySavingsUsd).toBeGreaterThan(0);
    expect(applied.applied!.estimatedMonthlySavingsUsd).toBeGreaterThan(0);

    // Cheaper model backed by quality: support-chat's share on gpt-4o scores as gpt-4o-mini's does.
    const cheaper = byId('cheaper_model:feature=support-chat:gpt-4o→gpt-4o-mini');
    expect(['high', 'medium']).toContain(cheaper.confidence);
    const f = cheaper.evidence.figures as Record<string, number>;
    expect(Math.abs(f.targetScoreAvg - f.scoreAvg)).toBeLessThanOrEqual(0.05);
    const avg = { input: f.avgInputTokens, output: f.avgOutputTokens, cacheRead: f.avgCacheReadTokens, cacheWrite: f.avgCacheWriteTokens, reasoning: f.avgReasoningTokens };
    expect(Math.abs(f.costPerCallOnTargetNano - catalogNano('gpt-4o-mini', avg))).toBeLessThanOrEqual(1);
    expect(cheaper.monthlySavingsUsd).toBeCloseTo(((f.costPerCallNano - f.costPerCallOnTargetNano) * f.calls * 30) / RANGE_DAYS / 1e9, 8);

    // Prompt and response caching: the code-review agent sending the same prompt at every step.
    for (const kind of ['prompt_caching', 'response_caching']) {
      expect(api.recommendations.some((r) => r.kind === kind && r.feature === 'code-review' && r.monthlySavingsUsd > 0), kind).toBe(true);
    }
    const cached = api.recommendations.find((r) => r.kind === 'prompt_caching')!;
    const p = cached.evidence.figures as Record<string, number>;
    const savedNano = p.warmInputTokens * (p.inputUsdPerMtok - p.cacheReadUsdPerMtok) * 1e3 - (p.cacheWriteUsdPerMtok > p.inputUsdPerMtok ? p.coldTokens * (p.cacheWriteUsdPerMtok - p.inputUsdPerMtok) * 1e3 : 0);
    expect(Math.abs(p.savedNanoInRange - savedNano)).toBeLessThanOrEqual(2);
    expect(cached.monthlySavingsUsd).toBeCloseTo((p.savedNanoInRange * 30) / RANGE_DAYS / 1e9, 8);

    // Never an embedding model in place of a chat model.
    for (const r of api.recommendations.filter((x) => x.kind === 'cheaper_model')) expect(r.evidence.figures.toModel).not.toBe('text-embedding-3-small');
  });

  it('lookout report recommendations prints the same figures', async () => {
    const api = await recommendations();
    const report = await runLookout(['report', 'recommendations', '--url', server!.url, '--since', `${RANGE_DAYS}d`]);
    expect(report.code, report.output).toBe(0);
    const lines = report.stdout.split('\n');
    expect(lines[0]).toMatch(/^Recommendations, /);
    // The table: a header, a rule, a row a recommendation in the API's order.
    const rows = lines.slice(3, 3 + api.recommendations.length).map((l) => l.trim().split(/\s{2,}/));
    const money = (n: number) => `$${n.toFixed(4)}`;
    expect(rows).toEqual(api.recommendations.map((r) => [money(r.monthlySavingsUsd), money(r.weeklySavingsUsd), money(r.annualSavingsUsd), r.confidence, r.kind, r.title]));
    for (const [i, r] of api.recommendations.entries()) {
      expect(report.stdout).toContain(`${i + 1}. ${r.title}\n   ${r.formula}\n   confidence ${r.confidence}: ${r.confidenceReason}\n`);
      if (r.evidence.sampleTraceIds.length) expect(report.stdout).toContain(r.evidence.sampleTraceIds.slice(0, 3).join(', '));
    }
    const applied = api.recommendations.find((r) => r.applied)!;
    const line = report.stdout.match(/applied since (\S+): realised \$([\d.]+)\/month against \$([\d.]+) estimated/)!;
    expect(line[1]).toBe(applied.applied!.since.slice(0, 10));
    // The realised rate runs to the end of the range, which is `now` for the command.
    expect(Number(line[2])).toBeCloseTo(applied.applied!.realisedMonthlySavingsUsd, 2);
    expect(Number(line[3])).toBe(applied.applied!.estimatedMonthlySavingsUsd);
  });

  it.skipIf(!CHROMIUM)("the Cost page's recommendations panel shows the API's numbers", async () => {
    const api = await recommendations();
    const page = await browser!.newPage({ viewport: { width: 1440, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(`${server!.url}/cost?${new URLSearchParams(range)}`);
    const panel = page.getByTestId('recommendations');
    await panel.getByTestId('recommendation-list').waitFor({ timeout: 30_000 });
    expect(await panel.getByTestId('recommendations-total').textContent()).toBe(usd(api.totals.monthlySavingsUsd));
    await panel.getByTestId('recommendations-more').click();
    const cards = panel.getByTestId('recommendation');
    await expect.poll(() => cards.count(), { timeout: 20_000 }).toBe(api.recommendations.length);
    const sorted = [...api.recommendations].sort((a, b) => b.monthlySavingsUsd - a.monthlySavingsUsd);
    const shown = await cards.evaluateAll((list) =>
      list.map((c) => ({
        id: c.getAttribute('data-id'),
        monthly: c.querySelector('[data-testid="rec-monthly"]')?.textContent,
        weekly: c.querySelector('[data-testid="rec-weekly"]')?.textContent,
        annual: c.querySelector('[data-testid="rec-annual"]')?.textContent,
        formula: c.querySelector('[data-testid="rec-formula"]')?.textContent,
        calls: c.querySelector('[data-testid="rec-calls"]')?.textContent,
        traces: [...c.querySelectorAll('[data-testid="rec-trace"]')].map((a) => a.getAttribute('href')),
        applied: c.querySelector('[data-testid="rec-applied"]')?.textContent ?? null,
      })),
    );
    expect(shown).toEqual(
      sorted.map((r) => ({
        id: r.id,
        monthly: usd(r.monthlySavingsUsd),
        weekly: usd(r.weeklySavingsUsd),
        annual: usd(r.annualSavingsUsd),
        formula: r.formula,
        calls: count(r.evidence.calls),
        traces: r.evidence.sampleTraceIds.map((id) => `/traces/${id}`),
        applied: r.applied ? `Applied since ${r.applied.since}: saving ${usd(r.applied.realisedMonthlySavingsUsd)} / month against ${usd(r.applied.estimatedMonthlySavingsUsd)} estimated` : null,
      })),
    );
    for (const kind of KINDS) expect(shown.some((s) => s.id!.startsWith(`${kind}:`)), kind).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });
});
