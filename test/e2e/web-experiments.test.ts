// The Experiments page in Debian's chromium (playwright-core) against a `lookout serve` child
// process filled, through the native ingest API, with generated traffic whose answer is known
// (packages/server/src/query/experiments/traffic.testing.ts): variant B sends 30% fewer tokens (so
// costs 30% less a call) at equal latency and scores, C is 50% slower and scored lower, D has only
// 8 calls. Every figure of the table is the one GET /api/v1/experiments/compare answers, the
// verdicts say B is cheaper and C slower, C's helpfulness (a score of unknown direction) reads
// lower, in a neutral badge, and worse once the address says higher is better; D's small sample is
// flagged, a group's header opens its calls in the trace list, one prompt's calls are compared when
// the address names it, a comparison mixing prompts shows the API's warning, and a bad address
// shows the API's message.
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { count } from '../../packages/web/src/format.ts';
import { VERDICT_MARK, VERDICT_TEXT, directionText, intervalText, metricValue, pText, relativeText, type Comparison } from '../../packages/web/src/lib/experiments.ts';
import { experimentTraffic } from '../../packages/server/src/query/experiments/traffic.testing.ts';
import { ARTIFACTS, CHROMIUM, webUiRun } from './web-browser.ts';

const DAY_MS = 24 * 3_600_000;
// The traffic spans six days from its start; a fixed range around it, so the page and the test's
// API calls read the same calls whatever minute the test runs in.
const START_MS = Math.floor(Date.now() / DAY_MS) * DAY_MS - 7 * DAY_MS;
const RANGE = { from: new Date(START_MS).toISOString(), to: new Date(START_MS + 7 * DAY_MS).toISOString() };
const POLL_MS = 20_000;

const run = webUiRun('web-experiments');

beforeAll(async () => {
  if (!CHROMIUM) return;
  // Besides: another prompt's versions 4 and 5 in another feature, so that version 4 without a
  // prompt holds the calls of two prompts.
  const other = [4, 5].flatMap((version) =>
    Array.from({ length: 6 }, (_, i) => ({
      type: 'generation',
      traceId: `${version}${i}`.padStart(32, 'e'),
      startTime: new Date(START_MS + 2 * DAY_MS + i * 60_000).toISOString(),
      durationMs: 500,
      provider: 'openai',
      model: 'gpt-4o',
      feature: 'billing',
      prompt: { name: 'billing-answer', version: String(version) },
      usage: { input: 100, output: 10 },
    })),
  );
  const items = [...experimentTraffic(START_MS), ...other];
  for (let i = 0; i < items.length; i += 500) {
    const res = await fetch(`${run.lookout.url}/api/v1/ingest`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ batch: items.slice(i, i + 500) }) });
    expect(res.status, await res.text()).toBe(200);
  }
}, 60_000);

async function compare(query: Record<string, string>): Promise<Comparison> {
  const res = await fetch(`${run.lookout.url}/api/v1/experiments/compare?${new URLSearchParams({ ...query, ...RANGE })}`);
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as Comparison;
}

