import { describe, expect, it } from 'vitest';
import { evaluate, findingMatches, formatFailures, parseCorpus, unmetTargets, type LabelledSpan } from './evaluate.ts';
import type { Finding } from './types.ts';

const span: LabelledSpan = { type: 'secret', value: 'hunter2hunter2', start: 20, end: 34 };
const f = (start: number, end: number, type: Finding['type'] = 'secret'): Finding => ({ type, detector: 'test', start, end });

describe('findingMatches', () => {
  it('accepts a finding of the same type covering at least 90% of the span', () => {
    expect(findingMatches(f(20, 34), span)).toBe(true);
    expect(findingMatches(f(19, 35), span)).toBe(true);
    expect(findingMatches(f(21, 34), span)).toBe(true); // 13 of 14 characters
    expect(findingMatches(f(22, 34), span)).toBe(false); // 12 of 14
  });

  it('rejects a finding of another type, or one mostly outside the span', () => {
    expect(findingMatches(f(20, 34, 'phone'), span)).toBe(false);
    // A whole connection string where only the password is labelled.
    expect(findingMatches(f(0, 60), span)).toBe(false);
  });
});

describe('evaluate', () => {
  const corpus = parseCorpus(
    [
      JSON.stringify({ id: 'a', lang: 'en', text: 'mail a@example.com or a@example.com', labels: [{ type: 'email', value: 'a@example.com' }] }),
      JSON.stringify({ id: 'b', lang: 'en', text: 'order 4111111111111112', labels: [] }),
      JSON.stringify({ id: 'c', lang: 'de', text: 'Tel. +49 30 12345678', labels: [{ type: 'phone', value: '+49 30 12345678', kind: 'de_intl' }] }),
    ].join('\n'),
  );
  const scans: Record<string, Finding[]> = {
    'mail a@example.com or a@example.com': [f(5, 18, 'email')],
    'order 4111111111111112': [f(6, 22, 'credit_card')],
    'Tel. +49 30 12345678': [],
  };
  const ev = evaluate(corpus, (text) => scans[text]);

  it('counts every occurrence of a labelled value, findings without a label as false positives', () => {
    expect(ev.perType.find((s) => s.type === 'email')).toMatchObject({ support: 2, tp: 1, fn: 1, fp: 0, recall: 0.5, precision: 1 });
    expect(ev.perType.find((s) => s.type === 'credit_card')).toMatchObject({ support: 0, tp: 0, fp: 1, precision: 0, recall: null });
    expect(ev.overall).toMatchObject({ support: 3, tp: 1, fp: 1, fn: 2 });
    expect(ev.kinds).toEqual([{ type: 'phone', kind: 'de_intl', support: 1, tp: 0 }]);
    expect(ev.langs).toEqual([
      { lang: 'en', texts: 2, support: 2, tp: 1, fp: 1 },
      { lang: 'de', texts: 1, support: 1, tp: 0, fp: 0 },
    ]);
  });

  it('names each miss and false positive with its text id, kind and surroundings', () => {
    const out = formatFailures(ev);
    expect(out).toContain('MISS phone/de_intl  c [de]  value "+49 30 12345678"');
    expect(out).toContain('FALSE POSITIVE credit_card (test)  b [en]  found "4111111111111112"');
    expect(out).toContain('in: order ⟦4111111111111112⟧');
    expect(unmetTargets(ev)).toEqual(expect.arrayContaining([expect.stringContaining('email: recall 0.500'), expect.stringContaining('overall: precision 0.500')]));
  });

  it('rejects a label whose value is not in its text', () => {
    expect(() => parseCorpus(JSON.stringify({ id: 'x', lang: 'en', text: 'nothing here', labels: [{ type: 'email', value: 'x@example.com' }] }))).toThrow(/label value not in the text: x@example.com/);
  });
});
