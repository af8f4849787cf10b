import { describe, expect, it } from 'vitest';
import { markFindings, markTokens } from './highlight.ts';

const text = 'mail jane@example.com, card 4111 1111 1111 1111.';
const email = { type: 'email' as const, detector: 'email', start: 5, end: 21 };
const card = { type: 'credit_card' as const, detector: 'credit_card', start: 28, end: 47 };

describe('markFindings', () => {
  it('cuts the text at the findings, in order, every character once', () => {
    const pieces = markFindings(text, [card, email]);
    expect(pieces.map((p) => [p.text, p.finding?.type ?? null])).toEqual([
      ['mail ', null],
      ['jane@example.com', 'email'],
      [', card ', null],
      ['4111 1111 1111 1111', 'credit_card'],
      ['.', null],
    ]);
    expect(pieces.map((p) => p.text).join('')).toBe(text);
  });

  it('draws a stale answer safely: offsets past the end are clipped, overlapping and empty findings left out', () => {
    const short = 'mail jane@exa';
    const pieces = markFindings(short, [email, card, { ...email, start: 7, end: 9 }, { ...email, start: 3, end: 3 }]);
    expect(pieces.map((p) => [p.text, p.finding?.type ?? null])).toEqual([
      ['mail ', null],
      ['jane@exa', 'email'],
    ]);
    expect(markFindings('', [email])).toEqual([]);
  });

  it('gives the text as one plain piece when nothing was found', () => {
    expect(markFindings('hello', [])).toEqual([{ text: 'hello', finding: null }]);
  });
});

describe('markTokens', () => {
  it('marks the mask and hash tokens the redactor writes, and nothing that merely looks like one', () => {
    const pieces = markTokens('to [REDACTED:email] or [credit_card:0123456789ab]; not [REDACTED:name] or [email:xyz]');
    expect(pieces.filter((p) => p.finding).map((p) => [p.text, p.finding!.type, p.finding!.detector])).toEqual([
      ['[REDACTED:email]', 'email', 'mask'],
      ['[credit_card:0123456789ab]', 'credit_card', 'hash'],
    ]);
    expect(pieces.map((p) => p.text).join('')).toBe('to [REDACTED:email] or [credit_card:0123456789ab]; not [REDACTED:name] or [email:xyz]');
  });
});
