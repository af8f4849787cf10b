// The gateway in process, driven by the official OpenAI and Anthropic clients and by raw fetch,
// in front of fake upstreams that speak each provider's wire format.
import { createServer } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import Anthropic from '@anthropic-ai/sdk';
import { calcPrice } from '@pydantic/genai-prices';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startFakeAnthropic, MESSAGE_USAGE, STREAM_MESSAGE_USAGE } from '../../../../../test/e2e/fake-anthropic.ts';
import { CHAT_USAGE, RESPONSES_USAGE, startFake, startFakeOpenAI, STREAM_USAGE, type FakeUpstream } from '../../../../../test/e2e/fake-openai.ts';
import { LookoutError } from '../../errors.ts';
import type { GatewayActionOutcome } from './actions.ts';
import { parseAttribution } from './headers.ts';
import { MAX_DECODED_BODY_BYTES } from './route.ts';
import { projectId } from '../../store/store.ts';
import { generation, makeTestApp, type TestApp } from '../../testing/app.ts';

const PROVIDER_KEY = 'sk-test-provider-secret-0123456789';

let t: TestApp;
let base = '';
let oai: FakeUpstream;
let ant: FakeUpstream;
let session = 0;

beforeAll(async () => {
  oai = await startFakeOpenAI();
  ant = await startFakeAnthropic();
  t = await makeTestApp({ 'gateway.openaiBaseUrl': `${oai.url}/v1`, 'gateway.anthropicBaseUrl': ant.url, 'gateway.maxBodyBytes': 1_000_000 });
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await t.close();
  await oai.close();
  await ant.close();
});

const newSession = () => `s-${process.pid}-${++session}`;

interface Span {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  name: string;
  kind: string;
  provider: string;
  requestModel: string | null;
  responseModel: string | null;
  usage: Record<string, number>;
  cost: { status: string; totalNanoUsd: number | null };
  status: string;
  errorClass: string | null;
  errorMessage: string | null;
  finishReason: string | null;
  ttftMs: number | null;
  startUs: number;
  endUs: number;
  attribution: Record<string, string | null>;
  tags: string[];
  metadata: Record<string, string>;
  requestId: string | null;
  content: { input: string | null; output: string | null } | null;
}

