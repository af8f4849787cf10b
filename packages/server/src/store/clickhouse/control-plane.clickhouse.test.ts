// The control plane on a cluster: every shard holds a full copy, so keys, projects and price
// overrides are still read while one shard is stopped.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRequireE2e } from '../../../../../test/e2e/require-e2e.ts';
import { clickHouseAvailable, clickHouseInstallHint, startClickHouse, type ClickHouseHarness } from '../../testing/clickhouse.ts';
import { projectId } from '../store.ts';
import { ClickHouseStore } from './store.ts';

const available = clickHouseAvailable();
if (!available && parseRequireE2e(process.env.REQUIRE_E2E)) throw new Error(`REQUIRE_E2E=1 but ${clickHouseInstallHint}`);

describe.skipIf(!available)('control plane on a 2-shard ClickHouse cluster', () => {
  let harness: ClickHouseHarness | undefined;
  beforeAll(async () => {
    harness = await startClickHouse({ shards: 2 });
  }, 120_000);
  afterAll(async () => {
    await harness?.stop();
  });

  it('authenticates and lists from the shard that answers while another is stopped', async () => {
    const h = harness!;
    const store = await ClickHouseStore.open(
      { url: h.urls, cluster: h.cluster, database: `lk_${randomBytes(6).toString('hex')}`, user: 'default', password: '', caFile: null, onCluster: false },
      { queryTimeoutMs: 30_000 },
    );
    try {
      const A = projectId('alpha');
      const { key, info } = await store.createApiKey(A, 'ingest', 'ci');
      await store.setContentCapture(A, 'metadata');
      await store.upsertPriceOverride({ id: 'o1', provider: null, model: 'm-*', effectiveFrom: '2026-01-01T00:00:00.123Z', effectiveTo: null, inputPerMtokUsd: 1, outputPerMtokUsd: 2, source: 'api' });
      // Each shard's own copy holds the writes.
      for (const client of store.ch.clients) {
        const rs = await client.query({ query: `SELECT count() AS n FROM ${store.ch.database}.api_keys FINAL`, format: 'JSONEachRow' });
        expect((await rs.json<{ n: unknown }>()).map((r) => Number(r.n))).toEqual([1]);
      }
      const projects = await store.listProjects();
      await h.stopShard(0);
      try {
        expect(await store.resolveApiKey(key)).toEqual(info);
        expect(await store.listProjects()).toEqual(projects);
        expect(projects.find((p) => p.id === A)?.contentCapture).toBe('metadata');
        expect((await store.listPriceOverrides()).map((o) => o.effectiveFrom)).toEqual(['2026-01-01T00:00:00.123Z']);
      } finally {
        await h.startShard(0);
      }
    } finally {
      await store.close();
    }
  });
});
