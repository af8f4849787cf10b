import type { PromptIdentity } from '../../../domain/prompt-identity.ts';
import type { Attribution, SpanKind } from '../../../domain/span.ts';

// What one convention read from a span, before the conventions are merged. Every field is
// optional: a convention says only what it knows. index.ts merges the extractions in precedence
// order (first defined value wins, field by field; usage is taken whole from one convention).

export interface MapOptions {
  // Store prompt/response text (content) and query text. Hashes are kept either way.
  captureContent: boolean;
  // How events attached on the read path hash text: the project's keyed hash, so that a span
  // shows the hash ingest would have stored. Ingest leaves it out; the pipeline keys the digests.
  hash?: (text: string) => string;
  // Told how many attributes of one span or log were withheld below `full` capture (strings under
  // names no convention knows), for the operators' counter.
  onWithheld?: (count: number) => void;
}

// Token counts exactly as a convention reported them, with what the convention says about overlap.
// 'auto' means the convention's emitters disagree (by version or provider) and the numbers decide:
// see resolveUsage in buckets.ts.
export interface UsageReport {
  source: string; // the convention the counts came from, e.g. 'genai'
  input?: number;
  output?: number;
  cacheRead?: number;
  cacheWrite?: number;
  reasoning?: number;
  audio?: number; // input audio
  total?: number; // only a consistency hint, never charged
  inputIncludesCache: boolean | 'auto';
  outputIncludesReasoning: boolean | 'auto';
}

export interface Extraction {
  convention: string;
  kind?: SpanKind;
  // A kind guessed from attribute shapes rather than declared; used only when no convention declares one.
  kindHint?: SpanKind;
  provider?: string;
  requestModel?: string;
  responseModel?: string;
  usage?: UsageReport;
  // USD the caller says the call cost (the provider's bill): stored as provider_reported, not priced.
  reportedCostUsd?: number;
  finishReason?: string;
  ttftMs?: number;
  attribution?: Partial<Attribution>;
  tags?: string[];
  // Fields this convention derived (retrieval.top_score, embedding.dimensions, ...): stored as given.
  metadata?: Record<string, string>;
  // Maps the user attached (Langfuse metadata, OpenInference `metadata`, ai.telemetry.metadata.*):
  // stored under their own keys and searched for feature/team/department as a last resort.
  userMetadata?: Record<string, string>;
  input?: string;
  output?: string;
  // The prompt the call was made from; merged field by field, first defined wins (the variables
  // and the template are content: stored only under full capture).
  prompt?: PromptIdentity;
  errorType?: string;
  errorMessage?: string;
  failed?: boolean; // the convention marks the span failed even when the OTLP status does not
  httpStatus?: number;
  exceptionType?: string;
  exceptionMessage?: string;
  requestId?: string;
  // Defaults from the resource (service.name, deployment.environment.name): used only when no
  // span attribute or user metadata names the dimension.
  attributionDefaults?: Partial<Attribution>;
}

export const EXTRACTION_FIELDS_FIRST_WINS = [
  'kind',
  'provider',
  'requestModel',
  'responseModel',
  'finishReason',
  'ttftMs',
  'input',
  'output',
  'errorType',
  'errorMessage',
  'httpStatus',
  'exceptionType',
  'exceptionMessage',
  'requestId',
  'reportedCostUsd',
] as const;
