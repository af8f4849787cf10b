import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

// A fake upstream that speaks Anthropic's Messages API (JSON and SSE) on loopback. Its usage has
// cache reads and cache writes, which Anthropic reports OUTSIDE input_tokens.
export const MESSAGE_USAGE = { input_tokens: 100, output_tokens: 50, cache_read_input_tokens: 2048, cache_creation_input_tokens: 512 };
export const MODEL = 'claude-sonnet-4-5-20250929';

export async function startFakeAnthropic(): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const json = body ? JSON.parse(body) : {};
      if (!req.url?.endsWith('/v1/messages')) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ type: 'error', error: { type: 'not_found_error', message: `no route ${req.url}` } }));
        return;
      }
      const message = { id: 'msg_1', type: 'message', role: 'assistant', model: MODEL, content: [{ type: 'text', text: 'Hello' }], stop_reason: 'end_turn', stop_sequence: null, usage: MESSAGE_USAGE };
      if (!json.stream) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(message));
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const events = [
        { type: 'message_start', message: { ...message, content: [], stop_reason: null, usage: { ...MESSAGE_USAGE, output_tokens: 1 } } },
        { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
        { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hel' } },
        { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'lo' } },
        { type: 'content_block_stop', index: 0 },
        { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: MESSAGE_USAGE.output_tokens } },
        { type: 'message_stop' },
      ];
      let i = 0;
      const next = () => {
        if (i < events.length) {
          const e = events[i++];
          res.write(`event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`);
          setTimeout(next, 15);
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
