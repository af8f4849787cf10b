import { nanoToDecimal, nanoToUsd } from '../domain/money.ts';
import { UNATTRIBUTED, type ChargebackDimension, type ChargebackParams, type ChargebackReport, type ChargebackRow, type TimeRange } from './contract.ts';

// The chargeback report, assembled from the groups a backend has summed: shares, order, totals
// and the unattributed label are decided here, once, so every backend bills the same way.

// One group of a month's model calls, as a backend sums it.
export interface ChargebackGroup {
  // One per `by` dimension, in its order; null where the call has no value. The backend groups
  // a missing value and '' together (neither names someone to bill), so both come as one null.
  keys: (string | null)[];
  requests: number;
  inputTokens: number; // input + cache read + cache write
  outputTokens: number; // output + reasoning
  totalTokens: number;
  costNano: bigint; // exact sum of the known costs
  unknownCostRequests: number;
  // Billing (chargeback-billing.ts); absent: billed at cost, nothing else assigned.
  markupNano?: bigint;
  tiers?: string[];
  otherCosts?: OtherCostShare[];
}

// One other cost's part of a group's bill.
export interface OtherCostShare {
  id: string;
  name: string;
  category: string;
  nano: bigint;
}

const money = (nano: bigint) => ({ usd: nanoToUsd(nano), decimal: nanoToDecimal(nano) });

// Shares in hundredths of a percent by the largest-remainder method, so the rounded shares of
// the rows add up to exactly 100.00 (when there is any known cost).
export function sharesBasisPoints(costsNano: bigint[]): number[] {
  const total = costsNano.reduce((s, c) => s + c, 0n);
  if (total <= 0n) return costsNano.map(() => 0);
  const units = costsNano.map((c) => (c * 10_000n) / total);
  const remainders = costsNano.map((c, i) => ({ i, r: (c * 10_000n) % total }));
  let left = 10_000n - units.reduce((s, u) => s + u, 0n);
  remainders.sort((x, y) => (y.r > x.r ? 1 : y.r < x.r ? -1 : x.i - y.i));
  for (const { i } of remainders) {
    if (left <= 0n) break;
    units[i] += 1n;
    left -= 1n;
  }
  return units.map(Number);
}

// Rows by what they are billed, highest first, then by cost, ties by the group's names; totals
// over all groups. The billed total is the calls' cost, plus the markup, plus the other costs.
export function chargebackReport(params: ChargebackParams, range: TimeRange, groups: ChargebackGroup[]): ChargebackReport {
  const rows = groups.map((g) => {
    const markupNano = g.markupNano ?? 0n;
    const otherCosts = g.otherCosts ?? [];
    const otherNano = otherCosts.reduce((s, c) => s + c.nano, 0n);
    const billedNano = g.costNano + markupNano + otherNano;
    const markup = money(markupNano);
    const other = money(otherNano);
    const billed = money(billedNano);
    const row: ChargebackRow = {
      requests: g.requests,
      inputTokens: g.inputTokens,
      outputTokens: g.outputTokens,
      totalTokens: g.totalTokens,
      costUsd: nanoToUsd(g.costNano),
      costUsdDecimal: nanoToDecimal(g.costNano),
      sharePct: 0,
      unknownCostRequests: g.unknownCostRequests,
      tiers: [...(g.tiers ?? [])].sort(),
      markupUsd: markup.usd,
      markupUsdDecimal: markup.decimal,
      otherCosts: otherCosts.map((c) => ({ id: c.id, name: c.name, category: c.category, costUsd: nanoToUsd(c.nano), costUsdDecimal: nanoToDecimal(c.nano) })),
      otherCostUsd: other.usd,
      otherCostUsdDecimal: other.decimal,
      billedUsd: billed.usd,
      billedUsdDecimal: billed.decimal,
    };
    params.by.forEach((d: ChargebackDimension, j) => {
      row[d] = g.keys[j] ?? UNATTRIBUTED;
    });
    return { row, cost: g.costNano, markup: markupNano, other: otherNano, billed: billedNano };
  });
  rows.sort((x, y) => {
    if (x.billed !== y.billed) return x.billed > y.billed ? -1 : 1;
    if (x.cost !== y.cost) return x.cost > y.cost ? -1 : 1;
    for (const d of params.by) {
      const c = (x.row[d] ?? '').localeCompare(y.row[d] ?? '');
      if (c !== 0) return c;
    }
    return 0;
  });
  // Shares from the sorted rows: the basis points left over by rounding go to the same rows
  // whatever order the store returned the groups in.
  const shares = sharesBasisPoints(rows.map((r) => r.cost));
  rows.forEach((r, i) => (r.row.sharePct = shares[i] / 100));
  const costs = rows.map((r) => r.cost);
  const totalNano = costs.reduce((s, c) => s + c, 0n);
  const sum = (k: 'requests' | 'inputTokens' | 'outputTokens' | 'totalTokens' | 'unknownCostRequests') => rows.reduce((s, r) => s + r.row[k], 0);
  const sumNano = (k: 'markup' | 'other' | 'billed') => money(rows.reduce((s, r) => s + r[k], 0n));
  const [markup, other, billed] = [sumNano('markup'), sumNano('other'), sumNano('billed')];
  return {
    month: params.month,
    by: params.by,
    fromMs: range.fromMs,
    toMs: range.toMs,
    currency: 'USD',
    rows: rows.map((r) => r.row),
    totals: {
      requests: sum('requests'),
      inputTokens: sum('inputTokens'),
      outputTokens: sum('outputTokens'),
      totalTokens: sum('totalTokens'),
      costUsd: nanoToUsd(totalNano),
      costUsdDecimal: nanoToDecimal(totalNano),
      unknownCostRequests: sum('unknownCostRequests'),
      markupUsd: markup.usd,
      markupUsdDecimal: markup.decimal,
      otherCostUsd: other.usd,
      otherCostUsdDecimal: other.decimal,
      billedUsd: billed.usd,
      billedUsdDecimal: billed.decimal,
    },
  };
}
