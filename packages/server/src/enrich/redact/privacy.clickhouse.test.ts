// Privacy settings on a store several nodes share: a change made through one node applies on the
// others once they re-read the shared document, and hashed values match across nodes.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRequireE2e } from '../../../../../test/e2e/require-e2e.ts';
import { loadConfig } from '../../config/config.ts';
import { ContentPolicy } from '../../ingest/content-policy.ts';
import { stateDocument } from '../../state/document.ts';
import { openStore } from '../../store/open.ts';
import type { Store } from '../../store/store.ts';
import { clickHouseAvailable, clickHouseInstallHint, startClickHouse, type ClickHouseHarness } from '../../testing/clickhouse.ts';
import { Privacy, type PrivacyDocument } from './privacy.ts';
import { defaultPrivacySettings } from './settings.ts';

const available = clickHouseAvailable();
if (!available && parseRequireE2e(process.env.REQUIRE_E2E)) throw new Error(`REQUIRE_E2E=1 but ${clickHouseInstallHint}`);

describe.skipIf(!available)('privacy settings on a shared ClickHouse store', () => {
  let harness: ClickHouseHarness | undefined;
  beforeAll(async () => {
    harness = await startClickHouse({ shards: 1 });
  }, 120_000);
  afterAll(async () => {
    await harness?.stop();
  });

  const openNode = (database: string): Promise<Store> =>
    openStore(loadConfig({ env: { LOOKOUT_STORAGE: 'clickhouse', LOOKOUT_CLICKHOUSE_URL: harness!.urls[0], LOOKOUT_CLICKHOUSE_DATABASE: database } }));

  async function node(store: Store): Promise<Privacy> {
    const stateDir = mkdtempSync(join(tmpdir(), 'lookout-node-'));
    const content = await ContentPolicy.load(store, join(stateDir, 'content-hash.key'));
    return Privacy.load(defaultPrivacySettings(), stateDocument<PrivacyDocument>(store.documents, stateDir, 'privacy'), (p, type, value) =>
      content.hash(p, `${type}\u0000${value}`).slice(0, 12),
    );
  }

  it('applies a change made through another node after a re-read, hashing alike on both', async () => {
    const database = `lk_${randomBytes(6).toString('hex')}`;
    const [a, b] = [await openNode(database), await openNode(database)];
    try {
      const [pa, pb] = [await node(a), await node(b)];
      await pa.update('alpha', { modes: { email: 'hash' } });
      expect(pb.redactorOf('alpha').redact('mail x@example.com').text).toBe('mail [REDACTED:email]');
      await pb.reload();
      const onB = pb.redactorOf('alpha').redact('mail x@example.com').text;
      expect(onB).toMatch(/^mail \[email:[0-9a-f]{12}\]$/);
      expect(pa.redactorOf('alpha').redact('mail x@example.com').text).toBe(onB);
      expect(pb.isCustomised('beta')).toBe(false);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
