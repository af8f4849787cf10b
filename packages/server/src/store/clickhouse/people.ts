import { randomUUID } from 'node:crypto';
import type { ClickHouseSettings } from '@clickhouse/client';
import {
  checkedMemberships,
  membershipsByUser,
  normalEmail,
  peopleErrors,
  publicUser,
  sessionOf,
  timeMs,
  userOf,
  type Membership,
  type NewUser,
  type PeopleStore,
  type StoredSession,
  type User,
  type UserPatch,
  type UserWithSecret,
} from '../people.ts';
import type { ProjectId } from '../store.ts';
import type { Ch } from './client.ts';
import type { ChDocuments } from './documents.ts';
import { chTime } from './rows.ts';
import { nextVersion } from './version.ts';

// People, their memberships, their last sign-ins and their sessions in control-plane tables
// (schema.ts): a full copy on every shard, written to all of them, read from the first that
// answers. A change is a newer version of a row; a removal a `deleted` version (a tombstone).
//
// Several nodes may write at once and ClickHouse has no transaction to lean on:
// - creating a user takes the lease of the address (documents.ts, `people:email:<email>`), checks
//   it is free, writes the row and reads back: should two creations ever hold the lease at once (a
//   claim slower than the lease's settling), the first live row of the address by (created_at, id)
//   keeps it and the other is withdrawn and answered 'conflict';
// - changing or deleting a user takes the user's lease (`people:user:<id>`), so that two changes
//   read and write the row one after the other, and no change is undone by another;
// - a sign-in writes only the user's last sign-in time (its own table), without the lease and
//   without writing the user's row.

// A session's tombstone: above every version nextVersion() gives (microseconds of the clock, about
// 1.8e15 today), so no later write of the session can replace it. Session ids are never reused.
const TOMBSTONE_VERSION = Number.MAX_SAFE_INTEGER;

const DELETE_SETTINGS: ClickHouseSettings = { lightweight_deletes_sync: '2' };

type Row = Record<string, unknown>;

const msTime = (ms: number): string => chTime(ms * 1000);

const USER_COLUMNS = `id, email, name, source, password_hash, toUnixTimestamp64Milli(created_at) AS created_ms, toUnixTimestamp64Milli(disabled_at) AS disabled_ms,
  sessions_valid_from_ms, oidc_issuer, oidc_subject`;
const SESSION_COLUMNS = 'id, user_id, data, toUnixTimestamp64Milli(created_at) AS created_ms, toUnixTimestamp64Milli(expires_at) AS expires_ms';

export class ChPeople implements PeopleStore {
  private readonly ch: Ch;
  private readonly documents: ChDocuments;

  constructor(ch: Ch, documents: ChDocuments) {
    this.ch = ch;
    this.documents = documents;
  }

  private table(name: string): string {
    return `${this.ch.database}.${name}`;
  }

  // Runs `write` holding the lease `name` (documents.ts), giving it up afterwards whatever happened.
  private underLease<T>(name: string, write: () => Promise<T>): Promise<T> {
    return this.documents.underLease(name, 'other changes of this user held it', write);
  }

  // The stored row of a user (to write it again), with its time columns as milliseconds.
  private userRowOf(r: Row, over: Record<string, unknown> = {}): Record<string, unknown> {
    const disabled = r.disabled_ms === null || r.disabled_ms === undefined ? null : msTime(Number(r.disabled_ms));
    return {
      id: r.id, email: r.email, name: r.name ?? null, source: r.source, password_hash: r.password_hash ?? null,
      created_at: msTime(Number(r.created_ms)), disabled_at: disabled, sessions_valid_from_ms: r.sessions_valid_from_ms ?? null,
      oidc_issuer: r.oidc_issuer ?? null, oidc_subject: r.oidc_subject ?? null, version: nextVersion(), deleted: 0, ...over,
    };
  }

  async createUser(user: NewUser): Promise<User> {
    const email = normalEmail(user.email);
    const memberships = checkedMemberships(user.memberships);
    const id = await this.underLease(`people:email:${email}`, async () => {
      if (await this.findUserByEmail(email)) throw peopleErrors.emailTaken(email);
      const id = randomUUID();
      const row = {
        id, email, name: user.name, source: user.source, password_hash: user.passwordHash, created_at: msTime(Date.now()), disabled_at: null,
        sessions_valid_from_ms: null, oidc_issuer: user.oidcIssuer ?? null, oidc_subject: user.oidcSubject ?? null, version: nextVersion(), deleted: 0,
      };
      if (!(await this.insertNewUser(row, memberships))) throw peopleErrors.emailTaken(email);
      return id;
    });
    const created = await this.getUser(id);
    if (!created) throw new Error('the user was not stored');
    return publicUser(created);
  }

