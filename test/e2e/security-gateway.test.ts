// The gateway's security promises against a real `lookout serve` child process and a fake
// upstream that counts what reaches it:
//  - every spelling of a model path is the model path: a user whose hard budget is spent gets no
//    call through by writing `complet%69ons`, `x/../chat/completions` or `chat//completions`;
//    spellings that cannot be read one way only are refused; the normalised path is what goes
//    upstream;
//  - a spent hard budget stops every call that may cost (images, audio, batches, compaction,
//    Anthropic's complete and message batches), not only the model calls; free calls still work;
//  - a cached answer is served only to a caller with the same provider key.
import { request as httpRequest } from 'node:http';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { startFakeAnthropic } from './fake-anthropic.ts';
import { startFakeOpenAI, type FakeUpstream } from './fake-openai.ts';
import { makeTempDir, pollUntil, removeTempDir, startLookout, sumSamples, type LookoutServer } from './harness.ts';

const KEY_A = 'sk-e2e-caller-a-0123456789abcdef';
const KEY_B = 'sk-e2e-caller-b-0123456789abcdef';
const CACHE_FEATURE = 'e2e-cache';

let lookout: LookoutServer | undefined;
let fake: FakeUpstream | undefined;
let fakeAnthropic: FakeUpstream | undefined;
let dir = '';

beforeAll(async () => {
  fake = await startFakeOpenAI();
  fakeAnthropic = await startFakeAnthropic();
  dir = await makeTempDir('security-gateway');
  // A rule that fires on any cost of the cache feature, and a response cache while it fires.
  const rulesFile = join(dir, 'rules.yaml');
  await writeFile(
    rulesFile,
    stringify({
      rules: [
        {
          name: 'E2eCacheOn',
          kind: 'threshold',
          query: { measure: 'cost', filter: { feature: CACHE_FEATURE } },
          window: '10m',
          op: '>',
          threshold: 0,
          for: '0s',
          severity: 'warning',
          category: 'cost',
        },
      ],
    }),
  );
  const configFile = join(dir, 'lookout.yaml');
  await writeFile(
    configFile,
    stringify({
      alerts: {
        evaluationInterval: '1s',
        defaultPack: false,
        rules: [rulesFile],
        actions: [{ id: 'cache', when: { alertname: 'E2eCacheOn' }, do: { responseCache: { ttl: '10m', scope: { feature: CACHE_FEATURE } } } }],
      },
    }),
  );
  lookout = await startLookout({ dataDir: join(dir, 'data'), env: { LOOKOUT_CONFIG: configFile, LOOKOUT_OPENAI_BASE_URL: `${fake.url}/v1`, LOOKOUT_ANTHROPIC_BASE_URL: fakeAnthropic.url } });
});

afterAll(async () => {
  await lookout?.stop();
  await fake?.close();
  await fakeAnthropic?.close();
  if (dir) await removeTempDir(dir);
});

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

// node:http sends the path exactly as given (fetch and the SDKs would resolve '..' first).
function post(path: string, headers: Record<string, string>, body: string): Promise<Answer> {
  const { hostname, port } = new URL(lookout!.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: hostname, port, path, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      },
    );
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error(`no answer to POST ${path}`)));
    req.end(body);
  });
}

const chatBody = (content: string) => JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }] });

