// Erasure with real processes: two users' traffic through the native API and OTLP (the official
// exporter), one user erased through `lookout erase`, and then nothing of them in any read API, nor
// in any file under the data directory once the server has stopped, while the other user's cost is
// the same to the nano-dollar. And a server killed with SIGKILL mid-erasure finishes the job when
// it starts again.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { ROOT_CONTEXT, SpanKind } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { afterAll, describe, expect, it } from 'vitest';
import { filesHolding, tablesHolding } from './data-dir.ts';
import { makeTempDir, pollUntil, removeTempDir, runLookout, startLookout, type LookoutServer } from './harness.ts';

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const servers: LookoutServer[] = [];
const dirs: string[] = [];

afterAll(async () => {
  for (const s of servers) await s.stop();
  for (const d of dirs) await removeTempDir(d);
});

async function post(url: string, body: object): Promise<void> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status, await res.clone().text()).toBe(200);
  await res.body?.cancel();
}

async function getText(url: string): Promise<string> {
  const res = await fetch(url);
  const text = await res.text();
  expect(res.status, `${url}: ${text.slice(0, 500)}`).toBe(200);
  return text;
}

// A user's traffic through the native API: generations (one child without the user id, as a
// child of the user's root), a score and a log on each trace. Returns the trace ids.
function nativeBatch(user: string, session: string, marker: string | null, traces: number): { batch: object[]; traceIds: string[] } {
  const batch: object[] = [];
  const traceIds: string[] = [];
  for (let i = 0; i < traces; i++) {
    const traceId = hex(16);
    const root = hex(8);
    traceIds.push(traceId);
    const start = Date.now() - 60_000 - i * 1_000;
    const prompt = marker ? `${marker} question ${i}` : `question ${i}`;
    batch.push(
      { type: 'generation', traceId, spanId: root, startTime: new Date(start).toISOString(), durationMs: 400, provider: 'openai', model: 'gpt-4o', userId: user, sessionId: session, usage: { input: 1_234 + i, output: 77 }, input: prompt, output: 'an answer' },
      { type: 'generation', traceId, spanId: hex(8), parentSpanId: root, startTime: new Date(start + 10).toISOString(), durationMs: 200, provider: 'openai', model: 'gpt-4o-mini', usage: { input: 333, output: 11 }, input: `${prompt} (follow-up)` },
      { type: 'score', id: `score-${traceId}`, traceId, name: 'helpfulness', value: 0.5 + i / 100, userId: user, comment: marker ? `${marker} was helpful` : 'helpful' },
      { type: 'log', id: `log-${traceId}`, traceId, body: marker ? `${marker} logged` : 'logged' },
    );
  }
  return { batch, traceIds };
}

// The same user's GenAI calls through OTLP/HTTP protobuf with the official exporter.
async function sendOtlp(url: string, user: string, session: string, marker: string | null, calls: number): Promise<string[]> {
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'erasure-e2e' }),
    spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: `${url}/v1/traces` }) })],
  });
  const tracer = provider.getTracer('erasure-e2e');
  const traceIds: string[] = [];
  for (let i = 0; i < calls; i++) {
    const span = tracer.startSpan(
      'chat gpt-4o-mini',
      {
        kind: SpanKind.CLIENT,
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.system': 'openai',
          'gen_ai.request.model': 'gpt-4o-mini',
          'gen_ai.usage.input_tokens': 900 + i,
          'gen_ai.usage.output_tokens': 40,
          'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: marker ? `${marker} over otlp ${i}` : `otlp ${i}` }] }]),
          'user.id': user,
          'session.id': session,
        },
      },
      ROOT_CONTEXT,
    );
    span.end();
    traceIds.push(span.spanContext().traceId);
  }
  await provider.forceFlush();
  await provider.shutdown();
  return traceIds;
}

const range = () => `from=${new Date(Date.now() - 7 * 86_400_000).toISOString()}&to=${new Date(Date.now() + 3_600_000).toISOString()}`;

