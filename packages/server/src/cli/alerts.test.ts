import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generation, makeTestApp, type TestApp } from '../testing/app.ts';

// `lookout alerts ...` as a user runs it: the real command-line tool in a child process against
// a running server.

const CLI = fileURLToPath(new URL('../cli.ts', import.meta.url));

function lookout(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env: { ...process.env, LOOKOUT_API_KEY: '' }, timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

let t: TestApp;
let url: string;
const dir = mkdtempSync(join(tmpdir(), 'lookout-alerts-cli-'));
beforeAll(async () => {
  t = await makeTestApp({ 'alerts.defaultPack': false });
  url = await t.app.listen({ port: 0, host: '127.0.0.1' });
  const rule = { name: 'ModelInUse', kind: 'threshold', query: { measure: 'requests', groupBy: ['model'] }, window: '1h', threshold: 0, severity: 'warning', category: 'availability', annotations: { summary: '{{ $labels.model }} is in use' } };
  expect((await t.app.inject({ method: 'POST', url: '/api/v1/alerts/rules', payload: rule })).statusCode).toBe(201);
  await t.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: { batch: [generation({ model: 'gpt-4o' })] } });
  await t.ctx.alerting.engine.evaluate();
});
afterAll(async () => {
  await t?.close();
});

describe('lookout alerts', () => {
  it('lists alerts, history and rules, silences and unsilences', { timeout: 60_000 }, async () => {
    const list = await lookout(['alerts', 'list', '--url', url]);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^STATE\s+SEVERITY\s+ALERT\s+GROUP\s+VALUE\s+SINCE\s+SUMMARY/);
    expect(list.stdout).toMatch(/firing\s+warning\s+ModelInUse\s+model=gpt-4o\s+1\s+\S+Z\s+gpt-4o is in use/);

    const history = await lookout(['alerts', 'history', '--url', url, '--format', 'json']);
    expect(JSON.parse(history.stdout).map((e: { to: string }) => e.to)).toEqual(['firing', 'pending']);

    const rules = await lookout(['alerts', 'rules', '--url', url]);
    expect(rules.stdout).toMatch(/ModelInUse\s+threshold\s+warning\s+api\s+yes\s+ok/);

    const silence = await lookout(['alerts', 'silence', '--url', url, '--match', 'model="gpt-4o"', '--for', '2h', '--comment', 'known']);
    expect(silence.code).toBe(0);
    const id = /^silence (\S+) until /.exec(silence.stdout)![1];
    expect((await lookout(['alerts', 'list', '--url', url])).stdout).toMatch(/firing \(silenced\)/);
    expect((await lookout(['alerts', 'silences', '--url', url])).stdout).toMatch(new RegExp(`${id}\\s+model="gpt-4o"`));
    expect((await lookout(['alerts', 'unsilence', id, '--url', url])).code).toBe(0);
    expect((await lookout(['alerts', 'silences', '--url', url])).stdout).toBe('no silences\n');

    const bad = await lookout(['alerts', 'silence', '--url', url, '--match', 'model="gpt-4o"', '--for', 'soon']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/duration: 'soon' is not a duration/);
  });

  it('takes times and durations in the one grammar (docs/api.md, "Times and durations")', { timeout: 60_000 }, async () => {
    // A compound duration back from now: the history route took one unit only.
    const history = await lookout(['alerts', 'history', '--url', url, '--since', '1h30m', '--format', 'json']);
    expect(history.code).toBe(0);
    expect(JSON.parse(history.stdout).map((e: { to: string }) => e.to)).toEqual(['firing', 'pending']);
    const local = await lookout(['alerts', 'history', '--url', url, '--since', '2026-11-01T10:00:00']);
    expect(local.code).toBe(2);
    expect(local.stderr).toMatch(/since: '2026-11-01T10:00:00' has no offset: add Z for UTC/);

    // The rules come back with durations as a rule file writes them.
    const rules = await lookout(['alerts', 'rules', '--url', url, '--format', 'json']);
    expect(JSON.parse(rules.stdout).rules.find((v: { rule: { id: string } }) => v.rule.id === 'ModelInUse').rule).toMatchObject({ window: '1h', for: '0s', cooldown: '0s' });

    const silence = await lookout(['alerts', 'silence', '--url', url, '--match', 'model="gpt-4o"', '--for', '1h30m']);
    expect(silence.code).toBe(0);
    const id = /^silence (\S+) until /.exec(silence.stdout)![1];
    expect((await lookout(['alerts', 'unsilence', id, '--url', url])).code).toBe(0);
    const until = await lookout(['alerts', 'silence', '--url', url, '--match', 'model="gpt-4o"', '--until', '2099-01-01T10:00:00']);
    expect(until.code).toBe(2);
    expect(until.stderr).toMatch(/endsAt: '2099-01-01T10:00:00' has no offset/);
  });

  it('tests a rule file against the server and checks rule files offline with file:line errors', { timeout: 30_000 }, async () => {
    const file = join(dir, 'rules.yaml');
    writeFileSync(
      file,
      [
        'rules:',
        '  - name: AnyCalls',
        '    kind: rate',
        '    query: { measure: requests }',
        '    window: 1h',
        '    threshold: 0',
        '    severity: info',
        '    category: availability',
        '  - name: Broken',
        '    kind: threshold',
        '    query: { measure: requests }',
        '    window: 5 minutes',
        '    threshold: 1',
        '    severity: info',
        '    category: availability',
        '',
      ].join('\n'),
    );
    const tested = await lookout(['alerts', 'test-rule', file, '--url', url]);
    expect(tested.stdout).toMatch(/AnyCalls: 1 of 1 group\(s\) would fire/);
    expect(tested.stderr).toContain(`${file}:12:13 rules[1].window: '5 minutes' is not a duration`);
    expect(tested.code).toBe(1);

    const checked = await lookout(['alerts', 'check', file]);
    expect(checked.code).toBe(1);
    expect(checked.stdout).toBe('1 rule(s) valid, 1 error(s)\n');
    expect(checked.stderr).toContain(`${file}:12:13 rules[1].window`);
  });
});
