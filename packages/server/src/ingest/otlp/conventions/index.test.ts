import { describe, expect, it } from 'vitest';
import type { OtlpSpan } from '../types.ts';
import { resolveUsage } from './buckets.ts';
import { classFromHttpStatus, classFromText } from './errors.ts';
import { MAX_METADATA_KEYS, MAX_METADATA_VALUE_CHARS, mapOtlpSpan } from './index.ts';
import { otlpSpan, START_US } from './testing.ts';

describe('mapOtlpSpan', () => {
  it('converts nanosecond strings to microseconds without float loss, and keeps ids', () => {
    const rec = mapOtlpSpan(
      otlpSpan({ attributes: {}, startTimeUnixNano: '1767323045123456789', endTimeUnixNano: '1767323046123456999', parentSpanId: '00f067aa0ba902b7' }),
      'proj',
    );
    expect(rec).toMatchObject({
      projectId: 'proj',
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      parentSpanId: '00f067aa0ba902b7',
      startUs: 1767323045123456,
      endUs: 1767323046123456,
      kind: 'other',
      status: 'ok',
    });
    expect(rec.cost).toEqual({ status: 'not_applicable', totalNanoUsd: null, byBucketNanoUsd: {}, priceRowId: null, catalogVersion: null });
  });

  it('keeps unknown attributes in metadata, stringified and bounded; wrong types are kept, not mapped', () => {
    const many: Record<string, number> = {};
    for (let i = 0; i < MAX_METADATA_KEYS + 20; i++) many[`app.k${i}`] = i;
    const rec = mapOtlpSpan(
      otlpSpan({
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.request.model': 'gpt-4o',
          'gen_ai.usage.input_tokens': 'lots', // wrong type: ignored for usage, kept as written
          'gen_ai.usage.output_tokens': -5, // negative: ignored, kept
          'app.flag': true,
          'app.list': ['a', 'b'],
          'app.map': { nested: { x: 1 } },
          'app.long': 'y'.repeat(5000),
          ...many,
        },
      }),
      'p1',
      { captureContent: true },
    );
    expect(rec.usage).toEqual({ input: 0, output: 0, cacheRead: 0, cacheWrite: 0, reasoning: 0, audio: 0 });
    expect(rec.metadata).toMatchObject({
      'gen_ai.usage.input_tokens': 'lots',
      'gen_ai.usage.output_tokens': '-5',
      'app.flag': 'true',
      'app.list': '["a","b"]',
      'app.map': '{"nested":{"x":1}}',
    });
    expect(rec.metadata['app.long']).toHaveLength(MAX_METADATA_VALUE_CHARS + 1);
    expect(Object.keys(rec.metadata).length).toBeLessThanOrEqual(MAX_METADATA_KEYS + 1);
    expect(Number(rec.metadata['lookout.metadata_dropped'])).toBeGreaterThan(0);
  });

  it('never stores credentials found in attribute names (request headers recorded by the AI SDK)', () => {
    const rec = mapOtlpSpan(
      otlpSpan({
        attributes: {
          'ai.operationId': 'ai.generateText.doGenerate',
          'ai.request.headers.authorization': 'Bearer sk-live-123',
          'ai.request.headers.x-api-key': 'sk-ant-123',
          'ai.request.headers.user-agent': 'ai/5.0.0',
          'app.password': 'hunter2',
        },
      }),
      'p1',
      { captureContent: true },
    );
    expect(JSON.stringify(rec)).not.toMatch(/sk-live|sk-ant|hunter2/);
    expect(rec.metadata['ai.request.headers.user-agent']).toBe('ai/5.0.0');
  });

  it('never throws: garbage input gives a record', () => {
    const garbage = [
      { ...otlpSpan({ attributes: {} }), attributes: null },
      { ...otlpSpan({ attributes: {} }), startTimeUnixNano: 'not-a-number', endTimeUnixNano: '-1' },
      { ...otlpSpan({ attributes: {} }), events: [null, { name: 'exception' }] },
      { ...otlpSpan({ attributes: {} }), status: null, scope: null, resource: null },
      otlpSpan({ attributes: { 'gen_ai.input.messages': new Uint8Array([1, 2, 3]), 'llm.input_messages.0.message.content': { a: [1] }, 'retrieval.documents.x.document.score': 'NaN' } }),
      otlpSpan({ attributes: { 'langfuse.observation.usage_details': '{not json', 'metadata': '[1,2', 'ai.response.providerMetadata': '{"anthropic":{"usage":null}}' } }),
    ] as unknown as OtlpSpan[];
    for (const span of garbage) {
      const rec = mapOtlpSpan(span, 'p1', { captureContent: true });
      expect(rec.projectId).toBe('p1');
      expect(rec.endUs).toBeGreaterThanOrEqual(rec.startUs);
    }
  });

  it('end before start is clamped to start; 1970 and 2100 survive as numbers', () => {
    const rec = mapOtlpSpan(otlpSpan({ attributes: {}, startTimeUnixNano: '4102444800000000000', endTimeUnixNano: '0' }), 'p1');
    expect(rec.startUs).toBe(4102444800000000);
    expect(rec.endUs).toBe(rec.startUs);
  });

  it('content off: no content, no content-bearing attributes in metadata, hashes kept; content on: stored', () => {
    const attributes = {
      'openinference.span.kind': 'LLM',
      'input.value': 'my email is jane@example.com',
      'output.value': 'noted',
      'llm.model_name': 'gpt-4o',
    };
    const off = mapOtlpSpan(otlpSpan({ attributes }), 'p1', { captureContent: false });
    const on = mapOtlpSpan(otlpSpan({ attributes }), 'p1', { captureContent: true });
    expect(off.content).toBeNull();
    expect(JSON.stringify(off)).not.toContain('jane@example.com');
    expect(off.promptHash).toBe(on.promptHash);
    expect(off.responseHash).toBe(on.responseHash);
    expect(on.content).toEqual({ input: 'my email is jane@example.com', output: 'noted' });
    expect(mapOtlpSpan(otlpSpan({ attributes }), 'p1').content).toBeNull(); // default is off
  });

  describe('errors', () => {
    it('status code 2 with an HTTP status, an error.type, an exception event, or nothing', () => {
      const failed = (attributes: Record<string, string | number>, events: OtlpSpan['events'] = [], message = '', captureContent = true) =>
        mapOtlpSpan(otlpSpan({ status: { code: 2, message }, attributes: { 'gen_ai.operation.name': 'chat', ...attributes }, events }), 'p1', { captureContent });
      expect(failed({ 'http.response.status_code': 429 }).errorClass).toBe('rate_limit');
      expect(failed({ 'error.type': '503' }).errorClass).toBe('server');
      expect(failed({ 'error.type': 'openai.AuthenticationError' }).errorClass).toBe('auth');
      expect(failed({ 'error.type': 'APITimeoutError' }).errorClass).toBe('timeout');
      expect(failed({ 'error.type': 'BadRequestError' }).errorClass).toBe('invalid_request');
      expect(failed({ 'error.type': 'AbortError' })).toMatchObject({ status: 'cancelled', errorClass: 'cancelled' });
      const exc = failed({}, [
        { name: 'exception', timeUnixNano: '1767323045100000000', attributes: { 'exception.type': 'anthropic.OverloadedError', 'exception.message': 'Overloaded' } },
      ]);
      expect(exc).toMatchObject({ status: 'error', errorClass: 'server', errorMessage: 'Overloaded' });
      // Below full capture the message may quote the prompt: the type name stands in for it.
      const withheld = failed({}, [{ name: 'exception', timeUnixNano: '1767323045100000000', attributes: { 'exception.type': 'anthropic.OverloadedError', 'exception.message': 'Overloaded' } }], '', false);
      expect(withheld).toMatchObject({ status: 'error', errorClass: 'server', errorMessage: 'anthropic.OverloadedError' });
      expect(failed({}, [], 'context_length_exceeded: maximum context length is 128000 tokens').errorClass).toBe('invalid_request');
      expect(failed({})).toMatchObject({ status: 'error', errorClass: 'other', errorMessage: null });
    });

    it('finish reason content_filter is a content_filter error only when the span failed', () => {
      const base = { 'gen_ai.operation.name': 'chat', 'gen_ai.response.finish_reasons': ['content_filter'] };
      const ok = mapOtlpSpan(otlpSpan({ attributes: base }), 'p1');
      expect(ok).toMatchObject({ status: 'ok', errorClass: null, finishReason: 'content_filter' });
      const failed = mapOtlpSpan(otlpSpan({ status: { code: 2, message: '' }, attributes: base }), 'p1');
      expect(failed).toMatchObject({ status: 'error', errorClass: 'content_filter' });
      // AI SDK spelling
      const sdk = mapOtlpSpan(otlpSpan({ attributes: { 'ai.operationId': 'ai.generateText.doGenerate', 'ai.response.finishReason': 'content-filter' } }), 'p1');
      expect(sdk.finishReason).toBe('content_filter');
    });

    it('maps HTTP statuses and error names', () => {
      expect([400, 401, 403, 404, 408, 413, 422, 429, 499, 500, 502, 503, 504, 529, 200].map(classFromHttpStatus)).toEqual([
        'invalid_request', 'auth', 'auth', 'invalid_request', 'timeout', 'invalid_request', 'invalid_request',
        'rate_limit', 'cancelled', 'server', 'server', 'server', 'timeout', 'server', null,
      ]);
      expect(['RateLimitError', 'ResourceExhausted', 'DeadlineExceeded', 'ContentFilterFinishReasonError', 'PermissionDeniedError', 'APIConnectionError', 'UnprocessableEntityError', '_OTHER'].map(classFromText)).toEqual([
        'rate_limit', 'rate_limit', 'timeout', 'content_filter', 'auth', 'server', 'invalid_request', null,
      ]);
    });
  });

  it('reads time to first token from span events when no attribute gives it', () => {
    const rec = mapOtlpSpan(
      otlpSpan({
        attributes: { 'openinference.span.kind': 'LLM' },
        events: [{ name: 'First Token Stream Event', timeUnixNano: String(BigInt(START_US) * 1000n + 312_500_000n), attributes: {} }],
      }),
      'p1',
    );
    expect(rec.ttftMs).toBeCloseTo(312.5, 3);
  });

  it('precedence: the first convention in lookout > langfuse > vercel > openinference > openllmetry > genai wins per field', () => {
    const rec = mapOtlpSpan(
      otlpSpan({
        attributes: {
          'gen_ai.request.model': 'genai-model',
          'gen_ai.provider.name': 'genai-provider',
          'llm.request.model': 'openllmetry-model',
          'llm.model_name': 'openinference-model',
          'llm.provider': 'openinference-provider',
          'ai.operationId': 'ai.generateText.doGenerate',
          'ai.model.id': 'vercel-model',
          'langfuse.observation.model.name': 'langfuse-model',
          'gen_ai.usage.input_tokens': 10,
          'llm.token_count.prompt': 20,
          'ai.usage.promptTokens': 30,
        },
      }),
      'p1',
    );
    expect(rec.requestModel).toBe('langfuse-model');
    expect(rec.provider).toBe('openinference-provider'); // neither Lookout, Langfuse nor the AI SDK named one
    expect(rec.usage.input).toBe(30); // from the AI SDK, whole
    expect(rec.metadata['lookout.conventions']).toBe('langfuse,vercel,openinference,openllmetry,genai,otel');
  });
});

