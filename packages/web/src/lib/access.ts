// What the caller of this browser may change, from the grant the server answers with (GET
// /api/v1/project: a key's scope, or a person's role — viewer is read) and who they are (GET
// /api/v1/me). The server decides every request; this only disables the controls it would refuse
// and says what role or key they need.

import type { Grant, Me, Role } from '../api/types.ts';

export interface Access {
  grant: Grant;
  // A signed-in person (not a key, not the keyless operator).
  person: boolean;
  userId: string | null;
  projectId: string;
  // The instance operator: an admin of the default project (a key, a person, or keyless loopback).
  operator: boolean;
}

const RANK: Record<Grant, number> = { ingest: 0, read: 1, member: 2, admin: 3 };
const ROLE_OF_GRANT: Record<Grant, Role | null> = { ingest: null, read: 'viewer', member: 'member', admin: 'admin' };

export function roleOf(grant: Grant): Role | null {
  return ROLE_OF_GRANT[grant];
}

export function accessOf(project: { project: { id: string }; scope: string }, me: Me | null): Access {
  const grant = (project.scope in RANK ? project.scope : 'read') as Grant;
  const person = me?.kind === 'user';
  return {
    grant,
    person,
    userId: person ? (me?.user?.id ?? null) : null,
    projectId: project.project.id,
    operator: me ? me.operator : grant === 'admin' && project.project.id === 'default',
  };
}

// ingest < read < member < admin; an ingest key reads nothing and changes nothing here.
export function allows(access: Access, needed: 'member' | 'admin'): boolean {
  return access.grant !== 'ingest' && RANK[access.grant] >= RANK[needed];
}

// Prompts are the work of the project's engineers: a person with the member role pushes versions
// and moves labels; a key needs admin (no key is a member).
export function canWritePrompts(access: Access): boolean {
  return allows(access, access.person ? 'member' : 'admin');
}

// Budgets record who created them (`createdBy`: the actor id, e.g. the person's user id); a member
// changes and deletes only their own, an admin any.
export function isOwnBudget(access: Access, createdBy: string | null | undefined): boolean {
  if (!access.userId || !createdBy) return false;
  return createdBy === access.userId || createdBy === `user:${access.userId}`;
}

// What a member may set (the server's rule, server/routes/budgets.ts): budgets that only warn, of
// the project, a team or a department. Enforcing (hard) and user budgets are an admin's.
export const MEMBER_BUDGET_SCOPES: readonly string[] = ['project', 'team', 'department'];
export const MEMBER_BUDGET_LIMITS = 'A member sets only budgets that warn (soft) of the project, a team or a department: enforcing (hard) budgets and user budgets need the admin role.';

export function memberMaySet(budget: { scope?: string; enforce?: string }): boolean {
  return budget.enforce !== 'hard' && (budget.scope === undefined || MEMBER_BUDGET_SCOPES.includes(budget.scope));
}

export function canChangeBudget(access: Access, budget: { createdBy?: string | null; scope?: string; enforce?: string }): boolean {
  if (allows(access, 'admin')) return true;
  return allows(access, 'member') && access.person && isOwnBudget(access, budget.createdBy) && memberMaySet(budget);
}

// A disabled control's title: what it needs, said to a person in roles and to a key in scopes.
export function needs(access: Access, needed: 'member' | 'admin' | 'operator', what: string): string {
  if (access.person) {
    const have = roleOf(access.grant) ?? access.grant;
    if (needed === 'operator') return `${cap(what)} needs the admin role in the default project (the instance operator); your role in ${access.projectId} is ${have}.`;
    return `${cap(what)} needs the ${needed === 'member' ? 'member (or admin)' : 'admin'} role in project ${access.projectId}; your role is ${have}.`;
  }
  if (needed === 'operator') return `${cap(what)} needs the instance operator: an admin key of the default project.`;
  return `This key has ${access.grant} scope: ${what} needs ${needed === 'member' ? 'a member or admin' : 'an admin'} ${needed === 'member' ? 'role or an admin key' : 'key'}.`;
}

// A budget a member did not create: said plainly.
export function budgetNeeds(access: Access, budget?: { createdBy?: string | null; scope?: string; enforce?: string }): string {
  if (allows(access, 'member') && access.person && !allows(access, 'admin')) {
    if (budget && isOwnBudget(access, budget.createdBy) && !memberMaySet(budget)) return `Only an admin changes this budget. ${MEMBER_BUDGET_LIMITS}`;
    return 'Only its creator or an admin changes this budget: you are a member and did not create it.';
  }
  return needs(access, 'admin', 'changing a budget');
}

// The notice at the top of a page the caller may only partly change; null when they may change it all.
export function readOnlyNotice(access: Access, what: string, needed: 'member' | 'admin' = 'admin'): string | null {
  if (allows(access, needed)) return null;
  if (access.person) {
    const have = roleOf(access.grant) ?? access.grant;
    return `Your role in project ${access.projectId} is ${have}: you can see ${what} but not change them. Changing them needs the ${needed} role — ask an admin of the project.`;
  }
  return `This key has ${access.grant} scope: you can see ${what} but not change them. Changing them needs an admin key.`;
}

function cap(s: string): string {
  return s ? s[0].toUpperCase() + s.slice(1) : s;
}
