import type { Member, Role } from '../../api/types.ts';

// The members table of the settings page, as data: each person's role in the project shown, and
// what an admin may change about them. A person who signs in with the identity provider gets
// their role from its claims at every sign-in: changing it here would not last, so it is shown
// read-only.

export interface MemberRow {
  member: Member;
  role: Role | null;
  // The role may be changed here (local accounts).
  roleEditable: boolean;
  self: boolean;
  // The account itself (disabled, name, password) may be changed by the caller: the operator's
  // for anyone, a project admin's only for people with no role in another project. The server
  // says so (accountEditable), as it does not tell a project admin of the person's other roles.
  accountEditable: boolean;
}

export const ACCOUNT_ELSEWHERE = 'They also have a role in another project: only the instance operator disables their account (you can remove them from this project)';

export function memberRows(members: readonly Member[], projectId: string, selfId: string | null): MemberRow[] {
  return members
    .map((m) => ({
      member: m,
      role: m.memberships.find((x) => x.projectId === projectId)?.role ?? null,
      roleEditable: m.source === 'local',
      self: selfId !== null && m.id === selfId,
      accountEditable: m.accountEditable,
    }))
    .filter((r) => r.role !== null)
    .sort((a, b) => a.member.email.localeCompare(b.member.email));
}
