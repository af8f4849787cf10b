// The HTTP edge of a real `lookout serve`, attacked over real sockets: DNS rebinding (a foreign
// Host), cross-site writes (a foreign Origin), a local reverse proxy (forwarding headers), slow
// clients (request and header timeouts) and what a server behind a proxy demands. node:http is
// used throughout: fetch may not set Host, Origin or Sec-Fetch-* itself.
import { request as httpRequest, createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { mkdir, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliPath, makeTempDir, removeTempDir, runProgram, startLookout, type LookoutServer } from './harness.ts';

interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

function raw(baseUrl: string, path: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<RawResponse> {
  const url = new URL(path, baseUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: url.hostname, port: url.port, path: url.pathname + url.search, method: options.method ?? 'GET', headers: options.headers ?? {}, timeout: 15_000 },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${path}: no answer within 15 s`)));
    req.on('error', reject);
    req.end(options.body);
  });
}

// Resolves with how long the server took to close a connection that stalls after `sent`.
function stalledConnection(port: number, sent: string, giveUpMs: number): Promise<{ closedAfterMs: number | null; received: string }> {
  return new Promise((resolve) => {
    const startedAt = Date.now();
    let received = '';
    const socket = connect({ host: '127.0.0.1', port }, () => socket.write(sent));
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (received += chunk));
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ closedAfterMs: null, received });
    }, giveUpMs);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ closedAfterMs: Date.now() - startedAt, received });
    });
    socket.on('error', () => {});
  });
}

// An OpenAI-style upstream whose streamed completion takes longer than the request timeout.
const STREAM_CHUNKS = 8;
const STREAM_CHUNK_GAP_MS = 400;

function startSlowStreamingUpstream(): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      let sent = 0;
      const next = () => {
        if (sent === STREAM_CHUNKS) {
          res.end('data: [DONE]\n\n');
          return;
        }
        const chunk = { id: 'chatcmpl-slow', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini', choices: [{ index: 0, delta: { content: `part${sent} ` }, finish_reason: null }] };
        res.write(`data: ${JSON.stringify(chunk)}\n\n`);
        sent++;
        setTimeout(next, STREAM_CHUNK_GAP_MS);
      };
      next();
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address() as { port: number };
      resolve({ url: `http://127.0.0.1:${address.port}`, close: () => new Promise<void>((r) => server.close(() => r())) });
    });
  });
}

const REQUEST_TIMEOUT_MS = 1_500;
const HEADERS_TIMEOUT_MS = 1_000;

