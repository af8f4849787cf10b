// Erasure and retention on ClickHouse beyond the shared contract (store/contract/erasure.ts,
// retention.ts): what stays in the tables' parts, what the hourly totals table itself holds, and
// the tables' TTL backstop. One server and two shards.
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseRequireE2e } from '../../../../../test/e2e/require-e2e.ts';
import { clickHouseAvailable, clickHouseInstallHint, startClickHouse, type ClickHouseHarness } from '../../testing/clickhouse.ts';
import type { LogRecord } from '../../domain/score.ts';
import { call } from '../contract/fixtures.ts';
import { projectId } from '../store.ts';
import { ClickHouseStore } from './store.ts';
import { TTL_MARGIN_DAYS } from './ttl.ts';

const available = clickHouseAvailable();
if (!available && parseRequireE2e(process.env.REQUIRE_E2E)) throw new Error(`REQUIRE_E2E=1 but ${clickHouseInstallHint}`);

const P = projectId('life-a');
const Q = projectId('life-b');
const HOUR = 3_600_000;
// Two days ago, on the hour: summed by a refresh now.
const H = Math.floor(Date.now() / HOUR) * HOUR - 48 * HOUR;
const MARK = 'zq-erased-4411';
const USER = 'user-zq-7720';
const trace = (c: string) => c.repeat(32);

