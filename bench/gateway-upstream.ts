import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

// The fake OpenAI upstream of bench/gateway.ts, in a process of its own: answers chat completions
// after BENCH_UPSTREAM_DELAY_MS, as JSON or (with "stream": true) as BENCH_UPSTREAM_CHUNKS SSE
// chunks a millisecond apart plus a usage chunk. Prints "listening on <url>".

const DELAY_MS = Number(process.env.BENCH_UPSTREAM_DELAY_MS ?? 20);
const STREAM_CHUNKS = Number(process.env.BENCH_UPSTREAM_CHUNKS ?? 20);

function chatResponse(): string {
  return JSON.stringify({
    id: 'chatcmpl-bench',
    object: 'chat.completion',
    created: 1_700_000_000,
    model: 'gpt-4o-mini-2024-07-18',
    choices: [{ index: 0, message: { role: 'assistant', content: 'Hello there, how are you?' }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 14, completion_tokens: 7, total_tokens: 21, prompt_tokens_details: { cached_tokens: 0 } },
  });
}

function startUpstream(): Promise<string> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      const stream = body.includes('"stream":true');
      setTimeout(() => {
        if (!stream) {
          res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': 'req_bench' }).end(chatResponse());
          return;
        }
        res.writeHead(200, { 'content-type': 'text/event-stream', 'x-request-id': 'req_bench' });
        let i = 0;
        const chunk = (delta: object, finish: string | null, usage: object | null = null) =>
          `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1_700_000_000, model: 'gpt-4o-mini-2024-07-18', choices: usage ? [] : [{ index: 0, delta, finish_reason: finish }], usage })}\n\n`;
        const next = () => {
          if (i < STREAM_CHUNKS) {
            res.write(chunk({ content: `${i + 1} ` }, null));
            i++;
            setTimeout(next, 1);
            return;
          }
          res.write(chunk({}, 'stop'));
          res.write(chunk({}, null, { prompt_tokens: 12, completion_tokens: STREAM_CHUNKS, total_tokens: 12 + STREAM_CHUNKS }));
          res.end('data: [DONE]\n\n');
        };
        next();
      }, DELAY_MS);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

const url = await startUpstream();
process.stdout.write(`listening on ${url}\n`);
process.on('SIGTERM', () => process.exit(0));
