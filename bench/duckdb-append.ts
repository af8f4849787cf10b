import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DuckDBDataChunk,
  DuckDBDecimalValue,
  DuckDBListValue,
  DuckDBMapValue,
  DuckDBTimestampValue,
  type DuckDBAppender,
  type DuckDBListType,
  type DuckDBMapType,
  type DuckDBValue,
} from '@duckdb/node-api';
import { effectiveModel, totalTokens, type SpanRecord } from '../packages/server/src/domain/span.ts';
import { DuckDb } from '../packages/server/src/store/duckdb/db.ts';
import { readJsonSelect, SPAN_JSON, spanRow } from '../packages/server/src/store/duckdb/rows.ts';
import { log, median, round } from './lib.ts';

// The same span rows into a TEMP table shaped like `spans` (lists and maps included), three ways:
//   - readJson: the store's way. JSON.stringify of spanRow on the JS thread, then read_json by
//     DuckDB's threads.
//   - appenderRows: @duckdb/node-api's Appender, value by value. Every call runs on the JS thread.
//   - appenderChunks: the same Appender fed whole data chunks (2,048 rows, column-wise).
// Each is timed as µs per row of wall time and of the JS thread's share, median of RUNS.

const RUNS = 3;
// DuckDB's vector size: a data chunk holds at most this many rows.
const CHUNK_ROWS = 2_048;
const STAGE = 'span_append_stage';

type Column = (s: SpanRecord, ingestedUs: bigint) => DuckDBValue;

const nullable = <T>(v: T | null, f: (v: T) => DuckDBValue): DuckDBValue => (v === null ? null : f(v));
const big = (n: number) => BigInt(Math.trunc(n));
const ts = (us: number | bigint) => new DuckDBTimestampValue(typeof us === 'bigint' ? us : big(us));
const map = (m: Record<string, string>) => {
  const keys = Object.keys(m);
  return keys.length ? new DuckDBMapValue(keys.map((key) => ({ key, value: m[key] }))) : null;
};

// In the order of the spans table's columns (migrations.ts), as spanRow and SPAN_JSON fill them.
const COLUMNS: Column[] = [
  (s) => s.projectId,
  (s) => s.traceId,
  (s) => s.spanId,
  (s) => s.parentSpanId,
  (s) => s.name,
  (s) => s.kind,
  (s) => ts(s.startUs),
  (s) => ts(s.endUs),
  (s) => (Math.trunc(s.endUs) - Math.trunc(s.startUs)) / 1000,
  (s) => s.provider,
  (s) => s.requestModel,
  (s) => s.responseModel,
  (s) => effectiveModel(s),
  (s) => big(s.usage.input),
  (s) => big(s.usage.output),
  (s) => big(s.usage.cacheRead),
  (s) => big(s.usage.cacheWrite),
  (s) => big(s.usage.reasoning),
  (s) => big(s.usage.audio),
  (s) => big(totalTokens(s.usage)),
  (s) => s.cost.status,
  (s) => nullable(s.cost.totalNanoUsd, (n) => new DuckDBDecimalValue(big(n), 18, 9)),
  (s) => (Object.keys(s.cost.byBucketNanoUsd).length ? JSON.stringify(s.cost.byBucketNanoUsd) : null),
  (s) => s.cost.priceRowId,
  (s) => s.cost.catalogVersion,
  (s) => s.status,
  (s) => s.errorClass,
  (s) => s.errorMessage,
  (s) => s.finishReason,
  (s) => s.ttftMs,
  (s) => s.attribution.userId,
  (s) => s.attribution.sessionId,
  (s) => s.attribution.feature,
  (s) => s.attribution.team,
  (s) => s.attribution.department,
  (s) => s.attribution.application,
  (s) => s.attribution.environment,
  (s) => (s.tags.length ? new DuckDBListValue(s.tags) : null),
  (s) => map(s.metadata),
  (s) => s.content?.input ?? null,
  (s) => s.content?.output ?? null,
  (s) => s.promptHash,
  (s) => s.responseHash,
  (s) => s.requestId,
  (_s, ingestedUs) => ts(ingestedUs),
];

// Value by value with the typed append calls, as the re-pricing path does.
function appendRow(a: DuckDBAppender, s: SpanRecord, ingestedUs: bigint, listType: DuckDBListType, mapType: DuckDBMapType): void {
  const str = (v: string | null) => (v === null ? a.appendNull() : a.appendVarchar(v));
  str(s.projectId);
  str(s.traceId);
  str(s.spanId);
  str(s.parentSpanId);
  str(s.name);
  str(s.kind);
  a.appendTimestamp(ts(s.startUs));
  a.appendTimestamp(ts(s.endUs));
  a.appendDouble((Math.trunc(s.endUs) - Math.trunc(s.startUs)) / 1000);
  str(s.provider);
  str(s.requestModel);
  str(s.responseModel);
  str(effectiveModel(s));
  a.appendBigInt(big(s.usage.input));
  a.appendBigInt(big(s.usage.output));
  a.appendBigInt(big(s.usage.cacheRead));
  a.appendBigInt(big(s.usage.cacheWrite));
  a.appendBigInt(big(s.usage.reasoning));
  a.appendBigInt(big(s.usage.audio));
  a.appendBigInt(big(totalTokens(s.usage)));
  str(s.cost.status);
  if (s.cost.totalNanoUsd === null) a.appendNull();
  else a.appendDecimal(new DuckDBDecimalValue(big(s.cost.totalNanoUsd), 18, 9));
  str(Object.keys(s.cost.byBucketNanoUsd).length ? JSON.stringify(s.cost.byBucketNanoUsd) : null);
  str(s.cost.priceRowId);
  str(s.cost.catalogVersion);
  str(s.status);
  str(s.errorClass);
  str(s.errorMessage);
  str(s.finishReason);
  if (s.ttftMs === null) a.appendNull();
  else a.appendDouble(s.ttftMs);
  const at = s.attribution;
  for (const v of [at.userId, at.sessionId, at.feature, at.team, at.department, at.application, at.environment]) str(v);
  if (s.tags.length) a.appendList(s.tags, listType);
  else a.appendNull();
  const m = map(s.metadata);
  if (m === null) a.appendNull();
  else a.appendMap(m, mapType);
  str(s.content?.input ?? null);
  str(s.content?.output ?? null);
  str(s.promptHash);
  str(s.responseHash);
  str(s.requestId);
  a.appendTimestamp(ts(ingestedUs));
  a.endRow();
}

