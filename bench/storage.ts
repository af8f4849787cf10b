import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@clickhouse/client';
import type { ClickHouseConfig, LookoutConfig } from '../packages/server/src/config/config.ts';
import type { AnalyticsQuery } from '../packages/server/src/query/contract.ts';
import { openStore } from '../packages/server/src/store/open.ts';
import { ClickHouseStore } from '../packages/server/src/store/clickhouse/store.ts';
import type { DuckDbStore } from '../packages/server/src/store/duckdb/store.ts';
import { DEFAULT_PROJECT, type Store } from '../packages/server/src/store/store.ts';
import { clickHouseAvailable, clickHouseInstallHint, startClickHouse, type ClickHouseHarness } from '../packages/server/src/testing/clickhouse.ts';
import { buildClickHouseSyntheticStore } from './clickhouse-synthetic.ts';
import { buildSyntheticStore } from './synthetic-store.ts';
import { duckDbBytes, emit, envInt, log, machine, median, processRssMb, round } from './lib.ts';

// The same queries on every storage backend, through the store API the server uses: embedded
// DuckDB, one ClickHouse server, and a cluster of two ClickHouse shards on this machine (the
// engine from scripts/clickhouse/install.sh). Each store holds BENCH_STORAGE_ROWS synthetic
// generations (default 10M) over 30 days; each timing is the median of 5 runs after a warm-up.
//   - cost by team, 30 d; p50/p95/p99 latency by model, 30 d; cost by team and by model per day, 30 d
//   - last 24 h, one feature: requests, cost, p95; and its span list (a page of 50 + total)
//   - the trace list: newest page of 50, last 24 h
// Disk: DuckDB's file; ClickHouse's compressed bytes of the spans table (all shards).
// Per-hour totals are summed before timing (on ClickHouse the queries are also timed before, from
// the spans alone), so that the figures do not depend on when a background refresh ran.

const DAY_MS = 86_400_000;
const RUNS = 5;
const ROWS = envInt('BENCH_STORAGE_ROWS', 10_000_000, 10_000, 50_000_000);

interface Timing {
  medianMs: number | null;
  minMs: number | null;
  maxMs: number | null;
  rows: number;
}

async function time(name: string, fn: () => Promise<number>): Promise<Timing> {
  await fn();
  const ms: number[] = [];
  let rows = 0;
  for (let r = 0; r < RUNS; r++) {
    const t = performance.now();
    rows = await fn();
    ms.push(performance.now() - t);
  }
  const timing = { medianMs: round(median(ms)), minMs: round(Math.min(...ms)), maxMs: round(Math.max(...ms)), rows };
  log(`    ${name}: ${timing.medianMs} ms (min ${timing.minMs}, max ${timing.maxMs})`);
  return timing;
}

async function queries(store: Store, nowMs: number): Promise<Record<string, Timing>> {
  const month = { fromMs: nowMs - 30 * DAY_MS, toMs: nowMs };
  const day = { fromMs: nowMs - DAY_MS, toMs: nowMs };
  const q = (query: Omit<AnalyticsQuery, 'filters'> & { filters?: AnalyticsQuery['filters'] }) => async () =>
    (await store.analytics.query(DEFAULT_PROJECT, { filters: [], ...query })).rows.length;
  return {
    costByTeam30d: await time('cost by team, 30 d', q({ measures: ['cost'], groupBy: ['team'], ...month })),
    latencyPercentilesByModel30d: await time('p50/p95/p99 latency by model, 30 d', q({ measures: ['latency_p50', 'latency_p95', 'latency_p99'], groupBy: ['model'], ...month })),
    costByTeamDaily30d: await time('cost by team per day, 30 d', q({ measures: ['cost'], groupBy: ['team'], bucket: 'day', ...month })),
    // Sums by dimensions the per-hour totals keep: read from them where a backend has them.
    costByModelDaily30d: await time('cost by model per day, 30 d', q({ measures: ['cost'], groupBy: ['model'], bucket: 'day', ...month })),
    last24hFeatureAggregate: await time(
      'last 24 h, one feature: requests, cost, p95',
      q({ measures: ['requests', 'cost', 'latency_p95'], filters: [{ dimension: 'feature', values: ['feature-3'] }], groupBy: [], ...day }),
    ),
    last24hFeatureList: await time(
      'last 24 h, one feature: span page of 50 + total',
      async () => (await store.listSpans(DEFAULT_PROJECT, { feature: 'feature-3', ...day }, { limit: 50, offset: 0 }, { total: true })).spans.length,
    ),
    traceList24h: await time('trace list, last 24 h, newest 50', async () => (await store.listTraces(DEFAULT_PROJECT, day, { limit: 50, offset: 0 })).traces.length),
  };
}

