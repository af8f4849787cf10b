// The hourly totals on ClickHouse: long-range sums read whole hours from call_hours and stay
// equal to the sums over the spans however the spans change after their hours were summed (late
// spans, a mark made while a refresh runs, re-pricing), and only the lease holder refreshes.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRequireE2e } from '../../../../../test/e2e/require-e2e.ts';
import { clickHouseAvailable, clickHouseInstallHint, startClickHouse, type ClickHouseHarness } from '../../testing/clickhouse.ts';
import type { AnalyticsQuery } from '../../query/contract.ts';
import { call, pricedCost } from '../contract/fixtures.ts';
import { projectId } from '../store.ts';
import { ChAnalytics } from './analytics.ts';
import { ClickHouseStore } from './store.ts';

const available = clickHouseAvailable();
if (!available && parseRequireE2e(process.env.REQUIRE_E2E)) throw new Error(`REQUIRE_E2E=1 but ${clickHouseInstallHint}`);

const P = projectId('default');
const HOUR_MS = 3_600_000;
const D0 = Date.UTC(2026, 5, 1);
// Two days, with partial hours at both ends.
const RANGE = { fromMs: D0 + 25 * 60_000, toMs: D0 + 48 * HOUR_MS - 17 * 60_000 };
const QUERIES: AnalyticsQuery[] = [
  { measures: ['cost', 'requests', 'unknown_cost_requests', 'cost_per_request', 'usd_per_mtok', 'error_rate'], groupBy: ['model'], filters: [], ...RANGE },
  { measures: ['cost', 'total_tokens'], groupBy: ['provider'], bucket: 'hour', filters: [{ dimension: 'status', values: ['ok'] }], ...RANGE },
];

// Calls every 20 minutes over the two days and a little around them.
function calls(model = 'gpt-4o') {
  return Array.from({ length: 160 }, (_, i) =>
    call({ atMs: D0 - HOUR_MS + i * 20 * 60_000 + i, durationMs: 1, model: i % 3 ? model : 'claude', costNano: i % 7 ? 1_000_003 * i : null, status: i % 5 ? 'ok' : 'error' }),
  );
}

