import { describe, expect, it } from 'vitest';
import { authConfigSchema, type OidcConfig } from '../config/auth.ts';
import { projectId } from '../store/project.ts';
import { admissionRefusal, decideRoles, groupsOf, identityFromClaims, MAX_GROUPS, rolesFor, type OidcIdentity } from './roles.ts';

function oidc(extra: Record<string, unknown> = {}): OidcConfig {
  const parsed = authConfigSchema.parse({ publicUrl: 'https://lookout.example.com', oidc: { issuer: 'https://idp.example.com', clientId: 'lookout', name: 'Acme SSO', ...extra } });
  return parsed.oidc!;
}

const person = (p: Partial<OidcIdentity>): OidcIdentity => ({ email: 'ann@acme.test', emailVerified: true, name: 'Ann', groups: [], ...p });
const projects = ['checkout', 'default', 'search'].map(projectId);

describe('reading the claims', () => {
  it('takes email (lower-cased), email_verified, name and the groups claim', () => {
    expect(identityFromClaims({ sub: '1', email: 'Ann@Acme.TEST', email_verified: true, name: 'Ann A', groups: ['a', 'b', 'a'] }, 'groups')).toEqual({
      email: 'ann@acme.test',
      emailVerified: true,
      name: 'Ann A',
      groups: ['a', 'b'],
    });
  });

  it('reads a single group sent bare, a dotted path when no claim has that name, and "false" as unverified', () => {
    expect(groupsOf({ groups: 'admins' }, 'groups')).toEqual(['admins']);
    expect(groupsOf({ resource_access: { lookout: { roles: ['admin'] } } }, 'resource_access.lookout.roles')).toEqual(['admin']);
    expect(groupsOf({ 'resource_access.lookout.roles': ['flat'], resource_access: { lookout: { roles: ['nested'] } } }, 'resource_access.lookout.roles')).toEqual(['flat']);
    expect(identityFromClaims({ email: 'a@b.c', email_verified: 'false' }, 'groups').emailVerified).toBe(false);
    expect(identityFromClaims({ email: 'a@b.c' }, 'groups').emailVerified).toBeNull();
  });

  it('ignores what is not usable: a malformed email, non-string groups, more groups than the bound', () => {
    const id = identityFromClaims({ email: 'not an email', name: 42, preferred_username: 'ann', groups: [1, null, 'ok', { x: 1 }] }, 'groups');
    expect(id).toEqual({ email: null, emailVerified: null, name: 'ann', groups: ['ok'] });
    const many = Array.from({ length: MAX_GROUPS + 50 }, (_, i) => `g${i}`);
    expect(groupsOf({ groups: many }, 'groups')).toHaveLength(MAX_GROUPS);
    expect(groupsOf({ groups: { a: 1 } }, 'groups')).toEqual([]);
  });
});

describe('who may sign in', () => {
  it('refuses a person without an email address, and an unverified one unless told not to', () => {
    expect(admissionRefusal(oidc(), person({ email: null }))).toMatch(/did not give Lookout an email address/);
    expect(admissionRefusal(oidc(), person({ emailVerified: false }))).toMatch(/ann@acme\.test is not verified/);
    expect(admissionRefusal(oidc({ requireVerifiedEmail: false }), person({ emailVerified: false }))).toBeNull();
    // No email_verified claim: not verified, unless the check is off.
    expect(admissionRefusal(oidc(), person({ emailVerified: null }))).toMatch(/did not say that ann@acme\.test is verified/);
    expect(admissionRefusal(oidc({ requireVerifiedEmail: false }), person({ emailVerified: null }))).toBeNull();
  });

  it('lets in a person from an allowed domain or an allowed group, and names what is needed otherwise', () => {
    const cfg = oidc({ allowedEmailDomains: ['acme.test'], allowedGroups: ['contractors'] });
    expect(admissionRefusal(cfg, person({}))).toBeNull();
    expect(admissionRefusal(cfg, person({ email: 'bob@other.test', groups: ['contractors'] }))).toBeNull();
    expect(admissionRefusal(cfg, person({ email: 'bob@other.test', groups: ['staff'] }))).toBe('bob@other.test may not sign in to Lookout: it needs an email address in acme.test or membership of contractors');
    // A subdomain is another domain.
    expect(admissionRefusal(oidc({ allowedEmailDomains: ['acme.test'] }), person({ email: 'ann@eu.acme.test' }))).toMatch(/needs an email address in acme\.test$/);
  });
});

describe('the claim → role rules', () => {
  const cfg = oidc({
    roles: [
      { group: 'lookout-admins', project: '*', role: 'admin' },
      { group: 'checkout-team', project: 'checkout', role: 'member' },
      { domain: 'acme.test', project: 'default', role: 'viewer' },
      { email: 'CFO@acme.test', project: 'checkout', role: 'viewer' },
    ],
  });

  it("gives each matching rule's role; '*' is every project that exists", () => {
    expect(rolesFor(cfg, person({ groups: ['lookout-admins'] }), projects)).toEqual([
      { projectId: 'checkout', role: 'admin' },
      { projectId: 'default', role: 'admin' },
      { projectId: 'search', role: 'admin' },
    ]);
    expect(rolesFor(cfg, person({ email: 'cfo@acme.test' }), projects)).toEqual([
      { projectId: 'checkout', role: 'viewer' },
      { projectId: 'default', role: 'viewer' },
    ]);
  });

  it('keeps the highest role per project whatever the order of the rules', () => {
    const expected = [
      { projectId: 'checkout', role: 'member' },
      { projectId: 'default', role: 'viewer' },
    ];
    expect(rolesFor(cfg, person({ email: 'cfo@acme.test', groups: ['checkout-team'] }), projects)).toEqual(expected);
    const reversed = oidc({ roles: [...cfg.roles].reverse() });
    expect(rolesFor(reversed, person({ email: 'cfo@acme.test', groups: ['checkout-team'] }), projects)).toEqual(expected);
  });

  it('gives defaultRole in defaultProject only when no rule matched', () => {
    const withDefault = oidc({ ...cfg, roles: cfg.roles, defaultRole: 'viewer', defaultProject: 'search' });
    expect(rolesFor(withDefault, person({ email: 'x@else.test' }), projects)).toEqual([{ projectId: 'search', role: 'viewer' }]);
    expect(rolesFor(withDefault, person({ email: 'x@else.test', groups: ['checkout-team'] }), projects)).toEqual([{ projectId: 'checkout', role: 'member' }]);
    expect(rolesFor(cfg, person({ email: 'x@else.test' }), projects)).toEqual([]);
  });

  it('refuses, with the reason, a person the gates keep out or no rule gives a role; the default project is always one of them', () => {
    expect(decideRoles(cfg, person({ email: 'x@else.test' }), projects)).toEqual({ ok: false, code: 'no_role', reason: 'x@else.test has no role in Lookout: ask an administrator to add you to a group that has one' });
    expect(decideRoles(oidc({ ...cfg, roles: cfg.roles, allowedGroups: ['staff'] }), person({ groups: ['lookout-admins'] }), projects)).toMatchObject({ ok: false, reason: expect.stringMatching(/needs membership of staff/) });
    expect(decideRoles(cfg, person({ groups: ['lookout-admins'] }), [projectId('search')])).toEqual({
      ok: true,
      memberships: [
        { projectId: 'default', role: 'admin' },
        { projectId: 'search', role: 'admin' },
      ],
    });
  });
});
