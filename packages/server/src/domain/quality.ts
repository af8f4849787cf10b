// D2-D6: the quality vocabulary shared by the evaluators, the judge, the store, the API and the UI.

// Spans of the judge's own calls carry this feature: they are priced like any call but kept out of
// the application's spend (dashboards, reports, budgets, /metrics) and counted apart.
export const EVALUATION_FEATURE = 'lookout.evaluation';
// The ingest source (IngestPipeline.submit) of the judge's spans: the only path whose spans may
// carry EVALUATION_FEATURE; the chain's guard rewrites it on every other path.
export const JUDGE_INGEST_SOURCE = 'judge';

export function isEvaluationSpan(s: { attribution: { feature: string | null } }): boolean {
  return s.attribution.feature === EVALUATION_FEATURE;
}

export const EVALUATOR_KINDS = ['heuristic', 'llm_judge'] as const;
export type EvaluatorKind = (typeof EVALUATOR_KINDS)[number];

// Built-in heuristics: cheap, run in the ingest chain on the calls an evaluator selects.
export const HEURISTIC_CRITERIA = ['empty_output', 'refusal', 'invalid_json', 'json_schema', 'length', 'regex', 'language', 'latency_slo', 'cost_slo'] as const;
export type HeuristicCriterion = (typeof HEURISTIC_CRITERIA)[number];

// What an LLM judge is asked about (one shipped, versioned template each); `custom` uses the
// evaluator's own template.
export const JUDGE_CRITERIA = ['correctness', 'relevance', 'helpfulness', 'safety', 'faithfulness', 'reference_correctness', 'custom'] as const;
export type JudgeCriterion = (typeof JUDGE_CRITERIA)[number];

export interface EvaluatorFilter {
  feature?: string;
  model?: string;
  application?: string;
}

// Per-criterion settings of a heuristic; each criterion reads only its own fields.
export interface HeuristicParams {
  minChars?: number; // length
  maxChars?: number; // length
  pattern?: string; // regex (RE2 syntax, linear time)
  mustMatch?: boolean; // regex: true = must match, false = must not match
  language?: string; // language: expected ISO 639-1 code; absent = the input's language
  schema?: unknown; // json_schema: a JSON Schema the output must conform to
  maxLatencyMs?: number; // latency_slo
  maxCostUsd?: number; // cost_slo, per call
}

export interface JudgeTemplate {
  version: string;
  system: string;
  user: string; // placeholders: {{input}} {{output}} {{documents}} {{reference}} {{criterion}}
}

export interface JudgeSettings {
  baseUrl?: string; // overrides LOOKOUT_JUDGE_BASE_URL
  model?: string; // overrides LOOKOUT_JUDGE_MODEL
  apiKey?: string; // overrides LOOKOUT_JUDGE_API_KEY; write-only (never returned by the API)
  template?: JudgeTemplate; // required for criterion `custom`, else overrides the shipped one
}

export interface Evaluator {
  id: string;
  name: string; // the name of the scores it writes
  kind: EvaluatorKind;
  criterion: HeuristicCriterion | JudgeCriterion;
  sampleRate: number; // 0..1 of traces, chosen by a hash of the trace id (deterministic)
  filter: EvaluatorFilter;
  enabled: boolean;
  params: HeuristicParams;
  judge: JudgeSettings | null;
  createdAt: string; // ISO 8601
  updatedAt: string;
}

// Keys of a score's metadata that the evaluators write (ScoreRecord.metadata).
export const SCORE_METADATA = {
  evaluatorId: 'lookout.evaluator.id',
  criterion: 'lookout.evaluator.criterion',
  templateVersion: 'lookout.judge.template_version',
  judgeTraceId: 'lookout.judge.trace_id', // the judge's own call, a span of feature EVALUATION_FEATURE
  judgeCostUsd: 'lookout.judge.cost_usd',
  judgeModel: 'lookout.judge.model',
} as const;

// Key of a judge span's metadata naming the trace it judged: on every call the judge makes,
// whether or not a score came of it (an unreadable answer, a failed or retried call).
export const JUDGE_SUBJECT_METADATA_KEY = 'lookout.judge.subject_trace_id';

// Keys of a span's metadata the chain writes about quality (the guard drops clients' values).
export const QUALITY_METADATA = {
  // `true` when the output is a refusal (phrase set or a refusal finish reason).
  refusal: 'lookout.quality.refusal',
  // `<class>:<hash>` of the error class and the normalised message (D6 top issues).
  errorFingerprint: 'lookout.error.fingerprint',
  // Retrieval facts (D5): the best document score, the number of documents returned.
  retrievalTopScore: 'lookout.retrieval.top_score',
  retrievalDocuments: 'lookout.retrieval.documents',
  // `true` when an embedding's input was truncated to the model's limit.
  embeddingTruncated: 'lookout.embedding.truncated',
  // `hit` or `miss` on a span that is one lookup in an application-level cache (C6): a client's
  // cache span (`cache.hit`) or a gateway response-cache lookup (enrich/quality/app-cache.ts).
  appCacheLookup: 'lookout.app_cache.result',
} as const;

// The evaluators in force for a project, read on every batch (kept in memory by their owner).
export interface EvaluatorSource {
  evaluatorsOf(projectId: string): readonly Evaluator[];
}

// One evaluator tried on one trace ("try on this trace"): what it would score, and why.
export interface EvaluationTrial {
  evaluatorId: string;
  traceId: string;
  spanId: string | null;
  outcome: 'scored' | 'not_applicable' | 'failed';
  value: number | null; // 0..1
  reasoning: string | null;
  costUsd: number | null; // the judge's call; null for heuristics
  error: string | null;
}
