import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { LookoutConfig, StorageBackend } from '../config/config.ts';
import { ClickHouseStore } from './clickhouse/store.ts';
import { contextWindowOf } from '../enrich/pricing/context-windows.ts';
import { DuckDbStore } from './duckdb/store.ts';
import { DATABASE_FILE } from './duckdb/compact.ts';
import type { ReadRefusal, Store } from './store.ts';

// The one place that knows the backends: everything else opens the store here and uses the
// contract, so a backend can be added or chosen without touching its users.

export interface OpenStoreOptions {
  // Nothing on disk: the store lives in memory and is gone when closed (tests).
  inMemory?: boolean;
  // Told of each read the store refuses, for /metrics.
  onReadRefused?: (reason: ReadRefusal) => void;
}

// `pricing.contextWindows` (C4) names context windows in place of the catalog's; a caller that
// only moves data (migrate) has no need of it.
type StorageConfig = Pick<LookoutConfig, 'dataDir' | 'storage'> & { pricing?: Pick<LookoutConfig['pricing'], 'contextWindows'> };

// A record, not a switch: a backend added to the setting's values does not compile until it can
// be opened here.
const OPENERS: Record<StorageBackend, (config: StorageConfig, options: OpenStoreOptions) => Promise<Store>> = {
  duckdb: (config, options) =>
    DuckDbStore.open(options.inMemory ? null : config.dataDir, {
      memoryLimit: config.storage.memoryLimit,
      queryTimeoutMs: config.storage.queryTimeoutMs,
      readers: config.storage.readConnections,
      onReadRefused: options.onReadRefused,
      contextWindowOf: contextWindowOf(config.pricing?.contextWindows),
    }),
  clickhouse: (config, options) =>
    ClickHouseStore.open(config.storage.clickhouse, {
      queryTimeoutMs: config.storage.queryTimeoutMs,
      readConnections: config.storage.readConnections,
      onReadRefused: options.onReadRefused,
      contextWindowOf: contextWindowOf(config.pricing?.contextWindows),
    }),
};

export function openStore(config: StorageConfig, options: OpenStoreOptions = {}): Promise<Store> {
  return OPENERS[config.storage.backend](config, options);
}

// Whether the data directory holds an embedded (DuckDB) database: opening one where there is
// none would create it, which a command moving an install elsewhere must not do.
export function embeddedDatabaseExists(dataDir: string): boolean {
  return existsSync(join(dataDir, DATABASE_FILE));
}
