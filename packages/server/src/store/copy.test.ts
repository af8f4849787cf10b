// The prompt registry moves with the rest of a store (lookout migrate): between two DuckDB stores
// here; copy.clickhouse.test.ts copies everything else into ClickHouse.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PROMPT_LIMITS, type PromptVersionInput } from '../domain/prompts.ts';
import { copyStore } from './copy.ts';
import { DuckDbStore } from './duckdb/store.ts';
import { projectId } from './store.ts';

const A = projectId('alpha');
const text = (prompt: string, createdBy: string | null = 'key-1'): PromptVersionInput => ({ type: 'text', prompt, model: null, parameters: null, message: `wrote ${prompt}`, createdBy });

let source: DuckDbStore;
let target: DuckDbStore;
beforeEach(async () => {
  source = await DuckDbStore.open(null, { hourRollups: 'manual' });
  target = await DuckDbStore.open(null, { hourRollups: 'manual' });
});
afterEach(async () => {
  await source.close();
  await target.close();
});

describe('copying a store', () => {
  it('copies prompt versions with their numbers, times, authors and labels, once', async () => {
    await source.createProject(A, 'alpha');
    await source.prompts.createPromptVersion(A, 'support', text('one'), ['production'], PROMPT_LIMITS);
    await new Promise((r) => setTimeout(r, 5));
    await source.prompts.createPromptVersion(A, 'support', { type: 'chat', prompt: [{ role: 'system', content: 'two' }], model: 'gpt-4o', parameters: { temperature: 0 }, message: null, createdBy: null }, ['staging'], PROMPT_LIMITS);
    await source.prompts.createPromptVersion(A, 'classifier', text('label it'), [], PROMPT_LIMITS);

    const report = await copyStore(source, target);
    expect(report.promptVersions).toEqual({ copied: 3, skipped: 0 });
    expect(report.promptLabels).toEqual({ copied: 2, skipped: 0 });
    for (const name of ['support', 'classifier']) {
      expect(await target.prompts.listPromptVersions(A, name)).toEqual(await source.prompts.listPromptVersions(A, name));
    }
    for (const version of [1, 2]) expect(await target.prompts.getPrompt(A, 'support', { version })).toEqual(await source.prompts.getPrompt(A, 'support', { version }));
    expect((await target.prompts.getPrompt(A, 'support', { label: 'production' })).prompt).toBe('one');
    // The labels were set by the copy: only when a label last moved differs.
    const summary = (list: { updatedAt: string }[]) => list.map(({ updatedAt: _, ...rest }) => rest);
    expect(summary(await target.prompts.listPrompts(A))).toEqual(summary(await source.prompts.listPrompts(A)));

    // Again: nothing new. A version written to the source since goes across alone.
    expect((await copyStore(source, target)).promptVersions).toEqual({ copied: 0, skipped: 3 });
    await source.prompts.createPromptVersion(A, 'support', text('three'), ['production'], PROMPT_LIMITS);
    const again = await copyStore(source, target);
    expect(again.promptVersions).toEqual({ copied: 1, skipped: 3 });
    expect(again.promptLabels).toEqual({ copied: 1, skipped: 1 });
    expect((await target.prompts.getPrompt(A, 'support', { label: 'production' })).version).toBe(3);
  });

  it('copies people with their ids, roles, times and password hashes, and the audit log entry by entry, once', async () => {
    const ada = await source.people.createUser({ email: 'ada@example.com', name: 'Ada', source: 'local', passwordHash: 'scrypt$x', memberships: [{ projectId: A, role: 'admin' }] });
    await source.people.updateUser(ada.id, { lastSignInAt: '2026-03-01T10:00:00.500Z', disabled: true });
    const bob = await source.people.createUser({ email: 'bob@example.com', name: null, source: 'oidc', passwordHash: null, memberships: [{ projectId: A, role: 'viewer' }] });
    await source.people.putSession({ id: 'h', userId: bob.id, data: '{}', createdAt: new Date().toISOString(), expiresAt: new Date(Date.now() + 60_000).toISOString() });
    // The target has a user of one of the addresses already: it stays as it is.
    const there = await target.people.createUser({ email: 'BOB@example.com', name: 'Bob', source: 'local', passwordHash: null, memberships: [] });
    const entries = Array.from({ length: 1_005 }, (_, i) => ({
      id: `a${String(i).padStart(5, '0')}`, at: new Date(Date.UTC(2026, 2, 1) + Math.floor(i / 3)).toISOString(), projectId: A,
      actor: { kind: 'key' as const, id: 'key-1', email: null }, ip: null, userAgent: null, action: 'key.create', target: null, method: 'POST', path: '/api/v1/keys', status: 201, details: null,
    }));
    await source.audit.append(entries);
    // An earlier copy that stopped part way through the audit log.
    await target.audit.append(entries.slice(0, 7));

    const report = await copyStore(source, target);
    expect(report.users).toEqual({ copied: 1, skipped: 1 });
    expect(report.auditEntries).toEqual({ copied: entries.length - 7, skipped: 7 });
    expect(await target.people.getUser(ada.id)).toEqual(await source.people.getUser(ada.id));
    expect(await target.people.findUserByEmail('bob@example.com')).toMatchObject({ id: there.id, name: 'Bob' });
    expect(await target.people.getSession('h')).toBeNull();
    const all = { projectId: null, fromMs: 0, toMs: Date.UTC(2027, 0, 1), limit: 1000 };
    const read = async (store: DuckDbStore) => {
      const out = [];
      for (let page = await store.audit.list(all); page.length; page = await store.audit.list({ ...all, before: page[page.length - 1] })) out.push(...page);
      return out;
    };
    expect(await read(target)).toEqual(await read(source));

    const again = await copyStore(source, target);
    expect(again.users).toEqual({ copied: 0, skipped: 2 });
    expect(again.auditEntries).toEqual({ copied: 0, skipped: entries.length });
  });
});
