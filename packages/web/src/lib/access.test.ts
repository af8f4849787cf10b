import { describe, expect, it } from 'vitest';
import type { Me } from '../api/types.ts';
import { accessOf, allows, budgetNeeds, canChangeBudget, canWritePrompts, needs, readOnlyNotice } from './access.ts';

// Which change controls a caller gets, from the grant the server answers with and who they are.

const person = (grant: Me['grant'], id = 'u-1', project = 'acme'): Me => ({
  kind: 'user',
  user: { id, email: `${id}@example.com`, name: null },
  projectId: project,
  grant,
  role: grant === 'read' ? 'viewer' : grant === 'member' ? 'member' : grant === 'admin' ? 'admin' : null,
  operator: false,
  memberships: [{ projectId: project, role: 'viewer' }],
  csrfToken: 't',
});
const project = (scope: string, id = 'acme') => ({ project: { id }, scope });
const key = (scope: string, id = 'acme') => accessOf(project(scope, id), { kind: 'key', user: null, projectId: id, grant: scope as Me['grant'], role: null, operator: false, memberships: [], csrfToken: null });

describe('roles and scopes', () => {
  it('a viewer changes nothing, a member silences and creates budgets, an admin does everything', () => {
    const viewer = accessOf(project('read'), person('read'));
    const member = accessOf(project('member'), person('member'));
    const admin = accessOf(project('admin'), person('admin'));
    expect([allows(viewer, 'member'), allows(viewer, 'admin')]).toEqual([false, false]);
    expect([allows(member, 'member'), allows(member, 'admin')]).toEqual([true, false]);
    expect([allows(admin, 'member'), allows(admin, 'admin')]).toEqual([true, true]);
  });

  it('an ingest key changes nothing; a read key is a viewer; an admin key is an admin', () => {
    expect(allows(key('ingest'), 'member')).toBe(false);
    expect(allows(key('read'), 'member')).toBe(false);
    expect(allows(key('admin'), 'admin')).toBe(true);
  });

  it('a member changes only the budgets they created; an admin any; a viewer none', () => {
    const member = accessOf(project('member'), person('member', 'u-7'));
    expect(canChangeBudget(member, { createdBy: 'u-7' })).toBe(true);
    expect(canChangeBudget(member, { createdBy: 'u-8' })).toBe(false);
    expect(canChangeBudget(member, { createdBy: null })).toBe(false);
    // Their own, but enforcing or a user budget: an admin's (the server refuses it too).
    expect(canChangeBudget(member, { createdBy: 'u-7', scope: 'team', enforce: 'soft' })).toBe(true);
    expect(canChangeBudget(member, { createdBy: 'u-7', scope: 'team', enforce: 'hard' })).toBe(false);
    expect(canChangeBudget(member, { createdBy: 'u-7', scope: 'user', enforce: 'soft' })).toBe(false);
    expect(budgetNeeds(member, { createdBy: 'u-7', scope: 'project', enforce: 'hard' })).toMatch(/only an admin changes this budget.*enforcing \(hard\) budgets and user budgets need the admin role/i);
    expect(canChangeBudget(member, {})).toBe(false);
    expect(canChangeBudget(accessOf(project('admin'), person('admin', 'u-9')), { createdBy: 'u-7' })).toBe(true);
    expect(canChangeBudget(accessOf(project('read'), person('read', 'u-7')), { createdBy: 'u-7' })).toBe(false);
    // A key is never a member: an admin key changes any budget, a read key none.
    expect(canChangeBudget(key('admin'), { createdBy: 'u-7' })).toBe(true);
    expect(canChangeBudget(key('read'), { createdBy: 'key-1' })).toBe(false);
  });

  it('prompts: a member person writes them, a key needs admin', () => {
    expect(canWritePrompts(accessOf(project('member'), person('member')))).toBe(true);
    expect(canWritePrompts(accessOf(project('read'), person('read')))).toBe(false);
    expect(canWritePrompts(key('read'))).toBe(false);
    expect(canWritePrompts(key('admin'))).toBe(true);
  });

  it('the keyless operator (no /me answer) is an admin, and the operator only in the default project', () => {
    const local = accessOf(project('admin', 'default'), null);
    expect(allows(local, 'admin')).toBe(true);
    expect(local.operator).toBe(true);
    expect(accessOf(project('admin', 'acme'), null).operator).toBe(false);
    expect(accessOf(project('member'), person('member')).person).toBe(true);
  });
});

describe('what a disabled control says', () => {
  it('names the role to a person and the key scope to a key', () => {
    const viewer = accessOf(project('read'), person('read'));
    expect(needs(viewer, 'member', 'creating a budget')).toBe('Creating a budget needs the member (or admin) role in project acme; your role is viewer.');
    expect(needs(viewer, 'admin', 'changing tiers')).toBe('Changing tiers needs the admin role in project acme; your role is viewer.');
    expect(needs(key('read'), 'admin', 'changing tiers')).toBe('This key has read scope: changing tiers needs an admin key.');
    expect(budgetNeeds(accessOf(project('member'), person('member')))).toMatch(/only its creator or an admin/i);
    expect(readOnlyNotice(viewer, 'budgets', 'member')).toBe(
      'Your role in project acme is viewer: you can see budgets but not change them. Changing them needs the member role — ask an admin of the project.',
    );
    expect(readOnlyNotice(key('read'), 'settings')).toBe('This key has read scope: you can see settings but not change them. Changing them needs an admin key.');
    expect(readOnlyNotice(accessOf(project('admin'), person('admin')), 'settings')).toBeNull();
  });
});
