import { describe, expect, it } from 'vitest';
import { LookoutError } from '../../../errors.ts';
import { Redactor } from '../redactor.ts';
import { defaultRedactionSettings } from '../types.ts';
import { compileCustomPattern } from './custom.ts';

describe('custom patterns', () => {
  it('finds a project pattern as custom:<name>, with UTF-16 offsets', () => {
    const r = new Redactor({ ...defaultRedactionSettings(), custom: [{ name: 'order', pattern: 'ORD-[0-9]{6}' }] });
    const text = '😀 orders ORD-123456 and ORD-654321';
    expect(r.scan(text).map((f) => [f.detector, text.slice(f.start, f.end)])).toEqual([
      ['custom:order', 'ORD-123456'],
      ['custom:order', 'ORD-654321'],
    ]);
    expect(r.redact(text).text).toBe('😀 orders [REDACTED:custom] and [REDACTED:custom]');
  });

  it('accepts a valid RE2 expression', () => {
    expect(compileCustomPattern({ name: 'emp', pattern: '(?i)EMP-\\d{5}' })).toEqual({ ok: true });
  });

  it.each([
    [{ name: 'bad', pattern: 'a(' }, /not a valid RE2 expression.*missing closing \)/],
    [{ name: 'look', pattern: '(?=x)y' }, /not a valid RE2 expression/],
    [{ name: 'backref', pattern: '(a)\\1' }, /not a valid RE2 expression/],
    [{ name: 'long', pattern: 'a'.repeat(501) }, /501 characters long; the limit is 500/],
    [{ name: 'empty', pattern: 'x*' }, /matches the empty string/],
    [{ name: 'none', pattern: '' }, /is empty/],
  ])('rejects %j', (p, message) => {
    const r = compileCustomPattern(p);
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.message).toMatch(message);

  });

  it('refuses to build a redactor with an invalid pattern, as a configuration error', () => {
    const build = () => new Redactor({ ...defaultRedactionSettings(), custom: [{ name: 'bad', pattern: 'a(' }] });
    expect(build).toThrow(LookoutError);
    expect(build).toThrow(/the custom pattern 'bad' is not a valid RE2 expression/);
  });

  it('runs in linear time: a pattern that backtracks catastrophically elsewhere returns on 100 KB', () => {
    const r = new Redactor({ ...defaultRedactionSettings(), custom: [{ name: 'evil', pattern: '(a+)+b' }] });
    expect(r.scan('a'.repeat(100_000))).toEqual([]);
  });
});
