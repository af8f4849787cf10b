import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

// A fake upstream that speaks OpenAI's wire format (JSON and SSE) on loopback, with usage that
// includes cached prompt tokens, so tests can drive the official client without the network.
export const CHAT_USAGE = { prompt_tokens: 1200, completion_tokens: 80, total_tokens: 1280, prompt_tokens_details: { cached_tokens: 1024 } };
export const STREAM_USAGE = { prompt_tokens: 300, completion_tokens: 20, total_tokens: 320, prompt_tokens_details: { cached_tokens: 0 } };
export const EMBEDDING_USAGE = { prompt_tokens: 4, total_tokens: 4 };

export async function startFakeOpenAI(): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const json = body ? JSON.parse(body) : {};
      const created = Math.floor(Date.now() / 1000);
      if (req.url?.endsWith('/chat/completions') && json.stream) {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        const base = { id: 'chatcmpl-s1', object: 'chat.completion.chunk', created, model: 'gpt-4o-mini-2024-07-18' };
        const chunks = [
          { ...base, choices: [{ index: 0, delta: { role: 'assistant', content: 'Refund ' }, finish_reason: null }] },
          { ...base, choices: [{ index: 0, delta: { content: 'is on its way.' }, finish_reason: null }] },
          { ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] },
          { ...base, choices: [], usage: STREAM_USAGE },
        ];
        let i = 0;
        const next = () => {
          if (i < chunks.length) {
            res.write(`data: ${JSON.stringify(chunks[i++])}\n\n`);
            setTimeout(next, 15);
          } else {
            res.end('data: [DONE]\n\n');
          }
        };
        next();
        return;
      }
      if (req.url?.endsWith('/chat/completions')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({
          id: 'chatcmpl-1', object: 'chat.completion', created, model: 'gpt-4o-mini-2024-07-18',
          choices: [{ index: 0, message: { role: 'assistant', content: 'It ships tomorrow.' }, finish_reason: 'stop' }],
          usage: CHAT_USAGE,
        }));
        return;
      }
      if (req.url?.endsWith('/embeddings')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ object: 'list', model: 'text-embedding-3-small', data: [{ object: 'embedding', index: 0, embedding: [0.1, 0.2, 0.3] }], usage: EMBEDDING_USAGE }));
        return;
      }
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `no route ${req.url}` } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, server, close: () => new Promise((r) => server.close(() => r())) };
}
