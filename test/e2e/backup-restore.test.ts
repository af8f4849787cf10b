// `lookout backup` of a running server while it ingests, `lookout restore` into a fresh data
// directory, and a server on the restored directory answering as the original did, all as
// separate processes through the command line.
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTempDir, removeTempDir, runLookout, startLookout, type LookoutServer } from './harness.ts';

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const servers: LookoutServer[] = [];
const dirs: string[] = [];

afterAll(async () => {
  for (const s of servers) await s.stop();
  for (const d of dirs) await removeTempDir(d);
});

function spans(n: number, user: string): object[] {
  return Array.from({ length: n }, (_, i) => ({
    type: 'generation',
    traceId: hex(16),
    spanId: hex(8),
    startTime: new Date(Date.now() - 1_000 * (i + 1)).toISOString(),
    durationMs: 300 + i,
    provider: 'openai',
    model: i % 2 ? 'gpt-4o' : 'gpt-4o-mini',
    userId: user,
    usage: { input: 500 + i, output: 50 },
  }));
}

async function post(url: string, body: object): Promise<void> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status, await res.clone().text()).toBe(200);
  await res.body?.cancel();
}

async function costByUser(server: LookoutServer): Promise<unknown> {
  const res = await fetch(`${server.url}/api/v1/analytics/query?measures=cost,requests,input_tokens&groupBy=user&from=${new Date(Date.now() - 86_400_000).toISOString()}&to=${new Date(Date.now() + 3_600_000).toISOString()}`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { rows: unknown }).rows;
}

describe('lookout backup and restore', () => {
  it('backs up a running server under ingest, restores into an empty directory, and refuses a non-empty one', async () => {
    const root = await makeTempDir('lookout-e2e-backup-');
    dirs.push(root);
    const source = await startLookout({ dataDir: join(root, 'source'), logLevel: 'warn' });
    servers.push(source);
    await post(`${source.url}/api/v1/ingest`, { batch: spans(200, 'alice') });
    const budget = await fetch(`${source.url}/api/v1/budgets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'team-cap', scope: 'project', period: 'monthly', limitUsd: 100 }),
    });
    expect(budget.status).toBe(201);

    // bob's traffic continues during the backup; alice's is all in before it.
    let sending = true;
    const sender = (async () => {
      while (sending) await post(`${source.url}/api/v1/ingest`, { batch: spans(20, 'bob') });
    })();
    const out = join(root, 'backup');
    const backup = await runLookout(['backup', '--out', out, '--url', source.url]);
    sending = false;
    await sender;
    expect(backup.code, backup.output).toBe(0);
    expect(backup.stderr).toContain(`backed up the running server into ${out}`);

    const again = await runLookout(['backup', '--out', out, '--url', source.url]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(`--out ${out} already exists`);

    const taken = join(root, 'taken');
    mkdirSync(taken);
    writeFileSync(join(taken, 'notes.txt'), 'someone else\'s');
    const refused = await runLookout(['restore', out, '--data-dir', taken]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`${taken} is not empty: restore into a new, empty data directory`);

    const fresh = join(root, 'restored');
    const restore = await runLookout(['restore', out, '--data-dir', fresh]);
    expect(restore.code, restore.output).toBe(0);
    const restored = await startLookout({ dataDir: fresh, logLevel: 'warn' });
    servers.push(restored);

    const [before, after] = [(await costByUser(source)) as { user: string }[], (await costByUser(restored)) as { user: string }[]];
    const alice = (rows: { user: string }[]) => rows.find((r) => r.user === 'alice');
    expect(alice(after)).toEqual(alice(before));
    expect(alice(after)).toMatchObject({ requests: 200 });
    const budgets = (await (await fetch(`${restored.url}/api/v1/budgets`)).json()) as { budgets: { id: string }[] };
    expect(budgets.budgets.map((b) => b.id)).toEqual(['team-cap']);

    // With no server running, the command backs the data directory up itself.
    await source.stop();
    const offline = await runLookout(['backup', '--out', join(root, 'offline'), '--url', source.url, '--data-dir', source.dataDir]);
    expect(offline.code, offline.output).toBe(0);
    expect(offline.stderr).toContain(`no server at ${source.url}; backing up ${source.dataDir} directly`);
    const restoredOffline = await runLookout(['restore', join(root, 'offline'), '--data-dir', join(root, 'restored-offline')]);
    expect(restoredOffline.code, restoredOffline.output).toBe(0);
  }, 240_000);
});
