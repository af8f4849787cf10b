import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectId } from '../../store/store.ts';
import { generation, makeTestApp, type TestApp } from '../../testing/app.ts';
import { hex } from '../../testing/fixtures.ts';

// Exports read back the way a user would: CSV and Parquet by DuckDB, JSONL line by line. Counts and
// cost sums must equal what the analytics API says for the same range.

const MARKER = 'export-marker-prompt-7f3a';
let t: TestApp;
let key: string;
const dir = mkdtempSync(join(tmpdir(), 'lookout-export-test-'));

async function ingest(project: string, batch: Record<string, unknown>[]): Promise<void> {
  const { key: ingestKey } = await t.ctx.store.createApiKey(projectId(project), 'ingest', null);
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/ingest', headers: { authorization: `Bearer ${ingestKey}` }, payload: { batch } });
  expect(res.statusCode, res.body).toBe(200);
}

const get = (url: string) => t.app.inject({ url, headers: { authorization: `Bearer ${key}` } });

// Rows of a CSV or Parquet file as DuckDB reads them, with the cost summed as a decimal.
async function readBack(body: Buffer, format: 'csv' | 'parquet'): Promise<{ rows: Record<string, unknown>[]; costUsd: number }> {
  const file = join(dir, `${hex(4)}.${format}`);
  writeFileSync(file, body);
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  try {
    const reader = format === 'csv' ? `read_csv('${file}', all_varchar = true)` : `read_parquet('${file}')`;
    const rows = (await c.runAndReadAll(`SELECT * FROM ${reader}`)).getRowObjectsJS() as Record<string, unknown>[];
    if (!rows.length || !('cost_usd' in rows[0])) return { rows, costUsd: 0 };
    const sum = (await c.runAndReadAll(`SELECT CAST(sum(CAST(cost_usd AS DECIMAL(18, 9))) AS VARCHAR) AS s FROM ${reader}`)).getRowObjectsJS()[0].s;
    return { rows, costUsd: Number(sum ?? 0) };
  } finally {
    c.closeSync();
    db.closeSync();
  }
}

beforeAll(async () => {
  t = await makeTestApp();
  key = (await t.ctx.store.createApiKey(projectId('default'), 'read', null)).key;
  const traceId = hex(16);
  await ingest('default', [
    generation({ traceId, spanId: hex(8), userId: 'alice', input: `${MARKER} one`, output: 'fine', tags: ['a,b'], metadata: { tenant: 'x' } }),
    generation({ traceId, spanId: hex(8), userId: 'bob', model: 'gpt-4o-mini', input: `${MARKER} two`, usage: { input: 123_457, output: 9_876 } }),
    generation({ spanId: hex(8), traceId: hex(16), userId: 'alice', team: 'core', usage: { input: 7, output: 3 } }),
    { type: 'score', id: hex(8), traceId, name: 'helpful', value: 0.75, timestamp: new Date(Date.now() - 4_000).toISOString() },
  ]);
  await ingest('default', [{ type: 'log', id: hex(8), traceId, body: `${MARKER} log body`, attributes: { k: 'v' } }]);
  const otherTrace = hex(16);
  await ingest('other', [
    generation({ spanId: hex(8), traceId: otherTrace, userId: 'mallory', input: 'other project prompt' }),
    { type: 'score', id: hex(8), traceId: otherTrace, name: 'mallory-score', value: 1 },
    { type: 'log', id: hex(8), traceId: otherTrace, body: 'mallory log' },
  ]);
});

