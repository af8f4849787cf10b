import Anthropic from '@anthropic-ai/sdk';
import { SpanKind, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { init, traceEmbedding, traceRetrieval, traceTool, withContext, wrapAnthropic, wrapOpenAI, currentTraceId, type LookoutHandle } from './index.ts';
import { ANTHROPIC_USAGE, fakeAnthropicFetch, fakeOpenAIFetch, OPENAI_STREAM_USAGE, OPENAI_USAGE } from './testing/fakes.ts';

const exporter = new InMemorySpanExporter();
let sdk: LookoutHandle;

beforeAll(() => {
  sdk = init({ exporter, scheduledDelayMs: 10, serviceName: 'sdk-unit' });
});
afterAll(async () => {
  await sdk.shutdown();
});
beforeEach(() => exporter.reset());

async function spans(): Promise<ReadableSpan[]> {
  await sdk.flush();
  return exporter.getFinishedSpans();
}

function openai() {
  const fake = fakeOpenAIFetch();
  const client = new OpenAI({ apiKey: 'sk-test', baseURL: 'http://fake/v1', fetch: fake.fetch, maxRetries: 0 });
  return { fake, client, plain: new OpenAI({ apiKey: 'sk-test', baseURL: 'http://fake/v1', fetch: fakeOpenAIFetch().fetch, maxRetries: 0 }) };
}

describe('wrapOpenAI', () => {
  it('records a chat completion with GenAI attributes and the lookout context, returning what the client returns', async () => {
    const { client, plain } = openai();
    wrapOpenAI(client);
    const params = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'When does it ship?' }] };
    const result = await withContext({ userId: 'alice', feature: 'support-chat', team: 'cx', tags: ['a'], metadata: { plan: 'pro' } }, () =>
      client.chat.completions.create(params),
    );
    const expected = await plain.chat.completions.create(params);
    expect(result).toEqual(expected);
    expect(Object.getPrototypeOf(result)).toBe(Object.getPrototypeOf(expected));

    const [span] = await spans();
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.name).toBe('chat gpt-4o-mini');
    expect(span.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
      'gen_ai.usage.input_tokens': OPENAI_USAGE.prompt_tokens, // includes the cached tokens, as semconv says
      'gen_ai.usage.cache_read.input_tokens': 1024,
      'gen_ai.usage.output_tokens': 80,
      'gen_ai.usage.reasoning.output_tokens': 16,
      'gen_ai.response.finish_reasons': ['stop'],
      'lookout.user.id': 'alice',
      'lookout.feature': 'support-chat',
      'lookout.team': 'cx',
      'lookout.tags': ['a'],
      'lookout.metadata.plan': 'pro',
    });
  });

  it('keeps .withResponse() and .asResponse() working', async () => {
    const { client } = openai();
    wrapOpenAI(client);
    const params = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'x' }] };
    const { data, response } = await client.chat.completions.create(params).withResponse();
    expect(data.usage?.prompt_tokens).toBe(1200);
    expect(response.status).toBe(200);
    const raw = await client.chat.completions.create(params).asResponse();
    expect(((await raw.json()) as { id: string }).id).toBe('chatcmpl-1');
    await new Promise((r) => setTimeout(r, 10)); // a raw read ends its span a macrotask after the response
    const [withResponse, rawRead] = await spans();
    expect(withResponse.attributes['gen_ai.usage.input_tokens']).toBe(1200);
    expect(rawRead.attributes['lookout.usage.unavailable']).toMatch(/raw response/);
  });

  it('keeps helpers that chain on create working (chat.completions.parse)', async () => {
    const { client } = openai();
    wrapOpenAI(client);
    const parsed = await client.chat.completions.parse({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] });
    expect(parsed.choices[0].message.content).toBe('It ships tomorrow.');
    const [span] = await spans();
    expect(span.attributes['gen_ai.usage.cache_read.input_tokens']).toBe(1024);
  });

  it('streams: time to first token, tokens per second, usage when requested', async () => {
    const { client, fake } = openai();
    wrapOpenAI(client);
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }], stream: true, stream_options: { include_usage: true } });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    expect(text).toBe('Refund is on its way.');
    expect(fake.bodies[0].stream_options).toEqual({ include_usage: true });
    const [span] = await spans();
    const ttft = span.attributes['gen_ai.response.time_to_first_chunk'] as number;
    expect(ttft).toBeGreaterThan(0.005); // the second chunk (first with content) arrives after >= 2 delays
    expect(ttft).toBeLessThan(5);
    expect(span.attributes).toMatchObject({
      'gen_ai.request.stream': true,
      'gen_ai.usage.input_tokens': OPENAI_STREAM_USAGE.prompt_tokens,
      'gen_ai.usage.output_tokens': OPENAI_STREAM_USAGE.completion_tokens,
      'gen_ai.response.finish_reasons': ['stop'],
    });
    expect(span.attributes['lookout.stream.tokens_per_second']).toBeGreaterThan(0);
  });

  it('does not change a streaming request that did not ask for usage; usage is then unknown', async () => {
    const { client, fake } = openai();
    wrapOpenAI(client);
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }], stream: true });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks).toHaveLength(4);
    expect(fake.bodies[0]).not.toHaveProperty('stream_options');
    const [span] = await spans();
    expect(span.attributes['gen_ai.usage.input_tokens']).toBeUndefined();
    expect(span.attributes['lookout.usage.unavailable']).toMatch(/include_usage/);
    expect(span.attributes['gen_ai.response.time_to_first_chunk']).toBeGreaterThan(0);
  });

  it('tee() of a wrapped stream still works', async () => {
    const { client } = openai();
    wrapOpenAI(client);
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }], stream: true, stream_options: { include_usage: true } });
    const [a, b] = stream.tee();
    let n = 0;
    for await (const _ of a) n++;
    for await (const _ of b) n++;
    expect(n).toBe(10);
    expect(await spans()).toHaveLength(1);
  });

  it('classifies failures and rethrows the client error unchanged', async () => {
    const { client, fake } = openai();
    wrapOpenAI(client);
    fake.status = 429;
    const error = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    fake.status = 503;
    const e2 = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect(e2).toBeInstanceOf(OpenAI.InternalServerError);
    const [s1, s2] = await spans();
    expect(s1.status.code).toBe(2);
    expect(s1.attributes).toMatchObject({ 'error.type': 'RateLimitError', 'http.response.status_code': 429, 'lookout.error.class': 'rate_limit' });
    expect(s2.attributes).toMatchObject({ 'http.response.status_code': 503, 'lookout.error.class': 'server' });
  });

  it('swallows and counts its own failures; the caller gets the client result', async () => {
    const weird = { get usage(): never { throw new Error('boom'); }, choices: [] };
    const client = { chat: { completions: { create: async () => weird } } };
    wrapOpenAI(client);
    const before = sdk.stats().instrumentationErrors;
    const result = await client.chat.completions.create();
    expect(result).toBe(weird);
    expect(await spans()).toHaveLength(1);
    expect(sdk.stats().instrumentationErrors).toBe(before + 1);
  });

  it('records embeddings and responses.create', async () => {
    const { client } = openai();
    wrapOpenAI(client);
    await client.embeddings.create({ model: 'text-embedding-3-small', input: ['a', 'b'] });
    await client.responses.create({ model: 'gpt-4o-mini', input: 'hi' });
    const [emb, resp] = await spans();
    expect(emb.attributes).toMatchObject({ 'gen_ai.operation.name': 'embeddings', 'gen_ai.usage.input_tokens': 4, 'embedding.input_count': 2, 'gen_ai.embeddings.dimension.count': 3 });
    expect(resp.attributes).toMatchObject({ 'gen_ai.usage.input_tokens': 500, 'gen_ai.usage.cache_read.input_tokens': 256, 'gen_ai.usage.output_tokens': 40, 'gen_ai.usage.reasoning.output_tokens': 8, 'gen_ai.response.finish_reasons': ['stop'] });
  });
});

