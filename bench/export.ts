import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { ReadableStream } from 'node:stream/web';
import { buildSyntheticStore } from './synthetic-store.ts';
import { emit, envInt, log, machine, processRssMb, round, startServer } from './lib.ts';

// Export benchmark: a synthetic store of BENCH_EXPORT_ROWS generations (default 1M, 30 days),
// served by a real server process; each format of GET /api/v1/export/spans over the whole 30
// days is downloaded (the bytes counted and dropped) and timed, with the server's resident
// memory before and its peak after. The store writes the file with COPY, so the server's peak
// should not grow with the row count. The query timeout is raised: an export is one store read.
// BENCH_EXPORT_FORMATS narrows the formats (comma-separated), e.g. parquet alone at 10M rows.

const QUERY_TIMEOUT_MS = 600_000;

async function download(url: string): Promise<{ seconds: number; bytes: number; rows: number }> {
  const started = performance.now();
  const res = await fetch(url);
  if (!res.ok || !res.body) throw new Error(`${url} answered ${res.status}: ${await res.text()}`);
  let bytes = 0;
  for await (const chunk of Readable.fromWeb(res.body as ReadableStream)) bytes += (chunk as Buffer).length;
  return { seconds: round((performance.now() - started) / 1000, 2) ?? 0, bytes, rows: Number(res.headers.get('x-lookout-rows')) };
}

async function main() {
  const rows = envInt('BENCH_EXPORT_ROWS', 1_000_000);
  const dir = mkdtempSync(join(tmpdir(), 'lookout-bench-export-'));
  try {
    log(`export bench: building ${rows.toLocaleString('en-US')} generations in ${dir}`);
    const nowMs = Date.now();
    await buildSyntheticStore(dir, rows, nowMs);
    const server = await startServer(dir, { LOOKOUT_QUERY_TIMEOUT_MS: String(QUERY_TIMEOUT_MS) });
    try {
      const pid = server.child.pid!;
      const before = processRssMb(pid);
      const formats: Record<string, unknown> = {};
      const wanted = (process.env.BENCH_EXPORT_FORMATS ?? 'parquet,csv,jsonl').split(',').map((f) => f.trim());
      for (const format of ['parquet', 'csv', 'jsonl'].filter((f) => wanted.includes(f))) {
        const got = await download(`${server.url}/api/v1/export/spans?format=${format}&from=31d`);
        if (got.rows !== rows) throw new Error(`${format}: exported ${got.rows} rows of ${rows}`);
        const after = processRssMb(pid);
        formats[format] = { ...got, fileMb: round(got.bytes / 1e6, 1), rowsPerSecond: Math.round(rows / got.seconds), serverPeakRssMb: after.peakRssMb };
        log(`  ${format}: ${got.seconds} s, ${(got.bytes / 1e6).toFixed(1)} MB, server peak RSS ${after.peakRssMb} MB`);
      }
      emit({ bench: 'export', machine: machine(), rows, serverRssBeforeMb: before.rssMb, serverPeakRssBeforeMb: before.peakRssMb, formats });
    } finally {
      await server.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
