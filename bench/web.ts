import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser } from 'playwright-core';
import { emit, envInt, log, machine, median, REPO_ROOT, round, startServer } from './lib.ts';
import { buildSyntheticStore } from './synthetic-store.ts';
import { buildClickHouseSyntheticStore } from './clickhouse-synthetic.ts';
import { startClickHouse } from '../packages/server/src/testing/clickhouse.ts';

// Web UI (DESIGN.md / the web UI issue): with BENCH_WEB_ROWS calls stored (default 10M, 30 days),
// how long a page takes from navigation to its first data on screen, in Debian's chromium
// (playwright-core), against a Lookout child process over that store:
//   overview — the total spend tile shows a dollar figure;
//   cost     — the cost dashboard's total shows a dollar figure;
//   traces   — the trace list shows its first row.
// Each page is loaded RUNS times in a fresh browser context (no cache), with the UI's default
// range (the last 24 hours) and over the last 30 days (the whole store).
// Also: JavaScript shipped for the first page, gzipped (targets: 1 s, 500 ms, 500 KB).

const ROWS = envInt('BENCH_WEB_ROWS', 10_000_000);
const RUNS = envInt('BENCH_WEB_RUNS', 5);
const CHROMIUM = process.env.LOOKOUT_CHROMIUM ?? '/usr/bin/chromium';
// BENCH_WEB_DIST: another build of the UI (default: the one npm start serves).
const DIST = process.env.BENCH_WEB_DIST ?? join(REPO_ROOT, 'packages', 'web', 'dist');
// e.g. BENCH_WEB_PAGES=overview,traces
const ONLY = process.env.BENCH_WEB_PAGES?.split(',') ?? null;
// BENCH_WEB_STORAGE=clickhouse: the store on ClickHouse (scripts/clickhouse), BENCH_WEB_SHARDS shards.
const STORAGE = process.env.BENCH_WEB_STORAGE ?? 'duckdb';
const SHARDS = envInt('BENCH_WEB_SHARDS', 1, 1, 8);
if (STORAGE !== 'duckdb' && STORAGE !== 'clickhouse') throw new Error(`BENCH_WEB_STORAGE: '${STORAGE}' must be duckdb or clickhouse`);

const RANGES = ['24h', '30d'] as const;
const PAGES = [
  { name: 'overview', path: '/', ready: `document.querySelector('[data-testid="stat-total-cost"] .stat-value')?.textContent?.startsWith('$')`, targetMs: 1000 },
  { name: 'cost', path: '/cost', ready: `document.querySelector('[data-testid="cost-total"]')?.textContent?.includes('$')`, targetMs: 1000 },
  { name: 'traces', path: '/traces', ready: `document.querySelectorAll('main table tbody tr').length > 0`, targetMs: 500 },
] as const;

function firstPageJsGzipBytes(): number {
  const html = readFileSync(join(DIST, 'index.html'), 'utf8');
  let total = 0;
  for (const m of html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)) total += gzipSync(readFileSync(join(DIST, m[1]))).length;
  return total;
}

// From the start of navigation, in the page's own clock: until the first data is on screen, and
// until no panel of the page says it is loading.
async function timePage(browser: Browser, url: string, ready: string): Promise<{ first: number; all: number }> {
  // The readiness checks are expressions evaluated in the page, which its Content-Security-Policy
  // (no eval) would refuse.
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, bypassCSP: true });
  try {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto(url, { waitUntil: 'commit' });
    await page.waitForFunction(ready, undefined, { timeout: 60_000, polling: 'raf' });
    const first = await page.evaluate(() => performance.now());
    // Every panel, and the trace list's count.
    await page.waitForFunction(`!document.querySelector('main .state.loading') && !document.querySelector('main')?.textContent?.includes('counting…')`, undefined, { timeout: 120_000, polling: 'raf' });
    const all = await page.evaluate(() => performance.now());
    if (errors.length) throw new Error(`console errors on ${url}: ${errors.join('; ')}`);
    return { first, all };
  } finally {
    await context.close();
  }
}

if (!existsSync(join(DIST, 'index.html'))) throw new Error(`no UI build in ${DIST}: run npm run build -w @lookout/web first`);
const dir = mkdtempSync(join(tmpdir(), 'lookout-bench-web-'));
const nowMs = Date.now();
const harness = STORAGE === 'clickhouse' ? await startClickHouse({ shards: SHARDS }) : null;
try {
  log(`web bench: building ${ROWS.toLocaleString('en-US')} calls on ${STORAGE}${harness ? ` (${SHARDS} shard(s))` : ` in ${dir}`}`);
  const clickhouse = harness
    ? { url: harness.urls, cluster: SHARDS > 1 ? harness.cluster : null, database: 'lookout_bench_web', user: 'default', password: '', caFile: null, onCluster: false }
    : null;
  const built = clickhouse ? await buildClickHouseSyntheticStore(clickhouse, ROWS, nowMs) : await buildSyntheticStore(dir, ROWS, nowMs);
  const env: Record<string, string> = clickhouse
    ? {
        LOOKOUT_STORAGE: 'clickhouse',
        LOOKOUT_CLICKHOUSE_URL: clickhouse.url.join(','),
        LOOKOUT_CLICKHOUSE_DATABASE: clickhouse.database,
        ...(clickhouse.cluster ? { LOOKOUT_CLICKHOUSE_CLUSTER: clickhouse.cluster } : {}),
      }
    : {};
  const server = await startServer(dir, { LOOKOUT_WEB_DIST: DIST, ...env });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  const pages: Record<string, unknown> = {};
  try {
    for (const p of PAGES.filter((x) => !ONLY || ONLY.includes(x.name))) {
      for (const range of RANGES) {
        const url = `${server.url}${p.path}${range === '24h' ? '' : `?range=${range}`}`;
        await timePage(browser, url, p.ready); // warm-up: the store's first reads
        const runs: { first: number; all: number }[] = [];
        for (let i = 0; i < RUNS; i++) runs.push(await timePage(browser, url, p.ready));
        const times = runs.map((r) => r.first);
        const med = median(times)!;
        const allMed = median(runs.map((r) => r.all))!;
        log(
          `  ${p.name} (${range}): first data in median ${med.toFixed(0)} ms (min ${Math.min(...times).toFixed(0)}, max ${Math.max(...times).toFixed(0)}; target ${p.targetMs} ms); every panel in ${allMed.toFixed(0)} ms`,
        );
        pages[`${p.name}-${range}`] = { medianMs: round(med, 0), minMs: round(Math.min(...times), 0), maxMs: round(Math.max(...times), 0), allPanelsMedianMs: round(allMed, 0), targetMs: p.targetMs, met: med <= p.targetMs };
      }
    }
  } finally {
    await browser.close();
    await server.stop();
  }
  const jsGzipBytes = firstPageJsGzipBytes();
  log(`  JavaScript for the first page: ${(jsGzipBytes / 1024).toFixed(0)} KB gzipped (target 500 KB)`);
  emit({ bench: 'web', date: new Date().toISOString(), machine: machine(), storage: { backend: STORAGE, shards: harness ? SHARDS : null }, rows: ROWS, runs: RUNS, buildSeconds: built.seconds, pages, jsGzipBytes, jsTargetBytes: 500 * 1024 });
} finally {
  rmSync(dir, { recursive: true, force: true });
  await harness?.stop();
}
