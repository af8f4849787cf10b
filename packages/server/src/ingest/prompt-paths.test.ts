// The prompt a call was made from, captured on every ingest path through the real app and read back
// through the analytics API as the prompt, prompt_version and variant dimensions: the native API,
// the SDK (its OTLP/protobuf exporter), OTLP from the official exporter with OpenLLMetry,
// OpenInference and Langfuse attributes, the gateway (headers, from the official openai client in
// front of a fake upstream) and the Langfuse ingestion API. Template variables are content: kept
// under full capture, never below it, while the identity stays.
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { init, withContext, wrapOpenAI, type LookoutHandle } from '@lookout/sdk';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeUpstream } from '../../../../test/e2e/fake-openai.ts';
import { PROMPT_METADATA } from '../domain/prompt-identity.ts';
import type { ContentCapture } from '../store/store.ts';
import { generation, makeTestApp, type TestApp } from '../testing/app.ts';
import { hex } from '../testing/fixtures.ts';

let t: TestApp;
let oai: FakeUpstream;
let sdk: LookoutHandle;
let base = '';

beforeAll(async () => {
  oai = await startFakeOpenAI();
  t = await makeTestApp({ 'gateway.openaiBaseUrl': `${oai.url}/v1`, 'ingest.langfuseIdleMs': 100 });
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  sdk = init({ endpoint: base, scheduledDelayMs: 10, serviceName: 'prompt-paths' });
});

afterAll(async () => {
  await sdk.shutdown();
  await t.close();
  await oai.close();
});

const setCapture = async (mode: ContentCapture) =>
  expect((await t.app.inject({ method: 'PATCH', url: '/api/v1/project', payload: { contentCapture: mode } })).statusCode).toBe(200);

// OTLP from the official exporter: one span per convention that names a prompt.
async function sendOtlp(tag: string, mark: string): Promise<void> {
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'prompt-otlp' }),
    spanProcessors: [new SimpleSpanProcessor({ exporter: new OTLPTraceExporter({ url: `${base}/v1/traces` }) })],
  });
  const tracer = provider.getTracer('prompt-paths');
  const usage = { 'gen_ai.usage.input_tokens': 100, 'gen_ai.usage.output_tokens': 10 };
  tracer
    .startSpan('openai.chat', {
      attributes: {
        'llm.request.type': 'chat',
        'gen_ai.system': 'openai',
        'gen_ai.request.model': 'gpt-4o-mini',
        ...usage,
        'traceloop.prompt.key': `joke-generator${tag}`,
        'traceloop.prompt.version': 3,
        'traceloop.prompt.template': `Tell me a {what} (${mark} template)`,
        'traceloop.prompt.template_variables.what': `${mark} joke`,
      },
    })
    .end();
  tracer
    .startSpan('ChatCompletion', {
      attributes: {
        'openinference.span.kind': 'LLM',
        'llm.model_name': 'gpt-4o',
        'llm.token_count.prompt': 100,
        'llm.token_count.completion': 10,
        'llm.prompt_template.version': `v3.1${tag}`,
        'llm.prompt_template.variables': JSON.stringify({ text: `${mark} report` }),
      },
    })
    .end();
  tracer
    .startSpan('critic', {
      attributes: {
        'langfuse.observation.type': 'generation',
        'langfuse.observation.model.name': 'gpt-4o',
        'langfuse.observation.usage_details': JSON.stringify({ input: 100, output: 10 }),
        'langfuse.observation.prompt.name': `movie-critic${tag}`,
        'langfuse.observation.prompt.version': 7,
      },
    })
    .end();
  await provider.forceFlush();
  await provider.shutdown();
}

async function sendNative(tag: string, mark: string): Promise<void> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/ingest',
    payload: { batch: [generation({ prompt: { name: `native-answer${tag}`, version: 5, variant: 'A', variables: { customer: `${mark} customer` } } })] },
  });
  expect(res.json()).toMatchObject({ accepted: 1, rejected: 0 });
}

async function sendSdk(tag: string, mark: string): Promise<void> {
  const client = wrapOpenAI(new OpenAI({ apiKey: 'sk-test', baseURL: `${oai.url}/v1`, maxRetries: 0 }));
  await withContext({ prompt: { variant: 'B' } }, () =>
    withContext({ prompt: { name: `sdk-answer${tag}`, version: 2, variables: { topic: `${mark} topic` } } }, () =>
      client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
    ),
  );
  await sdk.flush();
}

type Row = Record<string, string | number | null>;

