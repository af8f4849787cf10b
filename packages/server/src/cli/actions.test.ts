import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generation, makeTestApp, type TestApp } from '../testing/app.ts';
import { CliError } from './http.ts';
import { listActions, revertAction } from './actions.ts';

// `lookout actions list|revert` against a running server whose cost alert fired.

const CLI = fileURLToPath(new URL('../cli.ts', import.meta.url));

function lookout(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env: { ...process.env, LOOKOUT_API_KEY: '' }, timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

function capture(): { write: (s: string) => void; text: () => string } {
  let out = '';
  return { write: (s) => void (out += s), text: () => out };
}

let t: TestApp;
let url: string;
beforeAll(async () => {
  t = await makeTestApp({
    'alerts.defaultPack': false,
    'alerts.actions': [{ id: 'limit-users', when: { alertname: 'SpendHigh' }, do: { rateLimit: { requestsPerMinute: 10, scope: { user: '*' } } } }],
  });
  url = await t.app.listen({ port: 0, host: '127.0.0.1' });
  await t.ctx.alerting.engine.putRule('default', { name: 'SpendHigh', kind: 'threshold', query: { measure: 'cost_usd' }, window: '5m', threshold: 1, for: '0s', severity: 'warning', category: 'cost' });
  await t.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: { batch: [generation({ costUsd: 3 })] } });
  await t.ctx.alerting.engine.evaluate();
});
afterAll(async () => {
  await t?.close();
});

describe('lookout actions', () => {
  it('lists and reverts', { timeout: 60_000 }, async () => {
    const list = capture();
    await listActions({ url }, { format: 'table' }, list.write);
    expect(list.text()).toMatch(/^ID\s+STATE\s+ACTION\s+KIND\s+WHAT\s+TRIGGERED BY\s+SINCE\s+REVERTED/);
    expect(list.text()).toMatch(/active\s+limit-users\s+rateLimit\s+10\/min for user=\*\s+SpendHigh\s+\S+Z/);
    const id = /^(\S+)\s+active/m.exec(list.text())![1];

    const child = await lookout(['actions', 'revert', id, '--url', url]);
    expect(child.code).toBe(0);
    expect(child.stdout).toContain(`reverted ${id}: limit-users (rateLimit, 10/min for user=*); it stays off until SpendHigh resolves and fires again`);

    const none = capture();
    await listActions({ url }, { format: 'table' }, none.write);
    expect(none.text()).toBe('no automated responses\n');
    const all = capture();
    await listActions({ url }, { all: true, format: 'json' }, all.write);
    expect(JSON.parse(all.text())).toMatchObject([{ id, state: 'reverted', revertedBy: 'api' }]);

    await expect(revertAction({ url }, id, capture().write)).rejects.toThrow(CliError);
    await expect(revertAction({ url }, id, capture().write)).rejects.toThrow(/409: activation .* was already reverted/);
    const missing = await lookout(['actions', 'revert', 'no-such-id', '--url', url]);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/404: no activation 'no-such-id'/);
  });
});
