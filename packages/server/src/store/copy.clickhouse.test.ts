// Moving a DuckDB install to ClickHouse (real engine): every kind of record arrives once, as it was
// stored, keys keep working, and copying again (or after an interruption) adds nothing.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRequireE2e } from '../../../../test/e2e/require-e2e.ts';
import type { MetricPointRecord } from '../domain/metric.ts';
import type { LogRecord, ScoreRecord } from '../domain/score.ts';
import type { SpanRecord } from '../domain/span.ts';
import { makeScore, makeSpan } from '../testing/fixtures.ts';
import { clickHouseAvailable, clickHouseInstallHint, startClickHouse, type ClickHouseHarness } from '../testing/clickhouse.ts';
import { ClickHouseStore } from './clickhouse/store.ts';
import { PROMPT_LIMITS } from '../domain/prompts.ts';
import { copyStore, type CopyProgress, type CopyReport } from './copy.ts';
import { DuckDbStore } from './duckdb/store.ts';
import { projectId, type StoredPriceOverride, type Store } from './store.ts';

const available = clickHouseAvailable();
if (!available && parseRequireE2e(process.env.REQUIRE_E2E)) throw new Error(`REQUIRE_E2E=1 but ${clickHouseInstallHint}`);

const A = projectId('shop');
const B = projectId('support');
const T_US = Date.UTC(2026, 1, 27, 22) * 1000;
const MIN_US = 60_000_000;
// Small chunks, so every kind takes several pages.
const CHUNK_ROWS = 3;

const root = makeSpan({ projectId: A, kind: 'agent', startUs: T_US, attribution: { userId: 'u1', sessionId: null, feature: 'cart', team: 'web', department: null, application: null, environment: 'prod' } });
const spans = [
  root,
  // A child whose attribution the source filled from its root, and a cost no catalog would give
  // (copied as stored, not worked out again).
  makeSpan({ projectId: A, traceId: root.traceId, parentSpanId: root.spanId, startUs: T_US + 1, cost: { status: 'priced', totalNanoUsd: 123, byBucketNanoUsd: { input: 123 }, priceRowId: 'catalog:openai/gpt-4o', catalogVersion: 'old' } }),
  makeSpan({ projectId: A, startUs: T_US + 1, content: { input: 'hello', output: 'world' }, tags: ['x'], metadata: { k: 'v' } }),
  makeSpan({ projectId: A, requestModel: 'mystery', startUs: T_US + MIN_US, cost: { status: 'unknown_model', totalNanoUsd: null, byBucketNanoUsd: {}, priceRowId: null, catalogVersion: null } }),
  ...Array.from({ length: 7 }, (_, i) => makeSpan({ projectId: B, startUs: T_US + i * 24 * 60 * MIN_US, status: i % 2 ? 'error' : 'ok' })),
];
const scores = Array.from({ length: 5 }, (_, i) => makeScore({ projectId: i % 2 ? A : B, traceId: root.traceId, timestampUs: T_US + i }));
const logs: LogRecord[] = Array.from({ length: 4 }, (_, i) => ({
  projectId: A, id: `log-${i}`, traceId: root.traceId, spanId: null, timestampUs: T_US + i * MIN_US, severity: 'warn', body: `line ${i}`, attributes: { i: String(i) },
}));
const points: MetricPointRecord[] = Array.from({ length: 4 }, (_, i) => ({
  projectId: B, id: `pt-${i}`, name: 'gen_ai.client.operation.duration', unit: 's', kind: 'gauge', temporality: 'unspecified',
  attributes: { model: 'gpt-4o' }, service: 'api', startUs: null, timeUs: T_US + i * MIN_US, value: i / 4,
  count: null, sum: null, min: null, max: null, bucketCounts: [], bounds: [],
}));
const override: StoredPriceOverride = {
  id: 'o1', provider: 'openai', model: 'ft:gpt-4o*', effectiveFrom: '2026-01-01T00:00:00.000Z', effectiveTo: null,
  inputPerMtokUsd: 3, outputPerMtokUsd: 12, cacheReadPerMtokUsd: 1.5, cacheWritePerMtokUsd: null, reasoningPerMtokUsd: null, audioPerMtokUsd: null, source: 'api',
};

// Everything a store holds, in one comparable value.
async function contents(store: Store) {
  const all = async <T>(read: (after: T | null, limit: number) => Promise<T[]>) => {
    const out: T[] = [];
    for (let page = await read(null, 100); page.length; page = await read(page[page.length - 1], 100)) out.push(...page);
    return out;
  };
  const byId = <T extends { id: string }>(xs: T[]) => [...xs].sort((x, y) => (x.id < y.id ? -1 : 1));
  return {
    projects: (await store.listProjects()).map((p) => ({ id: p.id, contentCapture: p.contentCapture })),
    overrides: await store.listPriceOverrides(),
    keys: byId(await store.exportApiKeys()),
    spans: await all<SpanRecord>((after, n) => store.exportSpans(after, n)),
    scores: await all<ScoreRecord>((after, n) => store.exportScores(after, n)),
    logs: await all<LogRecord>((after, n) => store.exportLogs(after, n)),
    points: await all<MetricPointRecord>((after, n) => store.exportMetricPoints(after, n)),
    users: await Promise.all((await store.people.listUsers()).map((u) => store.people.getUser(u.id))),
    audit: await store.audit.list({ projectId: null, fromMs: 0, toMs: Date.now() + 86_400_000, limit: 1000 }),
  };
}

