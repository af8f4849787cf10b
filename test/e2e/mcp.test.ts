// The MCP server as its users run it: a Lookout child process with keys required, reached by the
// official SDK's client over Streamable HTTP (POST /mcp) and over stdio through `lookout mcp`
// launched as a child process. The tools answer with the HTTP API's numbers, for the key's
// project only; no key, no answer.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliPath, makeTempDir, removeTempDir, startLookout, type LookoutServer } from './harness.ts';

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const TOOLS = ['check_budget', 'explain_cost', 'get_trace', 'list_alerts', 'list_traces', 'query_analytics', 'top_issues'];

let lookout: LookoutServer | undefined;
let dataDir = '';
let readKey = '';
let otherKey = '';
const traceId = hex(16);
const spanId = hex(8);
const clients: Client[] = [];

async function createKey(adminKey: string, body: object): Promise<string> {
  const res = await fetch(`${lookout!.url}/api/v1/keys`, { method: 'POST', headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status, await res.clone().text()).toBe(201);
  return ((await res.json()) as { key: string }).key;
}

async function ingest(key: string, batch: object[]): Promise<void> {
  const res = await fetch(`${lookout!.url}/api/v1/ingest`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify({ batch }) });
  expect(res.status, await res.text()).toBe(200);
}

async function api<T>(path: string): Promise<T> {
  const res = await fetch(`${lookout!.url}${path}`, { headers: { authorization: `Bearer ${readKey}` } });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as T;
}

function generation(over: object): object {
  return { type: 'generation', startTime: new Date(Date.now() - 5_000).toISOString(), durationMs: 800, provider: 'openai', model: 'gpt-4o', ...over };
}

