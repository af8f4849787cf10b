import { describe, expect, it } from 'vitest';
import { NANO_PER_USD, NANO_PER_USD_BIG, decimalToNano, formatUsd, nanoToBig, nanoToDecimal, nanoToUsd, roundUsd, usdToNano } from './money.ts';

const SAFE = Number.MAX_SAFE_INTEGER; // 2^53 - 1
const TWO_53 = 2n ** 53n;

describe('money', () => {
  it('has one nano-dollar in both forms', () => {
    expect(NANO_PER_USD).toBe(1e9);
    expect(NANO_PER_USD_BIG).toBe(BigInt(NANO_PER_USD));
  });

  it('rounds USD to nano to the nearest integer, halves towards +∞, never -0', () => {
    expect(usdToNano(3)).toBe(3_000_000_000);
    expect(usdToNano(0.000_003_702)).toBe(3702);
    expect(usdToNano(2.5e-9)).toBe(3);
    expect(usdToNano(-2.5e-9)).toBe(-2);
    expect(usdToNano(-1.5e-9)).toBe(-1);
    expect(Object.is(usdToNano(-1e-10), 0)).toBe(true);
    // A sum of float prices lands on the nano it means, not one below.
    expect(usdToNano(0.1 + 0.2)).toBe(300_000_000);
  });

  it('writes nano as DECIMAL(18, 9) text exactly, at 2^53 and past it, and negative', () => {
    expect(nanoToDecimal(0)).toBe('0.000000000');
    expect(nanoToDecimal(1)).toBe('0.000000001');
    expect(nanoToDecimal(-1)).toBe('-0.000000001');
    expect(nanoToDecimal(1_500_000_000)).toBe('1.500000000');
    expect(nanoToDecimal(-1_500_000_000n)).toBe('-1.500000000');
    expect(nanoToDecimal(SAFE)).toBe('9007199.254740991');
    expect(nanoToDecimal(-SAFE)).toBe('-9007199.254740991');
    expect(nanoToDecimal(TWO_53 + 1n)).toBe('9007199.254740993');
    // A number past 2^53 is an exact integer too; its digits come out exactly, not via a float division.
    expect(nanoToDecimal(2 ** 60)).toBe('1152921504.606846976');
    // Here abs / 1e9 rounds up to a whole number of dollars: float arithmetic would add a dollar.
    expect(nanoToDecimal(1.759218604442e22)).toBe('17592186044419.999268864');
    expect(nanoToDecimal(-1.759218604442e22)).toBe('-17592186044419.999268864');
    expect(nanoToDecimal(12.5)).toBe('0.000000013');
    expect(nanoToDecimal(-0.4)).toBe('0.000000000');
  });

  it('reads decimal text exactly and round-trips', () => {
    expect(decimalToNano('12.5')).toBe(12_500_000_000n);
    expect(decimalToNano('3')).toBe(3_000_000_000n);
    expect(decimalToNano('.5')).toBe(500_000_000n);
    expect(decimalToNano('-0.000000001')).toBe(-1n);
    expect(decimalToNano('1.0000000019')).toBe(1_000_000_001n);
    for (const n of [0n, 1n, -1n, TWO_53 - 1n, TWO_53, TWO_53 + 1n, -(TWO_53 + 1n), 999_999_999_999_999_999n]) {
      expect(decimalToNano(nanoToDecimal(n))).toBe(n);
    }
    for (const bad of ['', '-', '.', '1e9', 'abc', '1.2.3', ' 1']) expect(() => decimalToNano(bad)).toThrow(RangeError);
  });

  it('turns nano into the closest float of USD, also past 2^53', () => {
    expect(nanoToUsd(3_702_000)).toBe(0.003702);
    expect(nanoToUsd(-1n)).toBe(-1e-9);
    expect(nanoToUsd(BigInt(SAFE))).toBe(9007199.254740991);
    // Number(big) / 1e9 would round twice and give 123456789.01234569; the decimal text rounds once.
    const big = 123_456_789_012_345_678n;
    expect(nanoToUsd(big)).toBe(123456789.01234567);
    expect(nanoToUsd(-big)).toBe(-123456789.01234567);
  });

  it('keeps a pricer cost as bigint, refusing what is not finite', () => {
    expect(nanoToBig(1_234_567_123_456_789)).toBe(1_234_567_123_456_789n);
    expect(nanoToBig(2 ** 60)).toBe(2n ** 60n);
    expect(nanoToBig(-7.5)).toBe(-7n);
    expect(nanoToBig(Number.NaN)).toBeNull();
    expect(nanoToBig(Number.POSITIVE_INFINITY)).toBeNull();
  });

  it('cuts float USD to nine decimals', () => {
    expect(roundUsd(0.1 + 0.2)).toBe(0.3);
    expect(roundUsd(-1 / 3)).toBe(-0.333333333);
    expect(roundUsd(Number.NaN)).toBeNaN();
  });

  it('formats for people exactly: cents at least, grouped thousands, no float digits', () => {
    expect(formatUsd(3_702_000)).toBe('$0.003702');
    expect(formatUsd(0)).toBe('$0.00');
    expect(formatUsd(1)).toBe('$0.000000001');
    expect(formatUsd(-1)).toBe('-$0.000000001');
    expect(formatUsd(1_234_500_000_000)).toBe('$1,234.50');
    expect(formatUsd(TWO_53 + 1n)).toBe('$9,007,199.254740993');
  });
});
