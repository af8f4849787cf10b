import type { ClickHouseConfig } from '../packages/server/src/config/config.ts';
import { openStore } from '../packages/server/src/store/open.ts';
import { log, round } from './lib.ts';
import { SYNTHETIC_MODELS } from './synthetic-store.ts';
import { createClient } from '@clickhouse/client';

// The synthetic store of bench/synthetic-store.ts, in ClickHouse: the same 30 days, models,
// users, teams, features and applications with the same distributions, generated inside
// ClickHouse with INSERT ... SELECT FROM numbers(n) (its own hash, so the rows are alike in shape,
// not identical). The schema is created by opening the store as the server does.

const DAY_MS = 86_400_000;
const INSERT_CHUNK_ROWS = 2_000_000;

function list(values: (string | number)[]): string {
  return `[${values.map((v) => (typeof v === 'number' ? String(v) : `'${v.replace(/'/g, "''")}'`)).join(', ')}]`;
}

// Pseudo-random but deterministic per row: stream k of row i.
const U = (k: number) => `((cityHash64(number, ${k}) % 1000000) / 1000000.0)`;

function insertSql(database: string, from: number, count: number, totalRows: number, startUs: number): string {
  const stepUs = (30 * DAY_MS * 1000) / totalRows;
  const m = SYNTHETIC_MODELS;
  const providers = list(m.map((x) => x[0]));
  const models = list(m.map((x) => x[1]));
  const inPrice = list(m.map((x) => x[2]));
  const outPrice = list(m.map((x) => x[3]));
  return `
INSERT INTO ${database}.spans
SELECT
  'default' AS project_id,
  hex(MD5(toString(number))) AS trace_id,
  substring(hex(MD5(toString(number * 7 + 3))), 1, 16) AS span_id,
  NULL AS parent_span_id,
  concat('chat ', ${models}[mi]) AS name,
  if(startsWith(${models}[mi], 'text-embedding'), 'embedding', 'generation') AS kind,
  ts AS start_time,
  ts + toIntervalMicrosecond(toInt64(dur * 1000)) AS end_time,
  dur AS duration_ms,
  ${providers}[mi] AS provider,
  ${models}[mi] AS request_model,
  ${models}[mi] AS response_model,
  ${models}[mi] AS model,
  inp - cr AS input_tokens,
  outp AS output_tokens,
  cr AS cache_read_tokens,
  0 AS cache_write_tokens, 0 AS reasoning_tokens, 0 AS audio_tokens,
  inp + outp AS total_tokens,
  if(${inPrice}[mi] < 0, 'unknown_model', 'priced') AS cost_status,
  if(${inPrice}[mi] < 0, NULL, toInt64(round(((inp - cr) * ${inPrice}[mi] + cr * ${inPrice}[mi] / 4 + outp * ${outPrice}[mi]) * 1000))) AS cost_nano,
  NULL AS cost_breakdown,
  if(${inPrice}[mi] < 0, NULL, concat('catalog:', ${providers}[mi], '/', ${models}[mi])) AS price_row_id,
  if(${inPrice}[mi] < 0, NULL, 'genai-prices@0.1.8') AS catalog_version,
  if(r6 < 0.03, 'error', 'ok') AS status,
  if(r6 < 0.03, ['rate_limit', 'timeout', 'server', 'invalid_request', 'content_filter'][1 + toUInt32(floor(r6 * 1000)) % 5], NULL) AS error_class,
  NULL AS error_message,
  multiIf(r6 < 0.03, NULL, r7 < 0.04, 'length', 'stop') AS finish_reason,
  if(r7 < 0.6, 120 + r8 * 900, NULL) AS ttft_ms,
  concat('usr_', toString(u)) AS user_id,
  concat('sess_', toString(u), '_', toString(intDiv(number, 40))) AS session_id,
  concat('feature-', toString(f)) AS feature,
  concat('team-', toString(u % 20)) AS team,
  concat('dept-', toString(u % 20 % 5)) AS department,
  ['portal', 'mobile', 'internal-tools'][1 + f % 3] AS application,
  if(r8 < 0.95, 'production', 'staging') AS environment,
  if(r7 < 0.25, ['ab:variant-b'], []) AS tags,
  map('user.tier', ['free', 'pro', 'enterprise'][1 + u % 3]) AS metadata,
  NULL AS input_content, NULL AS output_content, NULL AS prompt_hash, NULL AS response_hash, NULL AS request_id,
  ts AS ingested_at,
  1 AS version
FROM (
  SELECT *,
    (250 + inp * 0.04 + outp * 18 * (0.6 + r8)) * if(r7 > 0.985, 4, 1) AS dur,
    if(r8 < 0.4 AND inp > 1024, intDiv(inp, 256) * 128, 0) AS cr
  FROM (
    SELECT number,
      toUInt32(floor(pow(${U(1)}, 2.2) * ${m.length})) + 1 AS mi,
      toUInt32(floor(pow(${U(2)}, 1.8) * 1000)) AS u,
      toUInt32(floor(${U(3)} * 10)) AS f,
      toInt64(60 + floor(pow(${U(4)}, 3) * 12000)) AS inp,
      toInt64(5 + floor(pow(${U(5)}, 2) * 1500)) AS outp,
      ${U(6)} AS r6, ${U(7)} AS r7, ${U(8)} AS r8,
      fromUnixTimestamp64Micro(toInt64(${startUs} + number * ${stepUs} + (${U(9)} - 0.5) * 60000000), 'UTC') AS ts
    FROM numbers(${from}, ${count})
  )
)
SETTINGS insert_distributed_sync = 1, max_partitions_per_insert_block = 1000`;
}

// Creates the schema by opening the store, then fills `spans` with `rows` generations.
export async function buildClickHouseSyntheticStore(config: ClickHouseConfig, rows: number, nowMs: number): Promise<{ seconds: number }> {
  const store = await openStore({ dataDir: '/nonexistent', storage: { backend: 'clickhouse', memoryLimit: '1GB', backgroundNice: 0, queryTimeoutMs: 600_000, readConnections: 4, clickhouse: config } });
  await store.close();
  const client = createClient({ url: config.url[0], request_timeout: 600_000 });
  const started = performance.now();
  const startUs = (nowMs - 30 * DAY_MS) * 1000;
  try {
    for (let from = 0; from < rows; from += INSERT_CHUNK_ROWS) {
      const count = Math.min(INSERT_CHUNK_ROWS, rows - from);
      await client.command({ query: insertSql(config.database, from, count, rows, startUs) });
      log(`  inserted ${(from + count).toLocaleString('en-US')} / ${rows.toLocaleString('en-US')} rows (${((performance.now() - started) / 1000).toFixed(1)} s)`);
    }
  } finally {
    await client.close();
  }
  return { seconds: round((performance.now() - started) / 1000, 1) ?? 0 };
}
