// The store contracts on real ClickHouse: one server, and a cluster of two shards where every
// event table is Distributed. Each store opened by a suite gets a database of its own.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { parseRequireE2e } from '../../../../../test/e2e/require-e2e.ts';
import { clickHouseAvailable, clickHouseInstallHint, startClickHouse, type ClickHouseHarness } from '../../testing/clickhouse.ts';
import type { ClickHouseConfig } from '../../config/config.ts';
import { analyticsContract, analyticsReportsContract, erasureContract, evaluationSpendContract, retentionContract, storeContracts } from '../contract/index.ts';
import { repriceContract } from '../contract/reprice.ts';
import { promptsContract } from '../contract/prompts.ts';
import { peopleContract } from '../contract/people.ts';
import { auditContract } from '../contract/audit.ts';
import type { Store } from '../store.ts';
import type { ContextWindowOf } from '../context-windows.ts';
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
    const openWith = async (config: ClickHouseConfig, options: { contextWindowOf?: ContextWindowOf } = {}) => {
      const store = await ClickHouseStore.open(config, { queryTimeoutMs: QUERY_TIMEOUT_MS, hourTotals: 'manual', ...options });
      configs.set(store, config);
      return store;
    };
    const name = shards === 1 ? 'clickhouse' : 'clickhouse (2 shards)';
    const open = (options: { contextWindowOf?: ContextWindowOf } = {}) => openWith(configFor(harness!, shards > 1), options);
    // Every suite reading from the spans alone; then the sums' suites again with the hours
    // summed ahead of the reads (hour-totals.ts), which must not change a single answer.
    storeContracts(name, open, { reopen: (closed) => openWith(configs.get(closed as ClickHouseStore)!) });
    const settle = async (store: Store) => {
      if (!(await (store as ClickHouseStore).refreshHourTotals())) throw new Error('the hourly totals were not refreshed');
    };
    analyticsContract(`${name}, hour totals`, open, { settle });
    analyticsReportsContract(`${name}, hour totals`, open, { settle });
    repriceContract(`${name}, hour totals`, open, { settle });
    evaluationSpendContract(`${name}, hour totals`, open, { settle });
    erasureContract(`${name}, hour totals`, open, { settle });
    retentionContract(`${name}, hour totals`, open, { settle });
    // A second node on the same database writes versions of the same prompt at the same time.
    promptsContract(name, open, { otherNode: (store) => openWith(configs.get(store as ClickHouseStore)!) });
    // A second node on the same database creates a user of the same address at the same time.
    peopleContract(name, open, { otherNode: (store) => openWith(configs.get(store as ClickHouseStore)!) });
    auditContract(name, open);
  }
}
