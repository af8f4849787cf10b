import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { storeContract } from '../contract.ts';
import type { Store } from '../store.ts';
import { DuckDbStore } from './store.ts';

storeContract('duckdb (in memory)', () => DuckDbStore.open(null));

// The same contract on a database file, as `lookout serve` keeps it: checkpoints, the write-ahead
// log and migrations of an existing file only matter here.
const dataDirs = new Map<Store, string>();
afterAll(() => {
  for (const dir of new Set(dataDirs.values())) rmSync(dir, { recursive: true, force: true });
});
const openFileStore = async (dir: string): Promise<Store> => {
  const store = await DuckDbStore.open(dir);
  dataDirs.set(store, dir);
  return store;
};
storeContract('duckdb (file)', () => openFileStore(mkdtempSync(join(tmpdir(), 'lookout-store-'))), {
  reopen: (closed) => openFileStore(dataDirs.get(closed)!),
});