interface MethodTiming {
  usPerRow: number | null;
  jsThreadUsPerRow: number | null;
  cpuUsPerRow: number | null;
}

export async function compareAppender(rows: number, makeSpans: (count: number, seed: number, startUs: number) => SpanRecord[]): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'lookout-bench-append-'));
  // The same settings as the store's (threads, memory), with the migrations' tables.
  const db = await DuckDb.open(null);
  try {
    await db.run(`CREATE TEMP TABLE ${STAGE} AS SELECT * FROM spans LIMIT 0`);
    const spans = makeSpans(rows, 99, Date.now() * 1000);
    const ingestedUs = BigInt(Date.now() * 1000);
    const file = join(dir, 'spans.ndjson');
    const results: Record<string, { wall: number[]; js: number[]; cpu: number[] }> = {};
    const record = (name: string, wallMs: number, jsMs: number, cpu: NodeJS.CpuUsage) => {
      const r = (results[name] ??= { wall: [], js: [], cpu: [] });
      r.wall.push((wallMs * 1000) / rows);
      r.js.push((jsMs * 1000) / rows);
      r.cpu.push((cpu.user + cpu.system) / rows);
    };
    const a0 = await db.writer.createAppender(STAGE, 'main', 'temp');
    const types = Array.from({ length: a0.columnCount }, (_, i) => a0.columnType(i));
    a0.closeSync();
    if (types.length !== COLUMNS.length) throw new Error(`the spans table has ${types.length} columns, the appender fills ${COLUMNS.length}`);
    const listType = types[37] as DuckDBListType;
    const mapType = types[38] as DuckDBMapType;
    const snapshots: Record<string, string> = {};
    const snapshot = async (name: string) => {
      const r = await db.writeAll(`SELECT count(*) AS n, sum(hash(t)) AS h FROM ${STAGE} t`);
      snapshots[name] = `${r[0].n}:${r[0].h}`;
      await db.run(`DELETE FROM ${STAGE}`);
    };

    for (let run = 0; run < RUNS; run++) {
      // read_json: the JS thread encodes and writes the file; DuckDB's threads parse it.
      let cpu0 = process.cpuUsage();
      let t = performance.now();
      let ndjson = '';
      for (const s of spans) ndjson += JSON.stringify(spanRow(s, Number(ingestedUs))) + '\n';
      writeFileSync(file, ndjson);
      const jsMs = performance.now() - t;
      await db.run(`INSERT INTO ${STAGE} BY NAME ${readJsonSelect(SPAN_JSON, file)}`);
      record('readJson', performance.now() - t, jsMs, process.cpuUsage(cpu0));
      await snapshot('readJson');

      cpu0 = process.cpuUsage();
      t = performance.now();
      const a = await db.writer.createAppender(STAGE, 'main', 'temp');
      for (const s of spans) appendRow(a, s, ingestedUs, listType, mapType);
      a.closeSync();
      const rowsMs = performance.now() - t;
      record('appenderRows', rowsMs, rowsMs, process.cpuUsage(cpu0));
      await snapshot('appenderRows');

      cpu0 = process.cpuUsage();
      t = performance.now();
      const c = await db.writer.createAppender(STAGE, 'main', 'temp');
      for (let from = 0; from < spans.length; from += CHUNK_ROWS) {
        const part = spans.slice(from, from + CHUNK_ROWS);
        const chunk = DuckDBDataChunk.create(types, part.length);
        chunk.setColumns(COLUMNS.map((col) => part.map((s) => col(s, ingestedUs))));
        c.appendDataChunk(chunk);
      }
      c.closeSync();
      const chunksMs = performance.now() - t;
      record('appenderChunks', chunksMs, chunksMs, process.cpuUsage(cpu0));
      await snapshot('appenderChunks');
      log(`  appender comparison run ${run + 1}/${RUNS}: ${Object.entries(results).map(([k, v]) => `${k} ${round(v.wall[run], 2)} µs/row`).join(', ')}`);
    }
    const same = new Set(Object.values(snapshots)).size === 1;
    if (!same) log(`  the three ways stored different rows: ${JSON.stringify(snapshots)}`);
    const summary: Record<string, MethodTiming> = {};
    for (const [name, r] of Object.entries(results)) {
      summary[name] = { usPerRow: round(median(r.wall)), jsThreadUsPerRow: round(median(r.js)), cpuUsPerRow: round(median(r.cpu)) };
    }
    return { rows, sameRows: same, ...summary };
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
