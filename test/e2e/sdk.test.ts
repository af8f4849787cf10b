// The Lookout SDK (@lookout/sdk) end to end: the official openai and @anthropic-ai/sdk clients,
// wrapped, inside withContext and traced helpers, against fake upstreams, exporting OTLP/protobuf
// to a Lookout child process; the stored trace is read back through the API. checkBudget() is
// asked about a hard budget that calls sent through the native ingest API have spent.
import { randomBytes } from 'node:crypto';
import Anthropic from '@anthropic-ai/sdk';
import { calcPrice } from '@pydantic/genai-prices';
import { checkBudget, init, score, traceRetrieval, traced, withContext, wrapAnthropic, wrapOpenAI, currentTraceId, type LookoutHandle } from '@lookout/sdk';
import { SpanKind } from '@opentelemetry/api';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MESSAGE_USAGE, STREAM_MESSAGE_USAGE, startFakeAnthropic } from './fake-anthropic.ts';
import { CHAT_USAGE, EMBEDDING_USAGE, STREAM_USAGE, startFakeOpenAI } from './fake-openai.ts';
import { makeTempDir, pollUntil, removeTempDir, startLookout, type LookoutServer } from './harness.ts';

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
  ttftMs: number | null;
  finishReason: string | null;
  attribution: { userId: string | null; sessionId: string | null; feature: string | null; team: string | null; department: string | null; application: string | null };
  tags: string[];
  metadata: Record<string, string>;
}
interface StoredTrace {
  spans: StoredSpan[];
  scores: { name: string; numericValue: number | null; comment: string | null; spanId: string | null; source: string }[];
}

let lookout: LookoutServer | undefined;
let openaiUpstream: Awaited<ReturnType<typeof startFakeOpenAI>> | undefined;
let anthropicUpstream: Awaited<ReturnType<typeof startFakeAnthropic>> | undefined;
let sdk: LookoutHandle | undefined;
let dataDir = '';

beforeAll(async () => {
  dataDir = await makeTempDir('sdk');
  lookout = await startLookout({ dataDir });
  openaiUpstream = await startFakeOpenAI();
  anthropicUpstream = await startFakeAnthropic();
  sdk = init({ endpoint: lookout.url, serviceName: 'e2e-sdk', scheduledDelayMs: 100 });
});

afterAll(async () => {
  await sdk?.shutdown();
  await lookout?.stop();
  await openaiUpstream?.close();
  await anthropicUpstream?.close();
  await removeTempDir(dataDir);
});

function catalogNano(model: string, providerId: string, usage: { input_tokens: number; cache_read_tokens?: number; cache_write_tokens?: number; output_tokens?: number }): number {
  const price = calcPrice(usage, model, { providerId });
  if (!price) throw new Error(`no catalog price for ${model}`);
  return price.total_price * 1e9;
}

