import { z } from 'zod';
import { SECOND_MS, tryParseDuration } from '../domain/time.ts';

// E4: how people sign in (docs/auth.md): server-side sessions, local accounts, and one OpenID
// Connect provider; and how long the audit log is kept. API keys are configured elsewhere
// (`requireApiKeys`) and keep working beside all of this.

export const ROLES = ['viewer', 'member', 'admin'] as const;
export type Role = (typeof ROLES)[number];

const flag = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]);
const list = <T extends z.ZodTypeAny>(item: T) =>
  z.preprocess((v) => (typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter(Boolean) : v), z.array(item));
const duration = (min: number, example: string) =>
  z.string().refine((v) => (tryParseDuration(v) ?? 0) >= min, `must be a duration of at least ${min / SECOND_MS}s, such as '${example}'`);
const projectId = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, "must be a project id such as 'default'");
const publicUrl = z.string().refine((v) => {
  try {
    const u = new URL(v);
    return (u.protocol === 'http:' || u.protocol === 'https:') && !u.search && !u.hash;
  } catch {
    return false;
  }
}, "must be an http(s) URL without a query, such as 'https://lookout.example.com'");

// One rule of the claim → role mapping: a person matching it gets `role` in `project` ('*': every
// project). A rule names exactly one of a group (in the groups claim), an email address or an
// email domain. A person gets the highest role any rule gives them per project.
const roleRuleSchema = z
  .object({
    group: z.string().min(1).max(512).optional(),
    email: z.string().min(3).max(320).transform((v) => v.toLowerCase()).optional(),
    domain: z.string().min(1).max(253).transform((v) => v.toLowerCase().replace(/^@/, '')).optional(),
    project: z.union([projectId, z.literal('*')]).default('default'),
    role: z.enum(ROLES),
  })
  .strict()
  .refine((r) => [r.group, r.email, r.domain].filter((v) => v !== undefined).length === 1, 'must name exactly one of group, email or domain');
export type RoleRule = z.output<typeof roleRuleSchema>;

const oidcSchema = z
  .object({
    // The provider's issuer URL (its discovery document is at <issuer>/.well-known/openid-configuration).
    issuer: publicUrl,
    clientId: z.string().min(1).max(512),
    // Confidential clients; null for a public client (PKCE only).
    clientSecret: z.string().min(1).max(4096).nullable().default(null),
    // Shown on the sign-in button: "Sign in with <name>".
    name: z.string().min(1).max(64).default('single sign-on'),
    scopes: list(z.string().regex(/^[\x21-\x7e]+$/)).default(['openid', 'email', 'profile']),
    // The claim holding the person's groups (Keycloak, Okta, Authentik: 'groups'; Entra ID: 'groups' or 'roles').
    groupsClaim: z.string().min(1).max(256).default('groups'),
    // Who may sign in at all: an email domain or group from these lists (empty lists: anyone the
    // provider signs in, who still needs a role from `roles` or `defaultRole`).
    allowedEmailDomains: list(z.string().min(1).max(253).transform((v) => v.toLowerCase().replace(/^@/, ''))).default([]),
    allowedGroups: list(z.string().min(1).max(512)).default([]),
    // Providers that send email_verified: false are refused unless this is off.
    requireVerifiedEmail: flag.default(true),
    roles: z.array(roleRuleSchema).max(1000).default([]),
    // The role of a person no rule matches, in `defaultProject`; null: such a person cannot sign in.
    defaultRole: z.enum(ROLES).nullable().default(null),
    defaultProject: projectId.default('default'),
  })
  .strict();
export type OidcConfig = z.output<typeof oidcSchema>;

export const AUTH_DEFAULTS = {
  publicUrl: null,
  sessions: { ttl: '12h', idleTimeout: '2h', cookieName: 'lookout_session', secure: 'auto' as const, secret: null },
  local: { enabled: true, maxAttemptsPerMinute: 5 },
  oidc: null,
};

