// The pricing engine: catalog prices (@pydantic/genai-prices, bundled data) plus user overrides,
// exact integer nano-dollar costs per usage bucket, and explanations of any cost.
export {
  CATALOG_VERSION,
  catalogProviderId,
  catalogRowById,
  findCatalogModel,
  selectCatalogRow,
  type CatalogModel,
  type CatalogVariant,
} from './catalog.ts';
export { formatTokens, formatUsdPerMtok } from './format.ts';
export {
  loadOverridesFile,
  parsePriceOverride,
  parsePriceOverrides,
  PriceOverrideError,
  priceOverrideId,
  priceOverrideInputSchema,
  type PriceOverrideInput,
  type PriceOverrideIssue,
} from './overrides.ts';
export { OVERRIDES_CATALOG_VERSION, Pricer, providerReportedCost, type PricerOptions } from './pricer.ts';
export type { BucketRate, PriceRow, PriceTier } from './row.ts';
export type { CostExplanation, CostExplanationLine, PriceOverride, PricingInput } from './types.ts';