describe('@lookout/sdk against a Lookout process', () => {
  it('stores models, token buckets (cache read charged once), catalog cost, attribution, structure and the score', async () => {
    const openai = wrapOpenAI(new OpenAI({ apiKey: 'sk-test', baseURL: `${openaiUpstream!.url}/v1`, maxRetries: 0 }));
    const anthropic = wrapAnthropic(new Anthropic({ apiKey: 'sk-ant-test', baseURL: anthropicUpstream!.url, maxRetries: 0 }));

    const traceId = await withContext(
      { userId: 'alice', sessionId: 'sess-1', feature: 'support-chat', team: 'cx', department: 'ops', application: 'e2e-shop', tags: ['e2e'], metadata: { plan: 'pro' } },
      () =>
        traced('answer-question', SpanKind.INTERNAL, { 'lookout.span.kind': 'chain' }, async () => {
          const docs = await traceRetrieval({ index: 'kb', query: 'refund policy' }, async () => {
            // query rewriting inside the retrieval step: the LLM span is its child
            await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'rewrite: refund?' }] });
            await openai.embeddings.create({ model: 'text-embedding-3-small', input: 'refund policy' });
            return [{ id: 'd1', score: 0.82 }, { id: 'd2', score: 0.64 }];
          });
          expect(docs).toHaveLength(2);
          const stream = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'answer' }], stream: true, stream_options: { include_usage: true } });
          let text = '';
          for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
          expect(text).toBe('Refund is on its way.');
          const msg = await anthropic.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'summarise' }] });
          expect(msg.usage).toMatchObject(MESSAGE_USAGE);
          const claudeStream = await anthropic.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'again' }], stream: true });
          let claudeText = '';
          for await (const e of claudeStream) if (e.type === 'content_block_delta' && e.delta.type === 'text_delta') claudeText += e.delta.text;
          expect(claudeText).toBe('Refund is on its way.');
          expect(score({ name: 'helpful', value: 1, comment: 'solved it' })).toBe(true);
          return currentTraceId()!;
        }),
    );
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    await sdk!.flush();

    const trace = await pollUntil(
      'the trace with 7 spans and a score',
      async () => {
        const res = await fetch(`${lookout!.url}/api/v1/traces/${traceId}`);
        if (res.status !== 200) return undefined;
        const t = (await res.json()) as StoredTrace;
        return t.spans.length >= 7 && t.scores.length >= 1 ? t : undefined;
      },
      { timeoutMs: 20_000, context: () => lookout!.output() },
    );
    expect(sdk!.stats()).toMatchObject({ dropped: 0, exportFailures: 0, instrumentationErrors: 0, scoresFailed: 0 });

    const root = trace.spans.find((s) => s.name === 'answer-question')!;
    const retrieval = trace.spans.find((s) => s.kind === 'retrieval')!;
    const generations = trace.spans.filter((s) => s.kind === 'generation');
    const embedding = trace.spans.find((s) => s.kind === 'embedding')!;
    expect(root.kind).toBe('chain');
    expect(retrieval.parentSpanId).toBe(root.spanId);
    expect(retrieval.metadata).toMatchObject({ 'retrieval.index': 'kb', 'retrieval.result_count': '2', 'retrieval.top_score': '0.82' });
    expect(generations).toHaveLength(4);

    for (const s of trace.spans) {
      expect(s.attribution, s.name).toMatchObject({ userId: 'alice', sessionId: 'sess-1', feature: 'support-chat', team: 'cx', department: 'ops', application: 'e2e-shop' });
      expect(s.tags).toContain('e2e');
    }

    // OpenAI, not streamed: 1,200 prompt tokens of which 1,024 cached -> 176 input + 1,024 cache read.
    const plain = generations.find((s) => s.parentSpanId === retrieval.spanId)!;
    expect(plain).toBeDefined();
    expect(plain.provider).toBe('openai');
    expect(plain.requestModel).toBe('gpt-4o-mini');
    expect(plain.responseModel).toBe('gpt-4o-mini-2024-07-18');
    expect(plain.usage).toMatchObject({ input: CHAT_USAGE.prompt_tokens - 1024, cacheRead: 1024, output: CHAT_USAGE.completion_tokens });
    expect(plain.cost.status).toBe('priced');
    const plainCatalog = catalogNano('gpt-4o-mini-2024-07-18', 'openai', { input_tokens: CHAT_USAGE.prompt_tokens, cache_read_tokens: 1024, output_tokens: CHAT_USAGE.completion_tokens });
    expect(Math.abs(plain.cost.totalNanoUsd! - plainCatalog)).toBeLessThan(5);
    expect(plain.finishReason).toBe('stop');
    expect(plain.metadata['plan']).toBe('pro');

    expect(embedding.parentSpanId).toBe(retrieval.spanId);
    expect(embedding.usage.input).toBe(EMBEDDING_USAGE.prompt_tokens);
    expect(Math.abs(embedding.cost.totalNanoUsd! - catalogNano('text-embedding-3-small', 'openai', { input_tokens: 4 }))).toBeLessThan(5);

    // OpenAI, streamed with include_usage: TTFT recorded.
    const streamed = generations.find((s) => s.parentSpanId === root.spanId && s.provider === 'openai')!;
    expect(streamed.usage).toMatchObject({ input: STREAM_USAGE.prompt_tokens, cacheRead: 0, output: STREAM_USAGE.completion_tokens });
    expect(streamed.ttftMs).toBeGreaterThan(0);
    expect(streamed.ttftMs).toBeLessThan(5_000);

    // Anthropic: input_tokens excludes cache; each bucket charged once.
    const claudes = generations.filter((s) => s.provider === 'anthropic');
    expect(claudes).toHaveLength(2);
    const claude = claudes.find((s) => s.ttftMs === null)!;
    const claudeStreamed = claudes.find((s) => s.ttftMs !== null)!;
    expect(claudeStreamed.ttftMs).toBeGreaterThan(0);
    const su = STREAM_MESSAGE_USAGE;
    expect(claudeStreamed.usage).toMatchObject({ input: su.input_tokens, cacheRead: su.cache_read_input_tokens, cacheWrite: su.cache_creation_input_tokens, output: su.output_tokens });
    const streamedCatalog = catalogNano(claudeStreamed.responseModel!, 'anthropic', {
      input_tokens: su.input_tokens + su.cache_read_input_tokens + su.cache_creation_input_tokens,
      cache_read_tokens: su.cache_read_input_tokens,
      cache_write_tokens: su.cache_creation_input_tokens,
      output_tokens: su.output_tokens,
    });
    expect(Math.abs(claudeStreamed.cost.totalNanoUsd! - streamedCatalog)).toBeLessThan(5);
    expect(claude.usage).toMatchObject({ input: MESSAGE_USAGE.input_tokens, cacheRead: MESSAGE_USAGE.cache_read_input_tokens, cacheWrite: MESSAGE_USAGE.cache_creation_input_tokens, output: MESSAGE_USAGE.output_tokens });
    expect(claude.cost.status).toBe('priced');
    const claudeCatalog = catalogNano(claude.responseModel!, 'anthropic', {
      input_tokens: MESSAGE_USAGE.input_tokens + MESSAGE_USAGE.cache_read_input_tokens + MESSAGE_USAGE.cache_creation_input_tokens,
      cache_read_tokens: MESSAGE_USAGE.cache_read_input_tokens,
      cache_write_tokens: MESSAGE_USAGE.cache_creation_input_tokens,
      output_tokens: MESSAGE_USAGE.output_tokens,
    });
    expect(Math.abs(claude.cost.totalNanoUsd! - claudeCatalog)).toBeLessThan(5);

    expect(trace.scores).toHaveLength(1);
    expect(trace.scores[0]).toMatchObject({ name: 'helpful', numericValue: 1, comment: 'solved it', source: 'sdk', spanId: root.spanId });
  });
});

