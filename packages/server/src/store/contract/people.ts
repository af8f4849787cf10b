import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LookoutError } from '../../errors.ts';
import { failure } from './fixtures.ts';
import { projectId, type NewUser, type Store, type StoredSession } from '../store.ts';

// E4: people, their roles per project and their sessions, alike on every backend. `otherNode`
// opens a second store on the same data, as a second Lookout node would (a backend several nodes
// share); without it the concurrent creations all go through one store.
export interface PeopleContractOptions {
  otherNode?: (store: Store) => Promise<Store>;
}

const A = projectId('alpha');
const B = projectId('beta');
const HOUR = 3_600_000;

function person(email: string, over: Partial<NewUser> = {}): NewUser {
  return { email, name: null, source: 'local', passwordHash: null, memberships: [], ...over };
}

function session(id: string, userId: string, expiresMs: number, data = '{"userId":"x"}'): StoredSession {
  return { id, userId, data, createdAt: new Date(expiresMs - HOUR).toISOString(), expiresAt: new Date(expiresMs).toISOString() };
}

export function peopleContract(name: string, open: () => Promise<Store>, options: PeopleContractOptions = {}): void {
  describe(`store contract (people): ${name}`, () => {
    let store: Store;
    const others: Store[] = [];
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      for (const o of others.splice(0)) await o.close();
      await store.close();
    });

    it('creates a user with a lower-cased email, keeps the password hash out of the answer and finds them by id and any-case email', async () => {
      const before = Date.now();
      const created = await store.people.createUser(
        person('  Ada.Lovelace@Example.COM ', {
          name: 'Ada',
          passwordHash: 'scrypt$abc',
          memberships: [
            { projectId: B, role: 'viewer' },
            { projectId: A, role: 'admin' },
          ],
        }),
      );
      expect(created).toEqual({
        id: expect.any(String),
        email: 'ada.lovelace@example.com',
        name: 'Ada',
        source: 'local',
        memberships: [
          { projectId: A, role: 'admin' },
          { projectId: B, role: 'viewer' },
        ],
        createdAt: expect.any(String),
        lastSignInAt: null,
        disabledAt: null,
        sessionsValidFrom: null,
        oidcIssuer: null,
        oidcSubject: null,
      });
      expect(Date.parse(created.createdAt)).toBeGreaterThanOrEqual(before - 1000);
      expect(Date.parse(created.createdAt)).toBeLessThanOrEqual(Date.now() + 1000);
      expect(await store.people.getUser(created.id)).toEqual({ ...created, passwordHash: 'scrypt$abc' });
      expect(await store.people.findUserByEmail('ADA.lovelace@example.com')).toEqual({ ...created, passwordHash: 'scrypt$abc' });
      expect(await store.people.getUser('no-such-id')).toBeNull();
      expect(await store.people.findUserByEmail('nobody@example.com')).toBeNull();
    });

    it('refuses a second user of the same email, in any case, and two roles in one project', async () => {
      await store.people.createUser(person('grace@example.com', { source: 'oidc' }));
      const taken = await failure(store.people.createUser(person('Grace@Example.com')));
      expect(taken.code).toBe('conflict');
      expect(taken.message).toContain('grace@example.com');
      const twice = await failure(
        store.people.createUser(
          person('linus@example.com', {
            memberships: [
              { projectId: A, role: 'viewer' },
              { projectId: A, role: 'admin' },
            ],
          }),
        ),
      );
      expect(twice).toMatchObject({ code: 'invalid_request' });
      expect(twice.message).toContain("'alpha'");
      expect(await store.people.findUserByEmail('linus@example.com')).toBeNull();
      expect((await store.people.listUsers()).map((u) => u.email)).toEqual(['grace@example.com']);
    });

    it('lists every user by email, or those with a role in one project, with all their memberships', async () => {
      const zed = await store.people.createUser(person('zed@example.com', { memberships: [{ projectId: A, role: 'member' }] }));
      const amy = await store.people.createUser(
        person('amy@example.com', {
          memberships: [
            { projectId: A, role: 'viewer' },
            { projectId: B, role: 'admin' },
          ],
        }),
      );
      const bob = await store.people.createUser(person('bob@example.com', { memberships: [{ projectId: B, role: 'member' }] }));
      const none = await store.people.createUser(person('nora@example.com'));
      expect((await store.people.listUsers()).map((u) => u.id)).toEqual([amy.id, bob.id, none.id, zed.id]);
      const inA = await store.people.listUsers(A);
      expect(inA.map((u) => u.email)).toEqual(['amy@example.com', 'zed@example.com']);
      expect(inA[0].memberships).toEqual([
        { projectId: A, role: 'viewer' },
        { projectId: B, role: 'admin' },
      ]);
      expect(inA.every((u) => !('passwordHash' in u))).toBe(true);
      expect((await store.people.listUsers(projectId('gamma'))).length).toBe(0);
    });

    it('updates a user: name, password, memberships as a whole, last sign-in, and disabling that keeps its first time', async () => {
      const u = await store.people.createUser(
        person('kim@example.com', {
          name: 'Kim',
          passwordHash: 'old',
          memberships: [
            { projectId: A, role: 'viewer' },
            { projectId: B, role: 'member' },
          ],
        }),
      );
      const gamma = projectId('gamma');
      const updated = await store.people.updateUser(u.id, {
        name: 'Kim Lee',
        passwordHash: 'new',
        memberships: [
          { projectId: gamma, role: 'viewer' },
          { projectId: A, role: 'admin' },
        ],
        lastSignInAt: '2026-03-04T05:06:07.089Z',
      });
      expect(updated).toEqual({
        ...u,
        name: 'Kim Lee',
        memberships: [
          { projectId: A, role: 'admin' },
          { projectId: gamma, role: 'viewer' },
        ],
        lastSignInAt: '2026-03-04T05:06:07.089Z',
      });
      expect((await store.people.getUser(u.id))?.passwordHash).toBe('new');
      expect((await store.people.listUsers(B)).length).toBe(0);

      const disabled = await store.people.updateUser(u.id, { disabled: true });
      expect(disabled?.disabledAt).not.toBeNull();
      expect(Date.parse(disabled!.disabledAt!)).toBeGreaterThan(Date.now() - 60_000);
      // Disabled again: the first time stays. Other fields untouched by a patch that leaves them out.
      await new Promise((r) => setTimeout(r, 20));
      const again = await store.people.updateUser(u.id, { disabled: true, name: null });
      expect(again).toEqual({ ...disabled, name: null });
      const enabled = await store.people.updateUser(u.id, { disabled: false, memberships: [], passwordHash: null });
      expect(enabled).toMatchObject({ disabledAt: null, memberships: [], lastSignInAt: '2026-03-04T05:06:07.089Z' });
      expect((await store.people.getUser(u.id))?.passwordHash).toBeNull();
      expect(await store.people.updateUser('no-such-id', { name: 'x' })).toBeNull();
      const bad = await failure(store.people.updateUser(u.id, { memberships: [{ projectId: A, role: 'viewer' }, { projectId: A, role: 'member' }] }));
      expect(bad.code).toBe('invalid_request');
      expect((await store.people.getUser(u.id))?.memberships).toEqual([]);
    });

    it('deletes a user with their memberships and sessions; the email can be used again', async () => {
      const u = await store.people.createUser(person('gone@example.com', { memberships: [{ projectId: A, role: 'admin' }] }));
      const keep = await store.people.createUser(person('stays@example.com', { memberships: [{ projectId: A, role: 'viewer' }] }));
      const future = Date.now() + HOUR;
      await store.people.putSession(session('s-gone', u.id, future));
      await store.people.putSession(session('s-keep', keep.id, future));
      expect(await store.people.deleteUser(u.id)).toBe(true);
      expect(await store.people.getUser(u.id)).toBeNull();
      expect(await store.people.findUserByEmail('gone@example.com')).toBeNull();
      expect(await store.people.getSession('s-gone')).toBeNull();
      expect(await store.people.getSession('s-keep')).not.toBeNull();
      expect((await store.people.listUsers(A)).map((x) => x.email)).toEqual(['stays@example.com']);
      expect(await store.people.deleteUser(u.id)).toBe(false);
      const back = await store.people.createUser(person('GONE@example.com'));
      expect(back.id).not.toBe(u.id);
      expect(back.memberships).toEqual([]);
      expect((await store.people.findUserByEmail('gone@example.com'))?.id).toBe(back.id);
    });

    it("removes a project's memberships, and a project's deletion does too", async () => {
      const u = await store.people.createUser(
        person('pat@example.com', {
          memberships: [
            { projectId: A, role: 'admin' },
            { projectId: B, role: 'viewer' },
          ],
        }),
      );
      await store.people.removeProjectMemberships(B);
      expect((await store.people.getUser(u.id))?.memberships).toEqual([{ projectId: A, role: 'admin' }]);
      await store.createProject(A, 'Alpha');
      expect(await store.deleteProject(A)).toBe(true);
      expect((await store.people.getUser(u.id))?.memberships).toEqual([]);
      expect(await store.people.listUsers(A)).toEqual([]);
      expect((await store.people.listUsers()).length).toBe(1);
    });

    it('keeps sessions: replaced by id, expired ones not answered, removed one by one, per user, and when expired', async () => {
      const u = await store.people.createUser(person('sam@example.com'));
      const v = await store.people.createUser(person('val@example.com'));
      const now = Date.now();
      const first = session('hash-1', u.id, now + HOUR, '{"userId":"1","signedInAt":1}');
      await store.people.putSession(first);
      expect(await store.people.getSession('hash-1')).toEqual(first);
      // The idle expiry moves on: the same id written again.
      const touched = { ...first, data: '{"userId":"1","signedInAt":1,"n":2}', expiresAt: new Date(now + 2 * HOUR).toISOString() };
      expect(await store.people.updateSession(touched)).toBe(true);
      expect(await store.people.getSession('hash-1')).toEqual(touched);
      // An update of a session that is not there creates nothing.
      expect(await store.people.updateSession(session('never', u.id, now + HOUR))).toBe(false);
      expect(await store.people.getSession('never')).toBeNull();
      await store.people.putSession(session('hash-2', u.id, now + HOUR));
      await store.people.putSession(session('hash-3', v.id, now + HOUR));
      await store.people.putSession(session('hash-old', v.id, now - 1000));
      expect(await store.people.getSession('hash-old')).toBeNull();
      expect(await store.people.getSession('no-such')).toBeNull();

      await store.people.deleteSession('hash-2');
      expect(await store.people.getSession('hash-2')).toBeNull();
      expect(await store.people.getSession('hash-1')).not.toBeNull();
      // A write that loaded the session before it was deleted does not bring it back.
      expect(await store.people.updateSession({ ...session('hash-2', u.id, now + 3 * HOUR), data: '{"late":true}' })).toBe(false);
      expect(await store.people.getSession('hash-2')).toBeNull();

      await store.people.putSession(session('hash-4', u.id, now + HOUR));
      expect(await store.people.deleteSessionsOfUser(u.id)).toBe(2);
      expect(await store.people.getSession('hash-1')).toBeNull();
      expect(await store.people.getSession('hash-4')).toBeNull();
      expect(await store.people.getSession('hash-3')).not.toBeNull();
      expect(await store.people.deleteSessionsOfUser(u.id)).toBe(0);
      expect(await store.people.updateSession(session('hash-4', u.id, now + 2 * HOUR))).toBe(false);
      expect(await store.people.getSession('hash-4')).toBeNull();

      // Expired at the given time: the old one now, and hash-3 an hour and a half later.
      expect(await store.people.purgeExpiredSessions(now)).toBe(1);
      expect(await store.people.purgeExpiredSessions(now)).toBe(0);
      expect(await store.people.purgeExpiredSessions(now + 1.5 * HOUR)).toBe(1);
      expect(await store.people.getSession('hash-3')).toBeNull();
    });

    it("keeps when a person's sessions became valid (never moved back) and the OpenID Connect issuer and subject", async () => {
      const u = await store.people.createUser(person('ida@example.com', { source: 'oidc', oidcIssuer: 'https://idp.example.com', oidcSubject: 'sub-1' }));
      expect(u).toMatchObject({ sessionsValidFrom: null, oidcIssuer: 'https://idp.example.com', oidcSubject: 'sub-1' });
      const local = await store.people.createUser(person('loc@example.com'));
      expect(local).toMatchObject({ sessionsValidFrom: null, oidcIssuer: null, oidcSubject: null });
      expect(await store.people.updateUser(u.id, { sessionsValidFrom: 1_700_000_000_123 })).toMatchObject({ sessionsValidFrom: 1_700_000_000_123 });
      expect(await store.people.updateUser(u.id, { sessionsValidFrom: 1_600_000_000_000, name: 'Ida' })).toMatchObject({ sessionsValidFrom: 1_700_000_000_123, name: 'Ida' });
      expect(await store.people.updateUser(u.id, { sessionsValidFrom: 1_800_000_000_000 })).toMatchObject({ sessionsValidFrom: 1_800_000_000_000 });
      const linked = await store.people.updateUser(local.id, { oidcIdentity: { issuer: 'https://idp.example.com', subject: 'sub-2' } });
      expect(linked).toMatchObject({ oidcIssuer: 'https://idp.example.com', oidcSubject: 'sub-2' });
      expect(await store.people.getUser(u.id)).toMatchObject({ sessionsValidFrom: 1_800_000_000_000, oidcSubject: 'sub-1' });
      expect((await store.people.findUserByEmail('loc@example.com'))?.oidcSubject).toBe('sub-2');
    });

    it('imports a user as another store holds them, once, and not over a user of the same id or email', async () => {
      const user = {
        id: 'u-imported', email: 'Moved@Example.com', name: 'Mo', source: 'oidc' as const, passwordHash: 'scrypt$1',
        memberships: [{ projectId: B, role: 'member' as const }, { projectId: A, role: 'viewer' as const }],
        createdAt: '2025-01-02T03:04:05.678Z', lastSignInAt: '2025-06-07T08:09:10.111Z', disabledAt: '2025-07-01T00:00:00.000Z',
        sessionsValidFrom: 1_751_000_000_000, oidcIssuer: 'https://idp.example.com', oidcSubject: 'sub-mo',
      };
      expect(await store.people.importUser(user)).toBe(true);
      const expected = { ...user, email: 'moved@example.com', memberships: [{ projectId: A, role: 'viewer' }, { projectId: B, role: 'member' }] };
      expect(await store.people.getUser('u-imported')).toEqual(expected);
      expect(await store.people.importUser({ ...user, name: 'again' })).toBe(false);
      expect(await store.people.importUser({ ...user, id: 'u-other' })).toBe(false);
      expect(await store.people.importUser({ ...user, email: 'else@example.com' })).toBe(false);
      expect(await store.people.getUser('u-imported')).toEqual(expected);
      expect((await store.people.listUsers()).map((u) => u.id)).toEqual(['u-imported']);
      const fresh = { ...user, id: 'u-2', email: 'two@example.com', lastSignInAt: null, disabledAt: null, passwordHash: null, memberships: [], sessionsValidFrom: null, oidcIssuer: null, oidcSubject: null };
      expect(await store.people.importUser(fresh)).toBe(true);
      expect(await store.people.getUser('u-2')).toEqual(fresh);
    });

    it('gives an email to one of several creations at once', async () => {
      const second = options.otherNode ? await options.otherNode(store) : store;
      if (second !== store) others.push(second);
      const results = await Promise.allSettled(
        Array.from({ length: 4 }, (_, i) => (i % 2 ? second : store).people.createUser(person(i % 2 ? 'Race@example.com' : 'race@example.com', { name: `n${i}` }))),
      );
      const created = results.filter((r) => r.status === 'fulfilled');
      expect(created.length).toBe(1);
      for (const r of results) if (r.status === 'rejected') expect((r.reason as LookoutError).code).toBe('conflict');
      const winner = (created[0] as PromiseFulfilledResult<{ id: string }>).value.id;
      expect((await store.people.findUserByEmail('race@example.com'))?.id).toBe(winner);
      expect((await second.people.findUserByEmail('race@example.com'))?.id).toBe(winner);
      expect((await store.people.listUsers()).map((u) => u.id)).toEqual([winner]);
    });
  });
}
