import { z } from 'zod';
import { MAX_RETENTION_DAYS } from '../../config/retention.ts';

// I3: the retention API's bodies and answers.

const days = z
  .number({ error: 'must be a whole number of days' })
  .int('must be a whole number of days')
  .min(1, 'must be at least 1 day')
  .max(MAX_RETENTION_DAYS, `must be at most ${MAX_RETENTION_DAYS} days`);

const tiersSchema = z.object({
  contentDays: days.describe('spans and logs keep their prompt and response content this long (hot)'),
  spansDays: days.describe('spans, scores, logs and metric points are kept this long, without content after contentDays (warm)'),
  rollupsDays: days.describe('the hourly totals of calls are kept this long (cold); analytics past spansDays answer from them'),
});

const countsSchema = z.object({
  contentStripped: z.object({ spans: z.number().int(), logs: z.number().int() }),
  deleted: z.object({ spans: z.number().int(), scores: z.number().int(), logs: z.number().int(), metricPoints: z.number().int(), rollupHours: z.number().int() }),
});

export const retentionRunSchema = countsSchema.extend({
  trigger: z.enum(['schedule', 'manual']),
  startedAt: z.string(),
  finishedAt: z.string(),
  durationMs: z.number().int(),
  cutoffs: z.object({ contentBefore: z.string(), spansBefore: z.string(), rollupsBefore: z.string() }).describe('what was older than these left its tier'),
  archivedDays: z.number().int().nullable().describe('days written to the archive before their spans were deleted; null: archive off'),
  error: z.string().nullable(),
});

export const retentionAnswerSchema = tiersSchema.extend({
  isDefault: z.object({ contentDays: z.boolean(), spansDays: z.boolean(), rollupsDays: z.boolean() }).describe("true: the tier is the instance's default (config), not the project's own"),
  defaults: tiersSchema,
  // What a run now would remove.
  cutoffs: z.object({ contentBefore: z.string(), spansBefore: z.string(), rollupsBefore: z.string() }),
  spansFrom: z.string().nullable().describe('spans older than this are gone (answers before it come from the hourly totals); null: none removed yet'),
  rollupsFrom: z.string().nullable().describe('hourly totals older than this are gone; null: none removed yet'),
  archive: z.object({ enabled: z.boolean() }),
  intervalMs: z.number().int(),
  enforced: z.boolean().describe('false: this store does not enforce retention and keeps everything'),
  lastRun: retentionRunSchema.nullable(),
});

export const retentionBodySchema = z.strictObject(
  {
    contentDays: days.nullable().optional().describe('null: back to the default'),
    spansDays: days.nullable().optional().describe('null: back to the default'),
    rollupsDays: days.nullable().optional().describe('null: back to the default'),
  },
  { error: (issue) => (issue.code === 'invalid_type' ? 'body: send a JSON object' : undefined) },
);

export const retentionRunAnswerSchema = retentionRunSchema;
