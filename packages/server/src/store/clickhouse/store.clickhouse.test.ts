// The store contracts on real ClickHouse: one server, and a cluster of two shards where every
// event table is Distributed. Each store opened by a suite gets a database of its own.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { parseRequireE2e } from '../../../../../test/e2e/require-e2e.ts';
import { clickHouseAvailable, clickHouseInstallHint, startClickHouse, type ClickHouseHarness } from '../../testing/clickhouse.ts';
import type { ClickHouseConfig } from '../../config/config.ts';
import { storeContracts } from '../contract/index.ts';
import { ClickHouseStore } from './store.ts';

const available = clickHouseAvailable();
if (!available && parseRequireE2e(process.env.REQUIRE_E2E)) throw new Error(`REQUIRE_E2E=1 but ${clickHouseInstallHint}`);

const QUERY_TIMEOUT_MS = 30_000;

function configFor(h: ClickHouseHarness, sharded: boolean): ClickHouseConfig {
  return {
    url: h.urls,
    cluster: sharded ? h.cluster : null,
    database: `lk_${randomBytes(6).toString('hex')}`,
    user: 'default',
    password: '',
    caFile: null,
    onCluster: false,
  };
}

if (available) {
  for (const shards of [1, 2]) {
    let harness: ClickHouseHarness | undefined;
    beforeAll(async () => {
      harness = await startClickHouse({ shards });
    }, 120_000);
    afterAll(async () => {
      await harness?.stop();
    });
    // Reopening connects again to the database a closed store used, as a restarted node would.
    const configs = new Map<ClickHouseStore, ClickHouseConfig>();
    const openWith = async (config: ClickHouseConfig) => {
      const store = await ClickHouseStore.open(config, { queryTimeoutMs: QUERY_TIMEOUT_MS });
      configs.set(store, config);
      return store;
    };
    storeContracts(shards === 1 ? 'clickhouse' : 'clickhouse (2 shards)', () => openWith(configFor(harness!, shards > 1)), {
      reopen: (closed) => openWith(configs.get(closed as ClickHouseStore)!),
    });
  }
}
