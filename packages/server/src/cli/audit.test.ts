import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../testing/app.ts';
import { recordAudit } from '../server/audit-hook.ts';
import { actorLabel, runAudit, type AuditOptions } from './audit.ts';

let t: TestApp;
let url: string;
let keyId: string;
let key: string;

beforeAll(async () => {
  t = await makeTestApp();
  const made = await t.app.inject({ method: 'POST', url: '/api/v1/keys', payload: { scope: 'admin', name: 'ops' } });
  ({ id: keyId, key } = made.json());
  const auth = { authorization: `Bearer ${key}` };
  const b = await t.app.inject({ method: 'POST', url: '/api/v1/budgets', headers: auth, payload: { scope: 'team', subject: 'search', period: 'monthly', limitUsd: 100 } });
  expect(b.statusCode).toBe(201);
  await t.app.inject({ method: 'PUT', url: `/api/v1/budgets/${b.json().budget.id}`, headers: auth, payload: { scope: 'team', subject: 'search', period: 'monthly', limitUsd: 250 } });
  url = await t.app.listen({ port: 0, host: '127.0.0.1' });
});

afterAll(async () => {
  await t?.close();
});

async function run(opts: Partial<AuditOptions> = {}): Promise<string> {
  let text = '';
  await runAudit({ url, ...opts }, (s) => void (text += s));
  return text;
}

describe('lookout audit', () => {
  it('prints a table, newest first, with who, what and from where', async () => {
    const text = await run({ key });
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^Audit log, \S+ to \S+, newest first$/);
    expect(lines[1]).toMatch(/^time\s+actor\s+action\s+target\s+from\s+status\s+project/);
    const rows = lines.slice(3).filter((l) => l.trim() !== '');
    expect(rows[0]).toMatch(new RegExp(`key ${keyId}\\s+budgets\\.update\\s+\\S+\\s+127\\.0\\.0\\.1\\s+200\\s+default`));
    expect(rows[1]).toMatch(/budgets\.create .* 201 /);
    expect(rows.some((r) => /local operator\s+keys\.create/.test(r))).toBe(true);
  });

  it('--jsonl prints one entry per line, filtered by --action and --actor, up to --limit', async () => {
    const lines = (await run({ key, jsonl: true, action: 'budgets.', actor: keyId })).trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.action)).toEqual(['budgets.update', 'budgets.create']);
    expect(lines[0].details.before.limitUsd).toBe(100);
    expect(lines[0].details.after.limitUsd).toBe(250);
    expect((await run({ key, jsonl: true, limit: '1' })).trim().split('\n')).toHaveLength(1);
  });

  it('pages through the API past its largest page', async () => {
    for (let i = 0; i < 1005; i++) recordAudit(t.ctx, { action: 'bulk.update', target: `b${i}`, actor: { kind: 'local', id: null, email: null } });
    const lines = (await run({ key, jsonl: true, action: 'bulk.', limit: '1003' })).trim().split('\n');
    expect(lines).toHaveLength(1003);
    expect(new Set(lines.map((l) => JSON.parse(l).id)).size).toBe(1003);
    expect((await run({ key, jsonl: true, action: 'bulk.', limit: '5000' })).trim().split('\n')).toHaveLength(1005);
  });

  it("reports the server's 400 and bad flags", async () => {
    await expect(run({ key, from: '900d' })).rejects.toThrow(/failed with 400: from: the range spans at most 400 days/);
    await expect(run({ key, limit: 'lots' })).rejects.toThrow('--limit lots: give a whole number');
    await expect(run({ key, action: 'none.' })).resolves.toContain('No entries in this range.');
  });

  it('labels actors', () => {
    expect(actorLabel({ kind: 'user', id: 'u1', email: 'ann@example.com' })).toBe('ann@example.com');
    expect(actorLabel({ kind: 'key', id: null, email: null })).toBe('key (not recognised)');
    expect(actorLabel({ kind: 'system', id: null, email: null })).toBe('lookout');
  });
});
