import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { PROMPT_METADATA } from '../../domain/prompt-identity.ts';
import { emptyAttribution, emptyUsage, type SpanRecord, type Usage } from '../../domain/span.ts';
import { LookoutError } from '../../errors.ts';
import { makeSpan } from '../../testing/fixtures.ts';
import type { Store } from '../store.ts';
import type { ContextWindowOf } from '../context-windows.ts';

// Builders shared by the contract suites. Every expected value in the suites is worked out by
// hand from these fixtures, never by asking a backend.

// The code and message of the LookoutError `p` fails with (any other outcome fails the test).
export async function failure(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (err) {
    if (err instanceof LookoutError) return { code: err.code, message: err.message };
    throw err;
  }
  throw new Error('expected the call to fail');
}

export interface ContractOptions {
  // Opens again the place a closed store kept its data in (backends that keep data on disk).
  reopen?: (closed: Store) => Promise<Store>;
  // Brings up to date what a backend sums ahead of reads (per-hour totals), as time would; the
  // suites call it after writing so that reads take the summed way where a backend has one.
  settle?: (store: Store) => Promise<void>;
}

// `contextWindowOf`: the models' context windows the store counts with (the catalog's when absent).
export type OpenStore = (options?: { contextWindowOf?: ContextWindowOf }) => Promise<Store>;

// One store for the whole describe block, seeded once: for suites that only read.
export function sharedStore(open: OpenStore, seed: (store: Store) => Promise<void>, options: ContractOptions = {}): () => Store {
  let store: Store | undefined;
  beforeAll(async () => {
    store = await open();
    await seed(store);
    await options.settle?.(store);
  });
  afterAll(async () => {
    await store?.close();
  });
  return () => store!;
}

// A fresh, empty store per test: for suites that change what is stored.
export function freshStore(open: OpenStore): () => Store {
  let store: Store | undefined;
  beforeEach(async () => {
    store = await open();
  });
  afterEach(async () => {
    await store?.close();
  });
  return () => store!;
}

export function pricedCost(nano: number, priceRowId = 'test'): SpanRecord['cost'] {
  return { status: 'priced', totalNanoUsd: nano, byBucketNanoUsd: { input: nano }, priceRowId, catalogVersion: 'test' };
}

export function unknownCost(): SpanRecord['cost'] {
  return { status: 'unknown_model', totalNanoUsd: null, byBucketNanoUsd: {}, priceRowId: null, catalogVersion: null };
}

export function reportedCost(nano: number): SpanRecord['cost'] {
  return { status: 'provider_reported', totalNanoUsd: nano, byBucketNanoUsd: {}, priceRowId: null, catalogVersion: null };
}

// A model call as the analytics see it. Times in ms, costs in nano-dollars (null: unknown model).
export interface Call {
  project?: string;
  traceId?: string;
  atMs: number;
  durationMs: number;
  costNano: number | null;
  kind?: SpanRecord['kind'];
  model?: string;
  provider?: string;
  team?: string | null;
  department?: string | null;
  application?: string | null;
  user?: string | null;
  session?: string | null;
  feature?: string | null;
  environment?: string | null;
  status?: 'ok' | 'error';
  errorClass?: SpanRecord['errorClass'];
  finishReason?: SpanRecord['finishReason'];
  ttftMs?: number | null;
  tags?: string[];
  metadata?: Record<string, string>;
  usage?: Partial<Usage>;
}

export function call(c: Call): SpanRecord {
  const startUs = c.atMs * 1000;
  const error = c.status === 'error';
  return makeSpan({
    projectId: c.project ?? 'default',
    ...(c.traceId ? { traceId: c.traceId } : {}),
    kind: c.kind ?? 'generation',
    startUs,
    endUs: startUs + Math.round(c.durationMs * 1000),
    provider: c.provider ?? 'openai',
    requestModel: c.model ?? 'gpt-4o',
    usage: { ...emptyUsage(), input: 1000, output: 200, ...c.usage },
    cost: c.costNano === null ? unknownCost() : pricedCost(c.costNano),
    status: c.status ?? 'ok',
    errorClass: c.errorClass !== undefined ? c.errorClass : error ? 'rate_limit' : null,
    errorMessage: error ? 'failed' : null,
    finishReason: c.finishReason !== undefined ? c.finishReason : 'stop',
    ttftMs: c.ttftMs ?? null,
    attribution: {
      ...emptyAttribution(),
      userId: c.user ?? null,
      sessionId: c.session ?? null,
      feature: c.feature ?? null,
      team: c.team ?? null,
      department: c.department ?? null,
      application: c.application ?? null,
      environment: c.environment ?? null,
    },
    tags: c.tags ?? [],
    metadata: c.metadata ?? {},
  });
}

