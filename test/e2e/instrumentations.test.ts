// Compatibility with the instrumentations users already run, with real parts end to end: the
// official OpenAI and Anthropic clients (and the Vercel AI SDK over @ai-sdk/openai) against fake
// upstreams on 127.0.0.1, instrumented by the real packages, exporting through the official
// OTLP/HTTP protobuf exporter to a Lookout child process; then the stored trace is read back.
//
// The packages live in their own install, test/e2e/instrumentations (package.json and
// package-lock.json there): they are built on the OpenTelemetry JS SDK 1.x/2.x line, which
// conflicts with the root project's 3.x. `.ci/run` installs it with
// `npm ci --prefix test/e2e/instrumentations`; without it these tests are skipped (failed under
// REQUIRE_E2E=1). Their recorded spans are also unit-tested as fixtures in
// packages/server/src/ingest/otlp/conventions/fixtures.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { calcPrice } from '@pydantic/genai-prices';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHAT_USAGE, STREAM_USAGE, startFakeOpenAI } from './fake-openai.ts';
import { ANTHROPIC_MODEL, MESSAGE_USAGE, STREAM_MESSAGE_USAGE, startFakeAnthropic } from './fake-anthropic.ts';
import { e2eRequired, makeTempDir, removeTempDir, repoRoot, runProgram, startLookout, type LookoutServer } from './harness.ts';

interface StoredSpan {
  spanId: string;
  parentSpanId: string | null;
  name: string;
  kind: string;
  startUs: number;
  provider: string | null;
  requestModel: string | null;
  responseModel: string | null;
  usage: { input: number; output: number; cacheRead: number; cacheWrite: number; reasoning: number };
  cost: { status: string; totalNanoUsd: number | null };
  attribution: { userId: string | null; sessionId: string | null; application: string | null; environment: string | null };
  metadata: Record<string, string>;
}

const clientsDir = join(repoRoot, 'test/e2e/instrumentations');
const OPENAI_SNAPSHOT = 'gpt-4o-mini-2024-07-18';

let missing: string | undefined;
let lookout: LookoutServer | undefined;
let openaiUpstream: Awaited<ReturnType<typeof startFakeOpenAI>> | undefined;
let anthropicUpstream: Awaited<ReturnType<typeof startFakeAnthropic>> | undefined;
let dataDir = '';

beforeAll(async () => {
  if (!existsSync(join(clientsDir, 'node_modules'))) {
    missing = 'test/e2e/instrumentations/node_modules is missing (npm ci --prefix test/e2e/instrumentations installs it)';
    if (e2eRequired) throw new Error(`REQUIRE_E2E=1 but ${missing}`);
    console.warn(`skipping: ${missing}`);
    return;
  }
  dataDir = await makeTempDir('instrumentations');
  lookout = await startLookout({ dataDir });
  openaiUpstream = await startFakeOpenAI();
  anthropicUpstream = await startFakeAnthropic();
});

afterAll(async () => {
  await lookout?.stop();
  await openaiUpstream?.close();
  await anthropicUpstream?.close();
  if (dataDir) await removeTempDir(dataDir);
});

// Runs one client script, then reads its trace back from Lookout: spans in start order.
async function traceOf(script: string, upstreamUrl: string): Promise<StoredSpan[]> {
  const client = await runProgram(script, process.execPath, [join(clientsDir, script)], {
    env: { ...process.env, LOOKOUT_URL: lookout!.url, UPSTREAM_URL: upstreamUrl },
    timeoutMs: 30_000,
  });
  expect(client.code, client.output).toBe(0);
  const traceId = client.stdout.trim();
  expect(traceId, client.output).toMatch(/^[0-9a-f]{32}$/);
  const res = await fetch(`${lookout!.url}/api/v1/traces/${traceId}`);
  expect(res.status, await res.clone().text()).toBe(200);
  const { spans } = (await res.json()) as { spans: StoredSpan[] };
  return [...spans].sort((a, b) => a.startUs - b.startUs);
}

