import { describe, expect, it } from 'vitest';
import { parseContent, type Message, type ParsedContent } from './conversation.ts';

const json = (v: unknown) => JSON.stringify(v);

function messages(p: ParsedContent): Message[] {
  expect(p.kind).toBe('conversation');
  return p.kind === 'conversation' ? p.messages : [];
}

describe('parseContent: plain text and unknown shapes', () => {
  it('keeps plain text, and a JSON string literal as its text', () => {
    expect(parseContent('What is the refund policy?')).toEqual({ kind: 'text', text: 'What is the refund policy?' });
    expect(parseContent(json('Hello\nthere'))).toEqual({ kind: 'text', text: 'Hello\nthere' });
    expect(parseContent(null)).toEqual({ kind: 'empty' });
    expect(parseContent('   ')).toEqual({ kind: 'empty' });
  });

  it('falls back to the text as captured when it is not JSON, or JSON cut at the stored bound', () => {
    expect(parseContent('[1] see the footnote')).toEqual({ kind: 'raw', text: '[1] see the footnote' });
    const cut = json([{ role: 'user', content: 'a long question' }]).slice(0, 20);
    expect(parseContent(cut)).toEqual({ kind: 'raw', text: cut });
  });

  it('shows JSON of an unknown shape indented, not as a conversation', () => {
    expect(parseContent(json({ temperature: 0.2, order: 42 }))).toEqual({ kind: 'raw', text: '{\n  "temperature": 0.2,\n  "order": 42\n}' });
    // A role alone does not make a message; one unknown element makes the list unknown.
    expect(parseContent(json({ role: 'admin', permissions: ['all'] })).kind).toBe('raw');
    expect(parseContent(json([{ role: 'user', content: 'hi' }, { score: 1 }])).kind).toBe('raw');
    expect(parseContent(json([])).kind).toBe('raw');
    // A tool's arguments that happen to have an input field are not a request.
    expect(parseContent(json({ input: 'order 42' })).kind).toBe('raw');
    expect(parseContent(json(['a', 'b'])).kind).toBe('raw');
  });
});

describe('parseContent: OpenAI chat messages', () => {
  it('reads roles, the system prompt, multi-part content, tool calls and tool results', () => {
    const input = [
      { role: 'system', content: 'You are a support agent.' },
      { role: 'developer', content: 'Answer briefly.' },
      {
        role: 'user',
        name: 'ada',
        content: [
          { type: 'text', text: 'What is in this picture?' },
          { type: 'image_url', image_url: { url: 'https://example.com/cat.png', detail: 'low' } },
          { type: 'input_audio', input_audio: { data: 'AAAA', format: 'wav' } },
          { type: 'file', file: { filename: 'invoice.pdf', file_id: 'file-1' } },
        ],
      },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'lookup_order', arguments: '{"order":42}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: '{"status":"shipped"}' },
      { role: 'assistant', content: 'It shipped.', refusal: null },
    ];
    const m = messages(parseContent(json(input)));
    expect(m.map((x) => [x.role, x.rawRole])).toEqual([
      ['system', 'system'],
      ['system', 'developer'],
      ['user', 'user'],
      ['assistant', 'assistant'],
      ['tool', 'tool'],
      ['assistant', 'assistant'],
    ]);
    expect(m[0].parts).toEqual([{ type: 'text', text: 'You are a support agent.' }]);
    expect(m[2].name).toBe('ada');
    expect(m[2].parts).toEqual([
      { type: 'text', text: 'What is in this picture?' },
      { type: 'media', media: 'image', label: 'https://example.com/cat.png' },
      { type: 'media', media: 'audio', label: 'audio/wav (4 characters inline)' },
      { type: 'media', media: 'file', label: 'invoice.pdf · file-1' },
    ]);
    expect(m[3].parts).toEqual([{ type: 'tool_call', id: 'call_1', name: 'lookup_order', arguments: '{\n  "order": 42\n}' }]);
    expect(m[4].parts).toEqual([{ type: 'tool_result', id: 'call_1', name: null, isError: false, parts: [{ type: 'text', text: '{"status":"shipped"}' }] }]);
    expect(m[5].parts).toEqual([{ type: 'text', text: 'It shipped.' }]);
  });

  it('reads a request body and a chat completion response', () => {
    const request = { model: 'gpt-4o', messages: [{ role: 'user', content: 'Hi' }], temperature: 0 };
    expect(messages(parseContent(json(request))).map((x) => x.role)).toEqual(['user']);
    const response = {
      id: 'chatcmpl-1',
      object: 'chat.completion',
      choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: null, refusal: 'I cannot help with that.' } }],
    };
    expect(messages(parseContent(json(response)))).toEqual([{ role: 'assistant', rawRole: 'assistant', name: null, parts: [{ type: 'refusal', text: 'I cannot help with that.' }] }]);
  });

  it('describes an inline image by its type and size, not its data', () => {
    const url = `data:image/png;base64,${'A'.repeat(4096)}`;
    const m = messages(parseContent(json([{ role: 'user', content: [{ type: 'image_url', image_url: { url } }] }])));
    expect(m[0].parts).toEqual([{ type: 'media', media: 'image', label: 'image/png;base64 (4 kB inline)' }]);
  });
});

