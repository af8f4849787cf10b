import { afterEach, describe, expect, it } from 'vitest';
import { startFakeJudge, type FakeJudge } from '../../testing/fake-judge.ts';
import { chatCompletion, JudgeCallError, parseRetryAfter } from './client.ts';
import { backoffMs } from './judge.ts';

const body = { messages: [{ role: 'user' as const, content: 'judge this' }], responseFormat: { type: 'json_object' } };

describe('the judge client', () => {
  let fake: FakeJudge | null = null;
  afterEach(async () => {
    await fake?.close();
    fake = null;
  });

  const call = (timeoutMs = 1_000, maxAnswerBytes?: number) => chatCompletion({ baseUrl: fake!.url, model: 'judge-model', apiKey: null }, body, { timeoutMs, maxAnswerBytes });
  const failure = (p: Promise<unknown>) => p.then(() => null, (e: unknown) => e as JudgeCallError);

  it('reads the answer, its model and its usage, cached and reasoning tokens included', async () => {
    fake = await startFakeJudge(() => ({ score: 1 }), { model: 'judge-model-2026' });
    const a = await call();
    expect(JSON.parse(a.content)).toEqual({ score: 1, reasoning: 'fake judgement' });
    expect(a).toMatchObject({ responseModel: 'judge-model-2026', finishReason: 'stop', requestId: 'req-0', usage: { promptTokens: 400, completionTokens: 50, cachedTokens: 0, reasoningTokens: 0 } });
    expect(fake.requests[0].authorization).toBeUndefined();
  });

  it('tells retryable failures (429 with Retry-After, 5xx, timeouts, unreachable) from final ones', async () => {
    fake = await startFakeJudge((_r, i) => [{ status: 429, retryAfter: '7' }, { status: 502 }, { status: 400 }, { score: 1, delayMs: 500 }][i]);
    const limited = await failure(call());
    expect(limited).toMatchObject({ kind: 'rate_limited', upstreamStatus: 429, retryAfterMs: 7_000, retryable: true });
    expect(await failure(call())).toMatchObject({ kind: 'server', upstreamStatus: 502, retryable: true });
    expect(await failure(call())).toMatchObject({ kind: 'rejected', upstreamStatus: 400, retryable: false });
    expect(await failure(call(100))).toMatchObject({ kind: 'timeout', retryable: true });
    const url = fake.url;
    await fake.close();
    fake = null;
    const unreachable = await failure(chatCompletion({ baseUrl: url, model: 'm', apiKey: null }, body, { timeoutMs: 1_000 }));
    expect(unreachable).toMatchObject({ kind: 'network', retryable: true });
  });

  it('refuses an answer larger than the bound and a body that is not a chat completion', async () => {
    fake = await startFakeJudge((_r, i) => (i === 0 ? { content: 'x'.repeat(50_000) } : { status: 200, body: '{"hello":"world"}' }));
    expect(await failure(call(1_000, 10_000))).toMatchObject({ kind: 'invalid_answer', retryable: false, message: expect.stringContaining('larger than 10000 bytes') });
    expect(await failure(call())).toMatchObject({ kind: 'invalid_answer', message: expect.stringContaining('not a chat completion') });
  });

  it('reads Retry-After as seconds or a date, and backs off exponentially with jitter otherwise', () => {
    expect(parseRetryAfter('3', 0)).toBe(3_000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6_000);
    expect(parseRetryAfter('soon', 0)).toBeNull();
    expect(parseRetryAfter(undefined)).toBeNull();
    expect(parseRetryAfter('86400', 0)).toBe(600_000);
    expect([1, 2, 3, 4].map((a) => backoffMs(a, () => 1))).toEqual([1_000, 2_000, 4_000, 8_000]);
    expect(backoffMs(1, () => 0)).toBe(500);
    expect(backoffMs(30, () => 1)).toBe(300_000);
  });
});