describe.skipIf(!available)('hourly call totals on ClickHouse', () => {
  for (const shards of [1, 2]) {
    describe(`${shards} shard(s)`, () => {
      let harness: ClickHouseHarness | undefined;
      beforeAll(async () => {
        harness = await startClickHouse({ shards });
      }, 120_000);
      afterAll(async () => {
        await harness?.stop();
      });

      const open = (database = `lk_${randomBytes(6).toString('hex')}`) =>
        ClickHouseStore.open(
          { url: harness!.urls, cluster: shards > 1 ? harness!.cluster : null, database, user: 'default', password: '', caFile: null, onCluster: false },
          { queryTimeoutMs: 30_000, hourTotals: 'manual' },
        );
      // The answers of the store (totals where they can answer) and of the spans alone.
      const answers = async (store: ClickHouseStore) => {
        const raw = new ChAnalytics(store.ch);
        return Promise.all(QUERIES.map(async (q) => ({ totals: await store.analytics.query(P, q), spans: await raw.query(P, q) })));
      };
      const expectExact = async (store: ClickHouseStore) => {
        for (const { totals, spans } of await answers(store)) expect(totals).toEqual(spans);
      };
      const dirtyHours = async (store: ClickHouseStore) =>
        (await store.ch.queryControl(`SELECT toUnixTimestamp(hour) * 1000 AS ms FROM ${store.ch.database}.call_hours_dirty FINAL ORDER BY hour`)).map((r) => Number(r.ms));

      it('reads whole hours from the totals, and a late span makes its hour dirty until summed again', async () => {
        const store = await open();
        try {
          await store.write({ spans: calls(), scores: [], logs: [] });
          expect(await store.refreshHourTotals()).toBe(true);
          expect(await dirtyHours(store)).toEqual([]);
          await expectExact(store);

          // A span for an hour summed already: its hour is dirty, read from the spans, then summed again.
          const lateAt = D0 + 20 * HOUR_MS + 123;
          await store.write({ spans: [call({ atMs: lateAt, durationMs: 1, costNano: 987_654_321 })], scores: [], logs: [] });
          expect(await dirtyHours(store)).toEqual([D0 + 20 * HOUR_MS]);
          await expectExact(store);
          expect(await store.refreshHourTotals()).toBe(true);
          expect(await dirtyHours(store)).toEqual([]);
          await expectExact(store);

          // The answers did come from the totals: a wrong total shows in them.
          const before = await store.analytics.query(P, QUERIES[0]);
          await store.ch.insertEveryShard(`${store.ch.database}.call_hours`, [
            { project_id: P, hour: (D0 + 10 * HOUR_MS) / 1000, model: 'claude', provider: 'openai', kind: 'generation', status: 'ok', n: 1000, known_n: 0, unknown_n: 0, cost_nano: null, input_tokens: 0, output_tokens: 0, cache_read_tokens: 0, cache_write_tokens: 0, reasoning_tokens: 0, audio_tokens: 0, total_tokens: 0, priced_tokens: 0, version: Number.MAX_SAFE_INTEGER },
          ]);
          expect(await store.analytics.query(P, QUERIES[0])).not.toEqual(before);
        } finally {
          await store.close();
        }
      }, 60_000);

      it('keeps a dirty mark made while its hour is being summed again', async () => {
        const store = await open();
        try {
          await store.write({ spans: calls(), scores: [], logs: [] });
          expect(await store.refreshHourTotals()).toBe(true);
          const hour = D0 + 30 * HOUR_MS;
          await store.write({ spans: [call({ atMs: hour + 1, durationMs: 1, costNano: 5 })], scores: [], logs: [] });
          // Another span lands in the hour after the refresh has summed it again and before it
          // removes the mark it read.
          const insertEveryShard = store.ch.insertEveryShard.bind(store.ch);
          let armed = true;
          store.ch.insertEveryShard = async (table, rows) => {
            if (armed && table.endsWith('.call_hours') && rows.some((r) => r.hour === hour / 1000)) {
              armed = false;
              await store.write({ spans: [call({ atMs: hour + 2, durationMs: 1, costNano: 7_000_000_000 })], scores: [], logs: [] });
            }
            return insertEveryShard(table, rows);
          };
          expect(await store.refreshHourTotals()).toBe(true);
          expect(armed).toBe(false);
          expect(await dirtyHours(store)).toEqual([hour]);
          await expectExact(store);
          expect(await store.refreshHourTotals()).toBe(true);
          expect(await dirtyHours(store)).toEqual([]);
          await expectExact(store);
        } finally {
          await store.close();
        }
      }, 60_000);

      it('follows re-pricing at once, and after summing again', async () => {
        const store = await open();
        try {
          await store.write({ spans: calls('mystery'), scores: [], logs: [] });
          expect(await store.refreshHourTotals()).toBe(true);
          await expectExact(store);
          const before = await store.analytics.query(P, QUERIES[0]);
          expect(await store.reprice((s) => (s.requestModel === 'mystery' ? pricedCost(123_456_789) : s.cost), { onlyUnknown: false, models: ['mystery'] })).toEqual({ updated: 106 });
          const after = await store.analytics.query(P, QUERIES[0]);
          expect(after).not.toEqual(before);
          await expectExact(store);
          expect(await store.refreshHourTotals()).toBe(true);
          expect(await dirtyHours(store)).toEqual([]);
          await expectExact(store);
          expect(await store.analytics.query(P, QUERIES[0])).toEqual(after);
        } finally {
          await store.close();
        }
      }, 60_000);

      it('is refreshed by one node at a time: the lease holder', async () => {
        const database = `lk_${randomBytes(6).toString('hex')}`;
        const [a, b] = [await open(database), await open(database)];
        try {
          await a.write({ spans: calls(), scores: [], logs: [] });
          const until = async () => Number((await a.ch.queryControl(`SELECT toUnixTimestamp(summed_until) AS s FROM ${database}.call_hours_state FINAL`))[0]?.s ?? 0) * 1000;
          expect(await a.refreshHourTotals(D0 + 24 * HOUR_MS)).toBe(true);
          expect(await until()).toBe(D0 + 23 * HOUR_MS);
          expect(await b.refreshHourTotals()).toBe(false);
          expect(await until()).toBe(D0 + 23 * HOUR_MS);
          expect(await a.refreshHourTotals()).toBe(true);
          expect(await until()).toBeGreaterThan(D0 + 48 * HOUR_MS);
          await expectExact(b);
        } finally {
          await a.close();
          await b.close();
        }
      }, 60_000);
    });
  }
});
