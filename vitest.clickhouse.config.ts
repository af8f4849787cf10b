import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

// The whole product on ClickHouse: the tests that drive the real app in-process (makeTestApp) —
// every API route, ingest path, report, alert, budget and CLI command they cover — run again
// with the app's store on a real ClickHouse server (LOOKOUT_TEST_CLICKHOUSE_SHARDS=2: a cluster of
// two shards), expecting the same answers as on DuckDB. `npm run test:clickhouse`; needs the
// engine from scripts/clickhouse/install.sh.
export default defineConfig({
  // Workspace packages are used from their TypeScript source, not their published build (dist/).
  // Without Vite's 'module' condition: some packages (@opentelemetry/api 1.9) point it at a build
  // for bundlers, with import paths Node cannot load.
  ssr: { resolve: { conditions: ['@lookout/source', ...defaultServerConditions.filter((c) => c !== 'module')] } },
  test: {
    include: [
      'packages/server/src/server/routes/*.test.ts',
      'packages/server/src/server/auth.test.ts',
      'packages/server/src/ingest/api/route.test.ts',
      'packages/server/src/ingest/otlp/route.test.ts',
      'packages/server/src/ingest/otlp/app-cache.route.test.ts',
      'packages/server/src/ingest/otlp/grpc.test.ts',
      'packages/server/src/ingest/gateway/gateway.test.ts',
      'packages/server/src/ingest/gateway/injection-policy.test.ts',
      'packages/server/src/enrich/chain.test.ts',
      'packages/server/src/ingest/content-policy.test.ts',
      'packages/server/src/ingest/content-paths.test.ts',
      'packages/server/src/ingest/prompt-paths.test.ts',
      'packages/server/src/metrics/registry.test.ts',
      'packages/server/src/cli/*.test.ts',
      'packages/server/src/cli/demo/send.test.ts',
      'packages/server/src/testing/app.test.ts',
    ],
    exclude: ['**/node_modules/**'],
    globalSetup: ['packages/server/src/testing/clickhouse-setup.ts'],
    // One ClickHouse server serves every file; two files at a time keep this 2-core machine busy.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