// The catalog's price, in nano-USD. input_tokens is the whole prompt, cached parts included.
function catalogNano(model: string, providerId: string, usage: { input: number; cacheRead?: number; cacheWrite?: number; output: number }): number {
  const price = calcPrice(
    { input_tokens: usage.input, cache_read_tokens: usage.cacheRead ?? 0, cache_write_tokens: usage.cacheWrite ?? 0, output_tokens: usage.output },
    model,
    { providerId },
  );
  if (!price) throw new Error(`no catalog price for ${providerId}/${model}`);
  return price.total_price * 1e9;
}

function expectCost(span: StoredSpan, nano: number): void {
  expect(span.cost.status, span.name).toBe('priced');
  expect(Math.abs(span.cost.totalNanoUsd! - nano), `${span.name}: ${span.cost.totalNanoUsd} vs catalog ${nano}`).toBeLessThan(5);
}

const noTokens = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, reasoning: 0 };

function rootOf(spans: StoredSpan[]): StoredSpan {
  const root = spans.find((s) => s.name === 'answer-question');
  expect(root, JSON.stringify(spans.map((s) => s.name))).toBeDefined();
  expect(root!.parentSpanId).toBeNull();
  // The application's own span reports no tokens: no cost is claimed for it, not even $0.
  expect(root!.cost).toMatchObject({ status: 'not_applicable', totalNanoUsd: null });
  return root!;
}