async function open(path: string): Promise<{ page: Page; errors: string[] }> {
  const page = await run.browser.newPage({ viewport: { width: 1440, height: 1000 } });
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${run.lookout.url}${path}`);
  return { page, errors };
}

interface ShownCell {
  group: string;
  metric: string;
  value: string;
  ci: string | null;
  n: string | null;
  rel: string | null;
  p: string | null;
  verdict: string | null;
  verdictKind: string | null;
  verdictClass: string | null;
  low: boolean;
}

// Every cell of the table as the page shows it.
function readTable(page: Page): Promise<ShownCell[]> {
  return page.getByTestId('experiment-table').evaluate((table) => {
    const text = (cell: { querySelector(selector: string): { textContent: string | null } | null }, id: string) => cell.querySelector(`[data-testid="${id}"]`)?.textContent?.trim() ?? null;
    return [...table.querySelectorAll('[data-testid="cell"]')].map((cell) => ({
      group: cell.getAttribute('data-group')!,
      metric: cell.getAttribute('data-metric')!,
      value: text(cell, 'cell-value')!,
      ci: text(cell, 'cell-ci'),
      n: text(cell, 'cell-n'),
      rel: text(cell, 'cell-rel'),
      p: text(cell, 'cell-p'),
      verdict: text(cell, 'cell-verdict'),
      verdictKind: cell.querySelector('[data-testid="cell-verdict"]')?.getAttribute('data-verdict') ?? null,
      verdictClass: cell.querySelector('[data-testid="cell-verdict"]')?.getAttribute('class') ?? null,
      low: cell.querySelector('[data-testid="cell-low"]') !== null,
    }));
  });
}

// What the page must show for the API's answer, cell by cell, with the page's formatting rules.
function expectedTable(c: Comparison): ShownCell[] {
  const out: ShownCell[] = [];
  for (const g of c.groups) out.push({ group: g.value, metric: 'calls', value: count(g.calls), ci: null, n: null, rel: null, p: null, verdict: null, verdictKind: null, verdictClass: null, low: false });
  c.metrics.forEach((spec, i) => {
    for (const g of c.groups) {
      const cell = g.metrics[i];
      const cmp = cell.comparison;
      out.push({
        group: g.value,
        metric: spec.metric,
        value: metricValue(spec.unit, cell.value),
        ci: intervalText(spec.unit, cell.interval),
        n: `n = ${count(cell.n)}`,
        rel: cmp ? relativeText(cmp.relativeDifference) : null,
        p: cmp ? pText(cmp.adjustedPValue) : null,
        verdict: cmp ? `${VERDICT_MARK[cmp.verdict]} ${VERDICT_TEXT[cmp.verdict]}` : null,
        verdictKind: cmp?.verdict ?? null,
        verdictClass: cmp ? `pill verdict ${VERDICT_TONE_CLASS[cmp.verdict]}` : null,
        low: cell.lowSample,
      });
    }
  });
  return out;
}

// A shown figure read back as a number ($0.004512, 1,012.3, 812 ms, 1.23 s, 2.0%, 0.801), to
// check the formatting against the API's figure independently of the page's own rules.
function readBack(text: string): number {
  const t = text.replace(/[$,]/g, '').replace('−', '-');
  if (t.endsWith(' ms')) return Number(t.slice(0, -3));
  if (t.endsWith(' s')) return Number(t.slice(0, -2)) * 1000;
  if (t.endsWith('%')) return Number(t.slice(0, -1)) / 100;
  return Number(t);
}

// The badge's colour class for each verdict: good and bad only where the direction is known.
const VERDICT_TONE_CLASS: Record<string, string> = { better: 'good', worse: 'bad', higher: 'neutral', lower: 'neutral', no_significant_difference: '', insufficient_data: 'warn' };

// A badge's background and text colours as the browser draws them.
function colorsOf(badge: Locator): Promise<string[]> {
  return badge.evaluate((b) => {
    const css = (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string; color: string } }).getComputedStyle(b);
    return [css.backgroundColor, css.color];
  });
}

const shown = (cells: ShownCell[], group: string, metric: string) => cells.find((c) => c.group === group && c.metric === metric)!;

describe.skipIf(!CHROMIUM)('the Experiments page in the browser', () => {
  it("shows the API's comparison of variants figure by figure, with B cheaper, C slower, C's unrated score neutrally lower, and D's small sample flagged", async () => {
    const api = await compare({ feature: 'support', by: 'variant', values: 'A,B,C,D' });
    expect(api.groups.map((g) => [g.value, g.calls])).toEqual([['A', 300], ['B', 300], ['C', 300], ['D', 8]]);

    const { page, errors } = await open(`/experiments?${new URLSearchParams({ feature: 'support', by: 'variant', values: 'A,B,C,D', ...RANGE })}`);
    await expect.poll(() => page.getByTestId('group-head').count(), { timeout: POLL_MS }).toBe(4);
    const cells = await readTable(page);
    expect(cells.length).toBe(4 * (1 + api.metrics.length));
    expect(cells).toEqual(expect.arrayContaining(expectedTable(api)));
    expect(expectedTable(api)).toEqual(expect.arrayContaining(cells));
    // Each figure is the API's to its shown precision.
    api.metrics.forEach((spec, i) => {
      for (const g of api.groups) {
        const v = g.metrics[i].value;
        if (v === null) continue;
        const back = readBack(shown(cells, g.value, spec.metric).value);
        expect(Math.abs(back - v), `${g.value} ${spec.metric}`).toBeLessThanOrEqual(Math.max(Math.abs(v) * 0.006, 0.0006));
      }
    });
    expect(await page.getByTestId('experiment-baseline').textContent()).toBe('A');
    expect(await page.getByTestId('group-head').evaluateAll((hs) => hs.map((h) => h.getAttribute('data-group')))).toEqual(['A', 'B', 'C', 'D']);

    // The verdicts the traffic was made to give, in words on the page.
    const verdict = (group: string, metric: string) => shown(cells, group, metric).verdict;
    expect(verdict('B', 'cost_per_call')).toBe('✓ better');
    expect(readBack(shown(cells, 'B', 'cost_per_call').rel!)).toBeGreaterThan(-0.35);
    expect(readBack(shown(cells, 'B', 'cost_per_call').rel!)).toBeLessThan(-0.25);
    expect(verdict('B', 'score:helpfulness')).toBe('≈ no significant difference');
    expect(verdict('B', 'latency_p50')).toBe('≈ no significant difference');
    expect(verdict('C', 'latency_p50')).toBe('✗ worse');
    expect(verdict('C', 'latency_p95')).toBe('✗ worse');
    expect(verdict('C', 'cost_per_call')).toBe('≈ no significant difference');
    // helpfulness is the application's score, no evaluator's: its direction is unknown, so C's
    // significantly lower mean reads lower, in a neutral badge, neither good nor bad.
    expect(api.metrics.find((m) => m.metric === 'score:helpfulness')).toMatchObject({ better: null, betterFrom: null });
    expect(shown(cells, 'C', 'score:helpfulness')).toMatchObject({ verdict: '↓ lower', verdictKind: 'lower', verdictClass: 'pill verdict neutral' });
    const helpfulnessHead = page.locator('[data-testid="metric-head"][data-metric="score:helpfulness"]');
    expect(await helpfulnessHead.getByTestId('score-direction').getAttribute('data-better')).toBe('');
    const badge = page.locator('[data-testid="cell"][data-group="C"][data-metric="score:helpfulness"] [data-testid="cell-verdict"]');
    const colours = await colorsOf(badge);
    const better = page.locator('[data-testid="cell"][data-group="B"][data-metric="cost_per_call"] [data-testid="cell-verdict"]');
    const worse = page.locator('[data-testid="cell"][data-group="C"][data-metric="latency_p50"] [data-testid="cell-verdict"]');
    for (const other of [better, worse]) expect(colours).not.toEqual(await colorsOf(other));
    // The baseline's column has figures and no comparison.
    expect(shown(cells, 'A', 'cost_per_call')).toMatchObject({ rel: null, p: null, verdict: null });

    // D's 8 calls: every figure flagged, and the warnings listed under the table as the API words them.
    for (const spec of api.metrics) expect(shown(cells, 'D', spec.metric).low, spec.metric).toBe(true);
    expect(shown(cells, 'B', 'cost_per_call').low).toBe(false);
    const warnings = await page.getByTestId('experiment-warning').allTextContents();
    expect(warnings).toEqual(api.groups.flatMap((g) => g.warnings));
    expect(warnings).toContain('D: cost per call rests on 8 values, fewer than the 30 it needs to be read with confidence');

    // The tests explained on the page.
    await page.getByText('How these are tested').click();
    const help = await page.getByTestId('experiment-help').textContent();
    expect(help).toContain("Welch's t-test");
    expect(help).toContain("Latency p50: Mood's median test.");
    expect(help).toContain('neither good nor bad');
    expect(await page.getByTestId('experiment-comparison-warnings').count()).toBe(0);
    await page.screenshot({ path: join(ARTIFACTS, 'experiments.png'), fullPage: true });

    // B's header opens the trace list with B's calls, and B's error rate its failed calls.
    const b = api.groups.find((g) => g.value === 'B')!;
    const traces = async (query: Record<string, string>) => {
      const res = await fetch(`${run.lookout.url}/api/v1/traces?${new URLSearchParams({ ...query, limit: '1' })}`);
      return ((await res.json()) as { total: number }).total;
    };
    expect(await traces(b.traces)).toBe(300);
    const errorHref = await page.locator('[data-testid="cell"][data-group="B"][data-metric="error_rate"] [data-testid="error-traces"]').getAttribute('href');
    expect(Object.fromEntries(new URL(errorHref!, run.lookout.url).searchParams)).toEqual(b.errorTraces);
    await page.locator('[data-testid="group-head"][data-group="B"] [data-testid="group-traces"]').click();
    await page.waitForURL('**/traces?**', { timeout: POLL_MS });
    expect(Object.fromEntries(new URL(page.url()).searchParams)).toEqual(b.traces);
    expect(b.traces.metadata).toBe('lookout.prompt.variant:B');
    await expect.poll(() => page.getByTestId('traces').locator('h3').textContent(), { timeout: POLL_MS }).toBe('300 traces matching');
    expect(await page.locator('input[name="metadata"]').inputValue()).toBe('lookout.prompt.variant:B');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('builds the same comparison from the form: feature, dimension, groups and baseline into the address', async () => {
    const { page, errors } = await open(`/experiments?${new URLSearchParams(RANGE)}`);
    const feature = page.locator('select[name="feature"]');
    await expect.poll(() => feature.locator('option[value="support"]').count(), { timeout: POLL_MS }).toBe(1);
    await feature.selectOption('support');
    await page.locator('select[name="by"]').selectOption('variant');
    // The groups offered: the feature's variants, most calls first.
    const choices = page.getByTestId('group-choice');
    await expect.poll(() => choices.evaluateAll((cs) => cs.map((c) => c.getAttribute('data-group'))), { timeout: POLL_MS }).toEqual(expect.arrayContaining(['A', 'B', 'C', 'D']));
    expect(await choices.count()).toBe(4);
    // One group is not a comparison.
    await page.getByLabel('compare C', { exact: true }).check();
    expect(await page.getByTestId('experiment-compare').isDisabled()).toBe(true);
    expect(await page.getByTestId('experiment-form-problem').textContent()).toBe('Tick at least 2 groups to compare.');
    await page.getByLabel('compare B', { exact: true }).check();
    await page.getByLabel('compare A', { exact: true }).check();
    // The baseline goes first, the others in the order they were ticked.
    await page.getByLabel('baseline A', { exact: true }).check();
    await page.getByTestId('experiment-compare').click();

    await page.waitForURL(/values=/, { timeout: POLL_MS });
    const params = new URL(page.url()).searchParams;
    expect([params.get('feature'), params.get('by'), params.get('values'), params.get('from'), params.get('to')]).toEqual(['support', 'variant', 'A,C,B', RANGE.from, RANGE.to]);
    const api = await compare({ feature: 'support', by: 'variant', values: 'A,C,B' });
    await expect.poll(() => page.getByTestId('group-head').count(), { timeout: POLL_MS }).toBe(3);
    await expect.poll(() => readTable(page), { timeout: POLL_MS }).toEqual(expect.arrayContaining(expectedTable(api)));
    expect((await readTable(page)).length).toBe(expectedTable(api).length);
    expect(await page.getByTestId('experiment-warnings').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('reads better or worse for a score once the address names its direction, and sets it from the table', async () => {
    const query = { feature: 'support', by: 'variant', values: 'A,B,C' };
    const api = await compare({ ...query, higherIsBetter: 'helpfulness' });
    const spec = api.metrics.find((m) => m.metric === 'score:helpfulness')!;
    expect([spec.better, spec.betterFrom]).toEqual(['higher', 'parameter']);

    // From the neutral table, the link under the score's name sets the direction in the address.
    const { page, errors } = await open(`/experiments?${new URLSearchParams({ ...query, ...RANGE })}`);
    await expect.poll(() => page.getByTestId('group-head').count(), { timeout: POLL_MS }).toBe(3);
    expect(shown(await readTable(page), 'C', 'score:helpfulness').verdict).toBe('↓ lower');
    await page.locator('[data-testid="metric-head"][data-metric="score:helpfulness"] [data-testid="score-direction-higher"]').click();
    await page.waitForURL(/higherIsBetter=/, { timeout: POLL_MS });
    const params = new URL(page.url()).searchParams;
    expect([params.get('higherIsBetter'), params.get('values'), params.get('feature'), params.get('from')]).toEqual(['helpfulness', 'A,B,C', 'support', RANGE.from]);
    await expect.poll(async () => shown(await readTable(page), 'C', 'score:helpfulness').verdict, { timeout: POLL_MS }).toBe('✗ worse');
    const cells = await readTable(page);
    expect(cells).toEqual(expect.arrayContaining(expectedTable(api)));
    expect(cells.length).toBe(expectedTable(api).length);
    expect(shown(cells, 'C', 'score:helpfulness')).toMatchObject({ verdictKind: 'worse', verdictClass: 'pill verdict bad' });
    expect(shown(cells, 'B', 'score:helpfulness').verdict).toBe('≈ no significant difference');
    const head = page.locator('[data-testid="metric-head"][data-metric="score:helpfulness"] [data-testid="score-direction"]');
    expect([await head.getAttribute('data-better'), (await head.textContent())?.trim()]).toEqual(['higher', `${directionText(spec)} · clear`]);

    // Said the other way round in the address, C's lower mean is better; the form keeps it.
    await page.goto(`${run.lookout.url}/experiments?${new URLSearchParams({ ...query, lowerIsBetter: 'helpfulness', ...RANGE })}`);
    await expect.poll(async () => shown(await readTable(page), 'C', 'score:helpfulness').verdict, { timeout: POLL_MS }).toBe('✓ better');
    await page.getByLabel('compare C', { exact: true }).uncheck();
    await page.getByTestId('experiment-compare').click();
    await page.waitForURL((u) => u.searchParams.get('values') === 'A,B', { timeout: POLL_MS });
    expect(new URL(page.url()).searchParams.get('lowerIsBetter')).toBe('helpfulness');
    expect(errors).toEqual([]);
    await page.close();
  });

  it("compares one prompt's calls when the address names the prompt, and keeps it through the form", async () => {
    const query = { feature: 'support', prompt: 'support-answer', by: 'variant', values: 'A,B' };
    const api = await compare(query);
    expect([api.prompt, api.warnings, api.groups.map((g) => g.calls)]).toEqual(['support-answer', [], [300, 300]]);
    expect(api.groups[0].traces.prompt).toBe('support-answer');

    const { page, errors } = await open(`/experiments?${new URLSearchParams({ ...query, ...RANGE })}`);
    await expect.poll(() => page.getByTestId('group-head').count(), { timeout: POLL_MS }).toBe(2);
    expect(await page.getByTestId('experiment-prompt').textContent()).toBe('support-answer');
    expect(await readTable(page)).toEqual(expect.arrayContaining(expectedTable(api)));
    // The group's link carries the prompt to the trace list.
    const href = await page.locator('[data-testid="group-head"][data-group="B"] [data-testid="group-traces"]').getAttribute('href');
    expect(Object.fromEntries(new URL(href!, run.lookout.url).searchParams)).toEqual(api.groups[1].traces);
    // The form shows the prompt and keeps it in the address it writes.
    const prompt = page.locator('select[name="prompt"]');
    expect(await prompt.inputValue()).toBe('support-answer');
    await page.getByLabel('compare C', { exact: true }).check();
    await page.getByTestId('experiment-compare').click();
    await page.waitForURL((u) => u.searchParams.get('values') === 'A,B,C', { timeout: POLL_MS });
    expect(new URL(page.url()).searchParams.get('prompt')).toBe('support-answer');
    await expect.poll(() => page.getByTestId('group-head').count(), { timeout: POLL_MS }).toBe(3);
    expect(await page.getByTestId('experiment-prompt').textContent()).toBe('support-answer');
    expect(errors).toEqual([]);
    await page.close();
  });

  it("shows the API's warning when prompt versions are compared without a prompt", async () => {
    const query = { by: 'prompt_version', values: '4,5' };
    const api = await compare(query);
    expect(api.prompt).toBe(null);
    expect(api.warnings.length).toBe(1);
    expect(api.warnings[0]).toContain('prompt=<name>');
    const { page, errors } = await open(`/experiments?${new URLSearchParams({ ...query, ...RANGE })}`);
    const shownWarnings = page.getByTestId('experiment-comparison-warning');
    await expect.poll(() => shownWarnings.allTextContents(), { timeout: POLL_MS }).toEqual(api.warnings);
    expect(await page.getByTestId('experiment-comparison-warnings').getAttribute('role')).toBe('alert');
    expect(await page.getByTestId('experiment-prompt').count()).toBe(0);
    // Named, the prompt's versions compare without the warning.
    await page.locator('select[name="prompt"]').selectOption('billing-answer');
    await page.getByLabel('compare 4', { exact: true }).check();
    await page.getByLabel('compare 5', { exact: true }).check();
    await page.getByTestId('experiment-compare').click();
    await page.waitForURL((u) => u.searchParams.get('prompt') === 'billing-answer', { timeout: POLL_MS });
    await expect.poll(() => page.getByTestId('experiment-prompt').textContent(), { timeout: POLL_MS }).toBe('billing-answer');
    expect(await page.getByTestId('experiment-comparison-warnings').count()).toBe(0);
    expect(await page.getByTestId('group-head').evaluateAll((hs) => hs.map((h) => h.getAttribute('data-group')))).toEqual(['4', '5']);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("shows the API's message for an address it refuses", async () => {
    const query = { feature: 'support', by: 'variant', values: 'A,B', baseline: 'C', ...RANGE };
    const res = await fetch(`${run.lookout.url}/api/v1/experiments/compare?${new URLSearchParams(query)}`);
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as { error: { message: string } };
    expect(error.message).toContain("'C' is not one of the values");
    const { page } = await open(`/experiments?${new URLSearchParams(query)}`);
    const alert = page.getByTestId('experiment').getByRole('alert');
    await expect.poll(() => alert.textContent(), { timeout: POLL_MS }).toContain(error.message);
    // The form is there to fix it.
    expect(await page.locator('select[name="by"]').inputValue()).toBe('variant');
    await page.close();
  });
});