afterAll(async () => {
  await t?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('GET /api/v1/export/*', () => {
  it('spans: CSV, JSONL and Parquet hold the same rows, and count and cost agree with analytics', async () => {
    const analytics = (await get('/api/v1/analytics/query?measures=cost,requests&from=1h')).json().rows[0] as { cost: number; requests: number };
    expect(analytics.requests).toBe(3);

    const csv = await get('/api/v1/export/spans?format=csv&from=1h');
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['content-disposition']).toMatch(/^attachment; filename="lookout-spans-.*\.csv"$/);
    const fromCsv = await readBack(csv.rawPayload, 'csv');
    expect(fromCsv.rows).toHaveLength(3);
    expect(fromCsv.costUsd).toBeCloseTo(analytics.cost, 9);

    const parquet = await get('/api/v1/export/spans?format=parquet&from=1h');
    expect(parquet.statusCode).toBe(200);
    const fromParquet = await readBack(parquet.rawPayload, 'parquet');
    expect(fromParquet.rows).toHaveLength(3);
    expect(fromParquet.costUsd).toBeCloseTo(analytics.cost, 9);
    expect(Object.keys(fromParquet.rows[0])).toEqual(Object.keys(fromCsv.rows[0]));

    const jsonl = await get('/api/v1/export/spans?format=jsonl&from=1h');
    expect(jsonl.statusCode).toBe(200);
    const lines = jsonl.body.trim().split('\n').map((l) => JSON.parse(l) as Record<string, string | null>);
    expect(lines).toHaveLength(3);
    expect(Object.keys(lines[0])).toEqual(Object.keys(fromCsv.rows[0]));
    const nano = lines.reduce((sum, l) => sum + (l.cost_usd === null ? 0n : BigInt(l.cost_usd.replace('.', ''))), 0n);
    expect(Number(nano) / 1e9).toBeCloseTo(analytics.cost, 9);
    expect(jsonl.body).toContain(MARKER);
    const tagged = lines.find((l) => l.tags !== '[]')!;
    expect(JSON.parse(tagged.tags!)).toEqual(['a,b']);
    expect(JSON.parse(tagged.metadata!)).toMatchObject({ tenant: 'x' });
  });

  it('applies the span filters and leaves content out when asked', async () => {
    const alice = (await get('/api/v1/export/spans?format=jsonl&from=1h&userId=alice')).body.trim().split('\n');
    expect(alice).toHaveLength(2);
    expect((await get('/api/v1/export/spans?format=jsonl&from=1h&team=core')).body.trim().split('\n')).toHaveLength(1);
    for (const format of ['csv', 'jsonl', 'parquet']) {
      const res = await get(`/api/v1/export/spans?format=${format}&from=1h&content=false`);
      expect(res.statusCode).toBe(200);
      expect(res.rawPayload.includes(MARKER)).toBe(false);
    }
  });

  it("never holds another project's rows", async () => {
    for (const kind of ['spans', 'scores', 'logs']) {
      const res = await get(`/api/v1/export/${kind}?format=jsonl&from=1h`);
      expect(res.statusCode).toBe(200);
      expect(res.body).not.toContain('mallory');
      expect(res.body).not.toContain('other project prompt');
    }
  });

  it('logs leave their body and attributes out with content=false', async () => {
    expect((await get('/api/v1/export/logs?format=jsonl&from=1h')).json()).toMatchObject({ body: `${MARKER} log body`, attributes: '{"k":"v"}' });
    expect((await get('/api/v1/export/logs?format=jsonl&from=1h&content=false')).json()).toMatchObject({ body: null, attributes: null });
  });

  it('scores export in each format', async () => {
    const res = await get('/api/v1/export/scores?format=jsonl&from=1h');
    expect(res.json()).toMatchObject({ project_id: 'default', name: 'helpful', numeric_value: 0.75 });
    const parquet = await readBack((await get('/api/v1/export/scores?format=parquet&from=1h')).rawPayload, 'parquet');
    expect(parquet.rows).toEqual([expect.objectContaining({ name: 'helpful', numeric_value: 0.75 })]);
  });

  it('answers 400 naming the bad parameter', async () => {
    for (const [url, message] of [
      ['/api/v1/export/spans?format=xlsx', 'format: must be one of csv, jsonl, parquet'],
      ['/api/v1/export/spans?content=maybe', "content: must be 'true' or 'false'"],
      ['/api/v1/export/spans?minCostUsd=2&maxCostUsd=1', 'maxCostUsd: must not be below minCostUsd'],
      ['/api/v1/export/spans?from=2h&to=3h', 'from:'],
      ['/api/v1/export/spans?from=yesterday', 'from'],
      ['/api/v1/export/logs?userId=alice', 'userId'],
      ['/api/v1/export/scores?traceId=XYZ', 'traceId: must be 32 lowercase hex characters'],
    ]) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(400);
      expect(res.json().error.message, url).toContain(message);
    }
  });
});
