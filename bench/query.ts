import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDb } from '../packages/server/src/store/duckdb/db.ts';
import { DuckDbAnalytics } from '../packages/server/src/store/duckdb/analytics.ts';
import { DuckDbStore } from '../packages/server/src/store/duckdb/store.ts';
import { DEFAULT_PROJECT } from '../packages/server/src/store/store.ts';
import type { AnalyticsQuery } from '../packages/server/src/query/contract.ts';
import { buildSyntheticStore } from './synthetic-store.ts';
import { duckDbBytes, emit, log, machine, median, processRssMb, round } from './lib.ts';

// Query benchmark (DESIGN.md "Performance targets"): synthetic stores of 1M and 10M generations
// in the real schema (migrations run by DuckDbStore.open), filled inside DuckDB with
// INSERT ... SELECT FROM range(n): 30 days, 20 models, 1,000 users, 20 teams, 10 features, rows
// appended in time order as live ingest appends them. Then, on the real store API
// (store.analytics.query, store.listSpans) and, as a baseline, on equivalent hand-written SQL:
//   - cost grouped by team over 30 days
//   - p50/p95/p99 latency by model over 30 days
//   - last 24 h: spans of one feature (a page of the list + its total), one feature's
//     aggregate, cost by model
// Each timing is the median of 5 runs after one warm-up run.
//
// Environment: BENCH_QUERY_ROWS — comma-separated row counts (default "1000000,10000000");
// BENCH_QUERY_MEMORY_LIMIT — DuckDB memory_limit for the queries (default 1GB, the server's default).

const DAY_MS = 86_400_000;
const RUNS = 5;
const MAX_ROWS = 50_000_000;
const MEASURE_TIMEOUT_MS = 30 * 60 * 1000;
// DuckDB's memory_limit for the queries, as LOOKOUT_MEMORY_LIMIT sets it for the server (default 1GB).
const MEMORY_LIMIT = process.env.BENCH_QUERY_MEMORY_LIMIT || '1GB';

interface Timing {
  medianMs: number | null;
  minMs: number | null;
  maxMs: number | null;
  runs: number;
  rows?: number;
}

// One aggregate, timed both ways on the same open database with runs interleaved (sql, api,
// sql, api, ...), so that load from anything else on the machine hits both alike.
async function timePair(name: string, sqlFn: () => Promise<number>, apiFn: (() => Promise<number>) | null): Promise<{ api: Timing | null; sql: Timing }> {
  await sqlFn();
  if (apiFn) await apiFn();
  const sqlMs: number[] = [];
  const apiMs: number[] = [];
  let sqlRows = 0;
  let apiRows = 0;
  for (let r = 0; r < RUNS; r++) {
    let t = performance.now();
    sqlRows = await sqlFn();
    sqlMs.push(performance.now() - t);
    if (apiFn) {
      t = performance.now();
      apiRows = await apiFn();
      apiMs.push(performance.now() - t);
    }
  }
  const summary = (ms: number[], rows: number): Timing => ({ medianMs: round(median(ms)), minMs: round(Math.min(...ms)), maxMs: round(Math.max(...ms)), runs: RUNS, rows });
  const sql = summary(sqlMs, sqlRows);
  const api = apiFn ? summary(apiMs, apiRows) : null;
  log(`    ${name}: api ${api ? `${api.medianMs} ms` : 'n/a'}, sql ${sql.medianMs} ms (medians of ${RUNS}; api min ${api?.minMs ?? 'n/a'}, max ${api?.maxMs ?? 'n/a'})`);
  return { api, sql };
}

type Analytics = { query?: (p: typeof DEFAULT_PROJECT, q: AnalyticsQuery) => Promise<{ rows: unknown[] }> };

