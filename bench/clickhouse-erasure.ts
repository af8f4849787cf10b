import { randomBytes } from 'node:crypto';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import type { ClickHouseConfig } from '../packages/server/src/config/config.ts';
import { projectId } from '../packages/server/src/store/project.ts';
import { ClickHouseStore } from '../packages/server/src/store/clickhouse/store.ts';
import { startClickHouse } from '../packages/server/src/testing/clickhouse.ts';
import { buildClickHouseSyntheticStore } from './clickhouse-synthetic.ts';
import { emit, envInt, log, machine, round } from './lib.ts';

// Erasing one user out of BENCH_CH_ERASURE_ROWS spans (default 1M, 30 days, 1,000 users) on one
// ClickHouse server, four ways, each on another user of about the same size:
//   lightweight  DELETE FROM ... SETTINGS lightweight_deletes_sync = 2, then
//                ALTER TABLE ... APPLY DELETED MASK (mutations_sync = 2): the rows hidden at once,
//                then the parts holding them rewritten
//   mutation     ALTER TABLE ... DELETE (mutations_sync = 2)
//   async        ALTER TABLE ... DELETE without waiting: how long reads still see the rows
//   store        ClickHouseStore.erasure.eraseRecords (what Lookout runs: traces found, counted,
//                deleted, hourly totals summed again, parts rewritten)
// and OPTIMIZE TABLE ... FINAL for comparison (every part rewritten).

const QUERY_TIMEOUT_MS = 600_000;

async function seconds<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const started = performance.now();
  const value = await fn();
  return [round((performance.now() - started) / 1000, 3) ?? 0, value];
}

async function scalar(client: ClickHouseClient, sql: string): Promise<number> {
  const rs = await client.query({ query: sql, format: 'JSONEachRow' });
  const rows = await rs.json<{ n: string }>();
  return Number(rows[0]?.n ?? 0);
}

async function main() {
  const rows = envInt('BENCH_CH_ERASURE_ROWS', 1_000_000);
  const harness = await startClickHouse({ shards: 1 });
  const config: ClickHouseConfig = { url: harness.urls, cluster: null, database: `bench_${randomBytes(4).toString('hex')}`, user: 'default', password: '', caFile: null, onCluster: false };
  const client = createClient({ url: harness.urls[0], request_timeout: QUERY_TIMEOUT_MS });
  const db = config.database;
  try {
    log(`clickhouse erasure bench: ${rows.toLocaleString('en-US')} spans`);
    const built = await buildClickHouseSyntheticStore(config, rows, Date.now());
    await client.command({ query: `OPTIMIZE TABLE ${db}.spans FINAL` });
    const partsSql = `SELECT count() AS n FROM system.parts WHERE database = '${db}' AND table = 'spans' AND active`;
    const parts = await scalar(client, partsSql);
    const userRows = (u: string) => scalar(client, `SELECT count() AS n FROM ${db}.spans WHERE user_id = '${u}'`);
    const hidden = (u: string) => scalar(client, `SELECT count() AS n FROM ${db}.spans WHERE user_id = '${u}' SETTINGS apply_deleted_mask = 0`);
    // Users 400-403 have about the same number of spans (the synthetic distribution is smooth there).
    const [u1, u2, u3, u4] = ['usr_400', 'usr_401', 'usr_402', 'usr_403'];
    const result: Record<string, unknown> = { rows, build_s: built.seconds, parts };

    const n1 = await userRows(u1);
    const [lwDelete] = await seconds(() => client.command({ query: `DELETE FROM ${db}.spans WHERE project_id = 'default' AND user_id = '${u1}'`, clickhouse_settings: { lightweight_deletes_sync: '2' } }));
    const visibleAfterDelete = await userRows(u1);
    const onDiskAfterDelete = await hidden(u1);
    const [applyMask] = await seconds(() => client.command({ query: `ALTER TABLE ${db}.spans APPLY DELETED MASK`, clickhouse_settings: { mutations_sync: '2' } }));
    result.lightweight = { user_rows: n1, delete_s: lwDelete, visible_after: visibleAfterDelete, in_parts_after_delete: onDiskAfterDelete, apply_mask_s: applyMask, in_parts_after_mask: await hidden(u1) };

    const n2 = await userRows(u2);
    const [mutation] = await seconds(() => client.command({ query: `ALTER TABLE ${db}.spans DELETE WHERE project_id = 'default' AND user_id = '${u2}'`, clickhouse_settings: { mutations_sync: '2' } }));
    result.mutation = { user_rows: n2, delete_s: mutation, visible_after: await userRows(u2) };

    const n3 = await userRows(u3);
    const started = performance.now();
    await client.command({ query: `ALTER TABLE ${db}.spans DELETE WHERE project_id = 'default' AND user_id = '${u3}'`, clickhouse_settings: { mutations_sync: '0' } });
    const visibleAtReturn = await userRows(u3);
    while ((await userRows(u3)) > 0) await new Promise((r) => setTimeout(r, 20));
    result.async_mutation = { user_rows: n3, visible_at_return: visibleAtReturn, visible_for_s: round((performance.now() - started) / 1000, 3) };

    const store = await ClickHouseStore.open(config, { queryTimeoutMs: QUERY_TIMEOUT_MS, hourTotals: 'manual' });
    try {
      const [refresh] = await seconds(() => store.refreshHourTotals());
      const [erase, erased] = await seconds(() => store.erasure.eraseRecords(projectId('default'), { kind: 'user', id: u4 }, { chunkRows: 10_000 }));
      result.store = { hour_totals_build_s: refresh, erase_s: erase, counts: erased.counts, visible_after: await userRows(u4), in_parts_after: await hidden(u4) };
    } finally {
      await store.close();
    }
    const [optimize] = await seconds(() => client.command({ query: `OPTIMIZE TABLE ${db}.spans FINAL` }));
    result.optimize_final_s = optimize;
    emit({ bench: 'clickhouse-erasure', date: new Date().toISOString(), machine: machine(), ...result });
  } finally {
    await client.close();
    await harness.stop();
  }
}

await main();
