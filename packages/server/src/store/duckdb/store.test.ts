import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { analyticsContract, analyticsReportsContract, coreContract, erasureContract, retentionContract, storeContracts } from '../contract/index.ts';
import type { Store } from '../store.ts';
import type { OpenStore } from '../contract/fixtures.ts';
import { promptsContract } from '../contract/prompts.ts';
import { peopleContract } from '../contract/people.ts';
import { auditContract } from '../contract/audit.ts';
import { DuckDbStore } from './store.ts';

// Hours are summed when the suites say, so that long-range reads take the hourly totals.
const openMemory: OpenStore = (options = {}) => DuckDbStore.open(null, { hourRollups: 'manual', ...options });
storeContracts('duckdb (in memory)', openMemory, { settle: (store) => (store as DuckDbStore).refreshHourRollups() });

// The same analytics with no hour summed: every read goes to the spans, and must agree.
analyticsContract('duckdb (in memory, spans only)', openMemory);
analyticsReportsContract('duckdb (in memory, spans only)', openMemory);
erasureContract('duckdb (in memory, spans only)', openMemory);
retentionContract('duckdb (in memory, spans only)', openMemory);
promptsContract('duckdb (in memory)', openMemory);
peopleContract('duckdb (in memory)', openMemory);
auditContract('duckdb (in memory)', openMemory);

// The core contract on a database file, as `lookout serve` keeps it: checkpoints, the write-ahead
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
coreContract('duckdb (file)', () => openFileStore(mkdtempSync(join(tmpdir(), 'lookout-store-'))), {
  reopen: (closed) => openFileStore(dataDirs.get(closed)!),
});
