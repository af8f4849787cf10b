import type { Cost, SpanRecord, UsageBucket } from '../../domain/span.ts';

// A user-supplied price (file or API). Prices are USD per one million tokens.
// An override wins over the catalog for calls whose start time falls in [effectiveFrom, effectiveTo).
export interface PriceOverride {
  id: string;
  provider: string | null; // null: any provider
  model: string; // exact model name, or a prefix ending in '*'
  effectiveFrom: string; // ISO-8601 UTC, inclusive
  effectiveTo: string | null; // ISO-8601 UTC, exclusive; null: open-ended
  inputPerMtokUsd: number;
  outputPerMtokUsd: number;
  cacheReadPerMtokUsd?: number | null;
  cacheWritePerMtokUsd?: number | null;
  reasoningPerMtokUsd?: number | null;
  audioPerMtokUsd?: number | null;
}

export type PricingInput = Pick<
  SpanRecord,
  'provider' | 'requestModel' | 'responseModel' | 'usage' | 'startUs' | 'kind'
>;

export interface CostExplanationLine {
  bucket: UsageBucket;
  tokens: number;
  unitPricePerMtokUsd: number;
  costUsd: number;
  costNanoUsd: number; // exact; the lines' costNanoUsd sum to the explanation's totalNanoUsd
  // Set when a tiered price applied: the tier's threshold on total input tokens.
  tierAboveInputTokens: number | null;
  text: string; // "1,234 input × $3/M = $0.003702"
}

export interface CostExplanation {
  status: Cost['status'];
  totalUsd: number | null;
  totalNanoUsd: number | null;
  priceRowId: string | null;
  catalogVersion: string | null;
  model: string | null;
  provider: string | null;
  lines: CostExplanationLine[];
  summary: string; // one line a person can read
  // Why an explanation of a stored cost may not match today's catalog, e.g. the row is gone.
  note: string | null;
}
