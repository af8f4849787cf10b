import { describe, expect, it } from 'vitest';
import { totalTokens } from '../../../domain/span.ts';
import { mapOtlpSpan } from './index.ts';
import { openLlmetryInputExcludesCache } from './openllmetry.ts';
import { otlpSpan, recording } from './testing.ts';

// Fixtures transcribed from traceloop/openllmetry (Python) and traceloop/openllmetry-js sources.

describe('OpenLLMetry / Traceloop', () => {
  it('recorded: @traceloop/instrumentation-anthropic 0.25.0 with @anthropic-ai/sdk 0.80 sends input without cache', () => {
    // The fake upstream answered usage {input_tokens: 12, cache_creation_input_tokens: 1000,
    // cache_read_input_tokens: 4000, output_tokens: 40}; the span says input_tokens = 12.
    const { spans } = recording('traceloop-instrumentation-anthropic-0.25.0.json');
    expect(spans[0].attributes['gen_ai.usage.input_tokens']).toBe(12);
    const rec = mapOtlpSpan(spans[0], 'p1', { captureContent: true });
    expect(rec).toMatchObject({ kind: 'generation', provider: 'anthropic', responseModel: 'claude-sonnet-4-5-20250929', finishReason: 'stop' });
    expect(rec.usage).toEqual({ input: 12, output: 40, cacheRead: 4000, cacheWrite: 1000, reasoning: 0, audio: 0 });
    expect(rec.metadata['lookout.usage.input_semantics']).toBe('exclusive');
    expect(rec.content?.output).toContain('Your order ships tomorrow.');
  });

  it('generation 1 (opentelemetry-instrumentation-openai 0.3, semconv-ai 0.0.x): llm.* names', () => {
    const rec = mapOtlpSpan(
      otlpSpan({
        name: 'openai.chat',
        kind: 3,
        scope: { name: 'opentelemetry.instrumentation.openai', version: '0.3.0' },
        attributes: {
          'llm.vendor': 'OpenAI',
          'llm.request.type': 'chat',
          'llm.request.model': 'gpt-3.5-turbo',
          'llm.response.model': 'gpt-3.5-turbo-0613',
          'llm.usage.prompt_tokens': 52,
          'llm.usage.completion_tokens': 11,
          'llm.usage.total_tokens': 63,
          'llm.temperature': 0.7,
          'llm.prompts.0.role': 'user',
          'llm.prompts.0.content': 'Tell me a joke',
          'llm.completions.0.role': 'assistant',
          'llm.completions.0.content': 'Why did the chicken...',
          'llm.completions.0.finish_reason': 'stop',
        },
      }),
      'p1',
      { captureContent: true },
    );
    expect(rec).toMatchObject({
      kind: 'generation',
      provider: 'openai',
      requestModel: 'gpt-3.5-turbo',
      responseModel: 'gpt-3.5-turbo-0613',
      finishReason: 'stop',
    });
    expect(rec.usage).toMatchObject({ input: 52, output: 11 });
    expect(JSON.parse(rec.content?.input ?? '[]')).toEqual([{ role: 'user', content: 'Tell me a joke' }]);
    expect(rec.metadata['llm.temperature']).toBe('0.7');
    expect(rec.metadata['llm.prompts.0.content']).toBeUndefined();
  });

  it('generation 2 (opentelemetry-instrumentation-anthropic 0.33, Python): summed input + cache_*_input_tokens', () => {
    // __init__.py since #2175: input_tokens = usage.input_tokens + cache_read + cache_creation,
    // written as gen_ai.usage.prompt_tokens; the cache counts under their deprecated names.
    const rec = mapOtlpSpan(
      otlpSpan({
        name: 'anthropic.chat',
        kind: 3,
        scope: { name: 'opentelemetry.instrumentation.anthropic', version: '0.33.9' },
        attributes: {
          'gen_ai.system': 'Anthropic',
          'llm.request.type': 'completion',
          'gen_ai.request.model': 'claude-3-5-sonnet-20241022',
          'gen_ai.response.model': 'claude-3-5-sonnet-20241022',
          'gen_ai.usage.prompt_tokens': 4015,
          'gen_ai.usage.completion_tokens': 250,
          'llm.usage.total_tokens': 4265,
          'gen_ai.usage.cache_read_input_tokens': 3000,
          'gen_ai.usage.cache_creation_input_tokens': 1000,
          'gen_ai.prompt.0.role': 'user',
          'gen_ai.prompt.0.content': 'Summarise the attached policy.',
          'gen_ai.completion.0.role': 'assistant',
          'gen_ai.completion.0.content': 'The policy says...',
          'gen_ai.completion.0.finish_reason': 'end_turn',
        },
      }),
      'p1',
    );
    expect(rec.provider).toBe('anthropic');
    expect(rec.usage).toEqual({ input: 15, output: 250, cacheRead: 3000, cacheWrite: 1000, reasoning: 0, audio: 0 });
    expect(totalTokens(rec.usage)).toBe(4265);
    expect(rec.finishReason).toBe('end_turn');
    expect(rec.content).toBeNull();
    expect(rec.promptHash).toMatch(/^[0-9a-f]{32}$/);
  });

  it('@traceloop/instrumentation-anthropic 0.23.0–0.27.0 (JS): raw input_tokens beside the cache counts', () => {
    // instrumentation.ts at openllmetry-js 643425a4 (#896, released 0.23.0) until #1028 (after 0.27.0):
    // gen_ai.usage.input_tokens = result.usage.input_tokens (Anthropic's, without cache).
    const attributes = {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.request.model': 'claude-sonnet-4-5',
      'gen_ai.response.model': 'claude-sonnet-4-5-20250929',
      'gen_ai.usage.input_tokens': 4100,
      'gen_ai.usage.output_tokens': 120,
      'gen_ai.usage.total_tokens': 4220,
      'gen_ai.usage.cache_read.input_tokens': 3000,
      'gen_ai.usage.cache_creation.input_tokens': 1000,
    };
    const before = mapOtlpSpan(otlpSpan({ kind: 3, scope: { name: '@traceloop/instrumentation-anthropic', version: '0.25.0' }, attributes }), 'p1');
    // 4100 uncached tokens: the numbers alone would have read them as 100 uncached + 4000 cached.
    expect(before.usage).toMatchObject({ input: 4100, cacheRead: 3000, cacheWrite: 1000, output: 120 });
    expect(before.metadata['lookout.usage.input_semantics']).toBe('exclusive');

    // After the fix (#1028) input_tokens includes the cache again.
    const after = mapOtlpSpan(
      otlpSpan({ kind: 3, scope: { name: '@traceloop/instrumentation-anthropic', version: '0.27.1' }, attributes: { ...attributes, 'gen_ai.usage.input_tokens': 8100 } }),
      'p1',
    );
    expect(after.usage).toMatchObject({ input: 4100, cacheRead: 3000, cacheWrite: 1000, output: 120 });
    expect(openLlmetryInputExcludesCache('@traceloop/instrumentation-anthropic', '0.22.6')).toBe(false);
    expect(openLlmetryInputExcludesCache('@traceloop/instrumentation-anthropic', '0.27.0')).toBe(true);
    expect(openLlmetryInputExcludesCache('@traceloop/instrumentation-openai', '0.25.0')).toBe(false);
  });

  it('generation 3 with OpenAI reasoning tokens (gen_ai.usage.reasoning_tokens inside completion tokens)', () => {
    const rec = mapOtlpSpan(
      otlpSpan({
        kind: 3,
        scope: { name: 'opentelemetry.instrumentation.openai', version: '0.47.0' },
        attributes: {
          'gen_ai.system': 'openai',
          'llm.request.type': 'chat',
          'gen_ai.request.model': 'o3-mini',
          'gen_ai.usage.input_tokens': 500,
          'gen_ai.usage.output_tokens': 900,
          'gen_ai.usage.reasoning_tokens': 700,
          'gen_ai.usage.cache_read_input_tokens': 0,
          'llm.usage.total_tokens': 1400,
        },
      }),
      'p1',
    );
    expect(rec.usage).toEqual({ input: 500, output: 200, cacheRead: 0, cacheWrite: 0, reasoning: 700, audio: 0 });
  });

  it('workflow and task spans: kind, entity input/output, association properties', () => {
    // traceloop-sdk decorators: @workflow / @task, withAssociationProperties({user_id, session_id, ...}).
    const rec = mapOtlpSpan(
      otlpSpan({
        name: 'answer_question.workflow',
        scope: { name: '@traceloop/node-server-sdk', version: '0.22.0' },
        attributes: {
          'traceloop.span.kind': 'workflow',
          'traceloop.workflow.name': 'answer_question',
          'traceloop.entity.name': 'answer_question',
          'traceloop.entity.input': '{"args":["How do refunds work?"]}',
          'traceloop.entity.output': '"Refunds take 5 days."',
          'traceloop.association.properties.user_id': 'u-42',
          'traceloop.association.properties.session_id': 's-9',
          'traceloop.association.properties.team': 'support',
          'traceloop.association.properties.customer_id': 'acme',
        },
      }),
      'p1',
      { captureContent: true },
    );
    expect(rec.kind).toBe('chain');
    expect(rec.attribution).toMatchObject({ userId: 'u-42', sessionId: 's-9', team: 'support' });
    expect(rec.metadata).toMatchObject({ customer_id: 'acme', 'traceloop.workflow.name': 'answer_question' });
    expect(rec.content).toEqual({ input: '{"args":["How do refunds work?"]}', output: '"Refunds take 5 days."' });

    const kinds = ['task', 'agent', 'tool'].map(
      (k) => mapOtlpSpan(otlpSpan({ attributes: { 'traceloop.span.kind': k } }), 'p1').kind,
    );
    expect(kinds).toEqual(['chain', 'agent', 'tool']);
    expect(mapOtlpSpan(otlpSpan({ attributes: { 'llm.request.type': 'embedding' } }), 'p1').kind).toBe('embedding');
  });

  it('vector database queries become retrievals (opentelemetry-instrumentation-pinecone/chromadb 0.4x)', () => {
    const rec = mapOtlpSpan(
      otlpSpan({
        name: 'pinecone.query',
        kind: 3,
        attributes: { 'db.system': 'pinecone', 'db.operation': 'query', 'db.vector.query.top_k': 3 },
        events: [0.71, 0.93, 0.88].map((score, i) => ({
          name: 'db.query.result',
          timeUnixNano: '1767323045100000000',
          attributes: { 'db.query.result.id': `doc-${i}`, 'db.query.result.score': score },
        })),
      }),
      'p1',
    );
    expect(rec.kind).toBe('retrieval');
    expect(rec.metadata).toMatchObject({ 'retrieval.result_count': '3', 'retrieval.top_score': '0.93', 'db.system': 'pinecone' });
  });
});
