import type { TestProject } from 'vitest/node';
import { clickHouseAvailable, clickHouseInstallHint, startClickHouse, type ClickHouseHarness } from './clickhouse.ts';

// Global set-up of the ClickHouse test run (vitest.clickhouse.config.ts): one ClickHouse server,
// or a cluster of LOOKOUT_TEST_CLICKHOUSE_SHARDS shards, for the whole run; makeTestApp then
// opens each app's store there, in a database of its own.

let harness: ClickHouseHarness | undefined;

export async function setup(project: TestProject): Promise<void> {
  if (!clickHouseAvailable()) throw new Error(clickHouseInstallHint);
  const shards = Number(process.env.LOOKOUT_TEST_CLICKHOUSE_SHARDS ?? '1');
  harness = await startClickHouse({ shards });
  project.provide('clickhouse', { urls: harness.urls, cluster: shards > 1 ? harness.cluster : null });
}

export async function teardown(): Promise<void> {
  await harness?.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    clickhouse: { urls: string[]; cluster: string | null } | undefined;
  }
}
