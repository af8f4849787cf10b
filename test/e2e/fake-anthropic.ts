import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

// A fake upstream that speaks Anthropic's Messages API (JSON, and SSE when the request says
// `stream: true`) on loopback. Anthropic reports cache reads and cache writes OUTSIDE
// input_tokens, so each usage below has all four buckets distinct.
export const ANTHROPIC_MODEL = 'claude-sonnet-4-5-20250929';
export const MESSAGE_USAGE = { input_tokens: 100, cache_read_input_tokens: 2048, cache_creation_input_tokens: 512, output_tokens: 50 };
export const STREAM_MESSAGE_USAGE = { input_tokens: 30, cache_read_input_tokens: 1024, cache_creation_input_tokens: 0, output_tokens: 12 };

export async function startFakeAnthropic(): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const json = body ? JSON.parse(body) : {};
      if (req.method !== 'POST' || !req.url?.endsWith('/v1/messages')) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ type: 'error', error: { type: 'not_found_error', message: `no route ${req.method} ${req.url}` } }));
        return;
      }
      const message = { id: 'msg_01', type: 'message', role: 'assistant', model: ANTHROPIC_MODEL, content: [{ type: 'text', text: 'It ships tomorrow.' }], stop_reason: 'end_turn', stop_sequence: null, usage: MESSAGE_USAGE };
      if (!json.stream) {
        res.writeHead(200, { 'content-type': 'application/json', 'request-id': 'req_01' });
        res.end(JSON.stringify(message));
        return;
      }
      // As the real API does: input and cache counts arrive in message_start, the final output
      // count in message_delta.
      res.writeHead(200, { 'content-type': 'text/event-stream', 'request-id': 'req_02' });
      const events = [
        { type: 'message_start', message: { ...message, id: 'msg_02', content: [], stop_reason: null, usage: { ...STREAM_MESSAGE_USAGE, output_tokens: 1 } } },
        { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
        { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Refund ' } },
        { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'is on its way.' } },
        { type: 'content_block_stop', index: 0 },
        { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: STREAM_MESSAGE_USAGE.output_tokens } },
        { type: 'message_stop' },
      ];
      let i = 0;
      const next = () => {
        if (i < events.length) {
          const event = events[i++]!;
          res.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
          setTimeout(next, 10);
        } else {
          res.end();
        }
      };
      next();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, server, close: () => new Promise((r) => server.close(() => r())) };
}
