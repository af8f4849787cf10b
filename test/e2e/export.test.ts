// `lookout export spans` against a running server, as separate processes: the Parquet file read
// back with DuckDB holds as many rows and as much cost as the analytics API reports, and
// --no-content leaves the prompts out.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTempDir, removeTempDir, runLookout, startLookout, type LookoutServer } from './harness.ts';

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const MARKER = `e2e-export-${hex(4)}`;
let server: LookoutServer | undefined;
let root: string | undefined;

afterAll(async () => {
  await server?.stop();
  if (root) await removeTempDir(root);
});

function spans(n: number, user: string): object[] {
  return Array.from({ length: n }, (_, i) => ({
    type: 'generation',
    traceId: hex(16),
    spanId: hex(8),
    startTime: new Date(Date.now() - 1_000 * (i + 1)).toISOString(),
    durationMs: 300 + i,
    provider: 'openai',
    model: i % 3 ? 'gpt-4o' : 'gpt-4o-mini',
    userId: user,
    input: `${MARKER} prompt ${i}`,
    usage: { input: 500 + i * 7, output: 50 + i },
  }));
}

async function parquetTotals(file: string): Promise<{ rows: number; costUsd: string; prompts: number }> {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  try {
    const r = (await c.runAndReadAll(`SELECT count(*)::INTEGER AS n, CAST(sum(cost_usd) AS VARCHAR) AS s, count(*) FILTER (WHERE contains(input_content, '${MARKER}'))::INTEGER AS p FROM read_parquet('${file}')`)).getRowObjectsJS()[0];
    return { rows: Number(r.n), costUsd: String(r.s), prompts: Number(r.p) };
  } finally {
    c.closeSync();
    db.closeSync();
  }
}

describe('lookout export spans', () => {
  it('writes a Parquet file whose rows and cost equal the analytics API, with and without content', { timeout: 120_000 }, async () => {
    root = await makeTempDir('lookout-e2e-export-');
    server = await startLookout({ dataDir: join(root, 'data'), logLevel: 'warn' });
    for (const user of ['alice', 'bob']) {
      const res = await fetch(`${server.url}/api/v1/ingest`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ batch: spans(300, user) }) });
      expect(res.status, await res.text()).toBe(200);
    }
    const analytics = await fetch(`${server.url}/api/v1/analytics/query?measures=cost,requests&from=1h`);
    const totals = ((await analytics.json()) as { rows: { cost: number; requests: number }[] }).rows[0];
    expect(totals.requests).toBe(600);

    const out = join(root, 'spans.parquet');
    const run = await runLookout(['export', 'spans', '--format', 'parquet', '--out', out, '--from', '1h', '--url', server.url]);
    expect(run.code, run.output).toBe(0);
    expect(run.stderr).toContain('exporting 600 spans as parquet');
    const exported = await parquetTotals(out);
    expect(exported.rows).toBe(600);
    expect(Number(exported.costUsd)).toBeCloseTo(totals.cost, 9);
    expect(exported.prompts).toBe(600);

    const bare = join(root, 'bare.parquet');
    expect((await runLookout(['export', 'spans', '--format', 'parquet', '--out', bare, '--from', '1h', '--no-content', '--url', server.url])).code).toBe(0);
    expect(await parquetTotals(bare)).toMatchObject({ rows: 600, prompts: 0 });
    expect(readFileSync(bare).includes(MARKER)).toBe(false);
  });
});