  async importUser(user: UserWithSecret): Promise<boolean> {
    const email = normalEmail(user.email);
    const memberships = checkedMemberships(user.memberships);
    const createdMs = timeMs(user.createdAt, 'createdAt');
    const signInMs = user.lastSignInAt === null ? null : timeMs(user.lastSignInAt, 'lastSignInAt');
    const disabledMs = user.disabledAt === null ? null : timeMs(user.disabledAt, 'disabledAt');
    return this.underLease(`people:email:${email}`, async () => {
      if ((await this.findUserByEmail(email)) || (await this.getUser(user.id))) return false;
      const row = {
        id: user.id, email, name: user.name, source: user.source, password_hash: user.passwordHash, created_at: msTime(createdMs),
        disabled_at: disabledMs === null ? null : msTime(disabledMs), sessions_valid_from_ms: user.sessionsValidFrom ?? null,
        oidc_issuer: user.oidcIssuer ?? null, oidc_subject: user.oidcSubject ?? null, version: nextVersion(), deleted: 0,
      };
      return this.insertNewUser(row, memberships, signInMs);
    });
  }

  // Under the address's lease: writes a new user's row, memberships and last sign-in on every
  // shard, then reads back which live row of the address comes first. True when it is this one;
  // otherwise, or when a write fails (written on some shards, refused on others), the row is
  // withdrawn.
  private async insertNewUser(row: Record<string, unknown>, memberships: Membership[], signInMs: number | null = null): Promise<boolean> {
    try {
      await this.ch.insertEveryShard(this.table('users'), [row]);
      await this.writeMemberships(String(row.id), [], memberships);
      if (signInMs !== null) await this.ch.insertEveryShard(this.table('user_sign_ins'), [{ user_id: row.id, last_sign_in_at: msTime(signInMs), version: nextVersion() }]);
    } catch (err) {
      await this.withdraw(row, memberships);
      throw err;
    }
    const [first] = await this.ch.queryControl<{ id: string }>(
      `SELECT id FROM ${this.table('users')} FINAL WHERE email = {email:String} AND deleted = 0 ORDER BY created_at, id LIMIT 1`,
      { email: row.email },
    );
    if (first?.id === row.id) return true;
    await this.withdraw(row, memberships);
    return false;
  }

  // A `deleted` version of a new user's row and memberships, on every shard that takes them.
  private async withdraw(row: Record<string, unknown>, memberships: Membership[]): Promise<void> {
    await this.ch.insertEveryShard(this.table('users'), [{ ...row, version: nextVersion(), deleted: 1 }]).catch(() => undefined);
    await this.writeMemberships(String(row.id), memberships, []).catch(() => undefined);
  }

  // The user's memberships go from `before` to `after`: a row for each of `after`, a tombstone for
  // each project of `before` not in it.
  private async writeMemberships(userId: string, before: Membership[], after: Membership[]): Promise<void> {
    const kept = new Set(after.map((m) => m.projectId));
    const rows = [
      ...before.filter((m) => !kept.has(m.projectId)).map((m) => ({ user_id: userId, project_id: m.projectId, role: m.role, version: nextVersion(), deleted: 1 })),
      ...after.map((m) => ({ user_id: userId, project_id: m.projectId, role: m.role, version: nextVersion(), deleted: 0 })),
    ];
    if (rows.length) await this.ch.insertEveryShard(this.table('user_memberships'), rows);
  }

  private async membershipRows(userId: string | null): Promise<Row[]> {
    const where = userId === null ? '' : 'AND user_id = {user:String}';
    return this.ch.queryControl(`SELECT user_id, project_id, role FROM ${this.table('user_memberships')} FINAL WHERE deleted = 0 ${where}`, userId === null ? {} : { user: userId });
  }