// Recording happens after the response: poll until the session's calls are stored.
async function spansOf(sessionId: string, count = 1): Promise<Span[]> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const res = await t.app.inject(`/api/v1/spans?sessionId=${encodeURIComponent(sessionId)}&limit=100`);
    const spans = res.json().spans as Span[];
    if (spans.length >= count) return spans;
    if (Date.now() > deadline) throw new Error(`expected ${count} spans of session ${sessionId}, found ${spans.length}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function lookoutHeaders(sessionId: string, extra: Record<string, string> = {}): Record<string, string> {
  return { 'x-lookout-user': 'alice', 'x-lookout-session': sessionId, 'x-lookout-feature': 'support', 'x-lookout-team': 'core', ...extra };
}

function openai(sessionId: string, extra: Record<string, string> = {}): OpenAI {
  return new OpenAI({ apiKey: PROVIDER_KEY, baseURL: `${base}/proxy/openai/v1`, maxRetries: 0, defaultHeaders: lookoutHeaders(sessionId, extra) });
}

function anthropic(sessionId: string, extra: Record<string, string> = {}): Anthropic {
  return new Anthropic({ apiKey: PROVIDER_KEY, baseURL: `${base}/proxy/anthropic`, maxRetries: 0, defaultHeaders: lookoutHeaders(sessionId, extra) });
}

function rawRequest(text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect((t.app.server.address() as AddressInfo).port, '127.0.0.1');
    let out = '';
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => (out += d));
    socket.on('end', () => resolve(out));
    socket.on('error', reject);
    socket.write(Buffer.from(text, 'latin1'));
  });
}

async function metricsText(): Promise<string> {
  return (await t.app.inject('/metrics')).body;
}

function metricValue(text: string, name: string, labels: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(labels));
  return line ? Number(line.split(' ').pop()) : 0;
}

// The same request sent to the fake directly and through the gateway: what comes back must be
// the same bytes with the same status and provider headers.
async function sameAsDirect(provider: 'openai' | 'anthropic', path: string, init: RequestInit & { headers?: Record<string, string> }) {
  const direct = provider === 'openai' ? `${oai.url}/v1/${path}` : `${ant.url}/v1/${path}`;
  const a = await fetch(direct, init);
  const aBody = Buffer.from(await a.arrayBuffer());
  const b = await fetch(`${base}/proxy/${provider}/v1/${path}`, init);
  const bBody = Buffer.from(await b.arrayBuffer());
  expect(b.status).toBe(a.status);
  expect(bBody.equals(aBody)).toBe(true);
  for (const h of ['content-type', 'retry-after', 'x-request-id', 'request-id', 'x-ratelimit-remaining-requests']) expect(b.headers.get(h)).toBe(a.headers.get(h));
  return { direct: a, proxied: b, body: bBody };
}

function catalogNano(model: string, provider: string, usage: Record<string, number>): number {
  const price = calcPrice(usage, model, { providerId: provider });
  if (!price) throw new Error(`no catalog price for ${model}`);
  return Math.round(price.total_price * 1e9);
}

describe('OpenAI through the gateway', () => {
  it('passes a chat completion through with the official client and records it with usage, cost and attribution', async () => {
    const sid = newSession();
    const client = openai(sid, { 'x-lookout-tags': 'beta, eu ,beta', 'x-lookout-metadata': '{"tenant":"acme","tier":2}' });
    const { data, response } = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Where is my order?' }] }).withResponse();
    expect(data.choices[0]!.message.content).toBe('It ships tomorrow.');
    expect(data.usage).toEqual(CHAT_USAGE);
    expect(response.headers.get('x-request-id')).toBe('req_chat');
    const traceHeader = response.headers.get('x-lookout-trace-id');
    expect(traceHeader).toMatch(/^[0-9a-f]{32}$/);

    // What the upstream got: the provider key, no Lookout headers.
    const got = oai.requests.at(-1)!;
    expect(got.headers.authorization).toBe(`Bearer ${PROVIDER_KEY}`);
    expect(Object.keys(got.headers).filter((h) => h.startsWith('x-lookout-'))).toEqual([]);
    expect(JSON.parse(got.body)).toEqual({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Where is my order?' }] });

    const [span] = await spansOf(sid);
    expect(span).toMatchObject({
      traceId: traceHeader,
      parentSpanId: null,
      kind: 'generation',
      name: 'chat gpt-4o-mini-2024-07-18',
      provider: 'openai',
      requestModel: 'gpt-4o-mini',
      responseModel: 'gpt-4o-mini-2024-07-18',
      usage: { input: 176, cacheRead: 1024, output: 80, cacheWrite: 0, reasoning: 0 },
      status: 'ok',
      finishReason: 'stop',
      ttftMs: null,
      requestId: 'req_chat',
      attribution: { userId: 'alice', sessionId: sid, feature: 'support', team: 'core' },
      tags: ['beta', 'eu'],
      metadata: { tenant: 'acme', tier: '2', 'http.status_code': '200' },
      content: { output: 'It ships tomorrow.' },
    });
    expect(span.content!.input).toContain('Where is my order?');
    expect(span.cost.status).toBe('priced');
    expect(span.cost.totalNanoUsd).toBe(
      catalogNano('gpt-4o-mini-2024-07-18', 'openai', { input_tokens: 1200, cache_read_tokens: 1024, output_tokens: 80 }),
    );
    expect(span.endUs).toBeGreaterThan(span.startUs);
    expect(JSON.stringify(span)).not.toContain(PROVIDER_KEY);
  });

  it('returns the same bytes as the upstream, for JSON and for SSE', async () => {
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${PROVIDER_KEY}` };
    const chat = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    await sameAsDirect('openai', 'chat/completions', { method: 'POST', headers, body: chat });
    const stream = JSON.stringify({ model: 'gpt-4o-mini', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'hi' }] });
    const { proxied, body } = await sameAsDirect('openai', 'chat/completions', { method: 'POST', headers, body: stream });
    expect(proxied.headers.get('content-type')).toBe('text/event-stream');
    expect(body.toString()).toContain('data: [DONE]');
    await sameAsDirect('openai', 'embeddings', { method: 'POST', headers, body: JSON.stringify({ model: 'text-embedding-3-small', input: 'x' }) });
    await sameAsDirect('openai', 'models', { headers: { authorization: headers.authorization } });
    await sameAsDirect('anthropic', 'messages', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': PROVIDER_KEY, 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 100, stream: true, messages: [{ role: 'user', content: 'hi' }] }),
    });
  });

  it('streams chat completions chunk by chunk and records usage and time to first token', async () => {
    const sid = newSession();
    const stream = await openai(sid).chat.completions.create({
      model: 'gpt-4o-mini',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'refund?' }],
    });
    let text = '';
    const arrivals: number[] = [];
    let usage: unknown = null;
    for await (const chunk of stream) {
      arrivals.push(performance.now());
      text += chunk.choices[0]?.delta?.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe('Refund is on its way.');
    expect(usage).toEqual(STREAM_USAGE);
    // Not buffered: the chunks (15 ms apart upstream) arrive apart.
    expect(arrivals.at(-1)! - arrivals[0]!).toBeGreaterThan(30);
    const [span] = await spansOf(sid);
    expect(span).toMatchObject({ usage: { input: 300, output: 20, cacheRead: 0 }, finishReason: 'stop', status: 'ok', content: { output: 'Refund is on its way.' } });
    expect(span.ttftMs).toBeGreaterThan(0);
    expect(span.ttftMs!).toBeLessThan((span.endUs - span.startUs) / 1000);
    expect(span.cost.status).toBe('priced');
    // 20 output tokens over the time after the first token.
    const genMs = (span.endUs - span.startUs) / 1000 - span.ttftMs!;
    expect(Number(span.metadata['lookout.stream.tokens_per_second'])).toBeCloseTo((20 / genMs) * 1000, 0);
    expect(Number(span.metadata['lookout.stream.time_per_output_token_ms'])).toBeCloseTo(genMs / 20, 1);
  });

  it('records a stream without usage with no tokens, no cost and a flag', async () => {
    const sid = newSession();
    const stream = await openai(sid).chat.completions.create({ model: 'no-usage', stream: true, messages: [{ role: 'user', content: 'x' }] });
    for await (const _ of stream) void _;
    const [span] = await spansOf(sid);
    expect(span.metadata['gateway.usage']).toBe('not_reported');
    expect(span.usage).toMatchObject({ input: 0, output: 0 });
    expect(span.cost).toMatchObject({ status: 'not_applicable', totalNanoUsd: null });
    expect(span.ttftMs).toBeGreaterThan(0);
  });

  it('records the Responses API, plain and streamed, with cached and reasoning tokens', async () => {
    const sid = newSession();
    const client = openai(sid);
    const plain = await client.responses.create({ model: 'gpt-4o-mini', input: 'Where is my order?' });
    expect(plain.output_text).toBe('It ships tomorrow.');
    const stream = await client.responses.create({ model: 'gpt-4o-mini', input: 'Where is my order?', stream: true });
    let text = '';
    for await (const e of stream) if (e.type === 'response.output_text.delta') text += e.delta;
    expect(text).toBe('It ships tomorrow.');
    const spans = await spansOf(sid, 2);
    for (const span of spans) {
      expect(span).toMatchObject({
        kind: 'generation',
        responseModel: 'gpt-4o-mini-2024-07-18',
        usage: { input: RESPONSES_USAGE.input_tokens - 128, cacheRead: 128, output: 30, reasoning: 10 },
        finishReason: 'completed',
        content: { output: 'It ships tomorrow.' },
      });
    }
    expect(spans.filter((s) => s.ttftMs !== null)).toHaveLength(1);
  });

  it('records embeddings and other endpoints', async () => {
    const sid = newSession();
    const client = openai(sid);
    const emb = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'hello', encoding_format: 'float' });
    expect(emb.data[0]!.embedding).toEqual([0.1, 0.2, 0.3]);
    const models = await client.models.list();
    expect(models.data[0]!.id).toBe('gpt-4o-mini');
    const spans = await spansOf(sid, 2);
    const e = spans.find((s) => s.kind === 'embedding')!;
    expect(e).toMatchObject({ name: 'embeddings text-embedding-3-small', usage: { input: 4, output: 0 }, cost: { status: 'priced' } });
    const m = spans.find((s) => s.kind === 'other')!;
    expect(m).toMatchObject({ name: 'GET models', status: 'ok', cost: { status: 'not_applicable' } });
  });
});

