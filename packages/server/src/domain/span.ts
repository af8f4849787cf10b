// The one record type everything that enters Lookout becomes, whichever path it came by.
// A generation is a span with a model, usage and cost. No I/O here.

export const SPAN_KINDS = ['generation', 'embedding', 'retrieval', 'tool', 'agent', 'chain', 'other'] as const;
export type SpanKind = (typeof SPAN_KINDS)[number];

export const SPAN_STATUSES = ['ok', 'error', 'cancelled'] as const;
export type SpanStatus = (typeof SPAN_STATUSES)[number];

// C5: the classes errors are counted by.
export const ERROR_CLASSES = [
  'rate_limit',
  'timeout',
  'server',
  'invalid_request',
  'content_filter',
  'auth',
  'cancelled',
  'other',
] as const;
export type ErrorClass = (typeof ERROR_CLASSES)[number];

// Usage buckets never overlap: `input` is uncached, non-audio input only; cached reads and
// cache writes are their own buckets; `reasoning` is output tokens spent on reasoning and is
// not included in `output`. Summing all buckets gives the total tokens once.
export const USAGE_BUCKETS = ['input', 'output', 'cacheRead', 'cacheWrite', 'reasoning', 'audio'] as const;
export type UsageBucket = (typeof USAGE_BUCKETS)[number];
export type Usage = Record<UsageBucket, number>;

export function emptyUsage(): Usage {
  return { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, reasoning: 0, audio: 0 };
}

export function totalTokens(u: Usage): number {
  return u.input + u.output + u.cacheRead + u.cacheWrite + u.reasoning + u.audio;
}

// priced: computed from a price row; unknown_model: no price row matches, cost is unknown (not 0);
// provider_reported: the caller supplied the cost; not_applicable: a span that carries no usage.
export const COST_STATUSES = ['priced', 'unknown_model', 'provider_reported', 'not_applicable'] as const;
export type CostStatus = (typeof COST_STATUSES)[number];

// Money is carried as integer nano-dollars (1e-9 USD) so that sums never accumulate float error:
// one gpt-4o-mini input token costs 150 nano-dollars.
export interface Cost {
  status: CostStatus;
  totalNanoUsd: number | null;
  byBucketNanoUsd: Partial<Record<UsageBucket, number>>;
  // Which price produced the cost: "catalog:<provider>/<model>[@<start date>]" or "override:<id>".
  priceRowId: string | null;
  catalogVersion: string | null;
}

export function unpricedCost(status: CostStatus = 'not_applicable'): Cost {
  return { status, totalNanoUsd: null, byBucketNanoUsd: {}, priceRowId: null, catalogVersion: null };
}

export interface Attribution {
  userId: string | null;
  sessionId: string | null;
  feature: string | null;
  team: string | null;
  department: string | null;
  application: string | null;
  environment: string | null;
}

export const ATTRIBUTION_KEYS = [
  'userId',
  'sessionId',
  'feature',
  'team',
  'department',
  'application',
  'environment',
] as const satisfies readonly (keyof Attribution)[];

export function emptyAttribution(): Attribution {
  return {
    userId: null,
    sessionId: null,
    feature: null,
    team: null,
    department: null,
    application: null,
    environment: null,
  };
}

export interface SpanContent {
  input: string | null;
  output: string | null;
}

export interface SpanRecord {
  projectId: string;
  traceId: string; // 32 lowercase hex chars
  spanId: string; // 16 lowercase hex chars
  parentSpanId: string | null;
  name: string;
  kind: SpanKind;
  startUs: number; // microseconds since the Unix epoch, UTC
  endUs: number;
  provider: string | null;
  requestModel: string | null;
  responseModel: string | null;
  usage: Usage;
  cost: Cost;
  status: SpanStatus;
  errorClass: ErrorClass | null;
  errorMessage: string | null;
  finishReason: string | null;
  ttftMs: number | null;
  attribution: Attribution;
  tags: string[];
  metadata: Record<string, string>;
  content: SpanContent | null;
  promptHash: string | null;
  responseHash: string | null;
  requestId: string | null;
}

export function durationMs(s: Pick<SpanRecord, 'startUs' | 'endUs'>): number {
  return (s.endUs - s.startUs) / 1000;
}

// The model a cost and a report should be keyed on: what the provider says it served, else what was asked for.
export function effectiveModel(s: Pick<SpanRecord, 'requestModel' | 'responseModel'>): string | null {
  return s.responseModel ?? s.requestModel;
}
