import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generation, makeTestApp, type TestApp } from '../testing/app.ts';
import { hex } from '../testing/fixtures.ts';

// `lookout export spans|scores|logs` as a user runs it: the real command-line tool in a child
// process against a running server.

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
const dir = mkdtempSync(join(tmpdir(), 'lookout-export-cli-'));
beforeAll(async () => {
  t = await makeTestApp();
  url = await t.app.listen({ port: 0, host: '127.0.0.1' });
  const batch = [generation({ spanId: hex(8), traceId: hex(16), userId: 'alice' }), generation({ spanId: hex(8), traceId: hex(16), userId: 'bob', input: 'secret prompt' })];
  expect((await t.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: { batch } })).statusCode).toBe(200);
});
afterAll(async () => {
  await t?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function parquetRows(file: string): Promise<Record<string, unknown>[]> {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  try {
    return (await c.runAndReadAll(`SELECT user_id, input_content FROM read_parquet('${file}') ORDER BY user_id`)).getRowObjectsJS() as Record<string, unknown>[];
  } finally {
    c.closeSync();
    db.closeSync();
  }
}

describe('lookout export spans|scores|logs', () => {
  it('writes a Parquet file of the filtered spans, reporting on stderr', { timeout: 60_000 }, async () => {
    const out = join(dir, 'spans.parquet');
    const res = await lookout(['export', 'spans', '--url', url, '--format', 'parquet', '--out', out, '--from', '1h', '--no-content']);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toBe('');
    expect(res.stderr).toContain('exporting 2 spans as parquet');
    expect(res.stderr).toContain(`wrote ${out}`);
    expect(await parquetRows(out)).toEqual([{ user_id: 'alice', input_content: null }, { user_id: 'bob', input_content: null }]);

    const bob = join(dir, 'bob.parquet');
    expect((await lookout(['export', 'spans', '--url', url, '--format', 'parquet', '--out', bob, '--filter', 'userId=bob'])).code).toBe(0);
    expect(await parquetRows(bob)).toEqual([{ user_id: 'bob', input_content: 'secret prompt' }]);
  });

  it("reports a bad argument or the server's refusal and leaves no file", { timeout: 60_000 }, async () => {
    const out = join(dir, 'bad.csv');
    const format = await lookout(['export', 'logs', '--url', url, '--format', 'xlsx', '--out', out]);
    expect(format.code).toBe(2);
    expect(format.stderr).toContain("--format 'xlsx': use one of csv, jsonl, parquet");
    const refused = await lookout(['export', 'scores', '--url', url, '--out', out, '--filter', 'model=gpt-4o']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/GET \/api\/v1\/export\/scores\?format=csv&model=gpt-4o failed with 400: .*model/);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(`${out}.part`)).toBe(false);
  });
});
