import { describe, expect, it } from 'vitest';
import type { Member } from '../../api/types.ts';
import { memberRows } from './members.ts';

const member = (id: string, source: Member['source'], memberships: Member['memberships'], accountEditable = true): Member => ({
  id,
  email: `${id}@example.com`,
  name: null,
  source,
  memberships,
  createdAt: '2026-01-01T00:00:00.000Z',
  lastSignInAt: null,
  disabled: false,
  accountEditable,
});

describe('members of a project', () => {
  it("lists those with a role in the project, sorted by email, with the project's role; OIDC roles are read-only", () => {
    const rows = memberRows(
      [
        member('zoe', 'local', [{ projectId: 'acme', role: 'admin' }]),
        member('bob', 'oidc', [
          { projectId: 'default', role: 'admin' },
          { projectId: 'acme', role: 'viewer' },
        ]),
        member('other', 'local', [{ projectId: 'default', role: 'member' }]),
      ],
      'acme',
      'zoe',
    );
    expect(rows.map((r) => [r.member.id, r.role, r.roleEditable, r.self])).toEqual([
      ['bob', 'viewer', false, false],
      ['zoe', 'admin', true, true],
    ]);
  });

  it("lets the caller change an account only where the server says so (a project admin is not told of the person's other roles)", () => {
    // As a project admin sees them: only the role in acme, and the server's word on the account.
    const people = [member('solo', 'local', [{ projectId: 'acme', role: 'member' }], true), member('both', 'local', [{ projectId: 'acme', role: 'member' }], false)];
    expect(memberRows(people, 'acme', null).map((r) => [r.member.id, r.accountEditable])).toEqual([
      ['both', false],
      ['solo', true],
    ]);
    // As the operator sees them: every role, and every account editable.
    const all = [member('both', 'local', [{ projectId: 'acme', role: 'member' }, { projectId: 'beta', role: 'admin' }], true)];
    expect(memberRows(all, 'acme', null).every((r) => r.accountEditable)).toBe(true);
  });
});
