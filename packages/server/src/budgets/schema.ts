import { z } from 'zod';
import { describeIssue, LookoutError } from '../errors.ts';

// B6: budget definitions, tier settings and the document they are kept in. No I/O here.

export const BUDGET_SCOPES = ['project', 'team', 'department', 'user'] as const;
export type BudgetScope = (typeof BUDGET_SCOPES)[number];
export const BUDGET_PERIODS = ['daily', 'monthly'] as const;
export type BudgetPeriod = (typeof BUDGET_PERIODS)[number];
export const ENFORCE_MODES = ['soft', 'hard'] as const;
export type EnforceMode = (typeof ENFORCE_MODES)[number];
export const TIER_NAMES = ['free', 'pro', 'enterprise'] as const;
export type TierName = (typeof TIER_NAMES)[number];

// Seed 001's per-user daily limits by plan.
export const DEFAULT_TIER_LIMITS_USD: Readonly<Record<TierName, number>> = { free: 1, pro: 50, enterprise: 1000 };
export const DEFAULT_WARN_AT_PERCENT: readonly number[] = [50, 80, 100];
// `subject` of a user budget that applies to each user on their own.
export const EACH_USER = '*';

export const MAX_BUDGETS_PER_PROJECT = 1_000;
export const MAX_TIER_ASSIGNMENTS_PER_PROJECT = 100_000;
export const MAX_SUBJECT_CHARS = 512;
export const MAX_LIMIT_USD = 1_000_000_000;
const MAX_WARN_LEVELS = 10;
const MAX_WARN_PERCENT = 1_000;

export interface Budget {
  id: string;
  projectId: string;
  name: string | null;
  scope: BudgetScope;
  // team, department or user id; null for a project budget; '*' for "each user".
  subject: string | null;
  period: BudgetPeriod;
  limitUsd: number;
  warnAtPercent: number[]; // ascending, unique
  enforce: EnforceMode; // hard: the gateway refuses calls with 429 once the budget is spent
  createdAt: string; // ISO-8601
  updatedAt: string;
  // E4: who created it, a user id or an API key id; null for the operator without a key, budgets
  // made before this was recorded, and the budgets a tier gives. A member may change only the
  // budgets they created.
  createdBy: string | null;
  // Last set by a member (not an admin): budget and forecast alert rules, and so the actions they
  // trigger, do not see it; a member's soft budget warns them, it does not steer the project.
  setByMember?: true;
  // Set on the budgets a tier gives (id `tier:<name>`); those are not stored as budgets.
  tier?: TierName;
}

export interface TierSettings {
  limitsUsd: Record<TierName, number>; // daily, per user
  // The tier of users with no assignment and no user budget; null: such users have no limit.
  defaultTier: TierName | null;
  enforce: EnforceMode;
  warnAtPercent: number[];
}

export interface ProjectBudgets {
  budgets: Budget[];
  tiers: TierSettings;
  users: Record<string, TierName>; // user id -> assigned tier
}

export interface BudgetsDocument {
  version: 1;
  projects: Record<string, ProjectBudgets>;
}

export function defaultTierSettings(): TierSettings {
  return { limitsUsd: { ...DEFAULT_TIER_LIMITS_USD }, defaultTier: null, enforce: 'hard', warnAtPercent: [...DEFAULT_WARN_AT_PERCENT] };
}

// A query parameter (invalid_parameter) or a body field (invalid_request) that is not valid.
export class BudgetInputError extends LookoutError {
  override name = 'BudgetInputError';
  readonly field: string;
  constructor(field: string, message: string, code: 'invalid_request' | 'invalid_parameter' = 'invalid_request') {
    super(code, `${field}: ${message}`);
    this.field = field;
  }
}

const subjectSchema = z.string().trim().min(1, 'must not be empty').max(MAX_SUBJECT_CHARS, `at most ${MAX_SUBJECT_CHARS} characters`);
const limitSchema = z
  .number({ error: 'must be a number of US dollars' })
  .finite('must be a finite number')
  .positive('must be more than 0')
  .max(MAX_LIMIT_USD, `at most ${MAX_LIMIT_USD}`);
const warnSchema = z
  .array(z.number({ error: 'must be a number' }).finite('must be finite').positive('must be more than 0').max(MAX_WARN_PERCENT, `at most ${MAX_WARN_PERCENT}`), {
    error: 'must be a list of percentages, e.g. [50, 80, 100]',
  })
  .max(MAX_WARN_LEVELS, `at most ${MAX_WARN_LEVELS} levels`);

