import { describe, expect, it } from 'vitest';
import { RE2JS } from 're2js';
import { MAX_MATCH_INPUT_CHARS, MAX_MATCHERS_PER_SILENCE, MAX_PATTERN_CHARS, MAX_PROGRAM_INSTRUCTIONS, matchesAll, parseMatcher, validateSilence, type Matcher } from './silences.ts';

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

  // 991 characters that compile to 130,000 instructions: half a second to compile, seconds to match.
  const explosive = `${'(?:[^z]{0,999})'.repeat(66)}z`;

  it('refuses a pattern whose counted repetitions blow up the program, before compiling it', () => {
    const started = performance.now();
    expect(() => parseMatcher(`model=~"${explosive}"`)).toThrow(/a counted repetition allows at most 100 \(this pattern has '\{0,999\}'\)/);
    // Within the repetition bound but 13,000 instructions: refused from its text, also before compiling.
    expect(() => parseMatcher(`model=~"${'(?:[^z]{0,100})'.repeat(66)}z"`)).toThrow(/compiles to at most 500 instructions/);
    // Nested repetitions multiply.
    expect(() => parseMatcher(`model=~"(?:(?:[^z]{0,10}){0,100})z"`)).toThrow(/compiles to at most 500 instructions/);
    expect(performance.now() - started).toBeLessThan(100);
    // Everyday patterns with counted repetition still pass.
    expect(matchesAll([parseMatcher('model=~"[a-z]{3,5}-[0-9]{1,2}"')], { model: 'gpt-4' })).toBe(true);
  });

  it('matches the most expensive pattern it still allows against the longest value scanned in a few milliseconds', () => {
    // Repetitions side by side keep up to one live thread per instruction on every character, the
    // worst case of the engine; take the most of them the limits allow.
    let worst: Matcher | null = null;
    let pattern = '';
    for (let copies = 1; ; copies++) {
      const candidate = `${'(?:[^z]{0,30})'.repeat(copies)}z`;
      try {
        worst = parseMatcher(`model=~"${candidate}"`);
        pattern = candidate;
      } catch {
        break;
      }
    }
    const size = RE2JS.compile(`^(?:${pattern})$`).programSize();
    expect(size).toBeGreaterThan(MAX_PROGRAM_INSTRUCTIONS * 0.9);
    expect(size).toBeLessThanOrEqual(MAX_PROGRAM_INSTRUCTIONS);
    // The engine's own code is warmed first: what is measured is this pattern's cost.
    matchesAll([parseMatcher('model=~"(?:[^z]{0,30}){2}z"')], { model: 'a'.repeat(MAX_MATCH_INPUT_CHARS) });
    const timings: number[] = [];
    for (const value of ['a'.repeat(MAX_MATCH_INPUT_CHARS), 'ab'.repeat(MAX_MATCH_INPUT_CHARS / 2)]) {
      // A fresh matcher each time, so nothing the engine learnt from an earlier value helps.
      const matcher = parseMatcher(`model=~"${pattern}"`);
      const started = performance.now();
      expect(matchesAll([matcher], { model: value })).toBe(false);
      timings.push(performance.now() - started);
    }
    console.log(`worst allowed pattern: ${pattern.length} chars, ${size} instructions; one match of ${MAX_MATCH_INPUT_CHARS} chars took ${timings.map((ms) => ms.toFixed(1)).join(' and ')} ms`);
    expect(worst).not.toBeNull();
    expect(Math.max(...timings)).toBeLessThan(50);
  });

  it('lets a stored matcher whose pattern the limits now refuse match nothing, without running it', () => {
    // As read back from the state file: a plain object, compiled on first use.
    const stored: Matcher = { name: 'model', value: explosive, isRegex: true, isEqual: true };
    const negated: Matcher = { ...stored, isEqual: false };
    const started = performance.now();
    expect(matchesAll([stored], { model: 'a'.repeat(MAX_MATCH_INPUT_CHARS) })).toBe(false);
    expect(matchesAll([negated, { name: 'team', value: 'x', isRegex: false, isEqual: true }], { model: 'a', team: 'x' })).toBe(false);
    expect(performance.now() - started).toBeLessThan(100);
  });
});
