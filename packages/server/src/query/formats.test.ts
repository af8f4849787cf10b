import { describe, expect, it } from 'vitest';
import type { ChargebackReport } from './contract.ts';
import { chargebackToCsv, csvField, csvLines } from './formats.ts';

describe('CSV', () => {
  it('quotes what needs quoting and keeps formulas as text, but leaves numbers alone', () => {
    expect(csvField(null)).toBe('');
    expect(csvField(undefined)).toBe('');
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('=1+1')).toBe("'=1+1");
    expect(csvField('-x')).toBe("'-x");
    expect(csvField('@x,y')).toBe(`"'@x,y"`);
    // A negative number is a value, not a formula a spreadsheet would run.
    expect(csvField(-5)).toBe('-5');
    expect(csvLines(['a', 'b'], [[1, null], ['x', 'y\nz']])).toBe('a,b\r\n1,\r\nx,"y\nz"\r\n');
  });

  it('writes the chargeback report: one line per row, groups without a value as (unattributed), shares to 2 decimals', () => {
    const report: ChargebackReport = {
      month: '2026-11',
      by: ['department', 'team'],
      fromMs: Date.UTC(2026, 10, 1),
      toMs: Date.UTC(2026, 11, 1),
      currency: 'USD',
      rows: [
        { department: 'eng', team: 'core', requests: 3, inputTokens: 30, outputTokens: 6, totalTokens: 36, costUsd: 1.5, costUsdDecimal: '1.500000000', sharePct: 75, unknownCostRequests: 0, tiers: [], markupUsd: 0, markupUsdDecimal: '0.000000000', otherCosts: [], otherCostUsd: 0, otherCostUsdDecimal: '0.000000000', billedUsd: 1.5, billedUsdDecimal: '1.500000000' },
        { department: 'eng', requests: 1, inputTokens: 10, outputTokens: 2, totalTokens: 12, costUsd: 0.5, costUsdDecimal: '0.500000000', sharePct: 25, unknownCostRequests: 1, tiers: [], markupUsd: 0, markupUsdDecimal: '0.000000000', otherCosts: [], otherCostUsd: 0, otherCostUsdDecimal: '0.000000000', billedUsd: 0.5, billedUsdDecimal: '0.500000000' },
      ],
      totals: { requests: 4, inputTokens: 40, outputTokens: 8, totalTokens: 48, costUsd: 2, costUsdDecimal: '2.000000000', unknownCostRequests: 1, markupUsd: 0, markupUsdDecimal: '0.000000000', otherCostUsd: 0, otherCostUsdDecimal: '0.000000000', billedUsd: 2, billedUsdDecimal: '2.000000000' },
    };
    expect(chargebackToCsv(report).split('\r\n')).toEqual([
      'month,department,team,requests,input_tokens,output_tokens,total_tokens,cost_usd,share_pct,unknown_cost_requests',
      '2026-11,eng,core,3,30,6,36,1.500000000,75.00,0',
      '2026-11,eng,(unattributed),1,10,2,12,0.500000000,25.00,1',
      '',
    ]);
  });
});