async function getJson<T>(path: string): Promise<T> {
  const res = await fetch(`${lookout!.url}${path}`, { signal: AbortSignal.timeout(5_000) });
  const text = await res.text();
  if (!res.ok) throw new Error(`GET ${path} answered ${res.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

describe('gateway path spellings', () => {
  it('no spelling of a model path takes an over-budget user past the budget; the normalised path is what goes upstream', async () => {
    const url = lookout!.url;
    const created = await fetch(`${url}/api/v1/budgets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ scope: 'user', subject: 'mallory', period: 'daily', limitUsd: 0.000001, enforce: 'hard' }),
    });
    expect(created.status).toBe(201);
    // Spend it with one ordinary call.
    const first = await post('/proxy/openai/v1/chat/completions', { authorization: `Bearer ${KEY_A}`, 'x-lookout-user': 'mallory' }, chatBody('hi'));
    expect(first.status, first.body).toBe(200);
    await pollUntil(
      'the budget to be spent',
      async () => ((await getJson<{ allowed: boolean }>('/api/v1/budgets/check?user=mallory')).allowed === false ? true : undefined),
      { timeoutMs: 15_000, context: () => lookout!.output() },
    );

    const hits = fake!.requests.length;
    const spent = { authorization: `Bearer ${KEY_A}`, 'x-lookout-user': 'mallory' };
    for (const path of [
      '/proxy/openai/v1/chat/completions',
      '/proxy/openai/v1/chat/complet%69ons',
      '/proxy/openai/v1/x/../chat/completions',
      '/proxy/openai/v1/chat//completions',
      '/proxy/openai/v1/./chat/completions',
      '/proxy/openai/v1/%63hat/completions/',
      '/proxy/openai/v1/a/b/../../chat/./completions',
      '/proxy/openai/v1/Chat/Completions',
    ]) {
      const res = await post(path, spent, chatBody('hi'));
      expect(res.status, `${path}: ${res.body}`).toBe(429);
      expect(JSON.parse(res.body).error.code, path).toBe('budget_exceeded');
    }
    // Spellings with no single reading are refused for everyone, in the provider's error format.
    for (const path of [
      '/proxy/openai/v1/chat%2Fcompletions',
      '/proxy/openai/v1/chat%2fcompletions',
      '/proxy/openai/v1/x/%2e%2e/chat/completions',
      '/proxy/openai/v1/chat%5Ccompletions',
      '/proxy/openai/v1/chat\\completions',
      '/proxy/openai/v1/chat/completions%00',
      '/proxy/openai/v1/chat/completions;x=1',
      '/proxy/openai/v1/../../api/v1/keys',
      // An upstream may trim, drop a trailing dot or decode twice: each would be chat/completions there.
      '/proxy/openai/v1/chat/completions%20',
      '/proxy/openai/v1/chat/completions.',
      '/proxy/openai/v1/chat/complet%2569ons',
      '/proxy/openai/v1/chat/completions%3Fx=1',
    ]) {
      for (const user of ['mallory', 'trent']) {
        const res = await post(path, { ...spent, 'x-lookout-user': user }, chatBody('hi'));
        expect(res.status, `${path}: ${res.body}`).toBeGreaterThanOrEqual(400);
        expect(res.status, `${path}: ${res.body}`).toBeLessThan(500);
        expect(JSON.parse(res.body).error.type, path).toBe('invalid_request_error');
      }
    }
    expect(fake!.requests.length, 'no refused call reached the upstream').toBe(hits);

    // A user under budget: a spelled path works, and the upstream gets the path that was checked.
    const ok = await post('/proxy/openai/v1/x/../chat//complet%69ons', { authorization: `Bearer ${KEY_A}`, 'x-lookout-user': 'trent', 'x-lookout-session': 'e2e-sec-path' }, chatBody('hi'));
    expect(ok.status, ok.body).toBe(200);
    expect(fake!.requests.slice(hits).map((r) => r.url)).toEqual(['/v1/chat/completions']);
    // ... and it is recorded as the chat call it is, priced.
    const span = await pollUntil(
      'the span of the spelled call',
      async () => (await getJson<{ spans: { name: string; cost: { status: string } }[] }>('/api/v1/spans?sessionId=e2e-sec-path')).spans[0],
      { timeoutMs: 15_000, context: () => lookout!.output() },
    );
    expect(span.name).toMatch(/^chat /);
    expect(span.cost.status).toBe('priced');
  });
});

