// The Langfuse v3 JS SDK's read methods (fetchTraces, fetchTrace, fetchObservations) and its
// public API client (scores), unchanged, against a Lookout child process that requires keys:
// data sent through Lookout's native API reads back in Langfuse's shapes, costs from the catalog.
//
// The SDK lives in its own install, test/e2e/langfuse (`.ci/run` installs it with
// `npm ci --prefix test/e2e/langfuse`); without it these tests are skipped (failed under
// REQUIRE_E2E=1).
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { calcPrice } from '@pydantic/genai-prices';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eRequired, makeTempDir, pollUntil, removeTempDir, repoRoot, startLookout, type LookoutServer } from './harness.ts';

interface Page<T> {
  data: T[];
  meta: { page: number; limit: number; totalItems: number; totalPages: number };
}
interface Observation {
  id: string;
  traceId: string;
  type: string;
  parentObservationId: string | null;
  model: string | null;
  usage: { input: number; output: number; total: number };
  usageDetails: Record<string, number>;
  costDetails: Record<string, number>;
  calculatedTotalCost: number | null;
  latency: number;
}
interface Score {
  id: string;
  traceId: string;
  observationId: string | null;
  name: string;
  value: number | null;
  dataType: string;
}
interface Trace {
  id: string;
  name: string;
  userId: string | null;
  tags: string[];
  latency: number;
  totalCost: number;
  htmlPath: string;
  observations: string[];
  scores: string[];
}
interface TraceDetail extends Omit<Trace, 'observations' | 'scores'> {
  observations: Observation[];
  scores: Score[];
}
// The parts of the SDK this test drives (langfuse-core's read methods and LangfusePublicApi).
interface LangfuseClient {
  fetchTraces(query?: Record<string, unknown>): Promise<Page<Trace>>;
  fetchTrace(id: string): Promise<{ data: TraceDetail }>;
  fetchObservations(query?: Record<string, unknown>): Promise<Page<Observation>>;
  fetchObservation(id: string): Promise<{ data: Observation }>;
  api: {
    scoreCreate(body: Record<string, unknown>): Promise<{ id: string }>;
    scoreV2Get(query: Record<string, unknown>): Promise<Page<Score>>;
    traceList(query: Record<string, unknown>): Promise<Page<Trace>>;
  };
  trace(body: Record<string, unknown>): SdkObservation;
  score(body: Record<string, unknown>): LangfuseClient;
  on(event: string, listener: (payload: unknown) => void): void;
  flushAsync(): Promise<void>;
  shutdownAsync(): Promise<void>;
}
interface SdkObservation {
  id: string;
  span(body: Record<string, unknown>): SdkObservation;
  generation(body: Record<string, unknown>): SdkObservation;
  end(body?: Record<string, unknown>): SdkObservation;
}

const sdkDir = join(repoRoot, 'test/e2e/langfuse');
const MODEL = 'gpt-4o-mini';
// How long Lookout holds a Langfuse trace open for more events before writing its root span.
const IDLE_MS = 500;

let missing: string | undefined;
let lookout: LookoutServer | undefined;
let dataDir = '';
let adminKey = '';
let readKey = '';