function storageConfig(dataDir: string, backend: 'duckdb' | 'clickhouse', clickhouse?: ClickHouseConfig): Pick<LookoutConfig, 'dataDir' | 'storage'> {
  return {
    dataDir,
    storage: {
      backend,
      memoryLimit: '1GB',
      backgroundNice: 0,
      queryTimeoutMs: 600_000,
      readConnections: 4,
      clickhouse: clickhouse ?? { url: [], cluster: null, database: 'lookout', user: 'default', password: '', caFile: null, onCluster: false },
    },
  };
}

async function clickHouseBytes(config: ClickHouseConfig): Promise<number> {
  let total = 0;
  for (const url of config.url) {
    const client = createClient({ url });
    try {
      const rs = await client.query({
        query: `SELECT sum(bytes_on_disk) AS b FROM system.parts WHERE active AND database = {db:String} AND table LIKE 'spans%'`,
        query_params: { db: config.database },
        format: 'JSONEachRow',
      });
      total += Number((await rs.json<{ b: string }>())[0]?.b ?? 0);
    } finally {
      await client.close();
    }
  }
  return total;
}

async function onClickHouse(shards: number, nowMs: number): Promise<Record<string, unknown>> {
  const harness: ClickHouseHarness = await startClickHouse({ shards });
  try {
    const config: ClickHouseConfig = {
      url: harness.urls,
      cluster: shards > 1 ? harness.cluster : null,
      database: 'lookout_bench',
      user: 'default',
      password: '',
      caFile: null,
      onCluster: false,
    };
    log(`clickhouse, ${shards} shard(s): building ${ROWS.toLocaleString('en-US')} generations`);
    const built = await buildClickHouseSyntheticStore(config, ROWS, nowMs);
    const bytes = await clickHouseBytes(config);
    log(`  built in ${built.seconds} s; spans ${(bytes / 1e6).toFixed(0)} MB on disk`);
    const store = await ClickHouseStore.open(config, { queryTimeoutMs: 600_000, hourTotals: 'manual' });
    try {
      log('  from the spans alone:');
      const withoutTotals = await queries(store, nowMs);
      const t = performance.now();
      await store.refreshHourTotals(nowMs);
      const totalsSeconds = round((performance.now() - t) / 1000, 1);
      log(`  hourly totals summed in ${totalsSeconds} s; with them:`);
      const timings = await queries(store, nowMs);
      return {
        backend: 'clickhouse',
        shards,
        buildSeconds: built.seconds,
        diskMb: round(bytes / 1e6, 1),
        bytesPerSpan: round(bytes / ROWS, 1),
        hourTotalsSeconds: totalsSeconds,
        queries: timings,
        queriesWithoutHourTotals: withoutTotals,
      };
    } finally {
      await store.close();
    }
  } finally {
    await harness.stop();
  }
}

async function onDuckDb(nowMs: number): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'lookout-bench-storage-'));
  try {
    log(`duckdb: building ${ROWS.toLocaleString('en-US')} generations in ${dir}`);
    const built = await buildSyntheticStore(dir, ROWS, nowMs);
    const size = duckDbBytes(dir);
    const store = await openStore(storageConfig(dir, 'duckdb'));
    try {
      await (store as DuckDbStore).refreshHourRollups(nowMs);
      const timings = await queries(store, nowMs);
      return { backend: 'duckdb', shards: 1, buildSeconds: built.seconds, diskMb: round(size.databaseBytes / 1e6, 1), bytesPerSpan: round(size.databaseBytes / ROWS, 1), queries: timings };
    } finally {
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  if (!clickHouseAvailable()) throw new Error(clickHouseInstallHint);
  const nowMs = Date.now();
  const results = [await onDuckDb(nowMs), await onClickHouse(1, nowMs), await onClickHouse(2, nowMs)];
  emit({ bench: 'storage', date: new Date().toISOString(), machine: machine(), rows: ROWS, runsPerTiming: RUNS, peakRss: processRssMb(process.pid), results });
}

await main();
