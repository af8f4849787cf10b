import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI_PATH, emit, envInt, latencySummary, log, machine, REPO_ROOT, round, startServer } from './lib.ts';

// Sign-in and per-request authentication (docs/auth.md). A real `lookout serve` with keys
// required, one local account made with `lookout users add` before it starts. Measured:
//   - POST /auth/login one at a time (scrypt N=2^15 on the libuv pool, the session written);
//   - the same read (GET /api/v1/project) with an API key and with the session cookie, one at a
//     time: what resolving a session costs over resolving a key (both cached per node);
//   - an audited change (PATCH of the project's content capture by the signed-in admin, with its CSRF token),
//     one at a time, against the same change made with the key.
//
// Environment: BENCH_AUTH_LOGINS (40), BENCH_AUTH_READS (2000), BENCH_AUTH_WRITES (200).

const logins = envInt('BENCH_AUTH_LOGINS', 40, 1, 10_000);
const reads = envInt('BENCH_AUTH_READS', 2_000, 10, 1_000_000);
const writes = envInt('BENCH_AUTH_WRITES', 200, 1, 100_000);
const EMAIL = 'bench-admin@example.com';
const PASSWORD = 'correct horse battery staple';

async function timed(fn: () => Promise<Response>): Promise<number> {
  const start = performance.now();
  const res = await fn();
  await res.arrayBuffer();
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return performance.now() - start;
}

const dataDir = mkdtempSync(join(tmpdir(), 'lookout-bench-auth-'));
try {
  const added = spawnSync(process.execPath, [CLI_PATH, 'users', 'add', '--email', EMAIL, '--role', 'admin', '--password-stdin', '--data-dir', dataDir], {
    cwd: REPO_ROOT,
    input: `${PASSWORD}\n`,
    encoding: 'utf8',
    env: { ...process.env, LOOKOUT_DATA_DIR: dataDir },
  });
  if (added.status !== 0) throw new Error(`lookout users add failed: ${added.stderr}`);
  const server = await startServer(dataDir, { LOOKOUT_REQUIRE_API_KEYS: 'always', LOOKOUT_LOCAL_LOGIN: 'true' });
  try {
    const key = /^\s+(lk_\S+)\s*$/m.exec(server.output())?.[1];
    if (!key) throw new Error(`no admin key in the server's output:\n${server.output()}`);
    const url = server.url;

    log(`auth: ${logins} sign-ins`);
    const loginMs: number[] = [];
    let cookie = '';
    for (let i = 0; i < logins; i++) {
      const start = performance.now();
      const res = await fetch(`${url}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: EMAIL, password: PASSWORD }) });
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`sign-in answered ${res.status}`);
      loginMs.push(performance.now() - start);
      cookie = (res.headers.get('set-cookie') ?? '').split(';')[0];
    }
    const me = await fetch(`${url}/api/v1/me`, { headers: { cookie } });
    const csrf = ((await me.json()) as { csrfToken: string | null }).csrfToken;
    if (!csrf) throw new Error('no CSRF token for the session');

    log(`auth: ${reads} reads with a key, then with the session`);
    const read = (headers: Record<string, string>) => () => fetch(`${url}/api/v1/project`, { headers });
    for (let i = 0; i < 50; i++) await timed(read({ authorization: `Bearer ${key}` }));
    const keyReadMs: number[] = [];
    for (let i = 0; i < reads; i++) keyReadMs.push(await timed(read({ authorization: `Bearer ${key}` })));
    for (let i = 0; i < 50; i++) await timed(read({ cookie }));
    const sessionReadMs: number[] = [];
    for (let i = 0; i < reads; i++) sessionReadMs.push(await timed(read({ cookie })));

    log(`auth: ${writes} audited changes with a key, then with the session`);
    const write = (headers: Record<string, string>, i: number) => () =>
      fetch(`${url}/api/v1/project`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ contentCapture: i % 2 === 0 ? 'metadata' : 'full' }),
      });
    const keyWriteMs: number[] = [];
    for (let i = 0; i < writes; i++) keyWriteMs.push(await timed(write({ authorization: `Bearer ${key}` }, i)));
    const sessionWriteMs: number[] = [];
    for (let i = 0; i < writes; i++) sessionWriteMs.push(await timed(write({ cookie, 'x-csrf-token': csrf }, i)));

    const audit = await fetch(`${url}/api/v1/audit?action=project.&limit=1000`, { headers: { authorization: `Bearer ${key}` } });
    const entries = audit.ok ? ((await audit.json()) as { entries: unknown[] }).entries.length : null;

    emit({
      bench: 'auth',
      machine: machine(),
      loginMs: latencySummary(loginMs),
      readWithKeyMs: latencySummary(keyReadMs),
      readWithSessionMs: latencySummary(sessionReadMs),
      sessionOverKeyP50Ms: round((latencySummary(sessionReadMs).p50 ?? 0) - (latencySummary(keyReadMs).p50 ?? 0)),
      auditedWriteWithKeyMs: latencySummary(keyWriteMs),
      auditedWriteWithSessionMs: latencySummary(sessionWriteMs),
      auditEntriesSeen: entries,
    });
  } finally {
    await server.stop();
  }
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
