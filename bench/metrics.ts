import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BodyTemplate,
  emit,
  envInt,
  latencySummary,
  log,
  machine,
  nextTracePrefix,
  postIngest,
  processRssMb,
  round,
  sleep,
  startServer,
  TIME_HOLE,
  TRACE_PREFIX_HOLE,
} from './lib.ts';

// /metrics benchmark (DESIGN.md: scrape ≤ 50 ms and ≤ 2 MB with 1M calls stored). The real
// server is filled through the ingest API with calls to many distinct models and providers —
// more than the registry keeps as label values, so the "other" folding is exercised — with
// every status, error class, token type and streaming, which is what multiplies series. Then
// GET /metrics is timed (median of many) and its size measured.
//
// Environment: BENCH_METRICS_CALLS (1,000,000), BENCH_METRICS_FILL_SECONDS (120: stop filling
// earlier if reached), BENCH_METRICS_MODELS (300), BENCH_METRICS_PROVIDERS (60),
// BENCH_METRICS_SCRAPES (30).

const targetCalls = envInt('BENCH_METRICS_CALLS', 1_000_000, 1, 100_000_000);
const fillSeconds = envInt('BENCH_METRICS_FILL_SECONDS', 120, 1, 3_600);
const modelCount = envInt('BENCH_METRICS_MODELS', 300, 1, 10_000);
const providerCount = envInt('BENCH_METRICS_PROVIDERS', 60, 1, 1_000);
const scrapes = envInt('BENCH_METRICS_SCRAPES', 30, 1, 1_000);
const BATCH_ITEMS = 1_000;
const CLIENTS = 6;
const TEMPLATES = 24;
const ERROR_CLASSES = ['rate_limit', 'timeout', 'server', 'invalid_request', 'content_filter'];

// Realistic-looking provider/model pairs: real names first, then generated fine-tune and
// deployment names, which is how model cardinality explodes in practice.
function modelPairs(): [string, string][] {
  const real: [string, string][] = [
    ['openai', 'gpt-4o-mini'],
    ['openai', 'gpt-4o'],
    ['openai', 'o4-mini'],
    ['openai', 'text-embedding-3-small'],
    ['anthropic', 'claude-sonnet-4-20250514'],
    ['anthropic', 'claude-3-5-haiku-20241022'],
    ['google', 'gemini-2.5-flash'],
    ['mistral', 'mistral-small-latest'],
  ];
  const pairs = real.slice(0, Math.min(real.length, modelCount));
  for (let i = pairs.length; i < modelCount; i++) {
    const provider = i % providerCount < real.length ? real[i % real.length][0] : `provider-${i % providerCount}`;
    pairs.push([provider, `ft:gpt-4o-mini:acme:custom-${i}`]);
  }
  return pairs;
}

function makeTemplate(pairs: [string, string][], seed: number): BodyTemplate {
  const batch: Record<string, unknown>[] = [];
  for (let i = 0; i < BATCH_ITEMS; i++) {
    const n = seed * BATCH_ITEMS + i;
    const [provider, model] = pairs[(n * 7) % pairs.length];
    const failed = n % 29 === 0;
    batch.push({
      type: i % 10 === 9 ? 'span' : 'generation',
      ...(i % 10 === 9 ? { kind: 'embedding' } : {}),
      traceId: `${TRACE_PREFIX_HOLE}${n.toString(16).padStart(16, '0')}`,
      spanId: (i + 1).toString(16).padStart(16, '0'),
      startTime: TIME_HOLE,
      durationMs: 100 + ((n * 37) % 20_000),
      provider,
      model,
      usage: failed ? {} : { input: 100 + (n % 3000), output: 10 + (n % 500), cacheRead: n % 3 ? 0 : 64, reasoning: n % 5 ? 0 : 5 },
      ...(failed ? { status: 'error', errorClass: ERROR_CLASSES[n % ERROR_CLASSES.length] } : { finishReason: 'stop' }),
      ttftMs: n % 2 ? 80 + (n % 900) : null,
      userId: `usr_${n % 5000}`,
      team: `team-${n % 20}`,
      feature: `feature-${n % 10}`,
    });
  }
  return new BodyTemplate(batch);
}