describe('Anthropic through the gateway', () => {
  it('streams messages with a tool call and cached tokens, and records them', async () => {
    const sid = newSession();
    const stream = anthropic(sid).messages.stream({
      model: 'claude-sonnet-4-5',
      max_tokens: 200,
      tools: [{ name: 'track_order', description: 'Track an order', input_schema: { type: 'object', properties: { order_id: { type: 'string' } } } }],
      messages: [{ role: 'user', content: 'Where is order 42?' }],
    });
    const message = await stream.finalMessage();
    expect(message.content[0]).toMatchObject({ type: 'text', text: 'Refund is on its way.' });
    expect(message.content[1]).toMatchObject({ type: 'tool_use', name: 'track_order', input: { order_id: '42' } });
    expect(message.usage).toMatchObject({ input_tokens: 30, cache_read_input_tokens: 1024, output_tokens: 12 });
    const [span] = await spansOf(sid);
    expect(span).toMatchObject({
      provider: 'anthropic',
      requestModel: 'claude-sonnet-4-5',
      responseModel: 'claude-sonnet-4-5-20250929',
      usage: { input: 30, cacheRead: 1024, cacheWrite: 0, output: 12 },
      finishReason: 'tool_use',
      requestId: 'req_02',
      metadata: { 'gateway.tool_calls': '1' },
      status: 'ok',
    });
    expect(span.ttftMs).toBeGreaterThan(0);
    expect(span.cost.totalNanoUsd).toBe(
      catalogNano('claude-sonnet-4-5-20250929', 'anthropic', {
        input_tokens: STREAM_MESSAGE_USAGE.input_tokens + STREAM_MESSAGE_USAGE.cache_read_input_tokens,
        cache_read_tokens: 1024,
        output_tokens: 12,
      }),
    );
  });

  it('records a plain message with cache reads and writes, and passes count_tokens through', async () => {
    const sid = newSession();
    const client = anthropic(sid);
    const message = await client.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 100, system: 'be brief', messages: [{ role: 'user', content: 'hi' }] });
    expect(message.usage).toMatchObject(MESSAGE_USAGE);
    const count = await client.messages.countTokens({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'hi' }] });
    expect(count.input_tokens).toBe(42);
    const spans = await spansOf(sid, 2);
    const gen = spans.find((s) => s.kind === 'generation')!;
    expect(gen).toMatchObject({ usage: { input: 100, cacheRead: 2048, cacheWrite: 512, output: 50 }, finishReason: 'end_turn', requestId: 'req_01', ttftMs: null });
    expect(gen.content!.input).toContain('be brief');
    expect(spans.find((s) => s.kind === 'other')).toMatchObject({ name: 'POST messages/count_tokens' });
  });

  it('records an error event in the middle of a stream as an error', async () => {
    const sid = newSession();
    const stream = anthropic(sid).messages.stream({ model: 'overloaded-mid-stream', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] });
    await expect(stream.finalMessage()).rejects.toThrow(/Overloaded/);
    const [span] = await spansOf(sid);
    expect(span).toMatchObject({ status: 'error', errorClass: 'server', errorMessage: 'Overloaded' });
  });
});

describe('upstream errors and failures', () => {
  it('passes 429 with retry-after and 500 through exactly and records their class', async () => {
    const sid = newSession();
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${PROVIDER_KEY}`, ...lookoutHeaders(sid) };
    const r429 = await sameAsDirect('openai', 'chat/completions', { method: 'POST', headers, body: JSON.stringify({ model: 'fail-429', messages: [] }) });
    expect(r429.proxied.status).toBe(429);
    expect(r429.proxied.headers.get('retry-after')).toBe('7');
    const r500 = await sameAsDirect('anthropic', 'messages', { method: 'POST', headers: { ...headers, 'x-api-key': PROVIDER_KEY }, body: JSON.stringify({ model: 'fail-500', messages: [] }) });
    expect(r500.proxied.status).toBe(500);
    const spans = await spansOf(sid, 2);
    expect(spans.find((s) => s.provider === 'openai')).toMatchObject({ status: 'error', errorClass: 'rate_limit', errorMessage: 'Rate limit reached for requests', requestModel: 'fail-429' });
    expect(spans.find((s) => s.provider === 'anthropic')).toMatchObject({ status: 'error', errorClass: 'server', errorMessage: 'Internal server error' });
    // The official client sees the provider's error as it would directly.
    const err = await openai(newSession()).chat.completions.create({ model: 'fail-429', messages: [] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect((err as InstanceType<typeof OpenAI.RateLimitError>).headers.get('retry-after')).toBe('7');
  });

  it('cancels the upstream request when the client goes away mid-stream, and records it cancelled', async () => {
    const sid = newSession();
    const abortedBefore = oai.aborted;
    const controller = new AbortController();
    const res = await fetch(`${base}/proxy/openai/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...lookoutHeaders(sid) },
      body: JSON.stringify({ model: 'slow-stream', stream: true, messages: [] }),
      signal: controller.signal,
    });
    const reader = res.body!.getReader();
    const first = await reader.read();
    expect(Buffer.from(first.value!).toString()).toContain('w0');
    controller.abort();
    const [span] = await spansOf(sid);
    expect(span).toMatchObject({ status: 'cancelled', errorClass: 'cancelled' });
    expect(span.ttftMs).toBeGreaterThan(0);
    await vi.waitFor(() => expect(oai.aborted).toBe(abortedBefore + 1), { timeout: 5_000 });
    await vi.waitFor(async () => expect(metricValue(await metricsText(), 'lookout_gateway_requests_in_flight', 'upstream="openai"')).toBe(0));
  });

  it('records an upstream that dies mid-stream as an error, and the client sees the stream break', async () => {
    const sid = newSession();
    const res = await fetch(`${base}/proxy/openai/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...lookoutHeaders(sid) },
      body: JSON.stringify({ model: 'die-mid-stream', stream: true, messages: [] }),
    });
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow();
    const [span] = await spansOf(sid);
    expect(span).toMatchObject({ status: 'error', errorClass: 'server' });
    expect(span.errorMessage).toMatch(/broke off/);
    expect(metricValue(await metricsText(), 'lookout_gateway_upstream_requests_total', 'outcome="stream_error"')).toBeGreaterThanOrEqual(1);
  });

  it('answers 502 in the provider format when the upstream cannot be reached, without naming its address', async () => {
    const dead = await makeTestApp({ 'gateway.openaiBaseUrl': 'http://127.0.0.1:1/v1', 'gateway.anthropicBaseUrl': 'http://127.0.0.1:1' });
    try {
      const sid = newSession();
      const res = await dead.app.inject({ method: 'POST', url: '/proxy/anthropic/v1/messages', payload: { model: 'm' }, headers: { 'x-lookout-session': sid } });
      expect(res.statusCode).toBe(502);
      expect(res.json()).toMatchObject({ type: 'error', error: { type: 'api_error', lookout_code: 'upstream_unreachable' } });
      const message = res.json().error.message as string;
      expect(message).toMatch(/^Lookout gateway: upstream unreachable \(ECONNREFUSED\); request id [0-9a-f-]{36} \(the server log has the details\)$/);
      expect(res.body).not.toMatch(/127\.0\.0\.1|:1\b/);
      // The recorded call, which the project's readers see, does not name it either.
      const deadline = Date.now() + 10_000;
      let spans: Span[] = [];
      while (!spans.length && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 20));
        spans = (await dead.app.inject(`/api/v1/spans?sessionId=${sid}`)).json().spans as Span[];
      }
      expect(spans[0]!.errorMessage).toBe('upstream unreachable (ECONNREFUSED)');
    } finally {
      await dead.close();
    }
  });
});

describe('recording stays off the forwarding path', () => {
  it('submits a large flush in slices of about a millisecond of work, with the event loop free between them', async () => {
    const slow = await makeTestApp({ 'gateway.openaiBaseUrl': `${oai.url}/v1`, 'gateway.recordFlushMs': 10_000 });
    try {
      await slow.app.listen({ host: '127.0.0.1', port: 0 });
      const url = `http://127.0.0.1:${(slow.app.server.address() as AddressInfo).port}`;
      const client = new OpenAI({ apiKey: PROVIDER_KEY, baseURL: `${url}/proxy/openai/v1`, maxRetries: 0 });
      const calls = 40;
      await Promise.all(Array.from({ length: calls }, () => client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] })));
      await vi.waitFor(async () => expect((await slow.app.inject('/metrics')).body).toMatch(new RegExp(`^lookout_gateway_recording_pending ${calls}$`, 'm')));

      // Each recorded call costs the chain 0.3 ms here; a tick counts the event loop's turns.
      const costMs = 0.3;
      const pipeline = slow.ctx.pipeline;
      const real = pipeline.submit.bind(pipeline);
      const slices: { size: number; turn: number }[] = [];
      const results: ReturnType<typeof real>[] = [];
      let turn = 0;
      let turning = true;
      const tick = () => {
        turn++;
        if (turning) setImmediate(tick);
      };
      setImmediate(tick);
      vi.spyOn(pipeline, 'submit').mockImplementation((batch, source, options) => {
        slices.push({ size: batch.spans.length, turn });
        const until = performance.now() + costMs * batch.spans.length;
        while (performance.now() < until);
        const result = real(batch, source, options);
        results.push(result);
        return result;
      });
      await slow.app.close();
      turning = false;

      expect(slices.reduce((n, s) => n + s.size, 0)).toBe(calls);
      // None holds the loop for much more than a millisecond: at most 4 calls of 0.3 ms.
      expect(Math.max(...slices.map((s) => s.size))).toBeLessThanOrEqual(4);
      for (let i = 1; i < slices.length; i++) expect(slices[i]!.turn).toBeGreaterThan(slices[i - 1]!.turn);
      // And every call is recorded.
      const outcomes = (await Promise.all(results)).flatMap((r) => r.spans);
      expect(outcomes).toEqual(Array.from({ length: calls }, () => 'accepted'));
    } finally {
      await slow.close();
    }
  });
});

