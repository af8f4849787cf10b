import { describe, expect, it } from 'vitest';
import type { StateDocument } from '../state/document.ts';
import { MAX_OTHER_COSTS, type OtherCost, type OtherCostInput } from './chargeback-settings.ts';
import { ChargebackStore, type ChargebackDocument } from './chargeback-store.ts';

const turn = () => new Promise((r) => setImmediate(r));

// A document whose reads and writes take a turn of the event loop, like a file or the store: a
// read answers what was there when it began.
class MemoryDocument implements StateDocument<ChargebackDocument> {
  doc: ChargebackDocument | null = null;
  writes = 0;
  async read(fallback: ChargebackDocument): Promise<ChargebackDocument> {
    const seen = this.doc === null ? fallback : structuredClone(this.doc);
    await turn();
    return seen;
  }
  async write(doc: ChargebackDocument): Promise<void> {
    await turn();
    this.writes += 1;
    this.doc = structuredClone(doc);
  }
}

const INPUT: OtherCostInput = {
  name: 'GPUs',
  category: 'compute',
  assignTo: { dimension: 'team', value: 'ml' },
  pricing: { type: 'fixed', monthlyUsd: '100' },
  fromMonth: '2026-11',
  toMonth: null,
};
const NOW = new Date('2026-11-05T10:00:00Z');

describe('ChargebackStore', () => {
  it('keeps every change made at once, and one project apart from another', async () => {
    const doc = new MemoryDocument();
    const store = new ChargebackStore(doc);
    await Promise.all([store.addCost('a', INPUT, NOW), store.addCost('a', { ...INPUT, name: 'Disks' }, NOW), store.addCost('b', INPUT, NOW)]);
    expect((await store.of('a')).costs.map((c) => c.name).sort()).toEqual(['Disks', 'GPUs']);
    expect((await store.of('b')).costs).toHaveLength(1);

    await store.forgetProject('a');
    expect(await store.of('a')).toEqual({ markup: { tiers: [], assignments: [], defaultTier: null }, costs: [] });
    expect((await store.of('b')).costs).toHaveLength(1);
    expect(Object.keys(doc.doc!.projects)).toEqual(['b']);
  });

  it('writes nothing for a refused change, and refuses past the most costs a project may have', async () => {
    const doc = new MemoryDocument();
    const store = new ChargebackStore(doc);
    await expect(store.deleteCost('a', 'oc_none')).rejects.toMatchObject({ code: 'not_found' });
    await expect(store.setMarkup('a', { tiers: [], assignments: [], defaultTier: 'gold' })).rejects.toMatchObject({ code: 'invalid_request', message: "defaultTier: no tier is named 'gold'" });
    expect(doc.writes).toBe(0);

    const full: OtherCost[] = Array.from({ length: MAX_OTHER_COSTS }, (_, i) => ({ ...INPUT, id: `oc_${i}`, createdAt: NOW.toISOString(), updatedAt: NOW.toISOString() }));
    doc.doc = { version: 1, projects: { a: { costs: full } } };
    await expect(store.addCost('a', INPUT, NOW)).rejects.toMatchObject({ code: 'conflict' });
    expect((await store.of('a')).costs).toHaveLength(MAX_OTHER_COSTS);

    // A replaced cost keeps its id and when it was made.
    const later = new Date('2026-11-06T00:00:00Z');
    const replaced = await store.replaceCost('a', 'oc_7', { ...INPUT, name: 'TPUs' }, later);
    expect(replaced).toMatchObject({ id: 'oc_7', name: 'TPUs', createdAt: NOW.toISOString(), updatedAt: later.toISOString() });
  });
});
