import { createWriteStream } from 'node:fs';
import type { ClickHouseSettings } from '@clickhouse/client';
import type { ExportFormat, ExportRequest, ProjectExport, ProjectId } from '../store.ts';
import type { Ch, Params } from './client.ts';
import { spanFilterSql } from './filters.ts';

// One project's records written in ClickHouse's own output format (Parquet, CSVWithNames,
// JSONEachRow), streamed from the answer to the file as it arrives: the server's memory stays
// flat however many rows match. Columns, order and types are those of the DuckDB export
// (docs/data-lifecycle.md#export): Parquet keeps the times and Decimal(18, 9); CSV and JSONL carry
// ISO 8601 text and the decimal as a string, so no reader rounds a nano-dollar through a double.

type Cols = (text: boolean, content: boolean) => string;

// Parquet keeps DateTime64, which ClickHouse always writes as a UTC-adjusted timestamp (DuckDB's
// own export writes a plain TIMESTAMP of the same UTC instant).
const time = (column: string, text: boolean) => (text ? `formatDateTime(${column}, '%Y-%m-%dT%H:%i:%S.%fZ', 'UTC')` : column) + ` AS ${column}`;
// cost_nano is whole nano-dollars: as Decimal(18, 0) times 10^-9 it is exact at scale 9.
const COST_DECIMAL = "CAST(toDecimal64(cost_nano, 0) * toDecimal64('0.000000001', 9) AS Nullable(Decimal(18, 9)))";
const money = (text: boolean) => (text ? `toDecimalString(${COST_DECIMAL}, 9)` : COST_DECIMAL) + ' AS cost_usd';
const json = (column: string) => `toJSONString(${column}) AS ${column}`;
const maybe = (column: string, content: boolean) => (content ? column : `CAST(NULL AS Nullable(String)) AS ${column}`);

const SPAN_COLS: Cols = (text, content) =>
  [
    'project_id', 'trace_id', 'span_id', 'parent_span_id', 'name', 'kind', time('start_time', text), time('end_time', text), 'duration_ms',
    'provider', 'request_model', 'response_model', 'model',
    'input_tokens', 'output_tokens', 'cache_read_tokens', 'cache_write_tokens', 'reasoning_tokens', 'audio_tokens', 'total_tokens',
    'cost_status', money(text), 'cost_breakdown', 'price_row_id', 'catalog_version',
    'status', 'error_class', 'error_message', 'finish_reason', 'ttft_ms',
    'user_id', 'session_id', 'feature', 'team', 'department', 'application', 'environment', json('tags'), json('metadata'),
    maybe('input_content', content), maybe('output_content', content), 'prompt_hash', 'response_hash', 'request_id', time('ingested_at', text),
  ].join(', ');

const SCORE_COLS: Cols = (text) =>
  ['project_id', 'id', 'trace_id', 'span_id', 'name', 'data_type', 'numeric_value', 'string_value', 'comment', 'source', time('timestamp', text), 'user_id'].join(', ');

const LOG_COLS: Cols = (text, content) =>
  [
    'project_id', 'id', 'trace_id', 'span_id', time('timestamp', text), 'severity', maybe('body', content),
    content ? json('attributes') : 'CAST(NULL AS Nullable(String)) AS attributes',
  ].join(', ');

const FORMATS: Record<ExportFormat, string> = { csv: 'CSVWithNames', jsonl: 'JSONEachRow', parquet: 'Parquet' };

// Output as the DuckDB export writes it: null an empty CSV field, 64-bit integers as JSON numbers,
// UTF-8 strings and zstd in Parquet.
const FORMAT_SETTINGS: ClickHouseSettings = {
  // The columns keep their names in the file, so the filter must see the stored columns, not the
  // formatted values of the same name.
  prefer_column_name_to_alias: 1,
  format_csv_null_representation: '',
  output_format_json_quote_64bit_integers: 0,
  output_format_json_escape_forward_slashes: 0,
  output_format_parquet_string_as_string: 1,
  output_format_parquet_compression_method: 'zstd',
};

function linkedWhere(request: ExportRequest, params: Params, withUser: boolean): string {
  const f = request.filter;
  params.fromUs = Math.trunc(f.fromMs * 1000);
  params.toUs = Math.trunc(f.toMs * 1000);
  const clauses = [
    'project_id = {project:String}',
    "timestamp >= fromUnixTimestamp64Micro({fromUs:Int64}, 'UTC')",
    "timestamp < fromUnixTimestamp64Micro({toUs:Int64}, 'UTC')",
  ];
  if (f.traceId) {
    clauses.push('trace_id = {traceId:String}');
    params.traceId = f.traceId;
  }
  if (withUser && f.userId) {
    clauses.push('user_id = {userId:String}');
    params.userId = f.userId;
  }
  return clauses.join(' AND ');
}

export class ChProjectExport implements ProjectExport {
  private readonly ch: Ch;

  constructor(ch: Ch) {
    this.ch = ch;
  }

  async exportToFile(project: ProjectId, request: ExportRequest, path: string): Promise<{ rows: number }> {
    const text = request.format !== 'parquet';
    let select: string;
    let params: Params;
    if (request.kind === 'spans') {
      const built = spanFilterSql(project, request.filter, request.everySpan ? 'every' : 'application');
      params = built.params;
      select = `SELECT ${SPAN_COLS(text, request.content)} FROM ${this.ch.database}.spans FINAL WHERE ${built.where}`;
    } else {
      params = { project };
      const where = linkedWhere(request, params, request.kind === 'scores');
      const cols = (request.kind === 'scores' ? SCORE_COLS : LOG_COLS)(text, request.content);
      select = `SELECT ${cols} FROM ${this.ch.database}.${request.kind} FINAL WHERE ${where}`;
    }
    // 'wx': the path is a fresh one the server named, and must not exist.
    const out = createWriteStream(path, { flags: 'wx' });
    const { resultRows } = await this.ch.queryToStream(`${select} FORMAT ${FORMATS[request.format]}`, params, FORMAT_SETTINGS, out);
    return { rows: resultRows };
  }
}
