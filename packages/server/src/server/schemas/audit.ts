import { z } from 'zod';

// E4: the audit log's API (routes/audit.ts, docs/audit.md).

export const MAX_AUDIT_RANGE_DAYS = 400;
export const DEFAULT_AUDIT_RANGE_DAYS = 30;
export const MAX_AUDIT_LIMIT = 1000;
export const DEFAULT_AUDIT_LIMIT = 100;
// One export holds at most this many entries; a longer one ends with a line saying where to go on.
export const MAX_AUDIT_EXPORT_ENTRIES = 100_000;

const actorSchema = z
  .object({
    kind: z.enum(['user', 'key', 'local', 'system']).describe('a signed-in person, an API key, the keyless operator of a loopback-bound server, or Lookout itself'),
    id: z.string().nullable().describe("the person's user id or the key's id; null for the keyless operator, the system, and callers that were not recognised"),
    email: z.string().nullable().describe("a person's email at the time"),
  })
  .meta({ id: 'AuditActor' });

export const auditEntrySchema = z
  .object({
    id: z.string(),
    at: z.string().describe('when, RFC 3339 UTC'),
    projectId: z.string().describe("the project changed ('default' for instance-wide changes)"),
    actor: actorSchema,
    ip: z.string().nullable().describe("the client's address as the server saw it (X-Forwarded-For only with server.trustProxy)"),
    userAgent: z.string().nullable(),
    action: z.string().describe("what was done: '<resource>.<create|update|delete|verb>', '<action>.denied' for a refused attempt, 'session.login', ..."),
    target: z.string().nullable().describe('what was changed: a budget id, key id, rule id, ...'),
    method: z.string().nullable(),
    path: z.string().nullable().describe('the path, without its query string'),
    status: z.number().int().describe('the HTTP status of the answer'),
    details: z.record(z.string(), z.unknown()).nullable().describe('before/after for settings, the request body otherwise; secrets are "[redacted]"'),
  })
  .meta({ id: 'AuditEntry' });

const commonQuery = {
  from: z.string().optional().describe(`start (inclusive): an instant or a duration back from now ('7d'); default: ${DEFAULT_AUDIT_RANGE_DAYS} days before \`to\`; the range spans at most ${MAX_AUDIT_RANGE_DAYS} days`),
  to: z.string().optional().describe('end (exclusive): an instant or a duration back from now; default: now'),
  actor: z.string().min(1).max(320).optional().describe("a user id, key id or email: that caller's entries only"),
  action: z
    .string()
    .regex(/^[a-z0-9_.-]{1,128}$/, "must be an action such as 'budgets.update', or a prefix ending in '.' such as 'budgets.'")
    .optional()
    .describe("an action, or a prefix ending in '.' ('budgets.')"),
  project: z
    .string()
    .regex(/^(\*|[a-z0-9][a-z0-9_-]{0,62})$/, "must be a project id, or '*' for every project")
    .optional()
    .describe("another project's entries, or '*' for every project (the instance operator); default: the caller's project"),
};

export const auditQuerySchema = z
  .object({
    ...commonQuery,
    limit: z.coerce
      .number({ error: 'must be a whole number' })
      .int('must be a whole number')
      .min(1, 'must be at least 1')
      .max(MAX_AUDIT_LIMIT, `must be at most ${MAX_AUDIT_LIMIT}`)
      .default(DEFAULT_AUDIT_LIMIT)
      .describe(`entries per page, at most ${MAX_AUDIT_LIMIT} (default ${DEFAULT_AUDIT_LIMIT})`),
    before: z.string().max(512).optional().describe("the page after the one that gave this value as `next`"),
  })
  .strict();

export const auditExportQuerySchema = z
  .object({
    ...commonQuery,
    limit: z.coerce
      .number({ error: 'must be a whole number' })
      .int('must be a whole number')
      .min(1, 'must be at least 1')
      .max(MAX_AUDIT_EXPORT_ENTRIES, `must be at most ${MAX_AUDIT_EXPORT_ENTRIES}`)
      .optional()
      .describe(`entries at most (default and maximum ${MAX_AUDIT_EXPORT_ENTRIES})`),
    before: z.string().max(512).optional().describe('go on from where a truncated export stopped: the `before` of its last line'),
  })
  .strict();

export const auditPageSchema = z.object({
  entries: z.array(auditEntrySchema).describe('newest first'),
  next: z.string().nullable().describe('pass as `before` for the next (older) page; null on the last page'),
  from: z.string(),
  to: z.string(),
});
