import type { SpanRecord } from '../domain/span.ts';
import type { LogRecord, ScoreRecord } from '../domain/score.ts';
import type { ProjectId } from './project.ts';

// Reads of stored spans and traces, and of the scores and logs attached to them.

export interface SpanFilter {
  fromMs?: number;
  toMs?: number;
  traceId?: string;
  userId?: string;
  sessionId?: string;
  model?: string;
  provider?: string;
  feature?: string;
  team?: string;
  department?: string;
  application?: string;
  environment?: string;
  status?: string;
  kind?: string;
  // One of the call's tags.
  tag?: string;
  // The span's own name; a root span's (no parent) name, which for a trace is the trace's name.
  name?: string;
  rootName?: string;
  parentSpanId?: string;
  // Metadata entries the span carries (each of them), and entries it must not carry.
  metadata?: Record<string, string>;
  metadataNot?: Record<string, string>;
  // Free text on ids: a trace, span or request id (or a trace id's first characters), a user or a session.
  q?: string;
  // Ranges: on the span for spans, on the whole trace (its cost sum, its duration) for traces.
  minCostUsd?: number;
  maxCostUsd?: number;
  minDurationMs?: number;
  maxDurationMs?: number;
  // Newest first by default; 'duration' and 'cost' put the largest first.
  orderBy?: 'start' | 'duration' | 'cost';
}

// The largest cost and duration bounds a filter takes: far past any real trace, and small enough
// that a store binds them as numbers, not as integers past 64 bits.
export const SPAN_FILTER_BOUNDS = { maxCostUsd: 1e9, maxDurationMs: 1e10 } as const;

export interface Page {
  limit: number;
  offset: number;
}

export interface SpanPage {
  spans: SpanRecord[];
  total: number | null; // null when not asked for
}

export interface TraceSummary {
  traceId: string;
  name: string; // the root span's name (the earliest span's when the root is missing)
  startUs: number;
  durationMs: number;
  spans: number;
  calls: number; // generation and embedding spans
  costUsd: number | null; // null when no call in the trace has a known cost
  unknownCostCalls: number;
  tokens: number;
  hasError: boolean;
  userId: string | null;
  sessionId: string | null;
  models: string[];
}

export interface TracePage {
  traces: TraceSummary[];
  // null when not asked for (counting every trace of a long range costs more than a page).
  total: number | null;
}

export interface TraceDetail {
  spans: SpanRecord[];
  scores: ScoreRecord[];
  logs: LogRecord[];
}

export interface SpanReads {
  listSpans(project: ProjectId, filter: SpanFilter, page: Page, options?: { total?: boolean }): Promise<SpanPage>;
  getSpan(project: ProjectId, spanId: string): Promise<SpanRecord | null>;
  // At most `limit` spans, scores and logs each (the first by time), when given. `content: false`:
  // the spans without their prompt and response (content null), for a read that needs less.
  getTrace(project: ProjectId, traceId: string, limit?: number, options?: { content?: boolean }): Promise<TraceDetail>;
  // Traces with at least one span matching every given filter (time bounds apply to the trace's
  // spans), newest first.
  listTraces(project: ProjectId, filter: SpanFilter, page: Page, options?: { total?: boolean }): Promise<TracePage>;
}

export interface ScoreFilter {
  traceId?: string;
  name?: string;
  dataType?: string;
  // Bounds on the score's timestamp: from inclusive, to exclusive.
  fromMs?: number;
  toMs?: number;
}

export interface ScoreLogReads {
  listScores(project: ProjectId, filter: ScoreFilter, page: Page): Promise<ScoreRecord[]>;
  countScores(project: ProjectId, filter: ScoreFilter): Promise<number>;
  listLogs(project: ProjectId, filter: { traceId?: string }, page: Page): Promise<LogRecord[]>;
}
