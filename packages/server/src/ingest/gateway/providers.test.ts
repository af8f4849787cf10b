import { describe, expect, it } from 'vitest';
import { clientResponseHeaders, parseAttribution, parseTraceParent, upstreamRequestHeaders } from './headers.ts';
import { classifyEndpoint, errorBody, factsFromJson, SseReader, type ProviderId } from './providers.ts';

describe('SseReader', () => {
  it('bounds a line by its bytes, the same whichever way the line arrives', () => {
    // 54 characters, 64 bytes: over a 60-byte bound.
    const long = `data: {"choices":[{"delta":{"content":"${'é'.repeat(10)}"}}]}`;
    const short = 'data: {"choices":[{"delta":{"content":"ok"}}]}';
    const bytes = Buffer.from(`${long}\n\n${short}\n\n`);
    for (const size of [bytes.length, 40, 7, 1]) {
      const r = new SseReader('openai', 60);
      for (let i = 0; i < bytes.length; i += size) r.push(bytes.subarray(i, i + size), i);
      r.end(999);
      expect({ size, output: r.facts.output }).toEqual({ size, output: 'ok' });
    }
  });

  const events = [
    'data: {"model":"gpt-4o-mini-2024","choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}',
    'data: {"model":"gpt-4o-mini-2024","choices":[{"index":0,"delta":{"content":"Hé"}}]}',
    'data: {"model":"gpt-4o-mini-2024","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","function":{"name":"f","arguments":""}}]}}]}',
    'data: {"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}',
    'data: {"choices":[],"usage":{"prompt_tokens":10,"completion_tokens":5,"prompt_tokens_details":{"cached_tokens":4}}}',
    'data: [DONE]',
  ];

  it('reads an OpenAI stream split at any byte, CRLF or LF', () => {
    for (const eol of ['\n', '\r\n']) {
      const bytes = Buffer.from(events.map((e) => e + eol + eol).join(''));
      for (const size of [1, 3, 7, 64, bytes.length]) {
        const r = new SseReader('openai');
        for (let i = 0; i < bytes.length; i += size) r.push(bytes.subarray(i, i + size), i + 1);
        r.end(bytes.length);
        expect(r.facts).toMatchObject({ responseModel: 'gpt-4o-mini-2024', finishReason: 'tool_calls', output: 'Hé', toolCalls: 1, usage: { input: 10, output: 5, cacheRead: 4 } });
        expect(r.usageReported).toBe(true);
        // The first event with text: the empty role delta does not count.
        expect(r.firstTokenAtMs).toBeGreaterThan(0);
      }
    }
  });

  it('reads Anthropic usage spread over message_start and message_delta', () => {
    const r = new SseReader('anthropic');
    const ev = (o: object) => `event: ${(o as { type: string }).type}\ndata: ${JSON.stringify(o)}\n\n`;
    r.push(Buffer.from(ev({ type: 'message_start', message: { model: 'claude-x', usage: { input_tokens: 5, cache_read_input_tokens: 100, cache_creation_input_tokens: 7, output_tokens: 1 } } })), 1);
    r.push(Buffer.from(ev({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'hi' } })), 2);
    r.push(Buffer.from(ev({ type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 9 } })), 3);
    r.end(4);
    expect(r.facts).toMatchObject({ responseModel: 'claude-x', finishReason: 'end_turn', output: 'hi', usage: { input: 5, cacheRead: 100, cacheWrite: 7, output: 9, inputIncludesCache: false } });
    expect(r.firstTokenAtMs).toBe(2);
  });

  it('ignores what it cannot parse and does not keep an endless line', () => {
    const r = new SseReader('openai', 100);
    r.push(Buffer.from('data: {not json}\n\n: comment\n\n'), 1);
    r.push(Buffer.from('data: ' + 'x'.repeat(500)), 2);
    r.end(3);
    expect(r.facts.usage).toBeNull();
    expect(r.usageReported).toBe(false);
  });
});

describe('factsFromJson', () => {
  it('reads error bodies of both providers', () => {
    expect(factsFromJson('openai', { error: { message: 'bad', type: 'invalid_request_error' } })).toMatchObject({ errorMessage: 'bad', errorType: 'invalid_request_error' });
    expect(factsFromJson('anthropic', { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } })).toMatchObject({ errorMessage: 'Overloaded', errorType: 'overloaded_error' });
    expect(factsFromJson('openai', [1, 2])).toMatchObject({ usage: null });
  });
});

