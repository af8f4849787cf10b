import { describe, expect, it } from 'vitest';
import { mapOtlpSpan } from './index.ts';
import { otlpSpan } from './testing.ts';

describe("Lookout's own attributes and seed 004", () => {
  it('maps every attribution dimension, tags, metadata, request id and kind', () => {
    const rec = mapOtlpSpan(
      otlpSpan({
        attributes: {
          'lookout.user.id': 'u-1',
          'lookout.session.id': 's-1',
          'lookout.feature': 'search',
          'lookout.team': 'growth',
          'lookout.department': 'product',
          'lookout.tags': ['beta', 'canary'],
          'lookout.metadata.experiment': 'rerank-v2',
          'lookout.metadata.attempt': 2,
          'lookout.request.id': 'req-123',
          'lookout.span.kind': 'retrieval',
        },
        resource: { 'service.name': 'search-api', 'deployment.environment.name': 'production', 'lookout.application': 'web-shop' },
      }),
      'p1',
    );
    expect(rec.attribution).toEqual({
      userId: 'u-1',
      sessionId: 's-1',
      feature: 'search',
      team: 'growth',
      department: 'product',
      application: 'web-shop', // lookout.application on the resource beats service.name
      environment: 'production',
    });
    expect(rec).toMatchObject({ kind: 'retrieval', requestId: 'req-123', tags: ['beta', 'canary'] });
    expect(rec.metadata).toMatchObject({ experiment: 'rerank-v2', attempt: '2' });
    expect(rec.metadata['lookout.user.id']).toBeUndefined();
  });

  it('falls back to service.name and deployment.environment, ignoring the SDK default service name', () => {
    const withService = mapOtlpSpan(otlpSpan({ attributes: {}, resource: { 'service.name': 'billing', 'deployment.environment': 'dev' } }), 'p1');
    expect(withService.attribution).toMatchObject({ application: 'billing', environment: 'dev' });
    const unknown = mapOtlpSpan(otlpSpan({ attributes: {}, resource: { 'service.name': 'unknown_service:node' } }), 'p1');
    expect(unknown.attribution.application).toBeNull();
  });

  it('Lookout attributes win over every other convention', () => {
    const rec = mapOtlpSpan(
      otlpSpan({
        attributes: {
          'lookout.user.id': 'from-lookout',
          'langfuse.user.id': 'from-langfuse',
          'user.id': 'from-otel',
          'ai.telemetry.metadata.userId': 'from-ai-sdk',
          'traceloop.association.properties.user_id': 'from-traceloop',
          'lookout.session.id': 'sess-lookout',
          'gen_ai.conversation.id': 'conv-genai',
        },
      }),
      'p1',
    );
    expect(rec.attribution).toMatchObject({ userId: 'from-lookout', sessionId: 'sess-lookout' });
    // The losers are consumed by their conventions, not repeated in metadata.
    expect(rec.metadata['langfuse.user.id']).toBeUndefined();
  });

  it('seed 004 retrieval helper: index, query (hash unless capture is on), result count, top score', () => {
    const attributes = {
      'retrieval.index': 'kb-support',
      'retrieval.query': 'how do refunds work',
      'retrieval.num_results': 5,
      'retrieval.top_score': 0.83,
    };
    const off = mapOtlpSpan(otlpSpan({ name: 'retrieval.search', kind: 3, attributes }), 'p1');
    expect(off.kind).toBe('retrieval');
    expect(off.metadata).toMatchObject({ 'retrieval.index': 'kb-support', 'retrieval.result_count': '5', 'retrieval.top_score': '0.83' });
    expect(off.metadata['retrieval.query']).toBeUndefined();
    expect(off.metadata['retrieval.query_hash']).toMatch(/^[0-9a-f]{32}$/);
    expect(off.content).toBeNull();
    const on = mapOtlpSpan(otlpSpan({ kind: 3, attributes: { ...attributes, 'retrieval.query': 'x'.repeat(900) } }), 'p1', { captureContent: true });
    expect(on.metadata['retrieval.query']).toHaveLength(501); // seed 004 keeps 500 characters (+ ellipsis)
  });

  it('seed 004 embedding helper: model, dimensions, input count, truncation', () => {
    const rec = mapOtlpSpan(
      otlpSpan({
        name: 'embedding.generate',
        attributes: {
          'embedding.model': 'text-embedding-3-large',
          'embedding.dimensions': 3072,
          'embedding.num_inputs': 16,
          'embedding.truncated': true,
          'gen_ai.usage.input_tokens': 4000,
        },
      }),
      'p1',
    );
    expect(rec).toMatchObject({ kind: 'embedding', requestModel: 'text-embedding-3-large' });
    expect(rec.usage.input).toBe(4000);
    expect(rec.metadata).toMatchObject({ 'embedding.dimensions': '3072', 'embedding.input_count': '16', 'embedding.truncated': 'true' });
  });
});
