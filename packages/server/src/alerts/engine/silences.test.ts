import { describe, expect, it } from 'vitest';
import { MAX_MATCHERS_PER_SILENCE, MAX_PATTERN_CHARS, matchesAll, parseMatcher, validateSilence } from './silences.ts';

describe('silence matchers', () => {
  it('runs a catastrophic-backtracking pattern in linear time', () => {
    // With a backtracking engine `(a+)+$` against 'a'*n + 'b' takes time exponential in n:
    // at n = 30 it already runs for seconds, at 50,000 it never ends.
    const matcher = parseMatcher('model=~"(a+)+"');
    const started = performance.now();
    expect(matchesAll([matcher], { model: `${'a'.repeat(4_000)}b` })).toBe(false);
    expect(matchesAll([matcher], { model: `${'a'.repeat(30)}b` })).toBe(false);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(matchesAll([matcher], { model: 'aaaa' })).toBe(true);
  });

  it('keeps the anchored, whole-value semantics of Alertmanager', () => {
    expect(matchesAll([parseMatcher('model=~"gpt-4o.*"')], { model: 'gpt-4o-mini' })).toBe(true);
    expect(matchesAll([parseMatcher('model=~"4o"')], { model: 'gpt-4o-mini' })).toBe(false);
    expect(matchesAll([parseMatcher('model!~"gpt.*"')], { model: 'claude' })).toBe(true);
    expect(matchesAll([parseMatcher('team=~"a|b"')], { team: 'b' })).toBe(true);
  });

  it('refuses backreferences and look-around with a message naming RE2', () => {
    expect(() => parseMatcher('model=~"(a)\\1"')).toThrow(/RE2 syntax/);
    expect(() => parseMatcher('model=~"(?=a)a"')).toThrow(/look-around are not supported/);
  });

  it('bounds the pattern, the value matched and the number of matchers', () => {
    expect(() => parseMatcher(`model=~"${'a'.repeat(MAX_PATTERN_CHARS + 1)}"`)).toThrow(/at most 1000 characters/);
    // A value past the input bound matches no regular expression (it is never scanned).
    expect(matchesAll([parseMatcher('model=~".*"')], { model: 'x'.repeat(100_000) })).toBe(false);
    const matchers = Array.from({ length: MAX_MATCHERS_PER_SILENCE + 1 }, (_, i) => `m${i}="x"`);
    expect(() => validateSilence({ matchers, duration: '1h' }, Date.now())).toThrow(/at most 20 matchers/);
  });
});
