import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

// A fake upstream that speaks OpenAI's wire format (JSON and SSE) on loopback, with usage that
// includes cached prompt tokens, so tests can drive the official client without the network.
// Some models make it misbehave as the real API can: `fail-429` (rate limited, retry-after 7),
// `fail-500`, `die-mid-stream` (the connection drops after two chunks), `slow-stream` (a chunk
// every 100 ms for 10 s), `no-usage` (a stream without the usage chunk, as OpenAI sends when the
// client does not ask for stream_options.include_usage); and `echo` answers a chat with the
// text of its last message, so that what the caller sent comes back in the response.
export const CHAT_USAGE = { prompt_tokens: 1200, completion_tokens: 80, total_tokens: 1280, prompt_tokens_details: { cached_tokens: 1024 } };
export const STREAM_USAGE = { prompt_tokens: 300, completion_tokens: 20, total_tokens: 320, prompt_tokens_details: { cached_tokens: 0 } };
export const EMBEDDING_USAGE = { prompt_tokens: 4, total_tokens: 4 };
export const RESPONSES_USAGE = { input_tokens: 500, input_tokens_details: { cached_tokens: 128 }, output_tokens: 40, output_tokens_details: { reasoning_tokens: 10 }, total_tokens: 540 };

export interface FakeRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface FakeUpstream {
  url: string;
  server: Server;
  // Every request received, in order.
  requests: FakeRequest[];
  // Requests whose client went away before the response was complete.
  aborted: number;
  close(): Promise<void>;
}

// The text of a request's last message (a string, or the text parts of a content array).
export function lastMessageText(json: Record<string, any>): string {
  const messages: unknown[] = Array.isArray(json.messages) ? json.messages : [];
  const content = (messages.at(-1) as { content?: unknown } | undefined)?.content;
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((part: { text?: unknown }) => (typeof part?.text === 'string' ? part.text : '')).join('');
}

function openaiError(message: string, type: string, code: string | null) {
  return JSON.stringify({ error: { message, type, param: null, code } });
}

