import { Redactor } from '../packages/server/src/enrich/redact/redactor.ts';
import { defaultRedactionSettings } from '../packages/server/src/enrich/redact/types.ts';
import { emit, envInt, log, machine, round } from './lib.ts';

// Redaction cost per text: what the redactor adds to every content field at ingest. Realistic
// prompts of 1 KB, 10 KB and 100 KB — prose and code with dates, prices, versions, ids, and a few
// planted values (an email, a phone number, a card, an API key per ~2 KB) — plus a clean 2 KB
// prompt with no candidate at all (the fast path most fields take). Median over rounds of the mean
// per text; MB/s counts UTF-16 code units as bytes (the texts are ASCII) over CPU time.
//
// Environment: BENCH_REDACT_ROUNDS (30).

const rounds = envInt('BENCH_REDACT_ROUNDS', 30, 3, 1_000);
const WARM_UP_MS = 500;

const PROSE = [
  'The analyst summarised the quarterly report and listed three risks for the board.',
  'Please rewrite the following paragraph so that it reads well for a general audience.',
  'On 2026-03-15 the team shipped version 4.2.1, which fixed 12 bugs and cut latency by 18%.',
  'Our plan costs $1,299.00 per year; the invoice INV-2026-004512 is due in 30 days.',
  'Explain the difference between a process and a thread, with an example in TypeScript.',
  'The customer asked why order #48213977 was delayed and whether a refund is possible.',
  'Translate into French: the meeting moves to Thursday at 10:30, room 4B, second floor.',
  'List the trade-offs of caching at the edge versus in the application, in five bullets.',
];
const CODE = [
  'function total(items: Item[]): number {\n  return items.reduce((sum, x) => sum + x.price * x.qty, 0);\n}\n',
  'const res = await fetch(`${baseUrl}/v1/items?limit=50&page=${page}`, { headers });\nif (!res.ok) throw new Error(`HTTP ${res.status}`);\n',
  'SELECT user_id, count(*) FROM events WHERE ts > now() - interval \'7 days\' GROUP BY 1 ORDER BY 2 DESC LIMIT 20;\n',
  'trace_id=4bf92f3577b34da6a3ce929d0e0e4736 span_id=00f067aa0ba902b7 duration_ms=1834 status=ok\n',
];
const PLANTED = [
  'You can reach me at maria.gonzalez@example.com if anything is unclear.',
  'Call me back on +44 20 7946 0958 after six.',
  'Charge the card 4111 1111 1111 1111, expiry 12/28.',
  'I set OPENAI_API_KEY=sk-proj-Xk81mQpL2vN7rT4wY9zB3cF6hJ0dS5aE in the config, is that right?',
];

// A deterministic prompt of `chars` characters; every ~2 KB one planted value, if `planted`.
function prompt(chars: number, planted: boolean): string {
  let out = '';
  let i = 0;
  let nextPlant = 500;
  while (out.length < chars) {
    out += i % 5 === 4 ? CODE[i % CODE.length] : `${PROSE[(i * 3) % PROSE.length]} `;
    if (planted && out.length >= nextPlant) {
      out += `${PLANTED[Math.floor(nextPlant / 2_000) % PLANTED.length]} `;
      nextPlant += 2_000;
    }
    i++;
  }
  return out.slice(0, chars);
}

// Wall time and CPU time (user + system of this process) per text. Others may share the
// machine: CPU time is what the redactor costs, wall time what a caller waited.
function measure(redactor: Redactor, text: string): { usPerText: number; cpuUsPerText: number; mbPerSecondCpu: number; findings: number } {
  const findings = redactor.redact(text).findings.length;
  const batch = Math.max(1, Math.round(200_000 / text.length));
  // Warm up until the JIT has optimised the hot paths (a fixed time: small texts need many calls).
  for (const until = performance.now() + WARM_UP_MS; performance.now() < until; ) redactor.redact(text);
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = process.hrtime.bigint();
    const c0 = process.cpuUsage();
    for (let i = 0; i < batch; i++) redactor.redact(text);
    const c = process.cpuUsage(c0);
    wall.push(Number(process.hrtime.bigint() - t0) / 1000 / batch);
    cpu.push((c.user + c.system) / batch);
  }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const cpuUs = med(cpu);
  return { usPerText: round(med(wall))!, cpuUsPerText: round(cpuUs)!, mbPerSecondCpu: round(text.length / cpuUs)!, findings };
}

const redactor = new Redactor(defaultRedactionSettings());
const withCustom = new Redactor({ ...defaultRedactionSettings(), custom: [{ name: 'employee_id', pattern: 'EMP-[0-9]{6}' }] });
const results: Record<string, unknown> = {};
for (const [name, chars, planted] of [
  ['clean_2kb', 2_048, false],
  ['prompt_1kb', 1_024, true],
  ['prompt_10kb', 10_240, true],
  ['prompt_100kb', 102_400, true],
] as const) {
  const text = prompt(chars, planted);
  results[name] = measure(redactor, text);
  log(`${name}: ${JSON.stringify(results[name])}`);
}
results.prompt_10kb_one_custom_pattern = measure(withCustom, prompt(10_240, true));
log(`prompt_10kb_one_custom_pattern: ${JSON.stringify(results.prompt_10kb_one_custom_pattern)}`);

emit({ bench: 'redact', date: new Date().toISOString(), rounds, ...results, machine: machine() });
