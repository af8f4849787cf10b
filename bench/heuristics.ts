import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Evaluator, HeuristicCriterion, HeuristicParams } from '../packages/server/src/domain/quality.ts';
import { evaluateSpan } from '../packages/server/src/enrich/quality/heuristics/index.ts';
import { refusalOf } from '../packages/server/src/enrich/quality/refusal.ts';
import { makeSpan } from '../packages/server/src/testing/fixtures.ts';
import { BodyTemplate, emit, envInt, log, machine, nextTracePrefix, postIngest, round, sleep, startServer, TIME_HOLE, TRACE_PREFIX_HOLE } from './lib.ts';

// What the built-in heuristic evaluators cost (docs/performance.md, docs/quality.md), in one run:
//   1. each heuristic alone, in process: microseconds per span over realistic generations (a
//      2 KB chat prompt, a 600-character answer; JSON answers for the JSON checks);
//   2. ingest throughput of the real server with every heuristic enabled at sample rate 1 (the
//      worst case: nine scores per generation) against none, rounds alternated so both see the
//      same machine. Refusals are marked in both (they always are).
//
// Environment: BENCH_HEURISTICS_CLIENTS (8), BENCH_HEURISTICS_SECONDS (10 per round),
// BENCH_HEURISTICS_BATCH (200), BENCH_HEURISTICS_ROUNDS (2 of each), BENCH_HEURISTICS_SPANS (2000,
// per heuristic in step 1), BENCH_HEURISTICS_CRITERIA (the evaluators of step 2, comma-separated;
// all nine) and BENCH_HEURISTICS_SAMPLE_PCT (their sample rate in percent; 100). Each evaluation
// that applies stores a score, so step 2 also measures storing up to nine scores per span.

const clients = envInt('BENCH_HEURISTICS_CLIENTS', 8, 1, 64);
const seconds = envInt('BENCH_HEURISTICS_SECONDS', 10, 1, 600);
const batchItems = envInt('BENCH_HEURISTICS_BATCH', 200, 1, 5_000);
const rounds = envInt('BENCH_HEURISTICS_ROUNDS', 2, 1, 10);
const microSpans = envInt('BENCH_HEURISTICS_SPANS', 2_000, 100, 1_000_000);
const WARMUP_MS = 2_000;
const MICRO_REPEATS = 5;

const SYSTEM = 'You are the support assistant of an online shop. Answer briefly and politely. Orders ship from the Rotterdam warehouse within 2 business days. ';
const ANSWER =
  'Thanks for your message. Your order left the Rotterdam warehouse yesterday and should arrive within two business days. You can follow it with the tracking number in the confirmation e-mail; if it has not arrived by Friday, reply here and we will open an investigation with the carrier right away. ';

function prompt(i: number): string {
  let user = `Order ORD-${100_000 + i} was placed on 2026-11-${String((i % 28) + 1).padStart(2, '0')}. Where is my package? `;
  while (user.length < 2048 - SYSTEM.length) user += 'The app shows it as pending since last Tuesday, version 2.4.1. ';
  return JSON.stringify([{ role: 'system', content: SYSTEM }, { role: 'user', content: user }]);
}

const answer = (i: number) => (ANSWER + ANSWER).slice(0, 600) + ` (ref ${i})`;
const jsonAnswer = (i: number) => JSON.stringify({ order: `ORD-${100_000 + i}`, status: 'shipped', eta: '2026-11-12', items: [{ sku: 'A-1', qty: 2 }], note: ANSWER.slice(0, 300) });

const PARAMS: Record<HeuristicCriterion, HeuristicParams> = {
  empty_output: {},
  refusal: {},
  invalid_json: {},
  json_schema: { schema: { type: 'object', required: ['order', 'status'], properties: { order: { type: 'string' }, status: { enum: ['shipped', 'pending'] }, eta: { type: 'string', format: 'date' } } } },
  length: { minChars: 20, maxChars: 2_000 },
  regex: { pattern: '\\b(?:refund|guarantee)d?\\b', mustMatch: false },
  language: {},
  latency_slo: { maxLatencyMs: 2_000 },
  cost_slo: { maxCostUsd: 0.01 },
};
const CRITERIA = Object.keys(PARAMS) as HeuristicCriterion[];
const ENABLED = (process.env.BENCH_HEURISTICS_CRITERIA ?? CRITERIA.join(',')).split(',').filter((c): c is HeuristicCriterion => (CRITERIA as string[]).includes(c));
const samplePct = envInt('BENCH_HEURISTICS_SAMPLE_PCT', 100, 1, 100);
const JSON_CRITERIA = new Set<HeuristicCriterion>(['invalid_json', 'json_schema']);

