import { generateDemoTraffic } from '../packages/server/src/cli/demo/index.ts';
import { describeIssue } from '../packages/server/src/errors.ts';
import { checkIngestItem, fastParseItem } from '../packages/server/src/ingest/api/fast-validate.ts';
import { ingestItemSchema } from '../packages/server/src/ingest/api/schema.ts';
import { emit, envInt, log, machine, median, round } from './lib.ts';

// What validating one native ingest item costs (POST /api/v1/ingest), in process: zod's safeParse
// (what the route ran per item before) against the compiled fast path (ingest/api/fast-validate.ts)
// on realistic generations (usage, attribution, tags, metadata, a chat prompt and an answer), and
// on the same generations with one mistake each, which the fast path hands to zod for the message.
// Items are parsed from JSON, as a request body would hold them. Median over rounds of the mean
// per item, in µs of this process's CPU time (steadier than wall time on a shared machine).
//
// Environment: BENCH_VALIDATE_ITEMS (2000 of each kind), BENCH_VALIDATE_ROUNDS (30).

const itemCount = envInt('BENCH_VALIDATE_ITEMS', 2_000, 100, 1_000_000);
const rounds = envInt('BENCH_VALIDATE_ROUNDS', 30, 3, 1_000);
const WARM_UP_MS = 1_000;

const TAGS = [['beta'], ['search', 'rag'], ['checkout', 'eu', 'mobile'], []];

function validItems(): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  // Demo traffic: generations with the attribution, usage, metadata and content a real app sends.
  for (let seed = 1; out.length < itemCount; seed++) {
    const { items } = generateDemoTraffic({ days: 1, calls: Math.min(itemCount, 5_000), seed, nowMs: Date.now() });
    for (const item of items as Record<string, unknown>[]) {
      if (item.type !== 'generation' || item.input === undefined || out.length >= itemCount) continue;
      out.push({ ...item, tags: TAGS[out.length % TAGS.length], metadata: { ...(item.metadata as object), 'app.version': '2.4.1' } });
    }
  }
  return JSON.parse(JSON.stringify(out)) as Record<string, unknown>[];
}

// One mistake per item, of the kinds clients make.
const MISTAKES: ((item: Record<string, unknown>) => void)[] = [
  (item) => (item.usage = { ...(item.usage as object), input: -1 }),
  (item) => (item.traceId = 'not-a-trace-id'),
  (item) => (item.colour = 'red'),
  (item) => (item.startTime = '2026-01-02T10:00:00'),
  (item) => (item.model = 42),
  (item) => (item.metadata = { note: 'x'.repeat(10_001) }),
];

function invalidItems(valid: Record<string, unknown>[]): Record<string, unknown>[] {
  const out = JSON.parse(JSON.stringify(valid)) as Record<string, unknown>[];
  out.forEach((item, i) => MISTAKES[i % MISTAKES.length](item));
  return out;
}

// What the route did per item before: safeParse, and the messages of a refused item.
function zodCheck(raw: unknown, index: number): unknown {
  const parsed = ingestItemSchema.safeParse(raw);
  return parsed.success ? parsed.data : parsed.error.issues.map((i) => describeIssue(i.path, i.message, `batch[${index}]`)).join('; ');
}

function measure(label: string, items: unknown[], fn: (item: unknown, index: number) => unknown): number {
  const warmUntil = Date.now() + WARM_UP_MS;
  while (Date.now() < warmUntil) items.forEach(fn);
  const perRound: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = process.cpuUsage();
    items.forEach(fn);
    const spent = process.cpuUsage(t0);
    perRound.push((spent.user + spent.system) / items.length);
  }
  const us = round(median(perRound), 2)!;
  log(`${label}: ${us} µs/item`);
  return us;
}

const valid = validItems();
const invalid = invalidItems(valid);
if (!valid.every((item) => fastParseItem(item) !== null)) throw new Error('a valid item missed the fast path');
if (!invalid.every((item, i) => !checkIngestItem(item, i).ok)) throw new Error('an invalid item was accepted');
const bytes = JSON.stringify(valid).length / valid.length;
log(`${valid.length} generations of ${Math.round(bytes)} bytes on average; ${rounds} rounds`);

const validZodUs = measure('valid, zod', valid, zodCheck);
const validFastUs = measure('valid, fast path', valid, (item, i) => checkIngestItem(item, i));
const invalidZodUs = measure('invalid, zod', invalid, zodCheck);
const invalidFastUs = measure('invalid, fast path then zod', invalid, (item, i) => checkIngestItem(item, i));

emit({
  bench: 'validate',
  date: new Date().toISOString(),
  items: valid.length,
  rounds,
  itemBytes: Math.round(bytes),
  validZodUsPerItem: validZodUs,
  validFastUsPerItem: validFastUs,
  validSpeedup: round(validZodUs / validFastUs, 1),
  invalidZodUsPerItem: invalidZodUs,
  invalidFastUsPerItem: invalidFastUs,
  machine: machine(),
});
