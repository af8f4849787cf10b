import { z } from 'zod';
import { nanoToDecimal, nanoToUsd } from '../../domain/money.ts';
import { annualNano, weeklyNano, type RecommendationsAnswer } from '../../query/recommendations/index.ts';
import { RECOMMENDATION_KINDS, type Recommendation } from '../../query/recommendations/types.ts';

// The recommendations as the API gives them: money in US dollars, as a number and as exact decimal
// text (9 decimals), monthly, weekly (× 7/30) and annualised (× 365/30).

const usd = z.number().describe('US dollars');
const decimalUsd = z.string().describe('the same amount in US dollars as exact decimal text, 9 decimals');

const savingsFields = {
  monthlySavingsUsd: usd.describe('over 30 days at the rate seen in the range'),
  monthlySavingsUsdDecimal: decimalUsd,
  weeklySavingsUsd: usd.describe('monthly × 7/30'),
  weeklySavingsUsdDecimal: decimalUsd,
  annualSavingsUsd: usd.describe('monthly × 365/30'),
  annualSavingsUsdDecimal: decimalUsd,
};

export const recommendationSchema = z
  .object({
    id: z.string().describe('stable across runs for the same subject'),
    kind: z.enum(RECOMMENDATION_KINDS),
    title: z.string(),
    detail: z.string(),
    feature: z.string().nullable(),
    model: z.string().nullable(),
    ...savingsFields,
    formula: z.string().describe('the estimate with its numbers filled in'),
    confidence: z.enum(['high', 'medium', 'low']),
    confidenceReason: z.string(),
    evidence: z.object({
      calls: z.number().int().describe('the calls the estimate rests on'),
      sampleTraceIds: z.array(z.string()).describe('a few of them, newest first (at most 10): /traces/<id>'),
      figures: z.record(z.string(), z.union([z.number(), z.string(), z.null()])).describe('the figures the formula uses, by name; amounts ending in Nano are nano-dollars'),
    }),
    applied: z
      .object({
        since: z.string().describe('ISO-8601: the first UTC day the recommended model carried the calls'),
        realisedMonthlySavingsUsd: usd,
        realisedMonthlySavingsUsdDecimal: decimalUsd,
        estimatedMonthlySavingsUsd: usd,
        estimatedMonthlySavingsUsdDecimal: decimalUsd,
      })
      .nullable()
      .describe('set when the recommendation has been acted on in the range: the saving realised since, against the estimate'),
  })
  .meta({ id: 'Recommendation' });

export const recommendationsSchema = z
  .object({
    fromMs: z.number().describe('inclusive, milliseconds since the Unix epoch, UTC'),
    toMs: z.number().describe('exclusive'),
    currency: z.literal('USD'),
    kinds: z.array(z.enum(RECOMMENDATION_KINDS)).describe('the kinds looked for'),
    totals: z.object(savingsFields).describe('sum over the recommendations; kinds about the same calls overlap, so this is an upper bound'),
    recommendations: z.array(recommendationSchema).describe('largest monthly saving first'),
  })
  .meta({ id: 'Recommendations' });

export type RecommendationsBody = z.output<typeof recommendationsSchema>;

function savings(monthlyNano: number) {
  const weekly = weeklyNano(monthlyNano);
  const annual = annualNano(monthlyNano);
  return {
    monthlySavingsUsd: nanoToUsd(monthlyNano),
    monthlySavingsUsdDecimal: nanoToDecimal(monthlyNano),
    weeklySavingsUsd: nanoToUsd(weekly),
    weeklySavingsUsdDecimal: nanoToDecimal(weekly),
    annualSavingsUsd: nanoToUsd(annual),
    annualSavingsUsdDecimal: nanoToDecimal(annual),
  };
}

function recommendationBody(r: Recommendation): z.output<typeof recommendationSchema> {
  const { monthlySavingsNano, applied, ...rest } = r;
  return {
    ...rest,
    ...savings(monthlySavingsNano),
    applied: applied
      ? {
          since: applied.since,
          realisedMonthlySavingsUsd: nanoToUsd(applied.realisedMonthlySavingsNano),
          realisedMonthlySavingsUsdDecimal: nanoToDecimal(applied.realisedMonthlySavingsNano),
          estimatedMonthlySavingsUsd: nanoToUsd(applied.estimatedMonthlySavingsNano),
          estimatedMonthlySavingsUsdDecimal: nanoToDecimal(applied.estimatedMonthlySavingsNano),
        }
      : null,
  };
}

export function recommendationsBody(answer: RecommendationsAnswer, kinds: readonly (typeof RECOMMENDATION_KINDS)[number][]): RecommendationsBody {
  return {
    fromMs: Math.floor(answer.range.fromUs / 1000),
    toMs: Math.ceil(answer.range.toUs / 1000),
    currency: 'USD',
    kinds: [...kinds],
    totals: savings(answer.totalMonthlySavingsNano),
    recommendations: answer.recommendations.map(recommendationBody),
  };
}
