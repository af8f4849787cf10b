import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LogRecord } from '../domain/score.ts';
import { projectId, type Store } from '../store/store.ts';
import { makeTestApp, generation, type TestApp } from '../testing/app.ts';
import { hex, makeSpan } from '../testing/fixtures.ts';
import type { McpDeps } from './deps.ts';
import { createMcpServer } from './server.ts';

// The MCP endpoint driven by the SDK's own client over a real socket: every tool answers with the
// numbers the HTTP API gives for the same question, only for the key's project.

let t: TestApp;
let base: string;
let readKey: string;
let otherKey: string;
const traceId = hex(16);
const rootId = hex(8);
const childId = hex(8);
const otherTrace = hex(16);

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

async function api<T>(path: string, key = readKey): Promise<T> {
  const res = await fetch(`${base}${path}`, { headers: bearer(key) });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as T;
}

async function connect(key: string | null): Promise<Client> {
  const client = new Client({ name: 'lookout-test', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${base}/mcp`), { requestInit: { headers: key ? bearer(key) : {} } }));
  return client;
}

type ToolAnswer = { isError?: boolean; content: { type: string; text: string }[] };
async function call(client: Client, name: string, args: Record<string, unknown> = {}): Promise<{ isError: boolean; text: string; json: () => any }> {
  const r = (await client.callTool({ name, arguments: args })) as ToolAnswer;
  const text = r.content[0]?.text ?? '';
  return { isError: r.isError === true, text, json: () => JSON.parse(text) };
}

beforeAll(async () => {
  t = await makeTestApp({ requireApiKeys: 'always' });
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  readKey = (await t.ctx.store.createApiKey(projectId('default'), 'read', null)).key;
  const ingestKey = (await t.ctx.store.createApiKey(projectId('default'), 'ingest', null)).key;
  otherKey = (await t.ctx.store.createApiKey(projectId('other'), 'read', null)).key;
  const otherIngest = (await t.ctx.store.createApiKey(projectId('other'), 'ingest', null)).key;
  const send = async (key: string, batch: object[]) => {
    const res = await fetch(`${base}/api/v1/ingest`, { method: 'POST', headers: { ...bearer(key), 'content-type': 'application/json' }, body: JSON.stringify({ batch }) });
    expect(res.status, await res.text()).toBe(200);
  };
  await send(ingestKey, [
    { type: 'span', traceId, spanId: rootId, name: 'agent run', startTime: new Date(Date.now() - 10_000).toISOString(), durationMs: 5_000, userId: 'alice', feature: 'chat' },
    generation({ traceId, spanId: childId, parentSpanId: rootId, name: 'answer', usage: { input: 1234, output: 567, cacheRead: 89 }, userId: 'alice', feature: 'chat', input: 'the prompt', output: 'the answer' }),
    generation({ traceId: hex(16), spanId: hex(8), model: 'gpt-4o-mini', usage: { input: 777, output: 33 }, userId: 'bob', status: 'error', errorMessage: 'upstream timed out' }),
    generation({ traceId: hex(16), spanId: hex(8), model: 'no-such-model-x', usage: { input: 10, output: 5 }, userId: 'bob' }),
    { type: 'score', id: hex(8), traceId, spanId: childId, name: 'helpfulness', value: 0.25 },
  ]);
  await send(otherIngest, [generation({ traceId: otherTrace, spanId: hex(8), usage: { input: 999_999, output: 1 } })]);
}, 60_000);

afterAll(async () => {
  await t?.close();
});

describe('the MCP server over Streamable HTTP', () => {
  it('lists the read-only tools, each with a description and an input schema', async () => {
    const client = await connect(readKey);
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(['check_budget', 'explain_cost', 'get_trace', 'list_alerts', 'list_traces', 'query_analytics', 'top_issues']);
    for (const tool of tools) {
      expect(tool.description!.length).toBeGreaterThan(60);
      expect(tool.inputSchema.type).toBe('object');
      expect(tool.annotations, tool.name).toEqual({ readOnlyHint: true, openWorldHint: false });
    }
    expect(client.getInstructions()).toContain('nano-dollars');
    // A server built per request has no way to announce a changed tool list.
    expect(client.getServerCapabilities()?.tools?.listChanged).not.toBe(true);
    const props = (name: string) => tools.find((tool) => tool.name === name)!.inputSchema.properties as Record<string, { description?: string }>;
    expect(props('list_traces').from!.description).toMatch(/default all history/);
    expect(props('query_analytics').measures!.description).toContain('app_cache_hit_rate count lookups in the application\'s own caches, not calls: ask for them alone');
    expect(props('check_budget').team!.description).toMatch(/team/);
    expect(props('check_budget').department!.description).toMatch(/department/);
    await client.close();
  });

  it('answers query_analytics with the numbers of GET /api/v1/analytics/query, unrounded', async () => {
    const client = await connect(readKey);
    const viaApi = await api<{ rows: unknown[] }>('/api/v1/analytics/query?measures=cost,requests,input_tokens,latency_p95&groupBy=model&from=1h&limit=50');
    const viaMcp = (await call(client, 'query_analytics', { measures: ['cost', 'requests', 'input_tokens', 'latency_p95'], groupBy: ['model'], from: '1h' })).json();
    expect(viaApi.rows.length).toBe(3);
    expect(viaMcp.rows).toEqual(viaApi.rows);
    const filtered = (await call(client, 'query_analytics', { measures: ['cost'], filters: ['user:alice'], from: '1h' })).json();
    expect(filtered.rows).toEqual((await api<{ rows: unknown[] }>('/api/v1/analytics/query?measures=cost&filter=user:alice&from=1h&limit=50')).rows);
    await client.close();
  });

  it('lists traces and opens one with the costs, usage and scores the API holds, linking to the web UI', async () => {
    const client = await connect(readKey);
    const listed = (await call(client, 'list_traces', { userId: 'alice', from: '1h' })).json();
    const apiList = await api<{ total: number; traces: { traceId: string; costUsd: number | null; tokens: number }[] }>('/api/v1/traces?userId=alice&from=1h&limit=20');
    expect(listed.total).toBe(apiList.total);
    expect(listed.traces.map((x: { traceId: string; costUsd: number; tokens: number }) => [x.traceId, x.costUsd, x.tokens])).toEqual(apiList.traces.map((x) => [x.traceId, x.costUsd, x.tokens]));
    expect(listed.traces[0].url).toBe(`${base}/traces/${traceId}`);

    const trace = (await call(client, 'get_trace', { traceId: traceId.toUpperCase() })).json();
    const apiTrace = await api<{ spans: { spanId: string; usage: unknown; cost: { totalNanoUsd: number | null } }[]; scores: { name: string; numericValue: number }[] }>(`/api/v1/traces/${traceId}`);
    const child = trace.spans.find((s: { spanId: string }) => s.spanId === childId);
    const apiChild = apiTrace.spans.find((s) => s.spanId === childId)!;
    expect(child.cost.totalNanoUsd).toBe(apiChild.cost.totalNanoUsd);
    expect(child.cost.totalNanoUsd).toBeGreaterThan(0);
    expect(child.usage).toEqual(apiChild.usage);
    expect(child.parentSpanId).toBe(rootId);
    expect(child.url).toBe(`${base}/traces/${traceId}?span=${childId}`);
    expect(child.content).toBeUndefined();
    expect(trace.totalCostNanoUsd).toBe(apiChild.cost.totalNanoUsd);
    expect(trace.scores).toEqual([expect.objectContaining({ name: 'helpfulness', value: 0.25, spanId: childId })]);
    const withContent = (await call(client, 'get_trace', { traceId, includeContent: true })).json();
    expect(withContent.spans.find((s: { spanId: string }) => s.spanId === childId).content).toEqual({ input: 'the prompt', output: 'the answer' });
    await client.close();
  });

  it("explains a span's cost line by line as GET /api/v1/spans/{id}/cost does", async () => {
    const client = await connect(readKey);
    const { url, ...viaMcp } = (await call(client, 'explain_cost', { spanId: childId })).json();
    expect(viaMcp).toEqual(await api(`/api/v1/spans/${childId}/cost`));
    expect(url).toBe(`${base}/traces/${traceId}?span=${childId}`);
    await client.close();
  });

  it('answers top_issues, list_alerts and check_budget from the reads of their routes', async () => {
    const client = await connect(readKey);
    const issues = (await call(client, 'top_issues', { from: '1h', limit: 20 })).json();
    const apiIssues = await api<{ errors: { count: number; traceIds: string[] }[]; lowScores: { count: number }[] }>('/api/v1/quality/top-issues?from=1h&limit=20');
    expect(issues.errors.map((e: { count: number }) => e.count)).toEqual(apiIssues.errors.map((e) => e.count));
    expect(issues.errors.length).toBe(1);
    expect(issues.lowScores.map((e: { count: number }) => e.count)).toEqual(apiIssues.lowScores.map((e) => e.count));
    expect(issues.errors[0].traceUrls[0]).toBe(`${base}/traces/${apiIssues.errors[0].traceIds[0]}`);

    const alerts = (await call(client, 'list_alerts', { states: ['pending', 'firing', 'resolved'] })).json();
    expect(alerts.alerts.length).toBe((await api<{ alerts: unknown[] }>('/api/v1/alerts?state=all')).alerts.length);

    const budgets = (await call(client, 'check_budget')).json();
    expect(budgets.statuses.length).toBe((await api<{ statuses: unknown[] }>('/api/v1/budgets/status')).statuses.length);
    const check = (await call(client, 'check_budget', { user: 'alice' })).json();
    const apiCheck = await api<{ allowed: boolean; budgets: unknown[] }>('/api/v1/budgets/check?user=alice');
    expect([check.allowed, check.budgets.length]).toEqual([apiCheck.allowed, apiCheck.budgets.length]);
    await client.close();
  });

  it("keeps to the key's project: another project's trace and span are not found, and its cost is not counted", async () => {
    const client = await connect(otherKey);
    const mine = (await call(client, 'query_analytics', { measures: ['requests', 'input_tokens'], from: '1h' })).json();
    expect(mine.rows).toEqual([{ requests: 1, input_tokens: 999_999 }]);
    const foreign = await call(client, 'get_trace', { traceId });
    expect(foreign.isError).toBe(true);
    expect(foreign.text).toContain(`no trace ${traceId}`);
    expect((await call(client, 'explain_cost', { spanId: childId })).isError).toBe(true);
    expect((await call(client, 'list_traces', { q: traceId })).json().traces).toEqual([]);
    await client.close();
  });

  it('refuses a request without a key, or with a key that may not read, before any tool runs', async () => {
    await expect(connect(null)).rejects.toMatchObject({ code: 401, message: expect.stringContaining('an API key is required') });
    const ingestOnly = (await t.ctx.store.createApiKey(projectId('default'), 'ingest', null)).key;
    await expect(connect(ingestOnly)).rejects.toMatchObject({ code: 403, message: expect.stringContaining("'read' is needed") });
    const raw = await fetch(`${base}/mcp`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: '{}' });
    expect(raw.status).toBe(401);
  });

  it('answers bad tool input with a tool error naming the problem, and stays up', async () => {
    const client = await connect(readKey);
    const badMeasure = await call(client, 'query_analytics', { measures: ['dollars'] });
    expect(badMeasure.isError).toBe(true);
    expect(badMeasure.text).toMatch(/measures/);
    const badGroup = await call(client, 'query_analytics', { measures: ['cost'], groupBy: ['colour'] });
    expect(badGroup.isError).toBe(true);
    expect(badGroup.text).toMatch(/colour/);
    const badRange = await call(client, 'list_traces', { from: 'yesterday-ish' });
    expect(badRange.isError).toBe(true);
    expect(badRange.text).toMatch(/from/);
    const badId = await call(client, 'get_trace', { traceId: 'abc' });
    expect(badId.isError).toBe(true);
    expect(badId.text).toMatch(/32 hex characters/);
    for (const [name, value] of [['minCostUsd', 1e308], ['maxCostUsd', 2 ** 64], ['minDurationMs', 1e19], ['maxDurationMs', 1e308]] as const) {
      const huge = await call(client, 'list_traces', { [name]: value });
      expect(huge.isError, huge.text).toBe(true);
      expect(huge.text).toMatch(new RegExp(`must be at most \\d+ at ${name}`));
    }
    const tooWide = await call(client, 'top_issues', { from: '400d' });
    expect(tooWide.isError).toBe(true);
    expect(tooWide.text).toMatch(/at most 90 days/);
    expect((await call(client, 'list_traces', { limit: 1 })).isError).toBe(false);
    await client.close();
  });

  it('bounds the body and answers GET and DELETE 405: the server keeps no sessions', async () => {
    // Larger than the route's 1 MiB, smaller than the ingest limit the rest of the API has.
    const big = await fetch(`${base}/mcp`, {
      method: 'POST',
      headers: { ...bearer(readKey), 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: { pad: 'x'.repeat(1.5 * 1024 * 1024) } }),
    });
    expect(big.status).toBe(413);
    expect(((await big.json()) as { error: { message: string } }).error.message).toContain(`larger than ${1024 * 1024} bytes`);
    for (const method of ['GET', 'DELETE']) {
      const res = await fetch(`${base}/mcp`, { method, headers: { ...bearer(readKey), accept: 'text/event-stream' } });
      expect(res.status).toBe(405);
      expect(res.headers.get('allow')).toBe('POST');
    }
  });
});

describe('a batch', () => {
  it('is refused with 400 before any of its calls runs', async () => {
    const listTraces = vi.spyOn(t.ctx.store, 'listTraces');
    const call = (id: number) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'list_traces', arguments: {} } });
    const res = await fetch(`${base}/mcp`, {
      method: 'POST',
      headers: { ...bearer(readKey), 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-06-18' },
      body: JSON.stringify([call(1), call(2)]),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/one JSON-RPC message per request/);
    expect(listTraces).not.toHaveBeenCalled();
    listTraces.mockRestore();
  });
});

// The server on its own, over an in-memory transport, with a store that fails or answers as a test needs.
describe('a tool on a store that fails or holds a large trace', () => {
  async function open(store: Partial<Store>) {
    const log = { error: vi.fn() };
    const deps: McpDeps = { ...t.ctx, store: Object.assign(Object.create(t.ctx.store) as Store, store) };
    const server = createMcpServer(deps, { projectId: projectId('default'), uiOrigin: '', requestId: 'req-42', log });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    const client = new Client({ name: 'lookout-test', version: '1.0.0' });
    await client.connect(clientSide);
    return { client, log };
  }

  it("answers an unexpected failure with the request id only, and logs the failure's text", async () => {
    const failure = new Error('ERR bigint out of int64 range');
    const { client, log } = await open({ listTraces: async () => Promise.reject(failure) });
    const answer = await call(client, 'list_traces');
    expect(answer.isError).toBe(true);
    expect(answer.text).toBe('internal error (request id req-42); the server log has the details');
    expect(log.error).toHaveBeenCalledWith(expect.objectContaining({ err: failure, tool: 'list_traces' }), expect.any(String));
    await client.close();
  });

  it("keeps the message of Lookout's own errors, which are written for the caller", async () => {
    const { client, log } = await open({});
    const answer = await call(client, 'get_trace', { traceId: hex(16) });
    expect(answer).toMatchObject({ isError: true, text: expect.stringMatching(/^no trace [0-9a-f]{32} in this project$/) });
    expect(log.error).not.toHaveBeenCalled();
    await client.close();
  });

  it('reads up to 1,000 log records of a trace for its content and says when there were more', async () => {
    const span = makeSpan();
    const logs: LogRecord[] = Array.from({ length: 1_001 }, (_, i) => ({
      projectId: 'default',
      id: hex(8),
      traceId: span.traceId,
      spanId: span.spanId,
      timestampUs: span.startUs + i,
      severity: 'info',
      body: 'not an event',
      attributes: {},
    }));
    const limits: (number | undefined)[] = [];
    const getTrace: Store['getTrace'] = async (_project, _traceId, limit) => {
      limits.push(limit);
      return { spans: [span], scores: [], logs: logs.slice(0, limit) };
    };
    const { client } = await open({ getTrace });
    const answer = (await call(client, 'get_trace', { traceId: span.traceId, includeContent: true })).json();
    expect(limits).toEqual([1_001]);
    expect(answer.logsTruncated).toBe(true);
    expect(answer.spanCount).toBe(1);
    expect((await call(client, 'get_trace', { traceId: span.traceId })).json().logsTruncated).toBeUndefined();
    await client.close();
  });
});
