import type { ExportFormat, ExportRequest, ProjectExport, ProjectId } from '../store.ts';
import type { DuckDb } from './db.ts';
import { spanFilterSql } from './span-filters.ts';

// One project's records written by DuckDB's COPY straight to a file: DuckDB streams the scan into
// the writer, so the server's memory stays flat however many rows match. The columns are the same
// in every format (docs/data-lifecycle.md#export); only their types differ: Parquet keeps
// TIMESTAMP and DECIMAL(18, 9), CSV and JSONL carry ISO 8601 text and the decimal as a string so
// that no reader rounds a nano-dollar through a double.

type Cols = (text: boolean, content: boolean) => string;

const time = (column: string, text: boolean) => (text ? `strftime(${column}, '%Y-%m-%dT%H:%M:%S.%fZ')` : column) + ` AS ${column}`;
const money = (column: string, text: boolean) => (text ? `CAST(${column} AS VARCHAR)` : column) + ` AS ${column}`;
const json = (column: string) => `CAST(to_json(${column}) AS VARCHAR) AS ${column}`;
const maybe = (column: string, content: boolean) => (content ? column : `CAST(NULL AS VARCHAR) AS ${column}`);

const SPAN_COLS: Cols = (text, content) =>
  [
    'project_id', 'trace_id', 'span_id', 'parent_span_id', 'name', 'kind', time('start_time', text), time('end_time', text), 'duration_ms',
    'provider', 'request_model', 'response_model', 'model',
    'input_tokens', 'output_tokens', 'cache_read_tokens', 'cache_write_tokens', 'reasoning_tokens', 'audio_tokens', 'total_tokens',
    'cost_status', money('cost_usd', text), 'cost_breakdown', 'price_row_id', 'catalog_version',
    'status', 'error_class', 'error_message', 'finish_reason', 'ttft_ms',
    'user_id', 'session_id', 'feature', 'team', 'department', 'application', 'environment', json('tags'), json('metadata'),
    maybe('input_content', content), maybe('output_content', content), 'prompt_hash', 'response_hash', 'request_id', time('ingested_at', text),
  ].join(', ');

const SCORE_COLS: Cols = (text) =>
  ['project_id', 'id', 'trace_id', 'span_id', 'name', 'data_type', 'numeric_value', 'string_value', 'comment', 'source', time('timestamp', text), 'user_id'].join(', ');

const LOG_COLS: Cols = (text, content) =>
  [
    'project_id', 'id', 'trace_id', 'span_id', time('timestamp', text), 'severity', maybe('body', content),
    content ? json('attributes') : 'CAST(NULL AS VARCHAR) AS attributes',
  ].join(', ');

const COPY_OPTIONS: Record<ExportFormat, string> = {
  csv: "FORMAT csv, HEADER true",
  jsonl: 'FORMAT json',
  parquet: "FORMAT parquet, COMPRESSION zstd",
};

function linkedWhere(request: ExportRequest, params: Record<string, string | number>, withUser: boolean): string {
  const f = request.filter;
  params.fromUs = Math.trunc(f.fromMs * 1000);
  params.toUs = Math.trunc(f.toMs * 1000);
  const clauses = ['project_id = $project', 'timestamp >= make_timestamp($fromUs)', 'timestamp < make_timestamp($toUs)'];
  if (f.traceId) {
    clauses.push('trace_id = $traceId');
    params.traceId = f.traceId;
  }
  if (withUser && f.userId) {
    clauses.push('user_id = $userId');
    params.userId = f.userId;
  }
  return clauses.join(' AND ');
}

export class DuckDbProjectExport implements ProjectExport {
  private readonly db: DuckDb;

  constructor(db: DuckDb) {
    this.db = db;
  }

  async exportToFile(project: ProjectId, request: ExportRequest, path: string): Promise<{ rows: number }> {
    const text = request.format !== 'parquet';
    let select: string;
    let params: Record<string, string | number>;
    if (request.kind === 'spans') {
      const built = spanFilterSql(project, request.filter, request.everySpan ? 'every' : 'application');
      params = built.params;
      select = `SELECT ${SPAN_COLS(text, request.content)} FROM spans WHERE ${built.where}`;
    } else {
      params = { project };
      const where = linkedWhere(request, params, request.kind === 'scores');
      select = `SELECT ${(request.kind === 'scores' ? SCORE_COLS : LOG_COLS)(text, request.content)} FROM ${request.kind} WHERE ${where}`;
    }
    // The path is the server's own (a temporary file it named), never a client's string.
    const rows = await this.db.all(`COPY (${select}) TO '${path.replaceAll("'", "''")}' (${COPY_OPTIONS[request.format]})`, params);
    return { rows: Number(rows[0]?.Count ?? 0) };
  }
}
