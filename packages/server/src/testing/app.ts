import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { loadConfig, type ConfigInput } from '../config/config.ts';
import { buildApp } from '../server/app.ts';
import type { AppContext, RouteModule } from '../server/context.ts';
import { createContext } from '../server/serve.ts';
import { openStore } from '../store/open.ts';

export interface TestApp {
  app: FastifyInstance;
  ctx: AppContext;
  close(): Promise<void>;
}

// The real app on an in-memory store, driven with app.inject (no socket).
export async function makeTestApp(flags: Partial<Record<string, unknown>> & Partial<ConfigInput> = {}, extraRoutes: RouteModule[] = []): Promise<TestApp> {
  const config = loadConfig({ env: {}, flags: { dataDir: '/nonexistent-test-dir', logLevel: 'silent', ...flags } });
  const store = await openStore(config, { inMemory: true });
  const ctx = await createContext(config, pino({ level: 'silent' }), store, mkdtempSync(join(tmpdir(), 'lookout-test-')));
  const app = await buildApp(ctx, extraRoutes, { validateResponses: true });
  await app.ready();
  return {
    app,
    ctx,
    async close() {
      await app.close();
      await ctx.pipeline.drain();
      await store.close();
    },
  };
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
