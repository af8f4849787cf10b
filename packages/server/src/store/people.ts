import { ROLES, type Role } from '../config/auth.ts';
import { ConflictError, LookoutError } from '../errors.ts';
import type { ProjectId } from './project.ts';

// E4: people who sign in to the UI, their roles per project, and their server-side sessions.
// Control-plane data: small, and every node sees the same (a full copy on every ClickHouse shard).

export type UserSource = 'local' | 'oidc';

export interface Membership {
  projectId: ProjectId;
  role: Role;
}

export interface User {
  id: string;
  // Lower-cased; unique.
  email: string;
  name: string | null;
  source: UserSource;
  // Local accounts: set by `lookout users`/the API. OIDC accounts: the roles the claims gave at the
  // last sign-in.
  memberships: Membership[];
  createdAt: string;
  lastSignInAt: string | null;
  disabledAt: string | null;
  // Milliseconds since the epoch: sessions signed in before this have ended (set when the password
  // changes, the person is disabled, signed out everywhere or loses a role). Null: none refused.
  sessionsValidFrom: number | null;
  // OIDC accounts: the provider (issuer) and subject (`sub`) of the first sign-in; a later sign-in
  // for the address with another subject is refused. Null for local accounts.
  oidcIssuer: string | null;
  oidcSubject: string | null;
}

// Never leaves the server: a password hash is not part of any answer.
export interface UserWithSecret extends User {
  passwordHash: string | null;
}

export interface NewUser {
  email: string;
  name: string | null;
  source: UserSource;
  passwordHash: string | null;
  memberships: Membership[];
  oidcIssuer?: string | null;
  oidcSubject?: string | null;
}

export interface UserPatch {
  name?: string | null;
  passwordHash?: string | null;
  memberships?: Membership[];
  lastSignInAt?: string;
  disabled?: boolean;
  // Milliseconds since the epoch (see User.sessionsValidFrom).
  sessionsValidFrom?: number;
  // Kept at the first OpenID Connect sign-in.
  oidcIdentity?: { issuer: string; subject: string };
}

// A session as kept: `id` is a hash of the cookie's session id (the store never holds a value that
// signs anyone in), `data` the session's JSON.
export interface StoredSession {
  id: string;
  userId: string;
  data: string;
  createdAt: string;
  expiresAt: string;
}

export interface PeopleStore {
  // Throws LookoutError 'conflict' when the email is taken.
  createUser(user: NewUser): Promise<User>;
  getUser(id: string): Promise<UserWithSecret | null>;
  findUserByEmail(email: string): Promise<UserWithSecret | null>;
  // Every user, or those with a role in `project`, by email; each with all their memberships.
  listUsers(project?: ProjectId): Promise<User[]>;
  // `memberships` replaces them all; `disabled: true` keeps the time it was first disabled. Null
  // when there is no such user. LookoutError 'invalid_request' for two roles in one project.
  updateUser(id: string, patch: UserPatch): Promise<User | null>;
  // The user, their memberships and their sessions; false when there was no such user.
  deleteUser(id: string): Promise<boolean>;
  // Writes a user as another store holds it, id, times and password hash kept (store/copy.ts);
  // false when a user of that id or that email is there already (nothing written).
  importUser(user: UserWithSecret): Promise<boolean>;
  // A project's deletion removes its memberships.
  removeProjectMemberships(project: ProjectId): Promise<void>;

  // Null when there is none, or it has expired.
  getSession(id: string): Promise<StoredSession | null>;
  // Creates a session (a new id: a sign-in).
  putSession(session: StoredSession): Promise<void>;
  // Writes a session again (new data, a new expiry) only while it is there: a session deleted
  // (signed out, its user signed out everywhere) is never brought back. False when it is gone.
  updateSession(session: StoredSession): Promise<boolean>;
  deleteSession(id: string): Promise<void>;
  // Signs a person out everywhere (disabled, deleted, password changed); the sessions removed.
  deleteSessionsOfUser(userId: string): Promise<number>;
  // Removes the sessions expired at `nowMs`; how many.
  purgeExpiredSessions(nowMs: number): Promise<number>;
}