describe('recording fails open', () => {
  it('holds recorded calls for gateway.recordFlushMs and writes them as one batch, at the latest on close', async () => {
    const slow = await makeTestApp({ 'gateway.openaiBaseUrl': `${oai.url}/v1`, 'gateway.recordFlushMs': 10_000 });
    try {
      await slow.app.listen({ host: '127.0.0.1', port: 0 });
      const url = `http://127.0.0.1:${(slow.app.server.address() as AddressInfo).port}`;
      const submit = vi.spyOn(slow.ctx.pipeline, 'submit');
      const client = new OpenAI({ apiKey: PROVIDER_KEY, baseURL: `${url}/proxy/openai/v1`, maxRetries: 0 });
      for (let i = 0; i < 3; i++) await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] });
      await vi.waitFor(async () => expect((await slow.app.inject('/metrics')).body).toMatch(/^lookout_gateway_recording_pending 3$/m));
      expect(submit).not.toHaveBeenCalled();
      await slow.app.close();
      expect(submit).toHaveBeenCalledTimes(1);
      expect(submit.mock.calls[0]![0].spans).toHaveLength(3);
    } finally {
      await slow.close();
    }
  });

  it('serves the call when the queue is full or the store is down, and counts the loss', async () => {
    const spy = vi.spyOn(t.ctx.pipeline, 'submit');
    spy.mockRejectedValueOnce(new LookoutError('queue_full', 'the write queue is full', { retryAfterSeconds: 1 }));
    const before = await metricsText();
    const client = openai(newSession());
    const a = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] });
    expect(a.choices[0]!.message.content).toBe('It ships tomorrow.');
    // Calls ending close together are submitted together: let the first go alone.
    await vi.waitFor(async () => expect(metricValue(await metricsText(), 'lookout_gateway_recording_lost_total', 'reason="queue_full"')).toBeGreaterThan(metricValue(before, 'lookout_gateway_recording_lost_total', 'reason="queue_full"')));
    spy.mockRejectedValueOnce(new Error('IO Error: could not write the journal'));
    const b = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] });
    expect(b.choices[0]!.message.content).toBe('It ships tomorrow.');
    await vi.waitFor(async () => {
      const after = await metricsText();
      expect(metricValue(after, 'lookout_gateway_recording_lost_total', 'reason="queue_full"') - metricValue(before, 'lookout_gateway_recording_lost_total', 'reason="queue_full"')).toBe(1);
      expect(metricValue(after, 'lookout_gateway_recording_lost_total', 'reason="store_error"') - metricValue(before, 'lookout_gateway_recording_lost_total', 'reason="store_error"')).toBe(1);
    });
    spy.mockRestore();
  });
});

