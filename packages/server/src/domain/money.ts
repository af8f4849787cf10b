// Money, defined once. Costs are integer nano-dollars (1e-9 USD) wherever they are stored, summed
// or compared, so sums are exact at any size; the store keeps them as DECIMAL(18, 9) and they
// cross into and out of it as decimal text. US dollars as a float appear only at the edges: a
// price from the catalog going in, a figure shown or exported coming out.
//
// Exactness: a nano amount held as a `number` is exact up to 2^53 (about $9 million); past that,
// or for sums that may grow past it, use `bigint`. Every conversion here is exact for a bigint
// of any size and for a number that is a safe integer.
//
// Rounding: the only rounding step is USD float → nano (`usdToNano`) and a non-integer nano
// number, both rounded as Math.round does: to the nearest integer, halves towards +∞
// (0.5 → 1, -0.5 → 0, -1.5 → -1). Decimal text with more than nine fraction digits is cut after
// the ninth (DECIMAL(18, 9) never has more).

export const NANO_PER_USD = 1_000_000_000;
export const NANO_PER_USD_BIG = 1_000_000_000n;

const DECIMAL_TEXT = /^-?(\d+(\.\d*)?|\.\d+)$/;

// A US-dollar amount (a price, a provider's reported cost) to integer nano-dollars.
export function usdToNano(usd: number): number {
  // `+ 0` turns -0 into 0, so a tiny negative rounding away never prints as "-0".
  return Math.round(usd * NANO_PER_USD) + 0;
}

// A nano amount as a float number of US dollars, the closest double to the exact value.
export function nanoToUsd(nano: number | bigint): number {
  if (typeof nano === 'number') return nano / NANO_PER_USD;
  // Below 2^53 both operands are exact and the one division rounds once; past it, parsing the
  // exact decimal text avoids rounding twice.
  const small = nano >= -BigInt(Number.MAX_SAFE_INTEGER) && nano <= BigInt(Number.MAX_SAFE_INTEGER);
  return small ? Number(nano) / NANO_PER_USD : Number(nanoToDecimal(nano));
}

// A nano amount as a number (the pricer's form) to bigint for exact sums; null when it is not a
// finite number, so a malformed cost can never throw inside a feed.
export function nanoToBig(nano: number): bigint | null {
  return Number.isFinite(nano) ? BigInt(Math.round(nano)) : null;
}

// Exact DECIMAL(18, 9) text of a nano amount: 1_500_000_000 → "1.500000000", -1 → "-0.000000001".
export function nanoToDecimal(nano: number | bigint): string {
  if (typeof nano === 'number') {
    const rounded = Math.round(nano);
    if (!Number.isSafeInteger(rounded)) return nanoToDecimal(BigInt(rounded));
    const abs = Math.abs(rounded);
    return `${rounded < 0 ? '-' : ''}${Math.floor(abs / NANO_PER_USD)}.${String(abs % NANO_PER_USD).padStart(9, '0')}`;
  }
  const abs = nano < 0n ? -nano : nano;
  return `${nano < 0n ? '-' : ''}${abs / NANO_PER_USD_BIG}.${String(abs % NANO_PER_USD_BIG).padStart(9, '0')}`;
}

// Decimal text of US dollars ("12.5", "-0.000000001", "3") to exact nano-dollars.
export function decimalToNano(text: string): bigint {
  if (!DECIMAL_TEXT.test(text)) throw new RangeError(`not a decimal amount of US dollars: ${JSON.stringify(text.slice(0, 40))}`);
  const negative = text.startsWith('-');
  const [whole, frac = ''] = (negative ? text.slice(1) : text).split('.');
  const nano = BigInt(whole || '0') * NANO_PER_USD_BIG + BigInt(frac.padEnd(9, '0').slice(0, 9));
  return negative ? -nano : nano;
}

// A float amount of US dollars computed from exact sums (an average, a trend), cut to the nine
// decimals money has, so answers do not carry float noise like 0.30000000000000004.
export function roundUsd(usd: number): number {
  return Number.isFinite(usd) ? Number(usd.toFixed(9)) : usd;
}

function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

// Exact text of a nano amount for people, at least cents and no trailing zeros beyond:
// 3_702_000 → "$0.003702", 1_234_500_000_000 → "$1,234.50", -1 → "-$0.000000001".
export function formatUsd(nano: number | bigint): string {
  const decimal = nanoToDecimal(nano);
  const negative = decimal.startsWith('-');
  const [whole, frac] = (negative ? decimal.slice(1) : decimal).split('.');
  return `${negative ? '-' : ''}$${groupThousands(whole)}.${frac.replace(/0+$/, '').padEnd(2, '0')}`;
}
