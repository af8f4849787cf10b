// The ClickHouse test harness against the real engine: one shard speaks what @clickhouse/client
// and the ClickHouse backend need; two shards form a cluster whose Distributed table spreads rows
// over both, and a shard stopped and started again keeps its data.
import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRequireE2e } from '../../../../test/e2e/require-e2e.ts';
import { clickHouseAvailable, clickHouseInstallHint, startClickHouse, type ClickHouseHarness } from './clickhouse.ts';

const available = clickHouseAvailable();
if (!available && parseRequireE2e(process.env.REQUIRE_E2E)) throw new Error(`REQUIRE_E2E=1 but ${clickHouseInstallHint}`);

async function rows<T>(client: ClickHouseClient, query: string, query_params?: Record<string, unknown>): Promise<T[]> {
  const result = await client.query({ query, query_params, format: 'JSONEachRow' });
  return result.json<T>();
}

describe.skipIf(!available)('ClickHouse harness, one shard', () => {
  let harness: ClickHouseHarness;
  let client: ClickHouseClient;

  beforeAll(async () => {
    harness = await startClickHouse({ shards: 1 });
    client = createClient({ url: harness.urls[0] });
  });

  afterAll(async () => {
    await client?.close();
    await harness?.stop();
  });

  it('answers over HTTP with query parameters', async () => {
    expect(harness.urls).toEqual([expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/)]);
    const [row] = await rows<{ version: string; answer: number; echoed: string }>(client, 'SELECT version() AS version, {n:UInt32} + 1 AS answer, {s:String} AS echoed', {
      n: 41,
      s: "it's",
    });
    expect(row.version).toMatch(/^2\d\.\d+\./);
    expect(row).toMatchObject({ answer: 42, echoed: "it's" });
  });

  it('stores DateTime64, Map, LowCardinality and Decimal(18,9), and FINAL keeps the latest version of a row', async () => {
    await client.command({
      query: `CREATE TABLE calls (
        id String, version UInt64, at DateTime64(9, 'UTC'), model LowCardinality(String),
        cost Decimal(18, 9), attributes Map(String, String)
      ) ENGINE = ReplacingMergeTree(version) ORDER BY id`,
    });
    const call = { at: '2026-01-02 03:04:05.123456789', model: 'gpt-4o', attributes: { team: 'search' } };
    // Two inserts, so the two versions of call a sit in different parts until a merge.
    await client.insert({ table: 'calls', format: 'JSONEachRow', values: [{ ...call, id: 'a', version: 1, cost: '0.000000001' }] });
    await client.insert({
      table: 'calls',
      format: 'JSONEachRow',
      values: [
        { ...call, id: 'a', version: 2, cost: '0.000000002' },
        { ...call, id: 'b', version: 1, cost: '1.000000001', model: 'claude' },
      ],
    });

    const raw = await rows<{ n: string }>(client, 'SELECT toString(count()) AS n FROM calls');
    expect(raw).toEqual([{ n: '3' }]);
    const final = await rows(
      client,
      `SELECT id, toString(version) AS version, toString(at) AS at, model, toString(cost) AS cost, attributes['team'] AS team, toTypeName(model) AS modelType
       FROM calls FINAL WHERE calls.at >= {from:DateTime64(9, 'UTC')} ORDER BY id`,
      { from: '2026-01-02 03:04:05.123456789' },
    );
    expect(final).toEqual([
      { id: 'a', version: '2', at: call.at, model: 'gpt-4o', cost: '0.000000002', team: 'search', modelType: 'LowCardinality(String)' },
      { id: 'b', version: '1', at: call.at, model: 'claude', cost: '1.000000001', team: 'search', modelType: 'LowCardinality(String)' },
    ]);
    const [total] = await rows<{ total: string }>(client, 'SELECT toString(sum(cost)) AS total FROM calls FINAL');
    expect(total.total).toBe('1.000000003');
  });
});

describe.skipIf(!available)('ClickHouse harness, two shards', () => {
  const traces = 200;
  let harness: ClickHouseHarness;
  let clients: ClickHouseClient[] = [];

  const count = async (shard: number, table: string): Promise<number> => {
    const [row] = await rows<{ n: string }>(clients[shard], `SELECT count() AS n FROM lookout.${table}`);
    return Number(row.n);
  };

  beforeAll(async () => {
    harness = await startClickHouse({ shards: 2 });
    // Quiet: a query through a stopped shard fails on purpose below.
    clients = harness.urls.map((url) => createClient({ url, log: { level: ClickHouseLogLevel.OFF } }));
    // No Keeper, so no ON CLUSTER: every shard gets its tables one by one.
    for (const client of clients) {
      await client.command({ query: 'CREATE DATABASE lookout' });
      await client.command({ query: 'CREATE TABLE lookout.spans_local (trace_id String, n UInt64) ENGINE = MergeTree ORDER BY trace_id' });
      await client.command({
        query: `CREATE TABLE lookout.spans AS lookout.spans_local
          ENGINE = Distributed(${harness.cluster}, lookout, spans_local, cityHash64(trace_id))`,
      });
    }
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await harness?.stop();
  });

  it('names the cluster and one endpoint per shard', () => {
    expect(harness.cluster).toBe('lookout_test');
    expect(harness.urls).toHaveLength(2);
    expect(new Set(harness.urls).size).toBe(2);
  });

  it('spreads rows written through one shard over both, and either shard reads them all', async () => {
    const values = Array.from({ length: traces }, (_, i) => ({ trace_id: `trace-${i}`, n: i }));
    await clients[0].insert({ table: 'lookout.spans', format: 'JSONEachRow', values, clickhouse_settings: { insert_distributed_sync: 1 } });

    const local = [await count(0, 'spans_local'), await count(1, 'spans_local')];
    expect(local[0]).toBeGreaterThan(0);
    expect(local[1]).toBeGreaterThan(0);
    expect(local[0] + local[1]).toBe(traces);
    expect(await count(0, 'spans')).toBe(traces);
    expect(await count(1, 'spans')).toBe(traces);
  });

  it('a stopped shard is down, and started again it has its data on the same endpoint', async () => {
    const before = await count(1, 'spans_local');
    await harness.stopShard(1);
    await expect(fetch(`${harness.urls[1]}/ping`)).rejects.toThrow();
    await expect(count(0, 'spans')).rejects.toThrow();

    await harness.startShard(1);
    expect(await count(1, 'spans_local')).toBe(before);
    expect(await count(0, 'spans')).toBe(traces);
  });

  it('stop() leaves no shard listening', async () => {
    await harness.stop();
    for (const url of harness.urls) await expect(fetch(`${url}/ping`)).rejects.toThrow();
  });
});

describe.skipIf(!available)('ClickHouse harness start-up failures', () => {
  it('rejects a shard count it cannot run', async () => {
    await expect(startClickHouse({ shards: 0 })).rejects.toThrow(/shards must be an integer from 1 to 8, got 0/);
  });

  it('names the log of a shard that does not come up', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lookout-clickhouse-test-'));
    try {
      // A file where the shard's data directory belongs.
      await writeFile(join(dir, 'shard0'), 'not a directory');
      await expect(startClickHouse({ shards: 1, dir })).rejects.toThrow(`its log is ${join(dir, 'shard0.log')}`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
