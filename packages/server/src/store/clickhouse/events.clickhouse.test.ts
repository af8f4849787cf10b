// Events in on ClickHouse, beyond the contract: batches larger than one request's parameters.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRequireE2e } from '../../../../../test/e2e/require-e2e.ts';
import { clickHouseAvailable, clickHouseInstallHint, startClickHouse, type ClickHouseHarness } from '../../testing/clickhouse.ts';
import { makeScore, makeSpan } from '../../testing/fixtures.ts';
import { readTenantOfProject, runAsReadTenant } from '../read-tenant.ts';
import { projectId } from '../store.ts';
import { paramChunks } from './client.ts';
import { ClickHouseStore } from './store.ts';

const available = clickHouseAvailable();
if (!available && parseRequireE2e(process.env.REQUIRE_E2E)) throw new Error(`REQUIRE_E2E=1 but ${clickHouseInstallHint}`);

describe('paramChunks', () => {
  it('splits a list so that each part stays under the size, keeping every value once and in order', () => {
    const values = Array.from({ length: 1000 }, (_, i) => `id-${i}-${'x'.repeat(i % 50)}`);
    const parts = paramChunks(values, 4096);
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.flat()).toEqual(values);
    for (const p of parts) expect(p.reduce((n, v) => n + encodeURIComponent(v).length * 2 + 4, 0)).toBeLessThanOrEqual(4096);
  });
});

describe.skipIf(!available)('events on ClickHouse', () => {
  let harness: ClickHouseHarness | undefined;
  beforeAll(async () => {
    harness = await startClickHouse({ shards: 1 });
  }, 120_000);
  afterAll(async () => {
    await harness?.stop();
  });

  it("keeps one project's reads to its share and refuses them with 429 when they pile up; the server's own reads are not held", async () => {
    const refused: string[] = [];
    const store = await ClickHouseStore.open(
      { url: harness!.urls, cluster: null, database: `lk_${randomBytes(6).toString('hex')}`, user: 'default', password: '', caFile: null, onCluster: false },
      { queryTimeoutMs: 30_000, readConnections: 3, hourTotals: 'manual', onReadRefused: (r) => refused.push(r) },
    );
    try {
      const A = projectId('alpha');
      // One running, 64 waiting, the rest refused: all are asked for before any is answered.
      const reads = Array.from({ length: 70 }, () =>
        runAsReadTenant(readTenantOfProject(A), () => store.listSpans(A, {}, { limit: 1, offset: 0 }, { total: false })).then(
          () => 'answered',
          (e: { code?: string }) => e.code,
        ),
      );
      const server = await store.listSpans(A, {}, { limit: 1, offset: 0 }, { total: false });
      expect(server.spans).toEqual([]);
      const outcomes = await Promise.all(reads);
      expect(outcomes.filter((o) => o === 'too_many_queries')).toHaveLength(5);
      expect(outcomes.filter((o) => o === 'answered')).toHaveLength(65);
      expect(refused).toEqual(['busy', 'busy', 'busy', 'busy', 'busy']);
    } finally {
      await store.close();
    }
  }, 120_000);

  it('finds which records of a batch are stored when their ids are too many for one request', async () => {
    const store = await ClickHouseStore.open(
      { url: harness!.urls, cluster: null, database: `lk_${randomBytes(6).toString('hex')}`, user: 'default', password: '', caFile: null, onCluster: false },
      { queryTimeoutMs: 30_000 },
    );
    try {
      const A = projectId('alpha');
      // 5,000 ids of 64 characters: about 650 KB of parameters, five times what one value may hold.
      const long = () => randomBytes(32).toString('hex');
      const spans = Array.from({ length: 5_000 }, () => makeSpan({ projectId: A, spanId: long(), traceId: long() }));
      const scores = Array.from({ length: 5_000 }, () => makeScore({ projectId: A, id: long() }));
      const first = await store.write({ spans, scores, logs: [] });
      expect(first.spans.every((o) => o === 'accepted')).toBe(true);
      const fresh = makeSpan({ projectId: A, spanId: long(), traceId: long() });
      const flags = await store.findStored({ spans: [...spans, fresh], scores, logs: [] });
      expect(flags.spans.filter(Boolean)).toHaveLength(5_000);
      expect(flags.spans[5_000]).toBe(false);
      expect(flags.scores.every(Boolean)).toBe(true);
      const again = await store.write({ spans, scores, logs: [] });
      expect(again.spans.every((o) => o === 'duplicate')).toBe(true);
    } finally {
      await store.close();
    }
  }, 120_000);
});