interface CostRow {
  user: string | null;
  cost: number;
  requests: number;
  input_tokens: number;
}

async function costByUser(url: string): Promise<CostRow[]> {
  const text = await getText(`${url}/api/v1/analytics/query?measures=cost,requests,input_tokens&groupBy=user&${range()}`);
  return (JSON.parse(text) as { rows: CostRow[] }).rows;
}

// Every read of the project a user could see the erased user's data through.
function readUrls(url: string, traceIds: string[]): string[] {
  const month = new Date().toISOString().slice(0, 7);
  return [
    `${url}/api/v1/spans?limit=500`,
    `${url}/api/v1/traces?limit=500&${range()}`,
    `${url}/api/v1/scores?limit=500`,
    `${url}/api/v1/logs?limit=500`,
    `${url}/api/v1/analytics/query?measures=cost,requests&groupBy=user&${range()}`,
    `${url}/api/v1/analytics/query?measures=cost,requests&groupBy=session&${range()}`,
    `${url}/api/v1/analytics/top-spenders?by=user&${range()}`,
    `${url}/api/v1/reports/chargeback?month=${month}&by=team`,
    `${url}/api/v1/analytics/daily?${range()}`,
    `${url}/api/v1/budgets/status`,
    `${url}/api/v1/export/spans?format=jsonl`,
    `${url}/api/v1/export/scores?format=jsonl`,
    `${url}/api/v1/export/logs?format=jsonl`,
    ...traceIds.slice(0, 5).map((t) => `${url}/api/v1/spans?traceId=${t}`),
  ];
}

