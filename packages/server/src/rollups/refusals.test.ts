import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { QUALITY_METADATA } from '../domain/quality.ts';
import type { SpanRecord } from '../domain/span.ts';
import { HOUR_MS, MINUTE_MS } from '../domain/time.ts';
import { DuckDbStore } from '../store/duckdb/store.ts';
import { makeSpan } from '../testing/fixtures.ts';
import { COUNTER_INDEX, Rollups } from './rollups.ts';

// C5: the refusals counter alert rules read, from generations the chain marked, live and rebuilt
// from the store at start alike.

const NOW = Date.UTC(2026, 10, 20, 12, 30, 15);
const refused = { [QUALITY_METADATA.refusal]: 'true' };

function span(atMs: number, over: Partial<SpanRecord> = {}): SpanRecord {
  return makeSpan({ startUs: atMs * 1000, endUs: atMs * 1000 + 200_000, ...over });
}

describe('Rollups: refusals', () => {
  let store: DuckDbStore;
  beforeEach(async () => {
    store = await DuckDbStore.open(null);
  });
  afterEach(async () => {
    await store.close();
  });

  it('counts refused generations per group, in minute and hour cells, live and rebuilt', async () => {
    const spans = [
      span(NOW - 3 * MINUTE_MS, { metadata: refused }),
      span(NOW - 3 * MINUTE_MS, { metadata: refused, requestModel: 'gpt-4o-mini' }),
      span(NOW - 3 * MINUTE_MS),
      span(NOW - 90 * MINUTE_MS, { metadata: refused }),
      // Not a model call: out of the call counters, marked or not.
      span(NOW - 3 * MINUTE_MS, { kind: 'tool', provider: null, requestModel: null, metadata: refused }),
    ];
    const live = new Rollups({ now: () => NOW });
    live.onAccepted(spans, []);
    await store.write({ spans, scores: [], logs: [] });
    const rebuilt = new Rollups({ now: () => NOW });
    await rebuilt.rebuild(store);
    for (const r of [live, rebuilt]) {
      const byModel = (fromMs: number) =>
        Object.fromEntries(r.calls('default', { fromMs, toMs: NOW, groupBy: ['model'] }).map((g) => [g.labels.model, [g.cell.counters[COUNTER_INDEX.refusals], g.cell.counters[COUNTER_INDEX.requests]]]));
      expect(byModel(NOW - 5 * MINUTE_MS)).toEqual({ 'gpt-4o': [1, 2], 'gpt-4o-mini': [1, 1] });
      expect(byModel(NOW - 2 * HOUR_MS)).toEqual({ 'gpt-4o': [2, 3], 'gpt-4o-mini': [1, 1] });
    }
  });
});