describe('budgets', () => {
  it('refuses an over-budget user with 429 in each provider format, naming the budget', async () => {
    const created = await t.app.inject({ method: 'POST', url: '/api/v1/budgets', payload: { scope: 'user', subject: 'bob', period: 'daily', limitUsd: 0.5, enforce: 'hard', name: 'bob-daily' } });
    expect(created.statusCode).toBe(201);
    const budgetId = created.json().budget.id;
    const spend = await t.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: { batch: [generation({ userId: 'bob', costUsd: 0.75 })] } });
    expect(spend.statusCode).toBe(200);
    const upstreamCalls = oai.requests.length;

    const err = await openai(newSession(), { 'x-lookout-user': 'bob' })
      .chat.completions.create({ model: 'gpt-4o-mini', messages: [] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    const e = err as InstanceType<typeof OpenAI.RateLimitError>;
    expect(e.code).toBe('budget_exceeded');
    expect(e.message).toContain("user 'bob'");
    expect(e.message).toContain('$0.75 of the $0.50');
    expect(e.error).toMatchObject({ type: 'budget_exceeded', lookout_budget: { id: budgetId, scope: 'user', subject: 'bob', limit_usd: 0.5, spent_usd: 0.75 } });
    const retryAfter = Number(e.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(86_400);
    expect(oai.requests.length).toBe(upstreamCalls);

    const res = await fetch(`${base}/proxy/anthropic/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-lookout-user': 'bob' },
      body: JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 1, messages: [] }),
    });
    expect(res.status).toBe(429);
    // Seconds until the period ends, counted at each refusal: a second may pass between the two.
    expect(retryAfter - Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(0);
    expect(retryAfter - Number(res.headers.get('retry-after'))).toBeLessThanOrEqual(1);
    const body = (await res.json()) as { error: { message: string } };
    expect(body).toMatchObject({ type: 'error', error: { type: 'rate_limit_error', lookout_budget: { id: budgetId, resets_at: expect.stringMatching(/T00:00:00.000Z$/) } } });
    expect(body.error.message).toContain('resets at');
    expect(metricValue(await metricsText(), 'lookout_gateway_budget_blocked_total', 'upstream="anthropic"')).toBe(1);
  });

  it('refuses an over-budget user on every spelling of a model path, without calling the upstream', async () => {
    const created = await t.app.inject({ method: 'POST', url: '/api/v1/budgets', payload: { scope: 'user', subject: 'dave', period: 'daily', limitUsd: 0.1, enforce: 'hard' } });
    expect(created.statusCode).toBe(201);
    await t.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: { batch: [generation({ userId: 'dave', costUsd: 0.2 })] } });
    const before = oai.requests.length;
    const body = JSON.stringify({ model: 'gpt-4o-mini', messages: [] });
    const post = (path: string, user: string) =>
      rawRequest(
        `POST ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\nx-lookout-user: ${user}\r\nauthorization: Bearer ${PROVIDER_KEY}\r\n` +
          `content-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`,
      );
    for (const path of [
      '/proxy/openai/v1/chat/complet%69ons',
      '/proxy/openai/v1/x/../chat/completions',
      '/proxy/openai/v1/chat//completions',
      '/proxy/openai/v1/./chat/completions/',
      '/proxy/openai/v1/%63hat/completions',
    ]) {
      const res = await post(path, 'dave');
      expect(res, path).toMatch(/^HTTP\/1\.1 429 /);
      expect(res, path).toContain('"code":"budget_exceeded"');
    }
    // What cannot be read one way only is refused, whoever asks.
    for (const [path, what] of [
      ['/proxy/openai/v1/chat%2Fcompletions', 'encoded slash'],
      ['/proxy/openai/v1/x/%2E%2E/chat/completions', 'encoded dot segment'],
      ['/proxy/openai/v1/chat%5Ccompletions', 'encoded backslash'],
      ['/proxy/openai/v1/chat/completions%00', 'control character'],
      ['/proxy/openai/v1/../../anthropic/v1/messages', 'outside /proxy/openai/v1/'],
    ]) {
      const res = await post(path!, 'erin');
      expect(res, path).toMatch(/^HTTP\/1\.1 400 /);
      expect(res, path).toContain('"code":"invalid_path"');
      expect(res, path).toContain(what);
    }
    // A doubled slash before the provider's prefix matches no route at all.
    expect(await post('/proxy//openai/v1/chat/completions', 'dave')).toMatch(/^HTTP\/1\.1 404 /);
    expect(oai.requests.length).toBe(before);
    // A user under budget: the call goes upstream with the path that was checked.
    const ok = await post('/proxy/openai/v1/x/../chat//complet%69ons', 'erin');
    expect(ok).toMatch(/^HTTP\/1\.1 200 /);
    expect(oai.requests.slice(before).map((r) => r.url)).toEqual(['/v1/chat/completions']);
  });

  it('refuses every call that may cost while a hard budget is spent, and lets the free ones through', async () => {
    const created = await t.app.inject({ method: 'POST', url: '/api/v1/budgets', payload: { scope: 'user', subject: 'frank', period: 'daily', limitUsd: 0.1, enforce: 'hard' } });
    expect(created.statusCode).toBe(201);
    await t.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: { batch: [generation({ userId: 'frank', costUsd: 0.2 })] } });
    const oaiBefore = oai.requests.length;
    const antBefore = ant.requests.length;
    const blockedBefore = await metricsText();
    const client = openai(newSession(), { 'x-lookout-user': 'frank' });
    const refused = async (call: Promise<unknown>, what: string) => {
      const err = await call.then(
        () => null,
        (e: unknown) => e,
      );
      expect(err, what).toBeInstanceOf(OpenAI.RateLimitError);
      expect((err as InstanceType<typeof OpenAI.RateLimitError>).code, what).toBe('budget_exceeded');
      expect((err as InstanceType<typeof OpenAI.RateLimitError>).message, what).toContain("user 'frank'");
    };
    await refused(client.images.generate({ model: 'gpt-image-1', prompt: 'a cat' }), 'images/generations');
    await refused(client.audio.speech.create({ model: 'gpt-4o-mini-tts', voice: 'alloy', input: 'hello' }), 'audio/speech');
    await refused(client.audio.transcriptions.create({ model: 'whisper-1', file: new File([Buffer.alloc(64)], 'a.wav', { type: 'audio/wav' }) }), 'audio/transcriptions');
    await refused(client.embeddings.create({ model: 'text-embedding-3-small', input: 'hi' }), 'embeddings');
    await refused(client.batches.create({ input_file_id: 'file-1', endpoint: '/v1/chat/completions', completion_window: '24h' }), 'batches');
    await refused(client.responses.compact({ model: 'gpt-4o-mini', input: 'hi' }), 'responses/compact');
    await refused(client.post('/fine_tuning/jobs', { body: { model: 'gpt-4o-mini', training_file: 'file-1' } }), 'fine_tuning/jobs');
    // The free list is exact: another case of a free path is budgeted like any unknown call.
    await refused(client.post('/Files', { body: {} }), 'Files');

    const ant429 = async (path: string, body: object) => {
      const res = await fetch(`${base}/proxy/anthropic/v1/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': PROVIDER_KEY, 'x-lookout-user': 'frank' },
        body: JSON.stringify(body),
      });
      expect(res.status, path).toBe(429);
      expect(res.headers.get('x-should-retry'), path).toBe('false');
      expect(await res.json(), path).toMatchObject({ type: 'error', error: { type: 'rate_limit_error', lookout_code: 'budget_exceeded', lookout_budget: { scope: 'user', subject: 'frank' } } });
    };
    await ant429('complete', { model: 'claude-2.1', prompt: '\n\nHuman: hi\n\nAssistant:', max_tokens_to_sample: 5 });
    await ant429('messages/batches', { requests: [] });
    await expect(
      anthropic(newSession(), { 'x-lookout-user': 'frank' }).messages.batches.create({ requests: [{ custom_id: 'a', params: { model: 'claude-sonnet-4-5', max_tokens: 1, messages: [] } }] }),
    ).rejects.toBeInstanceOf(Anthropic.RateLimitError);

    expect(oai.requests.length, 'no refused call reached the OpenAI upstream').toBe(oaiBefore);
    expect(ant.requests.length, 'no refused call reached the Anthropic upstream').toBe(antBefore);
    const blocked = await metricsText();
    expect(metricValue(blocked, 'lookout_gateway_budget_blocked_total', 'upstream="openai"') - metricValue(blockedBefore, 'lookout_gateway_budget_blocked_total', 'upstream="openai"')).toBe(8);
    expect(metricValue(blocked, 'lookout_gateway_budget_blocked_total', 'upstream="anthropic"') - metricValue(blockedBefore, 'lookout_gateway_budget_blocked_total', 'upstream="anthropic"')).toBe(3);

    // What costs nothing still works: counting tokens, reading, uploading a file, cancelling, deleting.
    const count = await anthropic(newSession(), { 'x-lookout-user': 'frank' }).messages.countTokens({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'hi' }] });
    expect(count.input_tokens).toBe(42);
    expect((await client.models.list()).data[0]!.id).toBe('gpt-4o-mini');
    // The fake has no files or batches: its 400 (it reads JSON bodies only) or 404 shows the call reached it.
    await expect(client.files.create({ file: new File(['{}'], 'in.jsonl'), purpose: 'batch' })).rejects.toBeInstanceOf(OpenAI.BadRequestError);
    await expect(client.batches.cancel('batch_1')).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    await expect(client.files.delete('file-1')).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    expect(oai.requests.slice(oaiBefore).map((r) => `${r.method} ${r.url}`)).toEqual(['GET /v1/models', 'POST /v1/files', 'POST /v1/batches/batch_1/cancel', 'DELETE /v1/files/file-1']);
    expect(ant.requests.slice(antBefore).map((r) => `${r.method} ${r.url}`)).toEqual(['POST /v1/messages/count_tokens']);
  });

  it('refuses path spellings an upstream may read as another endpoint, for every user', async () => {
    const before = oai.requests.length;
    const body = JSON.stringify({ model: 'gpt-4o-mini', messages: [] });
    const post = (path: string) =>
      rawRequest(
        `POST ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\nx-lookout-user: grace\r\nauthorization: Bearer ${PROVIDER_KEY}\r\n` +
          `content-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`,
      );
    for (const [path, what] of [
      ['/proxy/openai/v1/chat/completions%20', 'encoded space (%20)'],
      ['/proxy/openai/v1/chat/completions.', "segment ending in '.'"],
      ['/proxy/openai/v1/chat/complet%2569ons', 'encoded percent sign (%25)'],
      ['/proxy/openai/v1/chat/completions%3Fx', "encoded '?' (%3F)"],
      ['/proxy/openai/v1/chat/completions%23x', "encoded '#' (%23)"],
      ['/proxy/openai/v1/chat/completions+', "a '+' in the path"],
      ['/proxy/openai/v1/chat/completions%C2%A0', 'encoded non-ASCII byte (%C2)'],
    ]) {
      const res = await post(path!);
      expect(res, path).toMatch(/^HTTP\/1\.1 400 /);
      expect(res, path).toContain('"code":"invalid_path"');
      expect(res, path).toContain(what);
    }
    expect(oai.requests.length).toBe(before);
  });

  it('adds a warning header when a soft budget passes a warning level', async () => {
    await t.app.inject({ method: 'POST', url: '/api/v1/budgets', payload: { scope: 'user', subject: 'carol', period: 'monthly', limitUsd: 1, warnAtPercent: [50] } });
    await t.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: { batch: [generation({ userId: 'carol', costUsd: 0.6 })] } });
    const { response } = await openai(newSession(), { 'x-lookout-user': 'carol' }).chat.completions.create({ model: 'gpt-4o-mini', messages: [] }).withResponse();
    expect(response.status).toBe(200);
    expect(response.headers.get('x-lookout-budget-warning')).toMatch(/scope=user; subject=carol; percent=60; .*limit_usd=1; resets_at=/);
  });
});

