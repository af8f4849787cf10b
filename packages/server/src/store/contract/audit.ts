import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LookoutError } from '../../errors.ts';
import { MAX_AUDIT_DETAILS_BYTES, MAX_AUDIT_PAGE, projectId, type AuditEntry, type AuditQuery, type Store } from '../store.ts';

// E4: the audit log, alike on every backend: what is appended comes back as it was, newest first,
// filtered by project, time, actor and action, a page at a time.

const A = projectId('alpha');
const B = projectId('beta');
const T0 = Date.parse('2026-05-01T10:00:00.000Z');
const MIN = 60_000;

let n = 0;
function entry(over: Partial<AuditEntry> & { atMs: number }): AuditEntry {
  const { atMs, ...rest } = over;
  n++;
  return {
    id: `e${String(n).padStart(4, '0')}`,
    at: new Date(atMs).toISOString(),
    projectId: A,
    actor: { kind: 'user', id: 'u-1', email: 'ada@example.com' },
    ip: '10.0.0.7',
    userAgent: 'Mozilla/5.0',
    action: 'budget.update',
    target: 'b-1',
    method: 'PATCH',
    path: '/api/v1/budgets/b-1',
    status: 200,
    details: null,
    ...rest,
  };
}

const all = (over: Partial<AuditQuery> = {}): AuditQuery => ({ projectId: null, fromMs: 0, toMs: T0 + 1000 * MIN, limit: 100, ...over });

export function auditContract(name: string, open: () => Promise<Store>): void {
  describe(`store contract (audit): ${name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });

    it('gives back every entry as appended, newest first, with its details and empty fields', async () => {
      const full = entry({
        atMs: T0 + 1500,
        details: { before: { limitUsd: 10, name: 'q "quoted"\nline' }, after: { limitUsd: 20, tags: ['a', 'b'] }, nested: { ok: true, none: null } },
      });
      const bare = entry({
        atMs: T0,
        projectId: projectId('default'),
        actor: { kind: 'local', id: null, email: null },
        ip: null,
        userAgent: null,
        action: 'session.login_failed',
        target: null,
        method: null,
        path: null,
        status: 401,
      });
      const key = entry({ atMs: T0 + 3 * MIN + 7, actor: { kind: 'key', id: 'key-9', email: null }, action: 'key.create', target: 'key-10', status: 201 });
      await store.audit.append([bare, full]);
      await store.audit.append([key]);
      await store.audit.append([]);
      expect(await store.audit.list(all())).toEqual([key, full, bare]);
    });

    it('filters by project, time range, actor id or email, and an action or an action prefix', async () => {
      const e1 = entry({ atMs: T0, action: 'budget.create' });
      const e2 = entry({ atMs: T0 + MIN, projectId: B, action: 'budget.update', actor: { kind: 'user', id: 'u-2', email: 'bob@example.com' } });
      const e3 = entry({ atMs: T0 + 2 * MIN, action: 'budgets.reset' });
      const e4 = entry({ atMs: T0 + 3 * MIN, action: 'budget', actor: { kind: 'key', id: 'key-1', email: null } });
      const e5 = entry({ atMs: T0 + 4 * MIN, action: 'key.revoke', projectId: B });
      await store.audit.append([e1, e2, e3, e4, e5]);
      expect(await store.audit.list(all({ projectId: A }))).toEqual([e4, e3, e1]);
      expect(await store.audit.list(all({ projectId: B }))).toEqual([e5, e2]);
      // From inclusive, to exclusive.
      expect(await store.audit.list(all({ fromMs: T0 + MIN, toMs: T0 + 3 * MIN }))).toEqual([e3, e2]);
      expect(await store.audit.list(all({ actor: 'u-2' }))).toEqual([e2]);
      expect(await store.audit.list(all({ actor: 'BOB@example.com' }))).toEqual([e2]);
      expect(await store.audit.list(all({ actor: 'key-1' }))).toEqual([e4]);
      expect(await store.audit.list(all({ actor: 'nobody' }))).toEqual([]);
      expect(await store.audit.list(all({ action: 'budget.update' }))).toEqual([e2]);
      expect(await store.audit.list(all({ action: 'budget' }))).toEqual([e4]);
      expect(await store.audit.list(all({ action: 'budget.' }))).toEqual([e2, e1]);
      expect(await store.audit.list(all({ action: 'budget.', projectId: A, actor: 'ada@example.com' }))).toEqual([e1]);
      // A prefix is a prefix, not a pattern.
      expect(await store.audit.list(all({ action: 'b%.' }))).toEqual([]);
      expect(await store.audit.list(all({ action: 'budget_update' }))).toEqual([]);
    });

    it('pages newest first by (at, id) with `before`, entries of the same millisecond included once', async () => {
      const same = T0 + 5 * MIN;
      const entries = [entry({ atMs: T0 }), entry({ atMs: same }), entry({ atMs: same }), entry({ atMs: same }), entry({ atMs: T0 + 9 * MIN }), entry({ atMs: T0 + MIN })];
      await store.audit.append(entries);
      const expected = [...entries].sort((x, y) => Date.parse(y.at) - Date.parse(x.at) || (y.id < x.id ? -1 : 1)).map((e) => e.id);
      const seen: string[] = [];
      let before: AuditQuery['before'];
      for (let page = 0; page < 10; page++) {
        const rows = await store.audit.list(all({ limit: 2, before }));
        if (!rows.length) break;
        expect(rows.length).toBeLessThanOrEqual(2);
        seen.push(...rows.map((r) => r.id));
        before = { at: rows[rows.length - 1].at, id: rows[rows.length - 1].id };
      }
      expect(seen).toEqual(expected);
    });

    it(`answers at most ${MAX_AUDIT_PAGE} entries a page, and keeps oversized details as a note`, async () => {
      const many = Array.from({ length: MAX_AUDIT_PAGE + 5 }, (_, i) => entry({ atMs: T0 + i }));
      await store.audit.append(many);
      const page = await store.audit.list(all({ limit: 1_000_000 }));
      expect(page.length).toBe(MAX_AUDIT_PAGE);
      expect(page[0].id).toBe(many[many.length - 1].id);
      expect((await store.audit.list(all({ limit: 0 }))).length).toBe(1);

      const big = entry({ atMs: T0 + 999 * MIN, details: { after: { text: 'x'.repeat(MAX_AUDIT_DETAILS_BYTES) } } });
      await store.audit.append([big]);
      const [got] = await store.audit.list(all({ limit: 1 }));
      expect(got.id).toBe(big.id);
      expect(got.details).toEqual({ truncated: true, bytes: JSON.stringify(big.details).length });
    });

    it('refuses an entry or a cursor whose time is not a time', async () => {
      const bad = { ...entry({ atMs: T0 }), at: 'yesterday' };
      await expect(store.audit.append([bad])).rejects.toMatchObject({ code: 'invalid_request' });
      await expect(store.audit.list(all({ before: { at: 'soon', id: 'x' } }))).rejects.toBeInstanceOf(LookoutError);
    });

    it('deletes the entries older than a cutoff and says how many', async () => {
      const old1 = entry({ atMs: T0 });
      const old2 = entry({ atMs: T0 + MIN, projectId: B });
      const kept = entry({ atMs: T0 + 2 * MIN });
      await store.audit.append([old1, old2, kept]);
      expect(await store.audit.purgeBefore(T0 + 2 * MIN)).toBe(2);
      expect(await store.audit.list(all())).toEqual([kept]);
      expect(await store.audit.purgeBefore(T0 + 2 * MIN)).toBe(0);
    });
  });
}