async function aggregates(dir: string, nowMs: number) {
  const db = await DuckDb.open(dir, { memoryLimit: MEMORY_LIMIT });
  // The analytics backend the store builds (store.analytics), over the same DuckDb.
  const analytics = new DuckDbAnalytics(db) as unknown as Analytics;
  const hasQuery = typeof analytics.query === 'function';
  // DuckDB refuses parameters a statement does not use, so each range has its own set.
  const pMonth = { from: (nowMs - 30 * DAY_MS) * 1000, to: nowMs * 1000 };
  const pDay = { day: (nowMs - DAY_MS) * 1000, to: nowMs * 1000 };
  const month = { fromMs: nowMs - 30 * DAY_MS, toMs: nowMs };
  const day = { fromMs: nowMs - DAY_MS, toMs: nowMs };
  const scope = "project_id = 'default' AND kind IN ('generation', 'embedding')";
  const monthSql = `${scope} AND start_time >= make_timestamp($from) AND start_time < make_timestamp($to)`;
  const daySql = `${scope} AND start_time >= make_timestamp($day) AND start_time < make_timestamp($to)`;
  const sql = (text: string, params: Record<string, number>) => async () => (await db.all(text, params)).length;
  const api = (query: Omit<AnalyticsQuery, 'filters'> & { filters?: AnalyticsQuery['filters'] }) =>
    hasQuery ? async () => (await analytics.query!(DEFAULT_PROJECT, { filters: [], ...query })).rows.length : null;
  try {
    return {
      analyticsQueryAvailable: hasQuery,
      costByTeam30d: await timePair(
        'cost by team, 30 d',
        sql(`SELECT team, sum(cost_usd) AS cost FROM spans WHERE ${monthSql} GROUP BY team`, pMonth),
        api({ measures: ['cost'], groupBy: ['team'], ...month }),
      ),
      costByUser30d: await timePair(
        'cost by user (1,000 values), 30 d',
        sql(`SELECT user_id, sum(cost_usd) AS cost FROM spans WHERE ${monthSql} GROUP BY user_id`, pMonth),
        api({ measures: ['cost'], groupBy: ['user'], ...month }),
      ),
      latencyPercentilesByModel30d: await timePair(
        'p50/p95/p99 latency by model, 30 d',
        sql(`SELECT model, quantile_cont(duration_ms, [0.5, 0.95, 0.99]) AS q FROM spans WHERE ${monthSql} GROUP BY model`, pMonth),
        api({ measures: ['latency_p50', 'latency_p95', 'latency_p99'], groupBy: ['model'], ...month }),
      ),
      costByTeamDaily30d: await timePair(
        'cost by team per day, 30 d',
        sql(`SELECT date_trunc('day', start_time) AS b, team, sum(cost_usd) FROM spans WHERE ${monthSql} GROUP BY ALL`, pMonth),
        api({ measures: ['cost'], groupBy: ['team'], bucket: 'day', ...month }),
      ),
      last24hFeatureAggregate: await timePair(
        'last 24 h, one feature: requests, cost, p95',
        sql(`SELECT count(*), sum(cost_usd), quantile_cont(duration_ms, 0.95) FROM spans WHERE ${daySql} AND feature = 'feature-3'`, pDay),
        api({ measures: ['requests', 'cost', 'latency_p95'], filters: [{ dimension: 'feature', values: ['feature-3'] }], groupBy: [], ...day }),
      ),
      last24hCostByModel: await timePair(
        'last 24 h, cost by model',
        sql(`SELECT model, sum(cost_usd), count(*) FROM spans WHERE ${daySql} GROUP BY model`, pDay),
        api({ measures: ['cost', 'requests'], groupBy: ['model'], ...day }),
      ),
      memoryAfterQueries: processRssMb(process.pid),
      last24hFeatureListSql: (
        await timePair(
          'last 24 h, one feature: page of 50 + total (sql only)',
          async () => {
            const [page, total] = await Promise.all([
              db.all(`SELECT * EXCLUDE (metadata, tags) FROM spans WHERE ${daySql} AND feature = 'feature-3' ORDER BY start_time DESC LIMIT 50`, pDay),
              db.all(`SELECT count(*) AS n FROM spans WHERE ${daySql} AND feature = 'feature-3'`, pDay),
            ]);
            return page.length + total.length;
          },
          null,
        )
      ).sql,
    };
  } finally {
    db.close();
  }
}

// The span list as GET /api/v1/spans runs it: the real store.
async function list(dir: string, nowMs: number): Promise<Timing> {
  const store = await DuckDbStore.open(dir, { memoryLimit: MEMORY_LIMIT });
  try {
    const run = async () => (await store.listSpans(DEFAULT_PROJECT, { feature: 'feature-3', fromMs: nowMs - DAY_MS, toMs: nowMs }, { limit: 50, offset: 0 })).spans.length;
    await run();
    const ms: number[] = [];
    let rows = 0;
    for (let r = 0; r < RUNS; r++) {
      const t = performance.now();
      rows = await run();
      ms.push(performance.now() - t);
    }
    const timing = { medianMs: round(median(ms)), minMs: round(Math.min(...ms)), maxMs: round(Math.max(...ms)), runs: RUNS, rows };
    log(`    store.listSpans, last 24 h, one feature, page of 50 + total: ${timing.medianMs} ms`);
    return timing;
  } finally {
    await store.close();
  }
}

