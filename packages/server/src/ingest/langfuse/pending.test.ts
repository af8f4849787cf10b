import { describe, expect, it } from 'vitest';
import { PendingObservations, type ObservationEvent } from './pending.ts';
import { lookoutSpanId, traceRootSpanId } from './ids.ts';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

function obs(id: string, body: Record<string, unknown>, isCreate = true, type = 'span'): ObservationEvent {
  return { projectId: 'p', observationId: id, type, isCreate, body: { traceId: 'tr', ...body }, eventMs: T0, bytes: 100 };
}

describe('PendingObservations', () => {
  it('writes an observation once created and ended, whichever came first', () => {
    const p = new PendingObservations({ idleMs: 1000, maxEntries: 100, maxBytes: 1e6 });
    const k = p.applyObservation(obs('a', { endTime: iso(T0 + 50), output: 'late' }, false), T0);
    expect(p.takeWhole([k]).spans).toEqual([]);
    p.applyObservation(obs('a', { startTime: iso(T0), output: 'early', name: 'step' }), T0);
    const [span] = p.takeWhole([k]).spans;
    expect(span).toMatchObject({ spanId: lookoutSpanId('a'), name: 'step', startUs: T0 * 1000, endUs: (T0 + 50) * 1000, content: { output: 'late' } });
    expect(p.size).toBe(1); // the trace's root waits for its trace to go idle
  });

  it('writes idle entries, observations before their root, the root covering them', () => {
    const p = new PendingObservations({ idleMs: 1000, maxEntries: 100, maxBytes: 1e6 });
    p.upsertTrace('p', 'tr', { name: 'chat', timestamp: iso(T0 + 10) }, 50, T0);
    p.applyObservation(obs('a', { startTime: iso(T0) }), T0);
    expect(p.takeIdle(T0 + 999).spans).toEqual([]);
    const spans = p.takeIdle(T0 + 1000).spans;
    expect(spans.map((s) => s.spanId)).toEqual([lookoutSpanId('a'), traceRootSpanId('tr')]);
    expect(spans[1]).toMatchObject({ name: 'chat', startUs: T0 * 1000, endUs: (T0 + 10) * 1000 });
    expect(p.size).toBe(0);
    expect(p.heldBytes).toBe(0);
  });

  it('writes the least recently touched entries early past its entry or byte bound', () => {
    const byCount = new PendingObservations({ idleMs: 60_000, maxEntries: 3, maxBytes: 1e9 });
    for (const id of ['a', 'b', 'c']) byCount.applyObservation(obs(id, { startTime: iso(T0) }), T0);
    // a, b, c and the trace root: one over.
    expect(byCount.takeOverflow(T0).spans.map((s) => s.spanId)).toEqual([lookoutSpanId('a')]);
    expect(byCount.size).toBe(3);

    const byBytes = new PendingObservations({ idleMs: 60_000, maxEntries: 1000, maxBytes: 250 });
    for (const id of ['a', 'b', 'c']) byBytes.applyObservation(obs(id, { startTime: iso(T0) }), T0);
    expect(byBytes.takeOverflow(T0).spans.map((s) => s.spanId)).toEqual([lookoutSpanId('a')]);
    expect(byBytes.heldBytes).toBeLessThanOrEqual(250);
  });

  it('past its bounds writes early only the entries of the project holding the most, never a quieter one', () => {
    const p = new PendingObservations({ idleMs: 60_000, maxEntries: 10, maxBytes: 1e9 });
    p.applyObservation({ ...obs('victim', { startTime: iso(T0) }), projectId: 'quiet' }, T0);
    for (let i = 0; i < 20; i++) p.applyObservation({ ...obs(`flood-${i}`, { traceId: `t-${i}`, startTime: iso(T0) }), projectId: 'busy' }, T0 + 1 + i);
    const early = p.takeOverflow(T0 + 100).spans;
    expect(early.length).toBe(32);
    expect(early.every((s) => s.projectId === 'busy')).toBe(true);
    expect(p.size).toBe(10);
    expect(p.takeAll(T0 + 100).filter((s) => s.projectId === 'quiet').map((s) => s.spanId).sort()).toEqual([lookoutSpanId('victim'), traceRootSpanId('tr')].sort());
  });

  it('hands back what could not be written, merged under events that arrived meanwhile', () => {
    const p = new PendingObservations({ idleMs: 1000, maxEntries: 100, maxBytes: 1e6 });
    const k = p.applyObservation(obs('a', { startTime: iso(T0), input: 'q', name: 'step' }), T0);
    p.applyObservation(obs('a', { endTime: iso(T0 + 50) }, false), T0);
    const taken = p.takeWhole([k]);
    expect(taken.spans).toHaveLength(1);
    p.applyObservation(obs('a', { output: 'a' }, false), T0 + 10);
    p.restore(taken);
    expect(p.size).toBe(2);
    const [span] = p.takeWhole([k]).spans;
    expect(span).toMatchObject({ name: 'step', startUs: T0 * 1000, endUs: (T0 + 50) * 1000, content: { input: 'q', output: 'a' } });
    // The root's trace entry stays, the observation is out: only the trace's bytes remain.
    expect(p.size).toBe(1);
    expect(p.heldBytes).toBe(0);
  });

  it('counts a trace upserted again and again once', () => {
    const p = new PendingObservations({ idleMs: 1000, maxEntries: 100, maxBytes: 1e6 });
    for (let i = 0; i < 50; i++) p.upsertTrace('p', 'tr', { name: 'chat' }, 40, T0);
    expect(p.heldBytes).toBe(40);
  });
});
