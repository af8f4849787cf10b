import { describe, expect, it } from 'vitest';
import { EVALUATION_FEATURE } from '../../domain/quality.ts';
import type { SpanRecord } from '../../domain/span.ts';
import { projectId, type PromptRepeatQuery, type PromptRepeatRow, type Store } from '../store.ts';
import { call, pricedCost, sharedStore, type OpenStore } from './fixtures.ts';

// Repeated prompts per (prompt hash, provider, model) (store/prompt-repeats.ts), the same from
// every backend: warm calls (the previous call of the group at most warmWithinMs before, no cache
// read), repeats within fixed windows and their cost, the newest call's price row and feature;
// successful calls only.

const A = projectId('repeats-a');
const B = projectId('repeats-b');
const T = Date.UTC(2026, 3, 1, 10); // an hour's start: the first repeat window
const MIN = 60_000;
const trace = (n: number) => n.toString(16).padStart(32, '0');

interface Repeat {
  n: number; // trace number
  atMs: number;
  input?: number;
  cacheRead?: number;
  costNano: number;
  hash?: string | null;
  model?: string;
  project?: string;
  feature?: string | null;
  row?: string;
  kind?: SpanRecord['kind'];
  metadata?: Record<string, string>;
  status?: 'ok' | 'error';
}

const span = (r: Repeat): SpanRecord => ({
  ...call({
    project: r.project ?? A,
    traceId: trace(r.n),
    atMs: r.atMs,
    durationMs: 100,
    costNano: r.costNano,
    model: r.model ?? 'gpt-4o',
    feature: r.feature === undefined ? 'old' : r.feature,
    kind: r.kind ?? 'generation',
    metadata: r.metadata ?? {},
    status: r.status ?? 'ok',
    usage: { input: r.input ?? 3000, cacheRead: r.cacheRead ?? 0, output: 10 },
  }),
  cost: pricedCost(r.costNano, r.row ?? 'row-old'),
  promptHash: r.hash === undefined ? 'h1' : r.hash,
});

async function seed(store: Store): Promise<void> {
  const spans: Repeat[] = [
    { n: 1, atMs: T, costNano: 1 },
    { n: 2, atMs: T + MIN, costNano: 2 }, // warm: 1 min after the first
    { n: 3, atMs: T + 7 * MIN, costNano: 4 }, // 6 min after the one before: cold, still a repeat in the hour
    { n: 4, atMs: T + 9 * MIN, input: 1000, cacheRead: 2000, costNano: 8 }, // already read from a cache: never warm
    { n: 5, atMs: T + 10 * MIN, costNano: 16 }, // warm: 1 min after a call
    { n: 6, atMs: T + 60 * MIN, costNano: 32, feature: 'chat', row: 'row-new' }, // the next window's first
    // The same prompt to another model is another group.
    { n: 7, atMs: T + 2 * MIN, costNano: 100, model: 'gpt-4o-mini' },
    { n: 8, atMs: T + 3 * MIN, costNano: 64, model: 'gpt-4o-mini' },
    // Left out: a gateway cache hit, a small prompt, the judge's calls, another kind, another
    // project, outside the range, a prompt sent once, calls without a hash.
    { n: 9, atMs: T + 8 * MIN, costNano: 1000, metadata: { 'gateway.cache': 'hit' } },
    { n: 10, atMs: T + 8 * MIN, input: 1023, costNano: 1000 },
    { n: 11, atMs: T + 8 * MIN, costNano: 1000, feature: EVALUATION_FEATURE },
    { n: 12, atMs: T + 8 * MIN, costNano: 1000, kind: 'embedding' },
    { n: 13, atMs: T + 8 * MIN, costNano: 1000, project: B },
    { n: 14, atMs: T - 1, costNano: 1000 },
    { n: 15, atMs: T + 120 * MIN, costNano: 1000 },
    { n: 16, atMs: T + 8 * MIN, costNano: 1000, hash: 'once' },
    { n: 17, atMs: T + 8 * MIN, costNano: 1000, hash: null },
    { n: 18, atMs: T + 8 * MIN + 1, costNano: 1000, hash: null },
    // A call that failed (rate limited, billed here all the same) and its retry 2 s later with the
    // same prompt: the retry is the prompt's first answer, neither a repeat nor warm; the call
    // 20 minutes later is the one repeat.
    { n: 19, atMs: T + 20 * MIN, costNano: 500, hash: 'retried', status: 'error' },
    { n: 20, atMs: T + 20 * MIN + 2_000, costNano: 7, hash: 'retried' },
    { n: 21, atMs: T + 40 * MIN, costNano: 9, hash: 'retried' },
  ];
  await store.write({ spans: spans.map(span), scores: [], logs: [] });
}

