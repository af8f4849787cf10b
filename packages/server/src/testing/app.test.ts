import { describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { makeTestApp } from './app.ts';

// The test app runs on the backend its run asks for: DuckDB in `npm test`, ClickHouse under
// `npm run test:clickhouse`, so the route tests there prove the product on ClickHouse.
describe('makeTestApp', () => {
  it('opens the store of the run: ClickHouse when the run provides servers, else DuckDB', async () => {
    const clickhouse = inject('clickhouse');
    const t = await makeTestApp();
    try {
      expect(t.ctx.store.backend).toBe(clickhouse ? 'clickhouse' : 'duckdb');
      const ready = await t.app.inject('/readyz');
      expect(ready.json()).toMatchObject({ status: 'ready', store: clickhouse ? 'clickhouse' : 'duckdb' });
    } finally {
      await t.close();
    }
  });
});