async function overHttp(key: string | null): Promise<Client> {
  const client = new Client({ name: 'e2e-http', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${lookout!.url}/mcp`), { requestInit: { headers: key ? { authorization: `Bearer ${key}` } : {} } }));
  clients.push(client);
  return client;
}

// `lookout mcp` as an agent launches it: the server's address and key in its environment.
async function overStdio(key: string | null): Promise<{ client: Client; stderr: () => string }> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', LOOKOUT_URL: lookout!.url };
  if (key) env.LOOKOUT_API_KEY = key;
  const transport = new StdioClientTransport({ command: process.execPath, args: [cliPath, 'mcp'], env, stderr: 'pipe' });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const client = new Client({ name: 'e2e-stdio', version: '1.0.0' });
  clients.push(client);
  await client.connect(transport);
  return { client, stderr: () => stderr };
}

async function call(client: Client, name: string, args: Record<string, unknown> = {}) {
  const r = (await client.callTool({ name, arguments: args })) as { isError?: boolean; content: { text: string }[] };
  const text = r.content[0]?.text ?? '';
  return { isError: r.isError === true, text, json: () => JSON.parse(text) };
}

beforeAll(async () => {
  dataDir = await makeTempDir('lookout-e2e-mcp-');
  lookout = await startLookout({ dataDir, logLevel: 'warn', env: { LOOKOUT_REQUIRE_API_KEYS: 'always' } });
  const adminKey = /admin key for project 'default' was created:\s+(\S+)/.exec(lookout.process.stdout)![1]!;
  readKey = await createKey(adminKey, { scope: 'read' });
  otherKey = await createKey(adminKey, { scope: 'read', project: 'elsewhere' });
  await ingest(await createKey(adminKey, { scope: 'ingest' }), [
    generation({ traceId, spanId, usage: { input: 4321, output: 987, cacheRead: 123 }, userId: 'alice', feature: 'search' }),
    generation({ traceId: hex(16), spanId: hex(8), model: 'gpt-4o-mini', usage: { input: 50_000, output: 1_234 }, userId: 'bob', status: 'error', errorMessage: 'rate limited' }),
  ]);
  await ingest(await createKey(adminKey, { scope: 'ingest', project: 'elsewhere' }), [generation({ traceId: hex(16), spanId: hex(8), usage: { input: 1, output: 1 } })]);
}, 120_000);

afterAll(async () => {
  for (const client of clients) await client.close().catch(() => undefined);
  await lookout?.stop();
  if (dataDir) await removeTempDir(dataDir);
});

describe.each([
  ['Streamable HTTP (POST /mcp)', async (key: string | null) => overHttp(key)],
  ['stdio (lookout mcp)', async (key: string | null) => (await overStdio(key)).client],
])('the MCP server over %s', (_name, connect) => {
  it('lists the tools and answers each with the numbers of the HTTP API', { timeout: 60_000 }, async () => {
    const client = await connect(readKey);
    expect((await client.listTools()).tools.map((t) => t.name).sort()).toEqual(TOOLS);

    const analytics = await call(client, 'query_analytics', { measures: ['cost', 'requests', 'total_tokens'], groupBy: ['user'], from: '1h' });
    const apiAnalytics = await api<{ rows: object[] }>('/api/v1/analytics/query?measures=cost,requests,total_tokens&groupBy=user&from=1h&limit=50');
    expect(analytics.json().rows).toEqual(apiAnalytics.rows);
    expect(apiAnalytics.rows.length).toBe(2);

    const traces = (await call(client, 'list_traces', { from: '1h', orderBy: 'cost' })).json();
    const apiTraces = await api<{ total: number; traces: { traceId: string; costUsd: number }[] }>('/api/v1/traces?from=1h&orderBy=cost&limit=20');
    expect(traces.traces.map((t: { traceId: string; costUsd: number }) => [t.traceId, t.costUsd])).toEqual(apiTraces.traces.map((t) => [t.traceId, t.costUsd]));
    expect(traces.traces[0].url).toBe(`${lookout!.url}/traces/${apiTraces.traces[0].traceId}`);

    const trace = (await call(client, 'get_trace', { traceId })).json();
    const apiTrace = await api<{ spans: { cost: { totalNanoUsd: number } }[] }>(`/api/v1/traces/${traceId}`);
    expect(trace.spans[0].cost.totalNanoUsd).toBe(apiTrace.spans[0].cost.totalNanoUsd);
    expect(trace.totalCostNanoUsd).toBe(apiTrace.spans[0].cost.totalNanoUsd);

    const { url: _url, ...explained } = (await call(client, 'explain_cost', { spanId })).json();
    expect(explained).toEqual(await api(`/api/v1/spans/${spanId}/cost`));

    const issues = (await call(client, 'top_issues', { from: '1h' })).json();
    const apiIssues = await api<{ errors: { fingerprint: string; count: number }[] }>('/api/v1/quality/top-issues?from=1h&limit=10');
    expect(issues.errors.map((e: { fingerprint: string; count: number }) => [e.fingerprint, e.count])).toEqual(apiIssues.errors.map((e) => [e.fingerprint, e.count]));

    expect((await call(client, 'list_alerts')).json().alerts.length).toBe((await api<{ alerts: unknown[] }>('/api/v1/alerts')).alerts.length);
    expect((await call(client, 'check_budget')).json().statuses.length).toBe((await api<{ statuses: unknown[] }>('/api/v1/budgets/status')).statuses.length);
  });

  it("keeps to the key's project and answers bad input with a tool error", { timeout: 60_000 }, async () => {
    const other = await connect(otherKey);
    expect((await call(other, 'query_analytics', { measures: ['requests'], from: '1h' })).json().rows).toEqual([{ requests: 1 }]);
    const foreign = await call(other, 'get_trace', { traceId });
    expect(foreign.isError).toBe(true);
    expect(foreign.text).toContain(`no trace ${traceId}`);

    const client = await connect(readKey);
    const bad = await call(client, 'query_analytics', { measures: ['cost'], groupBy: ['colour'] });
    expect(bad.isError).toBe(true);
    expect(bad.text).toMatch(/groupBy: 'colour' is not a dimension/);
    expect((await call(client, 'list_traces', { limit: 1 })).isError).toBe(false);
  });
});

describe('without a key', () => {
  it('is refused over HTTP (401) and over stdio, where the message says why', { timeout: 60_000 }, async () => {
    await expect(overHttp(null)).rejects.toMatchObject({ code: 401 });
    const stdio = overStdio(null);
    await expect(stdio).rejects.toThrow(/answered HTTP 401: an API key is required/);
  });
});

// `lookout mcp` driven line by line, as a client that sends what it likes and keeps stdin open.
function relay(args: string[], env: Record<string, string>): { child: ChildProcessWithoutNullStreams; lines: string[]; stderr: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [cliPath, 'mcp', ...args], { env: { PATH: process.env.PATH ?? '', LOOKOUT_URL: lookout!.url, ...env } });
  const lines: string[] = [];
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    const parts = out.split('\n');
    out = parts.pop()!;
    lines.push(...parts);
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  return { child, lines, stderr: () => err, exited };
}

async function until(what: string, check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('lookout mcp over stdio', () => {
  it("refuses a key read from stdin ('-'), which carries the messages, rather than wait for its end", { timeout: 60_000 }, async () => {
    for (const [args, env] of [[['--key-file', '-'], {}], [[], { LOOKOUT_API_KEY_FILE: '-' }]] as const) {
      const r = relay([...args], env);
      try {
        // stdin stays open, as a client's does.
        const code = await Promise.race([r.exited, new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 30_000))]);
        expect(code, r.stderr()).not.toBe('hung');
        expect(code).not.toBe(0);
        expect(r.stderr()).toMatch(/reads its messages from stdin/);
      } finally {
        r.child.kill();
      }
    }
  });

  it('answers a line that is not JSON with a parse error, and closes quietly when stdin ends', { timeout: 60_000 }, async () => {
    const r = relay([], { LOOKOUT_API_KEY: readKey });
    try {
      const send = (line: string) => r.child.stdin.write(`${line}\n`);
      send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'e2e-raw', version: '1' } } }));
      await until('the initialize answer', () => r.lines.length >= 1);
      send('this is not json');
      send(JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }));
      send(JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }));
      // Closed at once: the request in flight is answered first, and what the relay still had open
      // (the event stream it asks for after initialization) is not reported as a failure.
      r.child.stdin.end();
      expect(await r.exited).toBe(0);
      expect(r.stderr()).not.toMatch(/aborted/);
      const answers = r.lines.map((line) => JSON.parse(line) as { id: unknown; error?: { code: number; message: string }; result?: { tools?: unknown[] } });
      expect(answers.find((a) => a.id === null)?.error).toMatchObject({ code: -32700, message: expect.stringMatching(/^Parse error/) });
      expect(answers.find((a) => a.id === 2)?.result?.tools).toHaveLength(TOOLS.length);
    } finally {
      r.child.kill();
    }
  });
});