function evaluator(criterion: HeuristicCriterion): Evaluator {
  const at = new Date().toISOString();
  return { id: `bench_${criterion}`, name: criterion, kind: 'heuristic', criterion, sampleRate: 1, filter: {}, enabled: true, params: PARAMS[criterion], judge: null, createdAt: at, updatedAt: at };
}

// 1. Microseconds per span of each heuristic, the best of MICRO_REPEATS passes over microSpans spans.
function micro(): Record<string, number> {
  const text = Array.from({ length: microSpans }, (_, i) => makeSpan({ content: { input: prompt(i), output: answer(i) } }));
  const json = Array.from({ length: microSpans }, (_, i) => makeSpan({ content: { input: prompt(i), output: jsonAnswer(i) }, metadata: { 'gen_ai.output.type': 'json' } }));
  const out: Record<string, number> = {};
  const time = (name: string, fn: () => void) => {
    let best = Infinity;
    for (let r = 0; r < MICRO_REPEATS; r++) {
      const started = performance.now();
      fn();
      best = Math.min(best, performance.now() - started);
    }
    out[name] = round((best * 1000) / microSpans, 2)!;
    log(`${name}: ${out[name]} µs per span`);
  };
  time('refusal_mark', () => {
    for (const s of text) refusalOf(s);
  });
  for (const c of CRITERIA) {
    const e = evaluator(c);
    const spans = JSON_CRITERIA.has(c) ? json : text;
    for (const s of spans) if (evaluateSpan(e, s).outcome !== 'scored') throw new Error(`${c} did not score the bench span: ${JSON.stringify(evaluateSpan(e, s))}`);
    time(c, () => {
      for (const s of spans) evaluateSpan(e, s);
    });
  }
  return out;
}

function template(seed: number): BodyTemplate {
  const batch: Record<string, unknown>[] = [];
  for (let i = 0; i < batchItems; i++) {
    const n = seed * batchItems + i;
    batch.push({
      type: 'generation',
      traceId: `${TRACE_PREFIX_HOLE}${n.toString(16).padStart(16, '0')}`,
      spanId: (i + 1).toString(16).padStart(16, '0'),
      name: 'chat gpt-4o-mini',
      startTime: TIME_HOLE,
      durationMs: 800,
      provider: 'openai',
      model: 'gpt-4o-mini',
      usage: { input: 520, output: 90 },
      userId: `usr_${n % 1000}`,
      feature: 'support-chat',
      input: prompt(n),
      output: answer(n),
    });
  }
  return new BodyTemplate(batch);
}

async function round_(evaluators: boolean): Promise<{ spansPerSec: number; requests: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'lookout-bench-heuristics-'));
  const server = await startServer(dir);
  try {
    if (evaluators) {
      for (const c of ENABLED) {
        const res = await fetch(`${server.url}/api/v1/evaluators`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ name: c, kind: 'heuristic', criterion: c, sampleRate: samplePct / 100, params: PARAMS[c] }),
        });
        if (res.status !== 201) throw new Error(`creating the ${c} evaluator: ${res.status} ${await res.text()}`);
      }
    }
    const url = `${server.url}/api/v1/ingest`;
    const templates = Array.from({ length: clients }, (_, i) => template(i + 1));
    const started = performance.now();
    const warmEnd = started + WARMUP_MS;
    const end = warmEnd + seconds * 1000;
    let accepted = 0;
    let requests = 0;
    await Promise.all(
      templates.map(async (t) => {
        while (performance.now() < end) {
          const r = await postIngest(url, t.render(nextTracePrefix(), Date.now() - 1_000));
          const doneAt = performance.now();
          if (r.status === 429 || r.status === 503) {
            await sleep(r.retryAfterMs ?? 500);
            continue;
          }
          if (doneAt >= warmEnd && doneAt <= end) {
            accepted += r.accepted;
            requests++;
          }
        }
      }),
    );
    return { spansPerSec: accepted / seconds, requests };
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const microsPerSpan = micro();
const off: number[] = [];
const on: number[] = [];
for (let r = 0; r < rounds; r++) {
  for (const evaluators of r % 2 === 0 ? [false, true] : [true, false]) {
    const result = await round_(evaluators);
    (evaluators ? on : off).push(result.spansPerSec);
    log(`round ${r + 1}, heuristic evaluators ${evaluators ? 'on' : 'off'}: ${Math.round(result.spansPerSec)} spans/s (${result.requests} requests)`);
  }
}
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
emit({
  bench: 'heuristics',
  machine: machine(),
  microsPerSpan,
  evaluatorsOn: ENABLED,
  samplePct,
  clients,
  batchItems,
  secondsPerRound: seconds,
  rounds,
  spansPerSecOff: off.map((x) => Math.round(x)),
  spansPerSecOn: on.map((x) => Math.round(x)),
  meanOff: Math.round(mean(off)),
  meanOn: Math.round(mean(on)),
  throughputLossPct: round((1 - mean(on) / mean(off)) * 100, 1),
});
