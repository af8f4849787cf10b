import { describe, expect, it } from 'vitest';
import { billChargeback, markupNano, splitNano } from './chargeback-billing.ts';
import { chargebackReport, type ChargebackGroup } from './chargeback.ts';
import { monthlyNano, type OtherCost } from './chargeback-settings.ts';
import { CHARGEBACK_DIMENSIONS, type ChargebackDimension } from './contract.ts';
import type { ProjectBillingSettings } from './chargeback-store.ts';

const USD = 1_000_000_000n;
const RANGE = { fromMs: Date.UTC(2026, 10, 1), toMs: Date.UTC(2026, 11, 1) };
const MONTH = '2026-11';

// The month's calls by every dimension (department, team, application, feature), as a backend sums them.
const group = (keys: (string | null)[], costNano: bigint, requests = 1): ChargebackGroup => ({
  keys,
  requests,
  inputTokens: 10 * requests,
  outputTokens: 2 * requests,
  totalTokens: 12 * requests,
  costNano,
  unknownCostRequests: 0,
});
const FINE = chargebackReport({ month: MONTH, by: [...CHARGEBACK_DIMENSIONS] }, RANGE, [
  group(['eng', 'web', 'app1', 'chat'], 10n * USD, 4),
  group(['eng', 'core', 'app1', 'search'], 5n * USD, 2),
  group(['sales', 'crm', 'app2', null], 2n * USD + 1n),
  group([null, null, null, null], 1n * USD),
]);

const cost = (id: string, assignTo: { dimension: ChargebackDimension; value: string }, pricing: OtherCost['pricing'], fromMonth = '2026-01', toMonth: string | null = null): OtherCost => ({
  id,
  name: id,
  category: 'vector_db',
  assignTo,
  pricing,
  fromMonth,
  toMonth,
  createdAt: '2026-11-01T00:00:00.000Z',
  updatedAt: '2026-11-01T00:00:00.000Z',
});

const BILLING: ProjectBillingSettings = {
  markup: {
    tiers: [
      { name: 'internal', markupPct: 0 },
      { name: 'premium', markupPct: 20 },
      { name: 'partner', markupPct: -15.5 },
    ],
    // core is in eng, but its own assignment wins over its department's.
    assignments: [
      { dimension: 'department', value: 'eng', tier: 'premium' },
      { dimension: 'team', value: 'core', tier: 'internal' },
    ],
    defaultTier: 'partner',
  },
  costs: [
    cost('vectors', { dimension: 'department', value: 'eng' }, { type: 'fixed', monthlyUsd: '300' }),
    cost('embeddings', { dimension: 'feature', value: 'search' }, { type: 'per_unit', unit: 'per_gb_month', unitPriceUsd: '0.25', quantity: 40 }),
    cost('gpu', { dimension: 'team', value: 'ml' }, { type: 'per_unit', unit: 'per_hour', unitPriceUsd: '0.5', quantity: 720 }),
    cost('later', { dimension: 'team', value: 'web' }, { type: 'fixed', monthlyUsd: '1000' }, '2026-12'),
    cost('ended', { dimension: 'team', value: 'web' }, { type: 'fixed', monthlyUsd: '1000' }, '2026-01', '2026-10'),
  ],
};

