// Compatibility with what users already run: the official OpenAI client, instrumented by
// @opentelemetry/instrumentation-openai (GenAI semantic conventions), exporting through the
// official OTLP exporters (protobuf and JSON over HTTP, and gRPC) to a Lookout child process.
import { join } from 'node:path';
import { calcPrice } from '@pydantic/genai-prices';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHAT_USAGE, EMBEDDING_USAGE, STREAM_USAGE, startFakeOpenAI } from './fake-openai.ts';
import { makeTempDir, removeTempDir, repoRoot, runProgram, startLookout, type LookoutServer } from './harness.ts';

interface StoredSpan {
  spanId: string;
  parentSpanId: string | null;
  name: string;
  kind: string;
  provider: string | null;
  requestModel: string | null;
  responseModel: string | null;
  usage: { input: number; output: number; cacheRead: number; cacheWrite: number; reasoning: number };
  cost: { status: string; totalNanoUsd: number | null };
  attribution: { userId: string | null; feature: string | null; application: string | null; environment: string | null };
}

let lookout: LookoutServer | undefined;
let upstream: Awaited<ReturnType<typeof startFakeOpenAI>> | undefined;
let dataDir = '';

beforeAll(async () => {
  dataDir = await makeTempDir('otel-openai');
  lookout = await startLookout({ dataDir });
  upstream = await startFakeOpenAI();
});

afterAll(async () => {
  await lookout?.stop();
  await upstream?.close();
  await removeTempDir(dataDir);
});

function catalogNano(model: string, usage: { prompt_tokens: number; completion_tokens?: number; prompt_tokens_details?: { cached_tokens: number } }): number {
  const price = calcPrice(
    { input_tokens: usage.prompt_tokens, cache_read_tokens: usage.prompt_tokens_details?.cached_tokens ?? 0, output_tokens: usage.completion_tokens ?? 0 },
    model,
    { providerId: 'openai' },
  );
  if (!price) throw new Error(`no catalog price for ${model}`);
  return price.total_price * 1e9;
}

describe.each(['proto', 'http', 'grpc'])('OpenAI client + @opentelemetry/instrumentation-openai + OTLP %s exporter', (exporter) => {
  it('stores the trace with models, token buckets, catalog cost and structure', async () => {
    const client = await runProgram('openai client', process.execPath, [join(repoRoot, 'test/e2e/clients/openai-otel.cjs')], {
      env: {
        ...process.env,
        LOOKOUT_URL: lookout!.url,
        LOOKOUT_GRPC_URL: `http://127.0.0.1:${lookout!.grpcPort}`,
        UPSTREAM_URL: upstream!.url,
        EXPORTER: exporter,
      },
      timeoutMs: 60_000,
    });
    expect(client.code, client.output).toBe(0);
    const traceId = client.stdout.trim();
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);

    const res = await fetch(`${lookout!.url}/api/v1/traces/${traceId}`);
    expect(res.status, await res.clone().text()).toBe(200);
    const { spans } = (await res.json()) as { spans: StoredSpan[] };
    const root = spans.find((s) => s.name === 'answer-question')!;
    expect(root).toBeDefined();
    expect(root.attribution).toMatchObject({ userId: 'alice', feature: 'support-chat', application: 'e2e-shop', environment: 'e2e' });

    const chats = spans.filter((s) => s.kind === 'generation');
    expect(chats).toHaveLength(2);
    for (const chat of chats) {
      expect(chat.parentSpanId).toBe(root.spanId);
      // Attribution set on the root span reaches its LLM spans, so cost by user or feature counts them.
      expect(chat.attribution).toMatchObject({ userId: 'alice', feature: 'support-chat' });
      expect(chat.provider).toBe('openai');
      expect(chat.requestModel).toBe('gpt-4o-mini');
      expect(chat.cost.status).toBe('priced');
    }
    const [plain, streamed] = [...chats].sort((a, b) => b.usage.cacheRead + b.usage.input - (a.usage.cacheRead + a.usage.input));
    // This instrumentation (0.22) reports gen_ai.usage.input_tokens and output_tokens only, not
    // the cached part, so the span says 1,200 input tokens and Lookout prices exactly that: all
    // at the uncached rate. (The gateway and Lookout's SDK see the cached tokens and discount them.)
    expect(plain.usage).toMatchObject({ input: CHAT_USAGE.prompt_tokens, cacheRead: 0, output: CHAT_USAGE.completion_tokens });
    const reported = { prompt_tokens: CHAT_USAGE.prompt_tokens, completion_tokens: CHAT_USAGE.completion_tokens };
    expect(Math.abs(plain.cost.totalNanoUsd! - catalogNano(plain.responseModel ?? 'gpt-4o-mini', reported))).toBeLessThan(5);
    expect(streamed.usage).toMatchObject({ input: STREAM_USAGE.prompt_tokens, cacheRead: 0, output: STREAM_USAGE.completion_tokens });
    expect(Math.abs(streamed.cost.totalNanoUsd! - catalogNano(streamed.responseModel ?? 'gpt-4o-mini', STREAM_USAGE))).toBeLessThan(5);

    const embedding = spans.find((s) => s.kind === 'embedding')!;
    expect(embedding).toBeDefined();
    expect(embedding.parentSpanId).toBe(root.spanId);
    expect(embedding.usage.input).toBe(EMBEDDING_USAGE.prompt_tokens);
    expect(Math.abs(embedding.cost.totalNanoUsd! - catalogNano('text-embedding-3-small', { prompt_tokens: 4 }))).toBeLessThan(5);
  });
});
