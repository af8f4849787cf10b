import { describe, expect, it } from 'vitest';
import { totalTokens } from '../../../domain/span.ts';
import { mapOtlpSpan } from './index.ts';
import { langfuseUsage } from './langfuse.ts';
import { otlpSpan, START_US } from './testing.ts';

// Fixtures transcribed from langfuse-js @langfuse/tracing 5.x (createObservationAttributes,
// _flattenAndSerializeMetadata) and @langfuse/core LangfuseOtelSpanAttributes.

describe('Langfuse attributes', () => {
  it('maps a generation observation with Langfuse usage keys (each key its own bucket)', () => {
    const completionStart = new Date(START_US / 1000 + 420).toISOString();
    const rec = mapOtlpSpan(
      otlpSpan({
        name: 'answer',
        scope: { name: 'langfuse-sdk', version: '5.10.1' },
        attributes: {
          'langfuse.observation.type': 'generation',
          'langfuse.observation.model.name': 'claude-sonnet-4-5',
          'langfuse.observation.model.parameters': '{"temperature":0.2}',
          'langfuse.observation.usage_details': JSON.stringify({ input: 12, output: 300, cache_read_input_tokens: 4000, input_cache_creation: 1000, total: 5312 }),
          'langfuse.observation.cost_details': '{"input":0.000036,"output":0.0045,"total":0.0057}',
          'langfuse.observation.completion_start_time': JSON.stringify(completionStart), // double-encoded, as older SDKs send it
          'langfuse.observation.input': '[{"role":"user","content":"hi"}]',
          'langfuse.observation.output': '"hello"',
          'langfuse.observation.metadata.feature': 'inbox-triage',
          'langfuse.observation.metadata.ticket': '{"id":7}',
          'langfuse.trace.name': 'support-flow',
          'langfuse.trace.tags': ['vip', 'eu'],
          'langfuse.trace.metadata.plan': 'pro',
          'langfuse.environment': 'staging',
          'langfuse.release': 'v1.4.2',
          'user.id': 'u-7',
          'session.id': 's-7',
        },
      }),
      'p1',
      { captureContent: true },
    );
    expect(rec).toMatchObject({ kind: 'generation', requestModel: 'claude-sonnet-4-5', responseModel: 'claude-sonnet-4-5' });
    expect(rec.usage).toEqual({ input: 12, output: 300, cacheRead: 4000, cacheWrite: 1000, reasoning: 0, audio: 0 });
    expect(rec.ttftMs).toBe(420);
    expect(rec.attribution).toMatchObject({ userId: 'u-7', sessionId: 's-7', environment: 'staging', feature: 'inbox-triage' });
    expect(rec.tags).toEqual(['vip', 'eu']);
    expect(rec.metadata).toMatchObject({
      'cost.reported_usd': '0.0057',
      plan: 'pro',
      ticket: '{"id":7}',
      'langfuse.trace.name': 'support-flow',
      'langfuse.release': 'v1.4.2',
    });
    expect(rec.cost.status).toBe('not_applicable'); // priced later in the pipeline
    expect(rec.content).toEqual({ input: '[{"role":"user","content":"hi"}]', output: '"hello"' });
  });

  it('reads an OpenAI usage object passed through unchanged as inclusive (as Langfuse itself does)', () => {
    const { report } = langfuseUsage({
      prompt_tokens: 1200,
      completion_tokens: 900,
      total_tokens: 2100,
      prompt_tokens_details: { cached_tokens: 1024, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 700 },
    });
    expect(report).toMatchObject({ input: 1200, cacheRead: 1024, output: 900, reasoning: 700, inputIncludesCache: true });
    const rec = mapOtlpSpan(
      otlpSpan({
        attributes: {
          'langfuse.observation.type': 'generation',
          'langfuse.observation.model.name': 'o3-mini',
          'langfuse.observation.usage_details': JSON.stringify({ prompt_tokens: 1200, completion_tokens: 900, prompt_tokens_details: { cached_tokens: 1024 }, completion_tokens_details: { reasoning_tokens: 700 } }),
        },
      }),
      'p1',
    );
    expect(rec.usage).toEqual({ input: 176, output: 200, cacheRead: 1024, cacheWrite: 0, reasoning: 700, audio: 0 });
    expect(totalTokens(rec.usage)).toBe(2100);
  });

  it('level ERROR fails the span; compat user/session names; types and tags', () => {
    const rec = mapOtlpSpan(
      otlpSpan({
        attributes: {
          'langfuse.observation.type': 'tool',
          'langfuse.observation.level': 'ERROR',
          'langfuse.observation.status_message': 'upstream returned 429 Too Many Requests',
          'langfuse.user.id': 'legacy-user',
          'langfuse.session.id': 'legacy-session',
          'langfuse.trace.tags': 'a, b',
        },
      }),
      'p1',
      { captureContent: true },
    );
    expect(rec).toMatchObject({ kind: 'tool', status: 'error', errorClass: 'rate_limit', errorMessage: 'upstream returned 429 Too Many Requests' });
    expect(rec.attribution).toMatchObject({ userId: 'legacy-user', sessionId: 'legacy-session' });
    expect(rec.tags).toEqual(['a', 'b']);
    const kinds = ['span', 'agent', 'chain', 'retriever', 'embedding', 'evaluator', 'guardrail', 'event'].map(
      (t) => mapOtlpSpan(otlpSpan({ attributes: { 'langfuse.observation.type': t } }), 'p1').kind,
    );
    expect(kinds).toEqual(['other', 'agent', 'chain', 'retrieval', 'embedding', 'other', 'other', 'other']);
  });

  it('a Langfuse usage_details overrides the instrumentation counts on the same span (precedence)', () => {
    const rec = mapOtlpSpan(
      otlpSpan({
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.request.model': 'gpt-4o',
          'gen_ai.usage.input_tokens': 1000,
          'gen_ai.usage.output_tokens': 100,
          'gen_ai.usage.cache_read.input_tokens': 800,
          'langfuse.observation.usage_details': '{"input":150,"output":90}',
        },
      }),
      'p1',
    );
    // Taken whole from Langfuse: no mixing of its buckets with the GenAI cache count.
    expect(rec.usage).toEqual({ input: 150, output: 90, cacheRead: 0, cacheWrite: 0, reasoning: 0, audio: 0 });
    expect(rec.metadata['lookout.usage.source']).toBe('langfuse');
  });
});
