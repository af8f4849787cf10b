import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';
import { RequireE2eReporter } from './test/e2e/require-e2e.ts';

// End-to-end tests: real server processes, real Prometheus, real ClickHouse (*.clickhouse.test.ts
// beside the code, on servers from scripts/clickhouse/install.sh). They start child processes that
// each want a core, so files run one after another (this runs on 2-core machines).
export default defineConfig({
  // Workspace packages are used from their TypeScript source, not their published build (dist/).
  // Without Vite's 'module' condition: some packages (@opentelemetry/api 1.9) point it at a build
  // for bundlers, with import paths Node cannot load.
  ssr: { resolve: { conditions: ['@lookout/source', ...defaultServerConditions.filter((c) => c !== 'module')] } },
  test: {
    include: ['test/e2e/**/*.test.ts', 'packages/*/src/**/*.clickhouse.test.ts'],
    exclude: ['**/node_modules/**'],
    globalSetup: ['test/e2e/web-build-setup.ts'],
    fileParallelism: false,
    maxWorkers: 1,
    testTimeout: 300_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
    reporters: ['default', new RequireE2eReporter()],
  },
});
