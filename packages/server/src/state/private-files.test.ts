import { chmodSync, mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config.ts';
import { createContext, startServer, type RunningServer } from '../server/serve.ts';
import type { DuckDb } from '../store/duckdb/db.ts';
import { generation } from '../testing/app.ts';
import { Journal } from '../ingest/journal.ts';
import { JsonFile } from './json-file.ts';

// Everything under the data directory can hold prompts and key hashes: no access for group or
// others, under the usual umask of 022.

let savedUmask: number;
beforeEach(() => {
  savedUmask = process.umask(0o022);
});
afterEach(() => {
  process.umask(savedUmask);
});

function modes(dir: string): Record<string, string> {
  const out: Record<string, string> = { '.': (statSync(dir).mode & 0o777).toString(8) };
  const walk = (d: string, prefix: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const rel = prefix + e.name;
      out[rel] = (statSync(join(d, e.name)).mode & 0o777).toString(8);
      if (e.isDirectory()) walk(join(d, e.name), `${rel}/`);
    }
  };
  walk(dir, '');
  return out;
}

const loose = (m: Record<string, string>) => Object.entries(m).filter(([, mode]) => (parseInt(mode, 8) & 0o077) !== 0);

describe('data directory permissions', () => {
  let server: RunningServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('a server under umask 022 keeps the data dir, database, log, journal, staging and state files to its user, across checkpoints', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'lookout-perm-')), 'data');
    server = await startServer(loadConfig({ env: {}, flags: { dataDir, port: 0, grpcPort: 0, logLevel: 'silent' } }), { quiet: true });
    const ingest = async () => {
      const res = await fetch(`${server!.url}/api/v1/ingest`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ batch: [generation()] }) });
      expect(res.status).toBe(200);
      // Read-your-writes: answered once the batch is in the store.
      expect((await fetch(`${server!.url}/api/v1/spans`)).status).toBe(200);
    };
    await ingest();
    const db = (server.ctx.store as unknown as { db: DuckDb }).db;
    // The write-ahead log is made anew after a checkpoint.
    await db.exclusive(() => db.run('CHECKPOINT'));
    await ingest();
    const files = modes(dataDir);
    expect(Object.keys(files)).toEqual(expect.arrayContaining(['.', 'lookout.duckdb', 'lookout.duckdb.wal', 'journal', 'staging']));
    expect(loose(files)).toEqual([]);
  }, 60_000);

  it("creates Lookout's own files private without help from the umask, and tightens a data dir an older version left open", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'lookout-perm-'));
    chmodSync(dataDir, 0o755);
    mkdirSync(join(dataDir, 'journal'), { mode: 0o755 });
    writeFileSync(join(dataDir, 'budgets.json'), '{}', { mode: 0o644 });
    writeFileSync(join(dataDir, 'content-hash.key'), Buffer.alloc(32, 1), { mode: 0o644 });
    writeFileSync(join(dataDir, 'notes.txt'), 'not ours', { mode: 0o644 });
    const warnings: unknown[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => warnings.push(JSON.parse(line)) });
    const ctx = await createContext(loadConfig({ env: {}, flags: { dataDir, logLevel: 'silent' } }), logger);
    try {
      expect(warnings).toContainEqual(
        expect.objectContaining({ event: 'permissions_tightened', paths: expect.arrayContaining([dataDir, join(dataDir, 'journal'), join(dataDir, 'budgets.json'), join(dataDir, 'content-hash.key')]) }),
      );
      await ctx.pipeline.submit({ spans: [], scores: [], logs: [] }, 'api');
      const files = modes(dataDir);
      // Only the write-ahead log, which DuckDB makes itself, would follow the umask; serve.ts sets
      // the umask for it. A file that is not Lookout's is left alone.
      expect(loose(files).filter(([f]) => f !== 'lookout.duckdb.wal')).toEqual([['notes.txt', '644']]);
      expect(files).toMatchObject({ '.': '700', journal: '700', staging: '700', 'budgets.json': '600', 'content-hash.key': '600', 'lookout.duckdb': '600' });
    } finally {
      await ctx.pipeline.drain();
      await ctx.store.close();
    }
  }, 60_000);

  it('writes state files 0600, even over a temporary file left readable by a crash', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'lookout-perm-')), 'state');
    const path = join(dir, 'alerts.json');
    const file = new JsonFile<{ n: number }>(path);
    await file.write({ n: 1 });
    expect(modes(dir)).toEqual({ '.': '700', 'alerts.json': '600' });
    writeFileSync(`${path}.tmp`, 'torn', { mode: 0o644 });
    await file.write({ n: 2 });
    expect(modes(dir)).toEqual({ '.': '700', 'alerts.json': '600' });
    expect(await file.read({ n: 0 })).toEqual({ n: 2 });
  });

  it('writes journal segments 0600 in a 0700 directory', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'lookout-perm-')), 'journal');
    const journal = await Journal.open(dir);
    const seg = await journal.append({ spans: '{}\n', scores: '', logs: '{}\n', spanWindowUs: null }, 2);
    expect(seg.files.spans).toHaveLength(1);
    expect(modes(dir)).toEqual({ '.': '700', '000000000001.spans.ndjson': '600', '000000000001.logs.ndjson': '600' });
  });
});
