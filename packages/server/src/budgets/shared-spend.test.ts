import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { emptyAttribution, type SpanRecord } from '../domain/span.ts';
import { HOUR_MS } from '../domain/time.ts';
import { DuckDbStore } from '../store/duckdb/store.ts';
import { projectId } from '../store/store.ts';
import { makeSpan } from '../testing/fixtures.ts';
import { dayIndex } from './ledger.ts';
import { SharedSpend, type LoadSequence } from './shared-spend.ts';
import { Spend } from './spend.ts';

// The refresh logic on its own, over an in-memory store standing in for the shared one: this
// node's "loads" are writes the test makes, numbered like journal segments.

const logger = pino({ level: 'silent' });
const P = projectId('default');
const NOW = Date.UTC(2026, 2, 15, 12, 0);
const TODAY = dayIndex(NOW);

function call(nano: number | null, over: Partial<SpanRecord> & { user?: string } = {}): SpanRecord {
  const { user, ...rest } = over;
  return makeSpan({
    startUs: (NOW - HOUR_MS) * 1000,
    attribution: { ...emptyAttribution(), userId: user ?? null },
    cost: nano === null ? { status: 'not_applicable', totalNanoUsd: null, byBucketNanoUsd: {}, priceRowId: null, catalogVersion: null } : { status: 'priced', totalNanoUsd: nano, byBucketNanoUsd: {}, priceRowId: 'test', catalogVersion: 'test' },
    ...rest,
  });
}

// Segments acknowledged by this node and loaded in order; a read may be made to outlast its hold.
class Loads implements LoadSequence {
  loadedSeq = 0;
  holdBroken = false;
  private readonly segments = new Map<number, SpanRecord[]>();
  private readonly store: DuckDbStore;
  constructor(store: DuckDbStore) {
    this.store = store;
  }
  accept(seq: number, spans: SpanRecord[]): void {
    this.segments.set(seq, spans);
  }
  async loadThrough(seq: number): Promise<void> {
    for (let s = this.loadedSeq + 1; s <= seq; s++) await this.store.write({ spans: this.segments.get(s) ?? [], scores: [], logs: [] });
    this.loadedSeq = seq;
  }
  async withLoadsHeld<T>(_maxHoldMs: number, read: (loadedSeq: number) => Promise<T>): Promise<{ value: T; held: boolean }> {
    return { value: await read(this.loadedSeq), held: !this.holdBroken };
  }
}

describe('shared spend', () => {
  let store: DuckDbStore;
  let spend: Spend;
  let loads: Loads;
  let shared: SharedSpend;
  beforeEach(async () => {
    store = await DuckDbStore.open(null);
    spend = new Spend({ maxSeriesPerProject: 1000, maxTraces: 1000 });
    loads = new Loads(store);
    shared = new SharedSpend(spend, store, loads, logger);
  });
  afterEach(async () => {
    await store.close();
  });

  const accept = (seq: number, ...spans: SpanRecord[]) => {
    loads.accept(seq, spans);
    shared.record(spans, NOW, seq);
  };
  const refresh = () => shared.refresh([P], () => NOW);
  const total = () => spend.find(P)?.total.dayNano(TODAY) ?? 0n;
  const ofUser = (user: string) => spend.find(P)?.get('user', user)?.dayNano(TODAY) ?? 0n;

  it("counts this node's calls once whether a refresh falls before or after their load, and another node's after it", async () => {
    accept(1, call(1_000_000_001, { user: 'alice' }));
    accept(2, call(7, { user: 'alice' }));
    await loads.loadThrough(1);
    await refresh();
    expect(total()).toBe(1_000_000_008n);
    expect(shared.keptChanges).toBe(1); // segment 2 is not loaded yet
    await loads.loadThrough(2);
    await refresh();
    expect(total()).toBe(1_000_000_008n);
    expect(shared.keptChanges).toBe(0);
    // Another node's call: in the store, never acknowledged here.
    await store.write({ spans: [call(30, { user: 'bob' })], scores: [], logs: [] });
    expect(total()).toBe(1_000_000_008n);
    await refresh();
    expect(total()).toBe(1_000_000_038n);
    expect(ofUser('bob')).toBe(30n);
  });

  it('counts a call loaded before its root arrived for the root user once, before and after the root is loaded', async () => {
    const root = call(null, { user: 'alice', kind: 'agent' });
    const child = call(5_000_000_003, { traceId: root.traceId, parentSpanId: root.spanId });
    accept(1, child);
    await loads.loadThrough(1);
    accept(2, root);
    expect(ofUser('alice')).toBe(5_000_000_003n);
    // The store holds the call without a user; the root, not loaded, gives it one in memory.
    await refresh();
    expect(ofUser('alice')).toBe(5_000_000_003n);
    // Loading the root gives the stored call the root's user.
    await loads.loadThrough(2);
    await refresh();
    expect(ofUser('alice')).toBe(5_000_000_003n);
    expect(total()).toBe(5_000_000_003n);
  });

  it("keeps a project's figures when its read outlasted the hold on loads", async () => {
    accept(1, call(11, { user: 'alice' }));
    loads.holdBroken = true;
    await store.write({ spans: [call(30, { user: 'bob' })], scores: [], logs: [] });
    await loads.loadThrough(1);
    await expect(refresh()).resolves.toMatchObject({ kept: 1 });
    expect(total()).toBe(11n);
    loads.holdBroken = false;
    await refresh();
    expect(total()).toBe(41n);
  });
});
