import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyAttribution } from '../domain/span.ts';
import { ParquetArchive } from '../lifecycle/archive.ts';
import { archiveFile } from '../lifecycle/archive-manifest.ts';
import { projectId } from '../store/store.ts';
import { makeTestApp, type TestApp } from '../testing/app.ts';
import { makeScore, makeSpan } from '../testing/fixtures.ts';

// `lookout archive query|list` as a user runs them: the real command-line tool in a child process
// over an archive written from the app's store (DuckDB; ClickHouse under the ClickHouse run, where
// the staged export is ClickHouse's own Parquet output).

const CLI = fileURLToPath(new URL('../cli.ts', import.meta.url));
const P = projectId('default');
const at = (iso: string) => Date.parse(iso) * 1000;

function lookout(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env: { ...process.env, LOOKOUT_API_KEY: '' }, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

let t: TestApp;
const dir = mkdtempSync(join(tmpdir(), 'lookout-archive-cli-'));
const root = join(dir, 'archive');

beforeAll(async () => {
  t = await makeTestApp();
  const span = (day: string, spanId: string, user: string, nano: number) =>
    makeSpan({ projectId: P, spanId, startUs: at(`${day}T10:00:00Z`), attribution: { ...emptyAttribution(), userId: user }, cost: { ...makeSpan().cost, totalNanoUsd: nano } });
  // Early in the UTC day: a day split in any zone west of UTC would move it to the day before.
  const early = makeSpan({ projectId: P, spanId: 'early', startUs: at('2026-10-02T00:30:00Z'), cost: { ...makeSpan().cost, totalNanoUsd: 5 } });
  await t.ctx.store.write({
    spans: [span('2026-10-01', 's1', 'alice', 1), span('2026-10-01', 's2', 'bob', 20), span('2026-10-02', 's3', 'alice', 300), early],
    scores: [makeScore({ projectId: P, id: 'sc1', timestampUs: at('2026-10-02T10:00:00Z') })],
    logs: [],
  });
  const archive = new ParquetArchive({ dir: root, store: t.ctx.store, now: () => Date.parse('2026-10-10T00:00:00Z') });
  const run = await archive.archiveBefore(P, new Date('2026-10-05T00:00:00Z'));
  expect(run.files.map((f) => `${f.date}/${f.kind}:${f.rows}`).sort()).toEqual(['2026-10-01/spans:2', '2026-10-02/scores:1', '2026-10-02/spans:2']);
  // zstd whatever the backend wrote the staged export with.
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  for (const f of run.files) {
    const codecs = (await c.runAndReadAll(`SELECT DISTINCT compression FROM parquet_metadata('${archiveFile(root, f)}')`)).getRowObjectsJson();
    expect(codecs).toEqual([{ compression: 'ZSTD' }]);
  }
  c.closeSync();
  db.closeSync();
}, 60_000);
afterAll(async () => {
  await t?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('lookout archive', () => {
  it('queries the archive with SQL, partitioned by project and date', { timeout: 180_000 }, async () => {
    const sql = 'SELECT project, CAST(date AS VARCHAR) AS day, count(*) AS n, CAST(sum(cost_usd) * 1e9 AS BIGINT) AS nano FROM spans GROUP BY ALL ORDER BY day';
    const json = await lookout(['archive', 'query', sql, '--dir', root, '--format', 'json']);
    const table = await lookout(['archive', 'query', 'SELECT id, name FROM scores', '--dir', root]);
    expect(json.stderr).toBe('');
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual([
      { project: 'default', day: '2026-10-01', n: '2', nano: '21' },
      { project: 'default', day: '2026-10-02', n: '2', nano: '305' },
    ]);
    expect(table.stdout).toBe('id   name\n---  -----------\nsc1  helpfulness\n(1 row)\n');
  });

  it('prints at most --max-rows rows and says so', { timeout: 180_000 }, async () => {
    const out = await lookout(['archive', 'query', "SELECT span_id, user_id FROM spans WHERE span_id <> 's2' ORDER BY span_id", '--dir', root, '--format', 'csv', '--max-rows', '2']);
    expect(out.code).toBe(0);
    expect(out.stdout).toBe('span_id,user_id\r\nearly,\r\ns1,alice\r\n');
    expect(out.stderr).toContain('showing the first 2 rows');
  });

  it('turns away bad SQL, writes and files outside the archive, with exit status 2', { timeout: 180_000 }, async () => {
    // One at a time: each is a Node process starting on a small, busy machine.
    const bad = await lookout(['archive', 'query', 'SELEC * FROM spans', '--dir', root]);
    const write = await lookout(['archive', 'query', `COPY (SELECT * FROM spans) TO '${join(root, 'x.csv')}'`, '--dir', root]);
    const outside = await lookout(['archive', 'query', "SELECT * FROM read_csv('/etc/passwd')", '--dir', root]);
    const none = await lookout(['archive', 'query', 'SELECT * FROM logs', '--dir', join(dir, 'nowhere')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^lookout: bad SQL: Parser Error: syntax error at or near "SELEC"/);
    expect(bad.stdout).toBe('');
    expect(write.code).toBe(2);
    expect(write.stderr).toContain('read-only');
    expect(outside.code).toBe(2);
    expect(outside.stderr).toContain('disabled by configuration');
    expect(none.code).toBe(2);
    expect(none.stderr).toContain(`no archive at ${join(dir, 'nowhere')}`);
  });

  it('lists the manifest', { timeout: 180_000 }, async () => {
    const out = await lookout(['archive', 'list', '--dir', root, '--format', 'csv']);
    // The archive directory of a data directory, when no --dir is given.
    const byDataDir = await lookout(['archive', 'list', '--data-dir', dir, '--format', 'json']);
    expect(out.code).toBe(0);
    const lines = out.stdout.trim().split('\r\n');
    expect(lines[0]).toBe('project,date,kind,rows,bytes,sha256,writtenAt');
    expect(lines.slice(1).map((l) => l.split(',').slice(0, 4).join(','))).toEqual(['default,2026-10-01,spans,2', 'default,2026-10-02,scores,1', 'default,2026-10-02,spans,2']);
    const json = JSON.parse(byDataDir.stdout);
    expect(json.archivedThrough).toEqual({ default: '2026-10-05' });
    expect(json.files).toHaveLength(3);
  });
});