// The part every fake shares: each request recorded (and counted when its client goes away
// early), its body parsed as JSON (`badJson` answers one that is not), `handle` answering the rest.
export async function startFake(
  badJson: (res: ServerResponse) => void,
  handle: (req: IncomingMessage, res: ServerResponse, json: Record<string, any>) => void,
): Promise<FakeUpstream> {
  const fake: FakeUpstream = { url: '', server: undefined as unknown as Server, requests: [], aborted: 0, close: async () => {} };
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      fake.requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      res.on('close', () => {
        if (!res.writableFinished) fake.aborted++;
      });
      let json: Record<string, any> = {};
      if (body) {
        try {
          json = JSON.parse(body);
        } catch {
          badJson(res);
          return;
        }
      }
      handle(req, res, json);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  fake.url = `http://127.0.0.1:${port}`;
  fake.server = server;
  fake.close = () =>
    new Promise((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return fake;
}

export async function startFakeOpenAI(): Promise<FakeUpstream> {
  // Fixed for the life of the fake, so that two identical calls get identical bytes back.
  const created = Math.floor(Date.now() / 1000);
  return startFake(
    (res) => {
      res.writeHead(400, { 'content-type': 'application/json', 'x-request-id': 'req_bad_json' });
      res.end(openaiError("We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly.)", 'invalid_request_error', null));
    },
    (req, res, json) => {
      const model = String(json.model ?? '');
      if (model === 'fail-429') {
        res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '7', 'x-request-id': 'req_429', 'x-ratelimit-remaining-requests': '0' });
        res.end(openaiError('Rate limit reached for requests', 'requests', 'rate_limit_exceeded'));
        return;
      }
      if (model === 'fail-500') {
        res.writeHead(500, { 'content-type': 'application/json', 'x-request-id': 'req_500' });
        res.end(openaiError('The server had an error while processing your request.', 'server_error', null));
        return;
      }
      if (req.method === 'GET' && req.url?.endsWith('/models')) {
        res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': 'req_models' });
        res.end(JSON.stringify({ object: 'list', data: [{ id: 'gpt-4o-mini', object: 'model', created, owned_by: 'system' }] }));
        return;
      }
      if (req.url?.endsWith('/chat/completions') && json.stream) {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'x-request-id': 'req_stream' });
        const base = { id: 'chatcmpl-s1', object: 'chat.completion.chunk', created, model: 'gpt-4o-mini-2024-07-18' };
        const echoed = model === 'echo' ? lastMessageText(json) : null;
        // An echo is cut in the middle, so that no value it carries arrives in one chunk.
        const [first, second] = echoed === null ? ['Refund ', 'is on its way.'] : [echoed.slice(0, echoed.length >> 1), echoed.slice(echoed.length >> 1)];
        let chunks: object[] = [
          { ...base, choices: [{ index: 0, delta: { role: 'assistant', content: first }, finish_reason: null }] },
          { ...base, choices: [{ index: 0, delta: { content: second }, finish_reason: null }] },
          { ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] },
          { ...base, choices: [], usage: STREAM_USAGE },
        ];
        let delayMs = 15;
        if (model === 'no-usage') chunks = chunks.slice(0, 3);
        if (model === 'slow-stream') {
          delayMs = 100;
          chunks = Array.from({ length: 100 }, (_, i) => ({ ...base, choices: [{ index: 0, delta: { content: `w${i} ` }, finish_reason: null }] }));
        }
        let i = 0;
        const next = () => {
          if (res.destroyed) return;
          if (model === 'die-mid-stream' && i === 2) {
            res.destroy();
            return;
          }
          if (i < chunks.length) {
            res.write(`data: ${JSON.stringify(chunks[i++])}\n\n`);
            setTimeout(next, delayMs);
          } else {
            res.end('data: [DONE]\n\n');
          }
        };
        next();
        return;
      }
      if (req.url?.endsWith('/chat/completions')) {
        res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': 'req_chat' });
        res.end(JSON.stringify({
          id: 'chatcmpl-1', object: 'chat.completion', created, model: 'gpt-4o-mini-2024-07-18',
          choices: [{ index: 0, message: { role: 'assistant', content: model === 'echo' ? lastMessageText(json) : 'It ships tomorrow.' }, finish_reason: 'stop' }],
          usage: CHAT_USAGE,
        }));
        return;
      }
      if (req.url?.endsWith('/responses')) {
        const response = {
          id: 'resp_1', object: 'response', created_at: created, status: 'completed', model: 'gpt-4o-mini-2024-07-18',
          output: [{ type: 'message', id: 'msg_1', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: 'It ships tomorrow.', annotations: [] }] }],
          usage: RESPONSES_USAGE,
        };
        if (!json.stream) {
          res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': 'req_resp' });
          res.end(JSON.stringify(response));
          return;
        }
        res.writeHead(200, { 'content-type': 'text/event-stream', 'x-request-id': 'req_resp_stream' });
        const events = [
          { type: 'response.created', sequence_number: 0, response: { ...response, status: 'in_progress', output: [], usage: null } },
          { type: 'response.output_text.delta', sequence_number: 1, item_id: 'msg_1', output_index: 0, content_index: 0, delta: 'It ships ' },
          { type: 'response.output_text.delta', sequence_number: 2, item_id: 'msg_1', output_index: 0, content_index: 0, delta: 'tomorrow.' },
          { type: 'response.completed', sequence_number: 3, response },
        ];
        let i = 0;
        const next = () => {
          if (i < events.length) {
            const e = events[i++]!;
            res.write(`event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`);
            setTimeout(next, 10);
          } else res.end();
        };
        next();
        return;
      }
      if (req.url?.endsWith('/embeddings')) {
        res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': 'req_emb' });
        res.end(JSON.stringify({ object: 'list', model: 'text-embedding-3-small', data: [{ object: 'embedding', index: 0, embedding: [0.1, 0.2, 0.3] }], usage: EMBEDDING_USAGE }));
        return;
      }
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `no route ${req.url}` } }));
    },
  );
}