describe('resolveUsage', () => {
  const report = { source: 't', input: 1000, output: 200, cacheRead: 300, cacheWrite: 100, reasoning: 50 };
  it('inclusive, exclusive and auto', () => {
    expect(resolveUsage({ ...report, inputIncludesCache: true, outputIncludesReasoning: true }, 'generation', 3).usage).toEqual({
      input: 600, output: 150, cacheRead: 300, cacheWrite: 100, reasoning: 50, audio: 0,
    });
    expect(resolveUsage({ ...report, inputIncludesCache: false, outputIncludesReasoning: false }, 'generation', 3).usage).toEqual({
      input: 1000, output: 200, cacheRead: 300, cacheWrite: 100, reasoning: 50, audio: 0,
    });
    // auto: 1000 ≥ 400, so read as inclusive (the reading that cannot double-charge)
    expect(resolveUsage({ ...report, inputIncludesCache: 'auto', outputIncludesReasoning: 'auto' }, 'generation', 3).usage.input).toBe(600);
  });
  it('total never exceeds what was reported, whatever the semantics', () => {
    for (const inputIncludesCache of [true, false, 'auto'] as const) {
      for (const input of [0, 10, 400, 5000]) {
        const u = resolveUsage({ ...report, input, inputIncludesCache, outputIncludesReasoning: 'auto' }, 'generation', 3).usage;
        expect(u.input + u.cacheRead + u.cacheWrite).toBeLessThanOrEqual(Math.max(input, 0) + 300 + 100);
        expect(u.input + u.cacheRead + u.cacheWrite).toBeGreaterThanOrEqual(Math.max(input, 400));
      }
    }
  });
});