describe('chargeback billing', () => {
  it('markup is cost × percent to the nearest nano-dollar, halves away from zero', () => {
    expect(markupNano(10n * USD, 20)).toBe(2n * USD);
    expect(markupNano(1_000_000_001n, 20)).toBe(200_000_000n); // 200,000,000.2
    expect(markupNano(5n, 10)).toBe(1n); // 0.5
    expect(markupNano(5n, -10)).toBe(-1n); // -0.5
    expect(markupNano(2n * USD + 1n, -15.5)).toBe(-310_000_000n); // -310,000,000.155
    expect(markupNano(7n * USD, -100)).toBe(-7n * USD);
    expect(markupNano(3n, 1000)).toBe(30n);
  });

  it('other costs: a fixed month, or a unit price times the quantity', () => {
    expect(monthlyNano({ type: 'fixed', monthlyUsd: '120.50' })).toBe(120_500_000_000n);
    // 2,500,000 requests at $0.40 per 1,000 = $1,000.
    expect(monthlyNano({ type: 'per_unit', unit: 'per_1k_requests', unitPriceUsd: '0.40', quantity: 2_500_000 })).toBe(1000n * USD);
    // 40.5 GB at $0.25 = $10.125.
    expect(monthlyNano({ type: 'per_unit', unit: 'per_gb_month', unitPriceUsd: '0.25', quantity: 40.5 })).toBe(10_125_000_000n);
    // Half a nano-dollar rounds up.
    expect(monthlyNano({ type: 'per_unit', unit: 'per_hour', unitPriceUsd: '0.000000001', quantity: 0.5 })).toBe(1n);
  });

  it('splits an amount exactly by the largest remainder', () => {
    expect(splitNano(10n, [1n, 1n, 1n])).toEqual([4n, 3n, 3n]);
    expect(splitNano(300n * USD, [10n * USD, 5n * USD])).toEqual([200n * USD, 100n * USD]);
    expect(splitNano(7n, [0n, 0n])).toEqual([4n, 3n]);
  });

  it('bills each department its calls, its tiers\' markup and its other costs', () => {
    const report = billChargeback({ month: MONTH, by: ['department'] }, FINE, BILLING);
    expect(report.rows.map((r) => [r.department, r.costUsdDecimal, r.tiers, r.markupUsdDecimal, r.otherCostUsdDecimal, r.billedUsdDecimal, r.requests])).toEqual([
      // $1 of unattributed calls at partner (-15.5%), and the GPUs of team ml, which made no calls.
      ['(unattributed)', '1.000000000', ['partner'], '-0.155000000', '360.000000000', '360.845000000', 1],
      // web at premium: 10 × 20% = 2; core internal: 0. Vectors $300 split 10:5; embeddings $10 to search (core).
      ['eng', '15.000000000', ['internal', 'premium'], '2.000000000', '310.000000000', '327.000000000', 6],
      ['sales', '2.000000001', ['partner'], '-0.310000000', '0.000000000', '1.690000001', 1],
    ]);
    expect(report.rows[1].otherCosts.map((c) => [c.id, c.costUsdDecimal])).toEqual([
      ['vectors', '300.000000000'],
      ['embeddings', '10.000000000'],
    ]);
    expect(report.totals).toMatchObject({
      costUsdDecimal: '18.000000001',
      markupUsdDecimal: '1.535000000',
      otherCostUsdDecimal: '670.000000000',
      billedUsdDecimal: '689.535000001',
      billedUsd: 689.535000001,
      requests: 8,
    });
    // Shares stay those of the calls' cost.
    expect(report.rows.map((r) => r.sharePct)).toEqual([5.56, 83.33, 11.11]);
  });

  it('a report by team bills the same total, each cost where its calls are', () => {
    const report = billChargeback({ month: MONTH, by: ['team'] }, FINE, BILLING);
    expect(report.rows.map((r) => [r.team, r.markupUsdDecimal, r.otherCosts.map((c) => `${c.id}=${c.costUsdDecimal}`), r.billedUsdDecimal])).toEqual([
      ['ml', '0.000000000', ['gpu=360.000000000'], '360.000000000'],
      ['web', '2.000000000', ['vectors=200.000000000'], '212.000000000'],
      ['core', '0.000000000', ['vectors=100.000000000', 'embeddings=10.000000000'], '115.000000000'],
      ['crm', '-0.310000000', [], '1.690000001'],
      ['(unattributed)', '-0.155000000', [], '0.845000000'],
    ]);
    expect(report.totals.billedUsdDecimal).toBe('689.535000001');
  });

  it('without tiers or other costs the report is the plain cost report', () => {
    const none: ProjectBillingSettings = { markup: { tiers: [], assignments: [], defaultTier: null }, costs: [] };
    const plain = chargebackReport({ month: MONTH, by: ['department', 'team'] }, RANGE, [
      group(['eng', 'web'], 10n * USD, 4),
      group(['eng', 'core'], 5n * USD, 2),
      group(['sales', 'crm'], 2n * USD + 1n),
      group([null, null], 1n * USD),
    ]);
    expect(billChargeback({ month: MONTH, by: ['department', 'team'] }, FINE, none)).toEqual(plain);
    expect(plain.totals.billedUsdDecimal).toBe(plain.totals.costUsdDecimal);
  });
});