async function fill(endpoint: string, pairs: [string, string][]): Promise<{ calls: number; seconds: number }> {
  const templates = Array.from({ length: TEMPLATES }, (_, i) => makeTemplate(pairs, i));
  const started = performance.now();
  const deadline = started + fillSeconds * 1000;
  let accepted = 0;
  let sent = 0;
  let lastReport = started;
  const client = async (id: number) => {
    for (let k = id; sent < targetCalls && performance.now() < deadline; k += CLIENTS) {
      sent += BATCH_ITEMS;
      const r = await postIngest(endpoint, templates[k % TEMPLATES].render(nextTracePrefix(), Date.now() - 1_000));
      if (r.status === 429 || r.status === 503) {
        sent -= BATCH_ITEMS;
        await sleep(r.retryAfterMs ?? 500);
        continue;
      }
      accepted += r.accepted;
      if (performance.now() - lastReport > 5_000) {
        lastReport = performance.now();
        log(`  filled ${accepted.toLocaleString('en-US')} calls (${Math.round(accepted / ((lastReport - started) / 1000))}/s)`);
      }
    }
  };
  await Promise.all(Array.from({ length: CLIENTS }, (_, i) => client(i)));
  return { calls: accepted, seconds: round((performance.now() - started) / 1000, 1) ?? 0 };
}

async function scrape(url: string): Promise<{ ms: number; bytes: number; text: string }> {
  const started = performance.now();
  const r = await fetch(`${url}/metrics`);
  const buf = Buffer.from(await r.arrayBuffer());
  const ms = performance.now() - started;
  if (!r.ok) throw new Error(`/metrics answered ${r.status}`);
  return { ms, bytes: buf.length, text: buf.toString('utf8') };
}

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'lookout-bench-metrics-'));
  log(`metrics bench: starting the server (data in ${dataDir})`);
  const server = await startServer(dataDir);
  try {
    const empty = await scrape(server.url);
    const pairs = modelPairs();
    log(`metrics bench: filling with up to ${targetCalls.toLocaleString('en-US')} calls over ${pairs.length} models / ${new Set(pairs.map((p) => p[0])).size} providers (at most ${fillSeconds} s)`);
    const filled = await fill(`${server.url}/api/v1/ingest`, pairs);
    log(`  stored ${filled.calls.toLocaleString('en-US')} calls in ${filled.seconds} s`);
    await sleep(500);
    await scrape(server.url); // warm-up
    const times: number[] = [];
    let last = { ms: 0, bytes: 0, text: '' };
    for (let i = 0; i < scrapes; i++) {
      last = await scrape(server.url);
      times.push(last.ms);
    }
    const lines = last.text.split('\n');
    const samples = lines.filter((l) => l !== '' && !l.startsWith('#'));
    const modelValues = new Set<string>();
    for (const l of samples) {
      const m = /model="([^"]*)"/.exec(l);
      if (m) modelValues.add(m[1]);
    }
    const timing = latencySummary(times);
    log(`  GET /metrics: median ${timing.p50} ms, ${(last.bytes / 1e6).toFixed(2)} MB, ${samples.length} samples, ${modelValues.size} model label values`);
    const rss = processRssMb(server.child.pid!);
    const exitCode = await server.stop();
    emit({
      bench: 'metrics',
      date: new Date().toISOString(),
      machine: machine(),
      callsStored: filled.calls,
      fillSeconds: filled.seconds,
      fillCallsPerSec: Math.round(filled.calls / Math.max(0.001, filled.seconds)),
      distinctModelsSent: pairs.length,
      distinctProvidersSent: new Set(pairs.map((p) => p[0])).size,
      scrape: {
        runs: scrapes,
        medianMs: timing.p50,
        p95Ms: timing.p95,
        maxMs: timing.max,
        bytes: last.bytes,
        samples: samples.length,
        modelLabelValues: modelValues.size,
        foldedIntoOther: modelValues.has('other'),
        emptyServerBytes: empty.bytes,
      },
      server: { ...rss, exitCode },
      targets: {
        scrapeMs: { target: 50, measured: timing.p50, met: timing.p50 !== null && timing.p50 <= 50 },
        scrapeBytes: { target: 2_000_000, measured: last.bytes, met: last.bytes <= 2_000_000 },
        callsStored: { target: 1_000_000, measured: filled.calls },
      },
    });
  } catch (err) {
    log(`metrics bench failed: ${(err as Error).stack}\nserver output:\n${server.output().slice(-4_000)}`);
    await server.stop();
    process.exitCode = 1;
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