describe('checkBudget() against a Lookout process', () => {
  // gpt-4o is $2.50 per million input tokens and $10 per million output tokens in the catalog.
  const model = 'gpt-4o';
  const usage = { input: 250_000, output: 1_000 };
  const limitUsd = 1;

  async function spend(userId: string, calls: number): Promise<void> {
    const batch = Array.from({ length: calls }, () => ({
      type: 'generation',
      traceId: randomBytes(16).toString('hex'),
      spanId: randomBytes(8).toString('hex'),
      startTime: new Date(Date.now() - 1_000).toISOString(),
      durationMs: 500,
      provider: 'openai',
      model,
      usage,
      userId,
    }));
    const res = await fetch(`${lookout!.url}/api/v1/ingest`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ batch }) });
    expect(res.status, await res.clone().text()).toBe(200);
    await res.body?.cancel();
  }

  it('blocks the user whose hard budget priced calls have spent, and no other user', async () => {
    const suffix = randomBytes(4).toString('hex');
    const spender = `spender-${suffix}`;
    const bystander = `bystander-${suffix}`;
    const created = await fetch(`${lookout!.url}/api/v1/budgets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ scope: 'user', subject: spender, period: 'daily', limitUsd, enforce: 'hard' }),
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const { budget } = (await created.json()) as { budget: { id: string } };

    const perCallUsd = calcPrice({ input_tokens: usage.input, output_tokens: usage.output }, model, { providerId: 'openai' })!.total_price;
    expect(perCallUsd).toBeLessThan(limitUsd);
    expect(2 * perCallUsd).toBeGreaterThan(limitUsd);

    // One call: under the limit, the budget is reported and the user may go on.
    await spend(spender, 1);
    const under = await checkBudget({ user: spender });
    expect(under, under.error).toMatchObject({ checked: true, allowed: true, user: spender, blockedBy: null });
    const status = under.budgets.find((b) => b.budget.id === budget.id);
    expect(status, JSON.stringify(under.budgets)).toMatchObject({ subject: spender, limitUsd, exceeded: false, budget: { enforce: 'hard', scope: 'user' } });
    expect(status!.spentUsd).toBeCloseTo(perCallUsd, 6);

    // A second call spends it: acknowledged spend counts at once (the check answers from memory).
    await spend(spender, 1);
    await spend(bystander, 2);
    const over = await checkBudget({ user: spender });
    expect(over, over.error).toMatchObject({ checked: true, allowed: false, user: spender, blockedBy: { budget: { id: budget.id }, subject: spender, exceeded: true } });
    expect(over.blockedBy!.spentUsd).toBeCloseTo(2 * perCallUsd, 6);
    expect(over.warnings.join('\n')).toContain(spender);

    // The same spend by a user the budget does not cover blocks nothing.
    const other = await withContext({ userId: bystander }, () => checkBudget());
    expect(other, other.error).toMatchObject({ checked: true, allowed: true, user: bystander, blockedBy: null });
    expect(other.budgets.map((b) => b.budget.id)).not.toContain(budget.id);
  });
});
