// D1: a score is the second record type: a judgement on a trace or one span of it.

export const SCORE_DATA_TYPES = ['numeric', 'categorical', 'boolean'] as const;
export type ScoreDataType = (typeof SCORE_DATA_TYPES)[number];

// `evaluator`: an external evaluator's result (OTLP gen_ai.evaluation.result, OpenInference
// feedback attributes); `heuristic` and `llm_judge`: Lookout's own evaluators.
export const SCORE_SOURCES = ['api', 'user', 'evaluator', 'annotation', 'sdk', 'heuristic', 'llm_judge'] as const;
export type ScoreSource = (typeof SCORE_SOURCES)[number];

export interface ScoreRecord {
  projectId: string;
  id: string; // event id, the idempotency key
  traceId: string;
  spanId: string | null;
  name: string;
  dataType: ScoreDataType;
  numericValue: number | null; // numeric scores, and booleans as 0/1
  stringValue: string | null; // categorical value, and booleans as "true"/"false"
  comment: string | null;
  source: ScoreSource;
  timestampUs: number;
  userId: string | null;
  // The scored trace's feature, model and application (D3), filled by Lookout from the trace's
  // spans (at ingest when they are recent, else when the score is loaded); null while unknown.
  feature: string | null;
  model: string | null;
  application: string | null;
  // What an evaluator says about its score (SCORE_METADATA in domain/quality.ts); clients' own keys too.
  metadata: Record<string, string>;
}

export const LOG_SEVERITIES = ['debug', 'info', 'warn', 'error'] as const;
export type LogSeverity = (typeof LOG_SEVERITIES)[number];

// An application log line linked to a trace (A3/A9): stored, searchable by trace id.
export interface LogRecord {
  projectId: string;
  id: string; // event id, the idempotency key
  traceId: string | null;
  spanId: string | null;
  timestampUs: number;
  severity: LogSeverity;
  body: string;
  attributes: Record<string, string>;
}
