import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { Pricer } from '../enrich/pricing/index.ts';
import { LookoutMetrics } from '../metrics/registry.ts';
import { DuckDbStore } from '../store/duckdb/store.ts';
import { projectId, type Store } from '../store/store.ts';
import { makeSpan } from '../testing/fixtures.ts';
import { Journal } from './journal.ts';
import { IngestPipeline } from './pipeline.ts';

const P = projectId('default');
const logger = pino({ level: 'silent' });
let store: DuckDbStore;

async function pipelineOn(s: Store, dir: string, maxRecentSpanKeys?: number): Promise<IngestPipeline> {
  const journal = await Journal.open(dir);
  return new IngestPipeline(
    { store: s, journal, pricer: new Pricer(), metrics: new LookoutMetrics({ defaultMetrics: false }), logger },
    { maxQueueRows: 10_000, maxWriteBatchRows: 1_000, maxRecentSpanKeys },
  );
}

afterEach(async () => {
  await store?.close();
});

describe('ingest pipeline and journal', () => {
  it('loads segments a crashed run left in the journal, once, before taking new data', async () => {
    store = await DuckDbStore.open(null);
    const dir = mkdtempSync(join(tmpdir(), 'lookout-journal-'));
    const spans = [makeSpan(), makeSpan()];
    // What a run that died after acknowledging and before loading leaves behind.
    const crashed = await Journal.open(dir);
    await crashed.append(store.encode({ spans, scores: [], logs: [] }, Date.now() * 1000), spans.length);
    await crashed.append(store.encode({ spans: [spans[0]], scores: [], logs: [] }, Date.now() * 1000), 1);
    const p = await pipelineOn(store, dir);
    expect(await p.recover()).toBe(2);
    expect(readdirSync(dir)).toEqual([]);
    expect((await store.listSpans(P, {}, { limit: 10, offset: 0 })).total).toBe(2);
    const retry = await p.submit({ spans: [{ ...spans[1] }], scores: [], logs: [] }, 'test');
    expect(retry.spans).toEqual(['duplicate']);
    await p.drain();
  });

  it('never journals a record the store cannot hold: out-of-range times, costs or token counts are refused, the rest load', async () => {
    store = await DuckDbStore.open(null);
    const dir = mkdtempSync(join(tmpdir(), 'lookout-journal-'));
    const p = await pipelineOn(store, dir);
    const ok = makeSpan();
    const base = makeSpan();
    const bad = [
      { ...makeSpan(), startUs: Date.parse('-271821-04-20T00:00:00Z') * 1000 },
      { ...makeSpan(), endUs: Date.parse('+275760-09-13T00:00:00Z') * 1000 },
      { ...makeSpan(), startUs: Number.NaN },
      { ...makeSpan(), cost: { ...base.cost, status: 'provider_reported' as const, totalNanoUsd: 1e21 } },
      { ...makeSpan(), cost: { ...base.cost, status: 'provider_reported' as const, totalNanoUsd: 1, byBucketNanoUsd: { input: 1e300 } } },
      { ...makeSpan(), usage: { ...base.usage, input: 1e300 } },
    ];
    const result = await p.submit({ spans: [ok, ...bad], scores: [], logs: [] }, 'test');
    expect(result.spans).toEqual(['accepted', ...bad.map(() => 'duplicate')]);
    // The load (the whole segment) succeeds: nothing poisonous was journaled.
    await p.caughtUp();
    expect(p.loadHealth.failingSinceMs).toBeNull();
    expect((await store.listSpans(P, {}, { limit: 10, offset: 0 })).total).toBe(1);
    await p.drain();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('acknowledges from the journal and makes the rows readable once caught up', async () => {
    store = await DuckDbStore.open(null);
    const dir = mkdtempSync(join(tmpdir(), 'lookout-journal-'));
    const p = await pipelineOn(store, dir);
    const a = makeSpan();
    const [first, second] = await Promise.all([
      p.submit({ spans: [a, makeSpan()], scores: [], logs: [] }, 'test'),
      p.submit({ spans: [{ ...a }], scores: [], logs: [] }, 'test'),
    ]);
    expect(first.spans).toEqual(['accepted', 'accepted']);
    expect(second.spans).toEqual(['duplicate']);
    await p.caughtUp();
    expect((await store.listSpans(P, {}, { limit: 10, offset: 0 })).total).toBe(2);
    // Retried while still in the journal or after loading: a duplicate either way.
    expect((await p.submit({ spans: [{ ...a }], scores: [], logs: [] }, 'test')).spans).toEqual(['duplicate']);
    await p.drain();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('keeps acknowledging into the journal while the store refuses loads, refuses reads that must see them, and loads them when it returns', async () => {
    store = await DuckDbStore.open(null);
    const dir = mkdtempSync(join(tmpdir(), 'lookout-journal-'));
    let down = true;
    let refused = 0;
    const flaky: Store = Object.assign(Object.create(store) as Store, {
      load: async (...args: Parameters<Store['load']>) => {
        if (down) {
          refused++;
          throw new Error('connect ECONNREFUSED');
        }
        return store.load(...args);
      },
    });
    const p = await pipelineOn(flaky, dir);
    expect(p.loadHealth).toEqual({ failingSinceMs: null, error: null, journaledRows: 0 });
    const first = p.submit({ spans: [makeSpan()], scores: [], logs: [] }, 'test');
    expect((await first).spans).toEqual(['accepted']);
    // A read waiting for the acknowledged row is answered when the load fails, not left hanging.
    await expect(p.caughtUp()).rejects.toMatchObject({ code: 'store_unavailable' });
    expect(refused).toBeGreaterThan(0);
    expect(p.loadHealth).toMatchObject({ failingSinceMs: expect.any(Number), error: 'connect ECONNREFUSED', journaledRows: 1 });
    expect((await p.submit({ spans: [makeSpan()], scores: [], logs: [] }, 'test')).spans).toEqual(['accepted']);
    await expect(p.caughtUp()).rejects.toMatchObject({ code: 'store_unavailable', message: expect.stringContaining('2 acknowledged rows are safe in the journal') });
    down = false;
    await expect.poll(() => p.loadHealth.failingSinceMs, { timeout: 5_000 }).toBeNull();
    await p.caughtUp();
    expect((await store.listSpans(P, {}, { limit: 10, offset: 0 })).total).toBe(2);
    expect(p.loadHealth).toEqual({ failingSinceMs: null, error: null, journaledRows: 0 });
    await p.drain();
  });

  it('decides duplicates of recent spans from memory, and asks the store for older ones', async () => {
    store = await DuckDbStore.open(null);
    const old = makeSpan({ startUs: (Date.now() - 86_400_000) * 1000 });
    await store.write({ spans: [old], scores: [], logs: [] });
    let lookups = 0;
    const counting: Store = Object.assign(Object.create(store) as Store, {
      findStored: async (...args: Parameters<Store['findStored']>) => {
        lookups++;
        return store.findStored(...args);
      },
    });
    const p = await pipelineOn(counting, mkdtempSync(join(tmpdir(), 'lookout-journal-')), 2);
    await p.recover(); // the horizon: the newest stored start, the old span's
    const now = Date.now() * 1000;
    const recent = [makeSpan({ startUs: now - 3000 }), makeSpan({ startUs: now - 2000 }), makeSpan({ startUs: now - 1000 })];
    expect((await p.submit({ spans: recent, scores: [], logs: [] }, 'test')).spans).toEqual(['accepted', 'accepted', 'accepted']);
    expect(lookups).toBe(0);
    await p.caughtUp();
    // Loaded, and one of the three keys evicted (cap 2): the horizon moved past the evicted span.
    expect((await p.submit({ spans: [{ ...recent[1] }, { ...recent[2] }], scores: [], logs: [] }, 'test')).spans).toEqual(['duplicate', 'duplicate']);
    expect(lookups).toBe(0);
    expect((await p.submit({ spans: [{ ...recent[0] }], scores: [], logs: [] }, 'test')).spans).toEqual(['duplicate']);
    expect((await p.submit({ spans: [{ ...old }], scores: [], logs: [] }, 'test')).spans).toEqual(['duplicate']);
    expect(lookups).toBe(2);
    await p.drain();
  });

  it('tells observers the segment of what they accept, and holds loads while a read runs, up to its limit', async () => {
    store = await DuckDbStore.open(null);
    let gate: Promise<void> | null = null;
    let loads = 0;
    const gated: Store = Object.assign(Object.create(store) as Store, {
      load: async (...args: Parameters<Store['load']>) => {
        loads++;
        await gate;
        return store.load(...args);
      },
    });
    const p = await pipelineOn(gated, mkdtempSync(join(tmpdir(), 'lookout-journal-')));
    const seen: number[] = [];
    p.observe({ onAccepted: (spans, _scores, seq) => seen.push(...spans.map(() => seq)) });
    const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

    let open!: () => void;
    gate = new Promise((r) => (open = r));
    await p.submit({ spans: [makeSpan(), makeSpan()], scores: [], logs: [] }, 'test');
    const [first] = seen;
    expect(seen).toEqual([first, first]);
    expect(p.loadedSeq).toBeLessThan(first);
    // A load is in flight: the read starts only once it has ended.
    let readFrom: number | null = null;
    const held = p.withLoadsHeld(5_000, async (loadedSeq) => {
      readFrom = loadedSeq;
      // Acknowledged during the read, not loaded until it ends.
      await p.submit({ spans: [makeSpan()], scores: [], logs: [] }, 'test');
      await wait(100);
      return loads;
    });
    await wait(100);
    expect(readFrom).toBeNull();
    gate = null;
    open();
    expect(await held).toEqual({ value: 1, held: true });
    expect(readFrom).toBe(first);
    expect(seen[2]).toBeGreaterThan(first);
    await p.caughtUp();
    expect(p.loadedSeq).toBe(seen[2]);

    // A read that outlasts the limit lets loads resume, and says so.
    const slow = await p.withLoadsHeld(50, async () => {
      await p.submit({ spans: [makeSpan()], scores: [], logs: [] }, 'test');
      await wait(300);
      return p.loadedSeq;
    });
    expect(slow).toEqual({ value: seen[3], held: false });
    await p.drain();
  });
});