describe('parseContent: OpenAI Responses API', () => {
  it('reads instructions, input items, function calls and their outputs', () => {
    const request = {
      model: 'gpt-4.1',
      instructions: 'Be terse.',
      input: [
        { role: 'user', content: [{ type: 'input_text', text: 'Weather in Paris?' }, { type: 'input_image', image_url: 'https://example.com/sky.jpg' }] },
        { type: 'function_call', id: 'fc_1', call_id: 'call_9', name: 'get_weather', arguments: '{"city":"Paris"}' },
        { type: 'function_call_output', call_id: 'call_9', output: '18°C, clear' },
      ],
    };
    const m = messages(parseContent(json(request)));
    expect(m.map((x) => x.role)).toEqual(['system', 'user', 'assistant', 'tool']);
    expect(m[0].parts).toEqual([{ type: 'text', text: 'Be terse.' }]);
    expect(m[1].parts[1]).toEqual({ type: 'media', media: 'image', label: 'https://example.com/sky.jpg' });
    expect(m[2].parts).toEqual([{ type: 'tool_call', id: 'call_9', name: 'get_weather', arguments: '{\n  "city": "Paris"\n}' }]);
    expect(m[3].parts).toEqual([{ type: 'tool_result', id: 'call_9', name: null, isError: false, parts: [{ type: 'text', text: '18°C, clear' }] }]);
    expect(messages(parseContent(json({ model: 'gpt-4.1', input: 'Just a question' })))).toEqual([{ role: 'user', rawRole: 'user', name: null, parts: [{ type: 'text', text: 'Just a question' }] }]);
  });

  it('reads a response: reasoning summary, built-in tool calls and the output message', () => {
    const response = {
      id: 'resp_1',
      object: 'response',
      output: [
        { type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 'Need a search.' }] },
        { type: 'web_search_call', id: 'ws_1', status: 'completed', action: { type: 'search', query: 'paris weather' } },
        { type: 'message', id: 'msg_1', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'Sunny.', annotations: [] }] },
      ],
    };
    const m = messages(parseContent(json(response)));
    expect(m.map((x) => x.parts[0].type)).toEqual(['reasoning', 'tool_call', 'text']);
    expect(m[0].parts[0]).toEqual({ type: 'reasoning', text: 'Need a search.' });
    expect(m[1].parts[0]).toMatchObject({ type: 'tool_call', id: 'ws_1', name: 'web_search' });
    expect(m[2]).toEqual({ role: 'assistant', rawRole: 'assistant', name: null, parts: [{ type: 'text', text: 'Sunny.' }] });
  });
});

describe('parseContent: Anthropic messages', () => {
  it('reads {system, messages} with content blocks, tool_use and tool_result', () => {
    const request = {
      system: [{ type: 'text', text: 'You answer from the docs.', cache_control: { type: 'ephemeral' } }],
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Refund policy?' }, { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: 'QUJD' } }] },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'Search the docs first.', signature: 'x' },
            { type: 'tool_use', id: 'toolu_1', name: 'search_docs', input: { query: 'refund' } },
          ],
        },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', is_error: true, content: [{ type: 'text', text: 'index offline' }] }] },
      ],
    };
    const m = messages(parseContent(json(request)));
    expect(m.map((x) => x.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(m[0].parts).toEqual([{ type: 'text', text: 'You answer from the docs.' }]);
    expect(m[1].parts[1]).toEqual({ type: 'media', media: 'image', label: 'image/jpeg (4 characters inline)' });
    expect(m[2].parts).toEqual([
      { type: 'reasoning', text: 'Search the docs first.' },
      { type: 'tool_call', id: 'toolu_1', name: 'search_docs', arguments: '{\n  "query": "refund"\n}' },
    ]);
    expect(m[3].parts).toEqual([{ type: 'tool_result', id: 'toolu_1', name: null, isError: true, parts: [{ type: 'text', text: 'index offline' }] }]);
  });

  it('reads a string system prompt and a response message', () => {
    expect(messages(parseContent(json({ system: 'Be kind.', messages: [{ role: 'user', content: 'Hi' }] }))).map((x) => x.role)).toEqual(['system', 'user']);
    const response = { id: 'msg_1', type: 'message', role: 'assistant', model: 'claude-sonnet-4', content: [{ type: 'text', text: 'Hello!' }], stop_reason: 'end_turn' };
    expect(messages(parseContent(json(response)))).toEqual([{ role: 'assistant', rawRole: 'assistant', name: null, parts: [{ type: 'text', text: 'Hello!' }] }]);
  });
});

