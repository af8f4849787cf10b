import { z } from 'zod';
import { SECURITY_ACTIONS, SECURITY_EVENT_TYPES, SECURITY_SEVERITIES } from '../../domain/security.ts';
import { GATEWAY_INJECTION_POLICIES, privacySettingsInputSchema } from '../../enrich/redact/settings.ts';
import { PII_TYPES, REDACTION_MODES } from '../../enrich/redact/types.ts';

// The security event log and the privacy settings as the API gives them.

export const MAX_SECURITY_EVENTS_PAGE = 500;
export const MAX_TEST_TEXT_CHARS = 64 * 1024;

export const securityEventSchema = z
  .object({
    id: z.string(),
    time: z.string().describe('ISO 8601, UTC: when the record it is about started, or when the request was refused'),
    type: z.enum(SECURITY_EVENT_TYPES),
    severity: z.enum(SECURITY_SEVERITIES),
    action: z.enum(SECURITY_ACTIONS).describe('What Lookout did: masked, hashed, dropped or kept the values (as the privacy settings say), detected, or blocked'),
    detector: z.string().describe('email, phone, secret:openai, custom:<name>, injection, auth, …'),
    rule: z.string().nullable().describe('The injection rule that matched (id@version), or why a request was refused'),
    count: z.number().int().describe('Values found by this detector in the record'),
    userId: z.string().nullable(),
    traceId: z.string().nullable(),
    spanId: z.string().nullable(),
    field: z.string().nullable().describe('Where the values were (input, output, metadata:<key>, tag, log:body, …): never the value'),
    score: z.number().nullable().describe('The injection score, 0 to 1'),
  })
  .meta({ id: 'SecurityEvent' });

export const securityEventsQuerySchema = z
  .object({
    from: z.string().optional().describe("start of the range (inclusive): an instant or a duration back from now ('24h'); default: 7 days before `to`"),
    to: z.string().optional().describe('end of the range (exclusive); default: now'),
    type: z.enum(SECURITY_EVENT_TYPES).optional(),
    user: z.string().max(256).optional().describe('only events of this user'),
    traceId: z.string().regex(/^[0-9a-f]{32}$/, 'must be 32 lowercase hex characters').optional(),
    limit: z.coerce.number().int().min(1, 'must be at least 1').max(MAX_SECURITY_EVENTS_PAGE, `must be at most ${MAX_SECURITY_EVENTS_PAGE}`).default(100),
    cursor: z.string().max(200).optional().describe('nextCursor of the previous page'),
  })
  .strict();

export const securityEventsPageSchema = z.object({
  events: z.array(securityEventSchema),
  nextCursor: z.string().nullable().describe('pass as cursor for the next (older) page; null on the last page'),
});

export const securitySummaryQuerySchema = z
  .object({
    from: securityEventsQuerySchema.shape.from,
    to: securityEventsQuerySchema.shape.to,
    top: z.coerce.number().int().min(1).max(50, 'must be at most 50').default(10).describe('users listed, at most 50'),
  })
  .strict();

const typeEnum = z.enum(SECURITY_EVENT_TYPES);
export const securitySummarySchema = z
  .object({
    from: z.string(),
    to: z.string(),
    bucketSeconds: z.number().int().describe('width of each point of the series'),
    byType: z.array(z.object({ type: typeEnum, events: z.number().int(), values: z.number().int() })),
    series: z.array(z.object({ time: z.string(), type: typeEnum, events: z.number().int(), values: z.number().int() })),
    topUsers: z.array(z.object({ userId: z.string(), events: z.number().int(), types: z.array(typeEnum) })),
  })
  .meta({ id: 'SecuritySummary' });

export const privacySettingsSchema = z
  .object({
    modes: z.record(z.enum(PII_TYPES), z.enum(REDACTION_MODES)),
    custom: z.array(z.object({ name: z.string(), pattern: z.string() })),
    gatewayInjection: z.enum(GATEWAY_INJECTION_POLICIES),
  })
  .meta({ id: 'PrivacySettings' });

export const privacyAnswerSchema = z.object({
  redact: z.boolean().describe('false: the instance turned redaction off (privacy.redact): values are stored as they come, whatever the settings'),
  settings: privacySettingsSchema,
  customised: z.boolean().describe("false: the instance's defaults (config file) apply to this project"),
  defaults: privacySettingsSchema,
});

export const privacyBodySchema = z.strictObject(privacySettingsInputSchema.shape, {
  error: (issue) => (issue.code === 'invalid_type' ? 'body: send a JSON object' : undefined),
});

export const privacyTestBodySchema = z.strictObject(
  {
    text: z.string({ error: 'must be the text to try' }).max(MAX_TEST_TEXT_CHARS, `must be at most ${MAX_TEST_TEXT_CHARS} characters`),
    settings: privacySettingsInputSchema.optional().describe("settings to try, merged over the project's (not saved)"),
  },
  { error: (issue) => (issue.code === 'invalid_type' ? 'body: send a JSON object' : undefined) },
);

export const privacyTestAnswerSchema = z.object({
  text: z.string().nullable().describe('the text as it would be stored; null when a drop setting (or a failed scan) removes the field'),
  failed: z.boolean(),
  findings: z.array(z.object({ type: z.enum(PII_TYPES), detector: z.string(), start: z.number().int(), end: z.number().int() })),
  injection: z
    .object({ kind: z.enum(['prompt_injection', 'jailbreak']), severity: z.enum(SECURITY_SEVERITIES), score: z.number(), rules: z.array(z.string()) })
    .nullable(),
});