describe.skipIf(!available)('erasure and retention on ClickHouse', () => {
  for (const shards of [1, 2]) {
    describe(`${shards} shard(s)`, () => {
      let harness: ClickHouseHarness | undefined;
      let store: ClickHouseStore | undefined;
      beforeAll(async () => {
        harness = await startClickHouse({ shards });
      }, 120_000);
      afterAll(async () => {
        await harness?.stop();
      });
      afterEach(async () => {
        await store?.close();
        store = undefined;
      });
      const open = async () =>
        (store = await ClickHouseStore.open(
          { url: harness!.urls, cluster: shards > 1 ? harness!.cluster : null, database: `lk_${randomBytes(6).toString('hex')}`, user: 'default', password: '', caFile: null, onCluster: false },
          { queryTimeoutMs: 30_000, hourTotals: 'manual' },
        ));
      const db = () => store!.ch.database;
      const scalar = async (sql: string, params: Record<string, unknown> = {}) => Number((await store!.ch.query<{ n: string }>(sql, params))[0]?.n ?? 0);
      // Every physical row of every table holding the marker: every version, and rows a lightweight
      // DELETE only marked deleted.
      const rawRows = async () => {
        let n = 0;
        for (const t of ['spans', 'scores', 'logs']) {
          n += await scalar(`SELECT count() AS n FROM ${db()}.${t} WHERE positionUTF8(toJSONString(tuple(*)), {m:String}) > 0 SETTINGS apply_deleted_mask = 0`, { m: MARK });
        }
        return n;
      };
      // The project's rows in the hourly totals table itself (not what a query reads, which may
      // come from the spans while an hour is dirty).
      const hourTotals = async (project: string) =>
        (await store!.ch.queryControl<{ n: string; cost: string }>(`SELECT sum(n) AS n, sum(cost_nano) AS cost FROM ${db()}.call_hours FINAL WHERE project_id = {p:String}`, { p: project }))
          .map((r) => ({ n: Number(r.n), cost: Number(r.cost) }))[0];

      it("leaves no version of an erased user's rows in any part nor their id in the records of the deletes, and sums their hours again without them", async () => {
        await open();
        const root = call({ project: P, traceId: trace('1'), atMs: H + 60_000, durationMs: 1, costNano: 1_000 });
        const child = { ...call({ project: P, traceId: trace('1'), atMs: H + 120_000, durationMs: 1, costNano: 2_000, user: USER }), parentSpanId: root.spanId, content: { input: MARK, output: MARK } };
        const other = call({ project: P, traceId: trace('2'), atMs: H + 60_000, durationMs: 1, costNano: 40_000, user: 'u2' });
        const log: LogRecord = { projectId: P, id: 'l1', traceId: trace('1'), spanId: null, timestampUs: (H + 60_000) * 1000, severity: 'info', body: MARK, attributes: {} };
        await store!.write({ spans: [root, child, other], scores: [], logs: [log] });
        // A newer version of the child (as re-pricing writes): the old one, content and all, stays in its part.
        await store!.write({ spans: [{ ...child, content: { input: `${MARK} again`, output: MARK } }], scores: [], logs: [] });
        expect(await store!.refreshHourTotals()).toBe(true);
        expect(await hourTotals(P)).toEqual({ n: 3, cost: 43_000 });
        expect(await rawRows()).toBeGreaterThan(0);

        const result = await store!.erasure.eraseRecords(P, { kind: 'user', id: USER }, { chunkRows: 100 });
        expect(result).toEqual({ counts: { spans: 2, scores: 0, logs: 1, metricPoints: 0, rollupHours: 1 }, compactsOnStop: false });
        expect(await rawRows()).toBe(0);
        expect(await hourTotals(P)).toEqual({ n: 1, cost: 40_000 });
        // ClickHouse keeps each delete's condition, values included (system.mutations): they name
        // trace and span ids, never the user.
        for (const c of store!.ch.clients) {
          const rs = await c.query({ query: 'SELECT command FROM system.mutations WHERE database = {d:String}', query_params: { d: db() }, format: 'JSONEachRow' });
          const commands = (await rs.json<{ command: string }>()).map((r) => r.command);
          expect(commands.join('\n')).toContain(trace('1'));
          expect(commands.join('\n')).not.toContain(USER);
        }
      });

      it("keeps a project's totals of hours past its retention when another project's late span dirties them", async () => {
        await open();
        await store!.write({ spans: [call({ project: P, atMs: H + 60_000, durationMs: 1, costNano: 7 }), call({ project: Q, atMs: H + 60_000, durationMs: 1, costNano: 100 })], scores: [], logs: [] });
        expect(await store!.refreshHourTotals()).toBe(true);
        const run = { cutoffs: { contentBefore: null, spansBefore: new Date(H + 24 * HOUR), rollupsBefore: null }, content: CONTENT, chunkRows: 100 };
        expect((await store!.retention.enforceRetention(P, run)).deleted.spans).toBe(1);
        // A late span of the other project in the same hour: the hour is summed again.
        await store!.write({ spans: [call({ project: Q, atMs: H + 120_000, durationMs: 1, costNano: 200 })], scores: [], logs: [] });
        expect(await store!.refreshHourTotals()).toBe(true);
        expect(await hourTotals(P)).toEqual({ n: 1, cost: 7 });
        expect(await hourTotals(Q)).toEqual({ n: 2, cost: 300 });
        const range = { fromMs: H, toMs: H + HOUR };
        // One hour: shorter than the totals are used for otherwise, but the spans are gone.
        expect((await store!.analytics.query(P, { measures: ['cost', 'requests'], groupBy: [], filters: [], ...range })).rows[0]).toEqual({ cost: 0.000000007, requests: 1 });
      });

      it('lets the tables expire rows past the longest tiers plus a margin by themselves (TTL), and follows the limits as they change', async () => {
        await open();
        const DAY = 24 * HOUR;
        const now = Math.floor(Date.now() / HOUR) * HOUR;
        const longest = { contentDays: 1, spansDays: 2, rollupsDays: 3 };
        // The margin is a week: content goes after 8 days, spans after 9, hourly totals after 10.
        expect(TTL_MARGIN_DAYS).toBe(7);
        const at = (days: number, cost: number) => ({ ...call({ project: P, atMs: now - days * DAY, durationMs: 1, costNano: cost }), content: { input: MARK, output: MARK } });
        const spans = { fresh: at(1, 1), warm: at(8.5, 10), cold: at(9.5, 100), gone: at(10.5, 1000) };
        await store!.write({ spans: Object.values(spans), scores: [], logs: [] });
        expect(await store!.refreshHourTotals()).toBe(true);
        expect(await hourTotals(P)).toEqual({ n: 4, cost: 1111 });
        // On rows already stored: their parts' TTL information is computed in the background, and
        // the next merge applies it.
        await store!.retention.applyBackstop(longest);
        for (const c of store!.ch.clients) {
          const pending = async () => {
            const rs = await c.query({ query: `SELECT count() AS n FROM system.mutations WHERE database = {d:String} AND NOT is_done`, query_params: { d: db() }, format: 'JSONEachRow' });
            return Number((await rs.json<{ n: string }>())[0].n);
          };
          while ((await pending()) > 0) await new Promise((r) => setTimeout(r, 50));
        }
        for (const t of ['spans', 'call_hours']) {
          await store!.ch.everyShard(`OPTIMIZE TABLE ${db()}.${shards > 1 && t === 'spans' ? 'spans_local' : t} FINAL`);
        }
        const left = await store!.ch.query<{ span_id: string; content: string | null }>(`SELECT span_id, input_content AS content FROM ${db()}.spans FINAL ORDER BY start_time DESC`);
        expect(left).toEqual([
          { span_id: spans.fresh.spanId, content: MARK },
          { span_id: spans.warm.spanId, content: null },
        ]);
        expect(await hourTotals(P)).toEqual({ n: 3, cost: 111 });
        // The spans' hours past the TTL keep their totals when they are summed again.
        await store!.ch.insertEveryShard(`${db()}.call_hours_dirty`, [{ hour: Math.floor((now - 9.5 * DAY) / 1000 / 3600) * 3600, version: Date.now() * 1000, deleted: 0 }]);
        expect(await store!.refreshHourTotals()).toBe(true);
        expect(await hourTotals(P)).toEqual({ n: 3, cost: 111 });
        // Other limits replace them; none removes them.
        const ttlOf = async () => (await store!.ch.query<{ q: string }>(`SELECT create_table_query AS q FROM system.tables WHERE database = {d:String} AND name = {t:String}`, { d: db(), t: shards > 1 ? 'spans_local' : 'spans' }))[0].q;
        expect(await ttlOf()).toContain('toIntervalDay(9)');
        await store!.retention.applyBackstop({ ...longest, spansDays: 30 });
        expect(await ttlOf()).toContain('toIntervalDay(37)');
        await store!.retention.applyBackstop(null);
        expect(await ttlOf()).not.toContain('TTL');
      });
    });
  }
});

const CONTENT = {
  hashes: 'all' as const,
  names: [],
  prefixes: [],
  patterns: [],
  errorMessageKept: '.*',
  otlpMetadata: { marker: 'otlp.marker', names: [], prefixes: [], valuePattern: '[0-9]+' },
  chunkRows: 100,
};