describe('third-party instrumentations → OTLP/HTTP protobuf → Lookout', () => {
  it('OpenLLMetry: openai client + @traceloop/instrumentation-openai', async (ctx) => {
    if (missing) return ctx.skip(missing);
    const spans = await traceOf('traceloop-openai.cjs', openaiUpstream!.url);
    const root = rootOf(spans);
    expect(root.attribution).toMatchObject({ userId: 'alice', sessionId: 'chat-42', application: 'e2e-openllmetry-openai', environment: 'e2e' });

    const chats = spans.filter((s) => s.kind === 'generation');
    expect(chats).toHaveLength(2);
    for (const chat of chats) {
      expect(chat.parentSpanId).toBe(root.spanId);
      expect(chat.provider).toBe('openai');
      expect(chat.requestModel).toBe('gpt-4o-mini');
      expect(chat.responseModel).toBe(OPENAI_SNAPSHOT);
      expect(chat.metadata['lookout.conventions']).toContain('openllmetry');
    }
    const [plain, streamed] = chats;
    // 0.27 writes gen_ai.usage.input_tokens / output_tokens for chat completions but not the
    // cached part (prompt_tokens_details.cached_tokens), so the span says 1,200 input tokens and
    // Lookout prices exactly that, all at the uncached rate.
    expect(plain!.usage).toMatchObject({ input: CHAT_USAGE.prompt_tokens, cacheRead: 0, cacheWrite: 0, output: CHAT_USAGE.completion_tokens });
    expectCost(plain!, catalogNano(OPENAI_SNAPSHOT, 'openai', { input: CHAT_USAGE.prompt_tokens, output: CHAT_USAGE.completion_tokens }));
    // When streaming, 0.27 does not read the final usage chunk at all (it only estimates counts
    // with tiktoken when enrichTokens is on, off by default): the span has no token counts, and
    // Lookout claims no cost for it (not even $0) rather than invent a number.
    expect(streamed!.usage).toMatchObject(noTokens);
    expect(streamed!.cost).toMatchObject({ status: 'not_applicable', totalNanoUsd: null });
  });

  it('OpenLLMetry: @anthropic-ai/sdk client + @traceloop/instrumentation-anthropic', async (ctx) => {
    if (missing) return ctx.skip(missing);
    const spans = await traceOf('traceloop-anthropic.cjs', anthropicUpstream!.url);
    const root = rootOf(spans);
    expect(root.attribution).toMatchObject({ userId: 'bob', sessionId: 'chat-7', application: 'e2e-openllmetry-anthropic' });

    const chats = spans.filter((s) => s.kind === 'generation');
    expect(chats).toHaveLength(2);
    for (const chat of chats) {
      expect(chat.parentSpanId).toBe(root.spanId);
      expect(chat.provider).toBe('anthropic');
      expect(chat.requestModel).toBe('claude-sonnet-4-5');
      expect(chat.responseModel).toBe(ANTHROPIC_MODEL);
      expect(chat.metadata['lookout.conventions']).toContain('openllmetry');
    }
    // Cache reads and writes reported (gen_ai.usage.cache_read/creation.input_tokens), both for
    // the JSON response and for the stream (message_start + message_delta); Anthropic's
    // input_tokens excludes them, and Lookout keeps the four buckets apart.
    const [plain, streamed] = chats;
    for (const [span, usage] of [[plain!, MESSAGE_USAGE], [streamed!, STREAM_MESSAGE_USAGE]] as const) {
      expect(span.usage).toMatchObject({
        input: usage.input_tokens,
        cacheRead: usage.cache_read_input_tokens,
        cacheWrite: usage.cache_creation_input_tokens,
        output: usage.output_tokens,
      });
      expectCost(span, catalogNano(ANTHROPIC_MODEL, 'anthropic', {
        input: usage.input_tokens + usage.cache_read_input_tokens + usage.cache_creation_input_tokens,
        cacheRead: usage.cache_read_input_tokens,
        cacheWrite: usage.cache_creation_input_tokens,
        output: usage.output_tokens,
      }));
    }
  });

  it('OpenInference: openai client + @arizeai/openinference-instrumentation-openai', async (ctx) => {
    if (missing) return ctx.skip(missing);
    const spans = await traceOf('openinference-openai.cjs', openaiUpstream!.url);
    const root = rootOf(spans);
    expect(root.attribution).toMatchObject({ userId: 'carol', sessionId: 'chat-9', application: 'e2e-openinference-openai' });

    const chats = spans.filter((s) => s.kind === 'generation');
    expect(chats).toHaveLength(2);
    for (const chat of chats) {
      expect(chat.parentSpanId).toBe(root.spanId);
      expect(chat.provider).toBe('openai');
      expect(chat.metadata['lookout.conventions']).toContain('openinference');
      // setUser / setSession in the context: the instrumentation's own spans carry them too.
      expect(chat.attribution).toMatchObject({ userId: 'carol', sessionId: 'chat-9' });
    }
    const [plain, streamed] = chats;
    // OpenInference has a single llm.model_name, which it overwrites with the response's model.
    expect(plain!.responseModel ?? plain!.requestModel).toBe(OPENAI_SNAPSHOT);
    // Cached prompt tokens are reported (llm.token_count.prompt_details.cache_read) inside
    // llm.token_count.prompt: Lookout splits them out and prices them at the cached rate.
    expect(plain!.usage).toMatchObject({
      input: CHAT_USAGE.prompt_tokens - CHAT_USAGE.prompt_tokens_details.cached_tokens,
      cacheRead: CHAT_USAGE.prompt_tokens_details.cached_tokens,
      cacheWrite: 0,
      output: CHAT_USAGE.completion_tokens,
    });
    expectCost(plain!, catalogNano(OPENAI_SNAPSHOT, 'openai', {
      input: CHAT_USAGE.prompt_tokens,
      cacheRead: CHAT_USAGE.prompt_tokens_details.cached_tokens,
      output: CHAT_USAGE.completion_tokens,
    }));
    // When streaming, 4.2.7 skips chunks without choices, which is where the usage arrives
    // (stream_options.include_usage): the span has the request model and no token counts.
    expect(streamed!.requestModel).toBe('gpt-4o-mini');
    expect(streamed!.usage).toMatchObject(noTokens);
    expect(streamed!.cost).toMatchObject({ status: 'not_applicable', totalNanoUsd: null });
  });

  it('Vercel AI SDK: ai generateText / streamText with experimental_telemetry + @ai-sdk/openai', async (ctx) => {
    if (missing) return ctx.skip(missing);
    const spans = await traceOf('ai-sdk.mjs', openaiUpstream!.url);
    const root = rootOf(spans);
    const byName = (name: string) => {
      const found = spans.filter((s) => s.name === name);
      expect(found, `${name} in ${JSON.stringify(spans.map((s) => s.name))}`).toHaveLength(1);
      return found[0]!;
    };
    const generate = byName('ai.generateText');
    const doGenerate = byName('ai.generateText.doGenerate');
    const stream = byName('ai.streamText');
    const doStream = byName('ai.streamText.doStream');
    expect(spans).toHaveLength(5);
    expect(generate.parentSpanId).toBe(root.spanId);
    expect(stream.parentSpanId).toBe(root.spanId);
    expect(doGenerate.parentSpanId).toBe(generate.spanId);
    expect(doStream.parentSpanId).toBe(stream.spanId);

    // experimental_telemetry.metadata → ai.telemetry.metadata.userId / sessionId on every AI SDK span.
    for (const span of [generate, doGenerate, stream, doStream]) {
      expect(span.attribution).toMatchObject({ userId: 'dave', sessionId: 'chat-3', application: 'e2e-ai-sdk' });
      expect(span.metadata['ai.telemetry.functionId']).toBe('support-answer');
      expect(span.provider).toBe('openai');
      expect(span.requestModel).toBe('gpt-4o-mini');
    }

    // Tokens counted once: the outer ai.generateText / ai.streamText spans repeat their steps'
    // usage, so only the inner doGenerate / doStream calls are generations and carry tokens.
    expect(spans.filter((s) => s.kind === 'generation').map((s) => s.spanId).sort()).toEqual([doGenerate.spanId, doStream.spanId].sort());
    for (const outer of [generate, stream]) {
      expect(outer.usage).toMatchObject(noTokens);
      expect(outer.cost).toMatchObject({ status: 'not_applicable', totalNanoUsd: null });
    }

    // @ai-sdk/openai reports cached prompt tokens (inputTokens.cacheRead), streaming included.
    expect(doGenerate.responseModel).toBe(OPENAI_SNAPSHOT);
    expect(doGenerate.usage).toMatchObject({
      input: CHAT_USAGE.prompt_tokens - CHAT_USAGE.prompt_tokens_details.cached_tokens,
      cacheRead: CHAT_USAGE.prompt_tokens_details.cached_tokens,
      output: CHAT_USAGE.completion_tokens,
    });
    const generateNano = catalogNano(OPENAI_SNAPSHOT, 'openai', {
      input: CHAT_USAGE.prompt_tokens,
      cacheRead: CHAT_USAGE.prompt_tokens_details.cached_tokens,
      output: CHAT_USAGE.completion_tokens,
    });
    expectCost(doGenerate, generateNano);
    expect(doStream.responseModel).toBe(OPENAI_SNAPSHOT);
    expect(doStream.usage).toMatchObject({
      input: STREAM_USAGE.prompt_tokens - STREAM_USAGE.prompt_tokens_details.cached_tokens,
      cacheRead: STREAM_USAGE.prompt_tokens_details.cached_tokens,
      output: STREAM_USAGE.completion_tokens,
    });
    const streamNano = catalogNano(OPENAI_SNAPSHOT, 'openai', { input: STREAM_USAGE.prompt_tokens, output: STREAM_USAGE.completion_tokens });
    expectCost(doStream, streamNano);

    // The whole trace costs what the two upstream calls cost, not twice that.
    const traceTokens = spans.reduce((sum, s) => sum + s.usage.input + s.usage.cacheRead + s.usage.output, 0);
    expect(traceTokens).toBe(CHAT_USAGE.total_tokens + STREAM_USAGE.total_tokens);
    const traceNano = spans.reduce((sum, s) => sum + (s.cost.totalNanoUsd ?? 0), 0);
    expect(Math.abs(traceNano - (generateNano + streamNano))).toBeLessThan(10);
  });
});
