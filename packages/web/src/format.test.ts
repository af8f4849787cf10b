import { describe, expect, it } from 'vitest';
import { count, dateTime, ms, nanoUsd, pct, plural, ratio, usd } from './format.ts';

describe('usd', () => {
  it('shows more digits the smaller the amount', () => {
    expect(usd(0)).toBe('$0.00');
    expect(usd(0.005)).toBe('$0.005');
    expect(usd(0.5)).toBe('$0.50');
    expect(usd(0.12345)).toBe('$0.1235');
    expect(usd(1234.5)).toBe('$1,234.50');
  });

  it('takes a fixed number of digits when asked', () => {
    expect(usd(1.23456, 3)).toBe('$1.235');
    expect(usd(2, 0)).toBe('$2');
  });

  it('shows a dash for a missing number', () => {
    expect(usd(null)).toBe('—');
    expect(usd(undefined)).toBe('—');
    expect(usd(Number.NaN)).toBe('—');
  });
});

describe('count', () => {
  it('groups thousands below 10k and abbreviates above', () => {
    expect(count(999)).toBe('999');
    expect(count(1234)).toBe('1,234');
    expect(count(9999.6)).toBe('10,000');
    expect(count(12_345)).toBe('12.3k');
    expect(count(1_500_000)).toBe('1.50M');
    expect(count(2e9)).toBe('2.00B');
    expect(count(-12_345)).toBe('-12.3k');
  });

  it('shows a dash for a missing number', () => {
    expect(count(null)).toBe('—');
    expect(count(Number.NaN)).toBe('—');
  });
});

describe('ms', () => {
  it('switches from milliseconds to seconds at one second', () => {
    expect(ms(12.4)).toBe('12 ms');
    expect(ms(999)).toBe('999 ms');
    expect(ms(1500)).toBe('1.50 s');
    expect(ms(12_345)).toBe('12.3 s');
    expect(ms(null)).toBe('—');
  });
});

describe('pct and ratio', () => {
  it('shows a fraction as a percentage', () => {
    expect(pct(0.1234)).toBe('12.3%');
    expect(pct(0.5, 0)).toBe('50%');
    expect(pct(undefined)).toBe('—');
  });

  it('shows ratios with two decimals, whole from 100 on', () => {
    expect(ratio(3.14159)).toBe('3.14');
    expect(ratio(150.4)).toBe('150');
    expect(ratio(null)).toBe('—');
  });
});

describe('dateTime, nanoUsd, plural', () => {
  it('shows an instant in UTC to the second', () => {
    expect(dateTime(Date.UTC(2026, 0, 2, 3, 4, 5, 678))).toBe('2026-01-02 03:04:05 UTC');
  });

  it('turns nano-dollars into dollars', () => {
    expect(nanoUsd(1_500_000_000)).toBe('$1.50');
    expect(nanoUsd(5_000)).toBe('$0.000005');
    expect(nanoUsd(null)).toBe('—');
  });

  it('makes the word plural unless there is exactly one', () => {
    expect(plural(1, 'call')).toBe('1 call');
    expect(plural(0, 'call')).toBe('0 calls');
    expect(plural(3, 'call')).toBe('3 calls');
    expect(plural(12_400, 'call')).toBe('12.4k calls');
  });
});
