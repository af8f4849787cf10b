import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

// A fake OpenAI-compatible judge on loopback (real HTTP) for the judge's tests and bench. Each
// request is answered by `reply`, which sees the request and its position; by default every
// answer is a well-formed judgement of 0.8. Replies can misbehave as a real endpoint does:
// malformed content, 429 with Retry-After, 5xx, answers slower than the client's timeout.

export const JUDGE_USAGE = { prompt_tokens: 400, completion_tokens: 50, total_tokens: 450 };

export type FakeJudgeReply =
  | { score: number; reasoning?: string; delayMs?: number }
  | { content: string; delayMs?: number }
  | { status: number; retryAfter?: string; delayMs?: number; body?: string };

export interface FakeJudgeRequest {
  body: Record<string, any>;
  authorization: string | undefined;
  // The user message the judge was sent.
  prompt: string;
}

export interface FakeJudge {
  url: string; // the base URL, as LOOKOUT_JUDGE_BASE_URL takes it
  requests: FakeJudgeRequest[];
  close(): Promise<void>;
}

export async function startFakeJudge(
  reply: (req: FakeJudgeRequest, index: number) => FakeJudgeReply = () => ({ score: 0.8 }),
  options: { model?: string; port?: number } = {},
): Promise<FakeJudge> {
  const requests: FakeJudgeRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
        res.writeHead(404).end('{"error":{"message":"not found"}}');
        return;
      }
      let body: Record<string, any>;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        res.writeHead(400).end('{"error":{"message":"invalid JSON"}}');
        return;
      }
      const messages: { role: string; content: string }[] = Array.isArray(body.messages) ? body.messages : [];
      const request = { body, authorization: req.headers.authorization, prompt: messages.find((m) => m.role === 'user')?.content ?? '' };
      const index = requests.push(request) - 1;
      const r = reply(request, index);
      const send = () => {
        if (res.destroyed) return;
        if ('status' in r) {
          const headers: Record<string, string> = { 'content-type': 'application/json' };
          if (r.retryAfter !== undefined) headers['retry-after'] = r.retryAfter;
          res.writeHead(r.status, headers).end(r.body ?? JSON.stringify({ error: { message: `fake judge answers ${r.status}` } }));
          return;
        }
        const content = 'content' in r ? r.content : JSON.stringify({ score: r.score, reasoning: r.reasoning ?? 'fake judgement' });
        res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': `req-${index}` }).end(
          JSON.stringify({
            id: `chatcmpl-${index}`,
            object: 'chat.completion',
            model: options.model ?? body.model,
            choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
            usage: JUDGE_USAGE,
          }),
        );
      };
      if (r.delayMs) {
        const t = setTimeout(() => {
          timers.delete(t);
          send();
        }, r.delayMs);
        timers.add(t);
      } else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    async close() {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
