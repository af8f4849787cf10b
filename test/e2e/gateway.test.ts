// The recording gateway in a real `lookout serve` child process: the official OpenAI and
// Anthropic clients point their base URL at it, it forwards to fake upstreams, and the calls are
// stored with cost and attribution. The provider key never shows in the server's output.
import { rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeAnthropic } from './fake-anthropic.ts';
import { CHAT_USAGE, startFakeOpenAI, type FakeUpstream } from './fake-openai.ts';
import { makeTempDir, pollUntil, removeTempDir, startLookout, sumSamples, type LookoutServer } from './harness.ts';

const PROVIDER_KEY = 'sk-e2e-provider-secret-abcdefghijklmnop';

let lookout: LookoutServer | undefined;
let oai: FakeUpstream | undefined;
let ant: FakeUpstream | undefined;
let dataDir = '';

beforeAll(async () => {
  oai = await startFakeOpenAI();
  ant = await startFakeAnthropic();
  dataDir = await makeTempDir('gateway');
  lookout = await startLookout({
    dataDir,
    logLevel: 'debug',
    env: { LOOKOUT_OPENAI_BASE_URL: `${oai.url}/v1`, LOOKOUT_ANTHROPIC_BASE_URL: ant.url },
  });
});

afterAll(async () => {
  await lookout?.stop();
  await oai?.close();
  await ant?.close();
  await removeTempDir(dataDir);
});

interface StoredSpan {
  provider: string;
  responseModel: string;
  usage: Record<string, number>;
  cost: { status: string; totalNanoUsd: number | null };
  ttftMs: number | null;
  attribution: Record<string, string | null>;
  tags: string[];
  status: string;
}

async function spansOf(sessionId: string, count: number): Promise<StoredSpan[]> {
  return pollUntil(`${count} spans of session ${sessionId}`, async () => {
    const res = await fetch(`${lookout!.url}/api/v1/spans?sessionId=${sessionId}`);
    const { spans } = (await res.json()) as { spans: StoredSpan[] };
    return spans.length >= count ? spans : undefined;
  });
}

