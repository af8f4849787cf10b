// Re-pricing on ClickHouse writes each changed span again whole: everything but the cost is kept,
// and reads see one row per span, on one server and on two shards.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRequireE2e } from '../../../../../test/e2e/require-e2e.ts';
import { clickHouseAvailable, clickHouseInstallHint, startClickHouse, type ClickHouseHarness } from '../../testing/clickhouse.ts';
import { makeSpan } from '../../testing/fixtures.ts';
import { pricedCost, unknownCost } from '../contract/fixtures.ts';
import { projectId } from '../store.ts';
import { rowToSpan, SPAN_COLUMNS } from './rows.ts';
import { ClickHouseStore } from './store.ts';

const available = clickHouseAvailable();
if (!available && parseRequireE2e(process.env.REQUIRE_E2E)) throw new Error(`REQUIRE_E2E=1 but ${clickHouseInstallHint}`);

describe.skipIf(!available)('re-pricing on ClickHouse', () => {
  for (const shards of [1, 2]) {
    let harness: ClickHouseHarness | undefined;
    beforeAll(async () => {
      harness = await startClickHouse({ shards });
    }, 120_000);
    afterAll(async () => {
      await harness?.stop();
    });

    it(`keeps every other column of a re-priced span, and re-prices a whole chunk at once (${shards} shard(s))`, async () => {
      const h = harness!;
      const store = await ClickHouseStore.open(
        { url: h.urls, cluster: shards > 1 ? h.cluster : null, database: `lk_${randomBytes(6).toString('hex')}`, user: 'default', password: '', caFile: null, onCluster: false },
        { queryTimeoutMs: 30_000 },
      );
      try {
        const A = projectId('alpha');
        const span = makeSpan({
          projectId: A,
          requestModel: 'mystery',
          cost: unknownCost(),
          attribution: { userId: 'u1', sessionId: 's1', feature: 'chat', team: 'core', department: 'eng', application: 'app', environment: 'prod' },
          tags: ['a', 'b'],
          metadata: { tier: 'pro', 'multi\nline': 'x"y' },
          content: { input: 'hello', output: 'world' },
          usage: { input: 10, output: 20, cacheRead: 30, cacheWrite: 40, reasoning: 5, audio: 1 },
          ttftMs: 123.456789,
          startUs: 1_767_225_600_123_457,
          endUs: 1_767_225_601_000_001,
          promptHash: 'ph',
        });
        await store.write({ spans: [span], scores: [], logs: [] });
        const cost = pricedCost(4_503_599_627_370_497, 'override:mystery');
        expect(await store.reprice(() => cost, { onlyUnknown: true, models: null })).toEqual({ updated: 1 });
        const rows = await store.ch.query(`SELECT ${SPAN_COLUMNS} FROM ${store.ch.database}.spans FINAL WHERE project_id = {p:String}`, { p: A });
        expect(rows.map(rowToSpan)).toEqual([{ ...span, cost }]);
        // A second pass finds nothing left to change.
        expect(await store.reprice(() => cost, { onlyUnknown: false, models: ['mystery'] })).toEqual({ updated: 0 });

        // A whole chunk of changes at once: more identities than one query's parameters may hold.
        const many = Array.from({ length: 3_000 }, () => makeSpan({ projectId: projectId(`project-${'p'.repeat(40)}`), requestModel: 'bulk', cost: unknownCost() }));
        await store.write({ spans: many, scores: [], logs: [] });
        expect(await store.reprice(() => pricedCost(7), { onlyUnknown: true, models: ['bulk'] })).toEqual({ updated: 3_000 });
        const sums = await store.ch.query(`SELECT count() AS n, sum(cost_nano) AS nano FROM ${store.ch.database}.spans FINAL WHERE request_model = 'bulk'`);
        expect(sums.map((r) => [Number(r.n), Number(r.nano)])).toEqual([[3_000, 21_000]]);
      } finally {
        await store.close();
      }
    }, 60_000);
  }
});
