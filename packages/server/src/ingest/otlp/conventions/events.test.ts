import { describe, expect, it } from 'vitest';
import { attachGenAiEvent, isGenAiEvent, mapOtlpSpan } from './index.ts';
import { otlpLog, otlpSpan } from './testing.ts';

// Log-record shapes from opentelemetry-instrumentation-openai-v2 2.x (utils.py message_to_event /
// choice_to_event) and opentelemetry-util-genai (gen_ai.client.inference.operation.details).

function chatSpan(status = { code: 0, message: '' }) {
  return mapOtlpSpan(
    otlpSpan({ kind: 3, status, attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.system': 'openai', 'gen_ai.request.model': 'gpt-4o' } }),
    'p1',
  );
}

const userMessage = otlpLog('gen_ai.user.message', { attributes: { 'gen_ai.system': 'openai' }, body: { content: 'What is 2+2?' } });
const systemMessage = otlpLog('gen_ai.system.message', { attributes: { 'gen_ai.system': 'openai' }, body: { content: 'Be terse.' } });
const choice = otlpLog('gen_ai.choice', {
  attributes: { 'gen_ai.system': 'openai' },
  body: { index: 0, finish_reason: 'stop', message: { role: 'assistant', content: '4' } },
});

describe('attachGenAiEvent', () => {
  it('recognises GenAI events by event_name or the older event.name attribute', () => {
    expect(isGenAiEvent(userMessage)).toBe(true);
    expect(isGenAiEvent(otlpLog('', { attributes: { 'event.name': 'gen_ai.choice' } }))).toBe(true);
    expect(isGenAiEvent(otlpLog('app.log', {}))).toBe(false);
  });

  it('appends message events to the input and choices to the output, with capture on', () => {
    let span = chatSpan();
    for (const log of [systemMessage, userMessage, choice]) span = attachGenAiEvent(span, log, { captureContent: true });
    expect(JSON.parse(span.content?.input ?? '[]')).toEqual([
      { role: 'system', content: 'Be terse.' },
      { role: 'user', content: 'What is 2+2?' },
    ]);
    expect(JSON.parse(span.content?.output ?? '[]')).toEqual([{ role: 'assistant', content: '4' }]);
    expect(span.finishReason).toBe('stop');
    expect(span.promptHash).toMatch(/^[0-9a-f]{32}$/);
  });

  it('with capture off keeps no content but chains hashes, so identical prompts hash alike', () => {
    const run = () => [systemMessage, userMessage, choice].reduce((s, log) => attachGenAiEvent(s, log), chatSpan());
    const a = run();
    const b = run();
    expect(a.content).toBeNull();
    expect(a.promptHash).not.toBeNull();
    expect(a.promptHash).toBe(b.promptHash);
    const other = attachGenAiEvent(chatSpan(), otlpLog('gen_ai.user.message', { body: { content: 'What is 3+3?' } }));
    expect(other.promptHash).not.toBe(attachGenAiEvent(chatSpan(), userMessage).promptHash);
    // A message event without content (capture off at the source) does not make prompts collide.
    expect(attachGenAiEvent(chatSpan(), otlpLog('gen_ai.user.message', { body: {} })).promptHash).toBeNull();
  });

  it('takes the whole call from gen_ai.client.inference.operation.details', () => {
    const details = otlpLog('gen_ai.client.inference.operation.details', {
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.response.model': 'gpt-4o-2024-08-06',
        'gen_ai.response.finish_reasons': ['stop'],
        'gen_ai.system_instructions': [{ type: 'text', content: 'Be terse.' }],
        'gen_ai.input.messages': [{ role: 'user', parts: [{ type: 'text', content: 'What is 2+2?' }] }],
        'gen_ai.output.messages': [{ role: 'assistant', parts: [{ type: 'text', content: '4' }], finish_reason: 'stop' }],
      },
    });
    const on = attachGenAiEvent(chatSpan(), details, { captureContent: true });
    const input = JSON.parse(on.content?.input ?? '[]') as { role: string }[];
    expect(input.map((m) => m.role)).toEqual(['system', 'user']);
    expect(on.content?.output).toContain('"4"');
    expect(on).toMatchObject({ responseModel: 'gpt-4o-2024-08-06', finishReason: 'stop' });
    const off = attachGenAiEvent(chatSpan(), details);
    expect(off.content).toBeNull();
    expect(off.promptHash).toBe(on.promptHash);
    expect(off.responseHash).toBe(on.responseHash);
  });

  it('a failed call whose choice was content-filtered becomes a content_filter error', () => {
    const span = chatSpan({ code: 2, message: '' });
    expect(span.errorClass).toBe('other');
    const filtered = attachGenAiEvent(span, otlpLog('gen_ai.choice', { body: { index: 0, finish_reason: 'content_filter', message: { role: 'assistant' } } }));
    expect(filtered).toMatchObject({ finishReason: 'content_filter', errorClass: 'content_filter' });
  });

  it('ignores events for another span and malformed bodies', () => {
    const span = chatSpan();
    expect(attachGenAiEvent(span, { ...userMessage, spanId: '1111111111111111' }, { captureContent: true })).toBe(span);
    expect(attachGenAiEvent(span, otlpLog('app.log', {}))).toBe(span);
    const odd = attachGenAiEvent(span, otlpLog('gen_ai.user.message', { body: '{not json' }), { captureContent: true });
    expect(odd.content).toBeNull();
    const stringBody = attachGenAiEvent(span, otlpLog('gen_ai.user.message', { body: '{"content":"hi"}' }), { captureContent: true });
    expect(JSON.parse(stringBody.content?.input ?? '[]')).toEqual([{ role: 'user', content: 'hi' }]);
  });
});