describe('endpoints and errors', () => {
  it('classifies model calls and cuts ids from generic names', () => {
    expect(classifyEndpoint('openai', 'POST', 'chat/completions')).toMatchObject({ kind: 'generation', modelCall: true });
    expect(classifyEndpoint('openai', 'POST', 'embeddings')).toMatchObject({ kind: 'embedding', modelCall: true });
    expect(classifyEndpoint('openai', 'GET', 'files/file-abc/content')).toMatchObject({ kind: 'other', operation: 'GET files/file-abc', modelCall: false });
    expect(classifyEndpoint('anthropic', 'POST', 'messages/count_tokens')).toMatchObject({ kind: 'other', modelCall: false });
  });

  it('budgets every state-changing call except the ones known to cost nothing', () => {
    const budgeted: [ProviderId, string, string][] = [
      ['openai', 'POST', 'chat/completions'],
      ['openai', 'POST', 'images/generations'],
      ['openai', 'POST', 'images/edits'],
      ['openai', 'POST', 'audio/speech'],
      ['openai', 'POST', 'audio/transcriptions'],
      ['openai', 'POST', 'embeddings'],
      ['openai', 'POST', 'batches'],
      ['openai', 'POST', 'responses/compact'],
      ['openai', 'POST', 'responses/input_tokens'],
      ['openai', 'POST', 'fine_tuning/jobs'],
      ['openai', 'POST', 'vector_stores'],
      ['openai', 'POST', 'a-future-endpoint'],
      ['openai', 'PUT', 'files'],
      ['openai', 'PATCH', 'x'],
      // The free list is exact, case included; an upstream that ignores case reads Files as files.
      ['openai', 'POST', 'Files'],
      ['openai', 'POST', 'files/file-1'],
      ['openai', 'POST', 'batches/batch_1/cancel/x'],
      ['anthropic', 'POST', 'messages'],
      ['anthropic', 'POST', 'complete'],
      ['anthropic', 'POST', 'messages/batches'],
      ['anthropic', 'POST', 'Messages/Count_Tokens'],
      ['anthropic', 'POST', 'messages/count_tokens/x'],
    ];
    for (const [provider, method, path] of budgeted) expect(classifyEndpoint(provider, method, path).budgeted, `${provider} ${method} ${path}`).toBe(true);
    const free: [ProviderId, string, string][] = [
      ['openai', 'GET', 'models'],
      ['openai', 'HEAD', 'models'],
      ['openai', 'GET', 'batches/batch_1'],
      ['openai', 'DELETE', 'files/file-1'],
      ['openai', 'POST', 'files'],
      ['openai', 'POST', 'uploads'],
      ['openai', 'POST', 'uploads/upload_1/parts'],
      ['openai', 'POST', 'uploads/upload_1/complete'],
      ['openai', 'POST', 'batches/batch_1/cancel'],
      ['openai', 'POST', 'responses/resp_1/cancel'],
      ['openai', 'POST', 'fine_tuning/jobs/ftjob-1/cancel'],
      ['openai', 'POST', 'threads/thread_1/runs/run_1/cancel'],
      ['anthropic', 'POST', 'messages/count_tokens'],
      ['anthropic', 'POST', 'messages/count_tokens/'],
      ['anthropic', 'POST', 'files'],
      ['anthropic', 'POST', 'messages/batches/msgbatch_1/cancel'],
      ['anthropic', 'DELETE', 'messages/batches/msgbatch_1'],
    ];
    for (const [provider, method, path] of free) expect(classifyEndpoint(provider, method, path).budgeted, `${provider} ${method} ${path}`).toBe(false);
    // Other providers' free paths are not free here.
    expect(classifyEndpoint('openai', 'POST', 'messages/count_tokens').budgeted).toBe(true);
  });

  it('writes errors in each provider format', () => {
    expect(JSON.parse(errorBody('openai', 413, 'too big', 'body_too_large'))).toEqual({ error: { message: 'too big', type: 'invalid_request_error', param: null, code: 'body_too_large' } });
    expect(JSON.parse(errorBody('anthropic', 404, 'nope', 'not_found'))).toEqual({ type: 'error', error: { type: 'not_found_error', message: 'nope', lookout_code: 'not_found' } });
  });
});

describe('headers', () => {
  it('strips hop-by-hop and Lookout headers going up, keeps the rest', () => {
    const out = upstreamRequestHeaders({
      host: 'lookout:4318',
      connection: 'keep-alive, x-custom-hop',
      'x-custom-hop': '1',
      'content-length': '10',
      'transfer-encoding': 'chunked',
      authorization: 'Bearer sk-x',
      'x-lookout-key': 'lk_secret',
      'x-lookout-user': 'alice',
      'openai-organization': 'org',
      traceparent: '00-…',
      'x-http-method-override': 'POST',
      'x-http-method': 'POST',
      'x-method-override': 'POST',
    });
    expect(out).toEqual({ authorization: 'Bearer sk-x', 'openai-organization': 'org', traceparent: '00-…' });
    expect(clientResponseHeaders({ 'content-type': 'a', 'transfer-encoding': 'chunked', connection: 'close', 'set-cookie': ['a=1', 'b=2'] })).toEqual({ 'content-type': 'a', 'set-cookie': ['a=1', 'b=2'] });
  });

  it('parses attribution, refuses oversized values, ignores bad metadata', () => {
    const { attribution, ignored } = parseAttribution({ 'x-lookout-user': ' alice ', 'x-lookout-tags': 'a, b,,a', 'x-lookout-metadata': '{"k":"v","n":1}' });
    expect(attribution).toMatchObject({ userId: 'alice', tags: ['a', 'b'], metadata: { k: 'v', n: '1' } });
    expect(ignored).toEqual([]);
    expect(parseAttribution({ 'x-lookout-metadata': '{"k":{"nested":1}}' }).ignored).toEqual(['x-lookout-metadata']);
    expect(parseAttribution({ 'x-lookout-metadata': '["a"]' }).ignored).toEqual(['x-lookout-metadata']);
    expect(() => parseAttribution({ 'x-lookout-tags': Array.from({ length: 51 }, (_, i) => `t${i}`).join(',') })).toThrow('at most 50');
    // UTF-8 sent as raw bytes arrives as latin1 and is read back as UTF-8.
    expect(parseAttribution({ 'x-lookout-user': Buffer.from('zoë', 'utf8').toString('latin1') }).attribution.userId).toBe('zoë');
  });

  it('accepts valid traceparents only', () => {
    expect(parseTraceParent('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01')).toEqual({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', parentSpanId: '00f067aa0ba902b7' });
    expect(parseTraceParent('01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-future')).not.toBeNull();
    for (const bad of [
      undefined,
      'garbage',
      'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      '00-00000000000000000000000000000000-00f067aa0ba902b7-01',
      '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01',
      '00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01',
      '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra',
    ]) {
      expect(parseTraceParent(bad)).toBeNull();
    }
  });
});
