// Fake upstreams for unit tests: `fetch` functions the official clients accept, speaking
// OpenAI's and Anthropic's wire formats (JSON and SSE), recording the request bodies they got.

export interface FakeFetch {
  fetch: (url: string | URL | Request, init?: RequestInit) => Promise<Response>;
  bodies: Record<string, unknown>[];
  status: number; // set to make the next calls fail with this status
  chunkDelayMs: number;
}

// 2026-01-01T00:00:00Z, in seconds as the providers answer it.
const FAKE_CREATED_S = 1_767_225_600;

export const OPENAI_USAGE = { prompt_tokens: 1200, completion_tokens: 80, total_tokens: 1280, prompt_tokens_details: { cached_tokens: 1024 }, completion_tokens_details: { reasoning_tokens: 16 } };
export const OPENAI_STREAM_USAGE = { prompt_tokens: 300, completion_tokens: 20, total_tokens: 320, prompt_tokens_details: { cached_tokens: 0 } };
export const ANTHROPIC_USAGE = { input_tokens: 100, output_tokens: 50, cache_read_input_tokens: 2048, cache_creation_input_tokens: 512 };

function sse(events: unknown[], delayMs: number, named: boolean): Response {
  const enc = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      for (const e of events) {
        await new Promise((r) => setTimeout(r, delayMs));
        const type = (e as { type?: string }).type;
        controller.enqueue(enc.encode(`${named && type ? `event: ${type}\n` : ''}data: ${JSON.stringify(e)}\n\n`));
      }
      if (!named) controller.enqueue(enc.encode('data: [DONE]\n\n'));
      controller.close();
    },
  });
  return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } });
}

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

export function fakeOpenAIFetch(): FakeFetch {
  const fake: FakeFetch = {
    bodies: [],
    status: 200,
    chunkDelayMs: 5,
    async fetch(url, init) {
      const u = String(url instanceof Request ? url.url : url);
      const body = init?.body ? (JSON.parse(String(init.body)) as Record<string, unknown>) : {};
      fake.bodies.push(body);
      if (fake.status !== 200) return json({ error: { message: `fake failure ${fake.status}`, type: 'fake' } }, fake.status);
      // A fixed time: tests compare a wrapped client's answer with a plain one's, which a clock
      // crossing a second between the two calls would otherwise tell apart.
      const created = FAKE_CREATED_S;
      if (u.endsWith('/chat/completions') && body.stream) {
        const base = { id: 'chatcmpl-s1', object: 'chat.completion.chunk', created, model: 'gpt-4o-mini-2024-07-18' };
        const includeUsage = (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true;
        const chunks: unknown[] = [
          { ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] },
          { ...base, choices: [{ index: 0, delta: { content: 'Refund ' }, finish_reason: null }] },
          { ...base, choices: [{ index: 0, delta: { content: 'is on its way.' }, finish_reason: null }] },
          { ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] },
        ];
        if (includeUsage) chunks.push({ ...base, choices: [], usage: OPENAI_STREAM_USAGE });
        return sse(chunks, fake.chunkDelayMs, false);
      }
      if (u.endsWith('/chat/completions')) {
        return json({
          id: 'chatcmpl-1', object: 'chat.completion', created, model: 'gpt-4o-mini-2024-07-18',
          choices: [{ index: 0, message: { role: 'assistant', content: 'It ships tomorrow.' }, finish_reason: 'stop' }],
          usage: OPENAI_USAGE,
        });
      }
      if (u.endsWith('/embeddings')) {
        const vector = [0.1, 0.2, 0.3];
        const embedding = body.encoding_format === 'base64' ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector;
        return json({ object: 'list', model: 'text-embedding-3-small', data: [{ object: 'embedding', index: 0, embedding }], usage: { prompt_tokens: 4, total_tokens: 4 } });
      }
      if (u.endsWith('/responses')) {
        return json({
          id: 'resp_1', object: 'response', created_at: created, model: 'gpt-4o-mini-2024-07-18', status: 'completed',
          output: [{ type: 'message', id: 'msg_1', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'ok', annotations: [] }] }],
          usage: { input_tokens: 500, input_tokens_details: { cached_tokens: 256 }, output_tokens: 40, output_tokens_details: { reasoning_tokens: 8 }, total_tokens: 540 },
        });
      }
      return json({ error: { message: `no route ${u}` } }, 404);
    },
  };
  return fake;
}

export function fakeAnthropicFetch(): FakeFetch {
  const fake: FakeFetch = {
    bodies: [],
    status: 200,
    chunkDelayMs: 5,
    async fetch(url, init) {
      const body = init?.body ? (JSON.parse(String(init.body)) as Record<string, unknown>) : {};
      fake.bodies.push(body);
      if (fake.status !== 200) return json({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }, fake.status);
      const message = { id: 'msg_1', type: 'message', role: 'assistant', model: 'claude-sonnet-4-5-20250929', content: [{ type: 'text', text: 'Hello' }], stop_reason: 'end_turn', stop_sequence: null, usage: ANTHROPIC_USAGE };
      if (!body.stream) return json(message);
      return sse(
        [
          { type: 'message_start', message: { ...message, content: [], stop_reason: null, usage: { ...ANTHROPIC_USAGE, output_tokens: 1 } } },
          { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
          { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hel' } },
          { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'lo' } },
          { type: 'content_block_stop', index: 0 },
          { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: ANTHROPIC_USAGE.output_tokens } },
          { type: 'message_stop' },
        ],
        fake.chunkDelayMs,
        true,
      );
    },
  };
  return fake;
}
