import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

// A server that answers from a script, one answer per request in order (the last one repeats),
// and keeps what it was sent: for clients whose handling of statuses, bodies and headers is
// the point of the test.

export interface ScriptedAnswer {
  status: number;
  body?: unknown; // an object is sent as JSON, a string as it is
  headers?: Record<string, string>;
}

export interface SentRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface ScriptedServer {
  url: string;
  requests: SentRequest[];
  close(): Promise<void>;
}

export async function scriptedServer(script: ScriptedAnswer[]): Promise<ScriptedServer> {
  const requests: SentRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const answer = script[Math.min(requests.length, script.length) - 1];
      const json = typeof answer.body !== 'string' && answer.body !== undefined;
      res.writeHead(answer.status, { ...(json ? { 'content-type': 'application/json' } : {}), ...answer.headers });
      res.end(json ? JSON.stringify(answer.body) : answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

// The URL of a port where nothing listens (it was just freed).
export async function deadUrl(): Promise<string> {
  const { url, close } = await scriptedServer([{ status: 200 }]);
  await close();
  return url;
}
