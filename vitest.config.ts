import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

// Unit and integration tests, beside the code they test. Cross-process tests in test/e2e, and the
// tests against real ClickHouse servers (*.clickhouse.test.ts), run with vitest.e2e.config.ts
// (`npm run test:e2e`), never here.
export default defineConfig({
  // Workspace packages are used from their TypeScript source, not their published build (dist/).
  // Without Vite's 'module' condition: some packages (@opentelemetry/api 1.9) point it at a build
  // for bundlers, with import paths Node cannot load.
  ssr: { resolve: { conditions: ['@lookout/source', ...defaultServerConditions.filter((c) => c !== 'module')] } },
  test: {
    include: ['packages/*/src/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'test/e2e/**', 'packages/*/src/**/*.clickhouse.test.ts'],
  },
});
