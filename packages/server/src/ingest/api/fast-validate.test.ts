import { afterAll, describe, expect, it, vi } from 'vitest';
import { describeIssue } from '../../errors.ts';
import { generateDemoTraffic, Prng } from '../../cli/demo/index.ts';
import { generation } from '../../testing/app.ts';
import { checkIngestItem, fastParseItem } from './fast-validate.ts';
import { logFromItem, scoreFromItem, spanFromItem } from './map.ts';
import { ingestItemSchema, type IngestItem } from './schema.ts';

// The fast path must never accept what zod refuses, nor parse anything differently: for every
// item, valid or not, both paths run and are compared.

const NOW_MS = Date.UTC(2026, 2, 11, 15, 30, 0);
const TRACE = '0123456789abcdef0123456789abcdef';
const SPAN = '0123456789abcdef';

// Both paths read the clock (24 h ahead is refused); one frozen clock makes them comparable at the
// edges. Set before the items below are made, as some take their times from it.
vi.useFakeTimers({ now: NOW_MS, toFake: ['Date'] });
afterAll(() => {
  vi.useRealTimers();
});

const keys = (n: number, valueOf: (i: number) => unknown = (i) => i) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, valueOf(i)]));
const astral = (units: number) => '😀'.repeat(Math.floor(units / 2)) + (units % 2 ? 'x' : '');
// JSON.parse keeps "__proto__" as an own key, as a request body would.
const protoKey = (value: unknown) => JSON.parse(`{"__proto__": ${JSON.stringify(value)}, "a": 1}`) as Record<string, unknown>;

// Values tried per field, valid and invalid alike.
const LABELS = ['', 'a', 'gpt-4o', 'x'.repeat(500), 'x'.repeat(501), astral(500), astral(501), 'é'.repeat(500), null, 42, true, ['a'], { a: 1 }];
const TIMES = [
  NOW_MS - 5_000,
  (NOW_MS - 5_000) / 1_000,
  new Date(NOW_MS - 5_000).toISOString(),
  '2026-03-11T16:29:00+01:00',
  '2026-03-11',
  'now',
  String(NOW_MS - 1),
  String((NOW_MS - 1_000) / 1_000),
  NOW_MS + 86_400_000,
  NOW_MS + 86_400_001,
  900_000_000_000,
  946_684_800,
  946_684_799.999,
  1.5,
  -1,
  0,
  '2026-01-02T10:00:00',
  '1h',
  'garbage',
  '',
  ' 2026-03-11T10:00:00Z ',
  true,
  null,
  { at: 1 },
];
const HEX32 = [TRACE, TRACE.toUpperCase(), 'AbCdEf' + TRACE.slice(6), TRACE.slice(1), TRACE + '0', 'g'.repeat(32), `${TRACE}\n`, null, 7];
const HEX16 = [SPAN, SPAN.toUpperCase(), SPAN.slice(1), 'Z'.repeat(16), null, TRACE];
const CONTENTS = [
  'hello',
  '',
  astral(20_001),
  [{ role: 'user', content: 'hi' }],
  [],
  { messages: [{ role: 'user', content: 'hi' }], n: 1 },
  { '2': 'b', '1': 'a', z: null },
  protoKey('x'),
  { nested: protoKey('x') },
  null,
  42,
  true,
];
const RECORDS = [
  {},
  { a: 'b', n: 1, t: true },
  keys(100),
  keys(101),
  keys(100, () => 'x'.repeat(10_000)),
  { v: 'x'.repeat(10_001) },
  { v: astral(10_000) },
  { v: astral(10_001) },
  { ['k'.repeat(500)]: 1 },
  { ['k'.repeat(501)]: 1 },
  { [astral(501)]: 1 },
  { v: null },
  { v: { nested: 1 } },
  { v: [1] },
  protoKey('x'),
  [],
  null,
  'a=b',
];
const USAGES = [
  {},
  { input: 1000, output: 200 },
  { input: 1000, output: 200, cacheRead: 800, cacheWrite: 0, reasoning: 50, audio: 0, inputIncludesCache: false, outputIncludesReasoning: true },
  { input: 1e12 },
  { input: 1e12 + 1 },
  { input: -1 },
  { input: 1.5 },
  { input: '10' },
  { input: null },
  { tokens: 5 },
  { inputIncludesCache: 'yes' },
  null,
  [],
];
const NUMBERS = [0, 1, 1.5, 86_400_000, 86_400_001, 1e6, 1e6 + 1, -0.5, '5', null, true];
const TAGS = [[], ['a', 'b'], Array.from({ length: 50 }, (_, i) => `t${i}`), Array.from({ length: 51 }, (_, i) => `t${i}`), ['x'.repeat(501)], [astral(500)], [1], 'a', null];

