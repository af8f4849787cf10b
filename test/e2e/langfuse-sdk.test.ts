// The Langfuse v3 JS SDK (`langfuse`), unchanged, pointed at a Lookout child process that
// requires keys: baseUrl is Lookout's URL, the secret key a Lookout ingest key. It batches events
// to /api/public/ingestion; the stored trace is read back through Lookout's own API.
//
// The SDK lives in its own install, test/e2e/langfuse (its package.json and lock; `.ci/run`
// installs it with `npm ci --prefix test/e2e/langfuse`); without it these tests are skipped
// (failed under REQUIRE_E2E=1). It runs in this process, so the test decides when it flushes.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { calcPrice } from '@pydantic/genai-prices';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eRequired, makeTempDir, pollUntil, removeTempDir, repoRoot, startLookout, type LookoutServer } from './harness.ts';

interface StoredSpan {
  spanId: string;
  parentSpanId: string | null;
  name: string;
  kind: string;
  startUs: number;
  endUs: number;
  requestModel: string | null;
  usage: { input: number; output: number };
  cost: { status: string; totalNanoUsd: number | null };
  status: string;
  attribution: { userId: string | null; sessionId: string | null };
  tags: string[];
  metadata: Record<string, string>;
  content: { input: string | null; output: string | null } | null;
}
interface StoredScore {
  name: string;
  spanId: string | null;
  numericValue: number | null;
  comment: string | null;
}
interface StoredTrace {
  spans: StoredSpan[];
  scores: StoredScore[];
}

// The parts of the SDK this test drives (langfuse-core's LangfuseTraceClient & co.).
interface Observation {
  id: string;
  span(body: Record<string, unknown>): Observation;
  generation(body: Record<string, unknown>): Observation;
  end(body?: Record<string, unknown>): Observation;
  update(body: Record<string, unknown>): Observation;
}
interface LangfuseClient {
  trace(body: Record<string, unknown>): Observation;
  score(body: Record<string, unknown>): LangfuseClient;
  on(event: string, listener: (payload: unknown) => void): void;
  flushAsync(): Promise<void>;
  shutdownAsync(): Promise<void>;
}

const sdkDir = join(repoRoot, 'test/e2e/langfuse');
const MODEL = 'gpt-4o-mini';
// How long Lookout holds an unfinished observation or a trace before writing it as it is.
const IDLE_MS = 1_000;

let missing: string | undefined;
let lookout: LookoutServer | undefined;
let dataDir = '';
let adminKey = '';
let ingestKey = '';