  private async signInRows(userId: string | null): Promise<Map<string, unknown>> {
    const where = userId === null ? '' : 'WHERE user_id = {user:String}';
    const rows = await this.ch.queryControl(`SELECT user_id, toUnixTimestamp64Milli(last_sign_in_at) AS ms FROM ${this.table('user_sign_ins')} FINAL ${where}`, userId === null ? {} : { user: userId });
    return new Map(rows.map((r) => [String(r.user_id), r.ms]));
  }

  private async oneUser(where: string, params: Record<string, unknown>): Promise<UserWithSecret | null> {
    const [r] = await this.ch.queryControl(`SELECT ${USER_COLUMNS} FROM ${this.table('users')} FINAL WHERE ${where} AND deleted = 0 ORDER BY created_at, id LIMIT 1`, params);
    if (!r) return null;
    const id = String(r.id);
    const [memberships, signIns] = await Promise.all([this.membershipRows(id), this.signInRows(id)]);
    return userOf({ ...r, last_sign_in_ms: signIns.get(id) ?? null }, membershipsByUser(memberships).get(id) ?? []);
  }

  getUser(id: string): Promise<UserWithSecret | null> {
    return this.oneUser('id = {id:String}', { id });
  }

  findUserByEmail(email: string): Promise<UserWithSecret | null> {
    return this.oneUser('email = {email:String}', { email: normalEmail(email) });
  }

  async listUsers(project?: ProjectId): Promise<User[]> {
    const [rows, membershipRows, signIns] = await Promise.all([
      this.ch.queryControl(`SELECT ${USER_COLUMNS} FROM ${this.table('users')} FINAL WHERE deleted = 0 ORDER BY email, created_at, id LIMIT 1 BY email`),
      this.membershipRows(null),
      this.signInRows(null),
    ]);
    const memberships = membershipsByUser(membershipRows);
    return rows
      .map((r) => publicUser(userOf({ ...r, last_sign_in_ms: signIns.get(String(r.id)) ?? null }, memberships.get(String(r.id)) ?? [])))
      .filter((u) => project === undefined || u.memberships.some((m) => m.projectId === project));
  }

  async updateUser(id: string, patch: UserPatch): Promise<User | null> {
    const memberships = patch.memberships === undefined ? undefined : checkedMemberships(patch.memberships);
    const lastSignIn = patch.lastSignInAt === undefined ? undefined : timeMs(patch.lastSignInAt, 'lastSignInAt');
    const changesUserRow = patch.name !== undefined || patch.passwordHash !== undefined || patch.disabled !== undefined || patch.sessionsValidFrom !== undefined || patch.oidcIdentity !== undefined;
    const changesRow = changesUserRow || memberships !== undefined;
    const write = async (): Promise<boolean> => {
      const [r] = await this.ch.queryControl(`SELECT ${USER_COLUMNS} FROM ${this.table('users')} FINAL WHERE id = {id:String} AND deleted = 0`, { id });
      if (!r) return false;
      if (changesUserRow) {
        const over: Record<string, unknown> = {};
        if (patch.name !== undefined) over.name = patch.name;
        if (patch.passwordHash !== undefined) over.password_hash = patch.passwordHash;
        // Disabling keeps the first time it was disabled.
        if (patch.disabled === true && (r.disabled_ms === null || r.disabled_ms === undefined)) over.disabled_at = msTime(Date.now());
        if (patch.disabled === false) over.disabled_at = null;
        // Never moved back: a later value wins.
        if (patch.sessionsValidFrom !== undefined) over.sessions_valid_from_ms = Math.max(Number(r.sessions_valid_from_ms ?? 0), patch.sessionsValidFrom);
        if (patch.oidcIdentity !== undefined) {
          over.oidc_issuer = patch.oidcIdentity.issuer;
          over.oidc_subject = patch.oidcIdentity.subject;
        }
        await this.ch.insertEveryShard(this.table('users'), [this.userRowOf(r, over)]);
      }
      if (memberships !== undefined) {
        const before = membershipsByUser(await this.membershipRows(id)).get(id) ?? [];
        await this.writeMemberships(id, before, memberships);
      }
      if (lastSignIn !== undefined) {
        await this.ch.insertEveryShard(this.table('user_sign_ins'), [{ user_id: id, last_sign_in_at: msTime(lastSignIn), version: nextVersion() }]);
      }
      return true;
    };
    const found = changesRow ? await this.underLease(`people:user:${id}`, write) : await write();
    if (!found) return null;
    const user = await this.getUser(id);
    return user && publicUser(user);
  }