const SPAN_FIELDS: Record<string, readonly unknown[]> = {
  id: ['evt-1', '', 'x'.repeat(200), 'x'.repeat(201), astral(201), 5],
  traceId: HEX32,
  spanId: HEX16,
  parentSpanId: HEX16,
  name: ['', 'chat gpt-4o', 'x'.repeat(1_000), 'x'.repeat(1_001), null],
  startTime: TIMES,
  endTime: TIMES,
  durationMs: NUMBERS,
  status: ['ok', 'error', 'cancelled', 'failed', null],
  errorClass: ['rate_limit', 'other', 'nope', null],
  errorMessage: ['boom', 'x'.repeat(10_000), 'x'.repeat(10_001), null],
  userId: LABELS,
  sessionId: LABELS,
  feature: LABELS,
  team: LABELS,
  department: LABELS,
  application: LABELS,
  environment: LABELS,
  requestId: LABELS,
  tags: TAGS,
  metadata: RECORDS,
  input: CONTENTS,
  output: CONTENTS,
  provider: ['openai', 'anthropic', ...LABELS],
  model: LABELS,
  responseModel: LABELS,
  usage: USAGES,
  costUsd: NUMBERS,
  finishReason: LABELS,
  ttftMs: NUMBERS,
  colour: ['red'],
};
const FIELDS: Record<string, Record<string, readonly unknown[]>> = {
  generation: SPAN_FIELDS,
  span: { ...SPAN_FIELDS, kind: ['llm', 'tool', 'retrieval', 'other', 'nope', null] },
  score: {
    id: ['s1', '', 'x'.repeat(201), null],
    traceId: HEX32,
    spanId: HEX16,
    name: ['helpfulness', '', 'x'.repeat(501), astral(500)],
    value: [0.5, 0, -3, 'good', 'x'.repeat(500), 'x'.repeat(501), true, false, null, [1], { v: 1 }],
    dataType: ['numeric', 'categorical', 'boolean', 'other', null],
    comment: ['fine', 'x'.repeat(10_001), null],
    source: ['api', 'user', 'llm_judge', 'robot', null],
    timestamp: TIMES,
    userId: LABELS,
    metadata: RECORDS,
    feature: ['chat'],
  },
  log: {
    id: ['l1', '', 'x'.repeat(201)],
    traceId: HEX32,
    spanId: HEX16,
    timestamp: TIMES,
    severity: ['debug', 'info', 'warn', 'error', 'fatal', null],
    body: ['', 'hello', 'x'.repeat(100_000), 'x'.repeat(100_001), astral(100_001), null, 3],
    attributes: RECORDS,
  },
};
const BASES: Record<string, () => Record<string, unknown>> = {
  generation: () => generation({ startTime: NOW_MS - 5_000 }),
  span: () => ({ type: 'span', kind: 'tool', name: 'search', startTime: NOW_MS - 5_000, durationMs: 20 }),
  score: () => ({ type: 'score', id: 'score-1', traceId: TRACE, name: 'thumbs', value: true }),
  log: () => ({ type: 'log', id: 'log-1', body: 'hello' }),
};

// The base item of a type with one to four fields set to a value from its pool, or removed.
function variations(count: number, seed: number): unknown[] {
  const prng = new Prng(seed);
  const types = Object.keys(BASES);
  return Array.from({ length: count }, () => {
    const type = prng.pick(types);
    const item = BASES[type]();
    const fields = FIELDS[type];
    for (let n = prng.int(1, 4); n > 0; n--) {
      const field = prng.pick(Object.keys(fields));
      if (prng.chance(0.1)) delete item[field];
      else item[field] = prng.pick(fields[field]);
    }
    return item;
  });
}