// What both backends share, so that they answer alike.

// How an address is kept and looked up: trimmed, lower-cased.
export function normalEmail(email: string): string {
  return email.trim().toLowerCase();
}

export const peopleErrors = {
  emailTaken: (email: string) => new ConflictError(`a user with the email '${email}' exists already`),
  twoRoles: (project: string) => new LookoutError('invalid_request', `memberships name the project '${project}' more than once; give one role per project`),
  badRole: (role: string) => new LookoutError('invalid_request', `'${role}' is not a role; use one of ${ROLES.join(', ')}`),
};

// Memberships as kept: one per project (two are refused), sorted by project.
export function checkedMemberships(memberships: readonly Membership[]): Membership[] {
  const seen = new Set<string>();
  for (const m of memberships) {
    if (!(ROLES as readonly string[]).includes(m.role)) throw peopleErrors.badRole(m.role);
    if (seen.has(m.projectId)) throw peopleErrors.twoRoles(m.projectId);
    seen.add(m.projectId);
  }
  return [...memberships].map((m) => ({ projectId: m.projectId, role: m.role })).sort((a, b) => (a.projectId < b.projectId ? -1 : a.projectId > b.projectId ? 1 : 0));
}

type StoredRow = Record<string, unknown>;
const isoOrNull = (ms: unknown): string | null => (ms === null || ms === undefined ? null : new Date(Number(ms)).toISOString());

// A user from a row (id, email, name, source, password_hash, created_ms, last_sign_in_ms,
// disabled_ms, sessions_valid_from_ms, oidc_issuer, oidc_subject) and its memberships.
export function userOf(r: StoredRow, memberships: Membership[]): UserWithSecret {
  return {
    id: String(r.id),
    email: String(r.email),
    name: r.name === null || r.name === undefined ? null : String(r.name),
    source: r.source as UserSource,
    memberships,
    createdAt: new Date(Number(r.created_ms)).toISOString(),
    lastSignInAt: isoOrNull(r.last_sign_in_ms),
    disabledAt: isoOrNull(r.disabled_ms),
    sessionsValidFrom: r.sessions_valid_from_ms === null || r.sessions_valid_from_ms === undefined ? null : Number(r.sessions_valid_from_ms),
    oidcIssuer: r.oidc_issuer === null || r.oidc_issuer === undefined || r.oidc_issuer === '' ? null : String(r.oidc_issuer),
    oidcSubject: r.oidc_subject === null || r.oidc_subject === undefined || r.oidc_subject === '' ? null : String(r.oidc_subject),
    passwordHash: r.password_hash === null || r.password_hash === undefined ? null : String(r.password_hash),
  };
}

// The answer without the secret.
export function publicUser(u: UserWithSecret): User {
  const { passwordHash: _, ...user } = u;
  return user;
}

// Memberships of each user from rows (user_id, project_id, role), sorted by project.
export function membershipsByUser(rows: StoredRow[]): Map<string, Membership[]> {
  const out = new Map<string, Membership[]>();
  for (const r of rows) {
    const list = out.get(String(r.user_id)) ?? [];
    list.push({ projectId: String(r.project_id) as ProjectId, role: r.role as Role });
    out.set(String(r.user_id), list);
  }
  for (const list of out.values()) list.sort((a, b) => (a.projectId < b.projectId ? -1 : a.projectId > b.projectId ? 1 : 0));
  return out;
}

// A session from a row (id, user_id, data, created_ms, expires_ms).
export function sessionOf(r: StoredRow): StoredSession {
  return {
    id: String(r.id),
    userId: String(r.user_id),
    data: String(r.data),
    createdAt: new Date(Number(r.created_ms)).toISOString(),
    expiresAt: new Date(Number(r.expires_ms)).toISOString(),
  };
}

// An RFC 3339 time given to the store, as epoch milliseconds.
export function timeMs(value: string, field: string): number {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new LookoutError('invalid_request', `${field} "${value}" is not an RFC 3339 time`);
  return ms;
}
