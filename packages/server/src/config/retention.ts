import { z } from 'zod';

// I3: how long each tier keeps a project's data, in whole days counted back from now:
//   contentDays  spans and logs keep their prompt and response content (hot)
//   spansDays    spans, scores, logs and metric points are kept, without content past contentDays (warm)
//   rollupsDays  the hourly totals of calls are kept after the spans are gone (cold)
// A tier never outlives the one after it: content ≤ spans ≤ rollups.

// Ten years: as far back as an analytics range may reach (QUERY_LIMITS.maxRangeDays).
export const MAX_RETENTION_DAYS = 3_660;
// The job's period at least: each run walks every project's rows, so more often only costs CPU.
const MIN_RETENTION_INTERVAL_MS = 60_000;

export const retentionDays = z.coerce
  .number({ error: 'must be a whole number of days' })
  .int('must be a whole number of days')
  .min(1, 'must be at least 1 day')
  .max(MAX_RETENTION_DAYS, `must be at most ${MAX_RETENTION_DAYS} days`);

export interface RetentionTiers {
  contentDays: number;
  spansDays: number;
  rollupsDays: number;
}

export const TIER_NAMES = ['contentDays', 'spansDays', 'rollupsDays'] as const satisfies readonly (keyof RetentionTiers)[];

// What is wrong with the order of the tiers, one message per tier out of order (empty when fine).
export function tierOrderProblems(t: RetentionTiers): { tier: keyof RetentionTiers; message: string }[] {
  const out: { tier: keyof RetentionTiers; message: string }[] = [];
  if (t.contentDays > t.spansDays) out.push({ tier: 'contentDays', message: `must not exceed spansDays (${t.spansDays}): content is kept only on stored spans` });
  if (t.spansDays > t.rollupsDays) out.push({ tier: 'spansDays', message: `must not exceed rollupsDays (${t.rollupsDays}): the hourly totals are summed from the spans` });
  return out;
}

export const RETENTION_DEFAULTS = {
  contentDays: 7,
  spansDays: 30,
  rollupsDays: 400,
  intervalMs: 3_600_000,
  archive: { enabled: false, dir: null as string | null },
};

const flag = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]);

export const retentionConfigSchema = z
  .object({
    contentDays: retentionDays.default(RETENTION_DEFAULTS.contentDays),
    spansDays: retentionDays.default(RETENTION_DEFAULTS.spansDays),
    rollupsDays: retentionDays.default(RETENTION_DEFAULTS.rollupsDays),
    // How often the job runs (it also runs once shortly after start).
    intervalMs: z.coerce
      .number()
      .int('must be a whole number of milliseconds')
      .min(MIN_RETENTION_INTERVAL_MS, `must be at least ${MIN_RETENTION_INTERVAL_MS} (one minute)`)
      .default(RETENTION_DEFAULTS.intervalMs),
    // Closed days of spans are written as Parquet before the spans are deleted; `dir` defaults to
    // <dataDir>/archive.
    archive: z
      .object({ enabled: flag.default(false), dir: z.string().min(1).nullable().default(null) })
      .strict()
      .default(RETENTION_DEFAULTS.archive),
  })
  .strict()
  .superRefine((t, ctx) => {
    for (const p of tierOrderProblems(t)) ctx.addIssue({ code: 'custom', path: [p.tier], message: p.message });
  });

export type RetentionConfig = z.output<typeof retentionConfigSchema>;