describe('wrapAnthropic', () => {
  function anthropic() {
    const fake = fakeAnthropicFetch();
    return { fake, client: wrapAnthropic(new Anthropic({ apiKey: 'sk-ant-test', baseURL: 'http://fake', fetch: fake.fetch, maxRetries: 0 })) };
  }

  it('reports input tokens including cache tokens (semconv), so nothing is charged twice', async () => {
    const { client } = anthropic();
    const msg = await client.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] });
    expect(msg.usage.input_tokens).toBe(100);
    const all = await spans();
    expect(all).toHaveLength(1); // the client's own span is suppressed: one generation per call
    const [span] = all;
    expect(span.attributes).toMatchObject({
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.request.model': 'claude-sonnet-4-5',
      'gen_ai.response.model': 'claude-sonnet-4-5-20250929',
      'gen_ai.usage.input_tokens': ANTHROPIC_USAGE.input_tokens + ANTHROPIC_USAGE.cache_read_input_tokens + ANTHROPIC_USAGE.cache_creation_input_tokens,
      'gen_ai.usage.cache_read.input_tokens': 2048,
      'gen_ai.usage.cache_creation.input_tokens': 512,
      'gen_ai.usage.output_tokens': 50,
      'gen_ai.response.finish_reasons': ['end_turn'],
    });
  });

  it('streams with time to first token', async () => {
    const { client } = anthropic();
    const stream = await client.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }], stream: true });
    let text = '';
    for await (const e of stream) if (e.type === 'content_block_delta' && e.delta.type === 'text_delta') text += e.delta.text;
    expect(text).toBe('Hello');
    const [span] = await spans();
    expect(span.attributes['gen_ai.response.time_to_first_chunk']).toBeGreaterThan(0.01);
    expect(span.attributes).toMatchObject({ 'gen_ai.usage.input_tokens': 2660, 'gen_ai.usage.output_tokens': 50, 'gen_ai.response.finish_reasons': ['end_turn'] });
  });

  it("nativeSpans: 'keep' steps aside for the client's own span, which still gets the lookout context", async () => {
    const fake = fakeAnthropicFetch();
    const client = wrapAnthropic(new Anthropic({ apiKey: 'k', baseURL: 'http://fake', fetch: fake.fetch, maxRetries: 0 }), { nativeSpans: 'keep' });
    await withContext({ userId: 'carol' }, () => client.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }));
    const all = await spans();
    expect(all).toHaveLength(1);
    expect(all[0].instrumentationScope.name).not.toBe('@lookout/sdk');
    expect(all[0].attributes['lookout.user.id']).toBe('carol');
  });

  it('messages.stream() yields one span (the client\'s own, started by the helper)', async () => {
    const { client } = anthropic();
    const final = await withContext({ userId: 'dave' }, () => client.messages.stream({ model: 'claude-sonnet-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }).finalMessage());
    expect(final.usage.output_tokens).toBe(50);
    const all = await spans();
    expect(all).toHaveLength(1);
    expect(all[0].attributes['lookout.user.id']).toBe('dave');
  });

  it('classifies an overloaded error as server', async () => {
    const { client, fake } = anthropic();
    fake.status = 529;
    await expect(client.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 1, messages: [{ role: 'user', content: 'x' }] })).rejects.toBeInstanceOf(Anthropic.APIError);
    const [span] = await spans();
    expect(span.attributes).toMatchObject({ 'http.response.status_code': 529, 'lookout.error.class': 'server' });
  });
});

