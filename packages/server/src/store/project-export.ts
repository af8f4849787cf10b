import type { ProjectId } from './project.ts';
import type { SpanFilter } from './span-reads.ts';

// One project's spans, scores or logs written to a file in an export format, for a download
// (server/routes/export.ts). The backend writes the file itself (DuckDB: COPY ... TO; ClickHouse: its own output formats, streamed), so no
// record passes through the server's memory and a large export costs disk, not heap. A backend
// that has no implementation leaves the concern out and the export routes say so.

export const EXPORT_KINDS = ['spans', 'scores', 'logs'] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];
export const EXPORT_FORMATS = ['csv', 'jsonl', 'parquet'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportRequest {
  kind: ExportKind;
  format: ExportFormat;
  // Time bounds always set; spans take every span filter, scores and logs the trace (and scores the user).
  filter: SpanFilter & { fromMs: number; toMs: number };
  // false: prompt and response text (spans), log bodies and attributes are written as null.
  content: boolean;
  // Spans: true writes the judge's own calls too, which exports otherwise leave out unless the
  // filter names them (evaluation-scope.ts); the archive keeps every span the store lets go.
  everySpan?: boolean;
}

export interface ProjectExport {
  // Writes the matching rows to `path` (which must not exist) and returns how many.
  exportToFile(project: ProjectId, request: ExportRequest, path: string): Promise<{ rows: number }>;
}