describe('a spent hard budget', () => {
  it('stops every call that may cost, at both providers, without reaching the upstream; free calls still go through', async () => {
    const url = lookout!.url;
    const created = await fetch(`${url}/api/v1/budgets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ scope: 'user', subject: 'oscar', period: 'daily', limitUsd: 0.000001, enforce: 'hard' }),
    });
    expect(created.status).toBe(201);
    const first = await post('/proxy/openai/v1/chat/completions', { authorization: `Bearer ${KEY_A}`, 'x-lookout-user': 'oscar' }, chatBody('hi'));
    expect(first.status, first.body).toBe(200);
    await pollUntil(
      'the budget to be spent',
      async () => ((await getJson<{ allowed: boolean }>('/api/v1/budgets/check?user=oscar')).allowed === false ? true : undefined),
      { timeoutMs: 15_000, context: () => lookout!.output() },
    );
    const blocked = async () => sumSamples(await (await fetch(`${url}/metrics`)).text(), 'lookout_gateway_budget_blocked_total').sum;
    const blockedBefore = await blocked();
    const openaiHits = fake!.requests.length;
    const anthropicHits = fakeAnthropic!.requests.length;

    const openaiCalls: [string, object][] = [
      ['images/generations', { model: 'gpt-image-1', prompt: 'a cat' }],
      ['audio/speech', { model: 'gpt-4o-mini-tts', voice: 'alloy', input: 'hello' }],
      ['audio/transcriptions', { model: 'whisper-1' }],
      ['embeddings', { model: 'text-embedding-3-small', input: 'hi' }],
      ['batches', { input_file_id: 'file-1', endpoint: '/v1/chat/completions', completion_window: '24h' }],
      ['responses/compact', { model: 'gpt-4o-mini', input: 'hi' }],
    ];
    for (const [path, body] of openaiCalls) {
      const res = await post(`/proxy/openai/v1/${path}`, { authorization: `Bearer ${KEY_A}`, 'x-lookout-user': 'oscar' }, JSON.stringify(body));
      expect(res.status, `${path}: ${res.body}`).toBe(429);
      expect(res.headers['x-should-retry'], path).toBe('false');
      expect(JSON.parse(res.body).error, path).toMatchObject({ type: 'budget_exceeded', code: 'budget_exceeded', lookout_budget: { scope: 'user', subject: 'oscar' } });
    }
    const anthropicCalls: [string, object][] = [
      ['complete', { model: 'claude-2.1', prompt: '\n\nHuman: hi\n\nAssistant:', max_tokens_to_sample: 5 }],
      ['messages/batches', { requests: [{ custom_id: 'a', params: { model: 'claude-sonnet-4-5', max_tokens: 1, messages: [] } }] }],
      ['messages', { model: 'claude-sonnet-4-5', max_tokens: 1, messages: [{ role: 'user', content: 'hi' }] }],
    ];
    for (const [path, body] of anthropicCalls) {
      const res = await post(`/proxy/anthropic/v1/${path}`, { 'x-api-key': KEY_A, 'anthropic-version': '2023-06-01', 'x-lookout-user': 'oscar' }, JSON.stringify(body));
      expect(res.status, `${path}: ${res.body}`).toBe(429);
      expect(JSON.parse(res.body), path).toMatchObject({ type: 'error', error: { type: 'rate_limit_error', lookout_code: 'budget_exceeded', lookout_budget: { subject: 'oscar' } } });
    }
    expect(fake!.requests.length, 'no refused call reached the OpenAI upstream').toBe(openaiHits);
    expect(fakeAnthropic!.requests.length, 'no refused call reached the Anthropic upstream').toBe(anthropicHits);
    expect(await blocked()).toBe(blockedBefore + openaiCalls.length + anthropicCalls.length);

    // Counting tokens costs nothing: it still goes through, and is not counted as blocked.
    const count = await post(
      '/proxy/anthropic/v1/messages/count_tokens',
      { 'x-api-key': KEY_A, 'anthropic-version': '2023-06-01', 'x-lookout-user': 'oscar' },
      JSON.stringify({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'hi' }] }),
    );
    expect(count.status, count.body).toBe(200);
    expect(JSON.parse(count.body)).toEqual({ input_tokens: 42 });
    expect(fakeAnthropic!.requests.slice(anthropicHits).map((r) => `${r.method} ${r.url}`)).toEqual(['POST /v1/messages/count_tokens']);
    expect(await blocked()).toBe(blockedBefore + openaiCalls.length + anthropicCalls.length);
  });
});

describe('response cache', () => {
  it('serves a cached answer only to a caller with the same provider key', async () => {
    const headers = (key: string | null) => ({ ...(key ? { authorization: `Bearer ${key}` } : {}), 'x-lookout-feature': CACHE_FEATURE, 'x-lookout-user': 'shared-user' });
    // A first call costs something; the rule fires and the cache action becomes active.
    const warm = await post('/proxy/openai/v1/chat/completions', headers(KEY_A), chatBody('warm up'));
    expect(warm.status, warm.body).toBe(200);
    await pollUntil(
      'the response cache to be active',
      async () => (await getJson<{ active: { actionId: string }[] }>('/api/v1/actions')).active.find((a) => a.actionId === 'cache'),
      { timeoutMs: 30_000, intervalMs: 200, context: () => lookout!.output() },
    );

    const question = chatBody('What is the refund policy?');
    const hits = () => fake!.requests.length;

    // Caller A: the first call goes upstream and is cached; the same call again is a hit.
    let before = hits();
    const a1 = await post('/proxy/openai/v1/chat/completions', headers(KEY_A), question);
    expect(a1.status).toBe(200);
    expect(a1.headers['x-lookout-cache']).toBeUndefined();
    expect(hits()).toBe(before + 1);
    // The entry is stored after the response has gone: wait until A gets it from the cache.
    const a2 = await pollUntil(
      "A's answer to be cached",
      async () => {
        const res = await post('/proxy/openai/v1/chat/completions', headers(KEY_A), question);
        return res.headers['x-lookout-cache'] === 'hit' ? res : undefined;
      },
      { timeoutMs: 10_000, intervalMs: 100 },
    );
    expect(a2.body).toBe(a1.body);

    // Caller B (another key), and a caller with no key: each goes upstream, never A's entry.
    for (const key of [KEY_B, null]) {
      before = hits();
      const res = await post('/proxy/openai/v1/chat/completions', headers(key), question);
      expect(res.status).toBe(200);
      expect(res.headers['x-lookout-cache'], `caller ${key ?? 'without a key'}`).toBeUndefined();
      expect(hits(), `caller ${key ?? 'without a key'} reached the upstream`).toBe(before + 1);
      expect(fake!.requests.at(-1)!.headers.authorization).toBe(key ? `Bearer ${key}` : undefined);
    }

    // A still hits its own entry, without calling the upstream.
    before = hits();
    const a3 = await post('/proxy/openai/v1/chat/completions', headers(KEY_A), question);
    expect(a3.headers['x-lookout-cache']).toBe('hit');
    expect(hits()).toBe(before);
  });
});
