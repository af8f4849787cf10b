import { describe, expect, it } from 'vitest';
import { QUALITY_METADATA } from '../../domain/quality.ts';
import type { SpanRecord } from '../../domain/span.ts';
import { spanFromItem } from '../../ingest/api/map.ts';
import { spanItemSchema } from '../../ingest/api/schema.ts';
import { mapOtlpSpan } from '../../ingest/otlp/conventions/index.ts';
import { otlpSpan } from '../../ingest/otlp/conventions/testing.ts';
import { emptyUsage } from '../../domain/span.ts';
import { makeSpan } from '../../testing/fixtures.ts';
import { ProcessorChain } from '../chain.ts';
import { GuardProcessor } from '../security/guard.ts';
import { catalogInputLimit, embeddingTruncated, RetrievalFactsProcessor } from './retrieval.ts';

// What the chain leaves on a span: the guard first (it drops clients' values under Lookout's
// keys), then the processor under test, as in enrich/ingest-chain.ts.
function chained(span: SpanRecord, limitOf = catalogInputLimit): Record<string, string> {
  new ProcessorChain([new GuardProcessor(), new RetrievalFactsProcessor(limitOf)]).run({ spans: [span], scores: [], logs: [] });
  return span.metadata;
}

const facts = (m: Record<string, string>) => ({
  top: m[QUALITY_METADATA.retrievalTopScore],
  docs: m[QUALITY_METADATA.retrievalDocuments],
  truncated: m[QUALITY_METADATA.embeddingTruncated],
});

describe('retrieval facts from every way they arrive', () => {
  it('OpenInference RETRIEVER spans: retrieval.documents.N.document.score', () => {
    const span = mapOtlpSpan(
      otlpSpan({
        attributes: {
          'openinference.span.kind': 'RETRIEVER',
          'input.value': 'how do refunds work',
          'retrieval.documents.0.document.score': 0.42,
          'retrieval.documents.1.document.score': 0.77,
          'retrieval.documents.2.document.score': '0.61',
        },
      }),
      'p1',
    );
    expect(facts(chained(span))).toEqual({ top: '0.77', docs: '3', truncated: undefined });
  });

  it('OpenLLMetry vector database queries: db.query.result events, or db.vector.query.top_score', () => {
    const events = [0.71, 0.93, 0.88].map((score, i) => ({ name: 'db.query.result', timeUnixNano: '1767323045100000000', attributes: { 'db.query.result.id': `d${i}`, 'db.query.result.score': score } }));
    const fromEvents = mapOtlpSpan(otlpSpan({ name: 'pinecone.query', kind: 3, attributes: { 'db.system': 'pinecone', 'db.operation': 'query' }, events }), 'p1');
    expect(facts(chained(fromEvents))).toEqual({ top: '0.93', docs: '3', truncated: undefined });
    const fromAttributes = mapOtlpSpan(otlpSpan({ attributes: { 'db.system': 'qdrant', 'db.vector.query.result_count': 5, 'db.vector.query.top_score': 0.55 } }), 'p1');
    expect(facts(chained(fromAttributes))).toEqual({ top: '0.55', docs: '5', truncated: undefined });
  });

  it('GenAI semantic conventions: gen_ai.retrieval.documents', () => {
    const span = mapOtlpSpan(
      otlpSpan({ attributes: { 'gen_ai.operation.name': 'retrieval', 'gen_ai.retrieval.documents': '[{"id":"d1","score":0.82},{"id":"d2","score":0.91}]' } }),
      'p1',
    );
    expect(facts(chained(span))).toEqual({ top: '0.91', docs: '2', truncated: undefined });
  });

  it('seed 004 attributes over OTLP and as native API metadata (retrieval.top_score, retrieval.num_results)', () => {
    const otlp = mapOtlpSpan(otlpSpan({ name: 'retrieval.search', attributes: { 'retrieval.index': 'kb', 'retrieval.num_results': 4, 'retrieval.top_score': 0.38 } }), 'p1');
    expect(otlp.kind).toBe('retrieval');
    expect(facts(chained(otlp))).toEqual({ top: '0.38', docs: '4', truncated: undefined });
    const item = spanItemSchema.parse({ type: 'span', kind: 'retrieval', startTime: Date.now(), metadata: { 'retrieval.top_score': 0.64, 'retrieval.num_results': 6 } });
    expect(facts(chained(spanFromItem(item, 'p1')))).toEqual({ top: '0.64', docs: '6', truncated: undefined });
  });

  it("a client cannot set Lookout's keys: they are dropped, and set again from the raw facts only", () => {
    const claimed = makeSpan({ kind: 'retrieval', metadata: { [QUALITY_METADATA.retrievalTopScore]: '0.99', [QUALITY_METADATA.retrievalDocuments]: '7' } });
    expect(facts(chained(claimed))).toEqual({ top: undefined, docs: undefined, truncated: undefined });
    const both = makeSpan({ kind: 'retrieval', metadata: { [QUALITY_METADATA.retrievalTopScore]: '0.99', 'retrieval.top_score': '0.2' } });
    expect(facts(chained(both)).top).toBe('0.2');
    const embedding = makeSpan({ kind: 'embedding', metadata: { [QUALITY_METADATA.embeddingTruncated]: 'false' } });
    expect(facts(chained(embedding)).truncated).toBeUndefined();
  });

  it('ignores what is not a retrieval fact: other kinds, unreadable numbers, implausible counts', () => {
    // The answering call of a RAG trace may repeat the score; only the retrieval span counts.
    expect(facts(chained(makeSpan({ kind: 'generation', metadata: { 'retrieval.top_score': '0.8', 'retrieval.result_count': '3' } })))).toEqual({ top: undefined, docs: undefined, truncated: undefined });
    expect(facts(chained(makeSpan({ kind: 'retrieval', metadata: { 'retrieval.top_score': 'high', 'retrieval.result_count': '2.5' } })))).toEqual({ top: undefined, docs: undefined, truncated: undefined });
    expect(facts(chained(makeSpan({ kind: 'retrieval', metadata: { 'retrieval.top_score': 'NaN', 'retrieval.result_count': '-1' } })))).toEqual({ top: undefined, docs: undefined, truncated: undefined });
    // A retrieval that found nothing returned 0 documents and has no top score.
    expect(facts(chained(makeSpan({ kind: 'retrieval', metadata: { 'retrieval.result_count': '0' } })))).toEqual({ top: undefined, docs: '0', truncated: undefined });
  });
});

