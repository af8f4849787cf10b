import { DuckDb } from '../packages/server/src/store/duckdb/db.ts';
import { DuckDbStore } from '../packages/server/src/store/duckdb/store.ts';
import { log, round } from './lib.ts';

// A synthetic store of LLM calls in the real schema (migrations run by DuckDbStore.open), filled
// inside DuckDB with INSERT ... SELECT FROM range(n): 30 days (or `days`) ending at `nowMs`, 20 models,
// 1,000 users, 20 teams, 10 features, 3 applications, rows appended in time order as live ingest
// appends them. Used by the query and alert benchmarks.

const DAY_MS = 86_400_000;
const INSERT_CHUNK_ROWS = 1_000_000;

export const SYNTHETIC_MODELS: readonly [string, string, number, number][] = [
  // provider, model, $ per 1M input, $ per 1M output
  ['openai', 'gpt-4o-mini', 0.15, 0.6],
  ['openai', 'gpt-4o', 2.5, 10],
  ['anthropic', 'claude-sonnet-4-20250514', 3, 15],
  ['anthropic', 'claude-3-5-haiku-20241022', 0.8, 4],
  ['openai', 'o4-mini', 1.1, 4.4],
  ['openai', 'text-embedding-3-small', 0.02, 0],
  ['google', 'gemini-2.5-flash', 0.3, 2.5],
  ['google', 'gemini-2.5-pro', 1.25, 10],
  ['openai', 'gpt-4.1', 2, 8],
  ['openai', 'gpt-4.1-mini', 0.4, 1.6],
  ['openai', 'gpt-4.1-nano', 0.1, 0.4],
  ['anthropic', 'claude-opus-4-20250514', 15, 75],
  ['anthropic', 'claude-3-7-sonnet-20250219', 3, 15],
  ['mistral', 'mistral-large-latest', 2, 6],
  ['mistral', 'mistral-small-latest', 0.1, 0.3],
  ['groq', 'llama-3.3-70b-versatile', 0.59, 0.79],
  ['openai', 'o3', 2, 8],
  ['deepseek', 'deepseek-chat', 0.27, 1.1],
  ['x-ai', 'grok-3-mini', 0.3, 0.5],
  ['acme', 'acme-llm-1', -1, -1], // not in the catalog: cost unknown
];

function sqlList(values: (string | number)[]): string {
  return `[${values.map((v) => (typeof v === 'number' ? String(v) : `'${v.replace(/'/g, "''")}'`)).join(', ')}]`;
}

// Pseudo-random but deterministic per row: hash(i, k) gives stream k.
const U = (k: number) => `((hash(i, ${k}) % 1000000)::DOUBLE / 1000000.0)`;

