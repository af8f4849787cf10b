import { describe, expect, it } from 'vitest';
import { totalTokens } from '../../../domain/span.ts';
import { mapOtlpSpan } from './index.ts';
import { otlpSpan } from './testing.ts';

// Fixtures transcribed from the emitting source (attribute names and value shapes as the code sets
// them); the package and version are named on each.

describe('OpenTelemetry GenAI semantic conventions', () => {
  it('maps an OpenAI chat span (opentelemetry-instrumentation-openai-v2 2.x, patch.py)', () => {
    const span = otlpSpan({
      name: 'chat gpt-4o-mini',
      kind: 3,
      scope: { name: 'opentelemetry.instrumentation.openai_v2', version: '2.3b0' },
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.system': 'openai',
        'gen_ai.request.model': 'gpt-4o-mini',
        'gen_ai.request.temperature': 0.2,
        'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
        'gen_ai.response.id': 'chatcmpl-AbC123',
        'gen_ai.response.finish_reasons': ['stop'],
        'gen_ai.usage.input_tokens': 1200,
        'gen_ai.usage.output_tokens': 80,
        'gen_ai.usage.cache_read.input_tokens': 1024,
        'gen_ai.openai.response.service_tier': 'default',
        'server.address': 'api.openai.com',
      },
    });
    const rec = mapOtlpSpan(span, 'p1');
    expect(rec).toMatchObject({
      kind: 'generation',
      provider: 'openai',
      requestModel: 'gpt-4o-mini',
      responseModel: 'gpt-4o-mini-2024-07-18',
      finishReason: 'stop',
      status: 'ok',
      errorClass: null,
    });
    // Inclusive input: 1200 prompt tokens of which 1024 cached → 176 uncached + 1024 cache reads.
    expect(rec.usage).toEqual({ input: 176, output: 80, cacheRead: 1024, cacheWrite: 0, reasoning: 0, audio: 0 });
    expect(rec.metadata).toMatchObject({
      'gen_ai.request.temperature': '0.2',
      'gen_ai.response.id': 'chatcmpl-AbC123',
      'gen_ai.operation.name': 'chat',
      'server.address': 'api.openai.com',
      'lookout.usage.source': 'genai',
      'lookout.usage.input_semantics': 'inclusive:assumed',
      'otel.scope.name': 'opentelemetry.instrumentation.openai_v2',
    });
    expect(rec.attribution.application).toBe('support-bot');
  });

  it('reads the deprecated names: gen_ai.system, prompt_tokens, completion_tokens, cache_*_input_tokens, reasoning_tokens', () => {
    const rec = mapOtlpSpan(
      otlpSpan({
        attributes: {
          'gen_ai.system': 'anthropic',
          'gen_ai.request.model': 'claude-3-5-sonnet-20241022',
          'gen_ai.usage.prompt_tokens': 5100, // = 100 uncached + 4000 read + 1000 written (semconv: included)
          'gen_ai.usage.completion_tokens': 300,
          'gen_ai.usage.cache_read_input_tokens': 4000,
          'gen_ai.usage.cache_creation_input_tokens': 1000,
          'gen_ai.usage.reasoning_tokens': 120,
        },
      }),
      'p1',
    );
    expect(rec.kind).toBe('generation'); // no operation name: model + usage → a model call
    expect(rec.provider).toBe('anthropic');
    expect(rec.usage).toEqual({ input: 100, output: 180, cacheRead: 4000, cacheWrite: 1000, reasoning: 120, audio: 0 });
    expect(totalTokens(rec.usage)).toBe(5400);
  });

  it('follows the Anthropic semconv page: input_tokens = input + cache_read + cache_creation', () => {
    // gen_ai.provider.name = anthropic, current names; values from the spec's own formula.
    const rec = mapOtlpSpan(
      otlpSpan({
        kind: 3,
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': 'anthropic',
          'gen_ai.request.model': 'claude-sonnet-4-5',
          'gen_ai.usage.input_tokens': 2550,
          'gen_ai.usage.output_tokens': 180,
          'gen_ai.usage.cache_read.input_tokens': 2000,
          'gen_ai.usage.cache_creation.input_tokens': 500,
          'gen_ai.usage.reasoning.output_tokens': 60,
        },
      }),
      'p1',
    );
    expect(rec.usage).toEqual({ input: 50, output: 120, cacheRead: 2000, cacheWrite: 500, reasoning: 60, audio: 0 });
    expect(totalTokens(rec.usage)).toBe(2550 + 180);
  });

  it('never charges cached tokens twice when an unknown emitter sends input without them', () => {
    // Anthropic's raw numbers under GenAI names (input_tokens excludes 4000 + 1000 cached).
    const rec = mapOtlpSpan(
      otlpSpan({
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': 'anthropic',
          'gen_ai.request.model': 'claude-sonnet-4-5',
          'gen_ai.usage.input_tokens': 12,
          'gen_ai.usage.output_tokens': 300,
          'gen_ai.usage.cache_read.input_tokens': 4000,
          'gen_ai.usage.cache_creation.input_tokens': 1000,
        },
      }),
      'p1',
    );
    expect(rec.usage).toMatchObject({ input: 12, cacheRead: 4000, cacheWrite: 1000, output: 300 });
    expect(rec.metadata['lookout.usage.input_semantics']).toBe('exclusive:inferred');
  });

  it('reads cache writes under the name @anthropic-ai/sdk 1.x spans use', () => {
    // The client's own span (scope com.anthropic.sdk.typescript): semconv input including the cache.
    const rec = mapOtlpSpan(
      otlpSpan({
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': 'anthropic',
          'gen_ai.request.model': 'claude-sonnet-4-5',
          'gen_ai.usage.input_tokens': 5012,
          'gen_ai.usage.output_tokens': 300,
          'gen_ai.usage.cache_read.input_tokens': 4000,
          'gen_ai.usage.cache_write.input_tokens': 1000,
        },
      }),
      'p1',
    );
    expect(rec.usage).toMatchObject({ input: 12, cacheRead: 4000, cacheWrite: 1000, output: 300 });
  });

  it('detects exclusive input from a total that sums the cache separately', () => {
    const rec = mapOtlpSpan(
      otlpSpan({
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.request.model': 'anthropic.claude-3-haiku',
          'gen_ai.usage.input_tokens': 3000,
          'gen_ai.usage.output_tokens': 100,
          'gen_ai.usage.cache_read.input_tokens': 2000,
          'gen_ai.usage.total_tokens': 5100,
        },
      }),
      'p1',
    );
    expect(rec.usage).toMatchObject({ input: 3000, cacheRead: 2000, output: 100 });
  });

  it('maps embeddings, tools, agents and retrieval by operation name', () => {
    const kinds = ['embeddings', 'execute_tool', 'invoke_agent', 'create_agent', 'retrieval', 'text_completion', 'generate_content'].map(
      (op) => mapOtlpSpan(otlpSpan({ attributes: { 'gen_ai.operation.name': op } }), 'p1').kind,
    );
    expect(kinds).toEqual(['embedding', 'tool', 'agent', 'agent', 'retrieval', 'generation', 'generation']);

    const emb = mapOtlpSpan(
      otlpSpan({
        kind: 3,
        attributes: {
          'gen_ai.operation.name': 'embeddings',
          'gen_ai.provider.name': 'openai',
          'gen_ai.request.model': 'text-embedding-3-small',
          'gen_ai.embeddings.dimension.count': 512,
          'gen_ai.usage.input_tokens': 42,
        },
      }),
      'p1',
    );
    expect(emb.usage.input).toBe(42);
    expect(emb.metadata['embedding.dimensions']).toBe('512');

    const ret = mapOtlpSpan(
      otlpSpan({
        attributes: {
          'gen_ai.operation.name': 'retrieval',
          'gen_ai.data_source.id': 'kb-support',
          'gen_ai.retrieval.query.text': 'refund policy',
          'gen_ai.retrieval.documents': '[{"id":"d1","score":0.82},{"id":"d2","score":0.91}]',
        },
      }),
      'p1',
    );
    expect(ret.metadata).toMatchObject({ 'retrieval.index': 'kb-support', 'retrieval.result_count': '2', 'retrieval.top_score': '0.91' });
    expect(ret.metadata['retrieval.query']).toBeUndefined(); // content capture off: only its hash
    expect(ret.metadata['retrieval.query_hash']).toMatch(/^[0-9a-f]{32}$/);
    expect(ret.metadata['gen_ai.retrieval.documents']).toBeUndefined();
  });

  it('does not charge in-process agent spans, only the model calls under them (@ai-sdk/otel 1.x GenAI format)', () => {
    // @ai-sdk/otel open-telemetry.ts: root span INTERNAL `invoke_agent` with the summed usage,
    // child CLIENT `chat` span per model call.
    const usage = { 'gen_ai.usage.input_tokens': 900, 'gen_ai.usage.output_tokens': 90 };
    const root = mapOtlpSpan(
      otlpSpan({
        kind: 1,
        scope: { name: 'gen_ai', version: '' },
        attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4o', ...usage },
      }),
      'p1',
    );
    const call = mapOtlpSpan(
      otlpSpan({
        kind: 3,
        scope: { name: 'gen_ai', version: '' },
        attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4o', ...usage },
      }),
      'p1',
    );
    expect(root.kind).toBe('agent');
    expect(totalTokens(root.usage)).toBe(0);
    expect(root.metadata['lookout.usage.reported.input']).toBe('900');
    expect(totalTokens(call.usage)).toBe(990);

    // A remote agent (CLIENT span, e.g. a hosted assistants API) is the only place its tokens appear.
    const remote = mapOtlpSpan(
      otlpSpan({ kind: 3, attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.request.model': 'gpt-4o', ...usage } }),
      'p1',
    );
    expect(totalTokens(remote.usage)).toBe(990);
  });

  it('reads time to first chunk in seconds and the error type', () => {
    const rec = mapOtlpSpan(
      otlpSpan({
        kind: 3,
        status: { code: 2, message: '' },
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.request.model': 'gpt-4o',
          'gen_ai.response.time_to_first_chunk': 0.25,
          'error.type': 'RateLimitError',
        },
      }),
      'p1',
    );
    expect(rec.ttftMs).toBe(250);
    expect(rec).toMatchObject({ status: 'error', errorClass: 'rate_limit', errorMessage: 'RateLimitError' });
  });

  it('keeps message content only when capture is on, and hashes it either way', () => {
    const attributes = {
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.system_instructions': '[{"type":"text","content":"Be brief."}]',
      'gen_ai.input.messages': '[{"role":"user","parts":[{"type":"text","content":"Weather in Paris?"}]}]',
      'gen_ai.output.messages': '[{"role":"assistant","parts":[{"type":"text","content":"Rainy."}],"finish_reason":"stop"}]',
    };
    const off = mapOtlpSpan(otlpSpan({ attributes }), 'p1', { captureContent: false });
    const on = mapOtlpSpan(otlpSpan({ attributes }), 'p1', { captureContent: true });
    expect(off.content).toBeNull();
    expect(off.promptHash).toMatch(/^[0-9a-f]{32}$/);
    expect(off.promptHash).toBe(on.promptHash);
    expect(off.responseHash).toBe(on.responseHash);
    for (const key of Object.keys(attributes).filter((k) => k !== 'gen_ai.operation.name')) {
      if (key !== 'gen_ai.request.model') expect(off.metadata[key]).toBeUndefined();
    }
    const input = JSON.parse(on.content?.input ?? 'null') as { role: string }[];
    expect(input.map((m) => m.role)).toEqual(['system', 'user']);
    expect(on.content?.output).toContain('Rainy.');
  });

  it('reads 2024 content span events (gen_ai.content.prompt / gen_ai.content.completion)', () => {
    const rec = mapOtlpSpan(
      otlpSpan({
        attributes: { 'gen_ai.operation.name': 'chat' },
        events: [
          { name: 'gen_ai.content.prompt', timeUnixNano: '1767323045100000000', attributes: { 'gen_ai.prompt': '[{"role":"user","content":"hi"}]' } },
          { name: 'gen_ai.content.completion', timeUnixNano: '1767323045200000000', attributes: { 'gen_ai.completion': '[{"role":"assistant","content":"hello"}]' } },
        ],
      }),
      'p1',
      { captureContent: true },
    );
    expect(rec.content).toEqual({ input: '[{"role":"user","content":"hi"}]', output: '[{"role":"assistant","content":"hello"}]' });
  });
});