const query = (over: Partial<PromptRepeatQuery> = {}): PromptRepeatQuery => ({
  fromUs: T * 1000,
  toUs: (T + 120 * MIN) * 1000,
  warmWithinMs: 5 * MIN,
  repeatWindowMs: 60 * MIN,
  minPromptTokens: 1024,
  orderBy: 'warm_input_tokens',
  limit: 10,
  ...over,
});

const FOUR_O: PromptRepeatRow = {
  promptHash: 'h1',
  provider: 'openai',
  model: 'gpt-4o',
  priceRowId: 'row-new',
  feature: 'chat',
  calls: 6,
  promptTokens: 18_000,
  cacheReadCalls: 1,
  warmCalls: 2,
  warmInputTokens: 6000,
  repeatCalls: 4,
  repeatCostNano: 2 + 4 + 8 + 16,
  firstUs: T * 1000,
  lastUs: (T + 60 * MIN) * 1000,
  sampleTraceIds: [6, 5, 4, 3, 2, 1].map(trace),
};

const MINI: PromptRepeatRow = {
  promptHash: 'h1',
  provider: 'openai',
  model: 'gpt-4o-mini',
  priceRowId: 'row-old',
  feature: 'old',
  calls: 2,
  promptTokens: 6000,
  cacheReadCalls: 0,
  warmCalls: 1,
  warmInputTokens: 3000,
  repeatCalls: 1,
  repeatCostNano: 64,
  firstUs: (T + 2 * MIN) * 1000,
  lastUs: (T + 3 * MIN) * 1000,
  sampleTraceIds: [8, 7].map(trace),
};

const RETRIED: PromptRepeatRow = {
  promptHash: 'retried',
  provider: 'openai',
  model: 'gpt-4o',
  priceRowId: 'row-old',
  feature: 'old',
  calls: 2,
  promptTokens: 6000,
  cacheReadCalls: 0,
  warmCalls: 0,
  warmInputTokens: 0,
  repeatCalls: 1,
  repeatCostNano: 9,
  firstUs: (T + 20 * MIN + 2_000) * 1000,
  lastUs: (T + 40 * MIN) * 1000,
  sampleTraceIds: [21, 20].map(trace),
};

export function promptRepeatsContract(name: string, open: OpenStore): void {
  describe(`${name}: prompt repeats`, () => {
    const store = sharedStore(open, seed);

    it('sums warm calls and repeats per prompt hash and model, ranked by warm input tokens', async () => {
      expect(await store().promptRepeats(A, query())).toEqual([FOUR_O, MINI, RETRIED]);
    });

    it('leaves failed calls out: a call retried after a failure with the same prompt counts once', async () => {
      const rows = await store().promptRepeats(A, query({ orderBy: 'repeat_cost' }));
      expect(rows.find((r) => r.promptHash === 'retried')).toEqual(RETRIED);
    });

    it('ranks by the repeats’ cost and keeps to the limit', async () => {
      expect(await store().promptRepeats(A, query({ orderBy: 'repeat_cost' }))).toEqual([MINI, FOUR_O, RETRIED]);
      expect(await store().promptRepeats(A, query({ orderBy: 'repeat_cost', limit: 1 }))).toEqual([MINI]);
    });

    it('dates warm calls by the lifetime and repeats by the window it is given', async () => {
      const [row] = await store().promptRepeats(A, query({ warmWithinMs: 10 * MIN, repeatWindowMs: 5 * MIN }));
      // warm within 10 min: calls 2, 3 and 5 (4 read from a cache); 5-min windows from T: [1,2] [3,4] [5] [6]
      expect(row).toMatchObject({ model: 'gpt-4o', warmCalls: 3, warmInputTokens: 9000, repeatCalls: 2, repeatCostNano: 2 + 8 });
    });

    it('sees only the project asked for', async () => {
      expect(await store().promptRepeats(B, query())).toEqual([]);
    });
  });
}
