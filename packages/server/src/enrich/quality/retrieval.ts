import { QUALITY_METADATA } from '../../domain/quality.ts';
import { effectiveModel, type SpanRecord } from '../../domain/span.ts';
import type { ChainBatch, Processor } from '../chain.ts';
import { findCatalogModel } from '../pricing/catalog.ts';

// D5: the retrieval and embedding facts the drift rollups count, written once on the span under
// Lookout's own keys (QUALITY_METADATA) so that every reader — the rollups, both stores' SQL, the
// API — reads one spelling. The conventions at the edge already bring each instrumentation's
// facts to one set of metadata names (ingest/otlp/conventions: OpenInference's
// retrieval.documents.N.document.score, OpenLLMetry's db.vector.query.* and db.query.result
// events, the GenAI gen_ai.retrieval.documents, seed 004's retrieval.top_score /
// retrieval.num_results / embedding.truncated); native API clients send the same names as span
// metadata. The guard has dropped any client value under Lookout's keys before this runs.

// Metadata a retrieval's facts are read from, first present wins.
export const TOP_SCORE_KEYS = ['retrieval.top_score'] as const;
export const DOCUMENT_COUNT_KEYS = ['retrieval.result_count', 'retrieval.num_results'] as const;
export const TRUNCATED_KEYS = ['embedding.truncated'] as const;
export const INPUT_COUNT_KEYS = ['embedding.input_count', 'embedding.num_inputs'] as const;

// A catalog's input limit is read as reached within this share of it: catalogs round limits
// (8,192 listed for a model whose API takes 8,191), and a client truncating with its own
// tokenizer may stop a few tokens short of the provider's count.
export const LIMIT_REACHED_SHARE = 0.99;
// A count of documents above this is not a retrieval's (a malformed value), and is ignored.
export const MAX_DOCUMENTS = 100_000;

function firstOf(metadata: Record<string, string>, keys: readonly string[]): string | undefined {
  for (const k of keys) {
    const v = metadata[k];
    if (v !== undefined && v.trim() !== '') return v.trim();
  }
  return undefined;
}

function finite(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

function wholeCount(text: string | undefined, max: number): number | undefined {
  const n = finite(text);
  return n !== undefined && Number.isInteger(n) && n >= 0 && n <= max ? n : undefined;
}

export interface RetrievalFacts {
  topScore?: number;
  documents?: number;
}

export function retrievalFacts(s: Pick<SpanRecord, 'metadata'>): RetrievalFacts {
  const out: RetrievalFacts = {};
  const top = finite(firstOf(s.metadata, TOP_SCORE_KEYS));
  if (top !== undefined) out.topScore = top;
  const docs = wholeCount(firstOf(s.metadata, DOCUMENT_COUNT_KEYS), MAX_DOCUMENTS);
  if (docs !== undefined) out.documents = docs;
  return out;
}

// The input limit of an embedding model, or null when the catalog does not know it.
export type InputLimitOf = (provider: string | null, model: string) => number | null;

export const catalogInputLimit: InputLimitOf = (provider, model) => findCatalogModel(provider, model)?.contextWindow ?? null;

// Whether an embedding's input was truncated: an explicit flag wins; otherwise the input tokens
// against the model's limit, when the number of inputs is known (a batch's tokens are summed
// over its inputs, so only every input at the limit says that each was cut). Null: unknown.
export function embeddingTruncated(s: Pick<SpanRecord, 'metadata' | 'usage' | 'provider' | 'requestModel' | 'responseModel'>, limitOf: InputLimitOf): boolean | null {
  const flag = firstOf(s.metadata, TRUNCATED_KEYS)?.toLowerCase();
  if (flag === 'true' || flag === 'false') return flag === 'true';
  const inputs = wholeCount(firstOf(s.metadata, INPUT_COUNT_KEYS), Number.MAX_SAFE_INTEGER);
  const model = effectiveModel(s);
  if (inputs === undefined || inputs < 1 || model === null) return null;
  const tokens = s.usage.input + s.usage.cacheRead + s.usage.cacheWrite;
  if (tokens <= 0) return null;
  const limit = limitOf(s.provider, model);
  if (limit === null || limit <= 0) return null;
  return tokens >= inputs * limit * LIMIT_REACHED_SHARE;
}

export class RetrievalFactsProcessor implements Processor {
  readonly name = 'retrieval-facts';
  private readonly limitOf: InputLimitOf;

  constructor(limitOf: InputLimitOf = catalogInputLimit) {
    this.limitOf = limitOf;
  }

  process(batch: ChainBatch): void {
    for (const s of batch.spans) {
      if (s.kind === 'retrieval') {
        const facts = retrievalFacts(s);
        if (facts.topScore !== undefined) s.metadata[QUALITY_METADATA.retrievalTopScore] = String(facts.topScore);
        if (facts.documents !== undefined) s.metadata[QUALITY_METADATA.retrievalDocuments] = String(facts.documents);
      } else if (s.kind === 'embedding') {
        const truncated = embeddingTruncated(s, this.limitOf);
        if (truncated !== null) s.metadata[QUALITY_METADATA.embeddingTruncated] = String(truncated);
      }
    }
  }
}
