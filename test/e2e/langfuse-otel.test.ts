// The Langfuse SDKs built on OpenTelemetry, unchanged, pointed at Lookout: @langfuse/tracing
// observations exported by @langfuse/otel's LangfuseSpanProcessor (on @opentelemetry/sdk-trace-node
// 2.x) to <baseUrl>/api/public/otel/v1/traces, with a Lookout key as LANGFUSE_SECRET_KEY on a
// server that requires keys. The stored trace is read back through Lookout's own API.
//
// The packages live in their own install, test/e2e/langfuse (its package.json and lock): they
// need the OpenTelemetry JS SDK 2.x, the root project is on 3.x. `.ci/run` installs it with
// `npm ci --prefix test/e2e/langfuse`; without it these tests are skipped (failed under
// REQUIRE_E2E=1). The application is test/e2e/langfuse/otel-tracing.mjs, run as a child process.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { calcPrice } from '@pydantic/genai-prices';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eRequired, makeTempDir, removeTempDir, repoRoot, runProgram, startLookout, type LookoutServer } from './harness.ts';

interface StoredSpan {
  spanId: string;
  parentSpanId: string | null;
  name: string;
  kind: string;
  requestModel: string | null;
  usage: { input: number; output: number; cacheRead: number; cacheWrite: number; reasoning: number };
  cost: { status: string; totalNanoUsd: number | null };
  status: string;
  errorMessage: string | null;
  ttftMs: number | null;
  attribution: { userId: string | null; sessionId: string | null; feature: string | null };
  tags: string[];
  metadata: Record<string, string>;
  content: { input: string | null; output: string | null } | null;
}

interface Made {
  traceId: string;
  root: string;
  agent: string;
  tool: string;
  priced: string;
  reported: string;
  event: string;
  guard: string;
}

const sdkDir = join(repoRoot, 'test/e2e/langfuse');
const MODEL = 'gpt-4o-mini';

let missing: string | undefined;
let lookout: LookoutServer | undefined;
let dataDir = '';
let adminKey = '';
let ingestKey = '';

