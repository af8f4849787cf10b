import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config.ts';
import { MEASURE_NAMES } from '../query/contract.ts';
import { startServer, type RunningServer } from '../server/serve.ts';
import { generation } from '../testing/app.ts';
import type { Store } from '../store/store.ts';
import { localBackupOf, restoreBackup } from './backup.ts';

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const dirs: string[] = [];
const servers: RunningServer[] = [];
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
};

afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function start(dataDir: string): Promise<RunningServer> {
  const config = loadConfig({ env: {}, flags: { dataDir, port: 0, grpcPort: 0, logLevel: 'silent' } });
  const server = await startServer(config, { quiet: true });
  servers.push(server);
  return server;
}

type Server = RunningServer;
async function call(s: Server, method: 'GET' | 'POST', url: string, payload?: object, key?: string) {
  const res = await s.app.inject({ method, url, payload, headers: key ? { authorization: `Bearer ${key}` } : {} });
  return { status: res.statusCode, body: res.body };
}
async function ok(s: Server, method: 'GET' | 'POST', url: string, payload?: object, key?: string) {
  const res = await call(s, method, url, payload, key);
  expect(res.status, `${method} ${url}: ${res.body}`).toBeLessThan(300);
  return JSON.parse(res.body);
}

const USERS = ['alice', 'bob', 'carol'];
const MODELS = ['gpt-4o', 'gpt-4o-mini'];

function traffic(n: number): Record<string, unknown>[] {
  const items: Record<string, unknown>[] = [];
  for (let i = 0; i < n; i++) {
    const traceId = hex(16);
    items.push(
      generation({
        traceId,
        spanId: hex(8),
        model: MODELS[i % 2],
        userId: USERS[i % 3],
        team: i % 2 ? 'search' : 'chat',
        feature: i % 3 ? 'answer' : 'summarise',
        usage: { input: 100 + i, output: 20 + i },
        durationMs: 200 + 37 * i,
        status: i % 7 === 0 ? 'error' : 'ok',
        startTime: new Date(Date.now() - 60_000 * (i + 1)).toISOString(),
      }),
      { type: 'score', id: hex(8), traceId, name: 'helpfulness', value: (i % 5) / 4 },
      { type: 'log', id: hex(8), traceId, body: `log ${i}`, severity: i % 4 ? 'info' : 'error' },
    );
  }
  return items;
}

// Every analytics answer, and the state the API shows, of the default project.
async function answers(s: Server, from: string, to: string): Promise<Record<string, unknown>> {
  const range = `from=${from}&to=${to}`;
  const urls = [
    ...MEASURE_NAMES.map((m) => `/api/v1/analytics/query?measures=${m}&groupBy=model&${range}`),
    ...MEASURE_NAMES.map((m) => `/api/v1/analytics/query?measures=${m}&groupBy=user&${range}`),
    `/api/v1/analytics/daily?${range}`,
    `/api/v1/analytics/top-spenders?${range}`,
    `/api/v1/analytics/model-efficiency?${range}`,
    `/api/v1/analytics/latency-distribution?${range}`,
    `/api/v1/quality/health?${range}`,
    '/api/v1/spans?limit=500',
    '/api/v1/scores?limit=500',
    '/api/v1/logs?limit=500',
    '/api/v1/keys?project=acme',
    '/api/v1/budgets',
    '/api/v1/alerts/rules',
    '/api/v1/evaluators',
    '/api/v1/privacy',
    '/api/v1/budgets/tiers',
  ];
  const out: Record<string, unknown> = {};
  for (const url of urls) {
    const res = await call(s, 'GET', url);
    // What depends on the time of asking (a burn rate per hour so far) differs by nature; the data does not.
    const body = res.body.replace(/"(generatedAt|now|asOf)":"[^"]*"/g, '"$1":""').replace(/"(burnRateUsdPerHour|forecastUsd)":[-0-9.e]+/g, '"$1":0');
    out[url] = { status: res.status, body };
  }
  return out;
}