// The items of the route tests, valid and not.
const ROUTE_ITEMS: unknown[] = [
  generation({ spanId: SPAN, traceId: TRACE, usage: { input: 1_000_000, output: 100_000, cacheRead: 200_000 } }),
  generation({ id: 'evt-1' }),
  { type: 'score', id: 'score-ctx', traceId: TRACE, name: 'relevance', value: 0.4, metadata: { rubric: 'v2', strict: true } },
  generation({ usage: { input: -5, output: 1 } }),
  generation({ usage: { input: null } }),
  generation({ model: 42 }),
  { type: 'generation', model: 'gpt-4o' },
  generation({ startTime: 900_000_000_000 }),
  generation({ startTime: '2026-01-02T10:00:00' }),
  generation({ startTime: '2100-01-01T00:00:00Z' }),
  generation({ startTime: '2026-01-02T00:00:00Z', endTime: '2026-01-01T00:00:00Z', durationMs: undefined }),
  generation({ startTime: '2026-01-02T00:00:00Z', endTime: '2026-01-02T00:00:01Z' }),
  generation({ usage: { input: 1.5 } }),
  generation({ colour: 'red' }),
  generation({ traceId: 'xyz' }),
  { type: 'score', id: 's', traceId: TRACE, name: 'n', value: 'x', dataType: 'numeric' },
  generation({ metadata: { note: 'x'.repeat(10_001) } }),
  { type: 'log', id: 'l1', body: 'b', attributes: { a: 'x'.repeat(10_001) } },
  { type: 'score', id: 's2', traceId: TRACE, name: 'n', value: 1, metadata: keys(101) },
  { type: 'score', id: 's3', traceId: TRACE, name: 'n', value: 1, feature: 'chat' },
  { type: 'log', id: 'l2', body: 'b', attributes: keys(101) },
  ...['2026-01-02T10:00:00Z', '2026-01-02T11:00:00+01:00', Date.UTC(2026, 0, 2, 10) / 1000, Date.UTC(2026, 0, 2, 10), String(Date.UTC(2026, 0, 2, 10) / 1000)].map(
    (startTime, i) => generation({ id: `time-spelling-${i}`, startTime, durationMs: 10 }),
  ),
];

const DEMO_ITEMS: unknown[] = generateDemoTraffic({ days: 2, calls: 300, seed: 7, nowMs: NOW_MS }).items;

// What the mappers make of an item; ids drawn at random (no id to derive them from) are left out.
function mapped(item: IngestItem): unknown {
  if (item.type === 'score') return scoreFromItem(item, 'p1', NOW_MS);
  if (item.type === 'log') return logFromItem(item, 'p1', NOW_MS);
  const span: Partial<ReturnType<typeof spanFromItem>> = spanFromItem(item, 'p1');
  if (item.id === undefined && item.traceId === undefined) delete span.traceId;
  if (item.id === undefined && item.spanId === undefined) delete span.spanId;
  return span;
}

const hasProtoKey = (raw: unknown): boolean => JSON.stringify(raw).includes('"__proto__"');
// ajv measures strings in UTF-16 units, zod in code points when over the limit: a string of astral
// characters can be within a limit for zod and over it for ajv, and then goes to zod.
const hasAstral = (raw: unknown): boolean => /[\uD800-\uDBFF]/.test(JSON.stringify(raw));

// Runs both paths on the item as a request body would hold it; returns whether each accepted it.
function compare(item: unknown, label: string): { fast: boolean; zod: boolean } {
  const raw: unknown = JSON.parse(JSON.stringify(item));
  const fast = fastParseItem(raw);
  const slow = ingestItemSchema.safeParse(raw);
  if (fast) {
    expect(slow.success, `${label}: the fast path accepted what zod refuses: ${slow.error?.message} in ${JSON.stringify(raw).slice(0, 300)}`).toBe(true);
    expect(fast, label).toStrictEqual(slow.data);
    expect(mapped(fast), label).toStrictEqual(mapped(slow.data!));
  }
  return { fast: fast !== null, zod: slow.success };
}

function compareAll(items: unknown[], label: string): { accepted: number; refused: number } {
  let accepted = 0;
  let refused = 0;
  items.forEach((item, i) => {
    const { fast, zod } = compare(item, `${label}[${i}]`);
    // Only a "__proto__" key (which zod drops) or astral characters near a limit send a valid item to zod.
    if (!hasProtoKey(item) && !hasAstral(item)) expect(fast, `${label}[${i}]: zod accepts it, the fast path does not: ${JSON.stringify(item, (k, v) => (typeof v === 'string' && v.length > 40 ? `${v.slice(0, 10)}…(${v.length})` : v))}`).toBe(zod);
    if (zod) accepted++;
    else refused++;
  });
  return { accepted, refused };
}