beforeAll(async () => {
  if (!existsSync(join(sdkDir, 'node_modules', 'langfuse'))) {
    missing = 'test/e2e/langfuse/node_modules is missing (npm ci --prefix test/e2e/langfuse installs it)';
    if (e2eRequired) throw new Error(`REQUIRE_E2E=1 but ${missing}`);
    console.warn(`skipping: ${missing}`);
    return;
  }
  dataDir = await makeTempDir('langfuse-sdk');
  lookout = await startLookout({ dataDir, env: { LOOKOUT_REQUIRE_API_KEYS: 'always', LOOKOUT_LANGFUSE_IDLE_MS: String(IDLE_MS) } });
  adminKey = /admin key for project 'default' was created:\s+(\S+)/.exec(lookout.process.stdout)![1]!;
  const created = await fetch(`${lookout.url}/api/v1/keys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ scope: 'ingest' }),
  });
  expect(created.status, await created.clone().text()).toBe(201);
  ingestKey = ((await created.json()) as { key: string }).key;
});

afterAll(async () => {
  await lookout?.stop();
  if (dataDir) await removeTempDir(dataDir);
});

function langfuseClient(secretKey: string): { client: LangfuseClient; errors: unknown[] } {
  const { Langfuse } = createRequire(join(sdkDir, 'package.json'))('langfuse') as { Langfuse: new (o: Record<string, unknown>) => LangfuseClient };
  // flushAt high and no timer: the test flushes, so it knows which events share a batch.
  const client = new Langfuse({ publicKey: 'pk-lf-any-public-key', secretKey, baseUrl: lookout!.url, flushAt: 1000, flushInterval: 0, fetchRetryCount: 0 });
  const errors: unknown[] = [];
  client.on('error', (e) => errors.push(e));
  client.on('warning', (e) => errors.push(e));
  return { client, errors };
}

async function read<T>(path: string): Promise<{ status: number; body: T }> {
  const res = await fetch(`${lookout!.url}${path}`, { headers: { authorization: `Bearer ${adminKey}` } });
  return { status: res.status, body: (await res.json()) as T };
}

const lookoutTraceId = (uuid: string) => uuid.replaceAll('-', '').toLowerCase();

describe('langfuse v3 SDK → /api/public/ingestion', () => {
  it('stores a trace with nested spans, priced and provider-reported generations, a late update and a score', async (ctx) => {
    if (missing) return ctx.skip();
    const { client, errors } = langfuseClient(ingestKey);
    const trace = client.trace({ name: 'support-chat', userId: 'user-7', sessionId: 'sess-1', tags: ['e2e'], metadata: { tier: 'gold' }, input: 'where is my order?' });
    const outer = trace.span({ name: 'answer', input: { question: 'where is my order?' } });
    outer.span({ name: 'retrieve' }).end({ output: ['order 42 shipped'] });
    const priced = outer.generation({ name: 'llm', model: MODEL, modelParameters: { temperature: 0.1 }, input: [{ role: 'user', content: 'where is my order?' }] });
    await client.flushAsync();
    const traceId = lookoutTraceId(trace.id);

    // The generation was created but has not ended: nothing of it is written yet.
    const early = await read<StoredTrace>(`/api/v1/traces/${traceId}`);
    expect(early.status).toBe(200);
    expect(early.body.spans.map((s) => s.name)).toEqual(['retrieve']);

    priced.end({ output: 'It shipped yesterday.', usage: { input: 1200, output: 300 } });
    // A cost the caller computed: Lookout stores it as reported, not from its catalog.
    const reported = trace.generation({ name: 'reported', model: MODEL, usageDetails: { input: 10, output: 5 }, calculatedTotalCost: 0.0042 });
    reported.end();
    outer.end({ output: 'done' });
    trace.update({ output: 'It shipped yesterday.' });
    client.score({ traceId: trace.id, observationId: priced.id, name: 'helpfulness', value: 0.8, comment: 'clear' });
    await client.shutdownAsync();
    expect(errors).toEqual([]);

    // The trace's root span is written once the trace has been idle for IDLE_MS.
    const stored = await pollUntil(`trace ${traceId} with its root span`, async () => {
      const got = await read<StoredTrace>(`/api/v1/traces/${traceId}`);
      return got.status === 200 && got.body.spans.length === 5 ? got.body : undefined;
    }, { timeoutMs: 15_000, intervalMs: 200 });
    const byName = new Map(stored.spans.map((s) => [s.name, s]));
    const root = byName.get('support-chat')!;
    expect(root).toMatchObject({
      parentSpanId: null,
      kind: 'chain',
      attribution: { userId: 'user-7', sessionId: 'sess-1' },
      tags: ['e2e'],
      metadata: { 'langfuse.trace_id': trace.id, 'langfuse.observation_type': 'trace', 'langfuse.metadata.tier': 'gold' },
      content: { input: 'where is my order?', output: 'It shipped yesterday.' },
    });
    expect(byName.get('answer')).toMatchObject({ parentSpanId: root.spanId, metadata: { 'langfuse.observation_type': 'span', 'langfuse.observation_id': outer.id } });
    expect(byName.get('retrieve')!.parentSpanId).toBe(byName.get('answer')!.spanId);
    expect(root.endUs).toBeGreaterThanOrEqual(byName.get('answer')!.endUs);

    const llm = byName.get('llm')!;
    expect(llm).toMatchObject({
      parentSpanId: byName.get('answer')!.spanId,
      kind: 'generation',
      requestModel: MODEL,
      usage: { input: 1200, output: 300 },
      attribution: { userId: 'user-7', sessionId: 'sess-1' },
      metadata: { 'langfuse.observation_type': 'generation', 'langfuse.model_parameters.temperature': '0.1' },
      content: { output: 'It shipped yesterday.' },
    });
    const price = calcPrice({ input_tokens: 1200, output_tokens: 300 }, MODEL, { providerId: 'openai' });
    expect(price).toBeTruthy();
    expect(llm.cost.status).toBe('priced');
    expect(Math.abs(llm.cost.totalNanoUsd! - price!.total_price * 1e9)).toBeLessThan(1);

    expect(byName.get('reported')).toMatchObject({ parentSpanId: root.spanId, usage: { input: 10, output: 5 }, cost: { status: 'provider_reported', totalNanoUsd: 4_200_000 } });

    expect(stored.scores).toHaveLength(1);
    expect(stored.scores[0]).toMatchObject({ name: 'helpfulness', spanId: llm.spanId, numericValue: 0.8, comment: 'clear' });
  });

  it('refuses a secret key Lookout does not know', async (ctx) => {
    if (missing) return ctx.skip();
    const res = await fetch(`${lookout!.url}/api/public/ingestion`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from('pk-lf-x:sk-lf-not-a-lookout-key').toString('base64')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ batch: [] }),
    });
    expect(res.status).toBe(401);
    expect((await fetch(`${lookout!.url}/api/public/health`)).status).toBe(200);
  });
});
