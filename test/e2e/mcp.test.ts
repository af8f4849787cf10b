// The MCP server as its users run it: a Lookout child process with keys required, reached by the
// official SDK's client over Streamable HTTP (POST /mcp) and over stdio through `lookout mcp`
// launched as a child process. The tools answer with the HTTP API's numbers, for the key's
// project only; no key, no answer.
import { randomBytes } from 'node:crypto';
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
    await expect(stdio).rejects.toThrow(/an API key is required/);
  });
});