describe('parseContent: GenAI semantic-convention messages', () => {
  it('reads gen_ai.input.messages parts, with the system instructions Lookout puts first', () => {
    // As the OTLP mapping stores them: gen_ai.system_instructions as a system message, then the messages.
    const input = [
      { role: 'system', parts: [{ type: 'text', content: 'You are a travel agent.' }] },
      { role: 'user', parts: [{ type: 'text', content: 'Weather in Paris?' }, { type: 'uri', modality: 'image', uri: 'https://example.com/p.png' }] },
      { role: 'assistant', parts: [{ type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: { location: 'Paris' } }] },
      { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_1', response: 'rainy, 57°F' }] },
    ];
    const m = messages(parseContent(json(input)));
    expect(m.map((x) => x.role)).toEqual(['system', 'user', 'assistant', 'tool']);
    expect(m[0].parts).toEqual([{ type: 'text', text: 'You are a travel agent.' }]);
    expect(m[1].parts[1]).toEqual({ type: 'media', media: 'image', label: 'https://example.com/p.png' });
    expect(m[2].parts).toEqual([{ type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: '{\n  "location": "Paris"\n}' }]);
    // The result is already a tool result: not wrapped twice.
    expect(m[3].parts).toEqual([{ type: 'tool_result', id: 'call_1', name: null, isError: false, parts: [{ type: 'text', text: 'rainy, 57°F' }] }]);
  });

  it('reads output messages with reasoning and a system instruction given as a string', () => {
    const output = [{ role: 'assistant', parts: [{ type: 'reasoning', content: 'Think.' }, { type: 'text', content: 'Done.' }], finish_reason: 'stop' }];
    expect(messages(parseContent(json(output)))[0].parts).toEqual([
      { type: 'reasoning', text: 'Think.' },
      { type: 'text', text: 'Done.' },
    ]);
    expect(messages(parseContent(json([{ role: 'system', parts: 'Plain instructions' }])))[0].parts).toEqual([{ type: 'text', text: 'Plain instructions' }]);
  });

  it('keeps a part of an unknown type as its JSON inside the conversation', () => {
    const m = messages(parseContent(json([{ role: 'user', parts: [{ type: 'hologram', frames: 3 }] }])));
    expect(m[0].parts).toEqual([{ type: 'data', json: '{\n  "type": "hologram",\n  "frames": 3\n}' }]);
  });
});

describe('parseContent: OpenInference messages', () => {
  it('reads the flattened tool calls and contents the OTLP mapping stores', () => {
    const input = [
      { role: 'user', content: [{ type: 'text', text: 'Look up order 7' }, { type: 'image', 'image.url': 'https://example.com/o.png' }] },
      { role: 'assistant', tool_calls: [{ id: 'c1', 'function.name': 'lookup', 'function.arguments': '{"id":7}' }] },
    ];
    const m = messages(parseContent(json(input)));
    expect(m[0].parts[1]).toEqual({ type: 'media', media: 'image', label: 'https://example.com/o.png' });
    expect(m[1].parts).toEqual([{ type: 'tool_call', id: 'c1', name: 'lookup', arguments: '{\n  "id": 7\n}' }]);
  });
});

describe('parseContent: Gemini', () => {
  it('reads candidates with text, function calls and function responses', () => {
    const response = {
      candidates: [{ content: { role: 'model', parts: [{ text: 'Checking.' }, { functionCall: { name: 'get_weather', args: { city: 'Oslo' } } }] }, finishReason: 'STOP' }],
    };
    const m = messages(parseContent(json(response)));
    expect(m[0].role).toBe('assistant');
    expect(m[0].rawRole).toBe('model');
    expect(m[0].parts).toEqual([
      { type: 'text', text: 'Checking.' },
      { type: 'tool_call', id: null, name: 'get_weather', arguments: '{\n  "city": "Oslo"\n}' },
    ]);
    const turn = [{ role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { temp: 3 } } }] }];
    expect(messages(parseContent(json(turn)))[0].parts).toEqual([{ type: 'tool_result', id: null, name: 'get_weather', isError: false, parts: [{ type: 'data', json: '{\n  "temp": 3\n}' }] }]);
  });
});