describe.runIf(available)('copying a DuckDB store into ClickHouse', () => {
  let harness: ClickHouseHarness | undefined;
  let source: DuckDbStore;
  let target: ClickHouseStore;
  const keys: Record<string, string> = {};

  beforeAll(async () => {
    harness = await startClickHouse({ shards: 1 });
    target = await ClickHouseStore.open(
      { url: harness.urls, cluster: null, database: `lk_${randomBytes(6).toString('hex')}`, user: 'default', password: '', caFile: null, onCluster: false },
      { queryTimeoutMs: 30_000 },
    );
    source = await DuckDbStore.open(null, { hourRollups: 'manual' });
    await source.createProject(A, 'Shop');
    await source.createProject(B, 'Support');
    await source.setContentCapture(B, 'metadata');
    await source.upsertPriceOverride(override);
    keys.live = (await source.createApiKey(A, 'ingest', 'ci')).key;
    keys.admin = (await source.createApiKey(B, 'admin', null)).key;
    const revoked = await source.createApiKey(A, 'read', 'old');
    keys.revoked = revoked.key;
    await source.revokeApiKey(A, revoked.info.id);
    await source.write({ spans, scores, logs });
    await source.writeMetricPoints(points);
    const ada = await source.people.createUser({ email: 'ada@example.com', name: 'Ada', source: 'local', passwordHash: 'scrypt$salt$hash', memberships: [{ projectId: A, role: 'admin' }, { projectId: B, role: 'viewer' }] });
    await source.people.updateUser(ada.id, { lastSignInAt: '2026-02-27T21:00:00.123Z', disabled: true });
    await source.people.createUser({ email: 'bob@example.com', name: null, source: 'oidc', passwordHash: null, memberships: [] });
    await source.audit.append(
      Array.from({ length: 4 }, (_, i) => ({
        id: `audit-${i}`, at: new Date(T_US / 1000 + i * 1000).toISOString(), projectId: i % 2 ? A : B, actor: { kind: 'user' as const, id: ada.id, email: 'ada@example.com' },
        ip: '127.0.0.1', userAgent: null, action: 'budget.update', target: `b${i}`, method: 'PATCH', path: `/api/v1/budgets/b${i}`, status: 200, details: { after: { limitUsd: i } },
      })),
    );
    const version = { model: null, parameters: null, message: 'first', createdBy: 'key-1' };
    await source.prompts.createPromptVersion(A, 'support', { type: 'text', prompt: 'Answer {{q}}', ...version }, ['production'], PROMPT_LIMITS);
    await source.prompts.createPromptVersion(A, 'support', { type: 'text', prompt: 'Reply to {{q}}', ...version, parameters: { temperature: 0 } }, ['staging'], PROMPT_LIMITS);
  }, 120_000);
  afterAll(async () => {
    await source?.close();
    await target?.close();
    await harness?.stop();
  });

  let first: CopyReport;
  const progress: CopyProgress[] = [];

  it('copies every record once, as stored, resuming after an interruption', async () => {
    // An earlier run that stopped part way through the spans.
    await target.write({ spans: spans.slice(0, 4), scores: [], logs: [] });
    first = await copyStore(source, target, { chunkRows: CHUNK_ROWS, onProgress: (p) => progress.push(p) });
    expect(first).toMatchObject({
      apiKeys: { copied: 3, skipped: 0 },
      priceOverrides: { copied: 1, skipped: 0 },
      spans: { copied: spans.length - 4, skipped: 4 },
      scores: { copied: scores.length, skipped: 0 },
      logs: { copied: logs.length, skipped: 0 },
      metricPoints: { copied: points.length, skipped: 0 },
      users: { copied: 2, skipped: 0 },
      auditEntries: { copied: 4, skipped: 0 },
    });
    expect(progress.filter((p) => p.kind === 'spans' && !p.done)).toHaveLength(Math.ceil(spans.length / CHUNK_ROWS));
    const there = await contents(target);
    expect(there).toEqual(await contents(source));
    expect(there.spans.find((s) => s.cost.totalNanoUsd === 123)?.attribution.userId).toBe('u1');
    expect(there.projects).toContainEqual({ id: B, contentCapture: 'metadata' });
    expect(there.users[0]).toMatchObject({ email: 'ada@example.com', passwordHash: 'scrypt$salt$hash', lastSignInAt: '2026-02-27T21:00:00.123Z' });
    expect(there.users[0]?.disabledAt).not.toBeNull();
    expect(first).toMatchObject({ promptVersions: { copied: 2, skipped: 0 }, promptLabels: { copied: 2, skipped: 0 } });
    expect(await target.prompts.listPromptVersions(A, 'support')).toEqual(await source.prompts.listPromptVersions(A, 'support'));
    for (const version of [1, 2]) expect(await target.prompts.getPrompt(A, 'support', { version })).toEqual(await source.prompts.getPrompt(A, 'support', { version }));
  });

  it('lets the keys made on DuckDB authenticate against ClickHouse, revoked ones not', async () => {
    expect(await target.resolveApiKey(keys.live)).toEqual(await source.resolveApiKey(keys.live));
    expect((await target.resolveApiKey(keys.admin))?.projectId).toBe(B);
    expect(await target.resolveApiKey(keys.revoked)).toBeNull();
  });

  it('copies nothing the second time', async () => {
    const before = await contents(target);
    const again = await copyStore(source, target, { chunkRows: CHUNK_ROWS });
    for (const [kind, { copied, skipped }] of Object.entries(again)) {
      expect({ kind, copied }).toEqual({ kind, copied: 0 });
      expect(skipped).toBe(first[kind as keyof CopyReport].copied + first[kind as keyof CopyReport].skipped);
    }
    expect(await contents(target)).toEqual(before);
  });
});