describe('compressed upstream responses', () => {
  // An upstream answering a chat completion with gzip: `padBytes` of spaces inside the JSON make
  // it inflate to any size while the compressed body stays small.
  async function gzipUpstream(padBytes: number) {
    const payload = gzipSync(Buffer.concat([Buffer.from(`{"model":"gpt-4o-mini","usage":${JSON.stringify(CHAT_USAGE)},"choices":[]`), Buffer.alloc(padBytes, 0x20), Buffer.from('}')]), { level: 9 });
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': payload.length }).end(payload));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const app = await makeTestApp({ 'gateway.openaiBaseUrl': `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1` });
    return { app, payload, close: async () => (await app.close(), server.close()) };
  }

  async function callThrough(app: TestApp, sid: string) {
    const res = await app.app.inject({ method: 'POST', url: '/proxy/openai/v1/chat/completions', payload: { model: 'gpt-4o-mini', messages: [] }, headers: { 'x-lookout-session': sid } });
    const deadline = Date.now() + 10_000;
    for (;;) {
      const spans = (await app.app.inject(`/api/v1/spans?sessionId=${sid}`)).json().spans as Span[];
      if (spans.length) return { res, span: spans[0]! };
      if (Date.now() > deadline) throw new Error('the call was not recorded');
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  it('reads usage from a gzip body within the cap', async () => {
    const up = await gzipUpstream(1024);
    try {
      const { res, span } = await callThrough(up.app, newSession());
      expect(res.rawPayload.equals(up.payload)).toBe(true);
      expect(span.usage).toMatchObject({ output: 80, cacheRead: 1024 });
    } finally {
      await up.close();
    }
  });

  it('passes a body that inflates past the cap through untouched, records it without usage and counts it', async () => {
    const up = await gzipUpstream(MAX_DECODED_BODY_BYTES + 1024);
    try {
      expect(up.payload.length).toBeLessThan(MAX_DECODED_BODY_BYTES / 100);
      const { res, span } = await callThrough(up.app, newSession());
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-encoding']).toBe('gzip');
      expect(res.rawPayload.equals(up.payload)).toBe(true);
      expect(span.usage.output ?? 0).toBe(0);
      const metrics = (await up.app.app.inject('/metrics')).body;
      expect(metricValue(metrics, 'lookout_gateway_usage_unread_total', 'reason="decoded_too_large"')).toBe(1);
    } finally {
      await up.close();
    }
  });
});

describe('bad input', () => {
  it('passes malformed JSON to the provider and returns its error; records the call without a model', async () => {
    const sid = newSession();
    const r = await sameAsDirect('openai', 'chat/completions', { method: 'POST', headers: { 'content-type': 'application/json', ...lookoutHeaders(sid) }, body: '{"model": "gpt-4o-mini", ' });
    expect(r.proxied.status).toBe(400);
    const [span] = await spansOf(sid);
    expect(span).toMatchObject({ status: 'error', errorClass: 'invalid_request', requestModel: null, content: null });
  });

  it('answers unknown routes with 404 and huge bodies with 413, in the provider format', async () => {
    const unknown = await fetch(`${base}/proxy/mistral/v1/chat`, { method: 'POST' });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: unknown }).error).toMatchObject({ type: 'invalid_request_error', code: 'not_found' });
    const unknownAnthropic = await fetch(`${base}/proxy/anthropic/v2/messages`, { method: 'POST' });
    expect(await unknownAnthropic.json()).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });
    const huge = await fetch(`${base}/proxy/anthropic/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: 'x'.repeat(1_000_001) });
    expect(huge.status).toBe(413);
    expect(await huge.json()).toMatchObject({ type: 'error', error: { type: 'request_too_large', lookout_code: 'body_too_large' } });
  });

  it('refuses attribution headers with control characters or too long, ignores and counts bad metadata', async () => {
    const body = JSON.stringify({ model: 'gpt-4o-mini', messages: [] });
    const long = await fetch(`${base}/proxy/openai/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-lookout-user': 'u'.repeat(300) }, body });
    expect(long.status).toBe(400);
    expect(((await long.json()) as { error: unknown }).error).toMatchObject({ code: 'invalid_lookout_header', message: expect.stringContaining('x-lookout-user') });
    // HTTP clients refuse to send control characters; a raw socket does not.
    const control = await rawRequest(
      `POST /proxy/openai/v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\nx-lookout-feature: a\u0001b\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`,
    );
    // Node's HTTP parser refuses it before the gateway sees it; the gateway's own check is below.
    expect(control).toMatch(/^HTTP\/1.1 400 /);
    expect(() => parseAttribution({ 'x-lookout-feature': 'a\u0001b' })).toThrow('x-lookout-feature contains control characters');
    // CR/LF in a header value never reaches the gateway: the HTTP parser refuses the request.
    const injected = await rawRequest(`GET /proxy/openai/v1/models HTTP/1.1\r\nhost: 127.0.0.1\r\nx-lookout-user: a\rset-cookie: x=1\r\nconnection: close\r\n\r\n`);
    expect(injected).toMatch(/^HTTP\/1.1 400 /);
    const sid = newSession();
    const before = metricValue(await metricsText(), 'lookout_gateway_ignored_headers_total', 'header="x-lookout-metadata"');
    const ok = await fetch(`${base}/proxy/openai/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', ...lookoutHeaders(sid), 'x-lookout-metadata': '{not json' }, body });
    expect(ok.status).toBe(200);
    expect(oai.requests.at(-1)!.headers['x-lookout-metadata']).toBeUndefined();
    const [span] = await spansOf(sid);
    expect(span.metadata).toEqual({ 'http.status_code': '200' });
    expect(metricValue(await metricsText(), 'lookout_gateway_ignored_headers_total', 'header="x-lookout-metadata"')).toBe(before + 1);
  });

  it('joins a valid traceparent, starts a new trace for an invalid one, and passes a missing key through', async () => {
    const sid = newSession();
    const body = JSON.stringify({ model: 'gpt-4o-mini', messages: [] });
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const joined = await fetch(`${base}/proxy/openai/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...lookoutHeaders(sid, { 'x-lookout-tags': 'joined' }), traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
      body,
    });
    expect(joined.headers.get('x-lookout-trace-id')).toBe(traceId);
    expect(oai.requests.at(-1)!.headers.authorization).toBeUndefined();
    const fresh = await fetch(`${base}/proxy/openai/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...lookoutHeaders(sid, { 'x-lookout-tags': 'fresh' }), traceparent: `00-${'0'.repeat(32)}-00f067aa0ba902b7-01` },
      body,
    });
    expect(fresh.status).toBe(200);
    const spans = await spansOf(sid, 2);
    expect(spans.find((s) => s.tags.includes('joined'))).toMatchObject({ traceId, parentSpanId: '00f067aa0ba902b7' });
    const f = spans.find((s) => s.tags.includes('fresh'))!;
    expect(f.traceId).not.toBe('0'.repeat(32));
    expect(f.parentSpanId).toBeNull();
  });

  it('scrubs a provider key quoted in an upstream error message', async () => {
    const { scrubSecrets } = await import('./record.ts');
    expect(scrubSecrets(`Incorrect API key provided: ${PROVIDER_KEY}.`, [PROVIDER_KEY])).toBe('Incorrect API key provided: [redacted].');
    expect(scrubSecrets('Incorrect API key provided: sk-proj-abcdefghijklmnop.', [])).toBe('Incorrect API key provided: sk-proj-a…[redacted].');
  });
});

describe('projects and keys', () => {
  it('takes the project from x-lookout-key, never from Authorization, when keys are required', async () => {
    const keyed = await makeTestApp({ requireApiKeys: 'always', 'gateway.openaiBaseUrl': `${oai.url}/v1` });
    try {
      const { key } = await keyed.ctx.store.createApiKey(projectId('team-a'), 'ingest', 'gateway');
      const payload = { model: 'gpt-4o-mini', messages: [] };
      const missing = await keyed.app.inject({ method: 'POST', url: '/proxy/openai/v1/chat/completions', payload, headers: { authorization: `Bearer ${key}` } });
      expect(missing.statusCode).toBe(401);
      expect(missing.json().error).toMatchObject({ code: 'unauthorized' });
      const sid = newSession();
      const ok = await keyed.app.inject({
        method: 'POST',
        url: '/proxy/openai/v1/chat/completions',
        payload,
        headers: { authorization: `Bearer ${PROVIDER_KEY}`, 'x-lookout-key': key, 'x-lookout-session': sid },
      });
      expect(ok.statusCode).toBe(200);
      expect(oai.requests.at(-1)!.headers.authorization).toBe(`Bearer ${PROVIDER_KEY}`);
      const deadline = Date.now() + 5_000;
      let spans: Span[] = [];
      while (Date.now() < deadline && !spans.length) {
        const res = await keyed.app.inject({ url: `/api/v1/spans?sessionId=${sid}`, headers: { authorization: `Bearer ${(await keyed.ctx.store.createApiKey(projectId('team-a'), 'read', null)).key}` } });
        spans = res.json().spans;
        if (!spans.length) await new Promise((r) => setTimeout(r, 20));
      }
      expect(spans).toHaveLength(1);
    } finally {
      await keyed.close();
    }
  });
});

describe('the automated-responses seam', () => {
  it('lets an action rewrite the body, answer directly, or fall back to another upstream', async () => {
    const sid = newSession();
    const seen: string[] = [];
    t.ctx.gatewayActions = (call): GatewayActionOutcome | null => {
      seen.push(`${call.provider} ${call.method} ${call.path} ${call.attribution.userId}`);
      const model = JSON.parse(call.body.toString()).model as string;
      if (model === 'expensive') return { body: Buffer.from(JSON.stringify({ model: 'gpt-4o-mini', messages: [] })), metadata: { 'gateway.action': 'switch' } };
      if (model === 'cached') {
        return {
          respond: { status: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify({ model: 'gpt-4o-mini', choices: [], usage: CHAT_USAGE })) },
          metadata: { 'gateway.cache': 'hit' },
        };
      }
      return null;
    };
    try {
      const client = openai(sid);
      const switched = await client.chat.completions.create({ model: 'expensive', messages: [] });
      expect(switched.model).toBe('gpt-4o-mini-2024-07-18');
      expect(JSON.parse(oai.requests.at(-1)!.body).model).toBe('gpt-4o-mini');
      const upstreamCalls = oai.requests.length;
      const cached = await client.chat.completions.create({ model: 'cached', messages: [] });
      expect(cached.usage).toEqual(CHAT_USAGE);
      expect(oai.requests.length).toBe(upstreamCalls);
      const spans = await spansOf(sid, 2);
      expect(spans.find((s) => s.metadata['gateway.action'] === 'switch')).toMatchObject({ requestModel: 'gpt-4o-mini' });
      expect(spans.find((s) => s.metadata['gateway.cache'] === 'hit')).toMatchObject({ usage: { input: 176, cacheRead: 1024 } });
      // A response-cache hit is an application cache lookup (docs/cost.md#application-caches); the other call is none.
      expect(spans.map((s) => s.metadata['lookout.app_cache.result'] ?? null).sort()).toEqual(['hit', null]);
      expect(seen[0]).toBe('openai POST chat/completions alice');
    } finally {
      t.ctx.gatewayActions = undefined;
    }
  });

  it('sends the call to the fallback upstream when the first answers a listed status', async () => {
    const sid = newSession();
    const second = await startFake(() => {}, (_req, res, json) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: 'chatcmpl-fallback', object: 'chat.completion', created: 1, model: json.model, choices: [{ index: 0, message: { role: 'assistant', content: 'from the fallback' }, finish_reason: 'stop' }], usage: CHAT_USAGE }));
    });
    t.ctx.gatewayActions = () => ({ fallback: { baseUrl: `${second.url}/v1`, onStatus: [500] } });
    const primaryBefore = oai.requests.length;
    try {
      // The first upstream answers 500; the client sees only the fallback's answer.
      const res = await fetch(`${base}/proxy/openai/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', ...lookoutHeaders(sid) }, body: JSON.stringify({ model: 'fail-500' }) });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { choices: { message: { content: string } }[] }).choices[0]!.message.content).toBe('from the fallback');
      expect(oai.requests.length - primaryBefore).toBe(1);
      expect(second.requests.map((r) => `${r.method} ${r.url} ${JSON.parse(r.body).model}`)).toEqual(['POST /v1/chat/completions fail-500']);
      const [span] = await spansOf(sid);
      expect(span).toMatchObject({ status: 'ok', usage: { input: 176, cacheRead: 1024, output: 80 } });
      // The upstream's IP address is redacted like any other (privacy modes, ip_address: mask).
      expect(span.metadata['gateway.fallback']).toBe(`500 -> ${second.url.replace('127.0.0.1', '[REDACTED:ip_address]')}`);
    } finally {
      t.ctx.gatewayActions = undefined;
      await second.close();
    }
  });

  it('sends the call to the fallback upstream when the first cannot be reached, and records it', async () => {
    // The primary: a port that was just closed, so connecting is refused.
    const gone = await startFakeOpenAI();
    await gone.close();
    const fallback = await startFakeOpenAI();
    const down = await makeTestApp({ 'gateway.openaiBaseUrl': `${gone.url}/v1` });
    down.ctx.gatewayActions = () => ({ fallback: { baseUrl: `${fallback.url}/v1`, onStatus: [0] } });
    const sharedBefore = oai.requests.length;
    try {
      await down.app.listen({ host: '127.0.0.1', port: 0 });
      const sid = newSession();
      const client = new OpenAI({ apiKey: PROVIDER_KEY, baseURL: `http://127.0.0.1:${(down.app.server.address() as AddressInfo).port}/proxy/openai/v1`, maxRetries: 0, defaultHeaders: lookoutHeaders(sid) });
      const completion = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
      expect(completion.usage).toEqual(CHAT_USAGE);
      expect(fallback.requests.map((r) => `${r.method} ${r.url} ${JSON.parse(r.body).model}`)).toEqual(['POST /v1/chat/completions gpt-4o-mini']);
      expect(gone.requests).toHaveLength(0);
      expect(oai.requests.length).toBe(sharedBefore);
      const deadline = Date.now() + 10_000;
      let spans: Span[] = [];
      while (!spans.length && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 20));
        spans = (await down.app.inject(`/api/v1/spans?sessionId=${sid}`)).json().spans as Span[];
      }
      expect(spans).toHaveLength(1);
      expect(spans[0]).toMatchObject({ status: 'ok', requestModel: 'gpt-4o-mini', errorMessage: null, usage: { input: 176, cacheRead: 1024, output: 80 } });
      expect(spans[0]!.metadata['gateway.fallback']).toBe(`unreachable -> ${fallback.url.replace('127.0.0.1', '[REDACTED:ip_address]')}`);
    } finally {
      await down.close();
      await fallback.close();
    }
  });
});