describe('backup and restore of a DuckDB install', () => {
  it('backs up a server while ingest goes on, and a server on the restored directory answers the same', async () => {
    const source = await start(tempDir('lookout-backup-src-'));
    await ok(source, 'POST', '/api/v1/ingest', { batch: traffic(60) });
    const acmeKey = (await ok(source, 'POST', '/api/v1/keys', { project: 'acme', scope: 'read', name: 'reader' })).key as string;
    const noiseKey = (await ok(source, 'POST', '/api/v1/keys', { project: 'noise', scope: 'ingest' })).key as string;
    await ok(source, 'POST', '/api/v1/budgets', { id: 'alice-daily', scope: 'user', subject: 'alice', period: 'daily', limitUsd: 5, warnAtPercent: [50, 90] });
    await ok(source, 'POST', '/api/v1/alerts/rules', { name: 'spend', kind: 'threshold', query: { measure: 'cost', groupBy: ['model'] }, window: '1h', threshold: 0, severity: 'warning', category: 'cost' });
    await ok(source, 'POST', '/api/v1/evaluators', { name: 'long-answer', kind: 'heuristic', criterion: 'length', sampleRate: 1, params: { maxChars: 2000 } });
    await ok(source, 'POST', '/api/v1/ingest', { batch: traffic(40) });
    await source.ctx.pipeline.caughtUp();

    // Another project keeps sending while the backup runs.
    let sending = true;
    let acknowledgedBefore = 0;
    let acknowledged = 0;
    let backupStarted = false;
    const sender = (async () => {
      while (sending) {
        const res = await call(source, 'POST', '/api/v1/ingest', { batch: [generation({ traceId: hex(16), spanId: hex(8) })] }, noiseKey);
        expect(res.status, res.body).toBe(200);
        acknowledged++;
        if (!backupStarted) acknowledgedBefore = acknowledged;
        await new Promise((r) => setImmediate(r));
      }
    })();
    await new Promise((r) => setTimeout(r, 200));
    backupStarted = true;
    // Only the instance's operator backs it up.
    expect((await call(source, 'POST', '/api/v1/admin/backup', undefined, acmeKey)).status).toBe(403);
    const { dir } = await ok(source, 'POST', '/api/v1/admin/backup');
    sending = false;
    await sender;
    expect(acknowledgedBefore).toBeGreaterThan(0);
    await source.ctx.pipeline.caughtUp();
    const from = new Date(Date.now() - 2 * 86_400_000).toISOString();
    const to = new Date(Date.now() + 3_600_000).toISOString();
    const expected = await answers(source, from, to);
    // Every question is answered (a refused one would compare equal and prove nothing).
    expect(Object.entries(expected).filter(([, v]) => (v as { status: number }).status !== 200).map(([url]) => url)).toEqual([]);
    expect(readdirSync(dir)).toEqual(expect.arrayContaining(['lookout.duckdb', 'lookout-backup.json', 'journal', 'budgets.json', 'alerts.json', 'evaluators.json']));

    const restoredDir = join(tempDir('lookout-backup-dst-'), 'data');
    await restoreBackup(dir, restoredDir);
    await source.close();
    const restored = await start(restoredDir);
    const got = await answers(restored, from, to);
    for (const url of Object.keys(expected)) expect(got[url], url).toEqual(expected[url]);
    // The key made before the backup still works on the restored server.
    expect((await call(restored, 'GET', '/api/v1/project', undefined, acmeKey)).status).toBe(200);
    // Of the other project, everything acknowledged before the backup began, and none made up.
    const count = async (s: Server) => {
      const key = (await ok(s, 'POST', '/api/v1/keys', { project: 'noise', scope: 'read' })).key as string;
      const res = await ok(s, 'GET', '/api/v1/analytics/query?measures=requests&from=2d', undefined, key);
      return Number(res.rows[0]?.requests ?? res.rows[0]?.values?.requests ?? 0);
    };
    const restoredCount = await count(restored);
    expect(restoredCount).toBeGreaterThanOrEqual(acknowledgedBefore);
    expect(restoredCount).toBeLessThanOrEqual(acknowledged);
  }, 120_000);

  it('refuses to restore into a data directory that is not empty, and a directory that is not a backup', async () => {
    const backup = tempDir('lookout-backup-');
    const target = tempDir('lookout-target-');
    writeFileSync(join(target, 'lookout.duckdb'), 'x');
    await expect(restoreBackup(backup, join(target, 'fresh'))).rejects.toThrow(/is not a Lookout backup/);
    writeFileSync(join(backup, 'lookout-backup.json'), JSON.stringify({ format: 1, createdAt: '', database: 'lookout.duckdb', files: [] }));
    writeFileSync(join(backup, 'lookout.duckdb'), '');
    await expect(restoreBackup(backup, target)).rejects.toThrow(`${target} is not empty: restore into a new, empty data directory`);
    writeFileSync(join(backup, 'lookout-backup.json'), JSON.stringify({ format: 1, createdAt: '', database: 'lookout.duckdb', files: ['../elsewhere'] }));
    await expect(restoreBackup(backup, join(target, 'fresh'))).rejects.toThrow("the manifest names '../elsewhere', which is not a file of a data directory");
  });

  it('refuses the ClickHouse backend, pointing to its own tools', () => {
    expect(() => localBackupOf({ backend: 'clickhouse' } as Store)).toThrow('this server stores on clickhouse: back it up with its own tools (docs/data-lifecycle.md#backup-and-restore)');
  });
});