beforeAll(async () => {
  if (!existsSync(join(sdkDir, 'node_modules'))) {
    missing = 'test/e2e/langfuse/node_modules is missing (npm ci --prefix test/e2e/langfuse installs it)';
    if (e2eRequired) throw new Error(`REQUIRE_E2E=1 but ${missing}`);
    console.warn(`skipping: ${missing}`);
    return;
  }
  dataDir = await makeTempDir('langfuse-otel');
  lookout = await startLookout({ dataDir, env: { LOOKOUT_REQUIRE_API_KEYS: 'always' } });
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

// Runs the application with the keys set as Langfuse's docs tell its users to.
async function runApp(secretKey: string): Promise<{ made: Made; code: number | null; output: string }> {
  const app = await runProgram('otel-tracing.mjs', process.execPath, [join(sdkDir, 'otel-tracing.mjs')], {
    env: { ...process.env, LOOKOUT_URL: lookout!.url, LANGFUSE_PUBLIC_KEY: 'pk-lf-any-public-key', LANGFUSE_SECRET_KEY: secretKey },
    timeoutMs: 30_000,
  });
  const made = JSON.parse(app.stdout.trim().split('\n')[0] || '{}') as Made;
  expect(made.traceId, app.output).toMatch(/^[0-9a-f]{32}$/);
  return { made, code: app.code, output: app.output };
}

async function read<T>(path: string): Promise<{ status: number; body: T }> {
  const res = await fetch(`${lookout!.url}${path}`, { headers: { authorization: `Bearer ${adminKey}` } });
  return { status: res.status, body: (await res.json()) as T };
}

// The catalog's price in nano-USD, as Lookout's pricer should find it for a model named alone.
function catalogNano(input: number, output: number): number {
  const price = calcPrice({ input_tokens: input, output_tokens: output }, MODEL, { providerId: 'openai' });
  if (!price) throw new Error(`no catalog price for ${MODEL}`);
  return price.total_price * 1e9;
}

describe('@langfuse/tracing + @langfuse/otel → /api/public/otel/v1/traces', () => {
  let made: Made;
  let spans: Map<string, StoredSpan>;

  beforeAll(async () => {
    if (missing) return;
    const app = await runApp(ingestKey);
    expect(app.code, app.output).toBe(0);
    made = app.made;
    const trace = await read<{ spans: StoredSpan[] }>(`/api/v1/traces/${made.traceId}`);
    expect(trace.status, JSON.stringify(trace.body)).toBe(200);
    spans = new Map(trace.body.spans.map((s) => [s.spanId, s]));
  });

  it('nested observations keep their tree and their types', (ctx) => {
    if (missing) return ctx.skip(missing);
    expect(spans.size).toBe(7);
    const at = (id: string) => spans.get(id)!;
    expect(at(made.root)).toMatchObject({ name: 'handle-request', parentSpanId: null, metadata: { 'langfuse.observation_type': 'span' } });
    expect(at(made.agent)).toMatchObject({ name: 'plan-answer', kind: 'agent', parentSpanId: made.root });
    for (const [id, kind, type] of [
      [made.tool, 'tool', 'tool'],
      [made.priced, 'generation', 'generation'],
      [made.reported, 'generation', 'generation'],
      [made.event, 'other', 'event'],
      [made.guard, 'other', 'guardrail'],
    ] as const) {
      expect(at(id), type).toMatchObject({ kind, parentSpanId: made.agent, metadata: { 'langfuse.observation_type': type } });
    }
  });

  it('a generation with usageDetails is priced from the catalog; its prompt, parameters and first token arrive', (ctx) => {
    if (missing) return ctx.skip(missing);
    const priced = spans.get(made.priced)!;
    expect(priced).toMatchObject({ requestModel: MODEL, usage: { input: 1200, output: 80, cacheRead: 0, cacheWrite: 0, reasoning: 0 } });
    expect(priced.cost.status).toBe('priced');
    expect(Math.abs(priced.cost.totalNanoUsd! - catalogNano(1200, 80))).toBeLessThan(1);
    expect(priced.metadata).toMatchObject({
      'langfuse.prompt_name': 'refund-answer',
      'langfuse.prompt_version': '3',
      'langfuse.model_parameters.temperature': '0.2',
      'langfuse.model_parameters.max_tokens': '256',
    });
    expect(priced.ttftMs).not.toBeNull();
    expect(priced.content?.input).toContain('Can I get a refund?');
    expect(priced.content?.output).toContain('within 30 days');
  });

  it('a generation with costDetails keeps the cost it reported', (ctx) => {
    if (missing) return ctx.skip(missing);
    expect(spans.get(made.reported)!).toMatchObject({ usage: { input: 300, output: 20 }, cost: { status: 'provider_reported', totalNanoUsd: 4_200_000 } });
  });

  it('propagated trace attributes land in attribution, tags and metadata on every observation', async (ctx) => {
    if (missing) return ctx.skip(missing);
    for (const span of spans.values()) {
      expect(span.attribution, span.name).toMatchObject({ userId: 'user-42', sessionId: 'session-7', feature: 'refunds' });
      expect([...span.tags].sort(), span.name).toEqual(['beta', 'support']);
      expect(span.metadata, span.name).toMatchObject({ plan: 'pro', 'langfuse.trace.name': 'refund-flow', 'langfuse.version': '1.2.0' });
    }
    const listed = await read<{ total: number; spans: StoredSpan[] }>(`/api/v1/spans?traceId=${made.traceId}&userId=user-42&sessionId=session-7&tag=beta&kind=generation`);
    expect(listed.status).toBe(200);
    expect(listed.body.spans.map((s) => s.spanId).sort()).toEqual([made.priced, made.reported].sort());
  });

  it('level ERROR is a failed span with its status message', async (ctx) => {
    if (missing) return ctx.skip(missing);
    expect(spans.get(made.guard)!).toMatchObject({ status: 'error', errorMessage: 'blocked by the refund policy', metadata: { 'langfuse.level': 'ERROR' } });
    const failed = await read<{ spans: StoredSpan[] }>(`/api/v1/spans?traceId=${made.traceId}&status=error`);
    expect(failed.body.spans.map((s) => s.spanId)).toEqual([made.guard]);
    for (const id of [made.root, made.agent, made.tool, made.priced, made.reported, made.event]) expect(spans.get(id)!.status).toBe('ok');
  });

  it('a secret that is no Lookout key is refused, and the application is told why', async (ctx) => {
    if (missing) return ctx.skip(missing);
    const refused = await runApp('sk-lf-not-a-lookout-key');
    expect(refused.code).not.toBe(0);
    expect(refused.output).toContain('the API key is not valid');
    expect((await read(`/api/v1/traces/${refused.made.traceId}`)).status).toBe(404);
  });
});