describe('embedding truncation', () => {
  const embedding = (over: Partial<SpanRecord>) => makeSpan({ kind: 'embedding', provider: 'openai', requestModel: 'text-embedding-3-small', usage: { ...emptyUsage(), input: 100 }, ...over });

  it('an explicit flag wins (seed 004 embedding.truncated, over OTLP and the native API)', () => {
    const otlp = mapOtlpSpan(otlpSpan({ attributes: { 'embedding.model': 'text-embedding-3-small', 'embedding.num_inputs': 1, 'embedding.truncated': true } }), 'p1');
    expect(otlp.kind).toBe('embedding');
    expect(facts(chained(otlp)).truncated).toBe('true');
    expect(facts(chained(embedding({ metadata: { 'embedding.truncated': 'false', 'embedding.input_count': '1' }, usage: { ...emptyUsage(), input: 9_000 } }))).truncated).toBe('false');
  });

  it("input tokens reaching the model's input limit (the catalog's, within 1%) when the number of inputs is known", () => {
    // text-embedding-3-small: the catalog lists 8,192 input tokens; the API takes 8,191.
    expect(catalogInputLimit('openai', 'text-embedding-3-small')).toBe(8_192);
    expect(facts(chained(embedding({ metadata: { 'embedding.input_count': '1' }, usage: { ...emptyUsage(), input: 8_191 } }))).truncated).toBe('true');
    expect(facts(chained(embedding({ metadata: { 'embedding.input_count': '1' }, usage: { ...emptyUsage(), input: 7_000 } }))).truncated).toBe('false');
    // A batch of three sums its inputs: 9,000 tokens over three inputs is no input at the limit.
    expect(facts(chained(embedding({ metadata: { 'embedding.input_count': '3' }, usage: { ...emptyUsage(), input: 9_000 } }))).truncated).toBe('false');
    expect(facts(chained(embedding({ metadata: { 'embedding.input_count': '3' }, usage: { ...emptyUsage(), input: 24_576 } }))).truncated).toBe('true');
  });

  it('unknown without a flag, a known input count, tokens or a known limit', () => {
    expect(facts(chained(embedding({ usage: { ...emptyUsage(), input: 9_000 } }))).truncated).toBeUndefined();
    expect(facts(chained(embedding({ metadata: { 'embedding.input_count': '1' }, usage: emptyUsage() }))).truncated).toBeUndefined();
    expect(facts(chained(embedding({ requestModel: 'in-house-embedder', metadata: { 'embedding.input_count': '1' } }))).truncated).toBeUndefined();
    expect(embeddingTruncated(embedding({ metadata: { 'embedding.input_count': '1' }, usage: { ...emptyUsage(), input: 512 } }), () => 512)).toBe(true);
  });
});
