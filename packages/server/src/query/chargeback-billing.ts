import { decimalToNano } from '../domain/money.ts';
import { chargebackReport, type ChargebackGroup, type OtherCostShare } from './chargeback.ts';
import { divRound, billedIn, monthlyNano, type MarkupSettings, type OtherCost } from './chargeback-settings.ts';
import { CHARGEBACK_DIMENSIONS, UNATTRIBUTED, type AnalyticsBackend, type ChargebackDimension, type ChargebackParams, type ChargebackReport } from './contract.ts';
import type { ProjectBillingSettings } from './chargeback-store.ts';
import type { ProjectId } from '../store/store.ts';

// What each group is billed for a month. The month's calls are summed by every chargeback
// dimension at once (the finest groups), so that each markup and each other cost applies to the
// calls it names whatever the report is grouped by; the finest groups are then summed into the
// report's groups. A report by department therefore bills exactly the sum of its teams' bills.

// The most specific assignment wins: a feature's tier over its application's, its team's, its
// department's.
const TIER_PRECEDENCE: readonly ChargebackDimension[] = ['feature', 'application', 'team', 'department'];
const ALL = CHARGEBACK_DIMENSIONS;
const BASIS_POINTS_PER_UNIT = 10_000n;

interface FineGroup extends ChargebackGroup {
  markupNano: bigint;
  tiers: string[];
  otherCosts: OtherCostShare[];
}

// The finest groups from a report grouped by every dimension.
function fineGroups(report: ChargebackReport): FineGroup[] {
  return report.rows.map((r) => ({
    keys: ALL.map((d) => (r[d] === undefined || r[d] === UNATTRIBUTED ? null : r[d]!)),
    requests: r.requests,
    inputTokens: r.inputTokens,
    outputTokens: r.outputTokens,
    totalTokens: r.totalTokens,
    costNano: decimalToNano(r.costUsdDecimal),
    unknownCostRequests: r.unknownCostRequests,
    markupNano: 0n,
    tiers: [],
    otherCosts: [],
  }));
}

// markup = cost × markupPct / 100, in basis points, to the nearest nano-dollar (halves away from 0).
export function markupNano(costNano: bigint, markupPct: number): bigint {
  return divRound(costNano * BigInt(Math.round(markupPct * 100)), BASIS_POINTS_PER_UNIT);
}

function applyMarkup(groups: FineGroup[], markup: MarkupSettings): void {
  const pct = new Map(markup.tiers.map((t) => [t.name, t.markupPct]));
  const assigned = new Map(markup.assignments.map((a) => [`${a.dimension}\u0000${a.value}`, a.tier]));
  for (const g of groups) {
    let tier: string | null = markup.defaultTier;
    for (const d of TIER_PRECEDENCE) {
      const value = g.keys[ALL.indexOf(d)];
      const t = value === null ? undefined : assigned.get(`${d}\u0000${value}`);
      if (t !== undefined) {
        tier = t;
        break;
      }
    }
    if (tier === null || !pct.has(tier)) continue;
    g.tiers = [tier];
    g.markupNano = markupNano(g.costNano, pct.get(tier)!);
  }
}

// Splits `amount` over the weights by the largest-remainder method: the parts add up to it
// exactly, and a weight twice another gets twice its part (to the nano-dollar).
export function splitNano(amount: bigint, weights: bigint[]): bigint[] {
  const total = weights.reduce((s, w) => s + w, 0n);
  if (total <= 0n) return splitNano(amount, weights.map(() => 1n));
  const parts = weights.map((w) => (amount * w) / total);
  let left = amount - parts.reduce((s, p) => s + p, 0n);
  const order = weights
    .map((w, i) => ({ i, r: (amount * w) % total }))
    .sort((x, y) => (y.r > x.r ? 1 : y.r < x.r ? -1 : x.i - y.i));
  for (const { i } of order) {
    if (left <= 0n) break;
    parts[i] += 1n;
    left -= 1n;
  }
  return parts;
}

// Each other cost billed in the month goes to the finest groups whose calls carry the value it
// is assigned to, split by their calls' cost (by their requests when those cost nothing); a cost
// whose value no call of the month carries is a group of its own, with no calls.
function applyOtherCosts(groups: FineGroup[], costs: OtherCost[], month: string): FineGroup[] {
  const out = [...groups];
  for (const c of costs) {
    if (!billedIn(c, month)) continue;
    const amount = monthlyNano(c.pricing);
    const at = ALL.indexOf(c.assignTo.dimension);
    let matches = out.filter((g) => g.keys[at] === c.assignTo.value);
    if (matches.length === 0) {
      const own: FineGroup = {
        keys: ALL.map((_, i) => (i === at ? c.assignTo.value : null)),
        requests: 0,
        inputTokens: 0,
        outputTokens: 0,
        totalTokens: 0,
        costNano: 0n,
        unknownCostRequests: 0,
        markupNano: 0n,
        tiers: [],
        otherCosts: [],
      };
      out.push(own);
      matches = [own];
    }
    const byCost = matches.some((g) => g.costNano > 0n);
    const parts = splitNano(amount, matches.map((g) => (byCost ? g.costNano : BigInt(g.requests))));
    matches.forEach((g, i) => g.otherCosts.push({ id: c.id, name: c.name, category: c.category, nano: parts[i] }));
  }
  return out;
}

// The finest groups summed into the report's groups.
function groupBy(by: ChargebackDimension[], fine: FineGroup[]): ChargebackGroup[] {
  const at = by.map((d) => ALL.indexOf(d));
  const groups = new Map<string, FineGroup>();
  for (const f of fine) {
    const keys = at.map((i) => f.keys[i]);
    const key = JSON.stringify(keys);
    const g = groups.get(key);
    if (g === undefined) {
      groups.set(key, { ...f, keys, tiers: [...f.tiers], otherCosts: f.otherCosts.map((c) => ({ ...c })) });
      continue;
    }
    g.requests += f.requests;
    g.inputTokens += f.inputTokens;
    g.outputTokens += f.outputTokens;
    g.totalTokens += f.totalTokens;
    g.costNano += f.costNano;
    g.unknownCostRequests += f.unknownCostRequests;
    g.markupNano += f.markupNano;
    for (const t of f.tiers) if (!g.tiers.includes(t)) g.tiers.push(t);
    for (const c of f.otherCosts) {
      const same = g.otherCosts.find((x) => x.id === c.id);
      if (same) same.nano += c.nano;
      else g.otherCosts.push({ ...c });
    }
  }
  return [...groups.values()];
}

// The bill for `params` from the month's calls summed by every dimension.
export function billChargeback(params: ChargebackParams, fine: ChargebackReport, billing: ProjectBillingSettings): ChargebackReport {
  const groups = fineGroups(fine);
  applyMarkup(groups, billing.markup);
  const all = applyOtherCosts(groups, billing.costs, params.month);
  return chargebackReport(params, { fromMs: fine.fromMs, toMs: fine.toMs }, groupBy(params.by, all));
}

export async function billedChargeback(analytics: AnalyticsBackend, project: ProjectId, params: ChargebackParams, billing: ProjectBillingSettings): Promise<ChargebackReport> {
  const fine = await analytics.chargeback(project, { month: params.month, by: [...ALL] });
  return billChargeback(params, fine, billing);
}