  // The user's sessions, memberships and last sign-in, then the user's row.
  async deleteUser(id: string): Promise<boolean> {
    return this.underLease(`people:user:${id}`, async () => {
      const [r] = await this.ch.queryControl(`SELECT ${USER_COLUMNS} FROM ${this.table('users')} FINAL WHERE id = {id:String} AND deleted = 0`, { id });
      if (!r) return false;
      await this.deleteSessionsOfUser(id);
      const before = membershipsByUser(await this.membershipRows(id)).get(id) ?? [];
      await this.writeMemberships(id, before, []);
      await this.ch.everyShard(`DELETE FROM ${this.table('user_sign_ins')} WHERE user_id = {id:String}`, { id }, DELETE_SETTINGS);
      await this.ch.insertEveryShard(this.table('users'), [this.userRowOf(r, { deleted: 1 })]);
      return true;
    });
  }

  // Lightweight deletes on every shard's copy: the rows leave every read at once.
  async removeProjectMemberships(project: ProjectId): Promise<void> {
    await this.ch.everyShard(`DELETE FROM ${this.table('user_memberships')} WHERE project_id = {project:String}`, { project }, DELETE_SETTINGS);
  }

  async getSession(id: string): Promise<StoredSession | null> {
    const [r] = await this.ch.queryControl(
      `SELECT ${SESSION_COLUMNS} FROM ${this.table('sessions')} FINAL WHERE id = {id:String} AND deleted = 0 AND expires_at > fromUnixTimestamp64Milli({now:Int64})`,
      { id, now: Date.now() },
    );
    return r ? sessionOf(r) : null;
  }

  // Written only when the session is there and live. A tombstone's version is above any write's
  // (TOMBSTONE_VERSION), so a write racing a sign-out loses to it whatever order they land in.
  async updateSession(session: StoredSession): Promise<boolean> {
    const [live] = await this.ch.queryControl(`SELECT id FROM ${this.table('sessions')} FINAL WHERE id = {id:String} AND deleted = 0`, { id: session.id });
    if (!live) return false;
    await this.putSession(session);
    return true;
  }

  async putSession(session: StoredSession): Promise<void> {
    const created = timeMs(session.createdAt, 'createdAt');
    const expires = timeMs(session.expiresAt, 'expiresAt');
    await this.ch.insertEveryShard(this.table('sessions'), [
      { id: session.id, user_id: session.userId, data: session.data, created_at: msTime(created), expires_at: msTime(expires), version: nextVersion(), deleted: 0 },
    ]);
  }

  // Tombstones of the sessions (of the expiry each had, so that the purge takes them together).
  private async removeSessions(where: string, params: Record<string, unknown>): Promise<number> {
    const rows = await this.ch.queryControl(`SELECT ${SESSION_COLUMNS} FROM ${this.table('sessions')} FINAL WHERE ${where} AND deleted = 0`, params);
    if (!rows.length) return 0;
    await this.ch.insertEveryShard(
      this.table('sessions'),
      rows.map((r) => ({
        id: r.id, user_id: r.user_id, data: '', created_at: msTime(Number(r.created_ms)), expires_at: msTime(Number(r.expires_ms)), version: TOMBSTONE_VERSION, deleted: 1,
      })),
    );
    return rows.length;
  }

  async deleteSession(id: string): Promise<void> {
    await this.removeSessions('id = {id:String}', { id });
  }

  deleteSessionsOfUser(userId: string): Promise<number> {
    return this.removeSessions('user_id = {user:String}', { user: userId });
  }

  // Every version of each session whose newest version (a tombstone included) has expired. A
  // session's older versions may have expired before its newest: they go with it, not before.
  async purgeExpiredSessions(nowMs: number): Promise<number> {
    const params = { now: nowMs };
    const [n] = await this.ch.queryControl<{ n: string }>(
      `SELECT count() AS n FROM ${this.table('sessions')} FINAL WHERE deleted = 0 AND expires_at <= fromUnixTimestamp64Milli({now:Int64})`,
      params,
    );
    await this.ch.everyShard(
      `DELETE FROM ${this.table('sessions')} WHERE id IN (
         SELECT id FROM ${this.table('sessions')} GROUP BY id HAVING argMax(expires_at, version) <= fromUnixTimestamp64Milli({now:Int64}))`,
      params,
      DELETE_SETTINGS,
    );
    return Number(n?.n ?? 0);
  }
}
