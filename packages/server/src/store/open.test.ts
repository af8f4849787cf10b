import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config/config.ts';
import { DATABASE_FILE } from './duckdb/compact.ts';
import { DuckDbStore } from './duckdb/store.ts';
import { openStore } from './open.ts';

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
