// `lookout migrate --to clickhouse` as a user runs it (real process, real ClickHouse): it refuses
// what it cannot do with exit status 2 naming the setting, copies a DuckDB data directory
// (including what a crash left in the journal), copies nothing the second time, and a server
// started with LOOKOUT_STORAGE=clickhouse then answers with the keys made on DuckDB.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createClient } from '@clickhouse/client';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clickHouseAvailable, clickHouseInstallHint, startClickHouse, type ClickHouseHarness } from '../../packages/server/src/testing/clickhouse.ts';
import { makeSpan } from '../../packages/server/src/testing/fixtures.ts';
import { DuckDbStore } from '../../packages/server/src/store/duckdb/store.ts';
import { projectId } from '../../packages/server/src/store/store.ts';
import { e2eRequired, freePort, makeTempDir, removeTempDir, runLookout, startLookout } from './harness.ts';

const available = clickHouseAvailable();
if (!available && e2eRequired) throw new Error(`REQUIRE_E2E=1 but ${clickHouseInstallHint}`);

const P = projectId('shop');
const database = 'lookout_e2e_migrate';

describe.skipIf(!available)('lookout migrate --to clickhouse', () => {
  let clickhouse: ClickHouseHarness;
  let dataDir: string;
  let readKey: string;
  const spans = Array.from({ length: 5 }, (_, i) => makeSpan({ projectId: P, startUs: (Date.now() - 60_000) * 1000 + i }));
  const journaled = makeSpan({ projectId: P });
  const env = () => ({ LOOKOUT_DATA_DIR: dataDir, LOOKOUT_CLICKHOUSE_URL: clickhouse.urls[0], LOOKOUT_CLICKHOUSE_DATABASE: database, LOOKOUT_STORAGE: '' });

  beforeAll(async () => {
    clickhouse = await startClickHouse({ shards: 1 });
    dataDir = await makeTempDir('migrate');
    const store = await DuckDbStore.open(dataDir);
    readKey = (await store.createApiKey(P, 'read', 'dashboards')).key;
    await store.write({ spans, scores: [], logs: [] });
    await store.close();
    // The install's own state: a budget made through its API, and the content hash key its
    // server made at start.
    const duck = await startLookout({ dataDir, env: { LOOKOUT_STORAGE: '' } });
    try {
      const made = await fetch(`${duck.url}/api/v1/budgets`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ id: 'core-monthly', scope: 'team', subject: 'core', period: 'monthly', limitUsd: 500, enforce: 'hard' }),
      });
      expect(made.status, await made.text()).toBe(201);
    } finally {
      await duck.stop();
    }
    const reopened = await DuckDbStore.open(dataDir);
    // A segment a crash left in the journal, acknowledged but never loaded.
    await mkdir(join(dataDir, 'journal'), { recursive: true });
    await writeFile(join(dataDir, 'journal', '000000000001.spans.ndjson'), reopened.encode({ spans: [journaled], scores: [], logs: [] }, Date.now() * 1000).spans);
    await reopened.close();
  }, 120_000);
  afterAll(async () => {
    await clickhouse?.stop();
    if (dataDir) await removeTempDir(dataDir);
  });

  it('refuses with exit status 2 and names the setting', async () => {
    const empty = await makeTempDir('migrate-empty');
    const noDb = await runLookout(['migrate', '--to', 'clickhouse'], { env: { ...env(), LOOKOUT_DATA_DIR: empty } });
    expect(noDb.code, noDb.output).toBe(2);
    expect(noDb.stderr).toMatch(/no DuckDB database in .*LOOKOUT_DATA_DIR/);
    expect(existsSync(join(empty, 'lookout.duckdb'))).toBe(false);
    await removeTempDir(empty);

    const noUrl = await runLookout(['migrate', '--to', 'clickhouse'], { env: { ...env(), LOOKOUT_CLICKHOUSE_URL: '' } });
    expect(noUrl.code, noUrl.output).toBe(2);
    expect(noUrl.stderr).toContain('set LOOKOUT_CLICKHOUSE_URL');

    const down = await runLookout(['migrate', '--to', 'clickhouse'], { env: { ...env(), LOOKOUT_CLICKHOUSE_URL: `http://127.0.0.1:${await freePort()}` } });
    expect(down.code, down.output).toBe(2);
    expect(down.stderr).toMatch(/cannot use ClickHouse at http:\/\/127\.0\.0\.1:\d+ \(check LOOKOUT_CLICKHOUSE_URL\)/);
  });

  it('copies the install, then nothing the second time; a ClickHouse server takes its keys', async () => {
    const first = await runLookout(['migrate', '--to', 'clickhouse'], { env: env() });
    expect(first.code, first.output).toBe(0);
    expect(first.stderr).toContain('loaded 1 journal segments');
    expect(first.stdout).toMatch(/spans\s+6 copied\s+0 already there/);
    expect(first.stdout).toMatch(/API keys\s+1 copied/);
    expect(first.stdout).toContain('LOOKOUT_STORAGE=clickhouse');
    expect(first.stdout).toMatch(/content hash key\s+copied/);
    expect(first.stdout).toMatch(/budgets\s+copied/);
    // The nodes on ClickHouse hash with the install's key, so the hashes it stored still match.
    const client = createClient({ url: clickhouse.urls[0] });
    try {
      const rows = await (await client.query({ query: `SELECT body FROM ${database}.documents FINAL WHERE name = 'content-hash-key'`, format: 'JSONEachRow' })).json<{ body: string }>();
      expect(Buffer.from((JSON.parse(rows[0].body) as { key: string }).key, 'base64')).toEqual(readFileSync(join(dataDir, 'content-hash.key')));
    } finally {
      await client.close();
    }
    expect(readdirSync(join(dataDir, 'journal'))).toEqual([]);

    const again = await runLookout(['migrate', '--to', 'clickhouse'], { env: env() });
    expect(again.code, again.output).toBe(0);
    expect(again.stdout).toMatch(/spans\s+0 copied\s+6 already there/);
    expect(again.stdout).toMatch(/budgets\s+already there/);

    const server = await startLookout({ dataDir, env: { ...env(), LOOKOUT_STORAGE: 'clickhouse' } });
    try {
      const res = await fetch(`${server.url}/api/v1/spans?total=true`, { headers: { authorization: `Bearer ${readKey}` } });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { total: number; spans: { spanId: string }[] };
      expect(body.total).toBe(6);
      expect(body.spans.map((s) => s.spanId).sort()).toEqual([...spans, journaled].map((s) => s.spanId).sort());
      // Made without a key on the loopback server: the default project's.
      const budgets = await fetch(`${server.url}/api/v1/budgets`);
      expect(budgets.status).toBe(200);
      expect(((await budgets.json()) as { budgets: { id: string }[] }).budgets.map((b) => b.id)).toContain('core-monthly');
    } finally {
      await server.stop();
    }
  });
});