export const budgetInputSchema = z
  .object({
    id: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, 'use 1-64 characters of letters, digits, _ and -')
      .optional()
      .describe('1-64 letters, digits, _ and -; default: generated'),
    name: z.string().trim().max(200, 'at most 200 characters').nullable().optional().describe('a label, at most 200 characters'),
    scope: z.enum(BUDGET_SCOPES, { error: `must be one of ${BUDGET_SCOPES.join(', ')}` }).describe('whose spend is counted'),
    subject: subjectSchema
      .nullable()
      .optional()
      .describe(`the team, department or user id, at most ${MAX_SUBJECT_CHARS} characters; '*' for each user on their own; none for a project budget`),
    period: z.enum(BUDGET_PERIODS, { error: `must be one of ${BUDGET_PERIODS.join(', ')}` }).describe('spend is counted per UTC day or UTC month'),
    limitUsd: limitSchema.describe(`USD per period, more than 0 and at most ${MAX_LIMIT_USD.toLocaleString('en-US')}`),
    warnAtPercent: warnSchema.optional().describe(`percentages of the limit that warn, at most ${MAX_WARN_LEVELS}; default [${DEFAULT_WARN_AT_PERCENT.join(', ')}]`),
    enforce: z
      .enum(ENFORCE_MODES, { error: `must be one of ${ENFORCE_MODES.join(', ')}` })
      .optional()
      .describe('hard: the gateway refuses calls with 429 once the budget is spent; soft (default): only warns'),
  })
  .strict();
export type BudgetInput = z.input<typeof budgetInputSchema>;

export const tierSettingsInputSchema = z
  .object({
    limitsUsd: z
      .object({ free: limitSchema.optional(), pro: limitSchema.optional(), enterprise: limitSchema.optional() })
      .strict()
      .optional()
      .describe('USD per user per day, by tier; those left out keep their value'),
    defaultTier: z
      .enum(TIER_NAMES, { error: `must be one of ${TIER_NAMES.join(', ')} or null` })
      .nullable()
      .optional()
      .describe('the tier of users with no assignment and no user budget; null: such users have no limit'),
    enforce: z.enum(ENFORCE_MODES, { error: `must be one of ${ENFORCE_MODES.join(', ')}` }).optional().describe('hard: the gateway refuses calls with 429 once spent; soft: only warns'),
    warnAtPercent: warnSchema.optional().describe(`percentages of the limit that warn, at most ${MAX_WARN_LEVELS}`),
  })
  .strict();
export type TierSettingsInput = z.input<typeof tierSettingsInputSchema>;

export const tierAssignmentSchema = z.object({ tier: z.enum(TIER_NAMES, { error: `must be one of ${TIER_NAMES.join(', ')}` }) }).strict();

// The first problem, named by its field ("limitUsd: must be more than 0").
export function parseInput<T extends z.ZodType>(schema: T, raw: unknown, code: 'invalid_request' | 'invalid_parameter' = 'invalid_request'): z.output<T> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  if (issue.code === 'unrecognized_keys') {
    const at = describeIssue(issue.path, '').replace(/: $/, '');
    throw new BudgetInputError(issue.keys.map((k) => (at ? `${at}.${k}` : k)).join(', '), 'unknown field', code);
  }
  const message = describeIssue(issue.path, issue.message);
  const colon = message.indexOf(': ');
  if (issue.path.length === 0 || colon < 0) throw new BudgetInputError('body', issue.message === 'Invalid input: expected object, received undefined' ? 'send a JSON object' : issue.message, code);
  throw new BudgetInputError(message.slice(0, colon), message.slice(colon + 2), code);
}

export function normaliseWarnLevels(levels: readonly number[]): number[] {
  return [...new Set(levels)].sort((a, b) => a - b);
}

// Checks what the schema cannot: that the subject fits the scope.
export function checkSubject(scope: BudgetScope, subject: string | null | undefined): string | null {
  if (scope === 'project') {
    if (subject !== null && subject !== undefined) throw new BudgetInputError('subject', "a project budget has no subject; leave it out or send null");
    return null;
  }
  if (subject === null || subject === undefined) {
    throw new BudgetInputError('subject', `a ${scope} budget needs the ${scope} id as subject${scope === 'user' ? " (or '*' for each user)" : ''}`);
  }
  if (subject === EACH_USER && scope !== 'user') throw new BudgetInputError('subject', `'*' (each one) is only for user budgets`);
  return subject;
}
