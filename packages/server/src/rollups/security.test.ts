import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SECURITY_METADATA } from '../domain/security.ts';
import type { SpanRecord } from '../domain/span.ts';
import { HOUR_MS, MINUTE_MS } from '../domain/time.ts';
import { DuckDbStore } from '../store/duckdb/store.ts';
import { makeSpan } from '../testing/fixtures.ts';
import { COUNTER_INDEX, HOUR_RETENTION_MS, Rollups } from './rollups.ts';

// The security measures: spans the processor chain marked (pii_detections, injection_attempts)
// and the project's refused requests (auth_failures, rate_limited).

const NOW = Date.UTC(2026, 10, 20, 12, 30, 15);

function span(atMs: number, over: Partial<SpanRecord> = {}): SpanRecord {
  return makeSpan({ startUs: atMs * 1000, endUs: atMs * 1000 + 200_000, ...over });
}

const found = (v: string) => ({ [SECURITY_METADATA.redaction]: v });
const injection = (v: string) => ({ [SECURITY_METADATA.injection]: v });

function counts(r: Rollups, project: string, fromMs: number, q: { groupBy?: ['model']; filter?: { model: string } } = {}) {
  return r.calls(project, { fromMs, toMs: NOW, ...q }).map((g) => ({
    labels: g.labels,
    requests: g.cell.counters[COUNTER_INDEX.requests],
    pii: g.cell.counters[COUNTER_INDEX.pii_detections],
    injection: g.cell.counters[COUNTER_INDEX.injection_attempts],
    auth: g.cell.counters[COUNTER_INDEX.auth_failures],
    limited: g.cell.counters[COUNTER_INDEX.rate_limited],
  }));
}

describe('Rollups: security measures', () => {
  let store: DuckDbStore;
  beforeEach(async () => {
    store = await DuckDbStore.open(null);
  });
  afterEach(async () => {
    await store.close();
  });

  it('counts marked spans of any kind, adds only LLM calls to requests, live and rebuilt alike', async () => {
    const spans = [
      span(NOW - 3 * MINUTE_MS, { metadata: found('email=2,secret=1') }),
      span(NOW - 3 * MINUTE_MS, { metadata: found('email=0') }),
      // The root span carrying the user's input, after the last call: it must not move lastSeen.
      span(NOW - 2 * MINUTE_MS, { kind: 'chain', provider: null, requestModel: null, metadata: { ...found('phone=1'), ...injection('prompt_injection:high') } }),
      span(NOW - 2 * MINUTE_MS, { kind: 'chain', provider: null, requestModel: null }),
      span(NOW - 90 * MINUTE_MS, { kind: 'retrieval', provider: null, requestModel: null, metadata: injection('jailbreak:low') }),
    ];
    const live = new Rollups({ now: () => NOW });
    live.onAccepted(spans, []);
    await store.write({ spans, scores: [], logs: [] });
    const rebuilt = new Rollups({ now: () => NOW });
    await rebuilt.rebuild(store);
    for (const r of [live, rebuilt]) {
      expect(counts(r, 'default', NOW - 5 * MINUTE_MS)).toEqual([{ labels: {}, requests: 2, pii: 2, injection: 1, auth: 0, limited: 0 }]);
      expect(counts(r, 'default', NOW - 2 * HOUR_MS)).toEqual([{ labels: {}, requests: 2, pii: 2, injection: 2, auth: 0, limited: 0 }]);
      expect(r.lastSeen('default', [], 0)).toEqual([{ labels: {}, lastMs: NOW - 3 * MINUTE_MS }]);
    }
  });

  it("counts a project's refused requests by window, kept through a refresh from the store", async () => {
    const r = new Rollups({ now: () => NOW });
    r.countEvent('p', 'auth_failures', NOW - MINUTE_MS);
    r.countEvent('p', 'rate_limited', NOW - 30 * MINUTE_MS);
    r.countEvent('p', 'rate_limited', NOW - 3 * HOUR_MS);
    r.countEvent('p', 'rate_limited', NOW - HOUR_RETENTION_MS - MINUTE_MS); // past retention: dropped
    const none = { requests: 0, pii: 0, injection: 0 };
    expect(counts(r, 'p', NOW - 5 * MINUTE_MS)).toEqual([{ labels: {}, ...none, auth: 1, limited: 0 }]);
    expect(counts(r, 'p', NOW - HOUR_MS)).toEqual([{ labels: {}, ...none, auth: 1, limited: 1 }]);
    expect(counts(r, 'p', NOW - 8 * 24 * HOUR_MS)).toEqual([{ labels: {}, ...none, auth: 1, limited: 2 }]);
    // A refusal has no model: grouped by model it is the empty one, filtered by a model it is not there.
    expect(counts(r, 'p', NOW - HOUR_MS, { groupBy: ['model'] })).toEqual([{ labels: { model: '' }, ...none, auth: 1, limited: 1 }]);
    expect(counts(r, 'p', NOW - HOUR_MS, { filter: { model: 'gpt-4o' } })).toEqual([]);
    expect(counts(r, 'q', NOW - HOUR_MS)).toEqual([]);
    expect(r.projectIds()).toEqual(['p']);

    // Nothing in the store holds refusals: a refresh (several nodes) keeps them.
    await store.write({ spans: [span(NOW - MINUTE_MS, { projectId: 'p' as SpanRecord['projectId'] })], scores: [], logs: [] });
    await r.refresh(store);
    expect(counts(r, 'p', NOW - HOUR_MS)).toEqual([{ labels: {}, requests: 1, pii: 0, injection: 0, auth: 1, limited: 1 }]);
  });
});