describe('parseContent: retrieved documents', () => {
  it("reads a retrieval span's output in the usual shapes", () => {
    const langchain = [{ page_content: 'Refunds within 30 days.', metadata: { source: 'policy.md' } }];
    expect(parseContent(json(langchain), 'retrieval')).toEqual({ kind: 'documents', documents: [{ id: null, score: null, source: 'policy.md', text: 'Refunds within 30 days.' }] });
    const scored = { documents: [{ 'document.id': 'd1', 'document.content': 'Shipping takes 3 days.', 'document.score': 0.82 }] };
    expect(parseContent(json(scored), 'retrieval')).toEqual({ kind: 'documents', documents: [{ id: 'd1', score: 0.82, source: null, text: 'Shipping takes 3 days.' }] });
    const vectorStore = { matches: [{ id: 'v9', score: 0.5, metadata: { text: 'Returns are free.', url: 'https://example.com/r' } }] };
    expect(parseContent(json(vectorStore), 'retrieval')).toEqual({ kind: 'documents', documents: [{ id: 'v9', score: 0.5, source: 'https://example.com/r', text: 'Returns are free.' }] });
    const llamaIndex = [{ node: { id_: 'n1', text: 'Warranty: 2 years.' }, score: 0.7 }];
    expect(parseContent(json(llamaIndex), 'retrieval')).toEqual({ kind: 'documents', documents: [{ id: 'n1', score: 0.7, source: null, text: 'Warranty: 2 years.' }] });
    expect(parseContent(json(['first chunk', 'second chunk']), 'retrieval')).toMatchObject({ kind: 'documents', documents: [{ text: 'first chunk' }, { text: 'second chunk' }] });
  });

  it('reads documents only on retrieval spans, and falls back when an element is not a document', () => {
    expect(parseContent(json([{ page_content: 'x' }]), 'generation').kind).toBe('raw');
    expect(parseContent(json([{ page_content: 'x' }, { flag: true }]), 'retrieval').kind).toBe('raw');
    expect(parseContent('refund policy', 'retrieval')).toEqual({ kind: 'text', text: 'refund policy' });
  });
});

describe('parseContent: hostile content', () => {
  it('returns markup and script URLs as inert text, never altered or interpreted', () => {
    const evil = '<img src=x onerror="window.pwned=1"><script>alert(1)</script>';
    const m = messages(
      parseContent(
        json([
          { role: 'user', content: evil },
          { role: 'user', content: [{ type: 'image_url', image_url: { url: 'javascript:alert(1)' } }] },
        ]),
      ),
    );
    expect(m[0].parts).toEqual([{ type: 'text', text: evil }]);
    // A media part is a label to show as text; nothing here makes it a link or an image source.
    expect(m[1].parts).toEqual([{ type: 'media', media: 'image', label: 'javascript:alert(1)' }]);
    expect(parseContent(evil)).toEqual({ kind: 'text', text: evil });
  });

  it('does not take non-string roles or prototype keys for message fields', () => {
    expect(parseContent(json([{ role: { toString: 'system' }, content: 'x' }])).kind).toBe('raw');
    const proto = '[{"role":"user","__proto__":{"content":"injected"}}]';
    expect(parseContent(proto).kind).toBe('raw');
    expect(({} as Record<string, unknown>).content).toBeUndefined();
    expect(parseContent('{"__proto__":{"role":"user","content":"x"}}').kind).toBe('raw');
  });

  it('stays bounded on deeply nested content: deep parts are shown as JSON', () => {
    let content: unknown = 'bottom';
    for (let i = 0; i < 2_000; i++) content = [{ type: 'tool_result', tool_use_id: `t${i}`, content }];
    const m = messages(parseContent(json([{ role: 'user', content }])));
    let depth = 0;
    let part = m[0].parts[0];
    while (part.type === 'tool_result') {
      depth++;
      part = part.parts[0];
    }
    expect(depth).toBeLessThanOrEqual(5);
    expect(part.type).toBe('data');
  });

  it('falls back to the raw text when nesting is too deep to print', () => {
    const deep = `${'['.repeat(20_000)}${']'.repeat(20_000)}`;
    expect(parseContent(deep)).toEqual({ kind: 'raw', text: deep });
  });
});