function rowCounts(): number[] {
  const raw = process.env.BENCH_QUERY_ROWS ?? '1000000,10000000';
  return raw.split(',').map((s) => {
    const n = Number(s.trim().replace(/_/g, ''));
    if (!Number.isInteger(n) || n < 1_000 || n > MAX_ROWS) throw new Error(`BENCH_QUERY_ROWS: '${s}' must be a whole number from 1000 to ${MAX_ROWS}`);
    return n;
  });
}

// The queries run in a fresh process that only opens the built database, so that its memory
// figures are those of a server holding this many rows, not of the bulk load before.
async function measure(dir: string, nowMs: number): Promise<void> {
  log('  aggregates: store analytics (api) vs hand-written SQL (sql), interleaved:');
  const agg = await aggregates(dir, nowMs);
  log('  span list:');
  const listTiming = await list(dir, nowMs);
  const peak = processRssMb(process.pid).peakRssMb;
  emit({ agg, listTiming, peakRssMb: peak });
}

function measureInChild(dir: string, nowMs: number): Promise<{ agg: Awaited<ReturnType<typeof aggregates>>; listTiming: Timing; peakRssMb: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--measure', dir, String(nowMs)], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: process.env,
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), MEASURE_TIMEOUT_MS);
    child.on('exit', (code) => {
      clearTimeout(timer);
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (code !== 0 || !line) reject(new Error(`the query process exited with ${code}`));
      else resolve(JSON.parse(line));
    });
  });
}

async function main() {
  const results: Record<string, unknown>[] = [];
  for (const rows of rowCounts()) {
    const dir = mkdtempSync(join(tmpdir(), 'lookout-bench-query-'));
    const nowMs = Date.now();
    try {
      log(`query bench: building ${rows.toLocaleString('en-US')} generations in ${dir}`);
      const built = await buildSyntheticStore(dir, rows, nowMs);
      const size = duckDbBytes(dir);
      log(`  built in ${built.seconds} s; database file ${(size.databaseBytes / 1e6).toFixed(0)} MB`);
      const { agg, listTiming, peakRssMb } = await measureInChild(dir, nowMs);
      results.push({
        rows,
        buildSeconds: built.seconds,
        databaseFileMb: round(size.databaseBytes / 1e6, 1),
        walMb: round(size.walBytes / 1e6, 1),
        // A fresh process with the server's DuckDB settings that opened this database and ran
        // every query below: the stand-in for a server's memory with this many rows stored.
        queryProcessRssMb: agg.memoryAfterQueries.rssMb,
        queryProcessPeakRssMb: peakRssMb,
        loadAverage: loadavg().map((x) => round(x)),
        analyticsQueryAvailable: agg.analyticsQueryAvailable,
        queries: {
          costByTeam30d: agg.costByTeam30d,
          costByUser30d: agg.costByUser30d,
          latencyPercentilesByModel30d: agg.latencyPercentilesByModel30d,
          costByTeamDaily30d: agg.costByTeamDaily30d,
          last24hFeatureAggregate: agg.last24hFeatureAggregate,
          last24hCostByModel: agg.last24hCostByModel,
          last24hFeatureList: { api: listTiming, sql: agg.last24hFeatureListSql },
        },
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  type Pair = { api: Timing | null; sql: Timing };
  const largest = results[results.length - 1] as { rows: number; queries: Record<string, Pair> } | undefined;
  // The target is judged on what the server runs (api); the SQL figure is there for comparison.
  const check = (name: string, target: number) => {
    const pair = largest?.queries[name];
    const measured = pair?.api?.medianMs ?? null;
    return { targetMs: target, measuredMs: measured, sqlBaselineMs: pair?.sql.medianMs ?? null, met: measured !== null && measured <= target };
  };
  emit({
    bench: 'query',
    date: new Date().toISOString(),
    machine: machine(),
    runsPerTiming: RUNS,
    memoryLimit: MEMORY_LIMIT,
    results,
    targets: largest
      ? {
          rows: largest.rows,
          costGroupedByTeam30d: check('costByTeam30d', 250),
          costGroupedByUser30d: check('costByUser30d', 250),
          latencyPercentilesByModel30d: check('latencyPercentilesByModel30d', 1_000),
          last24hFeatureList: check('last24hFeatureList', 100),
          last24hFeatureAggregate: check('last24hFeatureAggregate', 100),
          last24hCostByModel: check('last24hCostByModel', 100),
        }
      : null,
  });
}

if (process.argv[2] === '--measure') await measure(process.argv[3], Number(process.argv[4]));
else await main();