describe('fastParseItem', () => {
  it('parses the route tests\' items exactly as zod does, and refuses the ones zod refuses', () => {
    const { accepted, refused } = compareAll(ROUTE_ITEMS, 'route');
    expect(accepted).toBeGreaterThan(5);
    expect(refused).toBeGreaterThan(10);
  });

  it('parses generated demo traffic (every type, content as text and JSON) exactly as zod does', () => {
    const { accepted, refused } = compareAll(DEMO_ITEMS, 'demo');
    expect(refused).toBe(0);
    expect(accepted).toBe(DEMO_ITEMS.length);
  }, 60_000);

  it('agrees with zod on thousands of variations: bounds, astral characters, times, hex case, key counts, cross-field checks', () => {
    const items = variations(2_500, 20);
    const { accepted, refused } = compareAll(items, 'variation');
    // Both outcomes are well represented, so the comparison says something about each.
    expect(accepted).toBeGreaterThan(500);
    expect(refused).toBeGreaterThan(500);
  }, 60_000);

  it('leaves to zod the records whose "__proto__" key zod drops', () => {
    const item = { type: 'log', id: 'l', body: 'b', attributes: protoKey('x') };
    expect(fastParseItem(item)).toBeNull();
    expect(ingestItemSchema.safeParse(item).success).toBe(true);
  });
});

describe('checkIngestItem', () => {
  it('accepts, through zod, a label of 500 astral characters (1,000 UTF-16 units), and refuses 501 with zod\'s message', () => {
    const within = generation({ startTime: NOW_MS - 5_000, model: '😀'.repeat(500) });
    expect(fastParseItem(within)).toBeNull();
    expect(checkIngestItem(within, 0)).toEqual({ ok: true, item: ingestItemSchema.parse(within) });
    const over = checkIngestItem(generation({ startTime: NOW_MS - 5_000, model: '😀'.repeat(501) }), 4);
    expect(over).toMatchObject({ ok: false, type: 'generation' });
    expect(!over.ok && over.error).toMatch(/^batch\[4\]\.model: /);
  });


  it('gives zod\'s messages, field by field, for a refused item', () => {
    const items = [...ROUTE_ITEMS, ...variations(500, 21)];
    let refusals = 0;
    items.forEach((item, index) => {
      const checked = checkIngestItem(item, index);
      const slow = ingestItemSchema.safeParse(item);
      expect(checked.ok).toBe(slow.success);
      if (checked.ok || slow.success) return;
      refusals++;
      expect(checked.error).toBe(slow.error.issues.map((i) => describeIssue(i.path, i.message, `batch[${index}]`)).join('; '));
      expect(checked.type).toBe((item as { type: string }).type);
    });
    expect(refusals).toBeGreaterThan(50);
  });

  it("counts the prompt's metadata keys against the bound on both paths", () => {
    const prompt = { name: 'support', version: 5 };
    // 98 keys and the prompt's 2: at the bound. 99 and 2: over it, refused by both paths alike.
    const at = checkIngestItem(generation({ metadata: keys(98), prompt }), 0);
    expect(at.ok).toBe(true);
    expect(at.ok && spanFromItem(at.item as Parameters<typeof spanFromItem>[0], 'p').metadata).toHaveProperty('lookout.prompt.version', '5');
    const over = generation({ metadata: keys(99), prompt });
    expect(fastParseItem(over)).toBeNull();
    expect(checkIngestItem(over, 3)).toMatchObject({ ok: false, error: 'batch[3].metadata: at most 100 keys, counting the 2 the prompt adds (lookout.prompt.*): 101 given' });
    // A key the metadata already names is replaced, not added.
    expect(checkIngestItem(generation({ metadata: { ...keys(99), 'lookout.prompt.name': 'x' }, prompt: { name: 'support' } }), 0).ok).toBe(true);
  });

  it('names a non-object and an unknown type before validating', () => {
    expect(checkIngestItem([1], 2)).toEqual({ ok: false, type: null, error: 'batch[2]: must be an object' });
    expect(checkIngestItem({ type: 'teleport' }, 0)).toEqual({
      ok: false,
      type: null,
      error: 'batch[0].type: unknown event type "teleport"; expected one of generation, span, score, log',
    });
  });
});
