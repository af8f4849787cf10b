import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { PeopleStore, StoredSession, UserWithSecret } from '../store/people.ts';

// E4: the sessions of people signed in to the UI, kept in the control-plane store so that every
// node sees them, behind @fastify/session's store interface (get/set/destroy by session id).
// The store holds a SHA-256 of the session id, never the id itself: what it holds signs no one in.
// Each node remembers what it read for a few seconds, so that a request is not a store read;
// a logout, a disabled or deleted user drops the entries on the node that made the change at
// once, and on the others within CACHE_TTL_MS.

export const CACHE_TTL_MS = 5_000;
const CACHE_MAX_ENTRIES = 10_000;
// A session that has not signed anyone in yet (the OpenID Connect redirect's state) lasts this long.
export const PENDING_SESSION_TTL_MS = 10 * 60_000;

export function hashSessionId(sessionId: string): string {
  return createHash('sha256').update(sessionId).digest('hex');
}

// What a session holds (JSON): who signed in, how and when, when it was last used; during the
// OpenID Connect redirect, the state of the sign-in under way.
export interface SessionFields {
  userId?: string;
  method?: 'password' | 'oidc';
  signedInAt?: number;
  lastSeenAt?: number;
  idToken?: string;
  oidc?: unknown;
  [key: string]: unknown;
}

export interface SessionLimits {
  ttlMs: number;
  idleMs: number;
}

type Callback = (err?: unknown) => void;

// When a stored session ends: its absolute end (ttl after sign-in) or its idle end, whichever
// comes first; a session without a user ends PENDING_SESSION_TTL_MS after it was written.
export function sessionEndsAt(fields: SessionFields, limits: SessionLimits, nowMs: number): number {
  if (typeof fields.userId !== 'string' || typeof fields.signedInAt !== 'number') return nowMs + PENDING_SESSION_TTL_MS;
  const lastSeen = typeof fields.lastSeenAt === 'number' ? fields.lastSeenAt : fields.signedInAt;
  return Math.min(fields.signedInAt + limits.ttlMs, lastSeen + limits.idleMs);
}

// Whether a session has anything worth keeping: a person, or a sign-in under way.
function holdsAnything(fields: SessionFields): boolean {
  return typeof fields.userId === 'string' || fields.oidc !== undefined;
}

export class PeopleSessionStore {
  private readonly sessions = new LRUCache<string, { stored: StoredSession | null }>({ max: CACHE_MAX_ENTRIES, ttl: CACHE_TTL_MS, ttlResolution: 0, perf: Date });
  private readonly users = new LRUCache<string, { user: UserWithSecret | null }>({ max: CACHE_MAX_ENTRIES, ttl: CACHE_TTL_MS, ttlResolution: 0, perf: Date });
  // Bumped by every forgetUser: a store read that began before it is not cached.
  private generation = 0;
  // Hashes of session ids just made by a sign-in (expectNew): the only writes that insert. Every
  // other write of a session updates it only while it is stored, so that a request that loaded a
  // session before it was deleted (a sign-out, a password change) never brings it back.
  private readonly fresh = new LRUCache<string, true>({ max: CACHE_MAX_ENTRIES, ttl: 60_000, ttlResolution: 0, perf: Date });

  private readonly people: PeopleStore;
  private readonly limits: SessionLimits;
  private readonly now: () => number;

  constructor(people: PeopleStore, limits: SessionLimits, now: () => number = Date.now) {
    this.people = people;
    this.limits = limits;
    this.now = now;
  }

  // @fastify/session's store interface. The id is the cookie's (unsigned) session id.
  get(sessionId: string, callback: (err: unknown, session?: SessionFields | null) => void): void {
    this.read(sessionId).then(
      (fields) => callback(null, fields),
      (err) => callback(err),
    );
  }

  set(sessionId: string, session: object, callback: Callback): void {
    this.write(sessionId, session).then(
      () => callback(),
      (err) => callback(err),
    );
  }

  destroy(sessionId: string, callback: Callback): void {
    this.remove(sessionId).then(
      () => callback(),
      (err) => callback(err),
    );
  }

  async read(sessionId: string): Promise<SessionFields | null> {
    const id = hashSessionId(sessionId);
    let entry = this.sessions.get(id);
    if (entry === undefined) {
      const generation = this.generation;
      entry = { stored: await this.people.getSession(id) };
      if (generation === this.generation) this.sessions.set(id, entry);
    }
    const stored = entry.stored;
    if (stored === null) return null;
    if (Date.parse(stored.expiresAt) <= this.now()) return null;
    try {
      return JSON.parse(stored.data) as SessionFields;
    } catch {
      return null;
    }
  }

  async write(sessionId: string, session: object): Promise<void> {
    const id = hashSessionId(sessionId);
    // JSON of the session object: its fields and its cookie (whose expiry the cookie keeps).
    const fields = JSON.parse(JSON.stringify(session)) as SessionFields;
    if (!holdsAnything(fields)) {
      // Nothing to keep (a session just made by a rotation, or one whose sign-in was abandoned).
      // Only one this node knows to be stored is deleted; others end with their expiry.
      if (this.sessions.get(id)?.stored) await this.remove(sessionId);
      return;
    }
    const nowMs = this.now();
    const stored: StoredSession = {
      id,
      userId: typeof fields.userId === 'string' ? fields.userId : '',
      data: JSON.stringify(fields),
      createdAt: new Date(typeof fields.signedInAt === 'number' ? fields.signedInAt : nowMs).toISOString(),
      expiresAt: new Date(sessionEndsAt(fields, this.limits, nowMs)).toISOString(),
    };
    if (this.fresh.get(id)) {
      this.fresh.delete(id);
      await this.people.putSession(stored);
    } else if (!(await this.people.updateSession(stored))) {
      // Gone meanwhile: it stays gone.
      this.sessions.set(id, { stored: null });
      return;
    }
    this.sessions.set(id, { stored });
  }

  // The next write of this session id creates it (a sign-in's new id).
  expectNew(sessionId: string): void {
    this.fresh.set(hashSessionId(sessionId), true);
  }

  async remove(sessionId: string): Promise<void> {
    const id = hashSessionId(sessionId);
    this.sessions.set(id, { stored: null });
    await this.people.deleteSession(id);
  }

  // The user a session names, as the store has it (read at most every CACHE_TTL_MS on this node).
  async user(userId: string): Promise<UserWithSecret | null> {
    const cached = this.users.get(userId);
    if (cached !== undefined) return cached.user;
    const generation = this.generation;
    const user = await this.people.getUser(userId);
    if (generation === this.generation) this.users.set(userId, { user });
    return user;
  }

  // The user changed (role, disabled, deleted, password): this node reads them and their sessions
  // afresh.
  forgetUser(userId: string): void {
    this.generation++;
    this.users.delete(userId);
    for (const [id, entry] of this.sessions.entries()) if (entry.stored?.userId === userId) this.sessions.delete(id);
  }

  // Signs a user out everywhere: sessions signed in before now end (the user's sessionsValidFrom,
  // which no cache, node or request in flight can undo), and are deleted from the store.
  async endSessionsOf(userId: string): Promise<number> {
    this.forgetUser(userId);
    await this.people.updateUser(userId, { sessionsValidFrom: this.now() });
    const n = await this.people.deleteSessionsOfUser(userId);
    this.forgetUser(userId);
    return n;
  }
}
