import { describe, expect, it } from 'vitest';
import { emptyAttribution, type SpanRecord } from '../../domain/span.ts';
import { makeScore, makeSpan } from '../../testing/fixtures.ts';
import { ScoreContextProcessor } from './score-context.ts';

const TRACE = 'a'.repeat(32);
const ROOT_ID = '0'.repeat(16);
const root = (over: Partial<SpanRecord> = {}) =>
  makeSpan({
    traceId: TRACE, spanId: ROOT_ID, parentSpanId: null, kind: 'chain', requestModel: null,
    attribution: { ...emptyAttribution(), feature: 'chat', application: 'support' }, ...over,
  });
const generation = (spanId: string, model: string, startUs: number, over: Partial<SpanRecord> = {}) =>
  makeSpan({ traceId: TRACE, spanId, parentSpanId: ROOT_ID, kind: 'generation', requestModel: model, startUs, endUs: startUs + 1000, ...over });

describe('ScoreContextProcessor', () => {
  it("gives a score its trace's feature, application and latest generation's model, in the same batch or a later one", () => {
    const p = new ScoreContextProcessor();
    const same = makeScore({ traceId: TRACE });
    p.process({ spans: [generation('2'.repeat(16), 'gpt-4o', 2_000), root(), generation('1'.repeat(16), 'gpt-4o-mini', 1_000)], scores: [same], logs: [] }, []);
    expect(same).toMatchObject({ feature: 'chat', application: 'support', model: 'gpt-4o' });

    const later = makeScore({ traceId: TRACE });
    const derived = makeScore({ traceId: TRACE });
    p.process({ spans: [], scores: [later], logs: [] }, [{ score: derived, parent: { kind: 'score', record: later } }]);
    expect(later).toMatchObject({ feature: 'chat', application: 'support', model: 'gpt-4o' });
    expect(derived.model).toBe('gpt-4o');
  });

  it("keeps what the score says, prefers the root's attribution over a child's, and stays per project", () => {
    const p = new ScoreContextProcessor();
    p.process({ spans: [generation('1'.repeat(16), 'gpt-4o', 1_000, { attribution: { ...emptyAttribution(), feature: 'child-feature' } })], scores: [], logs: [] }, []);
    const early = makeScore({ traceId: TRACE });
    p.process({ spans: [], scores: [early], logs: [] }, []);
    expect(early.feature).toBe('child-feature');
    p.process({ spans: [root()], scores: [], logs: [] }, []);
    const own = makeScore({ traceId: TRACE, model: 'claude', feature: null });
    const otherProject = makeScore({ traceId: TRACE, projectId: 'other' });
    p.process({ spans: [], scores: [own, otherProject], logs: [] }, []);
    expect(own).toMatchObject({ feature: 'chat', model: 'claude' });
    expect(otherProject).toMatchObject({ feature: null, model: null, application: null });
  });

  it('forgets the oldest traces past its bound', () => {
    const p = new ScoreContextProcessor(1);
    p.process({ spans: [root()], scores: [], logs: [] }, []);
    p.process({ spans: [root({ traceId: 'b'.repeat(32) })], scores: [], logs: [] }, []);
    expect(p.size).toBe(1);
    const forgotten = makeScore({ traceId: TRACE });
    p.process({ spans: [], scores: [forgotten], logs: [] }, []);
    expect(forgotten.feature).toBeNull();
  });
});
