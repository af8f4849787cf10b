// A data directory written by the first released schema (migration 1 only), made here with that
// migration's own SQL and rows inserted as that version stored them, then opened by the current
// store: the later migrations run on it and everything written before reads back.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, describe, expect, it } from 'vitest';
import { projectId } from '../store.ts';
import { MIGRATIONS } from './migrations.ts';
import { hashApiKey } from '../api-keys.ts';
import { DuckDbStore } from './store.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const V1_KEY = 'lk_v1-data-dir-key-0123456789abcdef';
const START_US = Date.UTC(2026, 0, 10, 12) * 1000;

async function writeV1DataDir(dir: string): Promise<void> {
  const instance = await DuckDBInstance.create(join(dir, 'lookout.duckdb'));
  const db = await instance.connect();
  const v1 = MIGRATIONS.find((m) => m.version === 1)!;
  await db.run('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp)');
  await db.run(v1.sql);
  await db.run(`INSERT INTO schema_migrations (version, name) VALUES (1, '${v1.name}')`);
  await db.run("INSERT INTO projects (id, name, content_capture) VALUES ('old', 'Old project', 'metadata')");
  await db.run(`INSERT INTO api_keys (id, project_id, key_hash, key_prefix, scope, name) VALUES ('key-1', 'old', '${hashApiKey(V1_KEY)}', 'lk_v1-da', 'ingest', 'from v1')`);
  await db.run(`INSERT INTO spans VALUES (
    'old', 'trace-v1', 'span-v1', NULL, 'chat gpt-4o', 'generation',
    make_timestamp(${START_US}), make_timestamp(${START_US + 2_000_000}), 2000, 'openai', 'gpt-4o', 'gpt-4o-2024-08-06', 'gpt-4o',
    100, 20, 0, 0, 0, 0, 120, 'priced', 0.000450000, '{"input":250000,"output":200000}', 'catalog:openai/gpt-4o', 'v1',
    'ok', NULL, NULL, 'stop', 310.5, 'ann', 'sess-1', 'chat', 'core', NULL, NULL, 'prod',
    ['a', 'b'], MAP {'tier': 'pro'}, 'question', 'answer', NULL, NULL, 'req-1', make_timestamp(${START_US + 3_000_000}))`);
  await db.run(`INSERT INTO scores VALUES ('old', 'score-1', 'trace-v1', 'span-v1', 'helpful', 'numeric', 0.75, NULL, 'fine', 'api', make_timestamp(${START_US}), 'ann')`);
  await db.run(`INSERT INTO logs VALUES ('old', 'log-1', 'trace-v1', 'span-v1', make_timestamp(${START_US}), 'warn', 'slow answer', MAP {'k': 'v'})`);
  await db.run("INSERT INTO price_overrides (id, provider, model, effective_from, input_per_mtok_usd, output_per_mtok_usd, source) VALUES ('o1', NULL, 'mystery-*', TIMESTAMP '2026-01-01 00:00:00', 1, 2, 'api')");
  db.closeSync();
  instance.closeSync();
}

describe('a data directory of schema version 1', () => {
  it('is migrated on open and reads back what it held', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lookout-v1-'));
    dirs.push(dir);
    await writeV1DataDir(dir);
    const OLD = projectId('old');

    const store = await DuckDbStore.open(dir, { hourRollups: 'manual' });
    try {
      const span = await store.getSpan(OLD, 'span-v1');
      expect(span).toEqual({
        projectId: 'old', traceId: 'trace-v1', spanId: 'span-v1', parentSpanId: null, name: 'chat gpt-4o', kind: 'generation',
        startUs: START_US, endUs: START_US + 2_000_000, provider: 'openai', requestModel: 'gpt-4o', responseModel: 'gpt-4o-2024-08-06',
        usage: { input: 100, output: 20, cacheRead: 0, cacheWrite: 0, reasoning: 0, audio: 0 },
        cost: { status: 'priced', totalNanoUsd: 450_000, byBucketNanoUsd: { input: 250_000, output: 200_000 }, priceRowId: 'catalog:openai/gpt-4o', catalogVersion: 'v1' },
        status: 'ok', errorClass: null, errorMessage: null, finishReason: 'stop', ttftMs: 310.5,
        attribution: { userId: 'ann', sessionId: 'sess-1', feature: 'chat', team: 'core', department: null, application: null, environment: 'prod' },
        tags: ['a', 'b'], metadata: { tier: 'pro' }, content: { input: 'question', output: 'answer' },
        promptHash: null, responseHash: null, requestId: 'req-1',
      });
      const trace = await store.getTrace(OLD, 'trace-v1');
      expect(trace.scores).toMatchObject([{ id: 'score-1', name: 'helpful', numericValue: 0.75 }]);
      expect(trace.logs).toEqual([{ projectId: 'old', id: 'log-1', traceId: 'trace-v1', spanId: 'span-v1', timestampUs: START_US, severity: 'warn', body: 'slow answer', attributes: { k: 'v' } }]);
      expect((await store.listProjects()).find((p) => p.id === 'old')).toMatchObject({ name: 'Old project', contentCapture: 'metadata' });
      expect(await store.resolveApiKey(V1_KEY)).toMatchObject({ id: 'key-1', projectId: 'old', scope: 'ingest' });
      expect(await store.listPriceOverrides()).toMatchObject([{ id: 'o1', model: 'mystery-*', effectiveFrom: '2026-01-01T00:00:00.000Z', inputPerMtokUsd: 1, outputPerMtokUsd: 2 }]);

      // The tables of later migrations exist and work on the old data: metric points
      // (migration 2) and the hourly totals (migration 3), which sum the v1 span.
      const point = {
        projectId: 'old', id: 'p1', name: 'gen_ai.client.token.usage', unit: '{token}', kind: 'sum' as const, temporality: 'delta' as const,
        attributes: {}, service: null, startUs: START_US, timeUs: START_US, value: 3, count: null, sum: null, min: null, max: null, bucketCounts: [], bounds: [],
      };
      expect(await store.writeMetricPoints([point])).toEqual({ accepted: 1, duplicates: 0 });
      await store.refreshHourRollups(START_US / 1000 + 3 * 3_600_000);
      const calls = await store.aggregateCalls({ fromMs: START_US / 1000 - 3_600_000, bucketMs: 3_600_000, detail: 'model' });
      expect(calls.filter((c) => c.projectId === 'old').map((c) => [c.model, c.requests, c.costNanoUsd])).toEqual([['gpt-4o', 1, 450_000]]);
    } finally {
      await store.close();
    }
  });
});