describe('erasure', () => {
  it("erases one user from every read and every file of the data directory; the other user's cost is unchanged to the nano-dollar", async () => {
    const root = await makeTempDir('lookout-e2e-erasure-');
    dirs.push(root);
    const server = await startLookout({ dataDir: join(root, 'data'), logLevel: 'warn' });
    servers.push(server);
    const marker = `erasure-marker-${hex(6)}`;
    const alice = `alice-${hex(4)}`;
    const aliceSession = `sess-${hex(4)}`;

    const a = nativeBatch(alice, aliceSession, marker, 10);
    const b = nativeBatch('bob', 'sess-bob', null, 10);
    await post(`${server.url}/api/v1/ingest`, { batch: [...a.batch, ...b.batch] });
    const aliceOtlp = await sendOtlp(server.url, alice, aliceSession, marker, 5);
    await sendOtlp(server.url, 'bob', 'sess-bob', null, 5);
    const aliceTraces = [...a.traceIds, ...aliceOtlp];
    // Both paths' rows are in before the figures are taken.
    await pollUntil('every span loaded', async () => {
      const rows = await costByUser(server.url);
      return rows.find((r) => r.user === alice)?.requests === 25 && rows.find((r) => r.user === 'bob')?.requests === 25 ? rows : undefined;
    }, { timeoutMs: 20_000 });
    const before = await costByUser(server.url);
    const bobBefore = before.find((r) => r.user === 'bob')!;
    expect(bobBefore.cost).toBeGreaterThan(0);
    const needles = [marker, alice, aliceSession, ...aliceTraces];
    // The reads show alice before the erasure: the check below can see her.
    const shown = await getText(`${server.url}/api/v1/export/spans?format=jsonl`);
    expect(shown).toContain(marker);

    const erase = await runLookout(['erase', '--user', alice, '--wait', '--url', server.url]);
    expect(erase.code, erase.output).toBe(0);
    expect(erase.stdout).toMatch(/: done; spans 25, scores 10, logs 10/);

    for (const url of readUrls(server.url, aliceTraces)) {
      const text = await getText(url);
      for (const n of needles) expect(text.includes(n), `${url} shows ${n}`).toBe(false);
    }
    const after = await costByUser(server.url);
    expect(after.find((r) => r.user === alice)).toBeUndefined();
    // Exact: the analytics API answers costs as decimal dollars summed from DECIMAL(18, 9).
    expect(after.find((r) => r.user === 'bob')).toEqual(bobBefore);
    const total = (rows: CostRow[]) => rows.reduce((n, r) => n + Math.round(r.cost * 1e9), 0);
    expect(total(after)).toBe(Math.round(bobBefore.cost * 1e9));

    // The audit log records the erasure without the id.
    const audit = await getText(`${server.url}/api/v1/erasure`);
    expect(JSON.parse(audit).erasures).toMatchObject([{ status: 'done', target: { kind: 'user' }, requestedBy: 'operator' }]);
    expect(audit).not.toContain(alice);

    // SIGTERM: the server rewrites the database file without the freed blocks, then nothing of
    // alice's content or ids is in any file, nor in any row of the database.
    const stopped = await server.stop();
    expect(stopped.code).toBe(0);
    expect(await filesHolding(server.dataDir, marker)).toEqual([]);
    expect(await filesHolding(server.dataDir, alice)).toEqual([]);
    const values = Object.fromEntries(needles.map((n, i) => [`needle${i}`, n]));
    expect(await tablesHolding(join(server.dataDir, 'lookout.duckdb'), values)).toEqual([]);
  }, 240_000);

  it('finishes an erasure after the server was killed with SIGKILL in the middle of it', async () => {
    const root = await makeTempDir('lookout-e2e-erasure-kill-');
    dirs.push(root);
    const dataDir = join(root, 'data');
    // Small chunks: the erasure of a user with many traces takes seconds.
    const env = { LOOKOUT_ERASURE_CHUNK_ROWS: '20' };
    const first = await startLookout({ dataDir, logLevel: 'info', env });
    servers.push(first);
    const carol = `carol-${hex(4)}`;
    const TRACES = 4_000;
    for (let sent = 0; sent < TRACES; sent += 500) {
      const batch = Array.from({ length: 500 }, (_, i) => ({
        type: 'generation',
        traceId: hex(16),
        spanId: hex(8),
        startTime: new Date(Date.now() - 120_000 - (sent + i) * 10).toISOString(),
        durationMs: 100,
        provider: 'openai',
        model: 'gpt-4o-mini',
        userId: carol,
        usage: { input: 100, output: 10 },
      }));
      await post(`${first.url}/api/v1/ingest`, { batch });
    }
    await post(`${first.url}/api/v1/ingest`, { batch: nativeBatch('dave', 'sess-dave', null, 3).batch });
    const daveBefore = (await costByUser(first.url)).find((r) => r.user === 'dave');

    const started = await fetch(`${first.url}/api/v1/erasure`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: carol }) });
    expect(started.status).toBe(202);
    const { id } = (await started.json()) as { id: string };
    // Killed once part of carol's traces are gone and the job is still running.
    await pollUntil('part of the erasure done', async () => {
      const rows = await costByUser(first.url);
      const left = rows.find((r) => r.user === carol)?.requests ?? 0;
      return left < TRACES ? left : undefined;
    }, { timeoutMs: 60_000, intervalMs: 20 });
    const running = JSON.parse(await getText(`${first.url}/api/v1/erasure/${id}`)) as { status: string };
    expect(running.status).toBe('running');
    await first.kill();

    const second = await startLookout({ dataDir, logLevel: 'info', env });
    servers.push(second);
    expect(second.output()).toContain('erasure_resumed');
    const done = await pollUntil('the erasure to end', async () => {
      const job = JSON.parse(await getText(`${second.url}/api/v1/erasure/${id}`)) as { status: string; counts: { spans: number } | null };
      return job.status === 'running' ? undefined : job;
    }, { timeoutMs: 120_000, intervalMs: 200 });
    expect(done.status).toBe('done');
    const rows = await costByUser(second.url);
    expect(rows.find((r) => r.user === carol)).toBeUndefined();
    expect(rows.find((r) => r.user === 'dave')).toEqual(daveBefore);
    expect(await getText(`${second.url}/api/v1/erasure`)).not.toContain(carol);
  }, 300_000);
});
