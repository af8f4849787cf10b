import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig } from '../packages/server/src/config/config.ts';
import type { Evaluator } from '../packages/server/src/domain/quality.ts';
import { emptyAttribution, emptyUsage, unpricedCost, type SpanRecord } from '../packages/server/src/domain/span.ts';
import { Judge } from '../packages/server/src/quality/judge/judge.ts';
import type { JudgeQueueDocument } from '../packages/server/src/quality/judge/queue.ts';
import { createContext } from '../packages/server/src/server/serve.ts';
import { JsonFile } from '../packages/server/src/state/json-file.ts';
import { openStore } from '../packages/server/src/store/open.ts';
import { startFakeJudge } from '../packages/server/src/testing/fake-judge.ts';
import { emit, envInt, log, machine, round, sleep } from './lib.ts';

// Judge queue throughput (docs/performance.md): traces are sampled through the real ingest
// pipeline (in-memory DuckDB) and judged against a fake OpenAI-compatible judge that answers
// every call after BENCH_JUDGE_LATENCY_MS (500). For each concurrency, the time from the first
// trace queued to the last score acknowledged gives traces judged per second; the ideal is
// concurrency / latency, and what is above it is the queue's own cost (store read, two journal
// writes, the queue document) per trace.
//
// Environment: BENCH_JUDGE_TRACES (400), BENCH_JUDGE_LATENCY_MS (500).

const traces = envInt('BENCH_JUDGE_TRACES', 400, 1, 100_000);
const latencyMs = envInt('BENCH_JUDGE_LATENCY_MS', 500, 0, 60_000);
const CONCURRENCIES = [1, 4, 16, 64];

const evaluator: Evaluator = {
  id: 'bench-correctness',
  name: 'correctness',
  kind: 'llm_judge',
  criterion: 'correctness',
  sampleRate: 1,
  filter: {},
  enabled: true,
  params: {},
  judge: null,
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
};

let seq = 0;
function call(): SpanRecord {
  const n = ++seq;
  const traceId = n.toString(16).padStart(32, '0');
  const startUs = Date.now() * 1000;
  return {
    projectId: 'default',
    traceId,
    spanId: traceId.slice(16),
    parentSpanId: null,
    name: 'chat',
    kind: 'generation',
    startUs,
    endUs: startUs + 300_000,
    provider: 'openai',
    requestModel: 'gpt-4o',
    responseModel: null,
    usage: { ...emptyUsage(), input: 500, output: 100 },
    cost: unpricedCost(),
    status: 'ok',
    errorClass: null,
    errorMessage: null,
    finishReason: 'stop',
    ttftMs: null,
    attribution: { ...emptyAttribution(), feature: 'support' },
    tags: [],
    metadata: {},
    content: { input: `question ${n}: how long is the refund window?`, output: `answer ${n}: thirty days from delivery.` },
    promptHash: null,
    responseHash: null,
    requestId: null,
  };
}

const fake = await startFakeJudge(() => ({ score: 0.8, delayMs: latencyMs }));
const results: Record<string, unknown>[] = [];
for (const concurrency of CONCURRENCIES) {
  const dir = mkdtempSync(join(tmpdir(), 'lookout-bench-judge-'));
  const config = loadConfig({ env: {}, flags: { dataDir: dir, logLevel: 'silent' } });
  const store = await openStore(config, { inMemory: true });
  const logger = pino({ level: 'silent' });
  const ctx = await createContext(config, logger, store, dir);
  const judge = await Judge.open({
    config: { ...config.judge, baseUrl: fake.url, concurrency, ratePerMinute: 100_000, settleMs: 0, dailyBudgetUsd: 1_000_000, maxQueue: traces },
    store,
    pipeline: ctx.pipeline,
    pricer: ctx.pricer,
    evaluators: { evaluatorsOf: () => [evaluator] },
    metrics: ctx.metrics,
    logger,
    queueDocument: new JsonFile<JudgeQueueDocument>(join(dir, 'judge-queue.json')),
  });
  ctx.pipeline.observe(judge);
  const n = Math.min(traces, concurrency * 40);
  const started = performance.now();
  const before = fake.requests.length;
  // Sampled in batches of 50, as ingest would hand them over.
  for (let i = 0; i < n; i += 50) await ctx.pipeline.submit({ spans: Array.from({ length: Math.min(50, n - i) }, call), scores: [], logs: [] }, 'bench');
  judge.start();
  while (judge.queueDepth > 0) await sleep(5);
  const seconds = (performance.now() - started) / 1000;
  const ideal = concurrency / (latencyMs / 1000);
  const perSecond = n / seconds;
  const row = {
    concurrency,
    traces: n,
    calls: fake.requests.length - before,
    seconds: round(seconds, 2),
    tracesPerSecond: round(perSecond, 1),
    idealPerSecond: round(ideal, 1),
    overheadMsPerTrace: round(Math.max(0, (seconds * concurrency * 1000) / n - latencyMs), 1),
  };
  log(`concurrency ${concurrency}: ${n} traces in ${row.seconds} s = ${row.tracesPerSecond}/s (ideal ${row.idealPerSecond}/s)`);
  results.push(row);
  await judge.stop();
  await ctx.budgets.stop();
  ctx.content.stopFollowing();
  ctx.privacy.stopFollowing();
  ctx.evaluators.stopFollowing();
  await ctx.pipeline.drain();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
await fake.close();
emit({ bench: 'judge-queue', machine: machine(), judgeLatencyMs: latencyMs, results });
