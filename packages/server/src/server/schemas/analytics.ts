import { z } from 'zod';
import {
  CHARGEBACK_DIMENSIONS,
  MEASURE_UNITS,
  TIME_BUCKETS,
  type AnalyticsColumn,
  type AnalyticsResult,
  type ChargebackReport,
  type ChargebackRow,
  type CostForecast,
  type DailyTrendRow,
  type ForecastDay,
  type LatencyBand,
  type ModelEfficiencyRow,
  type TopSpenderRow,
} from '../../query/contract.ts';
import type { Assert, Extends } from './check.ts';

// The analytics answers as the API gives them. Each schema is checked against its TypeScript type
// at compile time (below), and every response is checked against its schema in the tests.

const usd = z.number().describe('US dollars');
const nullableNumber = z.number().nullable();
// Set when the range reaches past the project's spans' retention (query/retention.ts).
export const retentionNoteSchema = z
  .object({
    spansFrom: z.string().describe('spans before this time are gone (ISO-8601)'),
    rollupsFrom: z.string().nullable().describe('hourly totals before this time are gone too'),
    answeredFromRollups: z.boolean().describe('the part of the range before spansFrom was answered from the hourly totals (from its first whole hour)'),
    partial: z.boolean().describe('some of the range before spansFrom has no answer: the question needs the spans, or the hourly totals are gone too'),
  })
  .meta({ id: 'RetentionNote' });
const retentionField = retentionNoteSchema.nullable().optional().describe("how the part of the range past the spans' retention was answered; absent or null: the range is within it");
const rangeFields = {
  fromMs: z.number().describe('inclusive, milliseconds since the Unix epoch, UTC'),
  toMs: z.number().describe('exclusive'),
  retention: retentionField,
};

export const analyticsColumnSchema = z
  .object({
    name: z.string().describe("'bucket', a dimension, or a measure"),
    kind: z.enum(['bucket', 'dimension', 'measure']),
    unit: z.enum(MEASURE_UNITS).optional().describe('measures only'),
  })
  .meta({ id: 'AnalyticsColumn' });

export const analyticsResultSchema = z
  .object({
    ...rangeFields,
    bucket: z.enum(TIME_BUCKETS).nullable(),
    columns: z.array(analyticsColumnSchema),
    rows: z
      .array(z.record(z.string(), z.union([z.string(), z.number(), z.null()])))
      .describe('one object per row keyed by column name; `bucket` is the start of the bucket as ISO-8601 UTC; a dimension without a value is null'),
    truncated: z.boolean().describe('more rows matched than `limit`'),
  })
  .meta({ id: 'AnalyticsResult' });

export const dailyTrendRowSchema = z
  .object({ date: z.string().describe('YYYY-MM-DD, UTC'), costUsd: usd, requests: z.number().int(), totalTokens: z.number().int(), unknownCostRequests: z.number().int() })
  .meta({ id: 'DailyTrendRow' });

export const dailyTrendSchema = z.object({ ...rangeFields, days: z.array(dailyTrendRowSchema).describe('every UTC day of the range; days without traffic have zeros') });

export const topSpenderRowSchema = z
  .object({
    key: z.string().nullable().describe('the value of the dimension; null for calls without one'),
    requests: z.number().int(),
    costUsd: usd,
    costPerRequestUsd: nullableNumber,
    totalTokens: z.number().int(),
    unknownCostRequests: z.number().int(),
    sharePct: z.number().describe("share of the project's known cost in the range (grouping by tag can sum past 100)"),
  })
  .meta({ id: 'TopSpenderRow' });

export const topSpendersSchema = z.object({ by: z.string().describe('the dimension'), ...rangeFields, rows: z.array(topSpenderRowSchema) });

export const modelEfficiencyRowSchema = z
  .object({
    model: z.string().nullable(),
    provider: z.string().nullable(),
    requests: z.number().int(),
    costUsd: usd,
    inputTokens: z.number().int(),
    outputTokens: z.number().int(),
    totalTokens: z.number().int(),
    tokensPerRequest: nullableNumber,
    costPerRequestUsd: nullableNumber,
    usdPerMtok: nullableNumber,
    usdPer1kTokens: nullableNumber,
    tokensPerDollar: nullableNumber,
    latencyAvgMs: nullableNumber,
    unknownCostRequests: z.number().int(),
  })
  .meta({ id: 'ModelEfficiencyRow' });

export const modelEfficiencySchema = z.object({ ...rangeFields, models: z.array(modelEfficiencyRowSchema) });

export const latencyBandSchema = z
  .object({ fromMs: z.number(), toMs: z.number().nullable().describe('exclusive; null for the last band'), requests: z.number().int() })
  .meta({ id: 'LatencyBand' });

export const latencyDistributionSchema = z.object({ ...rangeFields, bands: z.array(latencyBandSchema).describe('model calls counted in fixed duration bands') });

const forecastDaySchema = z.object({
  date: z.string(),
  costUsd: usd,
  movingAverage7dUsd: usd.describe('mean of this day and the (up to) 6 days before it in the window'),
  trendUsd: usd.describe('the fitted line on this day, floored at 0'),
});

const projection = z.object({ movingAverage: usd, trend: usd });

