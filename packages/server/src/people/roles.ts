import { ROLES, type OidcConfig, type Role } from '../config/auth.ts';
import { DEFAULT_PROJECT, type ProjectId } from '../store/project.ts';
import type { Membership } from '../store/people.ts';

// E4: who a person signed in by the identity provider is in Lookout: their claims read into an
// identity, the sign-in gates (verified email, allowed domains and groups) and the claim → role
// rules of `auth.oidc.roles` (docs/auth.md). Pure functions: the routes feed them the claims and
// the projects that exist.

// Bounds on what a provider may hand us: more groups than this are ignored, longer values too.
export const MAX_GROUPS = 1000;
const MAX_CLAIM_CHARS = 512;
const MAX_EMAIL_CHARS = 320;
const MAX_NAME_CHARS = 200;

export interface OidcIdentity {
  // Lower-cased; null when the provider sent none.
  email: string | null;
  // What the provider said; null when it said nothing.
  emailVerified: boolean | null;
  name: string | null;
  groups: string[];
}

// code: why, as the sign-in page is told (people/oidc.ts SIGN_IN_ERROR_CODES).
export type RoleDecision = { ok: true; memberships: Membership[] } | { ok: false; reason: string; code: 'no_email' | 'email_unverified' | 'not_allowed' | 'no_role' };

const RANK: Record<Role, number> = Object.fromEntries(ROLES.map((r, i) => [r, i])) as Record<Role, number>;

function text(value: unknown, max: number): string | null {
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  return trimmed && trimmed.length <= max ? trimmed : null;
}

// The claim by its name, or, when there is no claim of that name and the name has dots, by its
// path (Keycloak client roles: `resource_access.lookout.roles`).
export function claimAt(claims: Record<string, unknown>, name: string): unknown {
  if (Object.hasOwn(claims, name)) return claims[name];
  if (!name.includes('.')) return undefined;
  let at: unknown = claims;
  for (const part of name.split('.')) {
    if (at === null || typeof at !== 'object' || Array.isArray(at) || !Object.hasOwn(at, part)) return undefined;
    at = (at as Record<string, unknown>)[part];
  }
  return at;
}

// A list of strings, or one string (some providers send a single group bare).
export function groupsOf(claims: Record<string, unknown>, groupsClaim: string): string[] {
  const raw = claimAt(claims, groupsClaim);
  const values = typeof raw === 'string' ? [raw] : Array.isArray(raw) ? raw : [];
  const groups = new Set<string>();
  for (const v of values) {
    if (groups.size >= MAX_GROUPS) break;
    const g = text(v, MAX_CLAIM_CHARS);
    if (g !== null) groups.add(g);
  }
  return [...groups];
}

function verifiedOf(value: unknown): boolean | null {
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  return null;
}

// The person as the claims describe them (ID token claims, completed by userinfo).
export function identityFromClaims(claims: Record<string, unknown>, groupsClaim: string): OidcIdentity {
  const email = text(claims.email, MAX_EMAIL_CHARS);
  return {
    email: email !== null && /^[^\s@]+@[^\s@]+$/.test(email) ? email.toLowerCase() : null,
    emailVerified: verifiedOf(claims.email_verified),
    name: text(claims.name, MAX_NAME_CHARS) ?? text(claims.preferred_username, MAX_NAME_CHARS),
    groups: groupsOf(claims, groupsClaim),
  };
}

export function domainOf(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1);
}

// Whether the person may sign in at all: an email address, verified unless the provider is not
// asked to, and inside the allowed domains or groups when either list is set. A reason otherwise,
// worded for the person on the sign-in page.
export function admissionRefusal(cfg: OidcConfig, identity: OidcIdentity): string | null {
  if (identity.email === null) return `${cfg.name} did not give Lookout an email address for you: the email scope or claim is needed to sign in`;
  // Only an explicit email_verified: true passes: a provider that says nothing has not verified it.
  if (cfg.requireVerifiedEmail && identity.emailVerified !== true) {
    return identity.emailVerified === false
      ? `${cfg.name} says ${identity.email} is not verified: verify the address there and sign in again`
      : `${cfg.name} did not say that ${identity.email} is verified (no email_verified claim): Lookout needs a verified address (auth.oidc.requireVerifiedEmail)`;
  }
  const domains = cfg.allowedEmailDomains;
  const groups = cfg.allowedGroups;
  if (domains.length === 0 && groups.length === 0) return null;
  if (domains.includes(domainOf(identity.email))) return null;
  if (groups.some((g) => identity.groups.includes(g))) return null;
  const what = [domains.length > 0 ? `an email address in ${domains.join(', ')}` : null, groups.length > 0 ? `membership of ${groups.join(', ')}` : null].filter(Boolean).join(' or ');
  return `${identity.email} may not sign in to Lookout: it needs ${what}`;
}

// The roles the rules give: per project, the highest role of every matching rule ('*' is each
// project in `projects`); no rule matching, `defaultRole` in `defaultProject`. Sorted by project.
export function rolesFor(cfg: OidcConfig, identity: OidcIdentity, projects: readonly ProjectId[]): Membership[] {
  const email = identity.email;
  const best = new Map<ProjectId, Role>();
  const give = (project: ProjectId, role: Role) => {
    const have = best.get(project);
    if (have === undefined || RANK[role] > RANK[have]) best.set(project, role);
  };
  let matched = false;
  for (const rule of cfg.roles) {
    const hit =
      (rule.group !== undefined && identity.groups.includes(rule.group)) ||
      (rule.email !== undefined && email !== null && email === rule.email) ||
      (rule.domain !== undefined && email !== null && domainOf(email) === rule.domain);
    if (!hit) continue;
    matched = true;
    if (rule.project === '*') for (const p of projects) give(p, rule.role);
    else give(rule.project as ProjectId, rule.role);
  }
  if (!matched && cfg.defaultRole !== null) give(cfg.defaultProject as ProjectId, cfg.defaultRole);
  return [...best].map(([projectId, role]) => ({ projectId, role })).sort((a, b) => (a.projectId < b.projectId ? -1 : a.projectId > b.projectId ? 1 : 0));
}

// The whole decision at sign-in: refused with a reason, or the person's memberships. `projects`
// are the projects that exist; the default project always does.
export function decideRoles(cfg: OidcConfig, identity: OidcIdentity, projects: readonly ProjectId[]): RoleDecision {
  const refusal = admissionRefusal(cfg, identity);
  if (refusal !== null) {
    const code = identity.email === null ? 'no_email' : cfg.requireVerifiedEmail && identity.emailVerified !== true ? 'email_unverified' : 'not_allowed';
    return { ok: false, reason: refusal, code };
  }
  const all = projects.includes(DEFAULT_PROJECT) ? projects : [DEFAULT_PROJECT, ...projects];
  const memberships = rolesFor(cfg, identity, all);
  if (memberships.length === 0) return { ok: false, code: 'no_role', reason: `${identity.email} has no role in Lookout: ask an administrator to add you to a group that has one` };
  return { ok: true, memberships };
}
