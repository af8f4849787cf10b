import { describe, expect, it } from 'vitest';
import { chargebackReport, sharesBasisPoints, type ChargebackGroup } from './chargeback.ts';

describe('chargeback', () => {
  it('shares by largest remainder sum to 100.00', () => {
    expect(sharesBasisPoints([1n, 1n, 1n])).toEqual([3334, 3333, 3333]);
    expect(sharesBasisPoints([2n, 1n])).toEqual([6667, 3333]);
    expect(sharesBasisPoints([0n, 0n])).toEqual([0, 0]);
    const shares = sharesBasisPoints([123_456_789n, 987_654_321n, 5n, 7n, 1_000_000_000_000n]);
    expect(shares.reduce((a, b) => a + b, 0)).toBe(10_000);
  });

  it('gives the same shares whatever order the store returns the groups in', () => {
    const group = (team: string, costNano: bigint): ChargebackGroup => ({ keys: [team], requests: 1, inputTokens: 1, outputTokens: 1, totalTokens: 2, costNano, unknownCostRequests: 0 });
    const range = { fromMs: Date.UTC(2026, 10, 1), toMs: Date.UTC(2026, 11, 1) };
    const groups = [group('a', 1n), group('b', 1n), group('c', 1n)];
    const shares = (order: ChargebackGroup[]) => chargebackReport({ month: '2026-11', by: ['team'] }, range, order).rows.map((r) => [r.team, r.sharePct]);
    const expected = [['a', 33.34], ['b', 33.33], ['c', 33.33]];
    expect(shares(groups)).toEqual(expected);
    expect(shares([...groups].reverse())).toEqual(expected);
    expect(shares([groups[1], groups[2], groups[0]])).toEqual(expected);
  });

  it('orders groups by cost then name, labels missing values and totals exactly', () => {
    const group = (keys: (string | null)[], costNano: bigint, unknown = 0): ChargebackGroup => ({
      keys,
      requests: 2,
      inputTokens: 10,
      outputTokens: 3,
      totalTokens: 13,
      costNano,
      unknownCostRequests: unknown,
    });
    const range = { fromMs: Date.UTC(2026, 10, 1), toMs: Date.UTC(2026, 11, 1) };
    const report = chargebackReport({ month: '2026-11', by: ['department', 'team'] }, range, [
      group(['eng', 'web'], 1_000_000_000n),
      group([null, null], 500_000_001n, 2),
      group(['eng', 'core'], 1_000_000_000n),
      group(['sales', null], 2_000_000_000n),
    ]);
    expect(report).toMatchObject({ month: '2026-11', by: ['department', 'team'], ...range, currency: 'USD' });
    expect(report.rows.map((r) => [r.department, r.team, r.costUsdDecimal, r.sharePct])).toEqual([
      ['sales', '(unattributed)', '2.000000000', 44.45],
      ['eng', 'core', '1.000000000', 22.22],
      ['eng', 'web', '1.000000000', 22.22],
      ['(unattributed)', '(unattributed)', '0.500000001', 11.11],
    ]);
    expect(report.rows.reduce((s, r) => s + Math.round(r.sharePct * 100), 0)).toBe(10_000);
    expect(report.totals).toEqual({
      requests: 8,
      inputTokens: 40,
      outputTokens: 12,
      totalTokens: 52,
      costUsd: 4.500000001,
      costUsdDecimal: '4.500000001',
      unknownCostRequests: 2,
      markupUsd: 0,
      markupUsdDecimal: '0.000000000',
      otherCostUsd: 0,
      otherCostUsdDecimal: '0.000000000',
      billedUsd: 4.500000001,
      billedUsdDecimal: '4.500000001',
    });
  });
});
