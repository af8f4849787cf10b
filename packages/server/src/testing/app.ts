import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { createClient } from '@clickhouse/client';
import { inject } from 'vitest';
import { loadConfig, type ConfigInput } from '../config/config.ts';
import { buildApp } from '../server/app.ts';
import type { AppContext, RouteModule } from '../server/context.ts';
import { createContext, ingestWorkersOf } from '../server/serve.ts';
import { auditRecorderOf } from '../server/audit-hook.ts';
import type { IngestWorkers } from '../ingest/workers/pool.ts';
import { openStore } from '../store/open.ts';

export interface TestApp {
  app: FastifyInstance;
  ctx: AppContext;
  close(): Promise<void>;
}

// Under the ClickHouse test run (vitest.clickhouse.config.ts) the servers it started, else none.
function clickHouseUnderTest(): { urls: string[]; cluster: string | null } | undefined {
  try {
    return inject('clickhouse');
  } catch {
    return undefined; // not inside a vitest worker
  }
}

// The apps of a test file share their ingest worker threads (per pool shape), as a thread takes a
// while to start and holds nothing of an app: started at the first OTLP export, ended with the
// test process. An app configured with its own worker count gets a pool of its own.
const sharedWorkers = new Map<string, IngestWorkers>();
function workersFor(config: ReturnType<typeof loadConfig>): { workers: IngestWorkers; shared: boolean } {
  if (config.ingest.workers !== undefined) return { workers: ingestWorkersOf(config), shared: false };
  const key = String(config.ingest.maxBodyBytes);
  let workers = sharedWorkers.get(key);
  if (!workers) sharedWorkers.set(key, (workers = ingestWorkersOf(config)));
  return { workers, shared: true };
}

// The real app driven with app.inject (no socket), on an in-memory DuckDB store, or under the
// ClickHouse test run on ClickHouse, in a database of its own that is dropped on close.
export async function makeTestApp(flags: Partial<Record<string, unknown>> & Partial<ConfigInput> = {}, extraRoutes: RouteModule[] = []): Promise<TestApp> {
  const clickhouse = clickHouseUnderTest();
  const database = `lk_test_${randomBytes(6).toString('hex')}`;
  const storage = clickhouse ? { storage: { backend: 'clickhouse', clickhouse: { url: clickhouse.urls, cluster: clickhouse.cluster, database } } } : {};
  const config = loadConfig({ env: {}, flags: { dataDir: '/nonexistent-test-dir', logLevel: 'silent', ...storage, ...flags } });
  const store = await openStore(config, { inMemory: true });
  const { workers, shared } = workersFor(config);
  const ctx = await createContext(config, pino({ level: 'silent' }), store, mkdtempSync(join(tmpdir(), 'lookout-test-')), workers);
  const app = await buildApp(ctx, extraRoutes, { validateResponses: true });
  await app.ready();
  return {
    app,
    ctx,
    async close() {
      await app.close();
      if (!shared) await ctx.workers.close();
      await ctx.erasures.stop();
      ctx.content.stopFollowing();
      ctx.privacy.stopFollowing();
      ctx.evaluators.stopFollowing();
      ctx.retention.policy.stopFollowing();
      await ctx.budgets.stop();
      await ctx.pipeline.drain();
      await auditRecorderOf(ctx).close();
      await store.close();
      if (clickhouse) await dropDatabase(clickhouse.urls, database);
    },
  };
}

async function dropDatabase(urls: string[], database: string): Promise<void> {
  for (const url of urls) {
    const client = createClient({ url });
    try {
      await client.command({ query: `DROP DATABASE IF EXISTS ${database} SYNC` });
    } finally {
      await client.close();
    }
  }
}

export function generation(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'generation',
    startTime: new Date(Date.now() - 5_000).toISOString(),
    durationMs: 1200,
    provider: 'openai',
    model: 'gpt-4o',
    usage: { input: 1000, output: 200 },
    ...over,
  };
}