export const authConfigSchema = z
  .object({
    // The URL people reach the UI at (the OIDC redirect URI is <publicUrl>/auth/oidc/callback);
    // needed with oidc, and behind a proxy.
    publicUrl: publicUrl.nullable().default(null),
    sessions: z
      .object({
        // A session ends this long after sign-in, however active.
        ttl: duration(SECOND_MS, '12h').default('12h'),
        // ...or after this long without a request.
        idleTimeout: duration(SECOND_MS, '2h').default('2h'),
        cookieName: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be letters, digits, - or _').default('lookout_session'),
        // 'auto': Secure when publicUrl is https or the request came over TLS.
        secure: z.union([z.literal('auto'), flag]).default('auto'),
        // Signs the session cookie; at least 32 characters. Unset: made once and kept in the data
        // directory (DuckDB) or the shared store (ClickHouse), so every node uses the same.
        secret: z.string().min(32, 'must be at least 32 characters').max(4096).nullable().default(null),
      })
      .strict()
      .default(AUTH_DEFAULTS.sessions),
    local: z
      .object({
        // Local accounts (`lookout users add`) can sign in with a password.
        enabled: flag.default(true),
        // Failed sign-ins per email address and per client address per minute before 429.
        maxAttemptsPerMinute: z.coerce.number().int().min(1).max(1000).default(5),
      })
      .strict()
      .default(AUTH_DEFAULTS.local),
    oidc: oidcSchema.nullable().default(null),
  })
  .strict()
  .superRefine((a, ctx) => {
    if (a.oidc && !a.publicUrl) ctx.addIssue({ code: 'custom', path: ['publicUrl'], message: 'is required with auth.oidc: the redirect URI is <publicUrl>/auth/oidc/callback (LOOKOUT_PUBLIC_URL)' });
    // Browsers keep a `__Host-` or `__Secure-` cookie only when it is Secure, set over https.
    const prefix = /^__(Host|Secure)-/i.exec(a.sessions.cookieName)?.[0];
    if (prefix && (a.sessions.secure === false || /^http:/i.test(a.publicUrl ?? ''))) {
      const why = a.sessions.secure === false ? 'sessions.secure is false' : `publicUrl ${a.publicUrl} is not https`;
      ctx.addIssue({ code: 'custom', path: ['sessions', 'cookieName'], message: `a name starting with ${prefix} is kept by browsers only as a Secure cookie over https, but ${why}: serve Lookout over https, or choose a name without the prefix` });
    }
  });
export type AuthConfig = z.output<typeof authConfigSchema>;

export const AUDIT_DEFAULTS = { retentionDays: 400 };
export const auditConfigSchema = z
  .object({
    // Audit entries older than this are deleted (daily); independent of span retention.
    retentionDays: z.coerce.number().int().min(1).max(36_500).default(AUDIT_DEFAULTS.retentionDays),
  })
  .strict();

export const AUTH_ENV_VARS: Record<string, string[]> = {
  LOOKOUT_PUBLIC_URL: ['auth', 'publicUrl'],
  LOOKOUT_SESSION_TTL: ['auth', 'sessions', 'ttl'],
  LOOKOUT_SESSION_IDLE_TIMEOUT: ['auth', 'sessions', 'idleTimeout'],
  LOOKOUT_SESSION_SECRET: ['auth', 'sessions', 'secret'],
  LOOKOUT_SESSION_SECURE: ['auth', 'sessions', 'secure'],
  LOOKOUT_LOCAL_LOGIN: ['auth', 'local', 'enabled'],
  LOOKOUT_OIDC_ISSUER: ['auth', 'oidc', 'issuer'],
  LOOKOUT_OIDC_CLIENT_ID: ['auth', 'oidc', 'clientId'],
  LOOKOUT_OIDC_CLIENT_SECRET: ['auth', 'oidc', 'clientSecret'],
  LOOKOUT_OIDC_NAME: ['auth', 'oidc', 'name'],
  LOOKOUT_OIDC_ALLOWED_EMAIL_DOMAINS: ['auth', 'oidc', 'allowedEmailDomains'],
  LOOKOUT_OIDC_ALLOWED_GROUPS: ['auth', 'oidc', 'allowedGroups'],
  LOOKOUT_OIDC_DEFAULT_ROLE: ['auth', 'oidc', 'defaultRole'],
  LOOKOUT_AUDIT_RETENTION_DAYS: ['audit', 'retentionDays'],
};
