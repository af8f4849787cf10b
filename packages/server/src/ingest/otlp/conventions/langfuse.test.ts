import { describe, expect, it } from 'vitest';
import { totalTokens } from '../../../domain/span.ts';
import { STORED_TEXT_FREE_PATTERN } from './attributes.ts';
import { mapOtlpSpan, NON_CONTENT } from './index.ts';
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
      plan: 'pro',
      ticket: '{"id":7}',
      'langfuse.trace.name': 'support-flow',
      'langfuse.release': 'v1.4.2',
      'langfuse.observation_type': 'generation',
      'langfuse.model_parameters.temperature': '0.2',
    });
    // cost_details is what the caller was billed: kept as the provider's figure, never re-priced.
    expect(rec.cost).toEqual({ status: 'provider_reported', totalNanoUsd: 5_700_000, byBucketNanoUsd: {}, priceRowId: null, catalogVersion: null });
    expect(rec.metadata['langfuse.observation.cost_details']).toBeUndefined();
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
    const types = ['span', 'generation', 'agent', 'tool', 'chain', 'retriever', 'embedding', 'evaluator', 'guardrail', 'event'];
    const mapped = types.map((t) => mapOtlpSpan(otlpSpan({ attributes: { 'langfuse.observation.type': t } }), 'p1'));
    expect(mapped.map((r) => r.kind)).toEqual(['other', 'generation', 'agent', 'tool', 'chain', 'retrieval', 'embedding', 'other', 'other', 'other']);
    // Lookout has fewer kinds than Langfuse has types: the type itself is kept, as the ingestion endpoint keeps it.
    expect(mapped.map((r) => r.metadata['langfuse.observation_type'])).toEqual(types);
    expect(rec.metadata['langfuse.level']).toBe('ERROR');
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

  it('cost_details: the total, else the sum of its parts, as provider_reported; nothing usable is no cost', () => {
    const costOf = (details: string) =>
      mapOtlpSpan(otlpSpan({ attributes: { 'langfuse.observation.type': 'generation', 'langfuse.observation.model.name': 'gpt-4o', 'langfuse.observation.usage_details': '{"input":10,"output":5}', 'langfuse.observation.cost_details': details } }), 'p1').cost;
    expect(costOf('{"input":0.0012,"output":0.0034}')).toMatchObject({ status: 'provider_reported', totalNanoUsd: 4_600_000 });
    expect(costOf('{"total":0}')).toMatchObject({ status: 'provider_reported', totalNanoUsd: 0 });
    // A negative total or no number at all: the usage is priced from the catalog later instead.
    expect(costOf('{"total":-1}')).toMatchObject({ status: 'not_applicable', totalNanoUsd: null });
    expect(costOf('{"note":"n/a"}')).toMatchObject({ status: 'not_applicable', totalNanoUsd: null });
  });

  it('cost_details over 1e6 USD (as the native API bounds a cost) is not the cost, and is kept in metadata', () => {
    const spanOf = (details: string) =>
      mapOtlpSpan(otlpSpan({ attributes: { 'langfuse.observation.type': 'generation', 'langfuse.observation.model.name': 'gpt-4o', 'langfuse.observation.cost_details': details } }), 'p1');
    for (const [details, usd] of [['{"total":1e12}', '1000000000000'], ['{"input":1e300,"output":1}', '1e+300'], ['{"total":1000000.5}', '1000000.5']]) {
      const span = spanOf(details);
      expect(span.cost).toMatchObject({ status: 'not_applicable', totalNanoUsd: null });
      expect(span.metadata['lookout.reported_cost_usd_ignored']).toBe(usd);
    }
    expect(spanOf('{"total":1000000}').cost).toMatchObject({ status: 'provider_reported', totalNanoUsd: 1e15 });
  });

  // As @langfuse/tracing 5.x and @langfuse/core's propagateAttributes write them: prompt link
  // (name, and the version as a number), model parameters as JSON, the public flag, levels.
  const sdkAttributes = {
    'langfuse.observation.type': 'generation',
    'langfuse.observation.model.name': 'gpt-4o-mini',
    'langfuse.observation.model.parameters': JSON.stringify({ temperature: 0.3, max_tokens: 512, tool_choice: 'auto', stop: ['\n\nUser:'], system_hint: 'answer in French' }),
    'langfuse.observation.prompt.name': 'support reply',
    'langfuse.observation.prompt.version': 3,
    'langfuse.observation.level': 'WARNING',
    'langfuse.observation.status_message': 'fell back to the smaller model',
    'langfuse.trace.public': true,
    'langfuse.internal.is_app_root': true,
    'langfuse.experiment.id': 'exp-7',
    'langfuse.version': '2.1.0',
  };

  it('prompt name and version, model parameters, levels and the public flag: under the ingestion endpoint\'s names', () => {
    const full = mapOtlpSpan(otlpSpan({ attributes: sdkAttributes }), 'p1', { captureContent: true });
    expect(full.status).toBe('ok'); // WARNING is not a failure
    expect(full.metadata).toMatchObject({
      'langfuse.prompt_name': 'support reply',
      'langfuse.prompt_version': '3',
      'langfuse.model_parameters.temperature': '0.3',
      'langfuse.model_parameters.max_tokens': '512',
      'langfuse.model_parameters.tool_choice': 'auto',
      'langfuse.model_parameters.stop': '["\\n\\nUser:"]',
      'langfuse.model_parameters.system_hint': 'answer in French',
      'langfuse.level': 'WARNING',
      'langfuse.status_message': 'fell back to the smaller model',
      'langfuse.public': 'true',
      'langfuse.experiment.id': 'exp-7',
      'langfuse.version': '2.1.0',
    });
    for (const raw of ['langfuse.observation.prompt.name', 'langfuse.observation.model.parameters', 'langfuse.observation.level', 'langfuse.observation.status_message', 'langfuse.trace.public']) {
      expect(full.metadata[raw], raw).toBeUndefined();
    }
  });

  it('below full capture, names and numbers stay; words that may quote a prompt do not', () => {
    const rec = mapOtlpSpan(otlpSpan({ attributes: sdkAttributes }), 'p1', { captureContent: false });
    expect(rec.metadata).toMatchObject({
      'langfuse.prompt_name': 'support reply',
      'langfuse.prompt_version': '3',
      'langfuse.model_parameters.temperature': '0.3',
      'langfuse.model_parameters.max_tokens': '512',
      'langfuse.level': 'WARNING',
      'langfuse.experiment.id': 'exp-7',
    });
    for (const key of ['langfuse.model_parameters.tool_choice', 'langfuse.model_parameters.stop', 'langfuse.model_parameters.system_hint', 'langfuse.status_message']) {
      expect(rec.metadata[key], key).toBeUndefined();
    }
    // And a later purge to a lower capture mode (content-policy.ts) would keep the same: names
    // declared free of text, values that cannot hold any.
    const textFree = new RegExp(`^(?:${STORED_TEXT_FREE_PATTERN})$`);
    for (const [key, value] of Object.entries(rec.metadata)) expect(NON_CONTENT.has(key) || textFree.test(value), key).toBe(true);
  });

  it('trace input/output stand in for an observation\'s own; metadata that is not an object is kept whole', () => {
    const traceOnly = mapOtlpSpan(
      otlpSpan({ attributes: { 'langfuse.trace.input': '{"question":"refund?"}', 'langfuse.trace.output': '"yes"', 'langfuse.observation.metadata': '["a","b"]' } }),
      'p1',
      { captureContent: true },
    );
    expect(traceOnly.content).toEqual({ input: '{"question":"refund?"}', output: '"yes"' });
    expect(traceOnly.metadata['langfuse.observation.metadata']).toBe('["a","b"]');
    const both = mapOtlpSpan(
      otlpSpan({ attributes: { 'langfuse.trace.input': '"trace in"', 'langfuse.observation.input': '"span in"' } }),
      'p1',
      { captureContent: true },
    );
    expect(both.content).toEqual({ input: '"span in"', output: null });
    expect(both.metadata['langfuse.trace.input']).toBeUndefined();
  });
});
