// The prompt registry on ClickHouse beyond the shared contract (store/contract/prompts.ts): two
// nodes on one database taking turns under the registry lease, and a version whose insert one
// shard refuses (a real constraint on that shard's copy) leaving nothing behind. Two shards.
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseRequireE2e } from '../../../../../test/e2e/require-e2e.ts';
import { clickHouseAvailable, clickHouseInstallHint, startClickHouse, type ClickHouseHarness } from '../../testing/clickhouse.ts';
import type { ClickHouseConfig } from '../../config/config.ts';
import { PROMPT_LIMITS, type PromptVersionInput } from '../../domain/prompts.ts';
import { projectId } from '../store.ts';
import { ClickHouseStore } from './store.ts';

const available = clickHouseAvailable();
if (!available && parseRequireE2e(process.env.REQUIRE_E2E)) throw new Error(`REQUIRE_E2E=1 but ${clickHouseInstallHint}`);

const P = projectId('registry-a');
const text = (prompt: string): PromptVersionInput => ({ type: 'text', prompt, model: null, parameters: null, message: null, createdBy: 'key-1' });

describe.skipIf(!available)('the prompt registry on ClickHouse (2 shards)', () => {
  let harness: ClickHouseHarness | undefined;
  const stores: ClickHouseStore[] = [];
  beforeAll(async () => {
    harness = await startClickHouse({ shards: 2 });
  }, 120_000);
  afterAll(async () => {
    await harness?.stop();
  });
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close();
  });

  // Two nodes: two stores on one database.
  async function twoNodes(): Promise<[ClickHouseStore, ClickHouseStore]> {
    const config: ClickHouseConfig = {
      url: harness!.urls,
      cluster: harness!.cluster,
      database: `lk_${randomBytes(6).toString('hex')}`,
      user: 'default',
      password: '',
      caFile: null,
      onCluster: false,
    };
    for (let i = 0; i < 2; i++) stores.push(await ClickHouseStore.open(config, { queryTimeoutMs: 30_000, hourTotals: 'manual' }));
    return [stores[0], stores[1]];
  }

  // One statement on one shard's server, past the store.
  async function onShard(index: number, sql: string): Promise<string> {
    const res = await fetch(`${harness!.urls[index]}/?query=${encodeURIComponent(sql)}`, { method: 'POST' });
    const body = await res.text();
    if (!res.ok) throw new Error(`shard ${index}: ${body}`);
    return body.trim();
  }

  it('gives two nodes writing versions and moving labels at once different numbers, each holding its own text', async () => {
    const [a, b] = await twoNodes();
    const n = 10;
    const created = await Promise.all(
      Array.from({ length: n }, (_, i) => [a, b][i % 2].prompts.createPromptVersion(P, 'busy', text(`body ${i}`), i % 3 === 0 ? ['production'] : [], PROMPT_LIMITS)),
    );
    expect(created.map((v) => v.version).sort((x, y) => x - y)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    for (const node of [a, b]) {
      const { versions } = await node.prompts.listPromptVersions(P, 'busy');
      expect(versions.map((v) => v.version)).toEqual(Array.from({ length: n }, (_, i) => n - i));
      for (const v of created) expect((await node.prompts.getPrompt(P, 'busy', { version: v.version })).prompt).toBe(v.prompt);
    }
    // Every row written is a version someone was told it got: no withdrawn claims were needed.
    const db = a.ch.database;
    for (const shard of [0, 1]) {
      expect(Number(await onShard(shard, `SELECT count() FROM ${db}.prompt_versions WHERE name = 'busy'`))).toBe(n);
    }
  }, 120_000);

  it('leaves no version behind when one shard refuses the insert, and gives its number to the next version', async () => {
    const [a, b] = await twoNodes();
    const db = a.ch.database;
    await a.prompts.createPromptVersion(P, 'p', text('one'), ['production'], PROMPT_LIMITS);
    // Shard 1 refuses this text (its withdrawal, `deleted`, passes); shard 0 takes it.
    await onShard(1, `ALTER TABLE ${db}.prompt_versions ADD CONSTRAINT refuse_marked CHECK deleted = 1 OR position(body, 'refused-on-one-shard') = 0`);
    await expect(a.prompts.createPromptVersion(P, 'p', text('refused-on-one-shard'), ['production'], PROMPT_LIMITS)).rejects.toThrow(/refuse_marked/);
    for (const shard of [0, 1]) {
      expect(await onShard(shard, `SELECT groupArray(prompt_version) FROM ${db}.prompt_versions FINAL WHERE name = 'p' AND deleted = 0`)).toBe('[1]');
    }
    for (const node of [a, b]) {
      expect((await node.prompts.getPrompt(P, 'p', { label: 'latest' })).prompt).toBe('one');
      expect((await node.prompts.getPrompt(P, 'p', { label: 'production' })).version).toBe(1);
    }
    const next = await b.prompts.createPromptVersion(P, 'p', text('two'), [], PROMPT_LIMITS);
    expect(next.version).toBe(2);
    expect((await a.prompts.listPromptVersions(P, 'p')).versions.map((v) => [v.version, v.labels])).toEqual([
      [2, ['latest']],
      [1, ['production']],
    ]);
    // The lease was given up despite the failure: a write right after does not wait for it to expire.
    const started = Date.now();
    await a.prompts.setPromptLabel(P, 'p', 'production', 2, null, PROMPT_LIMITS);
    expect(Date.now() - started).toBeLessThan(10_000);
  }, 120_000);

  it('lets one of two nodes claiming a free lease at once hold it, and the other once it is given up', async () => {
    const [a, b] = await twoNodes();
    for (let round = 0; round < 3; round++) {
      const name = `race-${round}`;
      const [x, y] = await Promise.all([a.documents.lease(name, 'node-a', 30_000), b.documents.lease(name, 'node-b', 30_000)]);
      expect([x, y].filter(Boolean)).toHaveLength(1);
      const [winner, other] = x ? [a, 'node-b'] : [b, 'node-a'];
      expect(await (x ? b : a).documents.lease(name, other, 30_000)).toBe(false);
      await winner.documents.release(name, x ? 'node-a' : 'node-b');
      expect(await (x ? b : a).documents.lease(name, other, 30_000)).toBe(true);
    }
  }, 120_000);
});
