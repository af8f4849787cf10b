import { describe, expect, it } from 'vitest';
import { totalTokens, type SpanRecord } from '../../../domain/span.ts';
import { mapOtlpSpan } from './index.ts';
import { otlpSpan, recording } from './testing.ts';
import { vercelKind, vercelProvider } from './vercel.ts';

// Spans recorded from the real `ai` package (fixtures/ai-sdk-*.json): a two-step generateText with
// a tool call on an Anthropic-style model, a streamText on an OpenAI-style model, embedMany.
// The mock models return the usage each provider package reports (see fixtures/record/).

function mapAll(file: string, captureContent = false): SpanRecord[] {
  return recording(file).spans.map((s) => mapOtlpSpan(s, 'p1', { captureContent }));
}

function byOp(records: SpanRecord[], op: string): SpanRecord[] {
  return records.filter((r) => r.name === op);
}

const traceTokens = (records: SpanRecord[]) => records.reduce((n, r) => n + totalTokens(r.usage), 0);

describe('Vercel AI SDK', () => {
  it('ai 5.0.277: inner doGenerate spans are generations, the outer generateText is a chain (no double count)', () => {
    const records = mapAll('ai-sdk-5.0.277.json');
    const [first, second] = byOp(records, 'ai.generateText.doGenerate');
    const [outer] = byOp(records, 'ai.generateText');
    expect(first).toMatchObject({
      kind: 'generation',
      provider: 'anthropic',
      requestModel: 'claude-sonnet-4-5',
      responseModel: 'claude-sonnet-4-5-20250929',
      finishReason: 'tool_calls',
    });
    // @ai-sdk/anthropic 2.x: input_tokens excludes cache; read from providerMetadata.anthropic.usage.
    expect(first.usage).toEqual({ input: 12, output: 40, cacheRead: 4000, cacheWrite: 1000, reasoning: 0, audio: 0 });
    expect(second.usage).toEqual({ input: 60, output: 20, cacheRead: 5000, cacheWrite: 0, reasoning: 0, audio: 0 });
    expect(outer.kind).toBe('chain');
    expect(totalTokens(outer.usage)).toBe(0);
    expect(outer.metadata['lookout.usage.not_charged']).toContain('chain');
    const generateTextTrace = [first, second, outer, ...byOp(records, 'ai.toolCall')];
    expect(traceTokens(generateTextTrace)).toBe(12 + 4000 + 1000 + 40 + 60 + 5000 + 20);
    expect(first.attribution).toMatchObject({ userId: 'u-1', sessionId: 's-1', team: 'support', application: 'support-bot' });
    expect(first.metadata).toMatchObject({ 'ai.telemetry.functionId': 'support-answer', 'lookout.conventions': 'vercel,genai,otel' });
  });

  it('ai 5.0.277: streamText doStream with OpenAI cached input, time to first chunk, tool span', () => {
    const records = mapAll('ai-sdk-5.0.277.json', true);
    const [stream] = byOp(records, 'ai.streamText.doStream');
    expect(stream).toMatchObject({ kind: 'generation', provider: 'openai', responseModel: 'gpt-4o-mini-2024-07-18', finishReason: 'stop' });
    expect(stream.usage).toEqual({ input: 176, output: 8, cacheRead: 1024, cacheWrite: 0, reasoning: 0, audio: 0 });
    expect(stream.ttftMs).toBeGreaterThan(30);
    expect(stream.ttftMs).toBeLessThan(200);
    expect(stream.content?.output).toBe('Hello there');
    expect(totalTokens(byOp(records, 'ai.streamText')[0].usage)).toBe(0);

    const [toolCall] = byOp(records, 'ai.toolCall');
    expect(toolCall.kind).toBe('tool');
    expect(toolCall.content).toEqual({ input: '{"orderId":"A1"}', output: '{"orderId":"A1","status":"ships tomorrow"}' });
    expect(toolCall.metadata['ai.toolCall.name']).toBe('lookupOrder');
  });

  it('ai 5.0.277: embedMany — doEmbed spans are embeddings with input count and dimensions, embedMany a chain', () => {
    const records = mapAll('ai-sdk-5.0.277.json');
    const inner = byOp(records, 'ai.embedMany.doEmbed');
    expect(inner).toHaveLength(2);
    for (const r of inner) {
      expect(r).toMatchObject({ kind: 'embedding', provider: 'openai', requestModel: 'text-embedding-3-small' });
      expect(r.usage.input).toBe(7);
      expect(r.metadata).toMatchObject({ 'embedding.input_count': '1', 'embedding.dimensions': '3' });
      expect(r.metadata['ai.embeddings']).toBeUndefined();
    }
    const [outer] = byOp(records, 'ai.embedMany');
    expect(outer.kind).toBe('chain');
    expect(totalTokens(outer.usage)).toBe(0);
    expect(outer.metadata['embedding.input_count']).toBe('2');
  });

  it('ai 4.3.19: Anthropic promptTokens exclude the cache counts in providerMetadata; OpenAI include cachedPromptTokens', () => {
    const records = mapAll('ai-sdk-4.3.19.json');
    const [first] = byOp(records, 'ai.generateText.doGenerate');
    expect(first.usage).toEqual({ input: 12, output: 40, cacheRead: 4000, cacheWrite: 1000, reasoning: 0, audio: 0 });
    expect(first.metadata['lookout.usage.input_semantics']).toBe('exclusive');
    const [stream] = byOp(records, 'ai.streamText.doStream');
    expect(stream.usage).toMatchObject({ input: 176, cacheRead: 1024, output: 8 });
    expect(stream.ttftMs).toBeGreaterThan(30);
    expect(totalTokens(byOp(records, 'ai.generateText')[0].usage)).toBe(0);
  });

  it('ai 6.0.326: exact buckets from ai.usage.inputTokenDetails / outputTokenDetails; the outer span sums all steps', () => {
    const records = mapAll('ai-sdk-6.0.326.json');
    const [first, second] = byOp(records, 'ai.generateText.doGenerate');
    expect(first.usage).toEqual({ input: 12, output: 40, cacheRead: 4000, cacheWrite: 1000, reasoning: 0, audio: 0 });
    expect(second.usage).toEqual({ input: 60, output: 20, cacheRead: 5000, cacheWrite: 0, reasoning: 0, audio: 0 });
    const [outer] = byOp(records, 'ai.generateText');
    expect(outer.metadata['lookout.usage.reported.input']).toBe('72'); // the sum of both steps, not charged
    expect(totalTokens(outer.usage)).toBe(0);
    // Gemini-style: 300 thought tokens beside 50 text tokens, 600 of 1000 input tokens cached.
    const [stream] = byOp(records, 'ai.streamText.doStream');
    expect(stream.provider).toBe('gcp.gemini');
    expect(stream.usage).toEqual({ input: 400, output: 50, cacheRead: 600, cacheWrite: 0, reasoning: 300, audio: 0 });
  });

  it('outer spans stay chains after the Traceloop SDK rewrote them to gen_ai.* (traceloop-sdk ai-sdk-transformations.ts)', () => {
    // The processor renames the span, sets gen_ai.operation.name = chat on the outer span too, moves
    // ai.usage.promptTokens to gen_ai.usage.input_tokens and deletes ai.model.*, but keeps ai.operationId.
    const outer = mapOtlpSpan(
      otlpSpan({
        name: 'chat claude-sonnet-4-5',
        scope: { name: 'ai', version: '' },
        attributes: {
          'ai.operationId': 'ai.generateText',
          'operation.name': 'ai.generateText support-answer',
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': 'anthropic',
          'gen_ai.request.model': 'claude-sonnet-4-5',
          'gen_ai.usage.input_tokens': 72,
          'gen_ai.usage.output_tokens': 60,
          'gen_ai.usage.total_tokens': 132,
        },
      }),
      'p1',
    );
    expect(outer.kind).toBe('chain');
    expect(totalTokens(outer.usage)).toBe(0);
    expect(outer.provider).toBe('anthropic');
  });

  it('maps operation ids and provider ids', () => {
    expect(['ai.generateText.doGenerate', 'ai.streamObject.doStream', 'ai.embed.doEmbed', 'ai.toolCall', 'ai.streamText', 'ai.embedMany'].map(vercelKind)).toEqual([
      'generation',
      'generation',
      'embedding',
      'tool',
      'chain',
      'chain',
    ]);
    expect(['openai.responses', 'anthropic.messages', 'google.vertex.chat', 'amazon-bedrock', 'azure-openai.chat', 'mistral.chat', 'xai.chat', 'acme.chat'].map(vercelProvider)).toEqual([
      'openai',
      'anthropic',
      'gcp.vertex_ai',
      'aws.bedrock',
      'azure.ai.openai',
      'mistral_ai',
      'x_ai',
      'acme',
    ]);
  });
});
