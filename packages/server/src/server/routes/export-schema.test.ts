import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectId } from '../../store/store.ts';
import { generation, makeTestApp, type TestApp } from '../../testing/app.ts';
import { hex } from '../../testing/fixtures.ts';

// The documented export schema (docs/data-lifecycle.md#export), which every backend writes: the
// same columns in the same order, the same Parquet types as DuckDB reads them back, and the same
// text for times, money, JSON and null in CSV and JSONL. Runs on DuckDB and, through
// vitest.clickhouse.config.ts, on ClickHouse.

const SPAN_COLUMNS = [
  'project_id', 'trace_id', 'span_id', 'parent_span_id', 'name', 'kind', 'start_time', 'end_time', 'duration_ms', 'provider', 'request_model',
  'response_model', 'model', 'input_tokens', 'output_tokens', 'cache_read_tokens', 'cache_write_tokens', 'reasoning_tokens', 'audio_tokens',
  'total_tokens', 'cost_status', 'cost_usd', 'cost_breakdown', 'price_row_id', 'catalog_version', 'status', 'error_class', 'error_message',
  'finish_reason', 'ttft_ms', 'user_id', 'session_id', 'feature', 'team', 'department', 'application', 'environment', 'tags', 'metadata',
  'input_content', 'output_content', 'prompt_hash', 'response_hash', 'request_id', 'ingested_at',
];
const SCORE_COLUMNS = ['project_id', 'id', 'trace_id', 'span_id', 'name', 'data_type', 'numeric_value', 'string_value', 'comment', 'source', 'timestamp', 'user_id'];
const LOG_COLUMNS = ['project_id', 'id', 'trace_id', 'span_id', 'timestamp', 'severity', 'body', 'attributes'];
const TIMES = new Set(['start_time', 'end_time', 'ingested_at', 'timestamp']);
const DOUBLES = new Set(['duration_ms', 'ttft_ms', 'numeric_value']);
const ISO_MICROS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;

let t: TestApp;
let key: string;
const dir = mkdtempSync(join(tmpdir(), 'lookout-export-schema-'));
const get = (url: string) => t.app.inject({ url, headers: { authorization: `Bearer ${key}` } });

// The Parquet type DuckDB reads for each documented column. ClickHouse writes its times as
// UTC-adjusted timestamps, which DuckDB reads as TIMESTAMP WITH TIME ZONE: the same instants.
function parquetType(column: string): string {
  if (TIMES.has(column)) return t.ctx.store.backend === 'clickhouse' ? 'TIMESTAMP WITH TIME ZONE' : 'TIMESTAMP';
  if (DOUBLES.has(column)) return 'DOUBLE';
  if (column === 'cost_usd') return 'DECIMAL(18,9)';
  if (column.endsWith('_tokens')) return 'BIGINT';
  return 'VARCHAR';
}

async function parquetSchema(body: Buffer): Promise<string[]> {
  const file = join(dir, `${hex(4)}.parquet`);
  writeFileSync(file, body);
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  try {
    const rows = (await c.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${file}')`)).getRowObjectsJS();
    return rows.map((r) => `${String(r.column_name)} ${String(r.column_type)}`);
  } finally {
    c.closeSync();
    db.closeSync();
  }
}

beforeAll(async () => {
  t = await makeTestApp();
  key = (await t.ctx.store.createApiKey(projectId('default'), 'read', null)).key;
  const { key: ingestKey } = await t.ctx.store.createApiKey(projectId('default'), 'ingest', null);
  const traceId = hex(16);
  const batch = [
    generation({ traceId, spanId: hex(8), userId: 'alice', input: 'in', output: 'out', tags: ['a'], metadata: { m: '1' }, usage: { input: 1_000, output: 200 } }),
    { type: 'score', id: hex(8), traceId, name: 'helpful', value: 0.75 },
    { type: 'log', id: hex(8), traceId, body: 'b', attributes: { k: 'v' } },
  ];
  // Sent twice, as a retrying client would: every export holds each record once.
  for (let i = 0; i < 2; i++) {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/ingest', headers: { authorization: `Bearer ${ingestKey}` }, payload: { batch } });
    expect(res.statusCode, res.body).toBe(200);
  }
});

afterAll(async () => {
  await t?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('export schema', () => {
  for (const [kind, columns] of [['spans', SPAN_COLUMNS], ['scores', SCORE_COLUMNS], ['logs', LOG_COLUMNS]] as const) {
    it(`${kind}: Parquet has the documented columns and types`, async () => {
      const res = await get(`/api/v1/export/${kind}?format=parquet&from=1h`);
      expect(res.statusCode, res.body).toBe(200);
      expect(await parquetSchema(res.rawPayload)).toEqual(columns.map((c) => `${c} ${parquetType(c)}`));
    });

    it(`${kind}: CSV and JSONL have the documented columns, times as ISO 8601 with microseconds`, async () => {
      const csv = await get(`/api/v1/export/${kind}?format=csv&from=1h`);
      expect(csv.headers['x-lookout-rows']).toBe('1');
      const [header, row] = csv.body.trim().split('\n');
      expect(header.replaceAll('"', '').split(',')).toEqual(columns);
      // Null is an empty field; span_id of a trace-level score or log is null.
      if (kind !== 'spans') expect(row).toMatch(/^"?default"?,"?[0-9a-f]{16}"?,"?[0-9a-f]{32}"?,,/);
      const line = (await get(`/api/v1/export/${kind}?format=jsonl&from=1h`)).json() as Record<string, unknown>;
      expect(Object.keys(line)).toEqual(columns);
      for (const c of columns.filter((c) => TIMES.has(c))) expect(line[c]).toMatch(ISO_MICROS);
    });
  }

  it('a span stored in two versions (its trace root attribution filled in later) is exported once, as its latest', async () => {
    const { key: ingestKey } = await t.ctx.store.createApiKey(projectId('versions'), 'ingest', null);
    const readKey = (await t.ctx.store.createApiKey(projectId('versions'), 'read', null)).key;
    const traceId = hex(16);
    const rootId = hex(8);
    // The child first, without attribution; the root after it gives the trace its feature.
    for (const span of [generation({ traceId, spanId: hex(8), parentSpanId: rootId }), { ...generation({ traceId, spanId: rootId }), feature: 'checkout' }]) {
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/ingest', headers: { authorization: `Bearer ${ingestKey}` }, payload: { batch: [span] } });
      expect(res.statusCode, res.body).toBe(200);
    }
    const res = await t.app.inject({ url: '/api/v1/export/spans?format=jsonl&from=1h', headers: { authorization: `Bearer ${readKey}` } });
    expect(res.headers['x-lookout-rows']).toBe('2');
    const lines = res.body.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l.feature)).toEqual(['checkout', 'checkout']);
  });

  it('spans: money as 9-place decimal text, tokens as numbers, lists and maps as JSON text', async () => {
    const line = (await get('/api/v1/export/spans?format=jsonl&from=1h')).json() as Record<string, unknown>;
    expect(line).toMatchObject({ input_tokens: 1000, output_tokens: 200, total_tokens: 1200, duration_ms: 1200, tags: '["a"]', metadata: '{"m":"1"}', parent_span_id: null });
    expect(line.cost_usd).toMatch(/^\d+\.\d{9}$/);
    expect(await parquetSchema((await get('/api/v1/export/spans?format=parquet&from=1h&content=false')).rawPayload)).toContain('input_content VARCHAR');
  });
});
