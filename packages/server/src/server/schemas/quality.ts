import { z } from 'zod';
import { DEFAULT_LATENCY_TARGET_MS } from '../../domain/health.ts';
import { HEALTH_GROUPINGS, QUALITY_LIMITS } from '../../store/quality.ts';

// Top issues (D6) and health scores (D4) as the API gives them.

export const MAX_LATENCY_TARGET_MS = 10 * 60_000;

const range = {
  from: z.string().optional().describe("start of the range (inclusive): an instant or a duration back from now ('24h'); default: 7 days before `to`"),
  to: z.string().optional().describe('end of the range (exclusive); default: now'),
};
const time = z.string().describe('ISO 8601, UTC');
const traceIds = z.array(z.string()).describe(`up to ${QUALITY_LIMITS.traceIdsPerGroup} traces of the group, newest first`);

export const topIssuesQuerySchema = z
  .object({
    ...range,
    limit: z.coerce.number().int().min(1, 'must be at least 1').max(QUALITY_LIMITS.maxGroups, `must be at most ${QUALITY_LIMITS.maxGroups}`).default(20).describe('groups of each kind'),
    threshold: z.coerce.number().min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1').default(0.5).describe('a numeric score below this is low'),
  })
  .strict();

export const errorIssueSchema = z
  .object({
    fingerprint: z.string().describe('<error class>:<hash of the class and the normalised message>'),
    errorClass: z.string().nullable(),
    sampleMessage: z.string().nullable().describe("the newest occurrence's message, as stored (redacted; null when content capture keeps no messages)"),
    count: z.number().int(),
    firstSeen: time,
    lastSeen: time,
    traceIds,
  })
  .meta({ id: 'ErrorIssue' });

export const lowScoreIssueSchema = z
  .object({
    feature: z.string().nullable().describe("the scored trace's feature"),
    name: z.string().describe('the score name (the criterion)'),
    count: z.number().int().describe('scores below the threshold'),
    total: z.number().int().describe('numeric scores of the group in the range'),
    avg: z.number().describe('mean of the low scores'),
    firstSeen: time,
    lastSeen: time,
    traceIds,
  })
  .meta({ id: 'LowScoreIssue' });

export const topIssuesSchema = z
  .object({
    from: time,
    to: time,
    threshold: z.number(),
    errors: z.array(errorIssueSchema).describe('failed spans grouped by fingerprint, most frequent first'),
    lowScores: z.array(lowScoreIssueSchema).describe('low numeric scores grouped by feature and score name, most first'),
  })
  .meta({ id: 'TopIssues' });

export const healthQuerySchema = z
  .object({
    ...range,
    by: z.enum(HEALTH_GROUPINGS).default('feature'),
    latencyTargetMs: z.coerce
      .number()
      .positive('must be positive')
      .max(MAX_LATENCY_TARGET_MS, `must be at most ${MAX_LATENCY_TARGET_MS}`)
      .optional()
      .describe(`p95 latency target for every group; default: the group's latency_slo evaluator, else ${DEFAULT_LATENCY_TARGET_MS} ms`),
    limit: z.coerce.number().int().min(1, 'must be at least 1').max(QUALITY_LIMITS.maxHealthGroups, `must be at most ${QUALITY_LIMITS.maxHealthGroups}`).default(50).describe('groups, most calls first'),
  })
  .strict();

const component = z.number().nullable().describe('0..100; null when the group lacks it (its weight goes to the others)');

export const healthScoreGroupSchema = z
  .object({
    key: z.string().nullable().describe('the feature or application; null: calls without one'),
    health: z.number().int().nullable().describe('0..100; null when no component is known'),
    components: z.object({ quality: component, latency: component, errors: component, cost: component }),
    requests: z.number().int(),
    errors: z.number().int(),
    errorRate: z.number().nullable(),
    latencyP95Ms: z.number().nullable(),
    latencyTargetMs: z.number(),
    costPerRequestUsd: z.number().nullable(),
    scoreAvg: z.number().nullable(),
  })
  .meta({ id: 'HealthScoreGroup' });

export const healthScoresSchema = z
  .object({
    from: time,
    to: time,
    by: z.enum(HEALTH_GROUPINGS),
    weights: z.object({ quality: z.number(), errors: z.number(), latency: z.number(), cost: z.number() }).describe('of each component (docs/quality.md#health-score)'),
    medianCostPerRequestUsd: z.number().nullable().describe("the median of the groups' cost per request: the cost component's reference"),
    groups: z.array(healthScoreGroupSchema),
  })
  .meta({ id: 'HealthScores' });