describe('context and traced helpers', () => {
  it('nested contexts merge and survive async hops; other instrumentations get them too', async () => {
    await withContext({ userId: 'u1', feature: 'f1', tags: ['x'], metadata: { a: 1 } }, async () => {
      await new Promise((r) => setTimeout(r, 1));
      await withContext({ feature: 'f2', tags: ['y'], metadata: { b: 'two' } }, async () => {
        await traceTool('lookup', async () => 1);
        trace.getTracer('someone-else').startSpan('foreign').end();
      });
    });
    const [tool, foreign] = await spans();
    for (const s of [tool, foreign]) {
      expect(s.attributes).toMatchObject({ 'lookout.user.id': 'u1', 'lookout.feature': 'f2', 'lookout.tags': ['x', 'y'], 'lookout.metadata.a': 1, 'lookout.metadata.b': 'two' });
    }
    expect(tool.attributes).toMatchObject({ 'lookout.span.kind': 'tool', 'gen_ai.tool.name': 'lookup' });
  });

  it('carries the prompt a call is made from: an outer variant, an inner prompt, its variables as JSON', async () => {
    const { client } = openai();
    wrapOpenAI(client);
    const params = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'Where is my order?' }] };
    await withContext({ prompt: { variant: 'B' } }, () =>
      withContext({ prompt: { name: 'support-answer', version: 5, variables: { customer: 'Ana', orders: [1, 2] } } }, () => client.chat.completions.create(params)),
    );
    await withContext({ feature: 'no-prompt' }, () => client.chat.completions.create(params));
    const [withPrompt, without] = await spans();
    expect(withPrompt.attributes).toMatchObject({
      'lookout.prompt.name': 'support-answer',
      'lookout.prompt.version': '5',
      'lookout.prompt.variant': 'B',
      'lookout.prompt.variables': '{"customer":"Ana","orders":[1,2]}',
    });
    expect(Object.keys(without.attributes).filter((k) => k.startsWith('lookout.prompt.'))).toEqual([]);
  });

  it('traceRetrieval records count and top score and parents the calls inside it', async () => {
    const { client } = openai();
    wrapOpenAI(client);
    let traceId: string | undefined;
    const docs = await traceRetrieval({ index: 'kb', query: 'refund policy' }, async () => {
      traceId = currentTraceId();
      await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'rewrite' }] });
      return [{ id: 1, score: 0.4 }, { id: 2, score: 0.91 }, { id: 3, score: 0.7 }];
    });
    expect(docs).toHaveLength(3);
    const all = await spans();
    const retrieval = all.find((s) => s.name === 'retrieval kb')!;
    const chat = all.find((s) => s.name.startsWith('chat'))!;
    expect(retrieval.attributes).toMatchObject({ 'lookout.span.kind': 'retrieval', 'retrieval.index': 'kb', 'retrieval.query': 'refund policy', 'retrieval.result_count': 3, 'retrieval.top_score': 0.91 });
    expect(chat.parentSpanContext?.spanId).toBe(retrieval.spanContext().spanId);
    expect(retrieval.spanContext().traceId).toBe(traceId);
  });

  it('traceEmbedding and custom extractors; errors pass through and mark the span', async () => {
    const vectors = await traceEmbedding({ model: 'text-embedding-3-small', inputCount: 2 }, () => [[1, 2, 3, 4], [5, 6, 7, 8]]);
    expect(vectors).toHaveLength(2);
    const custom = await traceRetrieval({ index: 'v', resultCount: (r: { hits: number[] }) => r.hits.length, topScore: (r) => Math.max(...r.hits) }, async () => ({ hits: [0.2, 0.5] }));
    expect(custom.hits).toHaveLength(2);
    const boom = new Error('index down');
    await expect(traceRetrieval({ index: 'broken' }, async () => { throw boom; })).rejects.toBe(boom);
    const [emb, ret, broken] = await spans();
    expect(emb.attributes).toMatchObject({ 'lookout.span.kind': 'embedding', 'embedding.model': 'text-embedding-3-small', 'embedding.input_count': 2, 'embedding.dimensions': 4 });
    expect(ret.attributes).toMatchObject({ 'retrieval.result_count': 2, 'retrieval.top_score': 0.5 });
    expect(broken.status.code).toBe(2);
  });
});
