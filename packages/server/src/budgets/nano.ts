// Every conversion of money the budgets make, in one place. Spend is integer nano-dollars
// (bigint) from the pricer or the store into the ledger, so sums are exact at any size; it becomes
// US dollars (a float) only in a budget's status, where it is shown and compared with the limit.

export const NANO_PER_USD = 1_000_000_000;

// A span's cost (an integer number of nano-dollars, as the pricer gives it); null when it is not a
// finite number, so a malformed cost can never throw inside the ingest feed.
export function nanoOfCost(nanoUsd: number): bigint | null {
  return Number.isFinite(nanoUsd) ? BigInt(Math.round(nanoUsd)) : null;
}

export function usdOfNano(nano: bigint): number {
  return Number(nano) / NANO_PER_USD;
}
