import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BodyTemplate, emit, envInt, log, machine, nextTracePrefix, postIngest, round, sleep, startServer, TIME_HOLE, TRACE_PREFIX_HOLE } from './lib.ts';

// What redaction costs ingest (docs/privacy.md, docs/performance.md): the same closed-loop load
// against the real server with the redactor on (the default) and off (LOOKOUT_PRIVACY_REDACT=false),
// alternated in one run so both see the same machine. Every generation carries a realistic prompt
// of about BENCH_INGEST_REDACT_PROMPT_BYTES (2 KB: a system prompt, a user question with code and order
// details) and a response; one in ten carries an e-mail address and one in fifty a card number.
//
// Environment: BENCH_INGEST_REDACT_CLIENTS (8), BENCH_INGEST_REDACT_SECONDS (10 per round), BENCH_INGEST_REDACT_BATCH
// (200), BENCH_INGEST_REDACT_ROUNDS (2 of each), BENCH_INGEST_REDACT_PROMPT_BYTES (2048).

const clients = envInt('BENCH_INGEST_REDACT_CLIENTS', 8, 1, 64);
const seconds = envInt('BENCH_INGEST_REDACT_SECONDS', 10, 1, 600);
const batchItems = envInt('BENCH_INGEST_REDACT_BATCH', 200, 1, 5_000);
const rounds = envInt('BENCH_INGEST_REDACT_ROUNDS', 2, 1, 10);
const promptBytes = envInt('BENCH_INGEST_REDACT_PROMPT_BYTES', 2048, 256, 1_000_000);
const WARMUP_MS = 2_000;

const SYSTEM = 'You are the support assistant of an online shop. Answer briefly and politely. Never promise refunds above $200 without a manager. Orders ship from the Rotterdam warehouse within 2 business days; tracking numbers look like RTM-2026-000000. ';
const CODE = 'function total(items) {\n  return items.reduce((sum, it) => sum + it.price * it.qty, 0);\n}\nconsole.log(total([{ price: 19.99, qty: 2 }]));\n';

function prompt(i: number): string {
  let user = `Order ORD-${100_000 + i} placed on 2026-11-${String((i % 28) + 1).padStart(2, '0')} at 14:${String(i % 60).padStart(2, '0')} for $${(i % 500) + 0.99}. `;
  if (i % 10 === 0) user += `Please write to me at customer.${i}@example.com. `;
  if (i % 50 === 0) user += 'My card 4111 1111 1111 1111 was charged twice. ';
  user += 'My checkout script computes the total like this:\n' + CODE;
  let text = SYSTEM + user;
  while (text.length < promptBytes) text += ' The package was supposed to arrive last Tuesday, version 2.4.1 of your app shows it as pending.';
  return JSON.stringify([{ role: 'system', content: SYSTEM }, { role: 'user', content: text.slice(SYSTEM.length, promptBytes) }]);
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
      output: `Thanks for your message about order ORD-${100_000 + n}. It left the warehouse yesterday; tracking RTM-2026-${String(n % 1_000_000).padStart(6, '0')}.`,
    });
  }
  return new BodyTemplate(batch);
}

async function round_(redact: boolean): Promise<{ spansPerSec: number; requests: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'lookout-bench-redact-'));
  const server = await startServer(dir, { LOOKOUT_PRIVACY_REDACT: String(redact) });
  try {
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

const off: number[] = [];
const on: number[] = [];
for (let r = 0; r < rounds; r++) {
  for (const redact of r % 2 === 0 ? [false, true] : [true, false]) {
    const result = await round_(redact);
    (redact ? on : off).push(result.spansPerSec);
    log(`round ${r + 1}, redaction ${redact ? 'on' : 'off'}: ${Math.round(result.spansPerSec)} spans/s (${result.requests} requests)`);
  }
}
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
emit({
  bench: 'ingest-redaction',
  machine: machine(),
  promptBytes,
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