export const costForecastSchema = z
  .object({
    asOf: z.string().describe('ISO-8601'),
    lookbackDays: z.number().int(),
    series: z.array(forecastDaySchema).describe('the complete UTC days before today the fit uses; today is partial and left out'),
    daysWithData: z.number().int(),
    movingAverage7dUsd: usd,
    trend: z.object({ slopeUsdPerDay: z.number(), interceptUsd: z.number(), r2: nullableNumber, todayUsd: usd }),
    monthToDateUsd: usd,
    remainingDaysInMonth: z.number().describe('fractional: the rest of today plus the whole days after it'),
    projectedMonthEndUsd: projection,
    projectedNext7DaysUsd: projection,
    projectedAnnualUsd: projection,
    confidence: z.enum(['low', 'medium', 'high']),
    retention: retentionField,
  })
  .meta({ id: 'CostForecast' });

const decimalUsd = z.string().describe('the exact sum in US dollars, 9 decimals');

export const chargebackOtherCostLineSchema = z
  .object({ id: z.string(), name: z.string(), category: z.string(), costUsd: usd, costUsdDecimal: decimalUsd })
  .meta({ id: 'ChargebackOtherCostLine', description: "An other cost's part of a group's bill for the month" });

export const chargebackRowSchema = z
  .object({
    ...(Object.fromEntries(CHARGEBACK_DIMENSIONS.map((d) => [d, z.string().optional()])) as Record<(typeof CHARGEBACK_DIMENSIONS)[number], z.ZodOptional<z.ZodString>>),
    requests: z.number().int(),
    inputTokens: z.number().int().describe('input + cache read + cache write'),
    outputTokens: z.number().int().describe('output + reasoning'),
    totalTokens: z.number().int(),
    costUsd: usd,
    costUsdDecimal: decimalUsd,
    sharePct: z.number().describe("of the month's known cost; rounded to 0.01 so that the rows sum to exactly 100"),
    unknownCostRequests: z.number().int(),
    tiers: z.array(z.string()).describe("the markup tiers of the group's calls"),
    markupUsd: usd,
    markupUsdDecimal: decimalUsd.describe("the markup of the group's tiers on its calls' cost, 9 decimals"),
    otherCosts: z.array(chargebackOtherCostLineSchema).describe('the other costs assigned to the group, each its own line'),
    otherCostUsd: usd,
    otherCostUsdDecimal: decimalUsd.describe('the sum of the other costs, 9 decimals'),
    billedUsd: usd,
    billedUsdDecimal: decimalUsd.describe('cost + markup + other costs, 9 decimals'),
  })
  .meta({ id: 'ChargebackRow', description: "One row per combination of the `by` dimensions; a missing value is '(unattributed)'." });

export const chargebackReportSchema = z
  .object({
    month: z.string().describe('YYYY-MM'),
    by: z.array(z.enum(CHARGEBACK_DIMENSIONS)),
    ...rangeFields,
    currency: z.literal('USD'),
    rows: z.array(chargebackRowSchema),
    totals: z.object({
      requests: z.number().int(),
      inputTokens: z.number().int(),
      outputTokens: z.number().int(),
      totalTokens: z.number().int(),
      costUsd: usd,
      costUsdDecimal: decimalUsd,
      unknownCostRequests: z.number().int(),
      markupUsd: usd,
      markupUsdDecimal: decimalUsd,
      otherCostUsd: usd,
      otherCostUsdDecimal: decimalUsd,
      billedUsd: usd,
      billedUsdDecimal: decimalUsd,
    }),
  })
  .meta({ id: 'ChargebackReport' });

// Compile-time: each answer type is what its schema says, both ways.
export type AnalyticsChecks = [
  Assert<Extends<AnalyticsColumn, z.output<typeof analyticsColumnSchema>>>,
  Assert<Extends<z.output<typeof analyticsColumnSchema>, AnalyticsColumn>>,
  Assert<Extends<AnalyticsResult, z.output<typeof analyticsResultSchema>>>,
  Assert<Extends<z.output<typeof analyticsResultSchema>, AnalyticsResult>>,
  Assert<Extends<DailyTrendRow, z.output<typeof dailyTrendRowSchema>>>,
  Assert<Extends<z.output<typeof dailyTrendRowSchema>, DailyTrendRow>>,
  Assert<Extends<TopSpenderRow, z.output<typeof topSpenderRowSchema>>>,
  Assert<Extends<z.output<typeof topSpenderRowSchema>, TopSpenderRow>>,
  Assert<Extends<ModelEfficiencyRow, z.output<typeof modelEfficiencyRowSchema>>>,
  Assert<Extends<z.output<typeof modelEfficiencyRowSchema>, ModelEfficiencyRow>>,
  Assert<Extends<LatencyBand, z.output<typeof latencyBandSchema>>>,
  Assert<Extends<z.output<typeof latencyBandSchema>, LatencyBand>>,
  Assert<Extends<ForecastDay, z.output<typeof forecastDaySchema>>>,
  Assert<Extends<z.output<typeof forecastDaySchema>, ForecastDay>>,
  Assert<Extends<CostForecast, z.output<typeof costForecastSchema>>>,
  Assert<Extends<z.output<typeof costForecastSchema>, CostForecast>>,
  Assert<Extends<ChargebackRow, z.output<typeof chargebackRowSchema>>>,
  Assert<Extends<z.output<typeof chargebackRowSchema>, ChargebackRow>>,
  Assert<Extends<ChargebackReport, z.output<typeof chargebackReportSchema>>>,
  Assert<Extends<z.output<typeof chargebackReportSchema>, ChargebackReport>>,
];
