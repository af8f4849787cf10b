import { randomUUID } from 'node:crypto';
import { listValue } from '@duckdb/node-api';
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
import type { DuckDb, Row } from './db.ts';

// People, their memberships and their sessions in three tables of the database (migration 7).
// Writes run one after another in transactions on the writer connection, so the email check and
// the insert of a new user have no other write between them (and the UNIQUE index would refuse a
// second row of an address should that ever change). Reads use the control-plane connection: small
// keyed lookups every signed-in request depends on, never queued behind analytics.

const USER_COLUMNS = `id, email, name, source, password_hash, epoch_ms(created_at) AS created_ms,
  epoch_ms(last_sign_in_at) AS last_sign_in_ms, epoch_ms(disabled_at) AS disabled_ms, sessions_valid_from_ms, oidc_issuer, oidc_subject`;
const SESSION_COLUMNS = 'id, user_id, data, epoch_ms(created_at) AS created_ms, epoch_ms(expires_at) AS expires_ms';

const at = (ms: number) => ms * 1000;

export class DuckDbPeople implements PeopleStore {
  private readonly db: DuckDb;

  constructor(db: DuckDb) {
    this.db = db;
  }

  async createUser(user: NewUser): Promise<User> {
    const email = normalEmail(user.email);
    const memberships = checkedMemberships(user.memberships);
    const id = randomUUID();
    await this.db.transaction(async () => {
      const taken = await this.db.writeAll('SELECT 1 FROM users WHERE email = $email', { email });
      if (taken.length) throw peopleErrors.emailTaken(email);
      await this.db.run(
        `INSERT INTO users (id, email, name, source, password_hash, created_at, oidc_issuer, oidc_subject) VALUES ($id, $email, $name, $source, $hash, make_timestamp($created), $issuer, $subject)`,
        { id, email, name: user.name, source: user.source, hash: user.passwordHash, created: at(Date.now()), issuer: user.oidcIssuer ?? null, subject: user.oidcSubject ?? null },
      );
      await this.writeMemberships(id, memberships);
    });
    const created = await this.getUser(id);
    if (!created) throw new Error('the user was not stored');
    return publicUser(created);
  }

  async importUser(user: UserWithSecret): Promise<boolean> {
    const email = normalEmail(user.email);
    const memberships = checkedMemberships(user.memberships);
    const times = { created: at(timeMs(user.createdAt, 'createdAt')), signIn: null as number | null, disabled: null as number | null };
    if (user.lastSignInAt !== null) times.signIn = at(timeMs(user.lastSignInAt, 'lastSignInAt'));
    if (user.disabledAt !== null) times.disabled = at(timeMs(user.disabledAt, 'disabledAt'));
    return this.db.transaction(async () => {
      const there = await this.db.writeAll('SELECT 1 FROM users WHERE id = $id OR email = $email', { id: user.id, email });
      if (there.length) return false;
      await this.db.run(
        `INSERT INTO users (id, email, name, source, password_hash, created_at, last_sign_in_at, disabled_at, sessions_valid_from_ms, oidc_issuer, oidc_subject)
         VALUES ($id, $email, $name, $source, $hash, make_timestamp($created), make_timestamp($signIn), make_timestamp($disabled), $validFrom, $issuer, $subject)`,
        {
          id: user.id, email, name: user.name, source: user.source, hash: user.passwordHash, ...times,
          validFrom: user.sessionsValidFrom ?? null, issuer: user.oidcIssuer ?? null, subject: user.oidcSubject ?? null,
        },
      );
      await this.writeMemberships(user.id, memberships);
      return true;
    });
  }

  // Inside a transaction: the user's memberships become `memberships`. Rows of projects kept are
  // replaced in place (a delete and an insert of one key in one transaction is refused by DuckDB).
  private async writeMemberships(userId: string, memberships: Membership[]): Promise<void> {
    const keep = memberships.map((m) => m.projectId);
    if (keep.length) await this.db.run('DELETE FROM user_memberships WHERE user_id = $user AND NOT list_contains($keep, project_id)', { user: userId, keep: listValue(keep) });
    else await this.db.run('DELETE FROM user_memberships WHERE user_id = $user', { user: userId });
    for (const m of memberships) {
      await this.db.run('INSERT OR REPLACE INTO user_memberships (user_id, project_id, role) VALUES ($user, $project, $role)', { user: userId, project: m.projectId, role: m.role });
    }
  }

  private async membershipsOf(userIds: string[] | null): Promise<Map<string, Membership[]>> {
    const rows =
      userIds === null
        ? await this.db.control('SELECT user_id, project_id, role FROM user_memberships')
        : await this.db.control('SELECT user_id, project_id, role FROM user_memberships WHERE user_id = $user', { user: userIds[0] });
    return membershipsByUser(rows);
  }

  private async oneUser(rows: Row[]): Promise<UserWithSecret | null> {
    if (!rows.length) return null;
    const id = String(rows[0].id);
    return userOf(rows[0], (await this.membershipsOf([id])).get(id) ?? []);
  }

  async getUser(id: string): Promise<UserWithSecret | null> {
    return this.oneUser(await this.db.control(`SELECT ${USER_COLUMNS} FROM users WHERE id = $id`, { id }));
  }

  async findUserByEmail(email: string): Promise<UserWithSecret | null> {
    return this.oneUser(await this.db.control(`SELECT ${USER_COLUMNS} FROM users WHERE email = $email`, { email: normalEmail(email) }));
  }

