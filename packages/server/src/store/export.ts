import type { MetricPointRecord } from '../domain/metric.ts';
import type { LogRecord, ScoreRecord } from '../domain/score.ts';
import type { SpanRecord } from '../domain/span.ts';
import type { ApiKeyInfo } from './control-plane.ts';

// Reading a whole store out, across every project, and taking in what cannot be written through
// the other concerns: moving an install from one backend to another (store/copy.ts).
//
// Event readers page by key (never by offset): each call returns the next `limit` records after
// `after` (exclusive), oldest first, ties in the order of their identity. The cursor is the last
// record a call returned, so paging never rescans what it has passed, and a chunk's records lie
// close together in time, which is what a backend's duplicate check on write is bounded by.

export type SpanCursor = Pick<SpanRecord, 'startUs' | 'projectId' | 'traceId' | 'spanId'>;
// Scores and logs.
export type EventCursor = { timestampUs: number; projectId: string; id: string };
export type MetricPointCursor = Pick<MetricPointRecord, 'timeUs' | 'projectId' | 'id'>;

// A stored key with its hash: keys are never kept in clear, so moving them means moving the hash.
export interface StoredApiKey extends ApiKeyInfo {
  hash: string;
}

export interface ApiKeyImport {
  imported: number; // added, or revoked where the store still had them active
  skipped: number; // stored already as they are
}

export interface EventExport {
  exportSpans(after: SpanCursor | null, limit: number): Promise<SpanRecord[]>;
  exportScores(after: EventCursor | null, limit: number): Promise<ScoreRecord[]>;
  exportLogs(after: EventCursor | null, limit: number): Promise<LogRecord[]>;
  exportMetricPoints(after: MetricPointCursor | null, limit: number): Promise<MetricPointRecord[]>;
  // Every key of every project, revoked ones included, oldest first.
  exportApiKeys(): Promise<StoredApiKey[]>;
  // Idempotent: a key already stored (by id) is left as it is, except that a key revoked in
  // `keys` is revoked in this store too, so importing again never brings a revoked key back.
  importApiKeys(keys: StoredApiKey[]): Promise<ApiKeyImport>;
}