async function createKey(scope: string): Promise<string> {
  const res = await fetch(`${lookout!.url}/api/v1/keys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ scope }),
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return ((await res.json()) as { key: string }).key;
}

beforeAll(async () => {
  if (!existsSync(join(sdkDir, 'node_modules', 'langfuse'))) {
    missing = 'test/e2e/langfuse/node_modules is missing (npm ci --prefix test/e2e/langfuse installs it)';
    if (e2eRequired) throw new Error(`REQUIRE_E2E=1 but ${missing}`);
    console.warn(`skipping: ${missing}`);
    return;
  }
  dataDir = await makeTempDir('langfuse-read');
  lookout = await startLookout({ dataDir, env: { LOOKOUT_REQUIRE_API_KEYS: 'always', LOOKOUT_LANGFUSE_IDLE_MS: String(IDLE_MS) } });
  adminKey = /admin key for project 'default' was created:\s+(\S+)/.exec(lookout.process.stdout)![1]!;
  readKey = await createKey('read');
});

afterAll(async () => {
  await lookout?.stop();
  if (dataDir) await removeTempDir(dataDir);
});

function langfuseClient(secretKey: string): LangfuseClient {
  const { Langfuse } = createRequire(join(sdkDir, 'package.json'))('langfuse') as { Langfuse: new (o: Record<string, unknown>) => LangfuseClient };
  return new Langfuse({ publicKey: 'pk-lf-any-public-key', secretKey, baseUrl: lookout!.url, flushInterval: 0, fetchRetryCount: 0 });
}

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

async function ingest(batch: Record<string, unknown>[]): Promise<void> {
  const res = await fetch(`${lookout!.url}/api/v1/ingest`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ batch }),
  });
  expect(res.status, await res.clone().text()).toBe(200);
}

describe('langfuse v3 SDK reads from /api/public/*', () => {
  it('reads traces, observations and scores sent through the native API, in Langfuse shapes, costs from the catalog', async (ctx) => {
    if (missing) return ctx.skip();
    const traceId = hex(16);
    const root = hex(8);
    const llm = hex(8);
    const start = Date.now() - 60_000;
    await ingest([
      { type: 'span', kind: 'agent', traceId, spanId: root, name: 'support-chat', startTime: start, durationMs: 3000, userId: 'user-7', tags: ['e2e-read'] },
      { type: 'generation', traceId, spanId: llm, parentSpanId: root, name: 'llm', startTime: start + 500, durationMs: 1500, provider: 'openai', model: MODEL, usage: { input: 1200, output: 300 } },
      // Another user's trace: the filters leave it out.
      { type: 'generation', startTime: start, durationMs: 100, provider: 'openai', model: MODEL, usage: { input: 1, output: 1 }, userId: 'someone-else' },
    ]);
    const price = calcPrice({ input_tokens: 1200, output_tokens: 300 }, MODEL, { providerId: 'openai' });
    expect(price).toBeTruthy();

    const langfuse = langfuseClient(readKey);
    const traces = await langfuse.fetchTraces({ userId: 'user-7', limit: 10 });
    expect(traces.meta).toEqual({ page: 1, limit: 10, totalItems: 1, totalPages: 1 });
    const [trace] = traces.data;
    expect(trace).toMatchObject({ id: traceId, name: 'support-chat', userId: 'user-7', tags: ['e2e-read'], latency: 3, htmlPath: `/traces/${traceId}`, observations: [root, llm], scores: [] });
    expect(trace.totalCost).toBeCloseTo(price!.total_price, 9);
    expect((await langfuse.fetchTraces({ page: 1, limit: 1 })).meta).toEqual({ page: 1, limit: 1, totalItems: 2, totalPages: 2 });

    const generations = await langfuse.fetchObservations({ traceId, type: 'GENERATION' });
    expect(generations.meta.totalItems).toBe(1);
    expect(generations.data[0]).toMatchObject({
      id: llm, traceId, type: 'GENERATION', parentObservationId: root, model: MODEL, latency: 1.5,
      usage: { input: 1200, output: 300, total: 1500 }, usageDetails: { input: 1200, output: 300, total: 1500 },
    });
    expect(generations.data[0].calculatedTotalCost).toBeCloseTo(price!.total_price, 9);
    expect(generations.data[0].costDetails.total).toBeCloseTo(price!.total_price, 9);
    expect((await langfuse.fetchObservation(root)).data).toMatchObject({ id: root, type: 'SPAN', parentObservationId: null });

    // Scores through the SDK's public API client.
    const created = await langfuse.api.scoreCreate({ traceId, observationId: llm, name: 'helpfulness', value: 0.8 });
    expect(created.id).toEqual(expect.any(String));
    await langfuse.api.scoreCreate({ id: 'verdict-1', traceId, name: 'resolved', value: 1, dataType: 'BOOLEAN' });
    const scores = await langfuse.api.scoreV2Get({ name: 'helpfulness' });
    expect(scores.meta.totalItems).toBe(1);
    expect(scores.data[0]).toMatchObject({ id: created.id, traceId, observationId: llm, name: 'helpfulness', value: 0.8, dataType: 'NUMERIC' });

    const { data: full } = await langfuse.fetchTrace(traceId);
    expect(full).toMatchObject({ id: traceId, name: 'support-chat', latency: 3 });
    expect(full.observations.map((o) => o.id)).toEqual([root, llm]);
    expect(full.scores.map((s) => [s.name, s.value, s.dataType]).sort()).toEqual([['helpfulness', 0.8, 'NUMERIC'], ['resolved', 1, 'BOOLEAN']]);
    expect(full.totalCost).toBeCloseTo(price!.total_price, 9);

    // A page larger than Langfuse allows is refused, naming the parameter.
    await expect(langfuse.api.traceList({ limit: 500 })).rejects.toMatchObject({ status: 400, error: { error: { message: 'limit: must be at most 100' } } });
    await langfuse.shutdownAsync();
  });

  it('reads back by their Langfuse ids a trace, its observations and a score the SDK sent itself', async (ctx) => {
    if (missing) return ctx.skip();
    const langfuse = langfuseClient(readKey);
    const errors: unknown[] = [];
    langfuse.on('error', (e) => errors.push(e));
    const trace = langfuse.trace({ name: 'sdk-turn', userId: 'user-9', sessionId: 'sess-9', tags: ['sdk'], metadata: { tier: 'gold' }, input: 'where is my order?' });
    const step = trace.span({ name: 'answer' });
    const llm = step.generation({ name: 'llm', model: MODEL, modelParameters: { temperature: 0.2 }, input: [{ role: 'user', content: 'hi' }] });
    llm.end({ output: 'It shipped.', usage: { input: 1200, output: 300 } });
    step.end();
    langfuse.score({ traceId: trace.id, observationId: llm.id, name: 'helpfulness', value: 0.9 });
    await langfuse.flushAsync();
    expect(errors).toEqual([]);
    const price = calcPrice({ input_tokens: 1200, output_tokens: 300 }, MODEL, { providerId: 'openai' });

    // The trace itself is written once it has been idle for IDLE_MS.
    const traces = await pollUntil('the SDK trace listed', async () => {
      const got = await langfuse.fetchTraces({ name: 'sdk-turn' });
      return got.meta.totalItems === 1 ? got : undefined;
    }, { timeoutMs: 15_000, intervalMs: 200 });
    expect(traces.data[0]).toMatchObject({ id: trace.id, userId: 'user-9', sessionId: 'sess-9', tags: ['sdk'], metadata: { tier: 'gold' }, input: 'where is my order?' });
    // Both started in the same millisecond: in no particular order.
    expect(traces.data[0].observations.sort()).toEqual([step.id, llm.id].sort());
    expect(traces.data[0].totalCost).toBeCloseTo(price!.total_price, 9);

    const { data: full } = await langfuse.fetchTrace(trace.id);
    const byId = new Map(full.observations.map((o) => [o.id, o]));
    expect(byId.get(step.id)).toMatchObject({ type: 'SPAN', parentObservationId: null });
    expect(byId.get(llm.id)).toMatchObject({ type: 'GENERATION', parentObservationId: step.id });
    expect(full.observations).toHaveLength(2);
    expect(byId.get(llm.id)).toMatchObject({ traceId: trace.id, model: MODEL, modelParameters: { temperature: 0.2 }, output: 'It shipped.', usage: { input: 1200, output: 300, total: 1500 } });
    expect(full.scores).toEqual([expect.objectContaining({ traceId: trace.id, observationId: llm.id, name: 'helpfulness', value: 0.9, dataType: 'NUMERIC' })]);
    const observations = await langfuse.fetchObservations({ traceId: trace.id, parentObservationId: step.id });
    expect(observations.data.map((o) => o.id)).toEqual([llm.id]);
    await langfuse.shutdownAsync();
  });
});
