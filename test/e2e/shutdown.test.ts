// Graceful shutdown (J1): on SIGTERM the server stops taking requests, answers the ones in flight
// (with `Connection: close`), loads the whole journal into the store, and exits 0. What tells
// this drain from a crash recovery: the journal directory is empty after the exit, and the
// restart replays nothing — while every acknowledged span is there.
import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { request, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTempDir, pollUntil, removeTempDir, startLookout } from './harness.ts';

let dataDir = '';

afterAll(async () => {
  if (dataDir) await removeTempDir(dataDir);
});

function batch(n: number): { spanIds: string[]; body: string } {
  const spanIds: string[] = [];
  const items = Array.from({ length: n }, () => {
    const spanId = randomBytes(8).toString('hex');
    spanIds.push(spanId);
    return {
      type: 'generation',
      traceId: randomBytes(16).toString('hex'),
      spanId,
      startTime: new Date(Date.now() - 1000).toISOString(),
      durationMs: 300,
      provider: 'openai',
      model: 'gpt-4o-mini',
      usage: { input: 100, output: 20 },
    };
  });
  return { spanIds, body: JSON.stringify({ batch: items }) };
}

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

// An ingest request the server has accepted and is waiting on: its headers were sent with
// `Expect: 100-continue` and the server answered `100 Continue`, which Node does once it has
// parsed them and handed the request to the application. The body goes when `finish` is called.
async function acceptedRequest(url: string, body: string): Promise<{ finish(): Promise<Answer> }> {
  const req = request(`${url}/api/v1/ingest`, {
    method: 'POST',
    agent: false,
    headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), expect: '100-continue' },
  });
  const answer = new Promise<Answer>((resolve, reject) => {
    req.once('error', reject);
    req.once('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.once('error', reject);
      res.once('aborted', () => reject(new Error('the response was cut off')));
      res.once('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
  });
  answer.catch(() => undefined); // observed through finish()
  await new Promise<void>((resolve, reject) => {
    req.once('continue', resolve);
    req.once('error', reject);
    req.flushHeaders();
  });
  return {
    finish() {
      req.end(body);
      return answer;
    },
  };
}

// True once nothing listens on the port any more: the server has stopped taking connections.
function refusesConnections(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
  });
}

function logEvents(output: string, event: string): Record<string, unknown>[] {
  const found: Record<string, unknown>[] = [];
  for (const line of output.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const entry = JSON.parse(line) as Record<string, unknown>;
      if (entry.event === event) found.push(entry);
    } catch {
      // not a log line
    }
  }
  return found;
}

describe('graceful shutdown', () => {
  it('answers requests in flight, loads the whole journal on SIGTERM, exits 0, and the restart replays nothing', async () => {
    dataDir = await makeTempDir('shutdown');
    const startedMs = Date.now();
    const server = await startLookout({ dataDir });
    const acknowledged = new Set<string>();
    const answers: { status: number; connection: string | null }[] = [];
    let stop = false;
    // Clients keep posting while the server is told to stop. A request sent on a keep-alive
    // connection as the server closes it may never reach the server; every answer that does come
    // must be a 200 or a 503 that closes the connection.
    const clients = Array.from({ length: 4 }, async () => {
      while (!stop) {
        const b = batch(200);
        try {
          const res = await fetch(`${server.url}/api/v1/ingest`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: b.body });
          answers.push({ status: res.status, connection: res.headers.get('connection') });
          if (res.status === 200) b.spanIds.forEach((id) => acknowledged.add(id));
          await res.body?.cancel();
        } catch {
          return; // the server has closed its socket or its port
        }
      }
    });
    await pollUntil('the clients to have 2,000 spans acknowledged', () => (acknowledged.size >= 2_000 ? true : undefined), { context: () => server.output() });

    // Requests the server holds when the signal comes. Large, so that their rows are still being
    // loaded when they have been answered: only the drain loads them before the exit.
    const inFlight = await Promise.all(Array.from({ length: 3 }, () => batch(3_000)).map(async (b) => ({ b, req: await acceptedRequest(server.url, b.body) })));

    server.process.child.kill('SIGTERM');
    await pollUntil('the server to stop taking connections', () => refusesConnections(server.host, server.port).then((refused) => refused || undefined), {
      timeoutMs: 20_000,
      intervalMs: 20,
      context: () => server.output(),
    });
    const inFlightAnswers = await Promise.all(inFlight.map(async ({ b, req }) => ({ b, answer: await req.finish() })));
    const status = await server.process.waitForExit(30_000);
    stop = true;
    await Promise.all(clients);

    for (const { b, answer } of inFlightAnswers) {
      expect(answer.status, answer.body).toBe(200);
      expect(answer.headers.connection).toBe('close');
      b.spanIds.forEach((id) => acknowledged.add(id));
    }
    const unexpected = answers.filter((a) => a.status !== 200 && !(a.status === 503 && a.connection === 'close'));
    expect(unexpected, 'answers other than 200 or 503 with Connection: close').toEqual([]);

    expect(status.code, server.output()).toBe(0);
    expect(logEvents(server.output(), 'shutdown'), server.output()).toHaveLength(1);
    expect(logEvents(server.output(), 'journal_left'), server.output()).toEqual([]);
    // Everything acknowledged was loaded and its segment deleted before the exit.
    expect(await readdir(join(dataDir, 'journal')), 'files left in the journal after a SIGTERM exit').toEqual([]);

    const again = await startLookout({ dataDir });
    try {
      const recovered = logEvents(again.output(), 'journal_recovered');
      expect(recovered, again.output()).toHaveLength(1);
      expect(recovered[0].segments, 'journal segments replayed at the restart after a SIGTERM exit').toBe(0);

      // Paged in 50 ms slices of start time: an offset goes at most 10,000 rows deep.
      const stored = new Set<string>();
      for (let sliceMs = startedMs - 2_000; sliceMs < Date.now(); sliceMs += 50) {
        const range = `from=${new Date(sliceMs).toISOString()}&to=${new Date(sliceMs + 50).toISOString()}`;
        for (let offset = 0; ; offset += 1000) {
          const res = await fetch(`${again.url}/api/v1/spans?limit=1000&offset=${offset}&${range}`);
          expect(res.status, await res.clone().text()).toBe(200);
          const page = (await res.json()) as { spans: { spanId: string }[] };
          page.spans.forEach((s) => stored.add(s.spanId));
          if (page.spans.length < 1000) break;
        }
      }
      const missing = [...acknowledged].filter((id) => !stored.has(id));
      expect(missing, `${missing.length} of ${acknowledged.size} acknowledged spans missing after SIGTERM`).toEqual([]);
    } finally {
      await again.stop();
    }
  });
});