  async listUsers(project?: ProjectId): Promise<User[]> {
    const rows =
      project === undefined
        ? await this.db.control(`SELECT ${USER_COLUMNS} FROM users ORDER BY email`)
        : await this.db.control(`SELECT ${USER_COLUMNS} FROM users WHERE id IN (SELECT user_id FROM user_memberships WHERE project_id = $project) ORDER BY email`, { project });
    const memberships = await this.membershipsOf(null);
    return rows.map((r) => publicUser(userOf(r, memberships.get(String(r.id)) ?? [])));
  }

  async updateUser(id: string, patch: UserPatch): Promise<User | null> {
    const memberships = patch.memberships === undefined ? undefined : checkedMemberships(patch.memberships);
    const lastSignIn = patch.lastSignInAt === undefined ? undefined : timeMs(patch.lastSignInAt, 'lastSignInAt');
    const found = await this.db.transaction(async () => {
      const there = await this.db.writeAll('SELECT id FROM users WHERE id = $id', { id });
      if (!there.length) return false;
      const sets: string[] = [];
      const params: Record<string, string | number | null> = { id };
      if (patch.name !== undefined) {
        sets.push('name = $name');
        params.name = patch.name;
      }
      if (patch.passwordHash !== undefined) {
        sets.push('password_hash = $hash');
        params.hash = patch.passwordHash;
      }
      if (lastSignIn !== undefined) {
        sets.push('last_sign_in_at = make_timestamp($signIn)');
        params.signIn = at(lastSignIn);
      }
      // Disabling keeps the first time it was disabled.
      if (patch.disabled === true) {
        sets.push('disabled_at = coalesce(disabled_at, make_timestamp($now))');
        params.now = at(Date.now());
      }
      if (patch.disabled === false) sets.push('disabled_at = NULL');
      if (patch.sessionsValidFrom !== undefined) {
        // Never moved back: a later value wins.
        sets.push('sessions_valid_from_ms = greatest(coalesce(sessions_valid_from_ms, 0), $validFrom)');
        params.validFrom = patch.sessionsValidFrom;
      }
      if (patch.oidcIdentity !== undefined) {
        sets.push('oidc_issuer = $issuer, oidc_subject = $subject');
        params.issuer = patch.oidcIdentity.issuer;
        params.subject = patch.oidcIdentity.subject;
      }
      if (sets.length) await this.db.run(`UPDATE users SET ${sets.join(', ')} WHERE id = $id`, params);
      if (memberships !== undefined) await this.writeMemberships(id, memberships);
      return true;
    });
    if (!found) return null;
    const user = await this.getUser(id);
    return user && publicUser(user);
  }

  // The user, their memberships and their sessions.
  async deleteUser(id: string): Promise<boolean> {
    return this.db.transaction(async () => {
      await this.db.run('DELETE FROM sessions WHERE user_id = $id', { id });
      await this.db.run('DELETE FROM user_memberships WHERE user_id = $id', { id });
      return (await this.db.writeAll('DELETE FROM users WHERE id = $id RETURNING id', { id })).length > 0;
    });
  }

  async removeProjectMemberships(project: ProjectId): Promise<void> {
    await this.db.transaction(() => deleteProjectMembershipRows(this.db, project));
  }

  async getSession(id: string): Promise<StoredSession | null> {
    const rows = await this.db.control(`SELECT ${SESSION_COLUMNS} FROM sessions WHERE id = $id AND expires_at > make_timestamp($now)`, { id, now: at(Date.now()) });
    return rows.length ? sessionOf(rows[0]) : null;
  }

  async putSession(session: StoredSession): Promise<void> {
    const created = timeMs(session.createdAt, 'createdAt');
    const expires = timeMs(session.expiresAt, 'expiresAt');
    await this.db.exclusive(() =>
      this.db.run(
        'INSERT INTO sessions (id, user_id, data, created_at, expires_at) VALUES ($id, $user, $data, make_timestamp($created), make_timestamp($expires)) ON CONFLICT DO NOTHING',
        { id: session.id, user: session.userId, data: session.data, created: at(created), expires: at(expires) },
      ),
    );
  }

  // An UPDATE only: a session deleted meanwhile stays deleted.
  async updateSession(session: StoredSession): Promise<boolean> {
    const expires = timeMs(session.expiresAt, 'expiresAt');
    const rows = await this.db.exclusive(() =>
      this.db.writeAll('UPDATE sessions SET data = $data, expires_at = make_timestamp($expires) WHERE id = $id RETURNING id', { id: session.id, data: session.data, expires: at(expires) }),
    );
    return rows.length > 0;
  }

  async deleteSession(id: string): Promise<void> {
    await this.db.exclusive(() => this.db.run('DELETE FROM sessions WHERE id = $id', { id }));
  }

  async deleteSessionsOfUser(userId: string): Promise<number> {
    const rows = await this.db.exclusive(() => this.db.writeAll('DELETE FROM sessions WHERE user_id = $user RETURNING id', { user: userId }));
    return rows.length;
  }

  async purgeExpiredSessions(nowMs: number): Promise<number> {
    const rows = await this.db.exclusive(() => this.db.writeAll('DELETE FROM sessions WHERE expires_at <= make_timestamp($now) RETURNING id', { now: at(nowMs) }));
    return rows.length;
  }
}

// Inside a transaction (the project's deletion runs this with its other control-plane rows).
export async function deleteProjectMembershipRows(db: DuckDb, project: ProjectId): Promise<void> {
  await db.run('DELETE FROM user_memberships WHERE project_id = $project', { project });
}