async function byPrompt(expectedRequests: number, filter?: string): Promise<Row[]> {
  const url = `/api/v1/analytics/query?measures=requests&groupBy=prompt,prompt_version,variant&orderBy=requests${filter ? `&filter=${encodeURIComponent(filter)}` : ''}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    const res = await t.app.inject(url);
    expect(res.statusCode, res.body).toBe(200);
    const rows = res.json().rows as Row[];
    const total = rows.reduce((n, r) => n + Number(r.requests), 0);
    if (total >= expectedRequests || Date.now() > deadline) return rows.sort((a, b) => String(a.prompt_version).localeCompare(String(b.prompt_version)));
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function spansOfPrompts(): Promise<Record<string, string>[]> {
  const spans = (await t.app.inject('/api/v1/spans?limit=500')).json().spans as { spanId: string }[];
  const out: Record<string, string>[] = [];
  for (const s of spans) {
    const metadata = (await t.app.inject(`/api/v1/spans/${s.spanId}`)).json().metadata as Record<string, string>;
    if (metadata[PROMPT_METADATA.name] !== undefined || metadata[PROMPT_METADATA.version] !== undefined) out.push(metadata);
  }
  return out;
}

describe('the prompt identity on every ingest path', { timeout: 60_000 }, () => {
  it('full capture: every path is grouped by prompt, version and variant, and the variables are kept', async () => {
    await setCapture('full');
    const mark = `zq-vars-${hex(4)}`;
    await sendNative('', mark);
    await sendSdk('', mark);
    await sendOtlp('', mark);

    const gateway = new OpenAI({
      apiKey: 'sk-test',
      baseURL: `${base}/proxy/openai/v1`,
      maxRetries: 0,
      defaultHeaders: { 'x-lookout-prompt': '@team/gateway-answer@4', 'x-lookout-variant': 'C' },
    });
    await gateway.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hello' }] });
    expect(oai.requests.at(-1)!.headers['x-lookout-prompt']).toBeUndefined(); // Lookout's headers stay with Lookout

    const traceId = randomUUID();
    const langfuse = await t.app.inject({
      method: 'POST',
      url: '/api/public/ingestion',
      payload: {
        batch: [
          { id: randomUUID(), type: 'trace-create', timestamp: new Date().toISOString(), body: { id: traceId, name: 'critic' } },
          {
            id: randomUUID(),
            type: 'generation-create',
            timestamp: new Date().toISOString(),
            body: { id: randomUUID(), traceId, model: 'gpt-4o', usage: { input: 100, output: 10 }, promptName: 'langfuse-critic', promptVersion: 12, startTime: new Date().toISOString(), endTime: new Date().toISOString() },
          },
        ],
      },
    });
    expect(langfuse.json().errors).toEqual([]);

    expect(await byPrompt(7)).toEqual([
      { prompt: 'langfuse-critic', prompt_version: '12', variant: null, requests: 1 },
      { prompt: 'sdk-answer', prompt_version: '2', variant: 'B', requests: 1 },
      { prompt: 'joke-generator', prompt_version: '3', variant: null, requests: 1 },
      { prompt: '@team/gateway-answer', prompt_version: '4', variant: 'C', requests: 1 },
      { prompt: 'native-answer', prompt_version: '5', variant: 'A', requests: 1 },
      { prompt: 'movie-critic', prompt_version: '7', variant: null, requests: 1 },
      { prompt: null, prompt_version: 'v3.1', variant: null, requests: 1 }, // OpenInference names no prompt
    ]);
    expect(await byPrompt(2, 'variant:B,C')).toEqual([
      { prompt: 'sdk-answer', prompt_version: '2', variant: 'B', requests: 1 },
      { prompt: '@team/gateway-answer', prompt_version: '4', variant: 'C', requests: 1 },
    ]);

    const stored = await spansOfPrompts();
    const variables = Object.fromEntries(stored.map((m) => [m[PROMPT_METADATA.name] ?? m[PROMPT_METADATA.version], m[PROMPT_METADATA.variables]]));
    expect(stored.find((m) => m[PROMPT_METADATA.name] === 'joke-generator')![PROMPT_METADATA.template]).toBe(`Tell me a {what} (${mark} template)`);
    expect(variables).toEqual({
      'native-answer': JSON.stringify({ customer: `${mark} customer` }),
      'sdk-answer': JSON.stringify({ topic: `${mark} topic` }),
      'joke-generator': JSON.stringify({ what: `${mark} joke` }),
      'v3.1': JSON.stringify({ text: `${mark} report` }),
      'movie-critic': undefined,
      '@team/gateway-answer': undefined,
      'langfuse-critic': undefined,
    });
  });

  it('below full capture: the identity is kept, the variables and templates never come back', async () => {
    await setCapture('metadata');
    const mark = `zq-hidden-${hex(4)}`;
    await sendNative('-2', mark);
    await sendSdk('-2', mark);
    await sendOtlp('-2', mark);
    const rows = await byPrompt(12);
    for (const prompt of ['native-answer-2', 'sdk-answer-2', 'joke-generator-2', 'movie-critic-2']) expect(rows.map((r) => r.prompt), prompt).toContain(prompt);
    expect(rows.map((r) => r.prompt_version)).toContain('v3.1-2');
    const stored = JSON.stringify(await spansOfPrompts()) + (await t.app.inject('/api/v1/spans?limit=500')).body;
    expect(stored).toContain('native-answer-2');
    expect(stored).not.toContain(mark);
  });

  it('the gateway refuses a malformed or oversized prompt header with a 400 naming it', async () => {
    const call = (headers: Record<string, string>) =>
      new OpenAI({ apiKey: 'sk-test', baseURL: `${base}/proxy/openai/v1`, maxRetries: 0, defaultHeaders: headers })
        .chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hello' }] })
        .then(() => null, (e: unknown) => e as { status: number; message: string });
    const upstreamBefore = oai.requests.length;
    for (const [headers, problem] of [
      [{ 'x-lookout-prompt': '@5' }, /x-lookout-prompt: '@5' has no prompt name/],
      [{ 'x-lookout-prompt': 'answer@' }, /x-lookout-prompt: 'answer@' has no version/],
      [{ 'x-lookout-prompt': `${'n'.repeat(300)}@1` }, /x-lookout-prompt.*at most/],
      [{ 'x-lookout-variant': 'v'.repeat(129) }, /x-lookout-variant is 129 characters long; at most 128/],
    ] as const) {
      const err = await call(headers);
      expect(err?.status, JSON.stringify(headers).slice(0, 60)).toBe(400);
      expect(err?.message).toMatch(problem);
    }
    expect(oai.requests.length).toBe(upstreamBefore); // nothing was sent upstream
  });
});
