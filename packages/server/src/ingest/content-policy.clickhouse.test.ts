// Content capture on a store several nodes share: one hash key for all, and a capture mode
// changed through one node applies on the others.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRequireE2e } from '../../../../test/e2e/require-e2e.ts';
import { loadConfig } from '../config/config.ts';
import { openStore } from '../store/open.ts';
import { projectId, type Store } from '../store/store.ts';
import { clickHouseAvailable, clickHouseInstallHint, startClickHouse, type ClickHouseHarness } from '../testing/clickhouse.ts';
import { ContentPolicy } from './content-policy.ts';

const available = clickHouseAvailable();
if (!available && parseRequireE2e(process.env.REQUIRE_E2E)) throw new Error(`REQUIRE_E2E=1 but ${clickHouseInstallHint}`);

describe.skipIf(!available)('content policy on a shared ClickHouse store', () => {
  let harness: ClickHouseHarness | undefined;
  beforeAll(async () => {
    harness = await startClickHouse({ shards: 1 });
  }, 120_000);
  afterAll(async () => {
    await harness?.stop();
  });

  const openNode = (database: string): Promise<Store> =>
    openStore(loadConfig({ env: { LOOKOUT_STORAGE: 'clickhouse', LOOKOUT_CLICKHOUSE_URL: harness!.urls[0], LOOKOUT_CLICKHOUSE_DATABASE: database } }));

  it('gives every node the same hash key, even nodes starting together, and follows capture modes changed elsewhere', async () => {
    const database = `lk_${randomBytes(6).toString('hex')}`;
    const [a, b] = [await openNode(database), await openNode(database)];
    try {
      // Each node has its own state directory: the key must not come from there.
      const keyFile = () => join(mkdtempSync(join(tmpdir(), 'lookout-node-')), 'content-hash.key');
      const [pa, pb] = await Promise.all([ContentPolicy.load(a, keyFile()), ContentPolicy.load(b, keyFile())]);
      const P = projectId('alpha');
      expect(pa.hash(P, 'the same prompt')).toBe(pb.hash(P, 'the same prompt'));
      expect(pa.keySince.getTime()).toBe(pb.keySince.getTime());
      // A node started later reads the same key.
      const pc = await ContentPolicy.load(b, keyFile());
      expect(pc.hash(P, 'the same prompt')).toBe(pa.hash(P, 'the same prompt'));

      await b.createProject(P, 'alpha');
      await b.setContentCapture(P, 'off');
      pb.set(P, 'off');
      expect(pa.modeOf(P)).toBe('full');
      await pa.refreshModes(a);
      expect(pa.modeOf(P)).toBe('off');
    } finally {
      await a.close();
      await b.close();
    }
  });
});
