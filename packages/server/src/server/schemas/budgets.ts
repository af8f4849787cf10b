import { z } from 'zod';
import type { TierView } from '../../budgets/definitions.ts';
import type { BudgetStatus, CheckResult } from '../../budgets/policy.ts';
import {
  BUDGET_PERIODS,
  BUDGET_SCOPES,
  budgetInputSchema,
  ENFORCE_MODES,
  MAX_SUBJECT_CHARS,
  tierAssignmentSchema,
  TIER_NAMES,
  tierSettingsInputSchema,
  type Budget,
  type TierSettings,
} from '../../budgets/schema.ts';
import type { Assert, Extends } from './check.ts';

// Budgets as the API takes and gives them. The bodies are the domain's input schemas (so the
// route and the book check the same thing); the answers are checked against their TypeScript
// types at compile time (below) and against the schemas in the tests.

// A body that is not a JSON object is named as the body, as the book names it.
function jsonBody<T extends z.ZodObject>(schema: T) {
  return z.strictObject(schema.shape as T['shape'], { error: (issue) => (issue.code === 'invalid_type' ? 'body: send a JSON object' : undefined) });
}

export const budgetBodySchema = jsonBody(budgetInputSchema).meta({ id: 'BudgetDefinition' });
export const tierSettingsBodySchema = jsonBody(tierSettingsInputSchema).meta({ id: 'TierSettingsChange' });
export const tierAssignmentBodySchema = jsonBody(tierAssignmentSchema);

const subjectParam = z.string().min(1, 'must not be empty').max(MAX_SUBJECT_CHARS, `at most ${MAX_SUBJECT_CHARS} characters`).optional();

export const checkQuerySchema = z
  .object({
    user: subjectParam.describe('the caller; its team and department are those of its last call unless given'),
    team: subjectParam.describe("the caller's team, when not the user's last one"),
    department: subjectParam.describe("the caller's department, when not the user's last one"),
  })
  .strict();

export const statusQuerySchema = z
  .object({
    scope: z.enum(BUDGET_SCOPES, { error: `must be one of ${BUDGET_SCOPES.join(', ')}` }).optional(),
    period: z.enum(BUDGET_PERIODS, { error: `must be one of ${BUDGET_PERIODS.join(', ')}` }).optional(),
    subject: z.string().min(1).max(MAX_SUBJECT_CHARS).optional().describe('the team, department or user measured'),
    budget: z.string().min(1).max(128).optional().describe('a budget id'),
  })
  .strict();

export const budgetIdParams = z.object({ id: z.string() });
export const userParams = z.object({ user: z.string() });

const tierName = z.enum(TIER_NAMES);
const usd = z.number().describe('US dollars');

export const budgetSchema = z
  .object({
    id: z.string(),
    projectId: z.string(),
    name: z.string().nullable(),
    scope: z.enum(BUDGET_SCOPES),
    subject: z.string().nullable().describe("team, department or user id; null for a project budget; '*' for each user"),
    period: z.enum(BUDGET_PERIODS),
    limitUsd: usd,
    warnAtPercent: z.array(z.number()).describe('ascending, unique'),
    enforce: z.enum(ENFORCE_MODES).describe('hard: the gateway refuses calls with 429 once the budget is spent'),
    createdAt: z.string().describe('ISO-8601'),
    updatedAt: z.string(),
    createdBy: z
      .string()
      .nullable()
      .describe('who created it: a user id or an API key id; null for the operator without a key, budgets made before this was recorded, and tier budgets. A member may change only the budgets they created'),
    setByMember: z.literal(true).optional().describe('last set by a member, not an admin: budget and forecast alert rules (and the actions they trigger) do not see it'),
    tier: tierName.optional().describe('set on the budgets a tier gives (id `tier:<name>`)'),
  })
  .meta({ id: 'Budget' });

const statusFields = {
  subject: z.string().nullable().describe('the team, department or user measured; null for a project budget'),
  spentUsd: usd,
  limitUsd: usd,
  remainingUsd: usd.describe('never below 0; see `percent` for how far past the limit'),
  percent: z.number().describe('spent / limit × 100'),
  periodStart: z.string().describe('ISO-8601, UTC'),
  periodEnd: z.string().describe('exclusive'),
  burnRateUsdPerHour: z.number(),
  forecastUsd: usd.describe('projected spend at periodEnd'),
  warningLevel: z.number().nullable().describe('the highest warnAtPercent reached'),
  exceeded: z.boolean().describe('spent >= limit'),
  forecastExceeds: z.boolean().describe('forecast >= limit'),
};

export const budgetStatusSchema = z.object({ budget: budgetSchema, ...statusFields }).meta({ id: 'BudgetStatus' });
// A status listed under its budget, without the budget again.
export const statusViewSchema = z.object(statusFields).meta({ id: 'BudgetStatusEntry' });

export const checkResultSchema = z
  .object({
    allowed: z.boolean().describe('false when a hard budget that applies is spent'),
    user: z.string().nullable(),
    team: z.string().nullable(),
    department: z.string().nullable(),
    budgets: z.array(budgetStatusSchema),
    blockedBy: budgetStatusSchema.nullable().describe('the most specific spent hard budget'),
    warnings: z.array(z.string()),
  })
  .meta({ id: 'BudgetCheck' });

export const tierSettingsSchema = z
  .object({
    limitsUsd: z.object({ free: usd, pro: usd, enterprise: usd }).describe('daily, per user'),
    defaultTier: tierName.nullable().describe('the tier of users with no assignment and no user budget; null: such users have no limit'),
    enforce: z.enum(ENFORCE_MODES),
    warnAtPercent: z.array(z.number()),
  })
  .meta({ id: 'TierSettings' });

export const tierViewSchema = z.object({ settings: tierSettingsSchema, assignments: z.array(z.object({ user: z.string(), tier: tierName })) });

export const budgetWithStatusesSchema = z.object({ budget: budgetSchema, statuses: z.array(statusViewSchema) });
export const budgetListSchema = z.object({ budgets: z.array(budgetSchema.extend({ statuses: z.array(statusViewSchema) })), tiers: tierSettingsSchema });
export const userTierSchema = z.object({ user: z.string(), tier: tierName.nullable(), assigned: z.boolean().describe('false: the default tier, not an assignment') });
export const tierChangeSchema = z.object({ user: z.string(), tier: tierName.nullable(), previous: tierName.nullable() });

// Compile-time: each answer type is what its schema says, both ways.
export type BudgetChecks = [
  Assert<Extends<Budget, z.output<typeof budgetSchema>>>,
  Assert<Extends<z.output<typeof budgetSchema>, Budget>>,
  Assert<Extends<BudgetStatus, z.output<typeof budgetStatusSchema>>>,
  Assert<Extends<z.output<typeof budgetStatusSchema>, BudgetStatus>>,
  Assert<Extends<Omit<BudgetStatus, 'budget'>, z.output<typeof statusViewSchema>>>,
  Assert<Extends<z.output<typeof statusViewSchema>, Omit<BudgetStatus, 'budget'>>>,
  Assert<Extends<CheckResult, z.output<typeof checkResultSchema>>>,
  Assert<Extends<z.output<typeof checkResultSchema>, CheckResult>>,
  Assert<Extends<TierSettings, z.output<typeof tierSettingsSchema>>>,
  Assert<Extends<z.output<typeof tierSettingsSchema>, TierSettings>>,
  Assert<Extends<TierView, z.output<typeof tierViewSchema>>>,
  Assert<Extends<z.output<typeof tierViewSchema>, TierView>>,
];
