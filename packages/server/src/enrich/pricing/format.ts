import type { UsageBucket } from '../../domain/span.ts';

// Text for cost explanations: "1,234 input × $3/M = $0.003702".

const tokenFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

export const BUCKET_LABELS: Readonly<Record<UsageBucket, string>> = {
  input: 'input',
  output: 'output',
  cacheRead: 'cache read',
  cacheWrite: 'cache write',
  reasoning: 'reasoning',
  audio: 'audio input',
};

export function formatTokens(tokens: number): string {
  return tokenFormat.format(tokens);
}

function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

// A price per million tokens as people write it: $3, $2.50, $0.075.
export function formatUsdPerMtok(usdPerMtok: number): string {
  if (Number.isInteger(usdPerMtok)) return `$${groupThousands(String(usdPerMtok))}`;
  const text = usdPerMtok.toFixed(9).replace(/0+$/, '');
  const [whole, fraction = ''] = text.split('.');
  return `$${groupThousands(whole)}.${fraction.padEnd(2, '0')}`;
}
