import type { ProjectId } from './project.ts';

// What a purge of stored content removes from a project's spans and logs once capture is turned
// down: the prompt and response text, metadata and log attributes named as content (exact names,
// name prefixes, whole-name patterns), the bodies of GenAI event logs, error messages that do not
// match `errorMessageKept` (a whole-value pattern), and the prompt, response and retrieval query
// hashes: all, or those of rows ingested before a time (KEEP_HASHES: none). Rows are changed
// `chunkRows` at a time, one transaction each.
export interface ContentPurge {
  hashes: 'all' | { ingestedBefore: Date };
  // Only spans that started, and logs stamped, before this (retention's hot tier); absent: all.
  startedBefore?: Date;
  names: readonly string[];
  prefixes: readonly string[];
  patterns: readonly string[];
  errorMessageKept: string;
  // Spans mapped from OTLP (their metadata has `marker`) and all logs: an entry stays only if its
  // name is listed (exact or prefix) or its value matches `valuePattern`, as OTLP is mapped below
  // `full` today. The user's metadata on such spans, and native logs' attributes, cannot be told
  // apart from unknown attributes and go with them.
  otlpMetadata: { marker: string; names: readonly string[]; prefixes: readonly string[]; valuePattern: string };
  chunkRows: number;
}

// Every hash stays: none was stored before the epoch. (A backend reads it as any other time.)
export const KEEP_HASHES: ContentPurge['hashes'] = { ingestedBefore: new Date(0) };

export interface ContentPurgeResult {
  spans: number; // rows changed
  logs: number;
  // The database file still holds the old row versions in free blocks; it is rewritten when the
  // server stops.
  compactsOnStop: boolean;
}

export interface ContentMaintenance {
  purgeContent(project: ProjectId, purge: ContentPurge): Promise<ContentPurgeResult>;
}