// The analytics fixture: hand-made calls on 2026-11-10 (a Tuesday), costs in nano-dollars.
export const T0 = Date.UTC(2026, 10, 10, 12);
export const DAY_RANGE = { fromMs: Date.UTC(2026, 10, 10), toMs: Date.UTC(2026, 10, 11) };
export const SCORED_TRACE = 'a'.repeat(32);
// The prompt a call was made from, as every ingest path stores it (domain/prompt-identity.ts).
export function prompt(name: string, version: string, variant?: string): Record<string, string> {
  return {
    [PROMPT_METADATA.name]: name,
    [PROMPT_METADATA.version]: version,
    ...(variant === undefined ? {} : { [PROMPT_METADATA.variant]: variant }),
  };
}

export const ANALYTICS_CALLS: Call[] = [
  // core: 1.000000001 + 2.5 + 0.25 + 0.1 = 3.850000001; durations 100..400
  { atMs: T0, team: 'core', department: 'eng', application: 'chat', user: 'u1', session: 's1', feature: 'chat', environment: 'prod', costNano: 1_000_000_001, durationMs: 100, ttftMs: 10, tags: ['a', 'b'], metadata: { env: 'prod', ...prompt('answer', '1', 'A') }, traceId: SCORED_TRACE },
  { atMs: T0, team: 'core', department: 'eng', application: 'chat', user: 'u1', session: 's1', feature: 'chat', environment: 'prod', costNano: 2_500_000_000, durationMs: 200, ttftMs: 20, tags: ['a'], metadata: { env: 'prod', ...prompt('answer', '2', 'B') } },
  { atMs: T0, team: 'core', department: 'eng', application: 'search', user: 'u2', session: 's2', feature: 'search', environment: 'prod', costNano: 250_000_000, durationMs: 300, ttftMs: 30, status: 'error', finishReason: null, metadata: { env: 'dev', ...prompt('answer', '2', 'B') } },
  { atMs: T0, team: 'core', department: 'eng', application: 'search', user: 'u2', feature: 'search', environment: 'staging', costNano: 100_000_000, durationMs: 400, model: 'gpt-4o-mini', finishReason: 'length', metadata: prompt('search-rank', '1') },
  // search: 0.1 + 0.2 (= 0.3 exactly, not 0.30000000000000004) plus one call of a model without a price
  { atMs: T0, team: 'search', department: 'eng', application: 'search', user: 'u3', feature: 'search', environment: 'prod', costNano: 100_000_000, durationMs: 1000, tags: ['b'] },
  { atMs: T0, team: 'search', department: 'eng', application: 'search', user: 'u3', feature: 'search', environment: 'prod', costNano: 200_000_000, durationMs: 2000 },
  { atMs: T0, team: 'search', department: 'eng', application: 'search', user: 'u3', feature: 'search', environment: 'prod', costNano: null, durationMs: 3000, model: 'mystery-1', provider: 'acme' },
  // no team, no department
  { atMs: T0, costNano: 50_000_000, durationMs: 50, application: 'batch' },
  // not a model call: excluded by default (its usage repeats the calls under it)
  { atMs: T0, team: 'core', kind: 'chain', costNano: 1_000_000_000_000, durationMs: 9999 },
  // another project: never visible from `default`
  { atMs: T0, project: 'other', team: 'core', costNano: 100_000_000_000, durationMs: 5, metadata: prompt('answer', '1', 'A') },
];