describe('keyless loopback server', () => {
  let lookout: LookoutServer | undefined;
  let upstream: Awaited<ReturnType<typeof startSlowStreamingUpstream>> | undefined;
  let dataDir = '';

  beforeAll(async () => {
    upstream = await startSlowStreamingUpstream();
    dataDir = await makeTempDir('security');
    const webDist = join(dataDir, 'web-dist');
    await mkdir(webDist, { recursive: true });
    await writeFile(join(webDist, 'index.html'), '<!doctype html><html><body><div id="root"></div></body></html>');
    lookout = await startLookout({
      dataDir: join(dataDir, 'data'),
      env: {
        LOOKOUT_WEB_DIST: webDist,
        LOOKOUT_OPENAI_BASE_URL: `${upstream.url}/v1`,
        LOOKOUT_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
        LOOKOUT_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
      },
    });
  });

  afterAll(async () => {
    await lookout?.stop();
    await upstream?.close();
    await removeTempDir(dataDir);
  });

  it('DNS rebinding: a foreign Host gets 403 naming server.allowedHosts; localhost:PORT works', async () => {
    const port = lookout!.port;
    for (const [method, path] of [['GET', '/api/v1/spans'], ['POST', '/api/v1/keys'], ['GET', '/metrics']] as const) {
      const res = await raw(lookout!.url, path, { method, headers: { host: `attacker.example:${port}`, 'content-type': 'application/json' }, body: method === 'POST' ? '{"scope":"admin"}' : undefined });
      expect(res.status, `${method} ${path}: ${res.body}`).toBe(403);
      expect(res.body).toContain('server.allowedHosts');
    }
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, 'localhost']) {
      const res = await raw(lookout!.url, '/api/v1/project', { headers: { host } });
      expect(res.status, `${host}: ${res.body}`).toBe(200);
    }
    const keys = await raw(lookout!.url, '/api/v1/keys?project=default', { headers: { host: `localhost:${port}` } });
    expect(JSON.parse(keys.body).keys).toEqual([]);
  });

  it('cross-site writes: a foreign Origin POST to /api/v1/pricing/backfill gets 403; no Origin and same origin work', async () => {
    const port = lookout!.port;
    const attack = await raw(lookout!.url, '/api/v1/pricing/backfill', { method: 'POST', headers: { origin: 'https://attacker.example', 'sec-fetch-site': 'cross-site' } });
    expect(attack.status, attack.body).toBe(403);
    expect(attack.body).toContain('server.allowedOrigins');
    const simple = await raw(lookout!.url, '/api/v1/pricing/backfill', { method: 'POST', headers: { 'sec-fetch-site': 'cross-site', 'content-type': 'text/plain' }, body: 'x' });
    expect(simple.status, simple.body).toBe(403);
    const cli = await raw(lookout!.url, '/api/v1/pricing/backfill', { method: 'POST' });
    expect(cli.status, cli.body).toBe(200);
    const ui = await raw(lookout!.url, '/api/v1/pricing/backfill', { method: 'POST', headers: { host: `127.0.0.1:${port}`, origin: `http://127.0.0.1:${port}`, 'sec-fetch-site': 'same-origin', 'content-type': 'application/json' }, body: '{}' });
    expect(ui.status, ui.body).toBe(200);
  });

  it('a request through a local proxy (forwarding headers) is not the operator: 401 without a key', async () => {
    const proxied: Record<string, string>[] = [{ 'x-forwarded-for': '203.0.113.7' }, { forwarded: 'for=203.0.113.7;proto=https' }, { 'x-real-ip': '203.0.113.7' }];
    for (const headers of proxied) {
      const res = await raw(lookout!.url, '/api/v1/spans', { headers });
      expect(res.status, JSON.stringify(headers)).toBe(401);
      expect(res.body).toContain('server.trustProxy');
    }
    const create = await raw(lookout!.url, '/api/v1/keys', { method: 'POST', headers: { 'x-forwarded-for': '203.0.113.7', 'content-type': 'application/json' }, body: '{"scope":"admin"}' });
    expect(create.status).toBe(401);
  });

  it('the UI comes with security headers', async () => {
    const res = await raw(lookout!.url, '/', { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    expect(res.body).toContain('<div id="root">');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['content-security-policy']).toMatch(/default-src 'self'.*script-src 'self'.*frame-ancestors 'none'/);
  });

  it('slow clients are cut off: headers within headersTimeoutMs, the whole request within requestTimeoutMs', async () => {
    const headers = await stalledConnection(lookout!.port, 'GET /healthz HTTP/1.1\r\nHost: localhost\r\n', 10_000);
    expect(headers.closedAfterMs, 'a request whose headers never end is closed').not.toBeNull();
    expect(headers.closedAfterMs!).toBeLessThan(HEADERS_TIMEOUT_MS * 4);
    expect(headers.received).toContain('408');
    const body = await stalledConnection(lookout!.port, 'POST /api/v1/ingest HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"batch":', 10_000);
    expect(body.closedAfterMs, 'a request whose body never ends is closed').not.toBeNull();
    expect(body.closedAfterMs!).toBeLessThan(REQUEST_TIMEOUT_MS * 4);
    // The server is fine afterwards.
    expect((await raw(lookout!.url, '/readyz')).status).toBe(200);
  });

  it('a gateway stream longer than requestTimeoutMs is not cut', async () => {
    const startedAt = Date.now();
    const res = await raw(lookout!.url, '/proxy/openai/v1/chat/completions', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer sk-upstream-test' },
      body: JSON.stringify({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(Date.now() - startedAt).toBeGreaterThan(REQUEST_TIMEOUT_MS);
    expect(res.status, res.body).toBe(200);
    expect(res.body).toContain(`part${STREAM_CHUNKS - 1}`);
    expect(res.body).toContain('[DONE]');
  });
});

describe('a server behind a proxy (server.trustProxy) with metrics.requireKey', () => {
  let lookout: LookoutServer | undefined;
  let dataDir = '';
  let adminKey = '';

  beforeAll(async () => {
    dataDir = await makeTempDir('security-proxy');
    lookout = await startLookout({ dataDir, env: { LOOKOUT_TRUST_PROXY: 'true', LOOKOUT_METRICS_REQUIRE_KEY: 'true' } });
    adminKey = /admin key for project 'default' was created:\s+(\S+)/.exec(lookout.process.stdout)![1]!;
  });

  afterAll(async () => {
    await lookout?.stop();
    await removeTempDir(dataDir);
  });

  it('requires keys even from loopback, and accepts them through the proxy', async () => {
    expect((await raw(lookout!.url, '/api/v1/project')).status).toBe(401);
    const viaProxy = await raw(lookout!.url, '/api/v1/project', { headers: { 'x-forwarded-for': '203.0.113.7', 'x-forwarded-host': 'lookout.example.com', authorization: `Bearer ${adminKey}` } });
    expect(viaProxy.status, viaProxy.body).toBe(200);
    // The UI behind the proxy: its origin is the public name the proxy forwards.
    const write = await raw(lookout!.url, '/api/v1/pricing/backfill', {
      method: 'POST',
      headers: { origin: 'https://lookout.example.com', 'x-forwarded-host': 'lookout.example.com', 'x-forwarded-for': '203.0.113.7', authorization: `Bearer ${adminKey}` },
    });
    expect(write.status, write.body).toBe(200);
  });

  it('/metrics needs a key of the default project', async () => {
    expect((await raw(lookout!.url, '/metrics')).status).toBe(401);
    const ok = await raw(lookout!.url, '/metrics', { headers: { authorization: `Bearer ${adminKey}` } });
    expect(ok.status).toBe(200);
    expect(ok.body).toContain('# HELP');
    expect((await raw(lookout!.url, '/healthz')).status).toBe(200);
  });

  it('the first admin key went to stdout only, never into a log line', async () => {
    const logLines = lookout!.process.everything('stdout').split('\n').filter((line) => line.startsWith('{'));
    expect(logLines.length).toBeGreaterThan(0);
    expect(logLines.filter((line) => line.includes(adminKey))).toEqual([]);
    expect(lookout!.process.everything('stderr')).not.toContain(adminKey);
  });

  it('the CLI takes the key from a file or stdin, warns about --key, and prints a new key only on stdout', async () => {
    const env = { ...process.env, LOOKOUT_API_KEY: '' };
    const created = await runProgram('lookout keys create', process.execPath, [cliPath, 'keys', 'create', '--project', 'acme', '--scope', 'read', '--url', lookout!.url, '--key-file', '-'], { env, stdin: `${adminKey}\n` });
    expect(created.code, created.output).toBe(0);
    const newKey = created.stdout.trim();
    expect(newKey).toMatch(/^\S{20,}$/);
    expect(created.stderr).not.toContain(newKey);
    expect(created.stderr).not.toContain('--key is visible');
    expect((await raw(lookout!.url, '/api/v1/project', { headers: { authorization: `Bearer ${newKey}` } })).status).toBe(200);
    expect(lookout!.process.printed(newKey)).toBe(false);

    const keyFile = join(dataDir, 'admin.key');
    await writeFile(keyFile, `${adminKey}\n`, { mode: 0o600 });
    const listed = await runProgram('lookout keys list', process.execPath, [cliPath, 'keys', 'list', '--project', 'acme', '--url', lookout!.url, '--key-file', keyFile], { env });
    expect(listed.code, listed.output).toBe(0);
    expect(JSON.parse(listed.stdout)).toHaveLength(1);

    const onArgv = await runProgram('lookout keys list', process.execPath, [cliPath, 'keys', 'list', '--project', 'acme', '--url', lookout!.url, '--key', adminKey], { env });
    expect(onArgv.code, onArgv.output).toBe(0);
    expect(onArgv.stderr).toContain('--key is visible');
  });
});
