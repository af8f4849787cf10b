import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config/config.ts';
import { DATABASE_FILE } from './duckdb/compact.ts';
import { DuckDbStore } from './duckdb/store.ts';
import { openStore } from './open.ts';
import { projectId } from './store.ts';
import { makeSpan } from '../testing/fixtures.ts';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'lookout-open-store-'));
}

describe('openStore', () => {
  it('opens DuckDB in the data directory when storage.backend is duckdb', async () => {
    for (const env of [{}, { LOOKOUT_STORAGE: 'duckdb' }]) {
      const dataDir = tempDir();
      const config = loadConfig({ env: { ...env, LOOKOUT_DATA_DIR: dataDir } });
      expect(config.storage.backend).toBe('duckdb');
      const store = await openStore(config);
      try {
        expect(store).toBeInstanceOf(DuckDbStore);
        expect(store.backend).toBe('duckdb');
        expect(existsSync(join(dataDir, DATABASE_FILE))).toBe(true);
        expect(await store.countApiKeys()).toBe(0);
      } finally {
        await store.close();
      }
    }
  });

  it('counts with the context windows of pricing.contextWindows, the catalog\'s for other models', async () => {
    const config = loadConfig({ env: {}, flags: { pricing: { contextWindows: { 'house-model': 1_000 } } } });
    const store = await openStore(config, { inMemory: true });
    try {
      const T = Date.UTC(2026, 1, 1, 10);
      const span = (model: string, input: number) =>
        makeSpan({ provider: 'acme', requestModel: model, startUs: T * 1000, endUs: T * 1000 + 1000, usage: { input, output: 1, cacheRead: 0, cacheWrite: 0, reasoning: 0, audio: 0 } });
      await store.write({ spans: [span('house-model', 901), span('house-model', 900), span('gpt-4o', 901)], scores: [], logs: [] });
      const rows = await store.aggregateCalls({ fromMs: T, bucketMs: 60_000, detail: 'model' });
      expect(rows.map((r) => [r.model, r.requests, r.nearContextLimit]).sort()).toEqual([['gpt-4o', 1, 0], ['house-model', 2, 1]]);
      const q = await store.analytics.query(projectId('default'), { measures: ['near_context_limit', 'context_window_use_p50'], groupBy: ['model'], filters: [], fromMs: T, toMs: T + 60_000 });
      expect(q.rows.map((r) => [r.model, r.near_context_limit, Number(Number(r.context_window_use_p50).toFixed(9))]).sort()).toEqual([['gpt-4o', 0, 0.007039063], ['house-model', 1, 0.9005]]);
    } finally {
      await store.close();
    }
  });

  it('keeps nothing in the data directory when asked for an in-memory store', async () => {
    const dataDir = tempDir();
    const store = await openStore(loadConfig({ env: { LOOKOUT_DATA_DIR: dataDir } }), { inMemory: true });
    try {
      expect(store.backend).toBe('duckdb');
      expect(await store.countApiKeys()).toBe(0);
      expect(readdirSync(dataDir)).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('refuses an unknown backend, naming the variable and the backends there are', () => {
    const load = () => loadConfig({ env: { LOOKOUT_STORAGE: 'postgres' } });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow('storage.backend: must be one of duckdb, clickhouse (from environment variable LOOKOUT_STORAGE)');
  });
});