function insertSql(fromRow: number, toRow: number, totalRows: number, startUs: number, days: number, content: boolean): string {
  const stepUs = (days * DAY_MS * 1000) / totalRows;
  const providers = sqlList(SYNTHETIC_MODELS.map((m) => m[0]));
  const models = sqlList(SYNTHETIC_MODELS.map((m) => m[1]));
  const inPrice = sqlList(SYNTHETIC_MODELS.map((m) => m[2]));
  const outPrice = sqlList(SYNTHETIC_MODELS.map((m) => m[3]));
  // Model index skewed towards the first models (a few carry most traffic), users likewise.
  return `
INSERT INTO spans BY NAME
WITH base AS (
  SELECT i,
    (floor(pow(${U(1)}, 2.2) * ${SYNTHETIC_MODELS.length}))::INTEGER + 1 AS m,
    (floor(pow(${U(2)}, 1.8) * 1000))::INTEGER AS u,
    (floor(${U(3)} * 10))::INTEGER AS f,
    (60 + floor(pow(${U(4)}, 3) * 12000))::BIGINT AS inp,
    (5 + floor(pow(${U(5)}, 2) * 1500))::BIGINT AS outp,
    ${U(6)} AS r6, ${U(7)} AS r7, ${U(8)} AS r8,
    make_timestamp((${startUs} + i * ${stepUs} + (${U(9)} - 0.5) * 60000000)::BIGINT) AS ts
  FROM range(${fromRow}, ${toRow}) t(i)
)
SELECT
  'default' AS project_id,
  md5(i::VARCHAR) AS trace_id,
  substr(md5((i * 7 + 3)::VARCHAR), 1, 16) AS span_id,
  NULL AS parent_span_id,
  'chat ' || ${models}[m] AS name,
  CASE WHEN ${models}[m] LIKE 'text-embedding%' THEN 'embedding' ELSE 'generation' END AS kind,
  ts AS start_time,
  ts + to_microseconds((dur * 1000)::BIGINT) AS end_time,
  dur AS duration_ms,
  ${providers}[m] AS provider,
  ${models}[m] AS request_model,
  ${models}[m] AS response_model,
  ${models}[m] AS model,
  inp - cr AS input_tokens,
  outp AS output_tokens,
  cr AS cache_read_tokens,
  0 AS cache_write_tokens,
  0 AS reasoning_tokens,
  0 AS audio_tokens,
  inp + outp AS total_tokens,
  CASE WHEN ${inPrice}[m] < 0 THEN 'unknown_model' ELSE 'priced' END AS cost_status,
  CASE WHEN ${inPrice}[m] < 0 THEN NULL
       ELSE round(((inp - cr) * ${inPrice}[m] + cr * ${inPrice}[m] / 4 + outp * ${outPrice}[m]) / 1000000.0, 9)::DECIMAL(18, 9) END AS cost_usd,
  NULL AS cost_breakdown,
  CASE WHEN ${inPrice}[m] < 0 THEN NULL ELSE 'catalog:' || ${providers}[m] || '/' || ${models}[m] END AS price_row_id,
  CASE WHEN ${inPrice}[m] < 0 THEN NULL ELSE 'genai-prices@0.1.8' END AS catalog_version,
  CASE WHEN r6 < 0.03 THEN 'error' ELSE 'ok' END AS status,
  CASE WHEN r6 < 0.03 THEN ['rate_limit', 'timeout', 'server', 'invalid_request', 'content_filter'][1 + (floor(r6 * 1000) % 5)::INTEGER] END AS error_class,
  NULL AS error_message,
  CASE WHEN r6 < 0.03 THEN NULL WHEN r7 < 0.04 THEN 'length' ELSE 'stop' END AS finish_reason,
  CASE WHEN r7 < 0.6 THEN 120 + r8 * 900 END AS ttft_ms,
  'usr_' || u AS user_id,
  'sess_' || u || '_' || (i // 40) AS session_id,
  'feature-' || f AS feature,
  'team-' || (u % 20) AS team,
  'dept-' || (u % 20 % 5) AS department,
  ['portal', 'mobile', 'internal-tools'][1 + (f % 3)] AS application,
  CASE WHEN r8 < 0.95 THEN 'production' ELSE 'staging' END AS environment,
  CASE WHEN r7 < 0.25 THEN ['ab:variant-b'] ELSE [] END::VARCHAR[] AS tags,
  MAP(['user.tier'], [['free', 'pro', 'enterprise'][1 + (u % 3)]]) AS metadata,
  ${content ? "'Summarise ticket ' || i || ': ' || repeat(md5(i::VARCHAR) || ' ', 12)" : 'NULL'} AS input_content,
  ${content ? "'Ticket ' || i || ' summary: ' || repeat(md5((i + 1)::VARCHAR) || ' ', 4)" : 'NULL'} AS output_content,
  ${content ? 'md5(i::VARCHAR)' : 'NULL'} AS prompt_hash,
  ${content ? 'md5((i + 1)::VARCHAR)' : 'NULL'} AS response_hash,
  NULL AS request_id,
  ts AS ingested_at
FROM (
  SELECT *,
    (250 + inp * 0.04 + outp * 18 * (0.6 + r8)) * (CASE WHEN r7 > 0.985 THEN 4 ELSE 1 END) AS dur,
    CASE WHEN r8 < 0.4 AND inp > 1024 THEN (inp // 256) * 128 ELSE 0 END AS cr
  FROM base
)`;
}

// `days`: how far back the calls go; `content`: each call carries a prompt and a response (about
// 500 and 200 characters) with their hashes.
export async function buildSyntheticStore(dir: string, rows: number, nowMs: number, options: { days?: number; content?: boolean } = {}): Promise<{ seconds: number }> {
  const days = options.days ?? 30;
  // Migrations run exactly as the server runs them.
  const store = await DuckDbStore.open(dir);
  await store.close();
  const db = await DuckDb.open(dir);
  const started = performance.now();
  const startUs = (nowMs - days * DAY_MS) * 1000;
  try {
    for (let from = 0; from < rows; from += INSERT_CHUNK_ROWS) {
      const to = Math.min(rows, from + INSERT_CHUNK_ROWS);
      await db.run(insertSql(from, to, rows, startUs, days, options.content ?? false));
      log(`  inserted ${to.toLocaleString('en-US')} / ${rows.toLocaleString('en-US')} rows (${((performance.now() - started) / 1000).toFixed(1)} s)`);
    }
    await db.run('CHECKPOINT');
  } finally {
    db.close();
  }
  return { seconds: round((performance.now() - started) / 1000, 1) ?? 0 };
}

