import { z } from 'zod';
import { DAY_MS } from '../../domain/time.ts';
import { readDuration } from '../../domain/time.ts';

// D5: retrieval and embedding drift as the API gives it (GET /api/v1/quality/drift).

export const MAX_DRIFT_BASELINE_MS = 90 * DAY_MS;
export const MAX_DRIFT_FEATURES = 50;
// A bucket's own PSI is given from this many scored retrievals: below, sampling noise alone reads as a shift.
export const MIN_BUCKET_PSI_SAMPLES = 10;

export const driftQuerySchema = z
  .object({
    from: z.string().optional().describe("start of the range (inclusive): an instant or a duration back from now ('48h'); default: 7 days before `to`"),
    to: z.string().optional().describe('end of the range (exclusive); default: now'),
    feature: z.string().min(1).max(512).optional().describe('only this feature; `(none)` for spans without one; default: every feature together'),
    baseline: z
      .string()
      .optional()
      .transform((text, ctx) => {
        if (text === undefined) return undefined;
        const ms = readDuration(text);
        if (typeof ms === 'string') {
          ctx.addIssue({ code: 'custom', message: ms });
          return z.NEVER;
        }
        if (ms <= 0 || ms > MAX_DRIFT_BASELINE_MS) {
          ctx.addIssue({ code: 'custom', message: `must be a duration above 0 and at most 90d` });
          return z.NEVER;
        }
        return ms;
      })
      .describe('how long the baseline is: the period right before `from` the range is compared with (e.g. 7d); default: as long as the range'),
  })
  .strict();

const nullableNumber = z.number().nullable();

const topScoreSchema = z
  .object({
    p10: nullableNumber,
    p50: nullableNumber,
    p90: nullableNumber,
    mean: nullableNumber,
  })
  .describe('top retrieval scores: quantiles interpolated within the 0.1-wide bins (accurate to 0.05), and the exact mean; null without scores');

const countsFields = {
  retrievals: z.number().describe('retrieval spans'),
  scoreBins: z.array(z.number()).describe('top scores in 10 bins: [0, 0.1), [0.1, 0.2), …, [0.9, 1]; scores outside 0..1 in the edge bins'),
  topScore: topScoreSchema,
  documentsAvg: nullableNumber.describe('documents returned per retrieval, over those that report it'),
  embeddings: z.number().describe('embedding calls whose truncation is known'),
  truncated: z.number().describe('of those, truncated to the model input limit'),
  truncationRate: nullableNumber.describe('truncated / embeddings, 0 to 1'),
};

export const driftAnswerSchema = z
  .object({
    from: z.string(),
    to: z.string(),
    bucketSeconds: z.number().int().describe('width of each point of the series'),
    feature: z.string().nullable().describe('the feature asked for; null: every feature together'),
    statistic: z.literal('psi').describe('Population Stability Index over the 10 score bins (docs/quality.md): below 0.1 stable, 0.1–0.25 moderate, above 0.25 significant'),
    psi: nullableNumber.describe("the range's top scores against the baseline's; null when either has no scores"),
    baseline: z.object({ from: z.string(), to: z.string(), ...countsFields }),
    total: z.object(countsFields).describe('the whole range'),
    series: z.array(
      z.object({
        time: z.string().describe('start of the bucket, ISO 8601 UTC'),
        ...countsFields,
        psi: nullableNumber.describe(`this bucket's top scores against the baseline's; null below ${MIN_BUCKET_PSI_SAMPLES} scored retrievals in the bucket`),
      }),
    ).describe('buckets with at least one retrieval or embedding call, oldest first'),
    features: z
      .array(z.object({ feature: z.string().nullable(), retrievals: z.number(), embeddings: z.number(), psi: nullableNumber, truncationRate: nullableNumber }))
      .describe(`features seen in the range (at most ${MAX_DRIFT_FEATURES}, the most retrievals first), each against its own baseline`),
  })
  .meta({ id: 'RetrievalDrift' });
