import { describe, expect, it } from 'vitest';
import { observationSpan, reportedCostUsd, scoreRecord, toMicros, type ObservationState } from './map.ts';
import type { ObservationBody } from './schema.ts';

const T0 = '2026-01-01T00:00:00.000Z';

function gen(body: ObservationBody, type = 'generation'): ObservationState {
  return { projectId: 'p', observationId: 'o-1', type, created: true, body: { traceId: 't-1', startTime: T0, endTime: T0, ...body }, firstEventMs: Date.parse(T0) };
}

describe('Langfuse observation → span', () => {
  it('reads usageDetails, else the older usage in either of its shapes', () => {
    expect(observationSpan(gen({ usageDetails: { input: 7, output: 3, cache_read_input_tokens: 2 } }), undefined, 't-1', true).usage).toMatchObject({ input: 7, output: 3, cacheRead: 2 });
    expect(observationSpan(gen({ usage: { promptTokens: 11, completionTokens: 4, totalTokens: 15 } }), undefined, 't-1', true).usage).toMatchObject({ input: 11, output: 4 });
    expect(observationSpan(gen({ usage: { input: 5, output: 6, unit: 'TOKENS' } }), undefined, 't-1', true).usage).toMatchObject({ input: 5, output: 6 });
  });

  it('stores the linked prompt under the prompt identity keys as well as the Langfuse ones', () => {
    const span = observationSpan(gen({ promptName: 'movie-critic', promptVersion: 3 }), undefined, 't-1', false);
    expect(span.metadata).toMatchObject({ 'lookout.prompt.name': 'movie-critic', 'lookout.prompt.version': '3', 'langfuse.prompt_name': 'movie-critic', 'langfuse.prompt_version': '3' });
    expect(Object.keys(observationSpan(gen({}), undefined, 't-1', false).metadata).filter((k) => k.startsWith('lookout.prompt.'))).toEqual([]);
  });

  it('keeps usage in other units as metadata, unpriced', () => {
    const span = observationSpan(gen({ usage: { input: 500, output: 20, unit: 'CHARACTERS' } }), undefined, 't-1', true);
    expect(span.usage).toMatchObject({ input: 0, output: 0 });
    expect(span.metadata).toMatchObject({ 'langfuse.usage.unit': 'CHARACTERS', 'langfuse.usage.input': '500', 'langfuse.usage.output': '20' });
  });

  it('takes the caller cost from calculatedTotalCost, costDetails or the older usage costs', () => {
    expect(reportedCostUsd({ calculatedTotalCost: 0.5, costDetails: { total: 9 } })).toBe(0.5);
    expect(reportedCostUsd({ costDetails: { input: 0.1, output: 0.25 } })).toBeCloseTo(0.35);
    expect(reportedCostUsd({ costDetails: { input: 0.1, total: 0.3 } })).toBe(0.3);
    expect(reportedCostUsd({ usage: { inputCost: 0.01, outputCost: 0.02 } })).toBeCloseTo(0.03);
    expect(reportedCostUsd({ usage: { input: 3 } })).toBeUndefined();
  });

  it('flattens model parameters and metadata, keeping its own keys first within the bound', () => {
    const metadata = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`k${i}`, i]));
    const span = observationSpan(gen({ modelParameters: { temperature: 0.3, stop: ['\n'] }, metadata }), undefined, 't-1', true);
    expect(span.metadata).toMatchObject({
      'langfuse.trace_id': 't-1',
      'langfuse.observation_id': 'o-1',
      'langfuse.observation_type': 'generation',
      'langfuse.model_parameters.temperature': '0.3',
      'langfuse.model_parameters.stop': '["\\n"]',
      'langfuse.metadata.k0': '0',
    });
    expect(Object.keys(span.metadata).length).toBe(128);
  });

  it('below full capture keeps no status message and only model parameters that cannot hold text, as the OTLP path', () => {
    const body = { modelParameters: { temperature: 0.3, max_tokens: 10, stop: ['END'], response_format: 'json' }, level: 'WARNING' as const, statusMessage: 'user said: secret plan' };
    const below = observationSpan(gen(body), undefined, 't-1', false);
    expect(below.metadata).toMatchObject({ 'langfuse.model_parameters.temperature': '0.3', 'langfuse.model_parameters.max_tokens': '10', 'langfuse.level': 'WARNING' });
    expect(Object.keys(below.metadata).filter((k) => k.includes('stop') || k.includes('response_format') || k.includes('status_message'))).toEqual([]);
    expect(JSON.stringify(below)).not.toContain('secret plan');
    const full = observationSpan(gen(body), undefined, 't-1', true);
    expect(full.metadata).toMatchObject({ 'langfuse.status_message': 'user said: secret plan', 'langfuse.model_parameters.response_format': 'json' });
  });

  it('maps observation types to kinds and strings content as JSON', () => {
    expect(observationSpan(gen({}, 'retriever'), undefined, 't-1', true).kind).toBe('retrieval');
    expect(observationSpan(gen({}, 'span'), undefined, 't-1', true).kind).toBe('other');
    expect(observationSpan(gen({ input: [{ role: 'user', content: 'hi' }], output: 'yo' }), undefined, 't-1', true).content).toEqual({ input: '[{"role":"user","content":"hi"}]', output: 'yo' });
  });

  it('reads microseconds the Python SDK sends', () => {
    expect(toMicros('2026-01-01T00:00:00.123456Z')).toBe(Date.parse(T0) * 1000 + 123_456);
    expect(toMicros('2026-01-01T00:00:00.1Z')).toBe(Date.parse(T0) * 1000 + 100_000);
  });
});

describe('Langfuse score → score', () => {
  it('checks the value against the data type', () => {
    expect(scoreRecord({ traceId: 't', name: 'n', value: 'good' }, 'e', 0, 'p')).toMatchObject({ dataType: 'categorical', stringValue: 'good' });
    expect(scoreRecord({ traceId: 't', name: 'n', value: 0, dataType: 'BOOLEAN' }, 'e', 0, 'p')).toMatchObject({ dataType: 'boolean', numericValue: 0, stringValue: 'false' });
    expect(scoreRecord({ traceId: 't', name: 'n', value: 2, dataType: 'BOOLEAN' }, 'e', 0, 'p')).toMatch(/BOOLEAN/);
    expect(scoreRecord({ traceId: 't', name: 'n', value: 3, dataType: 'CATEGORICAL' }, 'e', 0, 'p')).toMatch(/CATEGORICAL/);
  });
});
