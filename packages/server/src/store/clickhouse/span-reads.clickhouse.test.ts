// Newest-first listings read the last hour of the range, then four times as much, and so on: a
// page found in a window must be exactly the page of the whole range, on one server and on two
// shards.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRequireE2e } from '../../../../../test/e2e/require-e2e.ts';
import { makeSpan } from '../../testing/fixtures.ts';
import { clickHouseAvailable, clickHouseInstallHint, startClickHouse, type ClickHouseHarness } from '../../testing/clickhouse.ts';
import type { SpanRecord } from '../../domain/span.ts';
import { projectId } from '../store.ts';
import { ClickHouseStore } from './store.ts';

const available = clickHouseAvailable();
if (!available && parseRequireE2e(process.env.REQUIRE_E2E)) throw new Error(`REQUIRE_E2E=1 but ${clickHouseInstallHint}`);

const P = projectId('windows');
const BASE_MS = Date.UTC(2026, 0, 10);
const MIN_US = 60_000_000;
const HOUR_MS = 3_600_000;
const N = 30;
const traceId = (i: number) => i.toString(16).padStart(2, '0').repeat(16);

// Trace i starts at i * 10 min with its root; its call starts 20 minutes later, so every window
// boundary cuts a trace (the newest trace's root is an hour before the last window).
const spans: SpanRecord[] = [];
for (let i = 0; i < N; i++) {
  const s = BASE_MS * 1000 + i * 10 * MIN_US;
  const root = makeSpan({ projectId: P, traceId: traceId(i), kind: 'agent', name: `t${i}`, startUs: s, endUs: s + 25 * MIN_US });
  spans.push(root, makeSpan({ projectId: P, traceId: traceId(i), parentSpanId: root.spanId, startUs: s + 20 * MIN_US, endUs: s + 21 * MIN_US }));
}
// Ends far enough past the data and starts before it, so the one- and four-hour windows are tried.
const range = { fromMs: BASE_MS - HOUR_MS, toMs: BASE_MS + 6 * HOUR_MS };

describe.runIf(available).each([1, 2])('newest-first windows on ClickHouse (%i shards)', (shards) => {
  let harness: ClickHouseHarness | undefined;
  let store: ClickHouseStore;
  beforeAll(async () => {
    harness = await startClickHouse({ shards });
    store = await ClickHouseStore.open(
      { url: harness.urls, cluster: shards > 1 ? harness.cluster : null, database: `lk_${randomBytes(6).toString('hex')}`, user: 'default', password: '', caFile: null, onCluster: false },
      { queryTimeoutMs: 30_000 },
    );
    await store.write({ spans, scores: [], logs: [] });
  }, 120_000);
  afterAll(async () => {
    await store?.close();
    await harness?.stop();
  });

  it('pages traces from a window exactly as from the whole range, each summarised over all its spans', async () => {
    const full = (await store.listTraces(P, range, { limit: N, offset: 0 })).traces;
    expect(full.map((t) => t.name)).toEqual(Array.from({ length: N }, (_, i) => `t${N - 1 - i}`));
    expect(full.every((t) => t.spans === 2 && t.durationMs === 25 * 60_000)).toBe(true);
    // Pages inside the four-hour window (traces 12 to 29 start in it; trace 11's root is in the hour
    // before it), one at its edge, and one only the whole range holds.
    for (const [offset, limit] of [[0, 4], [5, 5], [14, 4], [10, 10]]) {
      const page = await store.listTraces(P, range, { limit, offset }, { total: false });
      expect(page.traces).toEqual(full.slice(offset, offset + limit));
    }
  });

  it('pages spans from a window exactly as from the whole range', async () => {
    const full = (await store.listSpans(P, range, { limit: 2 * N, offset: 0 })).spans.map((s) => s.spanId);
    const expected = [...spans].sort((a, b) => b.startUs - a.startUs || (a.spanId < b.spanId ? -1 : 1)).map((s) => s.spanId);
    expect(full).toEqual(expected);
    for (const [offset, limit] of [[0, 5], [3, 10], [30, 10], [50, 20]]) {
      const page = await store.listSpans(P, range, { limit, offset }, { total: false });
      expect(page.spans.map((s) => s.spanId)).toEqual(full.slice(offset, offset + limit));
    }
  });
});
