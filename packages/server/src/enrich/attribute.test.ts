import { describe, expect, it } from 'vitest';
import { emptyAttribution, type SpanRecord } from '../domain/span.ts';
import { makeSpan } from '../testing/fixtures.ts';
import { AttributeProcessor } from './attribute.ts';

const TRACE = 'a'.repeat(32);
const root = (over: Partial<SpanRecord> = {}) =>
  makeSpan({ traceId: TRACE, spanId: '0'.repeat(16), parentSpanId: null, kind: 'chain', attribution: { ...emptyAttribution(), userId: 'alice', team: 'core', feature: 'chat' }, ...over });
const child = (spanId: string, over: Partial<SpanRecord> = {}) =>
  makeSpan({ traceId: TRACE, spanId, parentSpanId: '0'.repeat(16), attribution: emptyAttribution(), ...over });

describe('AttributeProcessor', () => {
  it('gives a child the root attribution it lacks when the root is in the same batch, whatever the order', () => {
    const p = new AttributeProcessor();
    const c = child('1'.repeat(16), { attribution: { ...emptyAttribution(), team: 'search' } });
    const batch = { spans: [c, root()], scores: [], logs: [] };
    p.process(batch);
    expect(batch.spans[0].attribution).toMatchObject({ userId: 'alice', team: 'search', feature: 'chat', sessionId: null });
  });

  it('remembers roots for children that come in a later batch, per project', () => {
    const p = new AttributeProcessor();
    p.process({ spans: [root()], scores: [], logs: [] });
    const later = child('2'.repeat(16));
    const otherProject = child('3'.repeat(16), { projectId: 'other' });
    p.process({ spans: [later, otherProject], scores: [], logs: [] });
    expect(later.attribution.userId).toBe('alice');
    expect(otherProject.attribution.userId).toBeNull();
  });

  it('never takes a sibling\'s attribution and forgets the oldest roots past its bound', () => {
    const p = new AttributeProcessor(1);
    const sibling = child('4'.repeat(16), { attribution: { ...emptyAttribution(), userId: 'bob' } });
    const c = child('5'.repeat(16));
    p.process({ spans: [sibling, c], scores: [], logs: [] });
    expect(c.attribution.userId).toBeNull();
    p.process({ spans: [root()], scores: [], logs: [] });
    p.process({ spans: [root({ traceId: 'b'.repeat(32) })], scores: [], logs: [] });
    const late = child('6'.repeat(16));
    p.process({ spans: [late], scores: [], logs: [] });
    expect(late.attribution.userId).toBeNull();
  });
  it('past its bound forgets the root set longest ago: a child looking a root up does not keep it, the root sent again does', () => {
    const p = new AttributeProcessor(2);
    const traceOf = (c: string) => c.repeat(32);
    const rootOf = (c: string, userId: string) => root({ traceId: traceOf(c), attribution: { ...emptyAttribution(), userId } });
    const childOf = (c: string) => child('7'.repeat(16), { traceId: traceOf(c) });
    p.process({ spans: [rootOf('a', 'ann'), rootOf('b', 'bea')], scores: [], logs: [] });
    p.process({ spans: [childOf('a')], scores: [], logs: [] }); // a lookup: 'a' stays the oldest
    p.process({ spans: [rootOf('c', 'cy')], scores: [], logs: [] }); // evicts 'a'
    const first = ['a', 'b', 'c'].map(childOf);
    p.process({ spans: first, scores: [], logs: [] });
    expect(first.map((x) => x.attribution.userId)).toEqual([null, 'bea', 'cy']);
    p.process({ spans: [rootOf('b', 'bea')], scores: [], logs: [] }); // 'b' set again: now the newest
    p.process({ spans: [rootOf('d', 'dot')], scores: [], logs: [] }); // evicts 'c'
    const then = ['b', 'c', 'd'].map(childOf);
    p.process({ spans: then, scores: [], logs: [] });
    expect(then.map((x) => x.attribution.userId)).toEqual(['bea', null, 'dot']);
  });
});