describe('gateway in a lookout child process', () => {
  it('records calls made by the official clients with cost, TTFT and attribution', async () => {
    const headers = { 'x-lookout-user': 'dana', 'x-lookout-session': 'e2e-gw-1', 'x-lookout-team': 'growth', 'x-lookout-feature': 'chat', 'x-lookout-tags': 'e2e' };
    const openai = new OpenAI({ apiKey: PROVIDER_KEY, baseURL: `${lookout!.url}/proxy/openai/v1`, maxRetries: 0, defaultHeaders: headers });
    const anthropic = new Anthropic({ apiKey: PROVIDER_KEY, baseURL: `${lookout!.url}/proxy/anthropic`, maxRetries: 0, defaultHeaders: headers });

    const chat = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    expect(chat.usage).toEqual(CHAT_USAGE);
    const stream = anthropic.messages.stream({ model: 'claude-sonnet-4-5', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] });
    expect((await stream.finalMessage()).content[0]).toMatchObject({ text: 'Refund is on its way.' });
    // This version of the client sends its key as a bearer token; either way it passes through.
    expect(ant!.requests.at(-1)!.headers.authorization ?? ant!.requests.at(-1)!.headers['x-api-key']).toContain(PROVIDER_KEY);

    const spans = await spansOf('e2e-gw-1', 2);
    const o = spans.find((s) => s.provider === 'openai')!;
    expect(o).toMatchObject({ responseModel: 'gpt-4o-mini-2024-07-18', usage: { input: 176, cacheRead: 1024, output: 80 }, status: 'ok', tags: ['e2e'] });
    expect(o.attribution).toMatchObject({ userId: 'dana', team: 'growth', feature: 'chat' });
    // Costs from the catalog's published prices per 1M tokens, not from Lookout's pricer.
    // gpt-4o-mini $0.15 in, $0.075 cached in, $0.60 out: 176 × 150 + 1,024 × 75 + 80 × 600 nano-dollars.
    expect(o.cost).toMatchObject({ status: 'priced', totalNanoUsd: 26_400 + 76_800 + 48_000 });
    const a = spans.find((s) => s.provider === 'anthropic')!;
    // claude-sonnet-4-5 $3 in, $0.30 cache read, $15 out: 30 × 3,000 + 1,024 × 300 + 12 × 15,000 nano-dollars.
    expect(a).toMatchObject({ usage: { input: 30, cacheRead: 1024, output: 12 }, cost: { status: 'priced', totalNanoUsd: 90_000 + 307_200 + 180_000 } });
    expect(a.ttftMs).toBeGreaterThan(0);

    // The calls count for the user's budget and on /metrics.
    const check = await (await fetch(`${lookout!.url}/api/v1/budgets/check?user=dana`)).json();
    expect(check).toMatchObject({ allowed: true, team: 'growth' });
    const metrics = await (await fetch(`${lookout!.url}/metrics`)).text();
    expect(sumSamples(metrics, 'lookout_gateway_upstream_requests_total').sum).toBeGreaterThanOrEqual(2);
    expect(sumSamples(metrics, 'lookout_gateway_requests_in_flight').sum).toBe(0);

    // Debug logging on, and still no provider key anywhere in what the server printed.
    expect(lookout!.process.printed(PROVIDER_KEY)).toBe(false);
  });

  it('refuses an over-budget user before calling the upstream', async () => {
    const url = lookout!.url;
    const created = await fetch(`${url}/api/v1/budgets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ scope: 'user', subject: 'erin', period: 'daily', limitUsd: 0.000001, enforce: 'hard' }),
    });
    expect(created.status).toBe(201);
    const openai = new OpenAI({ apiKey: PROVIDER_KEY, baseURL: `${url}/proxy/openai/v1`, maxRetries: 0, defaultHeaders: { 'x-lookout-user': 'erin', 'x-lookout-session': 'e2e-gw-2' } });
    await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [] });
    await spansOf('e2e-gw-2', 1);
    await pollUntil('the budget to be spent', async () => {
      const check = (await (await fetch(`${url}/api/v1/budgets/check?user=erin`)).json()) as { allowed: boolean };
      return check.allowed === false ? true : undefined;
    });
    const before = oai!.requests.length;
    const err = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect((err as InstanceType<typeof OpenAI.RateLimitError>).code).toBe('budget_exceeded');
    expect(oai!.requests.length).toBe(before);
  });

  it('serves calls while the server cannot write what it records, and counts the loss', async () => {
    const url = lookout!.url;
    const lost = async () => sumSamples(await (await fetch(`${url}/metrics`)).text(), 'lookout_gateway_recording_lost_total').sum;
    const lostBefore = await lost();
    // The journal directory replaced by a file: every write of a recorded batch fails, as on a
    // full or failed disk.
    const journal = join(dataDir, 'journal');
    await rename(journal, `${journal}.aside`);
    await writeFile(journal, 'not a directory');
    try {
      const openai = new OpenAI({ apiKey: PROVIDER_KEY, baseURL: `${url}/proxy/openai/v1`, maxRetries: 0, defaultHeaders: { 'x-lookout-session': 'e2e-gw-down' } });
      for (let i = 0; i < 3; i++) {
        const chat = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
        expect(chat.usage).toEqual(CHAT_USAGE);
      }
      const stream = await openai.chat.completions.create({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'hi' }] });
      let text = '';
      for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
      expect(text).toBe('Refund is on its way.');
      await pollUntil('the lost recordings to be counted', async () => ((await lost()) - lostBefore >= 4 ? true : undefined));
    } finally {
      await rm(journal, { force: true });
      await rename(`${journal}.aside`, journal);
    }
    // Writable again: the next call is recorded; the lost ones are not there.
    const openai = new OpenAI({ apiKey: PROVIDER_KEY, baseURL: `${url}/proxy/openai/v1`, maxRetries: 0, defaultHeaders: { 'x-lookout-session': 'e2e-gw-back' } });
    await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    await spansOf('e2e-gw-back', 1);
    const res = await fetch(`${url}/api/v1/spans?sessionId=e2e-gw-down`);
    expect(((await res.json()) as { total: number }).total).toBe(0);
    expect(lookout!.output()).toContain('gateway_record_lost');
  });
});
